"""uploads: the documents the team asks a household for, and the files its applicants send
(kept outside the database under random names)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 00:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'document_request',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('household_id', sa.Integer(), nullable=False),
        sa.Column('member_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('description', sa.String(length=200), nullable=True),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('requested_by_id', sa.Integer(), nullable=True),
        sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('fulfilled_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('fulfilled_by_id', sa.Integer(), nullable=True),
        sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('cancelled_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['household_id'], ['household.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['member_id'], ['household_member.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['requested_by_id'], ['user.id']),
        sa.ForeignKeyConstraint(['fulfilled_by_id'], ['user.id']),
        sa.ForeignKeyConstraint(['cancelled_by_id'], ['user.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('document_request') as batch_op:
        batch_op.create_index('ix_document_request_household_id', ['household_id'])
        batch_op.create_index('ix_document_request_member_id', ['member_id'])
    op.create_table(
        'uploaded_document',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('household_id', sa.Integer(), nullable=False),
        sa.Column('request_id', sa.Integer(), nullable=True),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
        sa.Column('original_name', sa.String(length=255), nullable=False),
        sa.Column('stored_name', sa.String(length=64), nullable=False),
        sa.Column('content_type', sa.String(length=100), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('comment', sa.Text(), nullable=True),
        sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['household_id'], ['household.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['request_id'], ['document_request.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['uploaded_by_id'], ['applicant.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('stored_name'),
    )
    with op.batch_alter_table('uploaded_document') as batch_op:
        batch_op.create_index('ix_uploaded_document_household_id', ['household_id'])
        batch_op.create_index('ix_uploaded_document_request_id', ['request_id'])


def downgrade():
    op.drop_table('uploaded_document')
    op.drop_table('document_request')
