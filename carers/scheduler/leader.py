"""One scheduler leads, any other waits as a standby, so no job ever runs in two schedulers
at once however many are started (a second one is the standby that takes over when the
leader's host or process dies).

- PostgreSQL: the leader holds a session-level advisory lock on a connection of its own for
  as long as it leads. The server frees the lock the moment that connection dies (the
  process killed, the host gone), and a standby trying every few seconds takes it.
- SQLite: the ``scheduler_lease`` row is a lease. Whoever holds an unexpired lease leads;
  it renews the lease several times per lease period, and a standby takes it once it has
  expired (SCHEDULER_LEASE_SECONDS after the last renewal).

Either way the leader writes its heartbeat (its name and the time) into that row, which
``/healthz`` reads. A leader that cannot renew stops starting jobs at once and waits again.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
import time
from datetime import timedelta

from flask import current_app
from sqlalchemy import create_engine, or_, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from carers.core.dates import utcnow
from carers.extensions import db
from carers.scheduler.models import SchedulerLease

LEASE_NAME = "scheduler"
# The advisory lock's key: any constant no other part of the service uses ("carers" + 1).
ADVISORY_KEY = 0x6361726572730001
LEASE = SchedulerLease.__table__


def holder_name() -> str:
    """This process, as the lease and the job log name it: host, process id and a random
    suffix (a process id can be reused after a restart)."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


def heartbeat():
    """The leader's row (holder, renewed_at), or None when no scheduler has ever led."""
    return db.session.execute(select(SchedulerLease.holder, SchedulerLease.renewed_at)
                              .where(SchedulerLease.name == LEASE_NAME)).first()


class Leadership:
    """This process's claim to lead. ``acquire`` and ``renew`` run in an app context."""

    def __init__(self, app, holder: str | None = None):
        self.holder = holder or holder_name()
        self.lease_seconds = float(app.config["SCHEDULER_LEASE_SECONDS"])
        self.lease = timedelta(seconds=self.lease_seconds)
        self._connection = None  # PostgreSQL: the connection holding the advisory lock
        self._engine = None
        self._valid_until = 0.0  # time.monotonic() until which this process may run jobs

    # -- asked by the jobs --------------------------------------------------------------
    def holds(self) -> bool:
        """Whether this process may start a job now: it leads and renewed in time (checked
        before every job, so a leader stalled past its lease starts nothing)."""
        return time.monotonic() < self._valid_until

    # -- the leader's loop --------------------------------------------------------------
    def acquire(self) -> str | None:
        """Try to lead: None when this process now leads, otherwise the holder who does."""
        started = time.monotonic()
        try:
            if self._postgres():
                won = self._advisory_lock()
                if won:
                    self._write_heartbeat(taking=True)
            else:
                won = self._take_lease()
        except SQLAlchemyError:
            current_app.logger.warning("Scheduler: could not reach the database to lead")
            self._drop_connection()
            return "unknown (the database is unreachable)"
        if not won:
            db.session.remove()
            row = heartbeat()
            db.session.remove()
            return row.holder if row else "unknown"
        self._valid_until = started + self.lease_seconds
        return None

    def renew(self) -> bool:
        """Renew the lease and write the heartbeat; False when this process no longer leads
        (the lease was taken, the lock's connection died, or renewal failed past the
        lease)."""
        started = time.monotonic()
        try:
            if self._postgres():
                self._connection.execute(text("SELECT 1"))
                self._write_heartbeat(taking=False)
                renewed = True
            else:
                renewed = self._renew_lease()
        except SQLAlchemyError:
            current_app.logger.warning("Scheduler: could not renew the lead", exc_info=True)
            if self._postgres():  # the lock went with its connection
                self._drop_connection()
                self._valid_until = 0.0
                return False
            return self.holds()  # SQLite: try again until the lease runs out
        if renewed:
            self._valid_until = started + self.lease_seconds
        else:
            self._valid_until = 0.0
        return renewed

    def release(self) -> None:
        """Stop leading (the process is stopping): a standby takes over at its next try."""
        self._valid_until = 0.0
        try:
            if self._postgres():
                self._drop_connection()
            else:
                with db.engine.begin() as conn:
                    conn.execute(update(LEASE).where(LEASE.c.name == LEASE_NAME,
                                                     LEASE.c.holder == self.holder)
                                 .values(expires_at=utcnow()))
        except SQLAlchemyError:
            pass  # the lease runs out by itself

    # -- PostgreSQL -----------------------------------------------------------------------
    def _postgres(self) -> bool:
        return db.engine.dialect.name == "postgresql"

    def _advisory_lock(self) -> bool:
        if self._connection is None:
            # Not from the pool: the lock must live and die with this one connection.
            self._engine = create_engine(db.engine.url, poolclass=NullPool,
                                         isolation_level="AUTOCOMMIT")
            self._connection = self._engine.connect()
        return bool(self._connection.scalar(text("SELECT pg_try_advisory_lock(:key)"),
                                            {"key": ADVISORY_KEY}))

    def _write_heartbeat(self, taking: bool) -> None:
        now = utcnow()
        changes = {"holder": self.holder, "renewed_at": now, "expires_at": now + self.lease}
        if taking:
            changes["acquired_at"] = now
        statement = pg_insert(LEASE).values(name=LEASE_NAME, **{"acquired_at": now, **changes})
        self._connection.execute(statement.on_conflict_do_update(
            index_elements=[LEASE.c.name], set_=changes))

    def _drop_connection(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(SQLAlchemyError):
                self._connection.close()
        if self._engine is not None:
            self._engine.dispose()
        self._connection = self._engine = None

    # -- SQLite -------------------------------------------------------------------------
    def _take_lease(self) -> bool:
        """One transaction: make the row if there is none, else take it if it is ours or
        has expired."""
        now = utcnow()
        values = {"holder": self.holder, "acquired_at": now, "renewed_at": now,
                  "expires_at": now + self.lease}
        with db.engine.begin() as conn:
            made = conn.execute(sqlite_insert(LEASE).values(name=LEASE_NAME, **values)
                                .on_conflict_do_nothing()).rowcount
            if made == 1:
                return True
            taken = conn.execute(update(LEASE).where(
                LEASE.c.name == LEASE_NAME,
                or_(LEASE.c.holder == self.holder, LEASE.c.expires_at < now),
            ).values(**values)).rowcount
        return taken == 1

    def _renew_lease(self) -> bool:
        now = utcnow()
        with db.engine.begin() as conn:
            renewed = conn.execute(update(LEASE).where(
                LEASE.c.name == LEASE_NAME, LEASE.c.holder == self.holder,
            ).values(renewed_at=now, expires_at=now + self.lease)).rowcount
        return renewed == 1
