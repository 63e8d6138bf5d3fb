"""What an applicant changes from their own pages. Each function is one transaction: the
change, the case's timeline, the tasks for the allocated workers, the audit entry and any
email are written together or not at all. The applicant is the actor: no staff account is
named (``user`` None), and the timeline says the household did it."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date

from flask import current_app, url_for
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from carers.applicants.models import Applicant
from carers.audit.operations import record as audit
from carers.cases.models import CaseEvent, Household, HouseholdMember
from carers.cases.operations import CaseChanged, add_task, commit_changes, move
from carers.checks.models import Address
from carers.checks.operations import sync_required_checks
from carers.clocks.workdays import add_working_days, fmt_day
from carers.core.changes import Refusal
from carers.core.dates import london, today, utcnow
from carers.extensions import db
from carers.notifications.operations import queue_email
from carers.pipeline import (
    PRE_APPLICATION_STAGES,
    Action,
    Stage,
    TransitionFacts,
    TransitionRefused,
)
from carers.portal import words
from carers.portal.queries import (
    APPLICANT_EVENT,
    REARRANGE,
    current_addresses,
    is_upcoming,
)
from carers.settings.registry import agency_settings
from carers.visits.models import Visit
from carers.visits.rules import KINDS, format_when

__all__ = [
    "ApplicationEnded",
    "CannotWithdraw",
    "EmailTaken",
    "VisitGone",
    "ask_to_rearrange",
    "report_moving_house",
    "report_moving_in",
    "report_moving_out",
    "update_contact_details",
    "withdraw",
]


class ApplicationEnded(Refusal):
    message = ("Your application has ended, so nothing can be changed here. Call or email "
               "the fostering team if you need to tell us something.")


class VisitGone(Refusal):
    message = ("This visit can no longer be rearranged: it has been cancelled, rearranged "
               "already or has taken place. Your upcoming visits are on your progress page.")


class EmailTaken(Refusal):
    message = ("Another account already uses this email address. Enter a different email "
               "address, or call the fostering team.")


class CannotWithdraw(Refusal):
    """The pipeline will not close the case now (it has just changed, say)."""

    message = ("Your application could not be withdrawn just now. Try again, or call the "
               "fostering team.")


class ApplicantCaseChanged(Refusal):
    message = ("Your case was updated by the team while you were on this page. Check the "
               "details and try again.")


@contextmanager
def _change():
    """One change: rolled back on any refusal or error, committed at the end (a case row
    changed by someone else meanwhile is refused, never overwritten)."""
    try:
        yield
        commit_changes()
    except CaseChanged:
        db.session.rollback()
        raise ApplicantCaseChanged() from None
    except BaseException:
        db.session.rollback()
        raise


def _open(household: Household) -> None:
    if Stage(household.stage).is_closed:
        raise ApplicationEnded()


def _event(household: Household, summary: str, body: str | None = None,
           **details) -> CaseEvent:
    event = CaseEvent(household_id=household.id, user_id=None, kind=APPLICANT_EVENT,
                      summary=summary[:500], body=body, happened_on=today(),
                      details=details or None)
    db.session.add(event)
    return event


def _task_due() -> date:
    days = int(agency_settings().get("applicant_request_working_days") or 2)
    return add_working_days(today(), days)


def _tasks_for_workers(household: Household, title: str, fallback=()) -> int:
    """A task for each allocated worker (or, with none, the visit's workers)."""
    owners = list(household.workers) or list(fallback)
    due = _task_due()
    for owner in owners:
        add_task(household, None, title, owner, due, commit=False)
    return len(owners)


def _touch(household: Household) -> None:
    # Raises the case's version: a caseworker's form opened before this change is refused.
    household.updated_at = utcnow()


# --- visits ---

def ask_to_rearrange(applicant: Applicant, visit: Visit, reason: str,
                     preferred_times: str) -> CaseEvent:
    """The household asks for a visit to be moved: their workers get a task, the case's
    timeline says so, and the applicant's progress page shows the day they asked."""
    with _change():
        household = visit.household
        _open(household)
        if not is_upcoming(visit):
            raise VisitGone()
        kind = KINDS.get(visit.kind, "Visit").lower()
        when = format_when(visit.starts_at_utc, visit.duration_minutes)
        event = _event(household, f"{applicant.name} asked to rearrange the {kind} on {when}",
                       f"Why: {reason}\nTimes that suit: {preferred_times}",
                       request=REARRANGE, visit_id=visit.id, applicant_id=applicant.id)
        day = fmt_day(london(visit.starts_at).date())
        _tasks_for_workers(household, f"Rearrange the {kind} on {day}: {applicant.name} asked",
                           visit.workers)
        audit("create", "visit_rearrange_request", visit.id,
              {"household": household.id, "applicant": applicant.id})
    return event


# --- withdrawing ---

def withdraw(applicant: Applicant, code: str, details: str | None) -> Stage:
    """The household withdraws. After an application this is an Ofsted withdrawal with its AW
    code; before one the case closes "before application" (the pipeline allows only that
    there). The allocated workers are emailed, with nothing but the case reference."""
    if code not in words.WITHDRAWAL_CHOICES:
        raise CannotWithdraw("Select why you are withdrawing.")
    with _change():
        household = db.session.get(Household, applicant.household_id)
        _open(household)
        before_application = Stage(household.stage) in PRE_APPLICATION_STAGES
        action = Action.CLOSE_BEFORE_APPLICATION if before_application else Action.WITHDRAW
        reason = f"Withdrawn by the applicant, {applicant.name}: {words.withdrawal_label(code)}."
        if details:
            reason += f" In their words: {details}"
        on = today()
        facts = TransitionFacts(by="the applicant", on=on, today=on, reason=reason, at=utcnow(),
                                withdrawal_code=None if before_application else code)
        try:
            record = move(household, action, facts, None, household.version, commit=False)
        except TransitionRefused as refused:
            raise CannotWithdraw() from refused
        _tell_workers(household, before_application)
        audit("update", "household", household.id,
              {"withdrawn_by_applicant": applicant.id, "withdrawal_code": code,
               "action": str(action)})
    return record.to_stage


def _tell_workers(household: Household, before_application: bool) -> None:
    settings = agency_settings()
    base = current_app.config.get("PUBLIC_BASE_URL") or ""
    link = base.rstrip("/") + url_for("cases.case", reference=household.reference)
    addresses = [w.email for w in household.workers if w.email]
    if not addresses:  # nobody allocated: the team's own inbox
        team = household.team
        addresses = [(team.email if team is not None and team.email else None)
                     or str(settings.get("team_email") or "")]
    for address in dict.fromkeys(a for a in addresses if a):
        queue_email(address, "applicant_withdrew",
                    f"applicant-withdrew:{household.id}:{address.lower()}"[:200],
                    reference=household.reference, link=link, settings=settings,
                    before_application=before_application)


# --- their details ---

def update_contact_details(applicant: Applicant, email: str, phone: str) -> None:
    """The applicant's own email and phone; the household's contact too, if it was theirs
    (or had none)."""
    email = email.strip().lower()
    try:
        _save_contact_details(applicant, email, phone)
    except IntegrityError:  # the same address saved by another account at the same moment
        raise EmailTaken() from None


def _save_contact_details(applicant: Applicant, email: str, phone: str) -> None:
    with _change():
        person = db.session.get(Applicant, applicant.id)
        household = db.session.get(Household, person.household_id)
        _open(household)
        taken = db.session.scalar(select(Applicant.id).where(
            func.lower(Applicant.email) == email, Applicant.id != person.id))
        if taken is not None:
            raise EmailTaken()
        old_email, old_phone = person.email, person.phone
        changed = sorted(name for name, old, new in (("email", old_email, email),
                                                     ("phone", old_phone, phone))
                         if (old or "") != new)
        if not changed:
            return
        person.email, person.phone = email, phone
        if person.is_joint_applicant:
            if not household.email or household.email.lower() == (old_email or "").lower():
                household.email = email
            if not household.phone or household.phone == old_phone:
                household.phone = phone
        _touch(household)
        _event(household, f"{person.name} changed their contact details "
                          f"({' and '.join(changed)})", applicant_id=person.id)
        audit("update", "applicant", person.id, {"changed": changed})


def report_moving_in(applicant: Applicant, name: str, relationship: str, date_of_birth: date,
                     moved_on: date) -> HouseholdMember:
    """Someone aged 18 or over moves in: they join the case, their checks are required (an
    enhanced DBS among them) and the workers get a task."""
    with _change():
        household = db.session.get(Household, applicant.household_id)
        _open(household)
        position = max((m.position for m in household.members), default=-1) + 1
        member = HouseholdMember(position=position, name=name,
                                 relationship_to_applicant=relationship[:40],
                                 date_of_birth=date_of_birth, is_applicant=False,
                                 lives_in_household=True)
        household.members.append(member)
        db.session.flush()
        _touch(household)
        _event(household, f"{applicant.name} told us {name} is moving in on "
                          f"{fmt_day(moved_on)}",
               f"{name}, {relationship}, born {fmt_day(date_of_birth)}.",
               change="moving_in", member_id=member.id, applicant_id=applicant.id)
        _tasks_for_workers(household, f"Household change: {name} moving in on "
                                      f"{fmt_day(moved_on)}. Check the new adult's details "
                                      "and request their DBS")
        audit("create", "household_member", member.id,
              {"household": household.id, "told_by_applicant": applicant.id})
        sync_required_checks(household)
    return member


def report_moving_out(applicant: Applicant, member: HouseholdMember, moved_on: date) -> None:
    """Someone moves out: the workers check and update the case (their checks may stop
    being needed, or an ex-partner's reference start to be)."""
    with _change():
        household = db.session.get(Household, applicant.household_id)
        _open(household)
        if member.household_id != household.id:
            raise Refusal("Select who is moving out.")
        _event(household, f"{applicant.name} told us {member.name} is moving out on "
                          f"{fmt_day(moved_on)}",
               change="moving_out", member_id=member.id, applicant_id=applicant.id)
        _tasks_for_workers(household, f"Household change: {member.name} moving out on "
                                      f"{fmt_day(moved_on)}. Update the case")
        audit("update", "household_member", member.id,
              {"moving_out_told_by_applicant": applicant.id, "on": moved_on.isoformat()})


def report_moving_house(applicant: Applicant, fields: dict, moved_on: date) -> Address:
    """The household moves: the new address becomes the current one (the old one ends that
    day), the case's contact address changes, the checks follow the new area, and the
    workers get a task."""
    with _change():
        household = db.session.get(Household, applicant.household_id)
        _open(household)
        for old in current_addresses(household):
            if old.lived_from is None or old.lived_from < moved_on:
                old.lived_to = moved_on
        address = Address(household_id=household.id, line_1=fields["line_1"],
                          line_2=fields.get("line_2") or None, town=fields["town"],
                          postcode=fields["postcode"],
                          local_authority=fields.get("local_authority") or "",
                          lived_from=moved_on)
        db.session.add(address)
        db.session.flush()
        household.address = address.one_line[:400]
        household.postcode = address.postcode
        _touch(household)
        _event(household, f"{applicant.name} told us the household is moving on "
                          f"{fmt_day(moved_on)}", address.one_line,
               change="moving_house", address_id=address.id, applicant_id=applicant.id)
        _tasks_for_workers(household, f"Household change: moving house on "
                                      f"{fmt_day(moved_on)}. Check the new address and "
                                      "its council area")
        audit("create", "address", address.id,
              {"household": household.id, "told_by_applicant": applicant.id})
        sync_required_checks(household)
    return address
