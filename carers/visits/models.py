"""A visit to a household (or a session at the office or online), who attends it, and each
worker's private calendar feed."""

from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from carers.core.dates import utcnow
from carers.extensions import db

# A worker attending a visit. The visit's times are copied here, with whether it ``blocks``
# the worker's time (booked, and not booked over a clash on purpose), so that on PostgreSQL
# an exclusion constraint (migration 0014, with btree_gist) lets no two blocking rows of one
# worker overlap, whatever the application does.
visit_worker = Table(
    "visit_worker",
    db.metadata,
    Column("visit_id", Integer, ForeignKey("visit.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", Integer, ForeignKey("user.id", ondelete="CASCADE"), primary_key=True,
           index=True),
    Column("starts_at", DateTime(timezone=True)),
    Column("ends_at", DateTime(timezone=True)),
    Column("blocks", Boolean, nullable=False, default=False, server_default=false()),
    # A worker's diary reads their week from their own attendance rows, in time order.
    Index("ix_visit_worker_diary", "user_id", "starts_at"),
)

visit_member = Table(
    "visit_member",
    db.metadata,
    Column("visit_id", Integer, ForeignKey("visit.id", ondelete="CASCADE"), primary_key=True),
    Column("member_id", Integer, ForeignKey("household_member.id", ondelete="CASCADE"),
           primary_key=True),
)


class Visit(db.Model):
    """Times are stored in UTC and shown in Europe/London. ``ends_at`` is kept beside the
    duration so that clashes and the diary are plain range queries."""

    __tablename__ = "visit"
    __table_args__ = (
        Index("ix_visit_household_starts", "household_id", "starts_at"),
        Index("ix_visit_starts_at", "starts_at"),
        Index("ix_visit_reminder_due", "reminder_sent_at", "reminder_due_at"),
    )

    BOOKED = "booked"
    REARRANGED = "rearranged"
    CANCELLED = "cancelled"
    TOOK_PLACE = "took_place"
    DID_NOT_TAKE_PLACE = "did_not_take_place"
    ACTIVE = (BOOKED, REARRANGED)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The iCalendar UID: fixed when the visit is booked, the same in every invitation.
    uid: Mapped[str] = mapped_column(String(100), unique=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    duration_minutes: Mapped[int] = mapped_column(Integer)
    place: Mapped[str] = mapped_column(String(10))  # home, office, online
    location: Mapped[str] = mapped_column(String(500))  # the address or the meeting link
    notes: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=BOOKED)
    status_reason: Mapped[str | None] = mapped_column(Text)
    write_up: Mapped[str | None] = mapped_column(Text)
    written_up_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ics_sequence: Mapped[int] = mapped_column(Integer, default=0)
    reminder_due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reminder_sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Raised on every change: a form posted over someone else's change is refused.
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    household = relationship("Household", lazy="joined", foreign_keys=[household_id])
    workers = relationship("User", secondary=visit_worker, order_by="User.name")
    members = relationship("HouseholdMember", secondary=visit_member,
                           order_by="HouseholdMember.position")

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def starts_at_utc(self) -> datetime:
        # SQLite hands back naive datetimes that were stored as UTC.
        at = self.starts_at
        return at.replace(tzinfo=UTC) if at.tzinfo is None else at


class CalendarFeed(db.Model):
    """A worker's private calendar feed. Only a hash of the secret is kept: the address is
    shown once, when it is made, and revoking deletes the row."""

    __tablename__ = "calendar_feed"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"),
                                         primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
