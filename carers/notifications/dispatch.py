"""Sending the outbox. Each message is claimed with a conditional UPDATE before it is sent,
so two dispatchers running at once can never send the same message twice."""

import contextlib
import smtplib
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app
from sqlalchemy import or_, select, update

from carers.core.dates import utcnow
from carers.extensions import db
from carers.notifications.models import OutboxMessage

# A claim older than this belongs to a dispatcher that died mid-send; the message is retried.
STALE_CLAIM = timedelta(minutes=15)


class SmtpBackend:
    def __init__(self, config):
        self.config = config
        self.connection = None

    def __enter__(self):
        cfg = self.config
        self.connection = smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"],
                                       timeout=cfg["MAIL_TIMEOUT"])
        if cfg["MAIL_USE_TLS"]:
            self.connection.starttls()
        if cfg["MAIL_USERNAME"]:
            self.connection.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"])
        return self

    def __exit__(self, *exc):
        with contextlib.suppress(smtplib.SMTPException):
            self.connection.quit()

    def send(self, message: OutboxMessage) -> None:
        email = EmailMessage()
        email["From"] = self.config["MAIL_DEFAULT_SENDER"]
        email["To"] = message.to_address
        email["Subject"] = message.subject
        email["Message-ID"] = make_msgid(domain="carers.local")
        email.set_content(message.body_text)
        if message.body_html:
            email.add_alternative(message.body_html, subtype="html")
        for item in message.attachments or ():
            attach(email, item)
        self.connection.send_message(email)


def attach(email: EmailMessage, item: dict) -> None:
    """Attach a text file; its content type may carry parameters (``; method=REQUEST``)."""
    mime, _, rest = item["content_type"].partition(";")
    maintype, _, subtype = mime.strip().partition("/")
    params = dict(p.strip().split("=", 1) for p in rest.split(";") if "=" in p)
    email.add_attachment(item["content"].encode("utf-8"), maintype=maintype, subtype=subtype,
                         filename=item["filename"], params=params)


def due_ids(now, limit: int) -> list[int]:
    return list(
        db.session.scalars(
            select(OutboxMessage.id)
            .where(
                or_(
                    (OutboxMessage.status == OutboxMessage.PENDING)
                    & (OutboxMessage.next_attempt_at <= now),
                    (OutboxMessage.status == OutboxMessage.SENDING)
                    & (OutboxMessage.claimed_at < now - STALE_CLAIM),
                )
            )
            .order_by(OutboxMessage.id)
            .limit(limit)
        )
    )


def claim(message_id: int, now) -> bool:
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .where(
            or_(
                OutboxMessage.status == OutboxMessage.PENDING,
                (OutboxMessage.status == OutboxMessage.SENDING)
                & (OutboxMessage.claimed_at < now - STALE_CLAIM),
            )
        )
        .values(status=OutboxMessage.SENDING, claimed_at=now)
    )
    db.session.commit()
    return result.rowcount == 1


def send_due(now=None, limit: int = 200, backend_factory=SmtpBackend) -> dict:
    """Send every message that is due. Returns counts for the command line and job log."""
    now = now or utcnow()
    counts = {"sent": 0, "retry": 0, "failed": 0}
    ids = due_ids(now, limit)
    if not ids:
        return counts
    max_attempts = current_app.config["OUTBOX_MAX_ATTEMPTS"]
    try:
        backend = backend_factory(current_app.config).__enter__()
    except (OSError, smtplib.SMTPException) as error:
        current_app.logger.warning("Mail server unavailable: %s", error)
        return {**counts, "retry": len(ids)}
    try:
        for message_id in ids:
            if not claim(message_id, now):
                continue
            message = db.session.get(OutboxMessage, message_id)
            message.attempts += 1
            try:
                backend.send(message)
            except (OSError, smtplib.SMTPException) as error:
                message.last_error = str(error)[:2000]
                if message.attempts >= max_attempts:
                    message.status = OutboxMessage.FAILED
                    counts["failed"] += 1
                else:
                    # Exponential backoff: 1, 2, 4, 8... minutes.
                    message.status = OutboxMessage.PENDING
                    message.next_attempt_at = now + timedelta(minutes=2 ** (message.attempts - 1))
                    counts["retry"] += 1
            else:
                message.status = OutboxMessage.SENT
                message.sent_at = utcnow()
                message.last_error = None
                counts["sent"] += 1
            db.session.commit()
    finally:
        backend.__exit__(None, None, None)
    return counts
