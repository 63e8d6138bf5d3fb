"""A correction's history and a dispute, each about any record: an object type and id (and
for a correction, the field). The household or enquiry the record belongs to is kept beside
it, so that deleting the household or enquiry deletes its history and disputes with it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from carers.core.dates import utcnow
from carers.extensions import db


class DetailChange(db.Model):
    """One field of one record corrected: the value before and after, who, when and why.
    Holds personal data (the old and new values)."""

    __tablename__ = "detail_change"
    __table_args__ = (Index("ix_detail_change_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int] = mapped_column(Integer)
    field: Mapped[str] = mapped_column(String(60))
    household_id: Mapped[int | None] = mapped_column(
        ForeignKey("household.id", ondelete="CASCADE"), index=True)
    enquiry_id: Mapped[int | None] = mapped_column(
        ForeignKey("enquiry.id", ondelete="CASCADE"), index=True)
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    changed_by = relationship("User", lazy="joined")


class Dispute(db.Model):
    """A note that a person disputes a record: what, and their account in their own words.
    It may be resolved with an outcome but is never removed while the record is kept. Holds
    personal data (who disputes, and their account)."""

    __tablename__ = "record_dispute"
    __table_args__ = (Index("ix_record_dispute_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int] = mapped_column(Integer)
    field: Mapped[str | None] = mapped_column(String(60))
    household_id: Mapped[int | None] = mapped_column(
        ForeignKey("household.id", ondelete="CASCADE"), index=True)
    enquiry_id: Mapped[int | None] = mapped_column(
        ForeignKey("enquiry.id", ondelete="CASCADE"), index=True)
    disputed_by: Mapped[str] = mapped_column(String(200))
    what: Mapped[str] = mapped_column(Text)
    account: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    outcome: Mapped[str | None] = mapped_column(Text)

    recorded_by = relationship("User", foreign_keys=[recorded_by_id], lazy="joined")
    resolved_by = relationship("User", foreign_keys=[resolved_by_id], lazy="joined")

    @property
    def resolved(self) -> bool:
        return self.resolved_at is not None
