"""State changes on visits. Each public function is one transaction and commits it: the
visit, the case timeline entry, the audit entry and every email (with its calendar
invitation) are written together or not at all.

``send_visit_reminders(now)`` is the reminder sweep the scheduler runs: each due visit is
claimed with a conditional UPDATE before its reminders are queued, so two sweeps running at
once, or one restarted after a crash, never remind twice."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from carers.audit.operations import record as audit
from carers.auth.models import User
from carers.cases.models import CaseEvent, Household
from carers.cases.operations import record_reg24_visit
from carers.core.changes import Changed, Refusal
from carers.core.dates import london, utcnow
from carers.extensions import db
from carers.notifications.operations import queue_email
from carers.settings.registry import agency_settings
from carers.visits import ics
from carers.visits.models import CalendarFeed, Visit, visit_worker
from carers.visits.queries import REG24_VISIT, reg24_visit_dates
from carers.visits.rules import (
    DEFAULT_REMINDER_HOURS,
    KINDS,
    PLACES,
    Clash,
    format_when,
    reminder_due,
)

__all__ = [
    "NoAddress",
    "VisitChanged",
    "VisitClashes",
    "VisitDetails",
    "VisitNotBooked",
    "book_visit",
    "calendar_file",
    "cancel_visit",
    "create_feed",
    "feed_owner",
    "find_clashes",
    "place_location",
    "rearrange_visit",
    "record_outcome",
    "revoke_feed",
    "send_visit_reminders",
]

VISIT_EVENT = "visit"
MAX_CLASHES = 20
FEED_PAST_DAYS = 90  # a calendar feed shows visits this far back, and up to a year ahead


class VisitChanged(Changed):
    """Someone else changed the visit after this form was opened (``version`` is its version
    now)."""

    message = ("This visit changed since you opened it, so nothing was saved. What you typed "
               "is kept below: check the latest details, then save again.")


class VisitNotBooked(Refusal):
    """The visit was cancelled or has taken place: it can no longer be changed so."""


class VisitClashes(Refusal):
    """A worker attending already has a visit at that time (found under the workers' lock,
    so a booking made a moment ago by someone else is seen)."""

    def __init__(self, clashes: list[Clash]):
        super().__init__(clashes[0].text if clashes else "clash")
        self.clashes = clashes


class NoAddress(ValueError):
    """A home visit to a household with no address on record."""


@dataclass
class VisitDetails:
    kind: str
    starts_at: datetime  # aware, any zone; stored in UTC
    duration_minutes: int
    place: str
    meeting_link: str | None = None
    workers: list = field(default_factory=list)
    members: list = field(default_factory=list)
    notes: str | None = None

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)


def _utc(dt: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes that were stored as UTC."""
    if dt is None:
        return None
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def reminder_hours(settings=None) -> int:
    settings = settings or agency_settings()
    value = settings.get("visit_reminder_hours", DEFAULT_REMINDER_HOURS)
    return value if isinstance(value, int) and value >= 0 else DEFAULT_REMINDER_HOURS


def place_location(household: Household, place: str, meeting_link: str | None,
                   settings=None) -> str:
    settings = settings or agency_settings()
    if place == "online":
        return (meeting_link or "").strip()
    if place == "office":
        return str(settings.get("office_address") or "The office")
    address = ", ".join(p for p in (household.address, household.postcode) if p)
    if not address:
        raise NoAddress("This household has no address on record. Add it, or choose the "
                        "office or an online meeting")
    return address


