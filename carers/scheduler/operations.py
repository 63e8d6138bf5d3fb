"""The outbox admin's one change: sending a failed message again."""

from carers.core.changes import Refusal
from carers.notifications.models import OutboxMessage
from carers.notifications.operations import NotFailed, resend_failed


class NothingToResend(Refusal):
    """The message is no longer failed: sent, or queued again by someone else."""

    message = "That message is no longer failed: nothing to resend"


def resend(message_id: int, user, to_address: str | None = None) -> OutboxMessage | None:
    """Queue a failed message again (to a corrected address, if given); audited and
    committed. None when there is no such message."""
    try:
        return resend_failed(message_id, user, to_address)
    except NotFailed:
        raise NothingToResend from None
