"""State changes on the checks ledger. Each public function is one transaction and commits it
(rolled back when it refuses, with one of the refusals below or the case's ``CaseChanged``),
except ``sync_required_checks``, ``add_referee`` and ``request_reference``, which work inside
the caller's transaction (a submitted application feeds them all at once).

Whenever the household changes (people, addresses, referees, pets, previous fostering) the
required checks are synced: missing ones are added, ones no longer needed are marked so, and
nothing received is ever deleted. When the last Stage 1 item arrives the case's
``stage1_last_item_on`` is set, which starts the Stage 1 decision clock.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, date, datetime, timedelta

from flask import current_app
from sqlalchemy import exists, select, update
from sqlalchemy.orm import aliased

from carers.audit.operations import record as audit
from carers.cases.models import Household, HouseholdDetails, HouseholdMember
from carers.cases.operations import CaseChanged, _commit, _event, _touch
from carers.checks import rules
from carers.checks.ledger import Ledger, case_ledger
from carers.checks.models import (
    Address,
    Check,
    CheckDocument,
    Referee,
    ReferenceResponse,
)
from carers.checks.queries import renewal_of
from carers.clocks.statutory import clock_setting
from carers.clocks.workdays import add_working_days, fmt_day
from carers.core.changes import Refusal
from carers.core.database import transaction
from carers.core.dates import format_date, london, today, utcnow
from carers.corrections.operations import keep_history
from carers.extensions import db
from carers.notifications.operations import queue_email
from carers.pipeline import CLOSED_STAGES, Pathway, Stage
from carers.settings.registry import agency_settings

__all__ = [
    "CannotInvite",
    "CaseChanged",
    "DateOfBirthNeeded",
    "PlaceholderClosed",
    "ReferenceClosed",
    "add_document",
    "add_referee",
    "find_referee",
    "invite_referee",
    "link_problem",
    "record_check",
    "record_interview",
    "refresh_all_checks",
    "refresh_checks",
    "remove_address",
    "request_reference",
    "save_address",
    "save_details",
    "save_person",
    "save_referee",
    "send_reference_reminders",
    "start_renewal",
    "submit_reference",
    "sync_required_checks",
    "warn_expiring_checks",
    "withdraw_referee",
]

CHECKS_EVENT = "checks"
REFERENCE_PATH = "/reference/"


class PlaceholderClosed(Refusal):
    """A referee slot that a named referee has replaced: nothing can be recorded on it."""

    message = ("This referee slot is no longer needed: a referee has been named in its place. "
               "Record the reference on the named referee's check.")


class DateOfBirthNeeded(Refusal):
    """A DBS check for someone whose date of birth the case does not hold."""


class ReferenceClosed(Refusal):
    """The referee's link cannot be used: ``reason`` is unknown, used, expired or withdrawn."""

    message = "This reference link can no longer be used."

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason


class CannotInvite(Refusal):
    """The referee cannot be sent a link: no email address, or their reference is in."""


# --- keeping the required checks in step with the household ---

def _derive(row: Check, closed: bool = False) -> None:
    """Keep the derived columns the team list filters on; a closed case needs nothing."""
    state = row.state()
    row.done_on = rules.done_on(state)
    row.attention_on = None if row.superseded or closed else rules.attention_on(
        state, row.created_on)


def sync_required_checks(household: Household, user=None, on: date | None = None,
                         settings=None) -> Ledger:
    """Bring the stored checks in line with what the household needs now, in the caller's
    transaction. Adds missing checks, marks ones no longer needed (keeping their evidence)
    and restarts or stops the Stage 1 clock. Returns the ledger as it now stands."""
    on = on or today()
    settings = settings or agency_settings()
    db.session.flush()
    ledger = case_ledger(household, on, settings)
    closed = Stage(household.stage) in CLOSED_STAGES
    added = False
    for entry in ledger.entries:
        required, row = entry.required, entry.row
        if row is None:
            assert required is not None
            row = Check(household_id=household.id, key=required.key, created_on=on)
            db.session.add(row)
            entry.row = row
            added = True
        if required is None:
            row.required = False
        else:
            row.required = True
            row.kind = required.kind.value
            row.subject = required.subject[:300]
            row.stage1, row.reg24 = required.stage1, required.reg24
            row.required_from = required.required_from
            row.renewal_years = required.renewal_years
            row.member_id = required.person_id
            row.referee_id = required.referee_id
        _derive(row, closed)
    _stage1_clock(household, ledger, user, settings)
    if added:
        # Raising the case version makes a second, simultaneous sync fail rather than add the
        # same checks twice.
        _touch(household, None)
    return ledger


