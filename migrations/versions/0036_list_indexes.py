"""lists read from indexes: the inbox counts its enquiries from one (status, pathway, erased)
rather than from every enquiry's row, and a worker's diary reads their week from their
attendance rows (worker, start) rather than from every visit they have attended

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
    op.create_index("ix_visit_worker_diary", "visit_worker", ["user_id", "starts_at"])


def downgrade():
    op.drop_index("ix_visit_worker_diary", table_name="visit_worker")
    op.drop_index("ix_enquiry_inbox_count", table_name="enquiry")
