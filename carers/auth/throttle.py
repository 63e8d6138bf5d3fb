"""Failed sign-ins, counted per email address whether or not it has an account: after too
many, the address is locked for a while. The same counting and message for every address,
so neither says which addresses have accounts."""

import hashlib
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete

from carers.auth.models import SignInThrottle
from carers.core.dates import utcnow
from carers.extensions import db


def _key(email: str) -> str:
    return hashlib.sha256(("sign-in:" + email.strip().lower()).encode()).hexdigest()


def _aware(value: datetime | None) -> datetime | None:
    from datetime import UTC

    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def _limits() -> tuple[int, timedelta]:
    config = current_app.config
    return (config["SIGN_IN_MAX_FAILURES"],
            timedelta(minutes=config["SIGN_IN_LOCKOUT_MINUTES"]))


def locked(email: str, now: datetime | None = None) -> bool:
    row = db.session.get(SignInThrottle, _key(email))
    until = _aware(row.locked_until) if row is not None else None
    return until is not None and until > (now or utcnow())


def failed(email: str, now: datetime | None = None) -> bool:
    """Count a failure (the caller commits). Returns True when the address is now locked."""
    now = now or utcnow()
    max_failures, period = _limits()
    row = db.session.get(SignInThrottle, _key(email), with_for_update=True)
    if row is None:
        row = SignInThrottle(key=_key(email), failures=0, first_failure_at=now)
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
