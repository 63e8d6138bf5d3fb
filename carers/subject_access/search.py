"""Finding a person across the records: enquiries and the people named in them, households
and their members, applicants' accounts, referees and their references, the people in
family trees and ecomaps, and staff notes on case timelines.

A name matches in part, ignoring case ("okonkwo" finds "Lakshmi Okonkwo-Bright"); an email
matches whole, ignoring case; a date of birth matches exactly. A source that does not hold
one of the things asked for is searched by the others (a referee has no date of birth); a
source that holds none of them is not searched. Each source's query is bounded
(``PER_SOURCE`` rows), and the matches are shown a page at a time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, func, or_, select

from carers.applicants.models import Applicant
from carers.cases.models import CaseEvent, Household, HouseholdMember
from carers.checks.models import Referee, ReferenceResponse
from carers.core.dates import format_date
from carers.enquiries.models import Enquiry, EnquiryPerson
from carers.extensions import db
from carers.family.models import EcomapEntry, FamilyPerson

# The most rows any one source gives a search: enough for a name shared by a few people,
# and bounded however common the name is (a narrower search finds the rest).
PER_SOURCE = 100

SOURCES = {
    "enquiry": "Enquiry",
    "enquiry_person": "Person named in an enquiry",
    "household": "Household (case)",
    "household_member": "Household member",
    "applicant": "Applicant's account",
    "referee": "Referee",
    "reference_response": "Reference (mentions the name)",
    "family_person": "Family tree",
    "ecomap_entry": "Ecomap",
    "case_event": "Case timeline note (mentions the name)",
}


@dataclass(frozen=True)
class Match:
    source: str
    record_id: int
    name: str
    case: str | None  # the household's reference
    detail: str
    on: date | datetime | None

    @property
    def key(self) -> str:
        return f"{self.source}:{self.record_id}"

    @property
    def source_label(self) -> str:
        return SOURCES[self.source]


def _name(column, name: str | None):
    return func.lower(column).contains(name.lower(), autoescape=True) if name else None


def _email(column, email: str | None):
    return func.lower(column) == email.lower() if email else None


def _dob(column, born: date | None):
    return column == born if born else None


def _all(*conditions):
    given = [c for c in conditions if c is not None]
    return and_(*given) if given else None


def find(name: str | None = None, email: str | None = None,
         born: date | None = None) -> list[Match]:
    """Every match, source by source, each source's newest first."""
    found: list[Match] = []
    for source in _SEARCHES:
        found.extend(source(name, email, born))
    return found


def _rows(statement, where):
    if where is None:
        return []
    return db.session.execute(statement.where(where).limit(PER_SOURCE)).all()


def _enquiries(name, email, born):
    full = Enquiry.first_name + " " + Enquiry.last_name
    rows = _rows(select(Enquiry.id, Enquiry.reference, full, Enquiry.received_at)
                 .order_by(Enquiry.received_at.desc(), Enquiry.id.desc()),
                 _all(_name(full, name), _email(Enquiry.email, email),
                      _dob(Enquiry.date_of_birth, born)))
    return [Match("enquiry", i, n, None, f"Enquiry {ref}", at) for i, ref, n, at in rows]


def _enquiry_people(name, email, born):
    if email or born:
        return []  # only a name and an age are kept for them
    rows = _rows(select(EnquiryPerson.id, EnquiryPerson.name, Enquiry.reference,
                        Enquiry.received_at)
                 .join(Enquiry, Enquiry.id == EnquiryPerson.enquiry_id)
                 .order_by(Enquiry.received_at.desc(), EnquiryPerson.id),
                 _name(EnquiryPerson.name, name))
    return [Match("enquiry_person", i, n, None, f"In enquiry {ref}", at)
            for i, n, ref, at in rows]


def _households(name, email, born):
    if born:
        return []
    rows = _rows(select(Household.id, Household.name, Household.reference, Household.created_at)
                 .order_by(Household.created_at.desc(), Household.id.desc()),
                 _all(_name(Household.name, name), _email(Household.email, email)))
    return [Match("household", i, n, ref, "The case's own record", at)
            for i, n, ref, at in rows]


def _members(name, email, born):
    if email and not (name or born):
        return []
    rows = _rows(select(HouseholdMember.id, HouseholdMember.name, Household.reference,
                        HouseholdMember.relationship_to_applicant, HouseholdMember.date_of_birth)
                 .join(Household, Household.id == HouseholdMember.household_id)
                 .order_by(Household.created_at.desc(), HouseholdMember.position),
                 _all(_name(HouseholdMember.name, name),
                      _dob(HouseholdMember.date_of_birth, born)))
    return [Match("household_member", i, n, ref, f"Member of the household ({rel})"
                  + (f", born {format_date(born_on)}" if born_on else ""), None)
            for i, n, ref, rel, born_on in rows]


