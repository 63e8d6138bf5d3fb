"""Database connection settings that differ between SQLite and PostgreSQL, and the one way a
state change reaches the database (``transaction``)."""

import sqlite3
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.engine import Engine

from carers.extensions import db


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
        options.setdefault("pool_pre_ping", True)


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
