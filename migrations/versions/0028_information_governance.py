"""the information governance officer's role

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-07 04:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None


def upgrade():
    role = sa.table("role", sa.column("key", sa.String), sa.column("name", sa.String))
    op.bulk_insert(role, [{"key": "information_governance",
                           "name": "Information governance officer"}])


def downgrade():
    op.execute("DELETE FROM role WHERE key = 'information_governance'")
