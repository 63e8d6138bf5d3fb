"""each allocation carries its case's team, pathway and stage and whether it is erased, kept
by the database on every change to a case (so a worker's own cases are counted from the
allocations alone, not by reading each case)

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-07 14:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0035'
down_revision = '0034'
branch_labels = None
depends_on = None

FROM_HOUSEHOLD = "COALESCE(team_id, 0), pathway, stage, erased_at IS NULL"

SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER case_worker_fill AFTER INSERT ON case_worker BEGIN
      UPDATE case_worker SET (team_key, pathway, stage, live) =
        (SELECT {FROM_HOUSEHOLD} FROM household WHERE id = NEW.household_id)
        WHERE household_id = NEW.household_id AND user_id = NEW.user_id;
    END""",
    """CREATE TRIGGER case_worker_follow AFTER UPDATE OF team_id, pathway, stage, erased_at
    ON household BEGIN
      UPDATE case_worker SET team_key = COALESCE(NEW.team_id, 0), pathway = NEW.pathway,
        stage = NEW.stage, live = NEW.erased_at IS NULL
        WHERE household_id = NEW.id;
    END""",
]

POSTGRES_FUNCTIONS = [
    f"""CREATE FUNCTION case_worker_fill() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT {FROM_HOUSEHOLD} INTO NEW.team_key, NEW.pathway, NEW.stage, NEW.live
    FROM household WHERE id = NEW.household_id;
  RETURN NEW;
END $$""",
    """CREATE FUNCTION case_worker_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF COALESCE(OLD.team_id, 0) <> COALESCE(NEW.team_id, 0) OR OLD.pathway <> NEW.pathway
     OR OLD.stage <> NEW.stage OR (OLD.erased_at IS NULL) <> (NEW.erased_at IS NULL) THEN
    UPDATE case_worker SET team_key = COALESCE(NEW.team_id, 0), pathway = NEW.pathway,
      stage = NEW.stage, live = NEW.erased_at IS NULL
      WHERE household_id = NEW.id;
  END IF;
  RETURN NULL;
END $$""",
]
POSTGRES_TRIGGERS = [
    """CREATE TRIGGER case_worker_fill BEFORE INSERT ON case_worker
    FOR EACH ROW EXECUTE FUNCTION case_worker_fill()""",
    """CREATE TRIGGER case_worker_follow AFTER UPDATE OF team_id, pathway, stage, erased_at
    ON household FOR EACH ROW EXECUTE FUNCTION case_worker_follow()""",
]


def upgrade():
    with op.batch_alter_table('case_worker', schema=None) as batch_op:
        batch_op.add_column(sa.Column('team_key', sa.Integer(), server_default='0',
                                      nullable=False))
        batch_op.add_column(sa.Column('pathway', sa.String(length=20), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('stage', sa.String(length=40), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('live', sa.Boolean(), server_default=sa.true(),
                                      nullable=False))
        batch_op.create_index('ix_case_worker_board',
                              ['user_id', 'live', 'team_key', 'pathway', 'stage'], unique=False)
    op.execute(f"""UPDATE case_worker SET (team_key, pathway, stage, live) =
        (SELECT {FROM_HOUSEHOLD} FROM household WHERE household.id = case_worker.household_id)""")
    if op.get_bind().dialect.name == "postgresql":
        for statement in (*POSTGRES_FUNCTIONS, *POSTGRES_TRIGGERS):
            op.execute(statement)
    else:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def downgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    op.execute("DROP TRIGGER IF EXISTS case_worker_fill" + (" ON case_worker" if postgres else ""))
    op.execute("DROP TRIGGER IF EXISTS case_worker_follow" + (" ON household" if postgres else ""))
    if postgres:
        op.execute("DROP FUNCTION IF EXISTS case_worker_fill()")
        op.execute("DROP FUNCTION IF EXISTS case_worker_follow()")
    with op.batch_alter_table('case_worker', schema=None) as batch_op:
        batch_op.drop_index('ix_case_worker_board')
        batch_op.drop_column('live')
        batch_op.drop_column('stage')
        batch_op.drop_column('pathway')
        batch_op.drop_column('team_key')
