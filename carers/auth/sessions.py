"""Signed-in sessions kept on the server. The browser's cookie holds a random token; the
session is live while its row is not ended and it has been used within the idle limit."""

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from carers.auth.models import StaffSession, User
from carers.core.dates import utcnow
from carers.extensions import db

# Writing last_seen_at on every request would be a write per page; this often is enough.
TOUCH_EVERY = timedelta(seconds=30)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def start(user: User, now: datetime | None = None) -> str:
    """A new session for the user (the caller commits); returns the token for the cookie."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    db.session.add(StaffSession(token_hash=_hash(token), user_id=user.id, started_at=now,
                                last_seen_at=now))
    return token


def find(token: str | None, user_id: int) -> StaffSession | None:
    """The live session with this token for this user, or None."""
    if not token or not isinstance(token, str):
        return None
    row = db.session.scalar(select(StaffSession).where(StaffSession.token_hash == _hash(token)))
    if row is None or row.user_id != user_id or row.ended_at is not None:
        return None
    return row


def idle(row: StaffSession, limit: timedelta, now: datetime | None = None) -> bool:
    return (now or utcnow()) - _aware(row.last_seen_at) > limit


def touch(row: StaffSession, now: datetime | None = None) -> bool:
    """Note that the session was used; True when that needs a commit."""
    now = now or utcnow()
    if now - _aware(row.last_seen_at) < TOUCH_EVERY:
        return False
    row.last_seen_at = now
    return True


def end(row: StaffSession | None, now: datetime | None = None) -> None:
    if row is not None and row.ended_at is None:
        row.ended_at = now or utcnow()
        row.totp_setup_secret = None


def end_all(user: User, now: datetime | None = None) -> None:
    db.session.execute(update(StaffSession).where(StaffSession.user_id == user.id,
                                                  StaffSession.ended_at.is_(None))
                       .values(ended_at=now or utcnow(), totp_setup_secret=None))
