"""Looking up cases for the pages: one case by its reference, the staff it can be given to,
its timeline and tasks, and a person's own work."""

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import NotFound

from carers.auth.models import User
from carers.auth.roles import CASE_READERS
from carers.cases.board import URGENT_FIRST
from carers.cases.models import CaseEvent, Household, Task, case_worker
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


def case_of_enquiry(enquiry_id: int) -> Household | None:
    """The case opened from an enquiry, if one was."""
    return db.session.scalar(select(Household).where(Household.enquiry_id == enquiry_id))


def get_task(task_id: int) -> Task:
    """The task with this id; NotFound (404) if none."""
    task = db.session.get(Task, task_id)
    if task is None:
        raise NotFound()
    return task


def open_tasks(household: Household) -> list[Task]:
    """The case's tasks not yet done, soonest due first."""
    return list(db.session.scalars(
        select(Task).where(Task.household_id == household.id, Task.done_at.is_(None))
        .order_by(Task.due_on)))


def timeline(household: Household):
    """The case's events, newest first, and their count (for paging)."""
    query = (select(CaseEvent).where(CaseEvent.household_id == household.id)
             .order_by(CaseEvent.at.desc(), CaseEvent.id.desc()))
    count = select(func.count(CaseEvent.id)).where(CaseEvent.household_id == household.id)
    return query, count


def my_tasks(user, limit: int = 100) -> list[Task]:
    """``user``'s tasks not yet done, soonest due first."""
    return list(db.session.scalars(
        select(Task).where(Task.owner_id == user.id, Task.done_at.is_(None))
        .options(selectinload(Task.household))
        .order_by(Task.due_on, Task.id).limit(limit)))


def my_cases(user):
    """The cases ``user`` is allocated to, most urgent first, and their count (for paging)."""
    query = (select(Household).join(case_worker, case_worker.c.household_id == Household.id)
             .where(case_worker.c.user_id == user.id)
             .order_by(*URGENT_FIRST))
    count = (select(func.count()).select_from(case_worker)
             .where(case_worker.c.user_id == user.id))
    return query, count
