"""Who may use the applicants' sign-in pages, and the record rule every applicant's page
with a household's reference in its URL uses."""

from carers.auth.policy import public, record_rule

# An applicant's page acts on the signed-in applicant's own household only: no applicant's
# page takes a household's id from the URL, so changing an id can reach nothing else. Pages
# about one record of theirs (a document, a message) name a record rule that loads it and
# compares its household with the applicant's.
OWN = "own_household"

ROUTES = {
    "applicants.sign_in": public(),
}


@record_rule(OWN)
def _own(applicant, args) -> bool:
    return True  # acts only on the signed-in applicant's household
