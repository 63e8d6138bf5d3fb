"""Who may use the applicant's own pages: the signed-in applicant, for their own household.
No page takes a household from its URL; the visit pages name a visit, which must be one of
their household's (another household's is refused, a missing one is not found)."""

from carers.applicants.access import OWN
from carers.application.access import JOINT_APPLICANT
from carers.auth.policy import applicant, record_rule
from carers.visits.queries import get_visit

OWN_VISIT = "own_visit"  # the visit named by <visit_id>, one of the applicant's household's
# Only a joint applicant may withdraw the household's application (the application's
# JOINT_APPLICANT rule): another adult who lives there gives their own details, but does not
# decide for the applicants.


@record_rule(OWN_VISIT)
def _own_visit(person, args) -> bool:
    return get_visit(args.get("visit_id")).household_id == person.household_id


ROUTES = {
    "portal.progress": applicant(record=OWN),
    "portal.visit_calendar": applicant(record=OWN_VISIT),
    "portal.rearrange": applicant(record=OWN_VISIT),
    "portal.withdraw": applicant(record=JOINT_APPLICANT),
    "portal.confirm_withdraw": applicant(record=JOINT_APPLICANT),
    "portal.withdrawn": applicant(record=OWN),
    "portal.details": applicant(record=OWN),
    "portal.contact": applicant(record=OWN),
    "portal.change": applicant(record=OWN),
    "portal.moving_in": applicant(record=OWN),
    "portal.moving_out": applicant(record=OWN),
    "portal.moving_house": applicant(record=OWN),
    "portal.your_information": applicant(record=OWN),
    "portal.information_json": applicant(record=OWN),
    "portal.information_pdf": applicant(record=OWN),
}
