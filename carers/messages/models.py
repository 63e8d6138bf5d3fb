"""A household's messages with its workers, and where each reader has read up to."""

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from carers.core.dates import utcnow
from carers.extensions import db


class Message(db.Model):
    """One message in a household's thread, written by one of its applicants or by a member
    of staff (exactly one of the two authors is set)."""

    __tablename__ = "message"
    # The thread in order, and the unread counts (messages after a reader's last read).
    __table_args__ = (Index("ix_message_household_id_id", "household_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"))
    author_applicant_id: Mapped[int | None] = mapped_column(
        ForeignKey("applicant.id", ondelete="SET NULL"))
    author_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # The author's name as it was when they wrote (an account may later be removed).
    author_name: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    author_applicant = relationship("Applicant")
    author_user = relationship("User")

    @property
    def from_household(self) -> bool:
        return self.author_user_id is None


class MessageReader(db.Model):
    """Where one reader of a household's thread (an applicant or a member of staff) has read
    up to, and when they were last emailed about it (emails are coalesced)."""

    __tablename__ = "message_reader"
    __table_args__ = (
        UniqueConstraint("household_id", "applicant_id", name="uq_message_reader_applicant"),
        UniqueConstraint("household_id", "user_id", name="uq_message_reader_user"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"))
    applicant_id: Mapped[int | None] = mapped_column(
        ForeignKey("applicant.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"),
                                                index=True)
    last_read_message_id: Mapped[int] = mapped_column(Integer, default=0)
    last_read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_notified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
