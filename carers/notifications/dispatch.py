"""Sending the outbox.

Due messages are claimed in batches with one conditional UPDATE (only rows still pending, or
claimed so long ago that their dispatcher must have died), stamped with a token that is new
for each batch, so two dispatchers running at once never send the same message twice. Each
message is marked sent in its own transaction straight after the backend accepts it, and a
dispatcher renews its claim on the rest of its batch as it goes, so that only a dead
dispatcher's claim goes stale (``OUTBOX_STALE_CLAIM_SECONDS``, two minutes).

Delivery is at least once: a dispatcher killed between the mail server accepting a message
and our commit leaves that one message unmarked, and it is sent again. Its Message-ID
(``<uuid@host>``, fixed when the message is queued) is the same both times, so a receiver
can recognise the repeat.

Two kinds of failure:

* the backend is unreachable (connection refused, timeout, server gone): no message is at
  fault, so none is charged an attempt; the batch is released in order and the dispatcher
  waits before trying the backend again, doubling the wait each time (``OUTBOX_BACKEND_RETRY_
  SECONDS`` up to ``OUTBOX_BACKEND_RETRY_MAX_SECONDS``);
* the backend refuses one message (a bad address, a rejected template): that message is
  retried with exponential backoff (``OUTBOX_BACKOFF_SECONDS`` x 1, 2, 4...) and marked failed
  after ``OUTBOX_MAX_ATTEMPTS`` attempts; administrators can resend it.
"""

from __future__ import annotations

import contextlib
import secrets
import smtplib
from datetime import timedelta
from email.header import Header
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import formatdate
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import or_, select, update

from carers.core.dates import utcnow
from carers.extensions import db
from carers.notifications.models import OutboxMessage

BATCH = 50


class BackendUnavailable(Exception):
    """The backend cannot be reached: try again later, charge no message an attempt."""


class MessageRejected(Exception):
    """The backend refused this message: count an attempt against it."""


class SmtpBackend:
    """Email through an SMTP server (the default)."""

    name = "SMTP"

    def __init__(self, config):
        self.config = config
        self.connection = None
        self.domain = message_id_domain(config)

    def __enter__(self):
        cfg = self.config
        try:
            self.connection = smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"],
                                           timeout=cfg["MAIL_TIMEOUT"])
            if cfg["MAIL_USE_TLS"]:
                self.connection.starttls()
            if cfg["MAIL_USERNAME"]:
                self.connection.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"])
        except (OSError, smtplib.SMTPException) as error:
            raise BackendUnavailable(f"Mail server unavailable: {error}") from error
        return self

    def __exit__(self, *exc):
        with contextlib.suppress(OSError, smtplib.SMTPException):
            self.connection.quit()

    def send(self, message) -> None:
        sender = self.config["MAIL_DEFAULT_SENDER"]
        try:
            self.connection.sendmail(sender, [message.to_address],
                                     mime_bytes(message, sender, self.domain))
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused,
                smtplib.SMTPDataError, smtplib.SMTPNotSupportedError) as error:
            raise MessageRejected(str(error)) from error
        except (OSError, smtplib.SMTPException) as error:
            raise BackendUnavailable(f"Mail server failed: {error}") from error


SMTP_LINES = compat32.clone(linesep="\r\n")


def _header(value: str):
    return value if value.isascii() else Header(value, "utf-8")


def message_id(message, domain: str) -> str:
    """``<uuid@host>``: random per message and fixed when it was queued, so it is the same on
    every retry (a receiver can spot a repeat after a crash mid-send) and never repeats
    across installations or rebuilt databases."""
    return f"<{message.message_uuid}@{domain}>"


def message_id_domain(config) -> str:
    """The host of the service's public address (``PUBLIC_BASE_URL``)."""
    return urlsplit(str(config.get("PUBLIC_BASE_URL") or "")).hostname or "carers.invalid"


def _is_calendar(item: dict) -> bool:
    return item["content_type"].lower().startswith("text/calendar")


def mime_bytes(message, sender: str, domain: str = "carers.invalid") -> bytes:
    """The email as sent: plain text, and HTML as an alternative when there is one. A
    calendar invitation is a third alternative (``text/calendar; method=REQUEST``), where
    Outlook and Gmail look for it to show the event with Accept and Decline, and is attached
    as a file too. (Built with the compat32 MIME classes: a third of the time of
    ``EmailMessage`` per message.)"""
    text = MIMEText(message.body_text, "plain", "utf-8")
    files = message.attachments or []
    calendars = [item for item in files if _is_calendar(item)]
    if message.body_html or calendars:
        email = MIMEMultipart("alternative")
        email.attach(text)
        if message.body_html:
            email.attach(MIMEText(message.body_html, "html", "utf-8"))
        for item in calendars[:1]:
            email.attach(calendar_part(item))
    else:
        email = text
    if files:
        body, email = email, MIMEMultipart("mixed")
        email.attach(body)
        for item in files:
            email.attach(attachment(item))
    email["From"] = sender
    email["To"] = message.to_address
    email["Subject"] = _header(message.subject)
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = message_id(message, domain)
    return email.as_bytes(policy=SMTP_LINES)