def find_clashes(starts_at: datetime, ends_at: datetime, workers,
                 exclude_visit_id: int | None = None) -> list[Clash]:
    """Active visits of any of ``workers`` that overlap the given time (at most 20)."""
    ids = [w.id for w in workers]
    if not ids:
        return []
    query = (
        select(Visit, visit_worker.c.user_id)
        .join(visit_worker, visit_worker.c.visit_id == Visit.id)
        .where(visit_worker.c.user_id.in_(ids), Visit.status.in_(Visit.ACTIVE),
               Visit.starts_at < ends_at, Visit.ends_at > starts_at)
        .order_by(Visit.starts_at).limit(MAX_CLASHES)
    )
    if exclude_visit_id is not None:
        query = query.where(Visit.id != exclude_visit_id)
    names = {w.id: w.name for w in workers}
    return [Clash(worker=names[user_id], kind=visit.kind, starts_at=_utc(visit.starts_at),
                  minutes=visit.duration_minutes, household=visit.household.name)
            for visit, user_id in db.session.execute(query)]


def _lock_workers(workers) -> None:
    """Serialise bookings for these workers until this transaction ends, so that the clash
    check that follows sees any booking committed a moment ago and two requests at the same
    moment cannot both book one worker into the same hour. PostgreSQL: the workers' rows
    locked FOR UPDATE (in id order, so two bookings never wait for each other). SQLite: a
    write to the same rows, the first statement of the transaction, takes the database's
    write lock (waiting for any other writer) before anything is read."""
    ids = sorted({w.id for w in workers})
    if not ids:
        return
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(User.id).where(User.id.in_(ids)).order_by(User.id)
                           .with_for_update())
    else:
        db.session.execute(update(User).where(User.id.in_(ids)).values(id=User.id)
                           .execution_options(synchronize_session=False))


def _check_clashes(details: VisitDetails, accept_clashes: bool,
                   exclude_visit_id: int | None = None) -> None:
    _lock_workers(details.workers)
    if accept_clashes:
        return
    clashes = find_clashes(details.starts_at, details.ends_at, details.workers,
                           exclude_visit_id)
    if clashes:
        db.session.rollback()
        raise VisitClashes(clashes)


def _attend(visit: Visit, blocks: bool) -> None:
    """Copy the visit's times to its workers' attendance rows (after a flush), and whether
    they block the workers' time. On PostgreSQL the database refuses a blocking row that
    overlaps another of the same worker: that is a clash too."""
    try:
        with db.session.begin_nested():
            db.session.execute(
                update(visit_worker).where(visit_worker.c.visit_id == visit.id)
                .values(starts_at=visit.starts_at, ends_at=visit.ends_at,
                        blocks=blocks and visit.is_active))
    except IntegrityError:
        starts_at, ends_at = _utc(visit.starts_at), _utc(visit.ends_at)
        workers, visit_id = list(visit.workers), visit.id
        db.session.rollback()
        raise VisitClashes(find_clashes(starts_at, ends_at, workers, visit_id)) from None


# --- messages ---

def _organizer(settings) -> tuple[str, str]:
    return current_app.config["MAIL_DEFAULT_SENDER"], str(settings.get("agency_name") or "")


def _attendees(visit: Visit) -> list[tuple[str, str | None]]:
    people = [(w.email, w.name) for w in visit.workers if w.email]
    if visit.household.email:
        people.append((visit.household.email, visit.household.name))
    return people


def calendar_file(visit: Visit) -> str:
    """The visit as an .ics file to download (its UID, so it updates the same event)."""
    return ics.single(visit, _organizer(agency_settings()), _attendees(visit))


def _context(visit: Visit, settings, **extra) -> dict:
    return dict(visit=visit, settings=settings, kind=KINDS.get(visit.kind, "Visit"),
                when=format_when(_utc(visit.starts_at), visit.duration_minutes),
                place_label=PLACES.get(visit.place, ""), **extra)


