"""the family tree (its people and the links between them) and the ecomap of a case

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 00:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'family_person',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('household_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('sex', sa.String(length=10), nullable=False),
        sa.Column('birth_year', sa.Integer(), nullable=True),
        sa.Column('died', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('died_year', sa.Integer(), nullable=True),
        sa.Column('in_household', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('subject_child', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('member_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['household_id'], ['household.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['member_id'], ['household_member.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('family_person', schema=None) as batch_op:
        batch_op.create_index('ix_family_person_household_id', ['household_id'], unique=False)
        batch_op.create_index('ix_family_person_member_id', ['member_id'], unique=False)
    op.create_table(
        'family_link',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('household_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('from_person_id', sa.Integer(), nullable=False),
        sa.Column('to_person_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=30), nullable=True),
        sa.ForeignKeyConstraint(['household_id'], ['household.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['from_person_id'], ['family_person.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['to_person_id'], ['family_person.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('family_link', schema=None) as batch_op:
        batch_op.create_index('ix_family_link_household_id', ['household_id'], unique=False)
        batch_op.create_index('ix_family_link_from_person_id', ['from_person_id'],
                              unique=False)
        batch_op.create_index('ix_family_link_to_person_id', ['to_person_id'], unique=False)
    op.create_table(
        'ecomap_entry',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('household_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('strength', sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(['household_id'], ['household.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('ecomap_entry', schema=None) as batch_op:
        batch_op.create_index('ix_ecomap_entry_household_id', ['household_id'], unique=False)


def downgrade():
    op.drop_table('ecomap_entry')
    op.drop_table('family_link')
    op.drop_table('family_person')
