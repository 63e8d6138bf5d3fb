"""Looking up cases for the pages: one case by its reference, the staff it can be given to."""

from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import NotFound

from carers.auth.models import User
from carers.auth.roles import CASE_READERS
from carers.cases.models import Household
from carers.extensions import db


def get_case(reference: str) -> Household:
    """The case with this reference, with its members and workers; NotFound (404) if none."""
    household = db.session.scalar(
        select(Household).where(Household.reference == str(reference))
        .options(selectinload(Household.members), selectinload(Household.workers))
    )
    if household is None:
        raise NotFound()
    return household


def team_staff(user) -> list[User]:
    """The active staff of ``user``'s team (everyone's, for someone in no team) who work on
    cases: the people a case or a task can be given to."""
    query = select(User).where(User.active.is_(True)).order_by(User.name)
    if user.team_id is not None:
        query = query.where(User.team_id == user.team_id)
    return [u for u in db.session.scalars(query) if u.has_role(*CASE_READERS)]