def _tell(visit: Visit, template: str, method: str, settings, *, workers=None,
          household: bool = True, key: str | None = None, **extra) -> int:
    """Queue ``template`` to the household (if it has an email address) and to ``workers``
    (default: those attending), each with the calendar file. Returns the number queued."""
    organizer = _organizer(settings)
    content = ics.invitation(visit, method, organizer, _attendees(visit))
    files = [ics.attachment(content, method,
                            "cancel.ics" if method == ics.CANCEL else "invite.ics")]
    recipients = []
    if household and visit.household.email:
        recipients.append((visit.household.email, visit.household.name, True))
    for worker in visit.workers if workers is None else workers:
        if worker.email:
            recipients.append((worker.email, worker.name, False))
    key = key or f"visit:{visit.id}:{visit.ics_sequence}:{template}"
    seen = set()
    for address, name, is_household in recipients:
        if address.lower() in seen:
            continue
        seen.add(address.lower())
        queue_email(address, template, f"{key}:{address.lower()}"[:200], attachments=files,
                    **_context(visit, settings, recipient_name=name,
                               for_household=is_household, **extra))
    return len(seen)


def _event(visit: Visit, user, summary: str, body: str | None = None) -> None:
    db.session.add(CaseEvent(household_id=visit.household_id, user_id=user.id if user else None,
                             kind=VISIT_EVENT, summary=summary[:500], body=body,
                             happened_on=london(utcnow()).date()))


def _changed(visit: Visit) -> VisitChanged:
    """Nothing is saved, and the refusal carries the visit's version as it now stands."""
    db.session.rollback()
    db.session.refresh(visit)
    return VisitChanged(version=visit.version)


def _commit(visit: Visit) -> None:
    try:
        db.session.commit()
    except StaleDataError:
        raise _changed(visit) from None


def _check_version(visit: Visit, seen_version: int | None) -> None:
    if seen_version is not None and visit.version != seen_version:
        raise _changed(visit)


def _apply(visit: Visit, details: VisitDetails, settings) -> None:
    visit.kind = details.kind
    visit.starts_at = details.starts_at.astimezone(UTC)
    visit.ends_at = details.ends_at.astimezone(UTC)
    visit.duration_minutes = details.duration_minutes
    visit.place = details.place
    visit.location = place_location(visit.household, details.place, details.meeting_link,
                                    settings)
    visit.notes = details.notes or None
    visit.workers = list(details.workers)
    visit.members = list(details.members)
    visit.reminder_due_at = reminder_due(visit.starts_at, reminder_hours(settings))
    visit.reminder_sent_at = None
    visit.updated_at = utcnow()


# --- booking, rearranging, cancelling, writing up ---

def book_visit(household: Household, user, details: VisitDetails,
               accept_clashes: bool = False) -> Visit:
    """Book a visit. Raises VisitClashes when a worker attending is already booked at that
    time, unless the person booking has accepted the clash."""
    _check_clashes(details, accept_clashes)
    settings = agency_settings()
    visit = Visit(uid=f"{uuid.uuid4()}@carers", household=household,
                  household_id=household.id, status=Visit.BOOKED, ics_sequence=0,
                  created_by_id=user.id if user else None)
    _apply(visit, details, settings)
    db.session.add(visit)
    db.session.flush()
    _attend(visit, blocks=not accept_clashes)
    kind = KINDS.get(visit.kind, "Visit")
    _event(visit, user, f"{kind} booked for {format_when(visit.starts_at)}")
    audit("create", "visit", visit.id, {"household": household.reference, "kind": visit.kind,
                                        "starts_at": visit.starts_at.isoformat()}, user=user)
    _tell(visit, "visit_invitation", ics.REQUEST, settings)
    _commit(visit)
    return visit


