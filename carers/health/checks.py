"""Whether the service can do its work: the database answers, its schema is the one the
code expects, and a scheduler is alive. A few bounded queries on one connection, so a
monitor asking often cannot take the database down with it."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache

from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import text
from sqlalchemy.exc import OperationalError, ProgrammingError, SQLAlchemyError

from carers.core.dates import utcnow
from carers.extensions import db

OK = "ok"


@cache
def code_head(directory: str) -> str:
    """The newest revision of the migrations shipped with the code (read once a process)."""
    return ScriptDirectory(directory).get_current_head()


def _missing_table(error: SQLAlchemyError) -> bool:
    return isinstance(error, ProgrammingError) or (
        isinstance(error, OperationalError) and "no such table" in str(error.orig))


def checks() -> dict[str, str]:
    """Each check's result: "ok", or a few words that say what is wrong."""
    head = code_head(current_app.extensions["migrate"].directory)
    timeout_ms = int(float(current_app.config["HEALTH_DATABASE_TIMEOUT_SECONDS"]) * 1000)
    result = {"database": "unreachable", "migrations": "unknown", "scheduler": "unknown"}
    try:
        with db.engine.connect() as conn, conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(text(f"SET LOCAL statement_timeout = {timeout_ms}"))
            try:
                versions = conn.execute(text("SELECT version_num FROM alembic_version")) \
                    .scalars().all()
            except SQLAlchemyError as error:
                if not _missing_table(error):
                    raise
                result.update(database=OK, migrations="behind: database not migrated")
                return result
            result["database"] = OK
            result["migrations"] = _migrations(versions, head)
            try:
                beat = conn.execute(text(
                    "SELECT renewed_at FROM scheduler_lease ORDER BY renewed_at DESC LIMIT 1"
                )).first()
            except SQLAlchemyError as error:
                if not _missing_table(error):
                    raise
                beat = None
    except SQLAlchemyError:
        result["database"] = "unreachable"
        return result
    result["scheduler"] = _scheduler(beat[0] if beat else None)
    return result


def _migrations(versions: list[str], head: str) -> str:
    if versions == [head]:
        return OK
    at = ", ".join(sorted(versions)) or "none"
    return f"behind: database at {at}, code at {head}"


def _scheduler(renewed_at) -> str:
    if renewed_at is None:
        return "no heartbeat"
    if isinstance(renewed_at, str):  # SQLite through a plain query
        renewed_at = datetime.fromisoformat(renewed_at)
    if renewed_at.tzinfo is None:
        renewed_at = renewed_at.replace(tzinfo=UTC)
    age = (utcnow() - renewed_at).total_seconds()
    if age > float(current_app.config["HEALTH_SCHEDULER_MAX_AGE_SECONDS"]):
        return f"last heartbeat {int(age)} s ago"
    return OK
