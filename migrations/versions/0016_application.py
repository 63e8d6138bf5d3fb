"""application: a household's application, each task's answers (per person or shared by the
household, versioned) and each applicant's declaration

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 00:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'application',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('household_id', sa.Integer(), nullable=False),
        sa.Column('form', sa.String(length=20), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['household_id'], ['household.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('household_id'),
    )
    op.create_table(
        'application_task',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('application_id', sa.Integer(), nullable=False),
        sa.Column('task', sa.String(length=40), nullable=False),
        sa.Column('applicant_id', sa.Integer(), nullable=True),
        sa.Column('answers', sa.JSON(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.Column('reopened_reason', sa.Text(), nullable=True),
        sa.Column('reopened_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('reopened_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['application_id'], ['application.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['applicant_id'], ['applicant.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['updated_by_id'], ['applicant.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['reopened_by_id'], ['user.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('application_id', 'task', 'applicant_id',
                            name='uq_application_task_person'),
    )
    with op.batch_alter_table('application_task', schema=None) as batch_op:
        batch_op.create_index('ix_application_task_application_id', ['application_id'],
                              unique=False)
        batch_op.create_index('ix_application_task_applicant_id', ['applicant_id'],
                              unique=False)
    op.create_table(
        'application_declaration',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('application_id', sa.Integer(), nullable=False),
        sa.Column('applicant_id', sa.Integer(), nullable=False),
        sa.Column('declared_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['application_id'], ['application.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['applicant_id'], ['applicant.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('application_id', 'applicant_id',
                            name='uq_application_declaration_person'),
    )
    with op.batch_alter_table('application_declaration', schema=None) as batch_op:
        batch_op.create_index('ix_application_declaration_application_id',
                              ['application_id'], unique=False)


def downgrade():
    op.drop_table('application_declaration')
    op.drop_table('application_task')
    op.drop_table('application')
