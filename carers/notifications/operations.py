"""Queueing messages: rendered from templates/notifications/<name>.{subject,txt,html}."""

from flask import current_app, render_template, url_for
from sqlalchemy import select

from carers.audit.operations import record as audit
from carers.extensions import db
from carers.notifications.dispatch import resend
from carers.notifications.models import OutboxMessage


def public_url(endpoint: str, **values) -> str:
    """A link for an email: PUBLIC_BASE_URL and the page's path, never the address the
    current request happened to arrive on."""
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + url_for(endpoint, **values)


def render_email(template: str, **context) -> dict:
    """A message's subject and its plain-text and HTML parts, from its template files."""
    subject = render_template(f"notifications/{template}.subject.txt", **context).strip()
    return {
        "subject": " ".join(subject.split()),
        "body_text": render_template(f"notifications/{template}.txt", **context),
        "body_html": render_template(f"notifications/{template}.html", **context),
    }


def queue_email(to_address: str, template: str, idempotency_key: str, attachments=None,
                **context) -> OutboxMessage:
    """Add an email to the outbox in the caller's transaction (the caller commits).
    ``attachments``: a list of {"filename", "content_type", "content"} with text content,
    for example a calendar invitation."""
    existing = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.idempotency_key == idempotency_key)
    )
    if existing is not None:
        return existing
    message = OutboxMessage(idempotency_key=idempotency_key, to_address=to_address,
                            attachments=attachments or None, **render_email(template, **context))
    db.session.add(message)
    return message


class NotFailed(Exception):
    """The message is no longer failed (sent, or queued again by someone else)."""


def resend_failed(message_id: int, user, to_address: str | None = None) -> OutboxMessage | None:
    """Queue a failed message again with a fresh set of attempts, to ``to_address`` when the
    refused address is being corrected; audited and committed. None when there is no such
    message; NotFailed when it is no longer failed."""
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        return None
    if message.status != OutboxMessage.FAILED:
        raise NotFailed
    detail = {"resend": True}
    to_address = (to_address or "").strip()
    if to_address and to_address != message.to_address:
        # The trail keeps no addresses (it outlives the records they belong to).
        detail.update(to_address_changed=True)
        message.to_address = to_address
    resend(message)
    audit("update", "outbox_message", message.id, detail, user=user)
    db.session.commit()
    return message
