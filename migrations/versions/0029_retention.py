"""retention: legal holds, proposals for deletion, tombstones, the end of approval, and
the carers' characteristics without dates of birth

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-07 04:02:00

"""
import datetime

from alembic import op
import sqlalchemy as sa


revision = '0029'
down_revision = '0028'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('erased_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=20), nullable=False),
    sa.Column('pathway', sa.String(length=20), nullable=True),
    sa.Column('stage', sa.String(length=40), nullable=True),
    sa.Column('retention_class', sa.String(length=30), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=True),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('withdrawal_code', sa.String(length=3), nullable=True),
    sa.Column('erased_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('erased_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['erased_by_id'], ['user.id'], name=op.f('fk_erased_record_erased_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_erased_record')),
    sa.UniqueConstraint('reference', name=op.f('uq_erased_record_reference'))
    )
    op.create_table('legal_hold',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=True),
    sa.Column('enquiry_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('details', sa.Text(), nullable=False),
    sa.Column('placed_by_id', sa.Integer(), nullable=True),
    sa.Column('placed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('lifted_by_id', sa.Integer(), nullable=True),
    sa.Column('lifted_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('(household_id IS NULL) <> (enquiry_id IS NULL)', name=op.f('ck_legal_hold_one_record')),
    sa.ForeignKeyConstraint(['enquiry_id'], ['enquiry.id'], name=op.f('fk_legal_hold_enquiry_id_enquiry'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_legal_hold_household_id_household'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['lifted_by_id'], ['user.id'], name=op.f('fk_legal_hold_lifted_by_id_user')),
    sa.ForeignKeyConstraint(['placed_by_id'], ['user.id'], name=op.f('fk_legal_hold_placed_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_legal_hold'))
    )
    with op.batch_alter_table('legal_hold', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_legal_hold_enquiry_id'), ['enquiry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_legal_hold_household_id'), ['household_id'], unique=False)

    op.create_table('retention_proposal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=True),
    sa.Column('enquiry_id', sa.Integer(), nullable=True),
    sa.Column('reference', sa.String(length=20), nullable=False),
    sa.Column('retention_class', sa.String(length=30), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('why', sa.Text(), nullable=False),
    sa.Column('proposed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('checked_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(household_id IS NULL) <> (enquiry_id IS NULL)', name=op.f('ck_retention_proposal_one_record')),
    sa.ForeignKeyConstraint(['enquiry_id'], ['enquiry.id'], name=op.f('fk_retention_proposal_enquiry_id_enquiry'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_retention_proposal_household_id_household'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_retention_proposal')),
    sa.UniqueConstraint('enquiry_id', name=op.f('uq_retention_proposal_enquiry_id')),
    sa.UniqueConstraint('household_id', name=op.f('uq_retention_proposal_household_id'))
    )
    with op.batch_alter_table('retention_proposal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_retention_proposal_due_on'), ['due_on'], unique=False)

    with op.batch_alter_table('carer_characteristics', schema=None) as batch_op:
        batch_op.add_column(sa.Column('born_by', sa.Date(), nullable=True))
    # The 31 March on or after each date of birth, before the dates of birth go.
    characteristics = sa.table('carer_characteristics', sa.column('id', sa.Integer),
                               sa.column('date_of_birth', sa.Date),
                               sa.column('born_by', sa.Date))
    conn = op.get_bind()
    rows = conn.execute(sa.select(characteristics.c.id, characteristics.c.date_of_birth)
                        .where(characteristics.c.date_of_birth.is_not(None))).all()
    for row_id, born in rows:
        year = born.year if born.month <= 3 else born.year + 1
        conn.execute(characteristics.update().where(characteristics.c.id == row_id)
                     .values(born_by=datetime.date(year, 3, 31)))
    with op.batch_alter_table('carer_characteristics', schema=None) as batch_op:
        batch_op.drop_column('date_of_birth')

    with op.batch_alter_table('enquiry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.alter_column('date_of_birth',
               existing_type=sa.DATE(),
               nullable=True)

    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.add_column(sa.Column('approval_ended_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('approval_ended_reason', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True))



def downgrade():
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.drop_column('erased_at')
        batch_op.drop_column('approval_ended_reason')
        batch_op.drop_column('approval_ended_on')

    # An erased enquiry has no date of birth; the older schema needs one.
    op.execute("UPDATE enquiry SET date_of_birth = '1900-01-01' WHERE date_of_birth IS NULL")
    with op.batch_alter_table('enquiry', schema=None) as batch_op:
        batch_op.alter_column('date_of_birth',
               existing_type=sa.DATE(),
               nullable=False)
        batch_op.drop_column('erased_at')

    # Dates of birth are not restored: the application's facts still hold them.
    with op.batch_alter_table('carer_characteristics', schema=None) as batch_op:
        batch_op.add_column(sa.Column('date_of_birth', sa.DATE(), nullable=True))
        batch_op.drop_column('born_by')

    with op.batch_alter_table('retention_proposal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_retention_proposal_due_on'))

    op.drop_table('retention_proposal')
    with op.batch_alter_table('legal_hold', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_legal_hold_household_id'))
        batch_op.drop_index(batch_op.f('ix_legal_hold_enquiry_id'))

    op.drop_table('legal_hold')
    op.drop_table('erased_record')
