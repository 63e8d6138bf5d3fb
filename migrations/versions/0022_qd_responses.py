"""the applicant's response to a qualifying determination (representations, or the IRM and
its recommendation), and what the final decision considered

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06 00:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('qd_response',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.Column('irm_papers_sent_on', sa.Date(), nullable=True),
    sa.Column('irm_recommended_on', sa.Date(), nullable=True),
    sa.Column('irm_recommendation', sa.String(length=20), nullable=True),
    sa.Column('irm_terms', sa.Text(), nullable=True),
    sa.Column('irm_reasons', sa.Text(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('letter_pdf', sa.LargeBinary(), nullable=True),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_qd_response_household_id_household'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_qd_response_recorded_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_qd_response')),
    sa.UniqueConstraint('household_id', name=op.f('uq_qd_response_household_id'))
    )
    with op.batch_alter_table('panel_decision', schema=None) as batch_op:
        batch_op.add_column(sa.Column('considered_response_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('departure_reasons', sa.Text(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_panel_decision_considered_response_id_qd_response'),
                                    'qd_response', ['considered_response_id'], ['id'],
                                    ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('panel_decision', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_panel_decision_considered_response_id_qd_response'),
                                 type_='foreignkey')
        batch_op.drop_column('departure_reasons')
        batch_op.drop_column('considered_response_id')
    op.drop_table('qd_response')