def rearrange_visit(visit: Visit, user, details: VisitDetails,
                    seen_version: int | None = None, accept_clashes: bool = False) -> Visit:
    """A new time, place or attendees: the same UID with a higher SEQUENCE, so calendars
    move the event. Any reminder not yet sent is replaced by one for the new time. Raises
    VisitClashes as booking does."""
    _check_version(visit, seen_version)
    if not visit.is_active:
        db.session.rollback()
        raise VisitNotBooked("Only a booked visit can be rearranged")
    visit_id = visit.id
    _check_clashes(details, accept_clashes, visit_id)
    settings = agency_settings()
    before = format_when(_utc(visit.starts_at), visit.duration_minutes)
    removed = [w for w in visit.workers if w.id not in {n.id for n in details.workers}]
    _apply(visit, details, settings)
    visit.status = Visit.REARRANGED
    visit.ics_sequence += 1
    db.session.flush()
    _attend(visit, blocks=not accept_clashes)
    kind = KINDS.get(visit.kind, "Visit")
    _event(visit, user, f"{kind} rearranged to {format_when(visit.starts_at)}",
           f"Was {before}.")
    audit("update", "visit", visit.id, {"rearranged": True,
                                        "starts_at": visit.starts_at.isoformat()}, user=user)
    _tell(visit, "visit_rearranged", ics.REQUEST, settings, before=before)
    if removed:
        # Workers no longer attending get the cancellation for their own calendar.
        _tell(visit, "visit_cancelled", ics.CANCEL, settings, workers=removed,
              household=False, removed=True, reason="You are no longer attending this visit.")
    _commit(visit)
    return visit


def cancel_visit(visit: Visit, user, reason: str, seen_version: int | None = None) -> Visit:
    _check_version(visit, seen_version)
    if not visit.is_active:
        db.session.rollback()
        raise VisitNotBooked("Only a booked visit can be cancelled")
    settings = agency_settings()
    visit.status = Visit.CANCELLED
    visit.status_reason = reason
    visit.ics_sequence += 1
    visit.reminder_due_at = None
    visit.updated_at = utcnow()
    db.session.flush()
    _attend(visit, blocks=False)
    kind = KINDS.get(visit.kind, "Visit")
    _event(visit, user, f"{kind} on {format_when(_utc(visit.starts_at))} cancelled", reason)
    audit("update", "visit", visit.id, {"cancelled": True}, user=user)
    _tell(visit, "visit_cancelled", ics.CANCEL, settings, reason=reason, removed=False)
    _commit(visit)
    return visit


def record_outcome(visit: Visit, user, took_place: bool, write_up: str,
                   seen_version: int | None = None) -> Visit:
    """After the visit: whether it took place, and the worker's write-up."""
    _check_version(visit, seen_version)
    visit.status = Visit.TOOK_PLACE if took_place else Visit.DID_NOT_TAKE_PLACE
    visit.write_up = write_up
    visit.written_up_at = utcnow()
    visit.updated_at = utcnow()
    try:
        db.session.flush()
    except StaleDataError:
        raise _changed(visit) from None
    _attend(visit, blocks=False)
    if visit.kind == REG24_VISIT:
        # The case's visits clock counts from the latest visit that took place.
        dates = reg24_visit_dates(visit.household)
        record_reg24_visit(visit.household, dates[-1] if dates else None)
    kind = KINDS.get(visit.kind, "Visit")
    outcome = "took place" if took_place else "did not take place"
    _event(visit, user, f"{kind} on {format_when(_utc(visit.starts_at))} {outcome}",
           write_up)
    audit("update", "visit", visit.id, {"outcome": visit.status}, user=user)
    _commit(visit)
    return visit


# --- the reminder sweep ---

def initial_visits(household: Household) -> list[Visit]:
    """The case's initial home visits that are booked or took place, earliest first: the
    ones the "initial visit" stage can record."""
    return list(db.session.scalars(
        select(Visit).where(Visit.household_id == household.id,
                            Visit.kind == "initial_home_visit",
                            Visit.status.in_((*Visit.ACTIVE, Visit.TOOK_PLACE)))
        .order_by(Visit.starts_at, Visit.id)))


def visit_label(visit: Visit) -> str:
    """'Initial home visit, Monday 30 March 2026, 10:00am to 11:30am (took place)'."""
    status = {Visit.TOOK_PLACE: " (took place)", Visit.REARRANGED: " (rearranged)"}
    return (f"{KINDS.get(visit.kind, 'Visit')}, "
            f"{format_when(visit.starts_at_utc, visit.duration_minutes)}"
            f"{status.get(visit.status, '')}")


