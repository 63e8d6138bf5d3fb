"""Database connection settings that differ between SQLite and PostgreSQL, and the one way a
state change reaches the database (``transaction``)."""

import sqlite3
from contextlib import contextmanager

from sqlalchemy import Boolean, event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from carers.extensions import db

# SQLAlchemy's pool options for PostgreSQL and the settings they come from (carers.config).
POOL_SETTINGS = {
    "pool_size": "DATABASE_POOL_SIZE",
    "max_overflow": "DATABASE_MAX_OVERFLOW",
    "pool_timeout": "DATABASE_POOL_TIMEOUT",
    "pool_recycle": "DATABASE_POOL_RECYCLE",
}


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        # Wait for a writer rather than failing at once when the scheduler is writing too.
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()


def init_app(app):
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("postgresql://"):
        uri = "postgresql+psycopg://" + uri.removeprefix("postgresql://")
        app.config["SQLALCHEMY_DATABASE_URI"] = uri
    options = app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
    if uri.startswith("postgresql"):
        # A connection dropped by the server or a proxy is noticed and replaced before use.
        options.setdefault("pool_pre_ping", True)
        for option, key in POOL_SETTINGS.items():
            if app.config.get(key) is not None:
                options.setdefault(option, int(app.config[key]))


def refresh_statistics() -> str:
    """Refresh the query planner's statistics (ANALYZE), as PostgreSQL's autovacuum does on
    its own: with them SQLite reads the managers' figures from their covering indexes."""
    with db.engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE")
        connection.commit()
    return f"statistics refreshed ({db.engine.dialect.name})"


@contextmanager
def transaction():
    """One state change, all or nothing: commits when the block ends, rolls back and re-raises
    when it raises (a Refusal included), so no view ever commits or rolls back itself."""
    try:
        yield db.session
    except BaseException:
        db.session.rollback()
        raise
    db.session.commit()


class json_list_holds(FunctionElement):  # noqa: N801 (used as a SQL function)
    """SQL: the JSON list under ``key`` in a JSON column holds ``value``:
    ``json_list_holds(PanelDecision.terms, literal("fostering_types"), literal("remand"))``.
    Written out for each database, as neither offers a common spelling."""

    type = Boolean()
    inherit_cache = True
    name = "json_list_holds"


@compiles(json_list_holds, "sqlite")
def _json_list_holds_sqlite(element, compiler, **kw):
    # The parts are compiled SQL (a column and bound parameters), never input text.
    column, key, value = (compiler.process(c, **kw) for c in element.clauses)
    return (f"EXISTS (SELECT 1 FROM json_each({column}, '$.' || {key}) "  # noqa: S608
            f"WHERE json_each.value = {value})")


@compiles(json_list_holds, "postgresql")
def _json_list_holds_postgresql(element, compiler, **kw):
    column, key, value = (compiler.process(c, **kw) for c in element.clauses)
    return (f"COALESCE((CAST({column} AS JSONB) -> CAST({key} AS TEXT)) "
            f"@> jsonb_build_array(CAST({value} AS TEXT)), false)")
