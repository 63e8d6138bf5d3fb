"""A subject access request, the records staff linked to the person, and the third-party
items a records officer released for their bundle.

Personal data: ``subject_access_request`` holds the requester's name (and the email and
date of birth they gave, when given) and the reasons typed for an extension;
``subject_access_release`` holds the reason typed for each release. Both must be covered by
the records' retention and erasure."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from carers.core.dates import utcnow
from carers.extensions import db
from carers.subject_access import rules


class SubjectAccessRequest(db.Model):
    __tablename__ = "subject_access_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    requester_name: Mapped[str] = mapped_column(String(200))
    requester_email: Mapped[str | None] = mapped_column(String(254))
    requester_date_of_birth: Mapped[date | None] = mapped_column(Date)
    received_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    extension_months: Mapped[int | None] = mapped_column(Integer)
    extension_reason: Mapped[str | None] = mapped_column(Text)
    extended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    extended_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    status: Mapped[str] = mapped_column(String(20), default=rules.OPEN, index=True)
    completed_on: Mapped[date | None] = mapped_column(Date)
    # The records the person was matched to, as [{"source": "household_member", "id": 3}].
    links: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    bundles_made: Mapped[int] = mapped_column(Integer, default=0)

    releases: Mapped[list[SubjectAccessRelease]] = relationship(
        back_populates="request", cascade="all, delete-orphan",
        order_by="SubjectAccessRelease.id")

    @property
    def reference(self) -> str:
        return f"SAR-{self.id:05d}"

    @property
    def is_open(self) -> bool:
        return self.status == rules.OPEN


class SubjectAccessRelease(db.Model):
    """A third-party item a records officer decided may go in the bundle, and why."""

    __tablename__ = "subject_access_release"
    __table_args__ = (UniqueConstraint("request_id", "item_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("subject_access_request.id", ondelete="CASCADE"), index=True)
    item_key: Mapped[str] = mapped_column(String(80))
    reason: Mapped[str] = mapped_column(Text)
    released_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    released_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    request: Mapped[SubjectAccessRequest] = relationship(back_populates="releases")
