"""Failed sign-ins, counted per email address whether or not it has an account: after too
many, the address is locked for a while. The same counting and message for every address,
so neither says which addresses have accounts.

Failures are also counted per network address, with a higher limit, so one machine cannot
guess at many accounts; successful sign-ins are never counted, so an office behind one
address can all sign in at nine o'clock.

Other sign-ins (applicants' emailed codes) count their own events with ``hit`` and ``wait``
under a purpose of their own: the same table, the same hashing, the same lockout."""

import hashlib
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import delete

from carers.auth.models import SignInThrottle
from carers.core.dates import utcnow
from carers.extensions import db


def key(purpose: str, value: str | None) -> str:
    """The stored key for ``value`` (an email or network address) counted for ``purpose``:
    hashed, so the table holds no addresses."""
    return hashlib.sha256(f"{purpose}:{value or ''}".encode()).hexdigest()


def _key(email: str) -> str:
    return key("sign-in", email.strip().lower())


def _address_key(address: str | None) -> str:
    return key("address", address)


def _aware(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def _limits() -> tuple[int, timedelta]:
    config = current_app.config
    return (config["SIGN_IN_MAX_FAILURES"],
            timedelta(minutes=config["SIGN_IN_LOCKOUT_MINUTES"]))


def _locked_until(key: str, now: datetime | None = None) -> datetime | None:
    row = db.session.get(SignInThrottle, key)
    until = _aware(row.locked_until) if row is not None else None
    return until if until is not None and until > (now or utcnow()) else None


def locked(email: str, now: datetime | None = None) -> bool:
    return _locked_until(_key(email), now) is not None


def _wait(key_: str, now: datetime | None = None) -> int:
    now = now or utcnow()
    until = _locked_until(key_, now)
    return 0 if until is None else max(1, int((until - now).total_seconds() + 0.999))


def address_wait(address: str | None, now: datetime | None = None) -> int:
    """Seconds until this network address may try to sign in again (0: it may now)."""
    return _wait(_address_key(address), now)


def wait(purpose: str, value: str | None, now: datetime | None = None) -> int:
    """Seconds until ``value`` may be counted for ``purpose`` again (0: it may now)."""
    return _wait(key(purpose, value), now)


def hit(purpose: str, value: str | None, limit: int, period: timedelta,
        now: datetime | None = None) -> bool:
    """Count one event for ``value`` (the caller commits): after ``limit`` of them within
    ``period`` it is locked for ``period``. Returns True when it is now locked."""
    return _count(key(purpose, value), limit, period, now or utcnow())


def clear(purpose: str, value: str | None) -> None:
    db.session.execute(delete(SignInThrottle).where(SignInThrottle.key == key(purpose, value)))


def failed(email: str, now: datetime | None = None, address: str | None = None) -> bool:
    """Count a failure for the email address and the network address it came from (the
    caller commits). Returns True when the email address is now locked."""
    now = now or utcnow()
    max_failures, period = _limits()
    _count(_address_key(address), current_app.config["SIGN_IN_MAX_FAILURES_PER_ADDRESS"],
           period, now)
    return _count(_key(email), max_failures, period, now)


def _count(key: str, max_failures: int, period: timedelta, now: datetime) -> bool:
    row = db.session.get(SignInThrottle, key, with_for_update=True)
    if row is None:
        row = SignInThrottle(key=key, failures=0, first_failure_at=now)
        db.session.add(row)
    elif _aware(row.first_failure_at) < now - period and not (
            row.locked_until and _aware(row.locked_until) > now):
        row.failures, row.first_failure_at, row.locked_until = 0, now, None
    row.failures += 1
    if row.failures >= max_failures:
        row.locked_until = now + period
        return True
    return False


def succeeded(email: str) -> None:
    db.session.execute(delete(SignInThrottle).where(SignInThrottle.key == _key(email)))


def lockout_minutes() -> int:
    return current_app.config["SIGN_IN_LOCKOUT_MINUTES"]