def _applicants(name, email, born):
    if born and not (name or email):
        return []
    rows = _rows(select(Applicant.id, Applicant.name, Household.reference, Applicant.invited_at)
                 .join(Household, Household.id == Applicant.household_id)
                 .order_by(Applicant.created_at.desc(), Applicant.id.desc()),
                 _all(_name(Applicant.name, name), _email(Applicant.email, email)))
    return [Match("applicant", i, n, ref, "Account to sign in and apply", at)
            for i, n, ref, at in rows]


def _referees(name, email, born):
    if born and not (name or email):
        return []
    rows = _rows(select(Referee.id, Referee.name, Household.reference, Referee.created_at)
                 .join(Household, Household.id == Referee.household_id)
                 .order_by(Referee.created_at.desc(), Referee.id.desc()),
                 _all(_name(Referee.name, name), _email(Referee.email, email)))
    return [Match("referee", i, n, ref, "Referee for the household", at)
            for i, n, ref, at in rows]


def _references(name, email, born):
    if email or born or not name:
        return []
    rows = _rows(select(ReferenceResponse.id, Referee.name, Household.reference,
                        ReferenceResponse.submitted_at)
                 .join(Referee, Referee.id == ReferenceResponse.referee_id)
                 .join(Household, Household.id == Referee.household_id)
                 .order_by(ReferenceResponse.submitted_at.desc()),
                 or_(_name(ReferenceResponse.observations, name),
                     _name(ReferenceResponse.concerns, name)))
    return [Match("reference_response", i, "(named in the reference)", ref,
                  "A referee's written reference", at) for i, _n, ref, at in rows]


def _family(name, email, born):
    if email or born:
        return []
    rows = _rows(select(FamilyPerson.id, FamilyPerson.name, Household.reference)
                 .join(Household, Household.id == FamilyPerson.household_id)
                 .order_by(FamilyPerson.id.desc()), _name(FamilyPerson.name, name))
    found = [Match("family_person", i, n, ref, "Person in the family tree", None)
             for i, n, ref in rows]
    rows = _rows(select(EcomapEntry.id, EcomapEntry.name, Household.reference)
                 .join(Household, Household.id == EcomapEntry.household_id)
                 .order_by(EcomapEntry.id.desc()), _name(EcomapEntry.name, name))
    return found + [Match("ecomap_entry", i, n, ref, "Connection in the ecomap", None)
                    for i, n, ref in rows]


def _notes(name, email, born):
    if email or born or not name:
        return []
    rows = _rows(select(CaseEvent.id, CaseEvent.summary, Household.reference, CaseEvent.at)
                 .join(Household, Household.id == CaseEvent.household_id)
                 .order_by(CaseEvent.at.desc(), CaseEvent.id.desc()),
                 or_(_name(CaseEvent.summary, name), _name(CaseEvent.body, name)))
    return [Match("case_event", i, "(named in the note)", ref, summary[:80], at)
            for i, summary, ref, at in rows]


_SEARCHES = [_enquiries, _enquiry_people, _households, _members, _applicants, _referees,
             _references, _family, _notes]


def describe(source: str, record_id: int) -> Match | None:
    """One linked record again, for the request's page (None if it has gone)."""
    for match in _by_id(source, record_id):
        return match
    return None


def _by_id(source: str, record_id: int) -> list[Match]:
    table = {"enquiry": Enquiry, "enquiry_person": EnquiryPerson, "household": Household,
             "household_member": HouseholdMember, "applicant": Applicant, "referee": Referee,
             "reference_response": ReferenceResponse, "family_person": FamilyPerson,
             "ecomap_entry": EcomapEntry, "case_event": CaseEvent}.get(source)
    row = db.session.get(table, record_id) if table is not None else None
    if row is None:
        return []
    household_id = getattr(row, "household_id", None)
    if source == "household":
        household_id = row.id
    if source == "reference_response":
        household_id = db.session.get(Referee, row.referee_id).household_id
    case = db.session.get(Household, household_id).reference if household_id else None
    name = getattr(row, "full_name", None) or getattr(row, "name", None) or ""
    if source in ("reference_response", "case_event"):
        name = ""
    return [Match(source, record_id, name, case, SOURCES[source], None)]
