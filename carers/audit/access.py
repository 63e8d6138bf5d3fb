"""Who may read the audit trail: administrators; a case's viewers, whoever may read it."""

from carers.auth.policy import staff
from carers.auth.roles import ADMINISTRATORS, CASE_READERS
from carers.cases.access import CASE

ROUTES = {
    "audit.search": staff(ADMINISTRATORS),
    "audit.export": staff(ADMINISTRATORS),
    "audit.case_viewers": staff(CASE_READERS, record=CASE),
}
