"""kinship front door: the kinship team's inbox, the child's placement on a case, the
kinship questions of an enquiry, and the visit an initial-visit stage records

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 00:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('team', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pathway', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('email', sa.String(length=254), nullable=True))

    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.add_column(sa.Column('child_placed_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('child_placing_authority', sa.String(length=100),
                                      nullable=True))
        batch_op.add_column(sa.Column('initial_visit_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_household_initial_visit', 'visit',
                                    ['initial_visit_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('enquiry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('child_lives_with_enquirer', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('child_living_since', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('child_age', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('child_council', sa.String(length=100), nullable=True))


def downgrade():
    with op.batch_alter_table('enquiry', schema=None) as batch_op:
        batch_op.drop_column('child_council')
        batch_op.drop_column('child_age')
        batch_op.drop_column('child_living_since')
        batch_op.drop_column('child_lives_with_enquirer')

    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.drop_constraint('fk_household_initial_visit', type_='foreignkey')
        batch_op.drop_column('initial_visit_id')
        batch_op.drop_column('child_placing_authority')
        batch_op.drop_column('child_placed_on')

    with op.batch_alter_table('team', schema=None) as batch_op:
        batch_op.drop_column('email')
        batch_op.drop_column('pathway')
