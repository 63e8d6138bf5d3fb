"""Who may see and change a case, and who may use the case pages.

The rules (``can_read``, ``can_change``) are asked by the record rules below, which the
access policy (carers.auth.policy) runs before every request to a case page, and by the
lists that show only readable cases (``readable_cases``).
"""

from sqlalchemy import or_, select
from werkzeug.exceptions import NotFound

from carers.auth.policy import record_rule, staff
from carers.auth.roles import AGENCY_WIDE, CASE_READERS, MANAGERS, RoleKey
from carers.cases.models import Household, Task, case_worker
from carers.extensions import db
from carers.settings.registry import agency_settings


def is_manager(user) -> bool:
    return user.has_role(*MANAGERS)


def can_change(user, household) -> bool:
    """The case's allocated workers, and managers of its team (the service manager and
    administrators anywhere)."""
    if user.has_role(RoleKey.ADMINISTRATOR, RoleKey.SERVICE_MANAGER):
        return True
    if user.has_role(RoleKey.TEAM_MANAGER):
        return household.team_id is None or household.team_id == user.team_id
    return any(worker.id == user.id for worker in household.workers)


def same_team(user, household) -> bool:
    """Teams apply when both the case and the person have one (a one-team agency has none)."""
    return household.team_id is None or user.team_id is None or \
        household.team_id == user.team_id


def can_read(user, household, settings=None) -> bool:
    """Who may see a case: those who may change it; staff working agency-wide; other staff of
    the case's team, read-only, when the agency's settings allow it."""
    if user.has_role(*CASE_READERS):
        if can_change(user, household) or user.has_role(*AGENCY_WIDE):
            return True
        if settings is None:
            settings = agency_settings()
        if settings.get("team_read_access", True) and same_team(user, household):
            return True
    return False


def readable_scope(user, settings=None) -> tuple[tuple[int, ...], int] | None:
    """The cases ``user`` may read, as (the teams whose cases they may all read, 0 for the
    cases in no team; their own id, for the cases allocated to them), or None for every case.
    The same rule as ``can_read``, in a form the board's counts can use."""
    if user.has_role(*AGENCY_WIDE):
        return None
    if settings is None:
        settings = agency_settings()
    team_wide = settings.get("team_read_access", True) or user.has_role(RoleKey.TEAM_MANAGER)
    if not team_wide:
        return (), user.id
    if user.team_id is None:
        return None if settings.get("team_read_access", True) else ((0,), user.id)
    return (0, user.team_id), user.id


def readable_cases(user, settings=None):
    """The cases ``user`` may read, as a condition on Household for lists (None: every case).
    The same rule as ``can_read``, for the pipeline board's queries."""
    return scope_condition(readable_scope(user, settings))


def scope_condition(scope):
    """``readable_scope``'s answer as a condition on Household (None: every case)."""
    if scope is None:
        return None
    teams, user_id = scope
    allocated = Household.id.in_(select(case_worker.c.household_id)
                                 .where(case_worker.c.user_id == user_id))
    conditions = [Household.team_id.is_(None)] if 0 in teams else []
    conditions += [Household.team_id == t for t in teams if t]
    return or_(*conditions, allocated) if conditions else allocated


# --- the access policy's record rules and the case pages' routes ---

CASE = "case"  # the case named by <reference>, read
CASE_CHANGE = "case_change"  # the same case, changed
TASK = "task"  # the task named by <task_id>


def _case_named(args) -> Household:
    household = db.session.scalar(select(Household).where(
        Household.reference == str(args.get("reference", ""))))
    if household is None:
        raise NotFound()
    return household


@record_rule(CASE)
def _may_read_case(user, args) -> bool:
    return can_read(user, _case_named(args))


@record_rule(CASE_CHANGE)
def _may_change_case(user, args) -> bool:
    return can_change(user, _case_named(args))


@record_rule(TASK)
def _may_complete_task(user, args) -> bool:
    """A task's owner completes it; otherwise whoever may change its case."""
    task = db.session.get(Task, args.get("task_id"))
    if task is None:
        raise NotFound()
    return task.owner_id == user.id or can_change(user, task.household)


ROUTES = {
    "cases.board": staff(CASE_READERS),
    "cases.board_download": staff(CASE_READERS),
    "cases.my_work": staff(CASE_READERS),
    "cases.case": staff(CASE_READERS, record=CASE),
    "cases.move": staff(CASE_READERS, record=CASE_CHANGE),
    "cases.add_note": staff(CASE_READERS, record=CASE_CHANGE),
    "cases.add_task": staff(CASE_READERS, record=CASE_CHANGE),
    "cases.task_done": staff(CASE_READERS, record=TASK),
    "cases.allocation": staff(CASE_READERS, record=CASE_CHANGE),
    "cases.child_details": staff(CASE_READERS, record=CASE_CHANGE),
    "cases.person": staff(CASE_READERS, record=CASE),
    "cases.correct_person": staff(CASE_READERS, record=CASE_CHANGE),
    "cases.correct_contact": staff(CASE_READERS, record=CASE_CHANGE),
    "cases.new_dispute": staff(CASE_READERS, record=CASE_CHANGE),
    "cases.resolve_dispute": staff(CASE_READERS, record=CASE_CHANGE),
    "cases.oversight": staff(MANAGERS, record=CASE_CHANGE),
    # Team managers see their own team's cases there (the query keeps to them).
    "cases.oversight_due": staff(MANAGERS),
    "cases.new_referral": staff(CASE_READERS),
}
