"""Who may use the administration pages: administrators change the agency's settings and
read the audit trail; a case's viewers are shown to whoever may read the case."""

from carers.auth.policy import staff
from carers.auth.roles import ADMINISTRATORS, CASE_READERS
from carers.cases.access import CASE

ROUTES = {
    "settings.edit": staff(ADMINISTRATORS),
    "audit.search": staff(ADMINISTRATORS),
    "audit.export": staff(ADMINISTRATORS),
    "audit.case_viewers": staff(CASE_READERS, record=CASE),
}
