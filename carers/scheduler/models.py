from datetime import datetime

from sqlalchemy import DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from carers.extensions import db


class JobRun(db.Model):
    """One run of a scheduled job: when, how long, what it did, or the error it hit, and
    which scheduler process ran it (``host:pid:random``), so a takeover shows in the log."""

    __tablename__ = "job_run"
    __table_args__ = (Index("ix_job_run_job_name_id", "job_name", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_name: Mapped[str] = mapped_column(String(60))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    duration_ms: Mapped[int] = mapped_column(Integer)
    summary: Mapped[str | None] = mapped_column(String(500))
    error: Mapped[str | None] = mapped_column(Text)
    scheduler: Mapped[str | None] = mapped_column(String(120))


class SchedulerLease(db.Model):
    """The one scheduler that runs jobs (the leader) and its heartbeat. On SQLite the row is
    the lease itself (whoever holds an unexpired row leads); on PostgreSQL an advisory lock
    decides and the row only says who holds it and when it was last alive."""

    __tablename__ = "scheduler_lease"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(String(120))
    acquired_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    renewed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
