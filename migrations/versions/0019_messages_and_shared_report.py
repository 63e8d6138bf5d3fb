"""messages between a household and its workers, each reader's place in the thread, and the
assessment report shared with the applicants in their portal

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 00:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'message',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('household_id', sa.Integer(), nullable=False),
        sa.Column('author_applicant_id', sa.Integer(), nullable=True),
        sa.Column('author_user_id', sa.Integer(), nullable=True),
        sa.Column('author_name', sa.String(length=200), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['household_id'], ['household.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['author_applicant_id'], ['applicant.id'],
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['author_user_id'], ['user.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.create_index('ix_message_household_id_id', ['household_id', 'id'],
                              unique=False)
    op.create_table(
        'message_reader',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('household_id', sa.Integer(), nullable=False),
        sa.Column('applicant_id', sa.Integer(), nullable=True),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('last_read_message_id', sa.Integer(), nullable=False),
        sa.Column('last_read_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_notified_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['household_id'], ['household.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['applicant_id'], ['applicant.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('household_id', 'applicant_id',
                            name='uq_message_reader_applicant'),
        sa.UniqueConstraint('household_id', 'user_id', name='uq_message_reader_user'),
    )
    with op.batch_alter_table('message_reader', schema=None) as batch_op:
        batch_op.create_index('ix_message_reader_applicant_id', ['applicant_id'], unique=False)
        batch_op.create_index('ix_message_reader_user_id', ['user_id'], unique=False)
    with op.batch_alter_table('assessment_report', schema=None) as batch_op:
        batch_op.add_column(sa.Column('shared_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('shared_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('shared_content', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('comments_draft', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('comments_revision', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('comments_submitted_at', sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('comments_submitted_by_id', sa.Integer(),
                                      nullable=True))
        batch_op.create_foreign_key('fk_assessment_report_shared_by_id_user', 'user',
                                    ['shared_by_id'], ['id'])
        batch_op.create_foreign_key('fk_assessment_report_comments_submitted_by_id_applicant',
                                    'applicant', ['comments_submitted_by_id'], ['id'],
                                    ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('assessment_report', schema=None) as batch_op:
        batch_op.drop_constraint('fk_assessment_report_comments_submitted_by_id_applicant',
                                 type_='foreignkey')
        batch_op.drop_constraint('fk_assessment_report_shared_by_id_user', type_='foreignkey')
        batch_op.drop_column('comments_submitted_by_id')
        batch_op.drop_column('comments_submitted_at')
        batch_op.drop_column('comments_revision')
        batch_op.drop_column('comments_draft')
        batch_op.drop_column('shared_content')
        batch_op.drop_column('shared_by_id')
        batch_op.drop_column('shared_at')
    op.drop_table('message_reader')
    op.drop_table('message')
