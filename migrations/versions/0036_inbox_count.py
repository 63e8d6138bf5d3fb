"""the inbox counts its enquiries from an index (status, pathway, erased) rather than
from every enquiry's row

Revision ID: 0036
Revises: 0035
Create Date: 2026-12-07 18:00:00

"""
from alembic import op


revision = '0036'
down_revision = '0035'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_enquiry_inbox_count", "enquiry", ["status", "pathway", "erased_at"])


def downgrade():
    op.drop_index("ix_enquiry_inbox_count", table_name="enquiry")
