"""subject access requests and the third-party items released for their bundles

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-07 04:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0030'
down_revision = '0029'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'subject_access_request',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('requester_name', sa.String(length=200), nullable=False),
        sa.Column('requester_email', sa.String(length=254), nullable=True),
        sa.Column('requester_date_of_birth', sa.Date(), nullable=True),
        sa.Column('received_on', sa.Date(), nullable=False),
        sa.Column('due_on', sa.Date(), nullable=False),
        sa.Column('extension_months', sa.Integer(), nullable=True),
        sa.Column('extension_reason', sa.Text(), nullable=True),
        sa.Column('extended_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('extended_by_id', sa.Integer(), nullable=True),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('completed_on', sa.Date(), nullable=True),
        sa.Column('links', sa.JSON(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('bundles_made', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['user.id'],
                                name=op.f('fk_subject_access_request_created_by_id_user')),
        sa.ForeignKeyConstraint(['extended_by_id'], ['user.id'],
                                name=op.f('fk_subject_access_request_extended_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_subject_access_request')),
    )
    op.create_index(op.f('ix_subject_access_request_due_on'), 'subject_access_request',
                    ['due_on'], unique=False)
    op.create_index(op.f('ix_subject_access_request_status'), 'subject_access_request',
                    ['status'], unique=False)
    op.create_table(
        'subject_access_release',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('request_id', sa.Integer(), nullable=False),
        sa.Column('item_key', sa.String(length=80), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('released_by_id', sa.Integer(), nullable=True),
        sa.Column('released_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['released_by_id'], ['user.id'],
                                name=op.f('fk_subject_access_release_released_by_id_user')),
        sa.ForeignKeyConstraint(['request_id'], ['subject_access_request.id'],
                                name=op.f('fk_subject_access_release_request_id_subject_access_request'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_subject_access_release')),
        sa.UniqueConstraint('request_id', 'item_key',
                            name=op.f('uq_subject_access_release_request_id')),
    )
    op.create_index(op.f('ix_subject_access_release_request_id'), 'subject_access_release',
                    ['request_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_subject_access_release_request_id'),
                  table_name='subject_access_release')
    op.drop_table('subject_access_release')
    op.drop_index(op.f('ix_subject_access_request_status'), table_name='subject_access_request')
    op.drop_index(op.f('ix_subject_access_request_due_on'), table_name='subject_access_request')
    op.drop_table('subject_access_request')
