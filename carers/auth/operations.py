"""Every change to an account and its sign-in: creating accounts, signing in with a password
and a second factor, setting up or turning off the second factor, recovery codes, changing or
setting a password, and ending sessions. Each change is audited and committed here.

A failed attempt to sign in or to confirm who you are is itself recorded (it counts towards
the lockout) and committed before the refusal is raised: unlike other refusals, forgetting
the failure would let anyone guess for ever."""

import hashlib
import secrets
from datetime import UTC, datetime

from sqlalchemy import func, select

from carers.audit.operations import record as audit
from carers.auth import second_factor as codes
from carers.auth import sessions, throttle
from carers.auth.models import Role, StaffSession, User, check_dummy_password
from carers.auth.passwords import password_problem
from carers.core.changes import Refusal
from carers.core.database import transaction
from carers.core.dates import utcnow
from carers.core.numbers import plain_number
from carers.extensions import db

# How long a staff invitation's link works.
INVITE_DAYS = 7

LOCKED_MESSAGE = ("There have been too many attempts to sign in with this email address. "
                  "Wait {minutes} minutes, then try again.")
WRONG_MESSAGE = "Enter a correct email address and password"
WRONG_CODE = "The code is not right. Check it and try again"
WRONG_RECOVERY_CODE = "That recovery code is not right, or it has been used"
WRONG_NEW_CODE = ("The code is not right. Check the app shows this service, then enter the "
                  "code it shows now")


def locked_message() -> str:
    return LOCKED_MESSAGE.format(minutes=throttle.lockout_minutes())


class SignInLocked(Refusal):
    """Too many failed attempts with this email address: it is locked for a while."""

    def __init__(self):
        super().__init__(locked_message())


class SignInRefused(Refusal):
    """A wrong email address or password: the same reason whether or not the account
    exists."""

    message = WRONG_MESSAGE


class WrongCode(Refusal):
    """A second-factor or recovery code that is not right (or was used before)."""

    message = WRONG_CODE


class PasswordNotAllowed(Refusal):
    """A new password that is too short, too common or too like the email address."""


class IdentityNotConfirmed(Refusal):
    """The current password or code given before a change to how the account signs in is
    not right. ``field`` is the form field the reason belongs to; ``signed_out`` is true when
    this failure locked the account, which also ended every session it had."""

    def __init__(self, reason: str, field: str, signed_out: bool = False):
        super().__init__(reason)
        self.field = field
        self.signed_out = signed_out


# --- accounts ---

def create_user(email: str, name: str, password: str, role_keys: list[str]) -> User:
    """Add a user to the session (the caller commits)."""
    email = email.strip().lower()
    if db.session.scalar(select(User.id).where(func.lower(User.email) == email)):
        raise ValueError(f"There is already an account for {email}")
    roles = list(db.session.scalars(select(Role).where(Role.key.in_(role_keys))))
    unknown = set(role_keys) - {r.key for r in roles}
    if unknown:
        raise ValueError(f"Unknown role: {', '.join(sorted(unknown))}")
    user = User(email=email, name=name, roles=roles, session_token=secrets.token_hex(16))
    user.set_password(password)
    db.session.add(user)
    return user


def find_account(user_id: str) -> User | None:
    """The active account a login id names. The id carries the account's session version,
    so changing it ends every session at once."""
    ident, _, token = str(user_id).partition(":")
    number = plain_number(ident)
    if number is None:
        return None
    user = db.session.get(User, number)
    if user is None or not user.active or user.session_token != token:
        return None
    return user


def end_every_session(user: User) -> None:
    """Change the session version and end every server-side session of this account (the
    caller commits)."""
    user.session_token = secrets.token_hex(16)
    sessions.end_all(user)


# --- signing in ---

def sign_in(email: str, password: str, address: str | None) -> tuple[User, str | None]:
    """Check the password for this email address (trimmed, in lower case). Right, for an
    account with no second factor: the account and its new session's token. Right, with a
    second factor still to give: the account and None. Wrong: the failure is counted and
    SignInRefused raised (SignInLocked once the address is locked)."""
    if throttle.locked(email):
        check_dummy_password(password)
        raise SignInLocked
    user = db.session.scalar(select(User).where(func.lower(User.email) == email))
    if user is None:
        check_dummy_password(password)
    if user is not None and user.active and user.check_password(password):
        if user.has_second_factor:
            db.session.commit()  # a password hash brought up to date is kept
            return user, None
        return user, start_session(user, "password", email)
    now_locked = throttle.failed(email, address=address)
    audit("sign_in_failed", "sign_in", None, {"locked": now_locked})
    db.session.commit()
    if now_locked:
        raise SignInLocked
    raise SignInRefused(WRONG_MESSAGE)


def sign_in_with_code(user: User, email: str, code: str, address: str | None,
                      recovery: bool = False) -> str:
    """The second step: a code from the authenticator app, or a recovery code. Right: the
    new session's token. Wrong: the failure is counted and WrongCode raised (SignInLocked
    once the address is locked)."""
    if recovery:
        how = "recovery_code" if codes.use_recovery_code(user, code) else None
    else:
        how = "authenticator" if codes.check_code(user, code) else None
    if how:
        return start_session(user, how, email)
    if throttle.failed(email, address=address):
        audit("sign_in_failed", "sign_in", None, {"locked": True, "step": "code"}, user=user)
        db.session.commit()
        raise SignInLocked
    audit("sign_in_failed", "sign_in", None, {"step": "code"}, user=user)
    db.session.commit()
    raise WrongCode(WRONG_RECOVERY_CODE if recovery else WRONG_CODE)


