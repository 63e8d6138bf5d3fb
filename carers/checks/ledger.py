"""Reading a case's checks: the household described for the rules, and the rules' answer
merged with the stored rows. Nothing here writes."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from carers.auth.models import User
from carers.cases.models import HouseholdDetails
from carers.checks import rules
from carers.checks.models import Address, Check, Referee
from carers.checks.rules import CheckKind, CheckState, RequiredCheck
from carers.core.dates import format_date
from carers.enquiries.models import Enquiry
from carers.extensions import db

KIND_ORDER = {kind: n for n, kind in enumerate(CheckKind)}


class NameList(tuple):
    """A tuple of check names that prints as "a, b": the case timeline keeps the transition
    details as text, and this makes the outstanding checks read well there."""

    __slots__ = ()

    def __str__(self) -> str:
        return ", ".join(self)


def household_facts(household, today: date) -> rules.HouseholdFacts:
    enquired = household.enquiry_received_on or household.created_at.date()
    years_since = max(0, (today - enquired).days // 365)
    people = tuple(
        rules.Person(
            id=m.id, name=m.name, date_of_birth=m.date_of_birth,
            age=None if m.date_of_birth or m.age_at_enquiry is None
            else m.age_at_enquiry + years_since,
            is_applicant=bool(m.is_applicant),
            relationship=m.relationship_to_applicant or "",
            lives_in_household=m.lives_in_household is not False,
            employer=m.employer or "", school=m.school or "",
        )
        for m in household.members
    )
    addresses = tuple(
        rules.AddressPeriod(a.local_authority, a.lived_from, a.lived_to)
        for a in db.session.scalars(select(Address).where(Address.household_id == household.id)
                                    .order_by(Address.id))
    )
    referees = tuple(
        rules.RefereeInfo(r.id, r.name, bool(r.is_family))
        for r in active_referees(household)
    )
    details = db.session.get(HouseholdDetails, household.id)
    if details is None:
        has_pets = bool(household.enquiry_id and db.session.scalar(
            select(Enquiry.has_pets).where(Enquiry.id == household.enquiry_id)))
        return rules.HouseholdFacts(household.pathway, people, addresses, referees, has_pets)
    return rules.HouseholdFacts(
        household.pathway, people, addresses, referees, bool(details.has_pets),
        details.previous_provider or "", details.fostered_until)


def active_referees(household) -> list[Referee]:
    return list(db.session.scalars(
        select(Referee).where(Referee.household_id == household.id,
                              Referee.withdrawn_on.is_(None)).order_by(Referee.id)))


@dataclass
class Entry:
    """One line of the ledger: a required check, its stored row, or both."""

    required: RequiredCheck | None
    row: Check | None
    state: CheckState

    @property
    def label(self) -> str:
        return self.state.label


@dataclass
class Ledger:
    entries: list[Entry]
    warnings: tuple[str, ...]
    today: date

    @property
    def states(self) -> list[CheckState]:
        return [e.state for e in self.entries]

    @property
    def current(self) -> list[Entry]:
        """What the checks table shows: every required check, and any no longer required
        that holds evidence."""
        return [e for e in self.entries if e.required is not None or (
            e.row is not None and (e.row.requested_on or e.row.received_on or e.row.documents))]

    @property
    def stage1_complete(self) -> bool:
        return rules.stage1_complete(self.states, self.today)

    @property
    def stage1_outstanding(self) -> NameList:
        return NameList(rules.stage1_outstanding(self.states, self.today))

    @property
    def reg24_outstanding(self) -> NameList:
        return NameList(rules.reg24_outstanding(self.states, self.today))

    @property
    def outstanding(self) -> NameList:
        return NameList(c.label for c in rules.outstanding(self.states, self.today))

    @property
    def lapsed(self) -> list[CheckState]:
        return rules.lapsed(self.states, self.today)

    @property
    def last_stage1_received_on(self) -> date | None:
        return rules.last_stage1_received_on(self.states, self.today)

    @property
    def needs_sync(self) -> bool:
        for e in self.entries:
            if e.row is None:
                return True
            if e.required is None:
                if e.row.required:
                    return True
            elif _differs(e.row, e.required):
                return True
        return False


def _differs(row: Check, required: RequiredCheck) -> bool:
    return (not row.required or row.kind != required.kind or row.subject != required.subject
            or row.stage1 != required.stage1 or row.reg24 != required.reg24
            or row.required_from != required.required_from
            or row.renewal_years != required.renewal_years
            or row.member_id != required.person_id or row.referee_id != required.referee_id)


def stored_checks(household_id: int) -> list[Check]:
    return list(db.session.scalars(
        select(Check).where(Check.household_id == household_id, Check.superseded.is_(False))
        .options(selectinload(Check.referee), selectinload(Check.documents),
                 # Who verified it, by name: not their roles (a panel's meeting page reads
                 # each agenda case's ledger).
                 selectinload(Check.verified_by).lazyload(User.roles))
        .order_by(Check.id)))


def case_ledger(household, today: date, settings) -> Ledger:
    """The rules' answer for today merged with what is stored. A required check not stored
    yet counts as outstanding, so the gates are right even before the rows are synced."""
    requirements = rules.required_checks(household_facts(household, today), today, settings)
    by_key: dict[str, list[Check]] = defaultdict(list)
    for row in stored_checks(household.id):
        by_key[row.key].append(row)
    entries = []
    for required in requirements.checks:
        rows = by_key.pop(required.key, [])
        named = (required.referee_id is not None
                 or required.kind != CheckKind.PERSONAL_REFERENCE)
        fresh = {"kind": required.kind, "subject": required.subject, "stage1": required.stage1,
                 "reg24": required.reg24, "required": True,
                 "required_from": required.required_from, "extra": {"named": named}}
        if rows:
            entries.extend(Entry(required, row, row.state(**fresh)) for row in rows)
        else:
            entries.append(Entry(required, None, CheckState(key=required.key, **fresh)))
    for rows in by_key.values():
        entries.extend(Entry(None, row, row.state(required=False)) for row in rows)
    order = {c.key: n for n, c in enumerate(requirements.checks)}
    entries.sort(key=lambda e: (KIND_ORDER[CheckKind(e.state.kind)],
                                order.get(e.state.key, len(order)), e.row.id if e.row else 0))
    return Ledger(entries, requirements.warnings, today)


def readiness_facts(household, today: date, settings) -> dict:
    """What the ledger says about whether a case may move on, for the pipeline's gates
    (registered with ``carers.cases.hooks``). Computed from the household now, so it is
    right even if its stored checks have not been synced."""
    ledger = case_ledger(household, today, settings)
    return {
        "stage1_items_complete": ledger.stage1_complete,
        "stage1_outstanding": ledger.stage1_outstanding,
        "outstanding_checks": ledger.outstanding,
        "reg24_outstanding": ledger.reg24_outstanding,
    }


# --- the report's checks table and references table, which never disagree ---

def all_referees(household) -> list[Referee]:
    """Every referee the case has had, those no longer used included."""
    return list(db.session.scalars(
        select(Referee).where(Referee.household_id == household.id)
        .options(selectinload(Referee.response)).order_by(Referee.id)))


def _reference_standing(referee: Referee, row: Check | None) -> str:
    return rules.reference_standing(
        received_on=row.received_on if row is not None else None,
        interviewed_on=referee.interviewed_on, withdrawn_on=referee.withdrawn_on,
        withdrawn_reason=referee.withdrawn_reason or "", fmt=format_date)


@dataclass
class ReferenceLine:
    """One referee as the report's references table prints them."""

    name: str
    relationship_to_applicant: str
    is_family: bool
    interviewed_on: date | None
    standing: str
    response: object = None
    interview_notes: str | None = None
    withdrawn_on: date | None = None
    withdrawn_reason: str | None = None


