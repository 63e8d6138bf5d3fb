"""Reading a household's application: its rows, each person's tasks and their statuses.

For the portal: ``tasks_for(applicant)`` (the applicant's task list, in order, with each
task's label, status and link) and ``outstanding_tasks(applicant)`` (what they still have
to do)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from carers.applicants.models import Applicant
from carers.application import rules
from carers.application.models import Application, ApplicationTask
from carers.extensions import db


def form_for_pathway(pathway: str) -> str:
    return rules.KINSHIP if pathway == "connected_person" else rules.FOSTER


def application_for(household_id: int) -> Application | None:
    return db.session.scalar(select(Application).where(Application.household_id == household_id)
                             .options(selectinload(Application.tasks),
                                      selectinload(Application.declarations)))


def people(household_id: int) -> list[Applicant]:
    """The household's active applicant accounts: joint applicants first, then adults."""
    found = db.session.scalars(select(Applicant).where(
        Applicant.household_id == household_id, Applicant.active.is_(True))
        .order_by(Applicant.id)).all()
    return sorted(found, key=lambda a: (a.role != Applicant.APPLICANT, a.id))


def joint_applicants(household_id: int) -> list[Applicant]:
    return [p for p in people(household_id) if p.role == Applicant.APPLICANT]


def row_for(application: Application, task_key: str, applicant: Applicant
            ) -> ApplicationTask | None:
    """The row this person works on for a task: their own for a personal task, the
    household's for a shared one."""
    personal = rules.BY_KEY[task_key].personal
    return next((t for t in application.tasks if t.task == task_key and
                 t.applicant_id == (applicant.id if personal else None)), None)


def answers_of(application: Application, applicant: Applicant) -> dict[str, dict]:
    """This person's answers by task key (their own and the household's)."""
    return {t.task: dict(t.answers or {}) for t in application.tasks
            if t.applicant_id in (applicant.id, None)}


def completed_keys(application: Application, applicant: Applicant) -> set[str]:
    return {t.task for t in application.tasks
            if t.applicant_id in (applicant.id, None) and t.status == rules.COMPLETED}


@dataclass
class TaskItem:
    key: str
    title: str  # "About you", or "About you – Sam" for a personal task
    status: str  # a rules status key
    status_label: str
    url: str | None  # None for someone else's task, or one that cannot start yet
    mine: bool
    person: str | None
    reopened_reason: str | None = None
    row_id: int | None = None


def _person_label(task: rules.Task, person: Applicant, several: bool) -> str:
    return f"{task.title} – {person.name}" if several or person.role != "applicant" \
        else task.title


def tasks_for(applicant: Applicant, application: Application | None = None) -> list[TaskItem]:
    """The task list this applicant sees, in order: for a joint applicant every task of the
    application (each personal task once per person who does it, theirs with a link, the
    others' with their status only); for another adult their own tasks."""
    if application is None:
        application = application_for(applicant.household_id)
    form = application.form if application else form_for_pathway(
        applicant.household.pathway)
    everyone = people(applicant.household_id)
    if applicant.role != Applicant.APPLICANT:
        everyone = [applicant]
    several = len(everyone) > 1
    rows = {(t.task, t.applicant_id): t for t in (application.tasks if application else ())}
    submitted = bool(application and application.submitted_at)
    items = []
    for task in rules.tasks_for_role(applicant.role):
        holders = [p for p in everyone if p.role in task.roles] if task.personal else [None]
        for person in holders:
            row = rows.get((task.key, person.id if person else None))
            owner = person or applicant
            done = {t.task for t in (application.tasks if application else ())
                    if t.applicant_id in (owner.id, None) and t.status == rules.COMPLETED}
            status = rules.shown_status(task, owner.role, row.status if row else
                                        rules.NOT_STARTED, done)
            mine = person is None or person.id == applicant.id
            title = task.title_for(form) if person is None else \
                _person_label(rules.Task(task.key, task.title_for(form), task.scope),
                              person, several)
            url = url_for("application.task", task_key=task.key) \
                if mine and status != rules.CANNOT_START else None
            items.append(TaskItem(task.key, title, status, rules.STATUS_LABELS[status], url,
                                  mine, person.name if person else None,
                                  row.reopened_reason if row and submitted else None,
                                  row.id if row else None))
    return items


def outstanding_tasks(applicant: Applicant) -> list[TaskItem]:
    """The applicant's own tasks not yet completed, in order."""
    return [item for item in tasks_for(applicant)
            if item.mine and item.status != rules.COMPLETED]


def missing_for_submission(application: Application) -> list[str]:
    """Why the application cannot be sent yet: each required task, of every person (adults
    included), that is not completed."""
    household_people = people(application.household_id)
    rows = {(t.task, t.applicant_id): t for t in application.tasks}
    several = len(household_people) > 1
    missing = []
    for task in rules.TASKS:
        holders = [p for p in household_people if p.role in task.roles] if task.personal \
            else [None]
        for person in holders:
            row = rows.get((task.key, person.id if person else None))
            if row is None or row.status != rules.COMPLETED:
                title = task.title_for(application.form)
                missing.append(f"{title} – {person.name}" if person and several else title)
    return missing


def declared_ids(application: Application) -> set[int]:
    return {d.applicant_id for d in application.declarations}


@dataclass
class Progress:
    application: Application | None
    rows: list[dict]


def progress(household) -> Progress:
    """For staff: each task's status per person, in order."""
    application = application_for(household.id)
    if application is None:
        return Progress(None, [])
    names = {p.id: p.name for p in people(household.id)}
    order = {t.key: i for i, t in enumerate(rules.TASKS)}
    rows = sorted(application.tasks, key=lambda t: (order.get(t.task, 99), t.applicant_id or 0))
    return Progress(application, [
        {"row": t, "title": rules.BY_KEY[t.task].title_for(application.form)
         if t.task in rules.BY_KEY else t.task,
         "person": names.get(t.applicant_id, "Household") if t.applicant_id else "Household",
         "status": rules.STATUS_LABELS.get(t.status, t.status)} for t in rows])
