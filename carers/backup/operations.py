"""Backups of the whole database, and restoring one into an empty database.

SQLite is copied with SQLite's online backup API, so the copy is consistent while the service
is writing; PostgreSQL with ``pg_dump --format=custom`` inside a snapshot whose figures are
counted too, and restored with ``pg_restore`` in a single transaction. The connection reaches
``pg_dump`` and ``pg_restore`` through libpq's environment variables, never on a command line.

Generated PDFs and applicants' documents are rows in the database, so the file holds them.
Taking a backup adds an entry to the audit trail (after the file is written, so the trail
says who copied every record, when and into which file); a restore checks the restored trail
first and only then records, at its end, that the database was put back to that file."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import text
from sqlalchemy.engine import URL

from carers.audit.chain import verify
from carers.audit.operations import record
from carers.extensions import db

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"
# URL query options that libpq also reads from the environment.
LIBPQ_OPTIONS = {
    "host": "PGHOST", "hostaddr": "PGHOSTADDR", "port": "PGPORT",
    "sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT", "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY", "sslcrl": "PGSSLCRL", "passfile": "PGPASSFILE",
    "connect_timeout": "PGCONNECT_TIMEOUT", "application_name": "PGAPPNAME",
    "options": "PGOPTIONS", "target_session_attrs": "PGTARGETSESSIONATTRS",
    "gssencmode": "PGGSSENCMODE", "channel_binding": "PGCHANNELBINDING",
}
# Inherited variables that could point the tools at another database than the service's.
LIBPQ_TARGETS = ("PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE", "PGUSER", "PGSERVICE",
                 "PGSERVICEFILE")


class BackupError(Exception):
    """The backup or restore was refused or failed; the message says why, for the operator."""


@dataclass
class Contents:
    """What a database (or a backup of it) holds, in outline."""

    tables: int
    households: int
    audit_entries: int
    last_hash: str | None
    revision: str | None

    def summary(self) -> str:
        return (f"{self.tables} tables, {self.households} households, "
                f"{self.audit_entries} audit entries")


@dataclass
class Written:
    path: Path
    size: int
    sha256: str
    contents: Contents
    head: str  # the code's Alembic head

    @property
    def current(self) -> bool:
        """The database was at the code's revision, so the backup is in the audit trail."""
        return self.contents.revision == self.head


@dataclass
class Restored:
    contents: Contents
    head: str  # the code's Alembic head
    verdict: object | None  # the audit chain's Verdict, when the schema is current

    @property
    def current(self) -> bool:
        return self.contents.revision == self.head


def dialect() -> str:
    return db.engine.dialect.name


def file_size(size: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size} bytes"  # pragma: no cover


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


# --- PostgreSQL's tools ---

def libpq_environment(url: URL) -> dict[str, str]:
    """The environment for pg_dump and pg_restore: this process's, without variables that
    would point elsewhere, plus the service's connection (the password included: the
    environment is not shown to other users, unlike a command line)."""
    env = {k: v for k, v in os.environ.items() if k not in LIBPQ_TARGETS}
    if url.host:
        env["PGHOST"] = url.host
    if url.port:
        env["PGPORT"] = str(url.port)
    if url.username:
        env["PGUSER"] = url.username
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    if url.database:
        env["PGDATABASE"] = url.database
    for key, value in url.query.items():
        name = LIBPQ_OPTIONS.get(key)
        if name is not None:
            env[name] = value if isinstance(value, str) else ",".join(value)
    return env


def conninfo_dbname(name: str) -> str:
    """``dbname='...'``: the database name as a conninfo string (for ``pg_restore -d``), so a
    name holding "=" or spaces is still read as a name."""
    escaped = name.replace("\\", "\\\\").replace("'", "\\'")
    return f"dbname='{escaped}'"


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} was not found on PATH. Install PostgreSQL's client tools (the same major "
            f"version as the server or newer, e.g. the postgresql-client package) and run "
            f"this again.")
    return found


def run_tool(args: list[str], what: str) -> subprocess.CompletedProcess:
    env = libpq_environment(db.engine.url)
    result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{what} failed ({Path(args[0]).name} exited with "
                          f"{result.returncode}):\n{result.stderr.strip()}")
    return result


# --- what a database holds ---

def _scalar(connection, sql: str):
    """The first column of the first row: on a SQLAlchemy connection or a sqlite3 one."""
    if isinstance(connection, sqlite3.Connection):
        row = connection.execute(sql).fetchone()
        return None if row is None else row[0]
    return connection.execute(text(sql)).scalar()


def _contents(connection, tables: set[str]) -> Contents:
    def count(table):
        return _scalar(connection, f'SELECT count(*) FROM "{table}"') if table in tables else 0  # noqa: S608

    last_hash = revision = None
    if "audit_event" in tables:
        last_hash = _scalar(connection, "SELECT hash FROM audit_event WHERE seq IS NOT NULL "
                                        "ORDER BY seq DESC LIMIT 1")
    if "alembic_version" in tables:
        revision = _scalar(connection, "SELECT version_num FROM alembic_version")
    return Contents(len(tables), count("household"), count("audit_event"), last_hash, revision)


