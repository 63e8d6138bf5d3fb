"""Who may read and write a case's assessment report: as the case (carers.cases.access);
a manager signs it off. The household's applicants (not its other adults) read the version
shared with them, and comment on it, once it is shared."""

from carers.auth.policy import applicant, record_rule, staff
from carers.auth.roles import CASE_READERS, MANAGERS
from carers.cases.access import CASE, CASE_CHANGE
from carers.reports.document import shared_report

SHARED_REPORT = "shared_report"  # the report shared with the signed-in applicant's household


@record_rule(SHARED_REPORT)
def _shared_with(person, args) -> bool:
    """Only the joint applicants, and only once a version is shared with their household
    (the navigation entry is hidden until then). No id is taken from the URL."""
    return person.role == "applicant" and shared_report(person.household_id) is not None

ROUTES = {
    "reports.editor": staff(CASE_READERS, record=CASE),
    "reports.pdf": staff(CASE_READERS, record=CASE),
    "reports.save": staff(CASE_READERS, record=CASE_CHANGE),
    "reports.autosave": staff(CASE_READERS, record=CASE_CHANGE),
    "reports.recommendation": staff(CASE_READERS, record=CASE_CHANGE),
    "reports.comments": staff(CASE_READERS, record=CASE_CHANGE),
    "reports.add_training": staff(CASE_READERS, record=CASE_CHANGE),
    "reports.remove_training": staff(CASE_READERS, record=CASE_CHANGE),
    "reports.sign_off": staff(MANAGERS, record=CASE_CHANGE),
    "reports.new_version": staff(CASE_READERS, record=CASE_CHANGE),
    "reports.share": staff(CASE_READERS, record=CASE_CHANGE),
    "shared_report.read": applicant(record=SHARED_REPORT),
    "shared_report.comments_online": applicant(record=SHARED_REPORT),
}
