"""Who may use the enquiry pages: the public journey, and the staff inbox."""

from carers.auth.policy import public, staff
from carers.auth.roles import FOSTERING_TEAM

ROUTES = {
    # the public enquiry journey
    "enquiry.start": public(),
    "enquiry.question": public(),
    "enquiry.person": public(),
    "enquiry.remove_person": public(),
    "enquiry.check_answers": public(),
    "enquiry.confirmation": public(),
    # the fostering team's inbox
    "inbox.index": staff(FOSTERING_TEAM),
    "inbox.detail": staff(FOSTERING_TEAM),
    "inbox.correct": staff(FOSTERING_TEAM),  # who works the enquiry keeps its details right
    "inbox.open_case": staff(FOSTERING_TEAM),  # who may read the enquiry may open its case
}
