"""Staff accounts: invitations with a set-password link, roles and teams, deactivation.
Every change is audited and happens in one transaction; a refused one is rolled back."""

import secrets
from datetime import timedelta

from flask import current_app, url_for
from sqlalchemy import select

from carers.audit.operations import record as audit
from carers.auth import second_factor
from carers.auth.models import Role, User
from carers.auth.operations import INVITE_DAYS, create_user, invite_token_hash
from carers.auth.roles import RoleKey
from carers.core.changes import Refusal
from carers.core.database import transaction
from carers.core.dates import format_date, utcnow
from carers.extensions import db
from carers.notifications.operations import queue_email
from carers.settings.registry import agency_settings


class AccountExists(Refusal):
    message = "There is already an account with this email address"


class OwnAccount(Refusal):
    """An administrator may not lock themselves out: not deactivate, reset or re-invite
    their own account, nor remove their own administrator role."""

    message = "You cannot do that to your own account"


def invite(name: str, email: str, role_keys: list[str], team_id: int | None,
           by) -> tuple[User, str]:
    """Create the account (no usable password) and email a set-password link."""
    with transaction():
        try:
            user = create_user(email, name, secrets.token_urlsafe(32), role_keys)
        except ValueError:
            # The form offers only known roles, so this is an address already in use.
            raise AccountExists from None
        user.team_id = team_id
        db.session.flush()
        token = _send_invite(user)
        audit("create", "user", user.id, {"email": user.email, "roles": sorted(role_keys),
                                          "team": team_id, "invited": True}, user=by)
    return user, token


def _send_invite(user: User) -> str:
    token = secrets.token_urlsafe(32)
    user.invite_token_hash = invite_token_hash(token)
    user.invite_expires_at = utcnow() + timedelta(days=INVITE_DAYS)
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    link = base + url_for("auth.set_password", token=token)
    queue_email(user.email, "staff_invite", f"staff-invite:{user.id}:{user.invite_token_hash[:16]}",
                user=user, link=link, expires=format_date(user.invite_expires_at),
                settings=agency_settings())
    return token


def _not_own(user: User, by) -> None:
    if user.id == by.id:
        raise OwnAccount


def resend_invite(user: User, by) -> str:
    with transaction():
        _not_own(user, by)
        token = _send_invite(user)
        audit("update", "user", user.id, {"invite": "sent again"}, user=by)
    return token


def change_access(user: User, role_keys: list[str], team_id: int | None, by) -> bool:
    """Change the account's roles and team; False when nothing changed."""
    with transaction():
        if user.id == by.id and RoleKey.ADMINISTRATOR not in role_keys:
            raise OwnAccount("You cannot remove your own administrator role")
        before = {"roles": sorted(user.role_keys), "team": user.team_id}
        user.roles = list(db.session.scalars(select(Role).where(Role.key.in_(role_keys))))
        user.team_id = team_id
        after = {"roles": sorted(role_keys), "team": team_id}
        if before != after:
            audit("update", "user", user.id, {"from": before, "to": after}, user=by)
    return before != after


def deactivate(user: User, by) -> None:
    """The account can no longer sign in, and every session it has ends at once."""
    with transaction():
        _not_own(user, by)
        user.active = False
        user.session_token = secrets.token_hex(16)
        user.invite_token_hash = None
        audit("update", "user", user.id, {"active": False}, user=by)


def reactivate(user: User, by) -> None:
    with transaction():
        _not_own(user, by)
        user.active = True
        audit("update", "user", user.id, {"active": True}, user=by)


def reset_second_factor(user: User, by) -> None:
    """For someone who lost their phone and their recovery codes: they set it up again."""
    with transaction():
        _not_own(user, by)
        second_factor.disable(user)
        user.session_token = secrets.token_hex(16)
        audit("update", "user", user.id, {"second_factor": "reset by an administrator"},
              user=by)
