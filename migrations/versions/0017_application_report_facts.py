"""report application facts: what a submitted application says, for the assessment report's
factual sections

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 00:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'report_application_facts',
        sa.Column('household_id', sa.Integer(), nullable=False),
        sa.Column('submitted_on', sa.Date(), nullable=False),
        sa.Column('facts', sa.JSON(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['household_id'], ['household.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('household_id'),
    )


def downgrade():
    op.drop_table('report_application_facts')
