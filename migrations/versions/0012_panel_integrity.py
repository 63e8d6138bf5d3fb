"""panel integrity: a signed-off report keeps its facts; a pack records its papers'
fingerprint

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 00:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('assessment_report') as batch:
        batch.add_column(sa.Column('facts', sa.JSON(), nullable=True))
    with op.batch_alter_table('pack_job') as batch:
        batch.add_column(sa.Column('papers_sha256', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('pack_job') as batch:
        batch.drop_column('papers_sha256')
    with op.batch_alter_table('assessment_report') as batch:
        batch.drop_column('facts')