def start_session(user: User, how: str, email: str) -> str:
    """Both factors given (or only one needed): the session starts afresh; returns its token
    for the cookie. Only now are the address's failures forgotten, so entering the password
    again does not forgive wrong codes."""
    with transaction():
        throttle.succeeded(email)
        user.last_sign_in_at = utcnow()
        audit("sign_in", "user", user.id, {"with": how}, user=user)
        return sessions.start(user)


def sign_out(user: User, row: StaffSession | None) -> None:
    with transaction():
        sessions.end(row)
        audit("sign_out", "user", user.id)


def sign_out_everywhere(user: User) -> None:
    with transaction():
        end_every_session(user)
        audit("sign_out", "user", user.id, {"everywhere": True})


def end_idle_session(row: StaffSession) -> None:
    with transaction():
        sessions.end(row)


def touch_session(row: StaffSession) -> None:
    """Note that the session is in use (written now and then, not on every request)."""
    if sessions.touch(row):
        db.session.commit()


# --- changes to how an account signs in, each after confirming who is asking ---

def _confirm_identity(user: User, password: str, code: str | None,
                      address: str | None) -> None:
    """Before a change to how the account signs in: the current password and, where the
    account has one, a current code. A wrong answer counts towards the lockout like a wrong
    sign-in, and the failure that locks the account also ends its sessions; either is
    committed before IdentityNotConfirmed is raised."""
    email = user.email
    if throttle.locked(email):
        raise IdentityNotConfirmed(locked_message(), "current_password")
    if not user.check_password(password):
        refusal = IdentityNotConfirmed("Your current password is not right",
                                       "current_password")
    elif user.has_second_factor and not code:
        raise IdentityNotConfirmed("Enter the 6-digit code from your authenticator app",
                                   "current_code")
    elif user.has_second_factor and not codes.check_code(user, code):
        refusal = IdentityNotConfirmed(WRONG_CODE, "current_code")
    else:
        throttle.succeeded(email)
        return
    locked = throttle.failed(email, address=address)
    audit("confirm_identity_failed", "user", user.id, {"locked": locked})
    if locked:
        end_every_session(user)
        refusal = IdentityNotConfirmed(locked_message(), refusal.field, signed_out=True)
    db.session.commit()
    raise refusal


def new_setup_secret(row: StaffSession) -> str:
    """A new secret for setting up the second factor. It waits on the server-side session
    until confirmed, never in the cookie."""
    with transaction():
        row.totp_setup_secret = codes.new_secret()
        return row.totp_setup_secret


def turn_on_second_factor(user: User, row: StaffSession, secret: str, new_code: str,
                          password: str, code: str | None, address: str | None) -> list[str]:
    """Turn on (or change) the second factor once the app shows the right code; returns the
    new recovery codes."""
    with transaction():
        _confirm_identity(user, password, code, address)
        step = codes.matching_step(secret, new_code)
        if step is None:
            raise WrongCode(WRONG_NEW_CODE)
        changed = user.has_second_factor
        recovery_codes = codes.enable(user, secret)
        user.totp_last_step = step
        row.totp_setup_secret = None
        audit("update", "user", user.id,
              {"second_factor": "changed" if changed else "turned on"})
        return recovery_codes


def replace_recovery_codes(user: User, password: str, code: str | None,
                           address: str | None) -> list[str]:
    with transaction():
        _confirm_identity(user, password, code, address)
        recovery_codes = codes.new_recovery_codes(user)
        audit("update", "user", user.id, {"recovery_codes": "replaced"})
        return recovery_codes


def turn_off_second_factor(user: User, password: str, code: str | None,
                           address: str | None) -> None:
    with transaction():
        _confirm_identity(user, password, code, address)
        codes.disable(user)
        audit("update", "user", user.id, {"second_factor": "turned off"})


def change_password(user: User, new_password: str, password: str, code: str | None,
                    address: str | None) -> str:
    """A new password ends every other session; returns the token of this browser's new
    one."""
    with transaction():
        _confirm_identity(user, password, code, address)
        problem = password_problem(new_password, user.email)
        if problem:
            raise PasswordNotAllowed(problem)
        user.set_password(new_password)
        user.password_set_at = utcnow()
        end_every_session(user)
        audit("update", "user", user.id, {"password": "changed"})
        return sessions.start(user)


# --- staff invitations: the set-password link ---

def invite_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _aware(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def find_invited(token: str) -> User | None:
    """The account a live invitation link is for, or None."""
    if not token or len(token) > 100:
        return None
    user = db.session.scalar(select(User).where(User.invite_token_hash ==
                                                invite_token_hash(token)))
    if user is None or not user.active or _aware(user.invite_expires_at) <= utcnow():
        return None
    return user


def accept_invite(user: User, password: str) -> None:
    """The new member of staff chose their password: the link is used up."""
    with transaction():
        problem = password_problem(password, user.email)
        if problem:
            raise PasswordNotAllowed(problem)
        user.set_password(password)
        user.password_set_at = utcnow()
        user.invite_token_hash = None
        user.invite_expires_at = None
        user.session_token = secrets.token_hex(16)
        audit("update", "user", user.id, {"password": "set from invitation"}, user=user)
