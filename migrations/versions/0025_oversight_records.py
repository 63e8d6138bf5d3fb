"""management oversight is a record of its own (what was reviewed, the decision, the reasons)
whose actions are tasks with an owner and a due date

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-13 00:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('oversight_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('recorded_on', sa.Date(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reviewed', sa.Text(), nullable=False),
    sa.Column('decision', sa.String(length=300), nullable=False),
    sa.Column('reasons', sa.Text(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_oversight_record_household_id_household'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_oversight_record_user_id_user')),
    sa.ForeignKeyConstraint(['event_id'], ['case_event.id'], name=op.f('fk_oversight_record_event_id_case_event'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_oversight_record')),
    sa.UniqueConstraint('event_id', name=op.f('uq_oversight_record_event_id'))
    )
    op.create_index('ix_oversight_record_household_recorded', 'oversight_record',
                    ['household_id', 'recorded_on'], unique=False)
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.add_column(sa.Column('oversight_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_task_oversight_id'), ['oversight_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_task_oversight_id_oversight_record'),
                                    'oversight_record', ['oversight_id'], ['id'],
                                    ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_task_oversight_id_oversight_record'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_task_oversight_id'))
        batch_op.drop_column('oversight_id')
    op.drop_index('ix_oversight_record_household_recorded', table_name='oversight_record')
    op.drop_table('oversight_record')
