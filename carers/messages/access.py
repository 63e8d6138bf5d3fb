"""Who may read and write a household's messages.

Applicants: their own household's thread only. Their pages take no id from the URL or the
form, so changing one reaches nothing else (carers.applicants.access OWN). Staff: whoever may
read the case reads its thread (audited); whoever may change the case (its allocated
workers, their team managers, administrators) writes in it."""

from carers.applicants.access import OWN
from carers.auth.policy import applicant, staff
from carers.auth.roles import CASE_READERS
from carers.cases.access import CASE, CASE_CHANGE

ROUTES = {
    "messages.thread": applicant(record=OWN),
    "messages.send": applicant(record=OWN),
    "messages.staff_thread": staff(CASE_READERS, record=CASE),
    "messages.staff_send": staff(CASE_READERS, record=CASE_CHANGE),
}
