"""the managers' recruitment figures: each case's spells in each stage, the approved carers'
characteristics, an enquiry's first response time, and the service manager role

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07 00:00:00

"""
import datetime

from alembic import op
import sqlalchemy as sa


revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'stage_spell',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('household_id', sa.Integer(), nullable=False),
        sa.Column('pathway', sa.String(length=20), nullable=False),
        sa.Column('stage', sa.String(length=40), nullable=False),
        sa.Column('from_stage', sa.String(length=40), nullable=True),
        sa.Column('forward', sa.Boolean(), nullable=False),
        sa.Column('entered_on', sa.Date(), nullable=False),
        sa.Column('left_on', sa.Date(), nullable=True),
        sa.Column('working_days', sa.Integer(), nullable=True),
        sa.Column('days', sa.Integer(), nullable=True),
        sa.Column('withdrawal_code', sa.String(length=3), nullable=True),
        sa.Column('application_on', sa.Date(), nullable=True),
        sa.Column('days_from_application', sa.Integer(), nullable=True),
        sa.Column('within_target', sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(['household_id'], ['household.id'],
                                name=op.f('fk_stage_spell_household_id_household'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_stage_spell')),
    )
    op.create_index('ix_stage_spell_entered', 'stage_spell',
                    ['stage', 'entered_on', 'pathway', 'forward', 'from_stage',
                     'withdrawal_code', 'household_id'])
    op.create_index('ix_stage_spell_left', 'stage_spell',
                    ['left_on', 'stage', 'pathway', 'working_days', 'days', 'household_id'])
    op.create_index('ix_stage_spell_in_stage', 'stage_spell',
                    ['stage', 'pathway', 'left_on', 'entered_on', 'household_id',
                     'working_days', 'days'])
    op.create_index('ix_household_open', 'household',
                    ['stage', 'id', 'next_due_on', 'team_id', 'pathway'])
    op.create_index('ix_household_team_due', 'household',
                    ['team_id', 'next_due_on', 'pathway', 'stage'])
    op.create_index('ix_stage_spell_household', 'stage_spell', ['household_id', 'left_on'])

    op.create_table(
        'carer_characteristics',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('household_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('date_of_birth', sa.Date(), nullable=True),
        sa.Column('sex', sa.String(length=20), nullable=True),
        sa.Column('ethnicity', sa.String(length=200), nullable=True),
        sa.Column('disability', sa.String(length=20), nullable=True),
        sa.Column('religion', sa.String(length=200), nullable=True),
        sa.Column('relationship_status', sa.String(length=30), nullable=True),
        sa.Column('sexual_orientation', sa.String(length=50), nullable=True),
        sa.Column('gender_identity', sa.String(length=50), nullable=True),
        sa.ForeignKeyConstraint(['household_id'], ['household.id'],
                                name=op.f('fk_carer_characteristics_household_id_household'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_carer_characteristics')),
    )
    op.create_index(op.f('ix_carer_characteristics_household_id'), 'carer_characteristics',
                    ['household_id'])

    with op.batch_alter_table('enquiry') as batch:
        batch.add_column(sa.Column('first_response_working_days', sa.Integer(), nullable=True))
    op.create_index('ix_enquiry_received_figures', 'enquiry',
                    ['received_at', 'pathway', 'heard_about', 'first_response_at',
                     'first_response_working_days'])

    role = sa.table("role", sa.column("key", sa.String), sa.column("name", sa.String))
    op.bulk_insert(role, [{"key": "service_manager", "name": "Service manager"}])

    _fill()


def _fill():
    """Work out the new tables for a database that already holds cases."""
    from carers.cases.spells import rebuild
    from carers.enquiries.models import response_working_days
    from carers.reports.models import CarerCharacteristics

    bind = op.get_bind()
    rebuild(connection=bind, knows_erasure=False)  # nothing was erased before 0029
    enquiry = sa.table("enquiry", sa.column("id", sa.Integer),
                       sa.column("received_at", sa.DateTime(timezone=True)),
                       sa.column("first_response_at", sa.DateTime(timezone=True)),
                       sa.column("first_response_working_days", sa.Integer))
    answered = bind.execute(sa.select(enquiry.c.id, enquiry.c.received_at,
                                      enquiry.c.first_response_at)
                            .where(enquiry.c.first_response_at.is_not(None))).all()
    for row in answered:
        bind.execute(enquiry.update().where(enquiry.c.id == row.id).values(
            first_response_working_days=response_working_days(row.received_at,
                                                              row.first_response_at)))
    facts = sa.table("report_application_facts", sa.column("household_id", sa.Integer),
                     sa.column("facts", sa.JSON))
    # The table as this revision made it, with dates of birth (0029 keeps only the 31 March
    # after each).
    characteristics = sa.table(
        "carer_characteristics", *(sa.column(name) for name in (
            "household_id", "position", "date_of_birth", "sex", "ethnicity", "disability",
            "religion", "relationship_status")))
    rows = []
    for stored in bind.execute(sa.select(facts.c.household_id, facts.c.facts)):
        applicants = [p for p in (stored.facts or {}).get("applicants") or []
                      if p.get("role") == "applicant"]
        for row, person in zip(CarerCharacteristics.rows_from(stored.household_id,
                                                              stored.facts or {}),
                               applicants, strict=True):
            row.pop("born_by")
            born = person.get("date_of_birth")
            row["date_of_birth"] = datetime.date.fromisoformat(born) if born else None
            rows.append(row)
    if rows:
        bind.execute(sa.insert(characteristics), rows)


def downgrade():
    op.execute("DELETE FROM role WHERE key = 'service_manager'")
    op.drop_index('ix_enquiry_received_figures', table_name='enquiry')
    with op.batch_alter_table('enquiry') as batch:
        batch.drop_column('first_response_working_days')
    op.drop_index(op.f('ix_carer_characteristics_household_id'),
                  table_name='carer_characteristics')
    op.drop_table('carer_characteristics')
    op.drop_index('ix_household_team_due', table_name='household')
    op.drop_index('ix_household_open', table_name='household')
    for name in ('ix_stage_spell_household', 'ix_stage_spell_in_stage', 'ix_stage_spell_left',
                 'ix_stage_spell_entered'):
        op.drop_index(name, table_name='stage_spell')
    op.drop_table('stage_spell')
