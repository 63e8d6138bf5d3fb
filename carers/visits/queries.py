"""Looking up visits for the pages."""

from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import NotFound

from carers.extensions import db
from carers.visits.models import Visit


def get_visit(visit_id) -> Visit:
    """The visit with its workers and members; NotFound (404) if there is none."""
    visit = db.session.scalar(select(Visit).where(Visit.id == visit_id).options(
        selectinload(Visit.workers), selectinload(Visit.members)))
    if visit is None:
        raise NotFound()
    return visit
