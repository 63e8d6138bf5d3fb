"""Applicants' signed-in sessions, kept on the server. The browser's cookie holds a random
token; the session is live while its row is not ended and it was used within the agency's
time-out (``applicant_session_minutes``)."""

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from flask import g, session
from sqlalchemy import select

from carers.applicants.models import Applicant, ApplicantSession
from carers.core.dates import utcnow
from carers.core.requestlog import known_as
from carers.extensions import db

COOKIE_KEY = "applicant_sid"  # in Flask's signed session cookie, beside staff's "sid"
# Writing last_seen_at on every request would be a write per page; this often is enough.
TOUCH_EVERY = timedelta(seconds=30)
# A page posted after the time-out is kept for its person (``hold``): the token of the
# session it was posted to, in the signed cookie; what is kept, and at most how much.
HELD_KEY = "applicant_held"
NOT_HELD = frozenset({"csrf_token", "submit", "later"})
HELD_MOST = 20_000


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def start(applicant: Applicant, now: datetime | None = None) -> ApplicantSession:
    """Sign this browser in as the applicant (the caller commits)."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    row = ApplicantSession(token_hash=_hash(token), applicant_id=applicant.id,
                           started_at=now, last_seen_at=now)
    db.session.add(row)
    session[COOKIE_KEY] = token
    g.applicant_session = None
    return row


def hold(row: ApplicantSession, path: str, fields: list[tuple[str, str]]) -> bool:
    """Keep a page's fields, posted after ``row`` timed out, on the server (the caller
    commits); this browser's cookie keeps the session's token under ``HELD_KEY`` to claim
    them when the same person signs in again. False when there is nothing to keep or too
    much (the person is told the page was not saved)."""
    fields = [(k, v) for k, v in fields if k not in NOT_HELD]
    if not fields or sum(len(k) + len(v) for k, v in fields) > HELD_MOST:
        return False
    row.held_path = path[:500]
    row.held_form = [[k, v] for k, v in fields]
    session[HELD_KEY] = session.get(COOKIE_KEY)
    return True


def claim_held(held: ApplicantSession | None, new: ApplicantSession) -> None:
    """At sign-in: a page this browser posted after a time-out moves to the new session if
    it is the same person's, and is thrown away if not (the caller commits)."""
    if held is None or held.held_form is None:
        return
    if held.applicant_id == new.applicant_id:
        new.held_path, new.held_form = held.held_path, held.held_form
    held.held_path = held.held_form = None


def find(token: str | None) -> ApplicantSession | None:
    """The session this token belongs to, whether or not it is still live."""
    if not token or not isinstance(token, str):
        return None
    return db.session.scalar(select(ApplicantSession)
                             .where(ApplicantSession.token_hash == _hash(token)))


def idle(row: ApplicantSession, limit: timedelta, now: datetime | None = None) -> bool:
    return (now or utcnow()) - _aware(row.last_seen_at) > limit


def touch(row: ApplicantSession, now: datetime | None = None) -> bool:
    """Note that the session was used; True when that needs a commit."""
    now = now or utcnow()
    if now - _aware(row.last_seen_at) < TOUCH_EVERY:
        return False
    row.last_seen_at = now
    return True


def end(row: ApplicantSession | None, because: str, now: datetime | None = None) -> None:
    if row is not None and row.ended_at is None:
        row.ended_at = now or utcnow()
        row.ended_because = because


def this_browser() -> ApplicantSession | None:
    """This browser's applicant session row (live or not), once per request."""
    if "applicant_session" not in g or g.applicant_session is None:
        g.applicant_session = find(session.get(COOKIE_KEY))
        if g.applicant_session is not None and g.applicant_session.ended_at is None:
            known_as(f"applicant:{g.applicant_session.applicant_id}")
    return g.applicant_session


def current_applicant() -> Applicant | None:
    """The applicant signed in on this browser, or None. The access policy asks this before
    any applicant's page; the time-out is applied before it (see ``views.init_app``)."""
    row = this_browser()
    if row is None or row.ended_at is not None or not row.applicant.active:
        return None
    return row.applicant
