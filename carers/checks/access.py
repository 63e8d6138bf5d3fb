"""Who may use the checks and references pages: referees by their link; staff as the case."""

from carers.auth.policy import public, referee, staff
from carers.auth.roles import CASE_READERS
from carers.cases.access import CASE, CASE_CHANGE

ROUTES = {
    # referees: the single-use link is the key
    "checks.reference_form": referee(),
    "checks.reference_sent": public(),
    # the case's checks and references, as the case (carers.cases.access)
    "checks.team": staff(CASE_READERS),
    "checks.case_checks": staff(CASE_READERS, record=CASE),
    "checks.check": staff(CASE_READERS, record=CASE),
    "checks.record_check": staff(CASE_READERS, record=CASE_CHANGE),
    "checks.upload": staff(CASE_READERS, record=CASE_CHANGE),
    "checks.document": staff(CASE_READERS, record=CASE),
    "checks.renew": staff(CASE_READERS, record=CASE_CHANGE),
    "checks.person": staff(CASE_READERS, record=CASE_CHANGE),
    "checks.address": staff(CASE_READERS, record=CASE_CHANGE),
    "checks.remove_address": staff(CASE_READERS, record=CASE_CHANGE),
    "checks.details": staff(CASE_READERS, record=CASE_CHANGE),
    "checks.edit_referee": staff(CASE_READERS, record=CASE_CHANGE),
    "checks.referee": staff(CASE_READERS, record=CASE),
    "checks.invite": staff(CASE_READERS, record=CASE_CHANGE),
    "checks.withdraw": staff(CASE_READERS, record=CASE_CHANGE),
    "checks.interview": staff(CASE_READERS, record=CASE_CHANGE),
}
