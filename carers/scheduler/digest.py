"""The morning digest: each worker hears of the deadlines on their cases that are overdue or
due within the settings period (and each team manager of their team's), their tasks overdue
or due today, and the visits they are attending today. One email per person
per day (the outbox's idempotency key), however often the sweep runs and however many
schedulers run it.

A case's most urgent running clock is stored on its row (``next_due_on``, kept current by
every change and by ``refresh_deadlines``), so the sweep is a handful of queries whatever the
number of cases: the cases due by the horizon with their workers (one query, by the
``next_due_on`` index), the staff concerned, team names, and the digests already queued."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from carers.auth.models import Role, User, user_role
from carers.auth.roles import RoleKey
from carers.cases.models import Household, Task, Team, case_worker
from carers.clocks.workdays import add_working_days, working_days_between
from carers.core.dates import london
from carers.extensions import db
from carers.notifications.models import OutboxMessage
from carers.notifications.operations import render_email
from carers.pipeline import CLOSED_STAGES
from carers.settings.registry import load_settings
from carers.visits.models import Visit, visit_worker
from carers.visits.rules import KINDS, day_bounds, format_span

LISTED = 50  # cases listed in one email; the rest are counted, with a link to the board


@dataclass
class Deadline:
    reference: str
    name: str
    due: date
    label: str
    overdue: bool
    working_days: int  # overdue by, or due in


@dataclass
class Section:
    title: str
    deadlines: list[Deadline] = field(default_factory=list)
    link: str = ""

    @property
    def overdue(self) -> int:
        return sum(1 for d in self.deadlines if d.overdue)

    @property
    def due_soon(self) -> int:
        return len(self.deadlines) - self.overdue

    @property
    def listed(self) -> list[Deadline]:
        return self.deadlines[:LISTED]

    @property
    def unlisted(self) -> int:
        return max(0, len(self.deadlines) - LISTED)


def digest_key(on: date, user_id: int) -> str:
    return f"clock-digest:{on.isoformat()}:{user_id}"


def collect(on: date, horizon: date) -> tuple[dict[int, list[Deadline]], dict[int, list]]:
    """Deadlines due by ``horizon`` (or overdue) by worker id and by team id, most urgent
    first. One query."""
    closed = [s.value for s in CLOSED_STAGES]
    rows = db.session.execute(
        select(Household.id, Household.reference, Household.name, Household.next_due_on,
               Household.next_due_label, Household.team_id, case_worker.c.user_id)
        .outerjoin(case_worker, case_worker.c.household_id == Household.id)
        .where(Household.next_due_on <= horizon, Household.stage.not_in(closed))
        .order_by(Household.next_due_on, Household.id)).all()
    by_worker: dict[int, list[Deadline]] = defaultdict(list)
    by_team: dict[int, list[Deadline]] = defaultdict(list)
    seen: dict[int, Deadline] = {}
    for hid, reference, name, due, label, team_id, user_id in rows:
        deadline = seen.get(hid)
        if deadline is None:
            overdue = due < on
            days = working_days_between(due, on) if overdue else working_days_between(on, due)
            deadline = seen[hid] = Deadline(reference, name, due, label or "Deadline", overdue,
                                            days)
            if team_id is not None:
                by_team[team_id].append(deadline)
        if user_id is not None:
            by_worker[user_id].append(deadline)
    return by_worker, by_team


@dataclass
class TaskDue:
    reference: str
    name: str
    title: str
    due: date
    overdue: bool


@dataclass
class TodaysVisit:
    reference: str
    name: str
    kind: str
    starts_at: datetime
    minutes: int
    location: str

    @property
    def when(self) -> str:
        return format_span(self.starts_at, self.minutes)


def collect_tasks(on: date) -> dict[int, list[TaskDue]]:
    """Open tasks on open cases that are overdue or due today, by owner. One query."""
    closed = [s.value for s in CLOSED_STAGES]
    rows = db.session.execute(
        select(Task.owner_id, Task.title, Task.due_on, Household.reference, Household.name)
        .join(Household, Household.id == Task.household_id)
        .where(Task.done_at.is_(None), Task.due_on <= on, Household.stage.not_in(closed))
        .order_by(Task.due_on, Task.id)).all()
    by_owner: dict[int, list[TaskDue]] = defaultdict(list)
    for owner_id, title, due, reference, name in rows:
        by_owner[owner_id].append(TaskDue(reference, name, title, due, due < on))
    return by_owner


def collect_visits(on: date) -> dict[int, list[TodaysVisit]]:
    """Booked visits during the London day ``on``, by worker attending. One query."""
    start, end = day_bounds(on)
    rows = db.session.execute(
        select(visit_worker.c.user_id, Visit.kind, Visit.starts_at, Visit.duration_minutes,
               Visit.location, Household.reference, Household.name)
        .join(Visit, Visit.id == visit_worker.c.visit_id)
        .join(Household, Household.id == Visit.household_id)
        .where(Visit.status.in_(Visit.ACTIVE), Visit.starts_at >= start,
               Visit.starts_at < end)
        .order_by(Visit.starts_at, Visit.id)).all()
    by_worker: dict[int, list[TodaysVisit]] = defaultdict(list)
    for user_id, kind, starts_at, minutes, location, reference, name in rows:
        by_worker[user_id].append(TodaysVisit(reference, name, KINDS.get(kind, "Visit"),
                                              london(starts_at), minutes, location))
    return by_worker


def send_clock_digests(now) -> dict:
    """Queue today's digests (in the outbox; the dispatcher sends them): deadlines overdue or
    due soon, tasks overdue or due today, and today's visits."""
    settings = load_settings()
    on = london(now).date()
    horizon = add_working_days(on, int(settings["digest_working_days"]))
    by_worker, by_team = collect(on, horizon)
    tasks, visits = collect_tasks(on), collect_visits(on)
    managers = db.session.execute(
        select(User.id, User.team_id).join(user_role, user_role.c.user_id == User.id)
        .join(Role, Role.id == user_role.c.role_id)
        .where(Role.key == RoleKey.TEAM_MANAGER.value, User.active.is_(True),
               User.team_id.in_(list(by_team)))).all()
    teams_of: dict[int, list[int]] = defaultdict(list)
    for user_id, team_id in managers:
        teams_of[user_id].append(team_id)
    wanted = set(by_worker) | set(teams_of) | set(tasks) | set(visits)
    if not wanted:
        return {"people": 0, "queued": 0, "already queued": 0}
    people = {u.id: u for u in db.session.execute(
        select(User.id, User.name, User.email).where(User.id.in_(wanted),
                                                     User.active.is_(True))).all()}
    team_names = dict(db.session.execute(select(Team.id, Team.name)).all())
    keys = {uid: digest_key(on, uid) for uid in people}
    done = set(db.session.scalars(select(OutboxMessage.idempotency_key).where(
        OutboxMessage.idempotency_key.in_(list(keys.values())))))
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    queued = skipped = 0
    for uid, person in sorted(people.items()):
        if keys[uid] in done:
            skipped += 1
            continue
        sections = []
        if by_worker.get(uid):
            sections.append(Section("Your cases", by_worker[uid],
                                    f"{base}/staff/my-work"))
        for team_id in sorted(teams_of.get(uid, [])):
            sections.append(Section(f"{team_names.get(team_id, 'Your team')}: all cases",
                                    by_team[team_id],
                                    f"{base}/staff/pipeline?team={team_id}&clock=overdue"))
        parts = render_email("clock_digest", name=person.name, sections=sections, on=on,
                             horizon=horizon, base=base, settings=settings,
                             tasks=tasks.get(uid, []), visits=visits.get(uid, []))
        db.session.add(OutboxMessage(idempotency_key=keys[uid], to_address=person.email,
                                     **parts))
        try:
            db.session.commit()
        except IntegrityError:  # another scheduler queued this person's digest first
            db.session.rollback()
            skipped += 1
        else:
            queued += 1
    return {"people": len(people), "queued": queued, "already queued": skipped}
