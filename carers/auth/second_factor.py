"""The second factor: a time-based one-time code (TOTP, RFC 6238) from an authenticator
app, and single-use recovery codes for when the app is not to hand."""

import base64
import hashlib
import secrets
from datetime import datetime

import pyotp
import segno
from flask import current_app
from sqlalchemy import delete, select, update

from carers.auth.models import RecoveryCode, User
from carers.auth.roles import RoleKey
from carers.core.dates import utcnow
from carers.core.numbers import DIGITS
from carers.extensions import db
from carers.settings.registry import agency_settings

# Roles whose accounts must always have a second factor; anyone may turn it on.
REQUIRED_FOR = (RoleKey.ADMINISTRATOR, RoleKey.AGENCY_DECISION_MAKER)
# Every role reads case records: fostering staff their cases, panel administrators and
# members the assessment reports. The agency setting second_factor_for_case_readers (on by
# default) requires a second factor of them all.
READS_CASE_RECORDS = tuple(RoleKey)
RECOVERY_CODES = 10
STEP = 30


def required_roles() -> tuple[str, ...]:
    """Config SECOND_FACTOR_REQUIRED_ROLES, when set, names the roles outright (tests and
    local development set () to turn the requirement off); otherwise the agency's rule."""
    configured = current_app.config["SECOND_FACTOR_REQUIRED_ROLES"]
    if configured is not None:
        return tuple(configured)
    if agency_settings()["second_factor_for_case_readers"]:
        return READS_CASE_RECORDS
    return REQUIRED_FOR


def required(user) -> bool:
    return user.has_role(*required_roles())


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str, issuer: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=issuer)


def qr_svg_data_uri(uri: str) -> str:
    """The QR code as an SVG data URI: drawn here, nothing fetched from elsewhere."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2)


def _normal_code(code: str) -> str:
    return "".join(ch for ch in (code or "") if not ch.isspace() and ch != "-").lower()


def matching_step(secret: str, code: str, now: datetime | None = None) -> int | None:
    """The time step whose code this is (allowing one step either side), or None."""
    code = _normal_code(code)
    if not (DIGITS.fullmatch(code) and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    at = (now or utcnow()).timestamp()
    for drift in (0, -1, 1):
        moment = at + drift * STEP
        if secrets.compare_digest(totp.at(moment), code):
            return int(moment // STEP)
    return None


def check_code(user: User, code: str, now: datetime | None = None) -> bool:
    """A current code, used once only: a code seen before (or an older one) is refused."""
    if not user.totp_secret:
        return False
    step = matching_step(user.totp_secret, code, now)
    if step is None:
        return False
    claimed = db.session.execute(
        update(User).where(User.id == user.id,
                           (User.totp_last_step.is_(None)) | (User.totp_last_step < step))
        .values(totp_last_step=step)).rowcount
    db.session.expire(user, ["totp_last_step"])
    return claimed == 1


def _hash(code: str) -> str:
    return hashlib.sha256(_normal_code(code).encode()).hexdigest()


def new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes; returns the new ones (shown once, stored hashed).
    Each has 80 random bits, so a plain SHA-256 is enough to store it."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = base64.b32encode(secrets.token_bytes(10)).decode().lower()
        code = "-".join(raw[i:i + 4] for i in range(0, 16, 4))
        codes.append(code)
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_hash(code)))
    return codes


def use_recovery_code(user: User, code: str) -> bool:
    if len(_normal_code(code)) != 16:
        return False
    row = db.session.scalar(select(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _hash(code),
        RecoveryCode.used_at.is_(None)))
    if row is None:
        return False
    claimed = db.session.execute(update(RecoveryCode).where(
        RecoveryCode.id == row.id, RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow())).rowcount
    return claimed == 1


def recovery_codes_left(user: User) -> int:
    return len(db.session.scalars(select(RecoveryCode.id).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))).all())


def enable(user: User, secret: str) -> list[str]:
    user.totp_secret = secret
    user.totp_enabled_at = utcnow()
    return new_recovery_codes(user)


def disable(user: User) -> None:
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
