"""Retention's state changes: the end of approval, legal holds, and the nightly proposals.

Every function is one transaction with its audit entry (ids and codes only)."""

from datetime import date, datetime, timedelta

from sqlalchemy import delete, select

from carers.audit.operations import record as audit
from carers.cases import operations as case_operations
from carers.cases.models import Household
from carers.core.changes import Refusal
from carers.core.database import transaction
from carers.core.dates import LONDON, london, utcnow
from carers.enquiries.models import Enquiry
from carers.extensions import db
from carers.retention import rules
from carers.retention.models import LegalHold, RetentionProposal
from carers.retention.rules import (
    APPROVAL_ENDINGS,
    EnquiryFacts,
    HouseholdFacts,
    Retention,
    RetentionClass,
)

# A proposal is made only for a record whose period has run out: these classes have one.
DUE_CLASSES = {RetentionClass.APPROVED_ENDED, RetentionClass.REG24_ENDED,
               RetentionClass.REFUSED_WITHDRAWN, RetentionClass.ENQUIRY_ONLY}


def household_facts(household: Household) -> HouseholdFacts:
    return HouseholdFacts(stage=household.stage, decided_on=household.decided_on,
                          closed_on=household.closed_on,
                          approval_ended_on=household.approval_ended_on,
                          reg24_approved_on=household.reg24_approved_on,
                          reg24_ended_on=household.reg24_ended_on,
                          keep_in_touch=bool(household.enquiry_id and db.session.scalar(
                              select(Enquiry.keep_in_touch).where(
                                  Enquiry.id == household.enquiry_id))))


def household_retention(household: Household, settings) -> Retention:
    return rules.household_retention(household_facts(household), settings)


def enquiry_retention(enquiry: Enquiry, has_case: bool, settings) -> Retention:
    return rules.enquiry_retention(EnquiryFacts(london(enquiry.received_at).date(),
                                                enquiry.keep_in_touch, has_case), settings)


def active_hold(household_id: int | None = None, enquiry_id: int | None = None):
    column = LegalHold.household_id if household_id is not None else LegalHold.enquiry_id
    return db.session.scalar(select(LegalHold).where(
        column == (household_id if household_id is not None else enquiry_id),
        LegalHold.lifted_at.is_(None)).order_by(LegalHold.id.desc()).limit(1))


# --- the end of approval ---

class ApprovalEndRefused(Refusal):
    pass


def record_approval_end(household: Household, user, ended_on: date, reason: str, today: date,
                        seen_version: int | None) -> None:
    """A manager records the day approval ended (resignation or termination) and how: the
    retention period runs from it. One transaction, on the case's timeline and audited."""
    with transaction():
        problems = []
        if household.stage != rules.APPROVED:
            problems.append("Only an approved household's approval can end.")
        if reason not in APPROVAL_ENDINGS:
            problems.append("Select how approval ended")
        if ended_on > today:
            problems.append("The day approval ended must be today or in the past")
        if household.decided_on and ended_on < household.decided_on:
            problems.append("The day approval ended must be on or after the day it was "
                            "approved")
        if household.approval_ended_on is not None:
            problems.append("The end of approval is already recorded.")
        if problems:
            raise ApprovalEndRefused(*problems)
        case_operations.record_event(
            household, user, f"Approval ended: {APPROVAL_ENDINGS[reason].lower()}", ended_on,
            changes={"approval_ended_on": ended_on, "approval_ended_reason": reason},
            seen_version=seen_version)
        audit("approval_ended", "household", household.id, {"reason": reason}, user=user)


# --- legal holds ---

class HoldRefused(Refusal):
    pass


def place_hold(user, reason: str, details: str, household_id: int | None = None,
               enquiry_id: int | None = None) -> LegalHold:
    """Keep a household or an enquiry past its date: it leaves the list of proposals at once
    and is never deleted while the hold stands."""
    with transaction():
        if reason not in LegalHold.REASONS:
            raise HoldRefused("Select why the record is held")
        if not details.strip():
            raise HoldRefused("Enter what the hold is for")
        if active_hold(household_id, enquiry_id) is not None:
            raise HoldRefused("This record is already on legal hold.")
        hold = LegalHold(household_id=household_id, enquiry_id=enquiry_id, reason=reason,
                         details=details.strip(), placed_by_id=user.id, placed_at=utcnow())
        db.session.add(hold)
        column = (RetentionProposal.household_id if household_id is not None
                  else RetentionProposal.enquiry_id)
        db.session.execute(delete(RetentionProposal).where(
            column == (household_id if household_id is not None else enquiry_id)))
        db.session.flush()
        audit("hold", "household" if household_id is not None else "enquiry",
              household_id if household_id is not None else enquiry_id,
              {"hold": hold.id, "reason": reason}, user=user)
    return hold