class NotifyBackend:
    """GOV.UK Notify, through one generic email template whose personalisation carries our
    own rendered text (``subject`` and ``body``)."""

    name = "GOV.UK Notify"

    def __init__(self, config):
        from notifications_python_client.notifications import NotificationsAPIClient

        self.config = config
        kwargs = {"base_url": config["NOTIFY_BASE_URL"]} if config.get("NOTIFY_BASE_URL") else {}
        self.client = NotificationsAPIClient(config["NOTIFY_API_KEY"], **kwargs)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None

    def send(self, message) -> None:
        from notifications_python_client.errors import HTTPError
        from requests import RequestException

        try:
            self.client.send_email_notification(
                email_address=message.to_address,
                template_id=self.config["NOTIFY_EMAIL_TEMPLATE_ID"],
                personalisation={"subject": message.subject, "body": message.body_text},
                reference=message.idempotency_key[:100])
        except HTTPError as error:
            status = getattr(error, "status_code", 0) or 0
            if status == 429 or status >= 500:
                raise BackendUnavailable(f"GOV.UK Notify unavailable: {error}") from error
            raise MessageRejected(f"GOV.UK Notify refused the message: {error}") from error
        except (RequestException, OSError) as error:
            raise BackendUnavailable(f"GOV.UK Notify unreachable: {error}") from error


def configured_backend(config):
    """GOV.UK Notify when an API key is configured, SMTP otherwise."""
    return NotifyBackend if config.get("NOTIFY_API_KEY") else SmtpBackend


def _claimable(now, stale: timedelta):
    return or_(
        (OutboxMessage.status == OutboxMessage.PENDING) & (OutboxMessage.next_attempt_at <= now),
        (OutboxMessage.status == OutboxMessage.SENDING)
        & (OutboxMessage.claimed_at < now - stale),
    )


def _stale_after() -> timedelta:
    return timedelta(seconds=current_app.config["OUTBOX_STALE_CLAIM_SECONDS"])


def _text_part(item: dict, subtype: str | None = None) -> MIMEText:
    """A text part; its content type may carry parameters (``; method=REQUEST``)."""
    mime, _, rest = item["content_type"].partition(";")
    part = MIMEText(item["content"], subtype or mime.strip().partition("/")[2], "utf-8")
    for param in rest.split(";"):
        if "=" in param and param.split("=", 1)[0].strip().lower() != "charset":
            part.set_param(*(x.strip() for x in param.split("=", 1)))
    return part


def calendar_part(item: dict) -> MIMEText:
    """The invitation as the message's calendar alternative, not a file."""
    return _text_part(item)


def attachment(item: dict) -> MIMEText:
    """A text file to attach. A calendar goes as ``application/ics``, so that a mail program
    shows the event once (from the calendar alternative) and offers the file as well."""
    if _is_calendar(item):
        part = MIMEText(item["content"], "plain", "utf-8")
        part.replace_header("Content-Type", f'application/ics; name="{item["filename"]}"')
    else:
        part = _text_part(item)
    part.add_header("Content-Disposition", "attachment", filename=item["filename"])
    return part


def due_ids(now, limit: int) -> list[int]:
    return list(db.session.scalars(
        select(OutboxMessage.id).where(_claimable(now, _stale_after()))
        .order_by(OutboxMessage.id).limit(limit)))


# What a backend needs to send a message: read once per batch as plain rows, so that marking
# one message sent never reloads the others.
SEND_COLUMNS = (OutboxMessage.id, OutboxMessage.message_uuid, OutboxMessage.to_address,
                OutboxMessage.subject, OutboxMessage.body_text, OutboxMessage.body_html,
                OutboxMessage.attachments, OutboxMessage.idempotency_key,
                OutboxMessage.attempts, OutboxMessage.claimed_by)


def claim_batch(now, size: int = BATCH) -> list:
    """Claim up to ``size`` due messages, oldest first, in one conditional UPDATE; return the
    ones this call won, in order (rows with the ``SEND_COLUMNS``)."""
    ids = due_ids(now, size)
    if not ids:
        db.session.commit()
        return []
    token = secrets.token_hex(16)
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids), _claimable(now, _stale_after()))
        .values(status=OutboxMessage.SENDING, claimed_at=now, claimed_by=token)
        .execution_options(synchronize_session=False))
    db.session.commit()
    return list(db.session.execute(
        select(*SEND_COLUMNS).where(OutboxMessage.claimed_by == token,
                                    OutboxMessage.status == OutboxMessage.SENDING)
        .order_by(OutboxMessage.id)))


