"""kinship cases record the viability assessment's dates, the nominated officer who approved
regulation 24 temporary approval and its regulation 25 extension, the child's first review
and the latest regulation 24 visit

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06 16:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None

DATES = ['viability_started_on', 'viability_completed_on', 'reg24_officer_on',
         'reg25_officer_on', 'reg24_last_visit_on', 'child_first_review_on']
NAMES = ['reg24_officer_name', 'reg25_officer_name']


def upgrade():
    with op.batch_alter_table('household') as batch:
        for name in DATES:
            batch.add_column(sa.Column(name, sa.Date(), nullable=True))
        for name in NAMES:
            batch.add_column(sa.Column(name, sa.String(length=200), nullable=True))
    # A case in its viability assessment now has started it: on the day it got there.
    op.execute("UPDATE household SET viability_started_on = stage_since "
               "WHERE stage = 'viability_assessment'")


def downgrade():
    with op.batch_alter_table('household') as batch:
        for name in reversed(DATES + NAMES):
            batch.drop_column(name)
