"""Looking up visits for the pages."""

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, load_only, selectinload
from werkzeug.exceptions import NotFound

from carers.cases.models import Household
from carers.core.dates import london
from carers.extensions import db
from carers.visits.models import CalendarFeed, Visit, visit_worker


def get_visit(visit_id) -> Visit:
    """The visit with its workers and members; NotFound (404) if there is none."""
    visit = db.session.scalar(select(Visit).where(Visit.id == visit_id).options(
        selectinload(Visit.workers), selectinload(Visit.members)))
    if visit is None:
        raise NotFound()
    return visit


def case_visits(household):
    """(page query, count query) for a case's visits, latest first, with their workers."""
    query = (select(Visit).where(Visit.household_id == household.id)
             .options(selectinload(Visit.workers))
             .order_by(Visit.starts_at.desc(), Visit.id.desc()))
    count = select(func.count(Visit.id)).where(Visit.household_id == household.id)
    return query, count


def diary_visits(worker, start: datetime, end: datetime, limit: int) -> list[Visit]:
    """The visits ``worker`` attends that start from ``start`` until ``end`` (at most
    ``limit``), in order: only what the diary shows of each, and of its household the name
    and reference (a busy week holds a hundred visits, and a household row is wide). The
    week is found in the worker's attendance rows, which carry their visit's times, so only
    that week's rows are read, not every visit the worker has attended."""
    return list(db.session.scalars(
        select(Visit).join(visit_worker, visit_worker.c.visit_id == Visit.id)
        .where(visit_worker.c.user_id == worker.id, visit_worker.c.starts_at >= start,
               visit_worker.c.starts_at < end)
        .options(load_only(Visit.id, Visit.kind, Visit.starts_at, Visit.ends_at,
                           Visit.location, Visit.status),
                 joinedload(Visit.household).load_only(Household.name, Household.reference))
        .order_by(Visit.starts_at, Visit.id).limit(limit)))


def calendar_feed(user) -> CalendarFeed | None:
    """The account's calendar feed, if it has turned one on."""
    return db.session.get(CalendarFeed, user.id)


REG24_VISIT = "regulation_24_visit"


def reg24_visit_dates(household) -> list:
    """The days the child was visited under regulation 24 (visits that took place), in
    order, on the London calendar."""
    starts = db.session.scalars(
        select(Visit.starts_at).where(Visit.household_id == household.id,
                                      Visit.kind == REG24_VISIT,
                                      Visit.status == Visit.TOOK_PLACE)
        .order_by(Visit.starts_at))
    return [london(at).date() for at in starts]
