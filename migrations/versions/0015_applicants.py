"""applicants: accounts for the people a household invites to apply, their one-time sign-in
codes and their server-side sessions

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 00:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'applicant',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('household_id', sa.Integer(), nullable=False),
        sa.Column('member_id', sa.Integer(), nullable=True),
        sa.Column('role', sa.String(length=20), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('phone', sa.String(length=30), nullable=True),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('invited_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('invited_by_id', sa.Integer(), nullable=True),
        sa.Column('last_sign_in_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['household_id'], ['household.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['member_id'], ['household_member.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['invited_by_id'], ['user.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('email'),
    )
    with op.batch_alter_table('applicant', schema=None) as batch_op:
        batch_op.create_index('ix_applicant_household_id', ['household_id'], unique=False)
        batch_op.create_index('ix_applicant_member_id', ['member_id'], unique=False)
    op.create_table(
        'applicant_sign_in_code',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('applicant_id', sa.Integer(), nullable=False),
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('wrong_tries', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['applicant_id'], ['applicant.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('applicant_sign_in_code', schema=None) as batch_op:
        batch_op.create_index('ix_applicant_sign_in_code_applicant_id', ['applicant_id'],
                              unique=False)
    op.create_table(
        'applicant_session',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('applicant_id', sa.Integer(), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('ended_because', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['applicant_id'], ['applicant.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token_hash'),
    )
    with op.batch_alter_table('applicant_session', schema=None) as batch_op:
        batch_op.create_index('ix_applicant_session_applicant_id', ['applicant_id'],
                              unique=False)


def downgrade():
    op.drop_table('applicant_session')
    op.drop_table('applicant_sign_in_code')
    op.drop_table('applicant')
