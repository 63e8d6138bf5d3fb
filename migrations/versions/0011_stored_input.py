"""stored input: the audit chain's head is sealed with a key held outside the database

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 00:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    # Left empty: the key is not in the database. `flask audit seal` seals the head after
    # checking the chain; until then `flask audit verify` says the head is not sealed.
    with op.batch_alter_table('audit_chain', schema=None) as batch_op:
        batch_op.add_column(sa.Column('head_mac', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('audit_chain', schema=None) as batch_op:
        batch_op.drop_column('head_mac')