def _stage1_clock(household: Household, ledger: Ledger, user, settings) -> None:
    """Set (or clear) the date the last Stage 1 item arrived, until the Stage 1 decision."""
    if household.pathway != Pathway.MAINSTREAM.value or household.stage1_completed_on:
        return
    stage = Stage(household.stage)
    if stage in CLOSED_STAGES or stage is Stage.APPROVED:
        return
    last = ledger.last_stage1_received_on
    if last == household.stage1_last_item_on:
        return
    household.stage1_last_item_on = last
    _touch(household, None)
    if last is not None:
        n = clock_setting(settings, "stage1_notice_working_days")
        _event(household, user, CHECKS_EVENT,
               f"All Stage 1 items received, the last on {fmt_day(last)}: the Stage 1 decision "
               f"is due by {fmt_day(add_working_days(last, n))}", on=last)
    else:
        waiting = ", ".join(ledger.stage1_outstanding)
        _event(household, user, CHECKS_EVENT,
               f"Stage 1 items are outstanding again: {waiting}"[:500])


def refresh_checks(household: Household, user=None) -> bool:
    """Sync a case's checks if the rules' answer has changed since they were stored (a child
    nearing 18, an address now more than 10 years ago). Returns True if anything changed."""
    settings = agency_settings()
    ledger = case_ledger(household, today(), settings)
    clock_stale = (household.pathway == Pathway.MAINSTREAM.value
                   and not household.stage1_completed_on
                   and Stage(household.stage) not in CLOSED_STAGES
                   and household.stage != Stage.APPROVED.value
                   and ledger.last_stage1_received_on != household.stage1_last_item_on)
    if not ledger.needs_sync and not clock_stale:
        return False
    sync_required_checks(household, user, settings=settings)
    try:
        _commit()
    except CaseChanged:
        return False  # someone else changed the case at the same moment: theirs stands
    return True


def refresh_all_checks(batch: int = 500) -> int:
    """For the scheduler: sync every open case. One transaction per batch."""
    closed = [s.value for s in CLOSED_STAGES]
    changed, last_id = 0, 0
    while True:
        households = list(db.session.scalars(
            select(Household).where(Household.id > last_id, Household.stage.not_in(closed))
            .order_by(Household.id).limit(batch)))
        if not households:
            return changed
        for household in households:
            if refresh_checks(household):
                changed += 1
        last_id = households[-1].id
        db.session.expunge_all()


def _row_for(household: Household, key: str, user=None) -> Check:
    ledger = sync_required_checks(household, user)
    for entry in ledger.entries:
        if entry.state.key == key and entry.row is not None:
            return entry.row
    raise LookupError(key)


# --- recording checks ---

