"""a DBS check keeps its certificate number, issue date and Update Service status; a referee
withdrawn keeps why the reference was not taken up

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06 00:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('household_check') as batch:
        batch.add_column(sa.Column('dbs_certificate_number', sa.String(length=12),
                                   nullable=True))
        batch.add_column(sa.Column('dbs_issued_on', sa.Date(), nullable=True))
        batch.add_column(sa.Column('dbs_update_service', sa.Boolean(), nullable=True))
        batch.add_column(sa.Column('dbs_update_checked_on', sa.Date(), nullable=True))
    with op.batch_alter_table('referee') as batch:
        batch.add_column(sa.Column('withdrawn_reason', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('referee') as batch:
        batch.drop_column('withdrawn_reason')
    with op.batch_alter_table('household_check') as batch:
        batch.drop_column('dbs_update_checked_on')
        batch.drop_column('dbs_update_service')
        batch.drop_column('dbs_issued_on')
        batch.drop_column('dbs_certificate_number')
