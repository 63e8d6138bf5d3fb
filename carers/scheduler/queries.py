"""Lookups for the outbox pages: a page of unsent messages with counts by status, and one
email message."""

from datetime import timedelta

from flask import abort, current_app
from sqlalchemy import func, select

from carers.core.dates import london, utcnow
from carers.core.pagination import paginate
from carers.extensions import db
from carers.notifications.models import OutboxMessage

QUEUE_FILTERS = {
    "": ("Every message not yet sent", (OutboxMessage.PENDING, OutboxMessage.SENDING,
                                        OutboxMessage.FAILED)),
    "waiting": ("Waiting or retrying", (OutboxMessage.PENDING,)),
    "sending": ("Sending", (OutboxMessage.SENDING,)),
    "failed": ("Failed", (OutboxMessage.FAILED,)),
}


def unsent_page(status: str):
    """A page of the messages with this filter's statuses, newest first."""
    shown = OutboxMessage.status.in_(QUEUE_FILTERS[status][1])
    return paginate(select(OutboxMessage).where(shown).order_by(OutboxMessage.id.desc()),
                    select(func.count(OutboxMessage.id)).where(shown),
                    current_app.config["PAGE_SIZE"])


def unsent_counts() -> dict[str, int]:
    """How many messages each filter shows."""
    by_status = dict(db.session.execute(
        select(OutboxMessage.status, func.count(OutboxMessage.id))
        .where(OutboxMessage.status != OutboxMessage.SENT).group_by(OutboxMessage.status)).all())
    return {key: sum(by_status.get(s, 0) for s in statuses)
            for key, (_label, statuses) in QUEUE_FILTERS.items()}


def stalled_check():
    """A test for a message claimed by a dispatcher that has stopped (it will be sent again
    shortly)."""
    stale_before = utcnow() - timedelta(seconds=current_app.config["OUTBOX_STALE_CLAIM_SECONDS"])

    def stalled(message) -> bool:
        return (message.status == OutboxMessage.SENDING and message.claimed_at is not None
                and london(message.claimed_at) < stale_before)

    return stalled


def get_email(message_id: int) -> OutboxMessage:
    message = db.session.get(OutboxMessage, message_id)
    if message is None or message.channel != "email":
        abort(404)
    return message
