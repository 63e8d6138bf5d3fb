import contextlib
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_login import UserMixin
from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from carers.core.dates import utcnow
from carers.extensions import db

_hasher = PasswordHasher()

user_role = Table(
    "user_role",
    db.metadata,
    Column("user_id", Integer, ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
    Column("role_id", Integer, ForeignKey("role.id", ondelete="CASCADE"), primary_key=True),
)


class Role(db.Model):
    __tablename__ = "role"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(80))


class User(UserMixin, db.Model):
    """A member of staff (or a panel member) who signs in."""

    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Changing this ends every session the user has (sign out everywhere, deactivation).
    session_token: Mapped[str] = mapped_column(String(64))

    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), index=True)

    # Second factor (TOTP): the secret, when it was confirmed, and the last time step used
    # (a code is accepted once only).
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    password_set_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # An invitation: the hash of the set-password link's token, and when it stops working.
    invite_token_hash: Mapped[str | None] = mapped_column(String(64))
    invite_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    roles: Mapped[list[Role]] = relationship(secondary=user_role, lazy="selectin")
    team = relationship("Team", lazy="joined")

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    def set_password(self, password: str) -> None:
        self.password_hash = _hasher.hash(password)

    def check_password(self, password: str) -> bool:
        try:
            ok = _hasher.verify(self.password_hash, password)
        except (VerificationError, InvalidHashError):
            return False
        if ok and _hasher.check_needs_rehash(self.password_hash):
            self.password_hash = _hasher.hash(password)
        return ok

    @property
    def role_keys(self) -> set[str]:
        return {r.key for r in self.roles}

    def has_role(self, *keys: str) -> bool:
        return bool(self.role_keys & set(keys))

    @property
    def has_second_factor(self) -> bool:
        return self.totp_enabled_at is not None


class RecoveryCode(db.Model):
    """A single-use code for signing in without the authenticator app. Stored hashed."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(200))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class StaffSession(db.Model):
    """One signed-in session, kept on the server: the cookie carries only a random token
    whose hash is stored here. Signing out or idling ends the session here, so a copy of the
    cookie taken before is refused."""

    __tablename__ = "staff_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # A second-factor secret being set up (until it is confirmed): never in the cookie.
    totp_setup_secret: Mapped[str | None] = mapped_column(String(64))


class SignInThrottle(db.Model):
    """Failed sign-ins per email address (hashed), whether or not an account exists, so a
    lockout says nothing about which addresses have accounts."""

    __tablename__ = "sign_in_throttle"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    first_failure_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


def check_dummy_password(password: str) -> None:
    """Spend the same time as a real check, so timing does not reveal unknown accounts."""
    with contextlib.suppress(VerificationError):
        _hasher.verify(_DUMMY_HASH, password)


_DUMMY_HASH = _hasher.hash("not-a-real-password")
