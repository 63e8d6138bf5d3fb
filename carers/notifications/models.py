import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from carers.core.dates import utcnow
from carers.extensions import db


class OutboxMessage(db.Model):
    """A message waiting to be sent, written in the same transaction as the change that
    caused it. The idempotency key stops the same event queueing the same message twice."""

    __tablename__ = "outbox_message"
    # The dispatcher's query: due messages in the order they were written.
    __table_args__ = (Index("ix_outbox_message_status_next_attempt_at", "status",
                            "next_attempt_at", "id"),)

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    # The left part of the Message-ID: random, fixed when the message is queued, so it is
    # the same on every retry and never repeats across installations or rebuilt databases.
    message_uuid: Mapped[str] = mapped_column(String(36), unique=True,
                                              default=lambda: str(uuid.uuid4()))
    channel: Mapped[str] = mapped_column(String(10), default="email")
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    # Files sent with the message: [{"filename", "content_type", "content" (text)}].
    attachments: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10), default=PENDING, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # A token per batch claimed by one dispatcher: it finds its own rows by it.
    claimed_by: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