def lift_hold(user, hold: LegalHold) -> None:
    """The complaint, investigation or litigation is over: the record follows the schedule
    again (the next nightly run proposes it if its date has passed)."""
    with transaction():
        if hold.lifted_at is not None:
            raise HoldRefused("This hold was already lifted.")
        hold.lifted_at = utcnow()
        hold.lifted_by_id = user.id
        audit("lift_hold", "household" if hold.household_id is not None else "enquiry",
              hold.household_id if hold.household_id is not None else hold.enquiry_id,
              {"hold": hold.id}, user=user)


# --- the nightly proposals ---

def _held() -> tuple[set[int], set[int]]:
    rows = db.session.execute(select(LegalHold.household_id, LegalHold.enquiry_id)
                              .where(LegalHold.lifted_at.is_(None))).all()
    return ({h for h, _ in rows if h is not None}, {e for _, e in rows if e is not None})


def due_records(today: date, settings) -> dict[tuple[str, int], tuple[str, Retention]]:
    """Every record past its date and not held: {(kind, id): (reference, retention)}."""
    held_households, held_enquiries = _held()
    due = {}
    candidates = db.session.scalars(select(Household).where(
        Household.erased_at.is_(None),
        Household.stage.in_([rules.APPROVED, rules.WITHDRAWN, rules.CLOSED_BEFORE_APPLICATION,
                             *rules.REFUSED])))
    for household in candidates:
        if household.id in held_households:
            continue
        retention = household_retention(household, settings)
        if retention.kind in DUE_CLASSES and rules.is_due(retention, today):
            due[("household", household.id)] = (household.reference, retention)
    # Enquiries that never became a case, old enough for the shortest period.
    months = int(settings.get("enquiry_retention_months", rules.ENQUIRY_MONTHS_DEFAULT))
    # Generous by a few days: the exact date is worked out for each below.
    oldest = rules.add_months(today, -months) + timedelta(days=5)
    has_case = select(Household.enquiry_id).where(Household.enquiry_id.is_not(None))
    enquiries = db.session.scalars(select(Enquiry).where(
        Enquiry.erased_at.is_(None), Enquiry.id.not_in(has_case),
        Enquiry.received_at < london_midnight(oldest)))
    for enquiry in enquiries:
        if enquiry.id in held_enquiries:
            continue
        retention = enquiry_retention(enquiry, False, settings)
        if rules.is_due(retention, today):
            due[("enquiry", enquiry.id)] = (enquiry.reference, retention)
    return due


def london_midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=LONDON)


def propose_due(today: date, settings) -> dict[str, int]:
    """The nightly run: add a proposal for each record past its date, refresh the others,
    and drop those no longer due (held, or their facts changed). Running it twice changes
    nothing the second time."""
    due = due_records(today, settings)
    now = utcnow()
    added = updated = dropped = 0
    existing = db.session.scalars(select(RetentionProposal)).all()
    seen = set()
    for proposal in existing:
        key = (proposal.kind, proposal.household_id or proposal.enquiry_id)
        if key not in due:
            db.session.delete(proposal)
            dropped += 1
            continue
        seen.add(key)
        reference, retention = due[key]
        proposal.retention_class = retention.kind.value
        proposal.due_on = retention.due_on
        proposal.why = retention.why
        proposal.checked_at = now
        updated += 1
    for key, (reference, retention) in due.items():
        if key in seen:
            continue
        kind, record_id = key
        db.session.add(RetentionProposal(
            household_id=record_id if kind == "household" else None,
            enquiry_id=record_id if kind == "enquiry" else None, reference=reference,
            retention_class=retention.kind.value, due_on=retention.due_on, why=retention.why,
            proposed_at=now, checked_at=now))
        added += 1
    if added or dropped:
        audit("propose", "retention", None, {"added": added, "dropped": dropped})
    db.session.commit()
    return {"added": added, "kept": updated, "dropped": dropped}