def report_lines(ledger: Ledger, household) -> tuple[list[CheckState], list[ReferenceLine]]:
    """The report's checks (every current check, and each referee's reference even when it
    was not taken up) and its referees, a personal reference standing the same way in both:
    received and interviewed, outstanding, or not taken up and why."""
    referees = all_referees(household)
    rows = {e.row.referee_id: e.row for e in ledger.entries
            if e.row is not None and e.row.referee_id is not None
            and e.state.kind == CheckKind.PERSONAL_REFERENCE}
    standing = {r.id: _reference_standing(r, rows.get(r.id)) for r in referees}
    withdrawn = {r.id for r in referees if r.withdrawn_on is not None}
    current = {id(e) for e in ledger.current}
    position = {r.id: n for n, r in enumerate(referees)}
    checks = []
    for n, e in enumerate(ledger.entries):
        referee_id = e.row.referee_id if e.row is not None else None
        if id(e) not in current and referee_id not in withdrawn:
            continue
        if not (e.state.required or e.row is not None) or rules.superseded_placeholder(e.state):
            continue
        state = e.state
        if referee_id in standing:
            state = replace(state, standing=standing[referee_id])
        elif state.kind == CheckKind.PERSONAL_REFERENCE:
            state = replace(state, standing="Outstanding: referee not yet named")
        # References in the references table's order (the referees', then unnamed slots).
        checks.append(((KIND_ORDER[CheckKind(state.kind)], position.get(referee_id, len(
            position)), n), state))
    checks = [state for _, state in sorted(checks, key=lambda pair: pair[0])]
    lines = [ReferenceLine(
        name=r.name, relationship_to_applicant=r.relationship_to_applicant,
        is_family=bool(r.is_family), interviewed_on=r.interviewed_on, standing=standing[r.id],
        response=r.response, interview_notes=r.interview_notes, withdrawn_on=r.withdrawn_on,
        withdrawn_reason=r.withdrawn_reason) for r in referees]
    return checks, lines
