"""Lookups for the staff pages: everyone's accounts, one account, the teams to choose from."""

from flask import abort
from sqlalchemy import select

from carers.auth.models import User
from carers.cases.models import Team
from carers.extensions import db


def everyone() -> list[User]:
    """Every account, active ones first, by name."""
    return list(db.session.scalars(select(User).order_by(User.active.desc(), User.name)))


def get_account(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


def team_choices() -> list[tuple[str, str]]:
    """The teams an account may belong to, as form choices (the first is no team)."""
    teams = db.session.execute(select(Team.id, Team.name).order_by(Team.name)).all()
    return [("", "No team")] + [(str(i), n) for i, n in teams]
