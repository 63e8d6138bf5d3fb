"""Who may use the applicants' pages, and the record rule every applicant's page with a
household's reference in its URL uses."""

from carers.auth.policy import applicant, public, record_rule, staff
from carers.auth.roles import CASE_READERS
from carers.cases.access import CASE, CASE_CHANGE

# An applicant's page acts on the signed-in applicant's own household only: no applicant's
# page takes a household's id from the URL, so changing an id can reach nothing else. Pages
# about one record of theirs (a document, a message) name a record rule that loads it and
# compares its household with the applicant's.
OWN = "own_household"

ROUTES = {
    # Signing in and out: open to anyone (the pages say the same whoever asks).
    "applicants.sign_in": public(),
    "applicants.code": public(),
    "applicants.sign_out": public(),
    "applicants.signed_out": public(),
    # A signed-in applicant's own pages.
    "applicants.home": applicant(),
    "applicants.keep_alive": applicant(),
    # Staff: the household's invitations, seen as the case is read, sent as it is changed.
    "applicants.invitations": staff(CASE_READERS, record=CASE),
    "applicants.invite": staff(CASE_READERS, record=CASE_CHANGE),
    "applicants.resend_invitation": staff(CASE_READERS, record=CASE_CHANGE),
}


@record_rule(OWN)
def _own(person, args) -> bool:
    return True  # acts only on the signed-in applicant's household
