"""Who may see and change a case's family tree and ecomap: as the case (carers.cases.access).
Whoever may read the case sees them (the page is audited); whoever may change the case (its
allocated workers, their team's managers, administrators) changes them. A person, link or
connection named in the address must belong to the case named there (the views look it up
within the case, and 404 otherwise)."""

from carers.auth.policy import staff
from carers.auth.roles import CASE_READERS
from carers.cases.access import CASE, CASE_CHANGE

ROUTES = {
    "family.tree": staff(CASE_READERS, record=CASE),
    "family.add_person": staff(CASE_READERS, record=CASE_CHANGE),
    "family.edit_person": staff(CASE_READERS, record=CASE_CHANGE),
    "family.remove_person": staff(CASE_READERS, record=CASE_CHANGE),
    "family.add_from_case": staff(CASE_READERS, record=CASE_CHANGE),
    "family.add_parent": staff(CASE_READERS, record=CASE_CHANGE),
    "family.add_partners": staff(CASE_READERS, record=CASE_CHANGE),
    "family.remove_link": staff(CASE_READERS, record=CASE_CHANGE),
    "family.add_entry": staff(CASE_READERS, record=CASE_CHANGE),
    "family.edit_entry": staff(CASE_READERS, record=CASE_CHANGE),
    "family.remove_entry": staff(CASE_READERS, record=CASE_CHANGE),
}
