from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from carers.core.dates import utcnow
from carers.extensions import db


class AuditEvent(db.Model):
    """Who saw or changed which record, when and from where. Append-only: each entry carries
    the hash of its content and of the entry before it (see carers.audit.chain)."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    action: Mapped[str] = mapped_column(String(40))  # view, create, update, download, export
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(40))
    ip_address: Mapped[str | None] = mapped_column(String(45))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The chain: position, the previous entry's hash and this entry's own.
    seq: Mapped[int | None] = mapped_column(Integer, unique=True)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))

    user = relationship("User", lazy="select")


class AuditChain(db.Model):
    """The head of the chain: one row, locked by each writer (UPDATE) until it commits, so
    concurrent writers take their places in the chain one at a time."""

    __tablename__ = "audit_chain"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str] = mapped_column(String(64))
    # A keyed hash (HMAC) of seq and last_hash, with a key the database does not hold: whoever
    # can only write to the database cannot rewind the head to hide entries cut off the end.
    head_mac: Mapped[str | None] = mapped_column(String(64))


class AppendOnly(Exception):
    pass


@event.listens_for(AuditEvent, "before_update")
def _no_update(mapper, connection, target):
    raise AppendOnly("Audit entries cannot be changed")


@event.listens_for(AuditEvent, "before_delete")
def _no_delete(mapper, connection, target):
    raise AppendOnly("Audit entries cannot be deleted")
