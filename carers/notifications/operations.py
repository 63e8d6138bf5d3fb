"""Queueing messages: rendered from templates/notifications/<name>.{subject,txt,html}."""

from flask import current_app, render_template, url_for
from sqlalchemy import select

from carers.extensions import db
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


def queue_sms(to_number: str, template: str, idempotency_key: str, **context) -> OutboxMessage:
    """Add a text message (templates/notifications/<name>.sms.txt) to the outbox in the
    caller's transaction. Sent through GOV.UK Notify."""
    existing = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.idempotency_key == idempotency_key)
    )
    if existing is not None:
        return existing
    message = OutboxMessage(
        idempotency_key=idempotency_key, channel="sms", to_address=to_number, subject="",
        body_text=render_template(f"notifications/{template}.sms.txt", **context).strip())
    db.session.add(message)
    return message


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
