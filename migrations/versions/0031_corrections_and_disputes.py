"""corrections to a person's details keep their history (old value, who, when, why), and
notes that a person disputes a record

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-07 04:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0031'
down_revision = '0030'
branch_labels = None
depends_on = None


def _object_columns(table):
    return [
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('object_type', sa.String(length=40), nullable=False),
        sa.Column('object_id', sa.Integer(), nullable=False),
        sa.Column('household_id', sa.Integer(), nullable=True),
        sa.Column('enquiry_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['household_id'], ['household.id'],
                                name=op.f(f'fk_{table}_household_id_household'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['enquiry_id'], ['enquiry.id'],
                                name=op.f(f'fk_{table}_enquiry_id_enquiry'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{table}')),
    ]


def upgrade():
    op.create_table('detail_change',
    *_object_columns('detail_change'),
    sa.Column('field', sa.String(length=60), nullable=False),
    sa.Column('old_value', sa.Text(), nullable=True),
    sa.Column('new_value', sa.Text(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['changed_by_id'], ['user.id'],
                            name=op.f('fk_detail_change_changed_by_id_user')),
    )
    op.create_index('ix_detail_change_object', 'detail_change', ['object_type', 'object_id'],
                    unique=False)
    op.create_index(op.f('ix_detail_change_household_id'), 'detail_change', ['household_id'],
                    unique=False)
    op.create_index(op.f('ix_detail_change_enquiry_id'), 'detail_change', ['enquiry_id'],
                    unique=False)
    op.create_table('record_dispute',
    *_object_columns('record_dispute'),
    sa.Column('field', sa.String(length=60), nullable=True),
    sa.Column('disputed_by', sa.String(length=200), nullable=False),
    sa.Column('what', sa.Text(), nullable=False),
    sa.Column('account', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'],
                            name=op.f('fk_record_dispute_recorded_by_id_user')),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['user.id'],
                            name=op.f('fk_record_dispute_resolved_by_id_user')),
    )
    op.create_index('ix_record_dispute_object', 'record_dispute', ['object_type', 'object_id'],
                    unique=False)
    op.create_index(op.f('ix_record_dispute_household_id'), 'record_dispute', ['household_id'],
                    unique=False)
    op.create_index(op.f('ix_record_dispute_enquiry_id'), 'record_dispute', ['enquiry_id'],
                    unique=False)


def downgrade():
    op.drop_index(op.f('ix_record_dispute_enquiry_id'), table_name='record_dispute')
    op.drop_index(op.f('ix_record_dispute_household_id'), table_name='record_dispute')
    op.drop_index('ix_record_dispute_object', table_name='record_dispute')
    op.drop_table('record_dispute')
    op.drop_index(op.f('ix_detail_change_enquiry_id'), table_name='detail_change')
    op.drop_index(op.f('ix_detail_change_household_id'), table_name='detail_change')
    op.drop_index('ix_detail_change_object', table_name='detail_change')
    op.drop_table('detail_change')
