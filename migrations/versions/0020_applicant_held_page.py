"""applicants' sessions keep a page posted after the time-out (not saved) until its person
signs in again on that browser

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 00:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('applicant_session') as batch:
        batch.add_column(sa.Column('held_path', sa.String(length=500), nullable=True))
        batch.add_column(sa.Column('held_form', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('applicant_session') as batch:
        batch.drop_column('held_form')
        batch.drop_column('held_path')