def record_check(check: Check, user, *, requested_on, requested_from, received_on, outcome,
                 verified: bool, expires_on, notes, dbs: dict | None = None) -> None:
    """Record where a check stands. ``dbs``, for an enhanced DBS check: the certificate's
    ``certificate_number``, ``issued_on``, ``update_service`` and ``update_checked_on``, all
    needed once it is received (None leaves them as they are). A DBS check is never
    recorded for someone whose date of birth the case does not hold."""
    with transaction():
        household = check.household
        if rules.superseded_placeholder(check.state()):
            raise PlaceholderClosed
        if check.kind == rules.CheckKind.DBS.value:
            member = check.member
            problem = rules.dbs_date_of_birth_needed(
                member.name if member else check.subject,
                member.date_of_birth if member else None,
                requested_on=requested_on, received_on=received_on)
            if problem:
                raise DateOfBirthNeeded(problem)
            if dbs is not None:  # else the certificate's details stay as they are
                _record_dbs(check, dbs, requested_on, received_on)
        newly_received = received_on is not None and check.received_on is None
        before = {name: getattr(check, name) for name in (
            "requested_on", "requested_from", "received_on", "outcome", "expires_on", "notes")}
        check.requested_on = requested_on
        check.requested_from = requested_from or None
        check.received_on = received_on
        check.outcome = outcome or None
        if received_on is None:
            expires_on = None
        elif expires_on is None:
            expires_on = rules.expiry_for(received_on, check.renewal_years)
        if expires_on != check.expires_on:
            check.expiry_warning_sent_at = None
        check.expires_on = expires_on
        check.notes = notes or None
        if verified and check.verified_by_id is None:
            check.verified_by_id, check.verified_on = user.id, today()
        elif not verified:
            check.verified_by_id, check.verified_on = None, None
        check.updated_at = utcnow()
        if received_on is not None and check.renewal_of_id:
            renewed = db.session.get(Check, check.renewal_of_id)
            if renewed is not None and not renewed.superseded:
                renewed.superseded = True
                renewed.attention_on = None
        if newly_received:
            _event(household, user, CHECKS_EVENT, f"Received: {check.label}", on=received_on)
        changed = sorted(k for k, v in before.items() if getattr(check, k) != v)
        audit("update", "household_check", check.id, {"changed": changed, "kind": check.kind},
              user=user)
        sync_required_checks(household, user)
        _commit()


def _record_dbs(check: Check, dbs: dict, requested_on, received_on) -> None:
    number = rules.normalise_dbs_certificate_number(dbs.get("certificate_number"))
    problem = (rules.dbs_certificate_number_problem(number)
               or rules.dbs_issue_date_problem(dbs.get("issued_on"), requested_on, today()))
    missing = rules.dbs_details_problems(
        received_on=received_on, certificate_number=number, issued_on=dbs.get("issued_on"),
        update_service=dbs.get("update_service"))
    if problem or missing:
        raise Refusal(problem or next(iter(missing.values())))
    check.dbs_certificate_number = number or None
    check.dbs_issued_on = dbs.get("issued_on")
    check.dbs_update_service = dbs.get("update_service")
    check.dbs_update_checked_on = (dbs.get("update_checked_on")
                                   if dbs.get("update_service") else None)


def start_renewal(check: Check, user) -> Check:
    """A new row for the same check; the old one stands until the renewal is received."""
    with transaction():
        existing = renewal_of(check)
        if existing is not None:
            return existing
        renewal = Check(
            household_id=check.household_id, member_id=check.member_id,
            referee_id=check.referee_id, key=check.key, kind=check.kind, subject=check.subject,
            required=True, stage1=check.stage1, reg24=check.reg24,
            renewal_years=check.renewal_years, renewal_of_id=check.id, created_on=today())
        db.session.add(renewal)
        _derive(renewal)
        _event(check.household, user, CHECKS_EVENT, f"Renewal started: {check.label}")
        audit("create", "household_check", None, {"renewal_of": check.id}, user=user)
        _commit()
        return renewal


def add_document(check: Check, user, file_name: str, content_type: str, data: bytes,
                 ) -> CheckDocument:
    with transaction():
        document = CheckDocument(
            check_id=check.id, file_name=file_name[:255], content_type=content_type,
            size=len(data), sha256=hashlib.sha256(data).hexdigest(), content=data,
            uploaded_by_id=user.id)
        db.session.add(document)
        db.session.flush()
        audit("create", "check_document", document.id,
              {"check": check.id, "size": len(data), "type": content_type}, user=user)
        return document


# --- the household: people, addresses, details ---

# A person's details whose earlier value stays in their history when replaced.
IDENTITY_FIELDS = ("name", "date_of_birth")