def _mine(message):
    """This claim of this message (a stale claim taken over by another dispatcher is not)."""
    return (OutboxMessage.id == message.id, OutboxMessage.claimed_by == message.claimed_by)


def _backend_state(app) -> dict:
    return app.extensions.setdefault("outbox_backend", {"failures": 0, "retry_at": None})


def _release(messages: list) -> None:
    """Give claimed but unsent messages back, untouched, keeping their order."""
    if messages:
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_([m.id for m in messages]),
                   OutboxMessage.claimed_by == messages[0].claimed_by,
                   OutboxMessage.status == OutboxMessage.SENDING)
            .values(status=OutboxMessage.PENDING, claimed_at=None, claimed_by=None)
            .execution_options(synchronize_session=False))
        db.session.commit()


def send_due(now=None, limit: int = 1000, backend_factory=None) -> dict:
    """Send every message that is due (up to ``limit``). Returns counts for the command line
    and the job log: sent, retry (refused, to try again later), failed (given up), waiting
    (not tried because the backend is unavailable)."""
    app = current_app._get_current_object()
    cfg = app.config
    now = now or utcnow()
    counts = {"sent": 0, "retry": 0, "failed": 0, "waiting": 0}
    state = _backend_state(app)
    if state["retry_at"] is not None and now < state["retry_at"]:
        counts["waiting"] = len(due_ids(now, limit))
        db.session.commit()
        return counts
    if not due_ids(now, 1):
        db.session.commit()
        return counts
    factory = backend_factory or configured_backend(cfg)
    try:
        backend = factory(cfg).__enter__()
    except BackendUnavailable as error:
        return _backend_down(app, state, now, counts, str(error), len(due_ids(now, limit)))
    state.update(failures=0, retry_at=None)
    renew_every = _stale_after() / 4
    try:
        while counts["sent"] + counts["retry"] + counts["failed"] < limit:
            batch = claim_batch(now, min(cfg.get("OUTBOX_BATCH", BATCH), limit))
            if not batch:
                break
            renewed = utcnow()
            for index, message in enumerate(batch):
                if utcnow() - renewed >= renew_every:
                    renewed = _renew(batch[index:])
                try:
                    backend.send(message)
                except BackendUnavailable as error:
                    _release(batch[index:])
                    return _backend_down(app, state, now, counts, str(error),
                                         len(batch) - index)
                except MessageRejected as error:
                    _refused(message, now, str(error), cfg, counts)
                else:
                    db.session.execute(
                        update(OutboxMessage).where(*_mine(message))
                        .values(status=OutboxMessage.SENT, sent_at=utcnow(),
                                attempts=message.attempts + 1, last_error=None)
                        .execution_options(synchronize_session=False))
                    counts["sent"] += 1
                db.session.commit()
    finally:
        backend.__exit__(None, None, None)
    return counts


def _renew(messages: list):
    """Keep this dispatcher's claim on the rest of its batch fresh (one UPDATE), so that a
    long batch is not taken for a dead dispatcher's."""
    now = utcnow()
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_([m.id for m in messages]),
               OutboxMessage.claimed_by == messages[0].claimed_by,
               OutboxMessage.status == OutboxMessage.SENDING)
        .values(claimed_at=now).execution_options(synchronize_session=False))
    db.session.commit()
    return now


def _refused(message, now, error: str, cfg, counts: dict) -> None:
    attempts = message.attempts + 1
    values = {"attempts": attempts, "last_error": error[:2000], "claimed_by": None}
    if attempts >= cfg["OUTBOX_MAX_ATTEMPTS"]:
        values["status"] = OutboxMessage.FAILED
        counts["failed"] += 1
    else:
        delay = cfg["OUTBOX_BACKOFF_SECONDS"] * 2 ** (attempts - 1)
        values.update(status=OutboxMessage.PENDING,
                      next_attempt_at=now + timedelta(seconds=delay))
        counts["retry"] += 1
    db.session.execute(update(OutboxMessage).where(*_mine(message)).values(**values)
                       .execution_options(synchronize_session=False))


def _backend_down(app, state: dict, now, counts: dict, error: str, waiting: int) -> dict:
    cfg = app.config
    state["failures"] += 1
    delay = min(cfg["OUTBOX_BACKEND_RETRY_SECONDS"] * 2 ** (state["failures"] - 1),
                cfg["OUTBOX_BACKEND_RETRY_MAX_SECONDS"])
    state["retry_at"] = now + timedelta(seconds=delay)
    app.logger.warning("%s; trying again in %s s", error, delay)
    db.session.rollback()
    return {**counts, "waiting": waiting, "backend_error": error[:200]}


def resend(message: OutboxMessage, now=None) -> None:
    """Put a failed message back in the queue with a fresh set of attempts (caller commits)."""
    message.status = OutboxMessage.PENDING
    message.attempts = 0
    message.next_attempt_at = now or utcnow()
    message.claimed_at = message.claimed_by = None
