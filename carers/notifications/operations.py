"""Queueing messages: rendered from templates/notifications/<name>.{subject,txt,html}."""

from flask import render_template
from sqlalchemy import select

from carers.extensions import db
from carers.notifications.models import OutboxMessage


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
    subject = render_template(f"notifications/{template}.subject.txt", **context).strip()
    message = OutboxMessage(
        idempotency_key=idempotency_key,
        to_address=to_address,
        subject=" ".join(subject.split()),
        body_text=render_template(f"notifications/{template}.txt", **context),
        body_html=render_template(f"notifications/{template}.html", **context),
        attachments=attachments or None,
    )
    db.session.add(message)
    return message
