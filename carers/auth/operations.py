import secrets

from sqlalchemy import func, select

from carers.auth.models import Role, User
from carers.extensions import db


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
