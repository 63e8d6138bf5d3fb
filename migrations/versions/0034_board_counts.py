"""the pipeline board's counts: open cases per team, pathway and stage, kept by the database
on every change to a case (so the board reads a few hundred rows, not every case); checks
indexed by the check they renew

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-07 11:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0034'
down_revision = '0033'
branch_labels = None
depends_on = None

KEY_OLD = "COALESCE(OLD.team_id, 0), OLD.pathway, OLD.stage"
KEY_NEW = "COALESCE(NEW.team_id, 0), NEW.pathway, NEW.stage"

SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER board_count_insert AFTER INSERT ON household
    WHEN NEW.erased_at IS NULL BEGIN
      INSERT OR IGNORE INTO board_count (team_key, pathway, stage, cases)
        VALUES ({KEY_NEW}, 0);
      UPDATE board_count SET cases = cases + 1
        WHERE (team_key, pathway, stage) = ({KEY_NEW});
    END""",
    f"""CREATE TRIGGER board_count_delete AFTER DELETE ON household
    WHEN OLD.erased_at IS NULL BEGIN
      UPDATE board_count SET cases = cases - 1
        WHERE (team_key, pathway, stage) = ({KEY_OLD});
    END""",
    f"""CREATE TRIGGER board_count_update AFTER UPDATE OF team_id, pathway, stage, erased_at
    ON household BEGIN
      UPDATE board_count SET cases = cases - 1
        WHERE (team_key, pathway, stage) = ({KEY_OLD}) AND OLD.erased_at IS NULL;
      INSERT OR IGNORE INTO board_count (team_key, pathway, stage, cases)
        SELECT {KEY_NEW}, 0 WHERE NEW.erased_at IS NULL;
      UPDATE board_count SET cases = cases + 1
        WHERE (team_key, pathway, stage) = ({KEY_NEW}) AND NEW.erased_at IS NULL;
    END""",
]

# One function for all three changes. The rows it changes are locked in key order first, so
# two cases moving opposite ways between the same stages cannot deadlock.
POSTGRES_FUNCTION = f"""
CREATE FUNCTION board_count_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' AND OLD.erased_at IS NULL THEN
    IF TG_OP = 'UPDATE' AND NEW.erased_at IS NULL
       AND COALESCE(OLD.team_id, 0) = COALESCE(NEW.team_id, 0)
       AND OLD.pathway = NEW.pathway AND OLD.stage = NEW.stage THEN
      RETURN NULL;
    END IF;
  END IF;
  IF TG_OP <> 'DELETE' AND NEW.erased_at IS NULL THEN
    INSERT INTO board_count (team_key, pathway, stage, cases) VALUES ({KEY_NEW}, 0)
      ON CONFLICT DO NOTHING;
  END IF;
  IF TG_OP = 'UPDATE' THEN
    PERFORM 1 FROM board_count
      WHERE (team_key, pathway, stage) IN (({KEY_OLD}), ({KEY_NEW}))
      ORDER BY team_key, pathway, stage FOR UPDATE;
  END IF;
  IF TG_OP <> 'INSERT' AND OLD.erased_at IS NULL THEN
    UPDATE board_count SET cases = cases - 1
      WHERE (team_key, pathway, stage) = ({KEY_OLD});
  END IF;
  IF TG_OP <> 'DELETE' AND NEW.erased_at IS NULL THEN
    UPDATE board_count SET cases = cases + 1
      WHERE (team_key, pathway, stage) = ({KEY_NEW});
  END IF;
  RETURN NULL;
END $$
"""
POSTGRES_TRIGGERS = [
    """CREATE TRIGGER board_count_insert AFTER INSERT ON household
    FOR EACH ROW EXECUTE FUNCTION board_count_change()""",
    """CREATE TRIGGER board_count_delete AFTER DELETE ON household
    FOR EACH ROW EXECUTE FUNCTION board_count_change()""",
    """CREATE TRIGGER board_count_update AFTER UPDATE OF team_id, pathway, stage, erased_at
    ON household FOR EACH ROW EXECUTE FUNCTION board_count_change()""",
]


def upgrade():
    op.create_table(
        'board_count',
        sa.Column('team_key', sa.Integer(), nullable=False),
        sa.Column('pathway', sa.String(length=20), nullable=False),
        sa.Column('stage', sa.String(length=40), nullable=False),
        sa.Column('cases', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('team_key', 'pathway', 'stage', name=op.f('pk_board_count')),
    )
    op.execute("""INSERT INTO board_count (team_key, pathway, stage, cases)
        SELECT COALESCE(team_id, 0), pathway, stage, count(*) FROM household
        WHERE erased_at IS NULL GROUP BY COALESCE(team_id, 0), pathway, stage""")
    # For a check's renewal (the check page), and for the renewals pointing at a check
    # deleted (without it, deleting a case's checks reads every check for each one).
    op.create_index(op.f('ix_household_check_renewal_of_id'), 'household_check',
                    ['renewal_of_id'], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRES_FUNCTION)
        for statement in POSTGRES_TRIGGERS:
            op.execute(statement)
    else:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def downgrade():
    for name in ("board_count_insert", "board_count_delete", "board_count_update"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}" + (
            " ON household" if op.get_bind().dialect.name == "postgresql" else ""))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS board_count_change()")
    op.drop_index(op.f('ix_household_check_renewal_of_id'), table_name='household_check')
    op.drop_table('board_count')
