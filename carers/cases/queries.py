"""Looking up cases for the pages: one case by its reference, the staff it can be given to,
its timeline and tasks, and a person's own work."""

from datetime import date

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import NotFound

from carers.auth.models import User
from carers.auth.roles import CASE_READERS, RoleKey
from carers.cases.board import URGENT_FIRST
from carers.cases.models import CaseEvent, Household, OversightRecord, Task, case_worker
from carers.core.spreadsheets import Table
from carers.extensions import db
from carers.pipeline import CLOSED_STAGES, Pathway, Stage


def get_case(reference: str) -> Household:
    """The case with this reference, with its members and workers; NotFound (404) if none
    (an erased household's row is kept for the figures only)."""
    household = db.session.scalar(
        select(Household).where(Household.reference == str(reference),
                                Household.erased_at.is_(None))
        .options(selectinload(Household.members), selectinload(Household.workers))
    )
    if household is None:
        raise NotFound()
    return household


def team_staff(user) -> list[User]:
    """The active staff of ``user``'s team (everyone's, for someone in no team) who work on
    cases: the people a case or a task can be given to."""
    return _active_case_staff(user.team_id)


def case_staff(household: Household) -> list[User]:
    """The people a task on this case can be given to whoever sets it: the active staff of
    the case's team (everyone's, for a case in no team) and its allocated workers."""
    staff = {u.id: u for u in _active_case_staff(household.team_id)}
    for worker in household.workers:
        if worker.active:
            staff.setdefault(worker.id, worker)
    return sorted(staff.values(), key=lambda u: (u.name, u.id))


def _active_case_staff(team_id: int | None) -> list[User]:
    query = select(User).where(User.active.is_(True)).order_by(User.name)
    if team_id is not None:
        query = query.where(User.team_id == team_id)
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


def oversight_records(events) -> dict[int, OversightRecord]:
    """The oversight records behind timeline ``events``, with their actions, by event id."""
    ids = [e.id for e in events if e.kind == CaseEvent.OVERSIGHT]
    if not ids:
        return {}
    return {r.event_id: r for r in db.session.scalars(
        select(OversightRecord).where(OversightRecord.event_id.in_(ids))
        .options(selectinload(OversightRecord.actions)))}


def oversight_due(user, cutoff: date):
    """The open cases (neither approved nor closed) that ``user`` oversees with no oversight
    record on or after ``cutoff``, longest without one first (never first), with the day of
    the last one (None: never), and their count (for paging). A team manager oversees their
    team's cases (the cases in no team, for a manager in no team); an administrator every
    case. Rows are (Household, last oversight day)."""
    latest = (select(OversightRecord.household_id,
                     func.max(OversightRecord.recorded_on).label("last_on"))
              .group_by(OversightRecord.household_id).subquery())
    not_open = [s.value for s in CLOSED_STAGES | {Stage.APPROVED}]
    conditions = [Household.stage.not_in(not_open),
                  or_(latest.c.last_on.is_(None), latest.c.last_on < cutoff)]
    if not user.has_role(RoleKey.ADMINISTRATOR):
        conditions.append(Household.team_id == user.team_id if user.team_id is not None
                          else Household.team_id.is_(None))
    query = (select(Household, latest.c.last_on)
             .outerjoin(latest, latest.c.household_id == Household.id)
             .where(*conditions)
             .order_by(case((latest.c.last_on.is_(None), 0), else_=1), latest.c.last_on,
                       Household.created_at, Household.id)
             .options(selectinload(Household.workers)))
    count = (select(func.count()).select_from(Household)
             .outerjoin(latest, latest.c.household_id == Household.id).where(*conditions))
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
             .where(case_worker.c.user_id == user.id, Household.erased_at.is_(None))
             .order_by(*URGENT_FIRST))
    # The workers of an erased household stay linked to it for the figures by worker. The
    # allocation knows whether its case is erased, so the count reads no case.
    count = (select(func.count()).select_from(case_worker)
             .where(case_worker.c.user_id == user.id, case_worker.c.live.is_(True)))
    return query, count


BOARD_DOWNLOAD_ROWS = 100_000


def board_table(query) -> Table:
    """The board's cases as a table to download: reference, household, pathway, stage,
    workers and the next deadline."""
    rows = [[h.reference, h.name, Pathway(h.pathway).label, Stage(h.stage).label,
             ", ".join(w.name for w in h.workers), h.next_due_label or "", h.next_due_on]
            for h in db.session.scalars(query.limit(BOARD_DOWNLOAD_ROWS))]
    return Table("Pipeline", ["Case", "Household", "Pathway", "Stage", "Workers",
                              "Next deadline", "Due"], rows)