def save_person(household: Household, user, member: HouseholdMember | None, fields: dict,
                seen_version: int | None) -> HouseholdMember:
    with transaction():
        _touch(household, seen_version)
        if member is None:
            position = max((m.position for m in household.members), default=-1) + 1
            member = HouseholdMember(position=position, **fields)
            household.members.append(member)
            db.session.flush()
            _event(household, user, CHECKS_EVENT, f"{member.name} added to the case")
            audit("create", "household_member", member.id, {"household": household.id}, user=user)
        else:
            changed = sorted(k for k, v in fields.items() if getattr(member, k) != v)
            # A name or date of birth replaced here is kept in the person's history too, as
            # a correction with its reason is.
            keep_history(member, "household_member",
                         {k: fields[k] for k in IDENTITY_FIELDS if k in fields},
                         "Changed on the person's details page", user,
                         household_id=household.id, only_replacing=True)
            for name, value in fields.items():
                setattr(member, name, value)
            _event(household, user, CHECKS_EVENT, f"Details of {member.name} changed")
            audit("update", "household_member", member.id, {"changed": changed}, user=user)
        sync_required_checks(household, user)
        _commit()
        return member


def save_address(household: Household, user, address: Address | None, fields: dict,
                 seen_version: int | None) -> Address:
    with transaction():
        _touch(household, seen_version)
        if address is None:
            address = Address(household_id=household.id, **fields)
            db.session.add(address)
            db.session.flush()
            audit("create", "address", address.id, {"household": household.id}, user=user)
        else:
            changed = sorted(k for k, v in fields.items() if getattr(address, k) != v)
            for name, value in fields.items():
                setattr(address, name, value)
            audit("update", "address", address.id, {"household": household.id,
                                                     "changed": changed}, user=user)
        sync_required_checks(household, user)
        _commit()
        return address


def remove_address(household: Household, user, address: Address,
                   seen_version: int | None) -> None:
    """An address entered by mistake. Its area's check, if already started, is kept."""
    with transaction():
        _touch(household, seen_version)
        db.session.delete(address)
        audit("delete", "address", address.id, {"household": household.id}, user=user)
        sync_required_checks(household, user)
        _commit()


def save_details(household: Household, user, fields: dict, seen_version: int | None) -> None:
    with transaction():
        _touch(household, seen_version)
        details = db.session.get(HouseholdDetails, household.id)
        if details is None:
            details = HouseholdDetails(household_id=household.id)
            db.session.add(details)
        changed = sorted(k for k, v in fields.items() if getattr(details, k, None) != v)
        for name, value in fields.items():
            setattr(details, name, value)
        details.updated_at = utcnow()
        audit("update", "household_details", household.id, {"changed": changed}, user=user)
        sync_required_checks(household, user)
        _commit()


# --- referees ---

def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def reference_link(token: str) -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + REFERENCE_PATH + token


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:  # SQLite gives back naive UTC
        return value.replace(tzinfo=UTC)
    return value


def save_referee(household: Household, user, referee: Referee | None, fields: dict,
                 seen_version: int | None) -> Referee:
    with transaction():
        _touch(household, seen_version)
        referee = add_referee(household, user, referee, fields)
        _commit()
        return referee


def add_referee(household: Household, user, referee: Referee | None, fields: dict) -> Referee:
    """``save_referee`` in the caller's transaction (an application feeding several referees
    at once): add or change the referee and sync the checks; the caller commits. ``user``
    None: not a member of staff (the applicants named them)."""
    if referee is None:
        referee = Referee(household_id=household.id, **fields)
        db.session.add(referee)
        db.session.flush()
        _event(household, user, CHECKS_EVENT, f"Personal referee added: {referee.name}")
        audit("create", "referee", referee.id, {"household": household.id}, user=user)
    else:
        for name, value in fields.items():
            setattr(referee, name, value)
        audit("update", "referee", referee.id, {"household": household.id}, user=user)
    sync_required_checks(household, user)
    return referee


def withdraw_referee(referee: Referee, user, seen_version: int | None,
                     reason: str | None = None) -> None:
    """No longer used as a referee (declined, replaced, not pursued): their link stops
    working; anything received is kept, and ``reason`` says why the reference was not taken
    up (the report prints it)."""
    with transaction():
        household = referee.household
        _touch(household, seen_version)
        referee.withdrawn_on = today()
        referee.withdrawn_reason = (reason or "").strip() or None
        why = f": {referee.withdrawn_reason}" if referee.withdrawn_reason else ""
        _event(household, user, CHECKS_EVENT,
               f"{referee.name} is no longer a referee{why}"[:500])
        audit("update", "referee", referee.id, {"withdrawn": True}, user=user)
        sync_required_checks(household, user)
        _commit()


