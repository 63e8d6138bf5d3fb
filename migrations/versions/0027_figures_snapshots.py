"""the dashboard's standard views, worked out by the scheduler

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07 00:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'figures_snapshot',
        sa.Column('key', sa.String(length=100), nullable=False),
        sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('html', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_figures_snapshot')),
    )


def downgrade():
    op.drop_table('figures_snapshot')
