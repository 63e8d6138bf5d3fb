"""Who may read and write a case's assessment report: as the case (carers.cases.access);
a manager signs it off."""

from carers.auth.policy import staff
from carers.auth.roles import CASE_READERS, MANAGERS
from carers.cases.access import CASE, CASE_CHANGE

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
}
