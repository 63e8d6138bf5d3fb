"""Who may see the timed jobs and the outbox: administrators."""

from carers.auth.policy import staff
from carers.auth.roles import ADMINISTRATORS

ROUTES = {
    "scheduler.jobs": staff(ADMINISTRATORS),
    "scheduler.messages": staff(ADMINISTRATORS),
    "scheduler.resend_message": staff(ADMINISTRATORS),
    "scheduler.correct_address": staff(ADMINISTRATORS),
}