def initial_visit_options(household: Household) -> list[tuple[Visit, str]]:
    """The case's initial visits with their labels, for the "initial visit" stage's form
    (registered with ``carers.cases.hooks``)."""
    return [(visit, visit_label(visit)) for visit in initial_visits(household)]


def _due(now: datetime):
    return (Visit.reminder_sent_at.is_(None), Visit.reminder_due_at.is_not(None),
            Visit.reminder_due_at <= now, Visit.starts_at > now,
            Visit.status.in_(Visit.ACTIVE))


def send_visit_reminders(now: datetime | None = None, limit: int = 1000) -> dict:
    """Queue a reminder to the household and the attending workers of each visit whose
    reminder is due (``reminder_due_at`` reached, the visit not yet started, not cancelled).

    Each visit is claimed first (``UPDATE ... WHERE reminder_sent_at IS NULL`` and the row
    count checked), in the same transaction as its messages, so a second sweep at the same
    moment, or a sweep restarted after a crash, can neither skip nor repeat a reminder.
    Returns ``{"due": n, "reminded": n, "messages": n, "skipped": n}``."""
    now = _utc(now or utcnow())
    ids = list(db.session.scalars(
        select(Visit.id).where(*_due(now)).order_by(Visit.reminder_due_at, Visit.id)
        .limit(limit)))
    db.session.commit()
    summary = {"due": len(ids), "reminded": 0, "messages": 0, "skipped": 0}
    settings = agency_settings()
    for visit_id in ids:
        claimed = db.session.execute(
            update(Visit).where(Visit.id == visit_id, *_due(now))
            .values(reminder_sent_at=now).execution_options(synchronize_session=False)
        ).rowcount
        if claimed != 1:
            db.session.rollback()
            summary["skipped"] += 1
            continue
        visit = db.session.get(Visit, visit_id)
        db.session.refresh(visit)
        summary["messages"] += _tell(
            visit, "visit_reminder", ics.REQUEST, settings,
            key=f"visit-reminder:{visit.id}:{visit.ics_sequence}")
        audit("update", "visit", visit_id, {"reminded": True})
        db.session.commit()
        summary["reminded"] += 1
    return summary


# --- a worker's calendar feed ---

def feed_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_feed(user) -> str:
    """A new secret feed address for ``user`` (replacing any old one). Returns the token,
    which is never stored: only its hash is."""
    token = secrets.token_urlsafe(32)
    db.session.execute(delete(CalendarFeed).where(CalendarFeed.user_id == user.id))
    db.session.add(CalendarFeed(user_id=user.id, token_hash=feed_hash(token)))
    audit("create", "calendar_feed", user.id, user=user)
    db.session.commit()
    return token


def revoke_feed(user) -> bool:
    gone = db.session.execute(
        delete(CalendarFeed).where(CalendarFeed.user_id == user.id)).rowcount
    if gone:
        audit("delete", "calendar_feed", user.id, user=user)
    db.session.commit()
    return bool(gone)


def feed_owner(token: str):
    """The active user whose feed ``token`` opens, or None."""
    if not token or len(token) > 100:
        return None
    row = db.session.scalar(
        select(CalendarFeed).where(CalendarFeed.token_hash == feed_hash(token)))
    if row is None:
        return None
    user = db.session.get(User, row.user_id)
    if user is None or not user.active:
        return None
    row.last_used_at = utcnow()
    return user


def feed_visits(user, now: datetime | None = None, limit: int = 1000) -> list[Visit]:
    """The worker's visits from FEED_PAST_DAYS ago to a year ahead (bounded)."""
    now = now or utcnow()
    return list(db.session.scalars(
        select(Visit).join(visit_worker, visit_worker.c.visit_id == Visit.id)
        .where(visit_worker.c.user_id == user.id,
               Visit.starts_at >= now - timedelta(days=FEED_PAST_DAYS),
               Visit.starts_at < now + timedelta(days=366))
        .order_by(Visit.starts_at).limit(limit)))