SQLITE_TABLES = ("SELECT name FROM sqlite_master WHERE type = 'table' "
                 "AND name NOT LIKE 'sqlite_%'")


def _sqlite_tables(connection) -> set[str]:
    if isinstance(connection, sqlite3.Connection):
        return {row[0] for row in connection.execute(SQLITE_TABLES)}
    return set(connection.execute(text(SQLITE_TABLES)).scalars())


def _postgresql_tables(connection) -> set[str]:
    """The tables of the schemas on the search path (where the service's tables are)."""
    return set(connection.execute(text(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r', 'p') AND n.nspname = ANY (current_schemas(false))"))
        .scalars())


def _postgresql_objects(connection) -> list[str]:
    """Everything a restore would collide with, outside PostgreSQL's own schemas: relations
    (tables, views, sequences) and types; schemas themselves may exist if they are empty."""
    relations = connection.execute(text(
        "SELECT n.nspname || '.' || c.relname FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') "
        "AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
        "AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%' "
        "ORDER BY 1")).scalars().all()
    types = connection.execute(text(
        "SELECT n.nspname || '.' || t.typname FROM pg_type t "
        "JOIN pg_namespace n ON n.oid = t.typnamespace "
        "WHERE t.typtype IN ('e', 'd', 'c', 'r') AND t.typrelid = 0 "
        "AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
        "AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%' "
        "ORDER BY 1")).scalars().all()
    return [*relations, *types]


def contents() -> Contents:
    """What the service's database holds now."""
    with db.engine.connect() as connection:
        tables = (_sqlite_tables(connection) if dialect() == "sqlite"
                  else _postgresql_tables(connection))
        return _contents(connection, tables)


# --- backup ---

def _temporary_beside(path: Path) -> Path:
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial",
                                    dir=path.parent)
    os.close(handle)
    return Path(name)


def take(path: str | os.PathLike, *, force: bool = False) -> Written:
    """Write a backup of the service's database to ``path`` (refused if it exists, unless
    ``force``). The file appears only when complete: it is written beside ``path`` first.
    The audit trail records the backup."""
    path = Path(path)
    if path.is_dir():
        raise BackupError(f"{path} is a folder: give the name of the file to write.")
    if path.exists() and not force:
        raise BackupError(_exists(path))
    if not path.parent.is_dir():
        raise BackupError(f"The folder {path.parent} does not exist.")
    partial = _temporary_beside(path)
    try:
        os.chmod(partial, 0o600)  # every record of the service: for its operators only
        held = _sqlite_backup(partial) if dialect() == "sqlite" else _pg_dump(partial)
        _put_in_place(partial, path, force)
    finally:
        partial.unlink(missing_ok=True)
    written = Written(path, path.stat().st_size, sha256_of(path), held, code_head())
    if written.current:
        # Only on the schema this code writes: a backup taken before `flask db upgrade`
        # (the usual moment for one) is not recorded, rather than failing after the file.
        record("export", "database", None, {
            "backup": path.name, "size": written.size, "sha256": written.sha256,
            "households": held.households, "audit_entries": held.audit_entries,
            "last_hash": held.last_hash, "revision": held.revision})
        db.session.commit()
    return written


def _exists(path: Path) -> str:
    return f"{path} already exists: choose another name, or add --force to replace it."


def _put_in_place(partial: Path, path: Path, force: bool) -> None:
    """Give the finished file its name: over an existing file only when forced. Without
    force, a hard link fails if a file of that name appeared meanwhile."""
    if force:
        os.replace(partial, path)
        return
    try:
        os.link(partial, path)
    except FileExistsError:
        raise BackupError(_exists(path)) from None
    except OSError:  # a file system without hard links
        if path.exists():
            raise BackupError(_exists(path)) from None
        os.rename(partial, path)


def _sqlite_backup(target: Path) -> Contents:
    """SQLite's online backup: a consistent copy of the database as it stood at one moment,
    however much the service writes meanwhile. Made a single file (no write-ahead log)."""
    raw = db.engine.raw_connection()
    try:
        destination = sqlite3.connect(target)
        try:
            raw.driver_connection.backup(destination)
            destination.execute("PRAGMA journal_mode=DELETE")
            destination.commit()
        finally:
            destination.close()
    finally:
        raw.close()
    return _sqlite_file_contents(target)


def _sqlite_file_contents(path: Path) -> Contents:
    """What a SQLite backup file holds, read without changing it."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return _contents(connection, _sqlite_tables(connection))
    finally:
        connection.close()


def _pg_dump(target: Path) -> Contents:
    """pg_dump in a snapshot this connection exports and holds meanwhile, so what it counts
    is exactly what the file holds."""
    pg_dump = tool("pg_dump")
    with db.engine.connect().execution_options(isolation_level="REPEATABLE READ") as connection:
        connection.execute(text("SET TRANSACTION READ ONLY"))
        snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
        held = _contents(connection, _postgresql_tables(connection))
        run_tool([pg_dump, "--format=custom", "--no-owner", "--no-privileges",
                  f"--snapshot={snapshot}", f"--file={target}"], "pg_dump")
        connection.rollback()
    return held


# --- restore ---

def kind_of(path: Path) -> str | None:
    with open(path, "rb") as stream:
        start = stream.read(len(SQLITE_MAGIC))
    if start.startswith(SQLITE_MAGIC):
        return "sqlite"
    if start.startswith(PG_MAGIC):
        return "postgresql"
    return None


KIND_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def check_kind(path: Path) -> None:
    if not path.is_file():
        raise BackupError(f"{path} does not exist or is not a file.")
    kind, target = kind_of(path), dialect()
    if kind is None:
        raise BackupError(f"{path} is not a backup made by `flask backup`: it is neither a "
                          "SQLite database nor a pg_dump custom-format archive.")
    if kind != target:
        raise BackupError(
            f"{path} is a {KIND_NAMES[kind]} backup, but this service's database is "
            f"{KIND_NAMES.get(target, target)}: restore it into a {KIND_NAMES[kind]} "
            f"database (set DATABASE_URL to one).")


def emptiness_problem() -> str | None:
    """Why the service's database is not empty enough to restore into, or None."""
    with db.engine.connect() as connection:
        if dialect() == "sqlite":
            found = sorted(_sqlite_tables(connection))
        else:
            found = _postgresql_objects(connection)
    if not found:
        return None
    shown = ", ".join(found[:5]) + (f" and {len(found) - 5} more" if len(found) > 5 else "")
    return (f"The database is not empty: it holds {shown}. A backup is restored only into "
            "an empty database (create a new one and point DATABASE_URL at it), so nothing "
            "there is lost; nothing was changed.")


def code_head() -> str:
    from alembic.script import ScriptDirectory

    directory = current_app.extensions["migrate"].directory
    heads = ScriptDirectory(directory).get_heads()
    return heads[0]


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    directory = current_app.extensions["migrate"].directory
    return {script.revision for script in ScriptDirectory(directory).walk_revisions()}


def backup_revision(path: Path) -> str | None:
    """The Alembic revision the backup's database was at, read from the file."""
    if kind_of(path) == "sqlite":
        try:
            return _sqlite_file_contents(path).revision
        except Exception as error:  # a damaged or foreign file: say so, whatever the cause
            raise BackupError(f"{path} cannot be read as a SQLite database: {error}") from None
    pg_restore = tool("pg_restore")
    listing = run_tool([pg_restore, "--data-only", "--table=alembic_version", "--file=-",
                        str(path)], "Reading the backup").stdout
    rows, inside = [], False
    for line in listing.splitlines():
        if line.startswith("COPY ") and "alembic_version" in line:
            inside = True
        elif inside and line == "\\.":
            break
        elif inside:
            rows.append(line.strip())
    return rows[0] if rows else None


def restore(path: str | os.PathLike) -> Restored:
    """Put the backup at ``path`` into the service's database, which must be empty; then
    check the restored audit trail and, if it is intact and the schema current, record the
    restore at its end. Refusals change nothing."""
    path = Path(path)
    check_kind(path)
    problem = emptiness_problem()
    if problem:
        raise BackupError(problem)
    revision = backup_revision(path)
    if revision is None:
        raise BackupError(f"{path} is not a backup of this service: it has no Alembic "
                          "revision (alembic_version table).")
    if revision not in known_revisions():
        raise BackupError(
            f"{path} was made by a newer version of the service (database revision "
            f"{revision}, which this version does not know): restore it with that version "
            "or a later one. Nothing was changed.")
    db.session.remove()
    if dialect() == "sqlite":
        _sqlite_restore(path)
    else:
        _pg_restore(path)
    db.engine.dispose()
    restored = Restored(contents(), code_head(), None)
    if restored.current:
        restored.verdict = verify()
        db.session.remove()
        if restored.verdict.ok:
            record("restore", "database", None, {
                "backup": path.name, "sha256": sha256_of(path),
                "audit_entries": restored.contents.audit_entries,
                "last_hash": restored.contents.last_hash})
            db.session.commit()
    return restored


def _sqlite_restore(path: Path) -> None:
    """One step of SQLite's backup API, so the database is all the backup or as it was."""
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    raw = db.engine.raw_connection()
    try:
        source.backup(raw.driver_connection)
    except sqlite3.Error as error:
        raise BackupError(f"{path} could not be restored ({error}); the database is as it "
                          "was.") from None
    finally:
        raw.close()
        source.close()


def _pg_restore(path: Path) -> None:
    pg_restore = tool("pg_restore")
    run_tool([pg_restore, "--no-owner", "--no-privileges", "--exit-on-error",
              "--single-transaction", f"--dbname={conninfo_dbname(db.engine.url.database)}",
              str(path)], "pg_restore (in one transaction: the database is as it was)")