def invite_referee(referee: Referee, user, now: datetime | None = None) -> str:
    """Email the referee a single-use link to the reference form. Returns the token (only
    its hash is stored). A new invitation replaces any earlier link."""
    with transaction():
        token = request_reference(referee, user, now)
        _commit()
        return token


def request_reference(referee: Referee, user, now: datetime | None = None) -> str:
    """``invite_referee`` in the caller's transaction: the link's email is queued in the
    outbox with the rest of the caller's changes, or not at all. Raises CannotInvite."""
    now = now or utcnow()
    if not referee.email:
        raise CannotInvite("Add the referee's email address first")
    if referee.token_used_at is not None:
        raise CannotInvite(f"{referee.name} has already sent their reference")
    settings = agency_settings()
    household = referee.household
    token = secrets.token_urlsafe(32)
    referee.token_hash = token_hash(token)
    referee.previous_token_hash = None
    referee.invited_at = now
    referee.token_expires_at = now + timedelta(
        days=rules.check_setting(settings, "reference_link_days"))
    referee.reminder_sent_at = None
    row = _row_for(household, f"reference:r{referee.id}", user)
    row.requested_on = london(now).date()
    row.requested_from = referee.email
    _derive(row)
    queue_email(referee.email, "reference_request",
                f"reference-request:{referee.id}:{referee.token_hash[:16]}",
                referee=referee, applicant=household.name, joint=household.joint_application,
                link=reference_link(token),
                expires=format_date(referee.token_expires_at), settings=settings)
    _event(household, user, CHECKS_EVENT, f"Reference request emailed to {referee.name}")
    audit("update", "referee", referee.id, {"invited": True}, user=user)
    return token


def record_interview(referee: Referee, user, interviewed_on: date, notes: str) -> None:
    with transaction():
        household = referee.household
        referee.interviewed_on = interviewed_on
        referee.interview_notes = notes
        referee.interviewed_by_id = user.id
        _event(household, user, CHECKS_EVENT, f"Interview with referee {referee.name} recorded",
               on=interviewed_on)
        audit("update", "referee", referee.id, {"interview": True}, user=user)
        sync_required_checks(household, user)
        _commit()


def find_referee(token: str) -> Referee | None:
    if not token or len(token) > 100:
        return None
    digest = token_hash(token)
    return db.session.scalar(select(Referee).where(
        (Referee.token_hash == digest) | (Referee.previous_token_hash == digest)))


def link_problem(referee: Referee | None, now: datetime) -> str | None:
    """Why this referee's link cannot be used now, or None."""
    if referee is None:
        return "unknown"
    if referee.token_used_at is not None:
        return "used"
    if referee.withdrawn_on is not None:
        return "withdrawn"
    expires = _aware(referee.token_expires_at)
    if expires is None or expires <= now:
        return "expired"
    return None


def submit_reference(referee: Referee, answers: dict, now: datetime | None = None,
                     ) -> ReferenceResponse:
    """Keep the referee's answers and mark the reference received. The link is claimed with a
    conditional UPDATE, so of two submissions at once only one succeeds. If a caseworker
    changed the case at the same moment, the whole submission is tried again."""
    now = now or utcnow()
    for _ in range(2):
        try:
            return _submit_reference(referee, answers, now)
        except CaseChanged:
            continue  # rolled back, the link's claim included
    return _submit_reference(referee, answers, now)


def _submit_reference(referee: Referee, answers: dict, now: datetime) -> ReferenceResponse:
    claimed = db.session.execute(
        update(Referee)
        .where(Referee.id == referee.id, Referee.token_used_at.is_(None),
               Referee.withdrawn_on.is_(None), Referee.token_expires_at > now)
        .values(token_used_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        db.session.rollback()
        raise ReferenceClosed(link_problem(referee, now) or "used")
    db.session.expire(referee, ["token_used_at"])
    response = ReferenceResponse(referee_id=referee.id, submitted_at=now, **answers)
    db.session.add(response)
    household = referee.household
    received = london(now).date()
    row = _row_for(household, f"reference:r{referee.id}")
    row.received_on = received
    if row.requested_on is None and referee.invited_at is not None:
        row.requested_on = london(_aware(referee.invited_at)).date()
    row.updated_at = now
    _event(household, None, CHECKS_EVENT, f"Reference received online from {referee.name}",
           on=received)
    db.session.flush()
    audit("create", "reference_response", response.id, {"referee": referee.id})
    sync_required_checks(household)
    _commit()
    return response


def send_reference_reminders(now: datetime | None = None) -> int:
    """Remind each referee who has not replied within the settings period, once. Each row is
    claimed with a conditional UPDATE first, so two runs at once never remind twice. The
    reminder carries a fresh link; the first one keeps working until it expires."""
    now = now or utcnow()
    settings = agency_settings()
    cutoff = now - timedelta(days=rules.check_setting(settings, "reference_reminder_days"))
    due = (Referee.reminder_sent_at.is_(None), Referee.token_used_at.is_(None),
           Referee.withdrawn_on.is_(None), Referee.invited_at < cutoff,
           Referee.token_expires_at > now, Referee.token_hash.is_not(None))
    ids = list(db.session.scalars(select(Referee.id).where(*due).order_by(Referee.id)))
    db.session.commit()
    sent = 0
    for referee_id in ids:
        claimed = db.session.execute(
            update(Referee).where(Referee.id == referee_id, *due)
            .values(reminder_sent_at=now).execution_options(synchronize_session=False)
        ).rowcount
        if claimed != 1:
            db.session.rollback()
            continue
        referee = db.session.get(Referee, referee_id)
        db.session.refresh(referee)
        token = secrets.token_urlsafe(32)
        referee.previous_token_hash, referee.token_hash = referee.token_hash, token_hash(token)
        queue_email(referee.email, "reference_reminder", f"reference-reminder:{referee_id}",
                    referee=referee, applicant=referee.household.name,
                    joint=referee.household.joint_application, link=reference_link(token),
                    expires=format_date(_aware(referee.token_expires_at)), settings=settings)
        audit("update", "referee", referee_id, {"reminded": True})
        db.session.commit()
        sent += 1
    return sent


def warn_expiring_checks(now: datetime | None = None) -> int:
    """Tell the allocated workers (or the team) once about each finished check that expires
    within the warning period and has no renewal under way. Claimed like the reminders."""
    now = now or utcnow()
    settings = agency_settings()
    on = london(now).date()
    cutoff = on + timedelta(days=rules.check_setting(settings, "checks_expiring_warning_days"))
    renewal = aliased(Check)
    closed = [s.value for s in CLOSED_STAGES]
    due = (Check.required.is_(True), Check.superseded.is_(False), Check.done_on.is_not(None),
           Check.expires_on <= cutoff, Check.expiry_warning_sent_at.is_(None),
           ~exists().where(renewal.renewal_of_id == Check.id))
    ids = list(db.session.scalars(
        select(Check.id).join(Household, Household.id == Check.household_id)
        .where(*due, Household.stage.not_in(closed)).order_by(Check.id)))
    db.session.commit()
    warned = 0
    for check_id in ids:
        claimed = db.session.execute(
            update(Check).where(Check.id == check_id, Check.expiry_warning_sent_at.is_(None))
            .values(expiry_warning_sent_at=now).execution_options(synchronize_session=False)
        ).rowcount
        if claimed != 1:
            db.session.rollback()
            continue
        check = db.session.get(Check, check_id)
        db.session.refresh(check)
        household = check.household
        link = (current_app.config["PUBLIC_BASE_URL"].rstrip("/")
                + f"/staff/cases/{household.reference}/checks")
        addresses = [w.email for w in household.workers] or [
            current_app.config.get("TEAM_ALERT_EMAIL") or settings["team_email"]]
        for address in addresses:
            queue_email(address, "check_expiring",
                        f"check-expiring:{check_id}:{check.expires_on}:{address}",
                        check=check, household=household, link=link,
                        lapsed=check.expires_on < on, settings=settings)
        db.session.commit()
        warned += 1
    return warned

