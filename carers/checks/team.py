"""The team's list of checks needing attention across cases: outstanding, expiring within the
agency's warning period, and lapsed. A fixed number of queries whatever the number of cases:
one count (from the index alone), one page (with its cases) and one for the page's workers."""

from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from carers.auth.models import User
from carers.cases.models import Household, Team, case_worker
from carers.checks.forms import KIND_CHOICES, TeamFilterForm
from carers.checks.models import Check
from carers.extensions import db

FILTERS = ("kind", "status", "worker", "team")


def team_filters(args) -> tuple[TeamFilterForm, dict]:
    form = TeamFilterForm(args)
    staff = db.session.execute(select(User.id, User.name).where(User.active.is_(True))
                               .order_by(User.name)).all()
    form.worker.choices = [("", "Anyone")] + [(str(i), n) for i, n in staff]
    teams = db.session.execute(select(Team.id, Team.name).order_by(Team.name)).all()
    form.team.choices = [("", "All teams")] + [(str(i), n) for i, n in teams]
    form.kind.choices = [("", "Any check"), *KIND_CHOICES]
    form.validate()
    filters = {}
    for name in FILTERS:
        field = getattr(form, name)
        value = args.get(name, "")
        filters[name] = value if value and value in {str(c[0]) for c in field.choices} else ""
    return form, filters


def _where(query, filters: dict, on: date, within_days: int, walk_index: bool, readable=None):
    """Every condition is on a column of the attention index, so counting reads only the
    index. Closed cases' checks have no attention date, so they never appear.

    ``walk_index``: test the case filters on each index entry in turn (written
    ``household_id + 0`` so that SQLite cannot switch to the household index instead). A
    page then stops after its 25 rows, and a team's checks (a quarter of all cases) are
    counted faster than by fetching every check of each of its cases. One worker's cases
    are few, so their count starts from the cases.

    ``readable``: the cases the person may read (a condition on Household; None for all), so
    the list never shows checks on another team's cases."""
    query = query.where(Check.attention_on <= on + timedelta(days=within_days))
    status = filters["status"]
    if status == "outstanding":
        query = query.where(Check.done_on.is_(None))
    elif status == "expiring":
        query = query.where(Check.done_on.is_not(None), Check.attention_on >= on)
    elif status == "lapsed":
        query = query.where(Check.done_on.is_not(None), Check.attention_on < on)
    if filters["kind"]:
        query = query.where(Check.kind == filters["kind"])
    household = Check.household_id + 0
    if filters["worker"]:
        query = query.where((household if walk_index else Check.household_id).in_(
            select(case_worker.c.household_id).where(
                case_worker.c.user_id == int(filters["worker"]))))
    if filters["team"]:
        query = query.where(household.in_(
            select(Household.id).where(Household.team_id == int(filters["team"]))))
    if readable is not None:
        query = query.where((household if walk_index else Check.household_id).in_(
            select(Household.id).where(readable)))
    return query


def team_query(filters: dict, on: date, within_days: int, readable=None):
    """(page query, count query) for the checks needing attention, soonest first, in the
    attention index's own order (so a page never sorts the whole list)."""
    query = _where(select(Check), filters, on, within_days, walk_index=True,
                   readable=readable).options(
        # The case in the same query; then its workers' names (not their roles).
        joinedload(Check.household).selectinload(Household.workers).lazyload(User.roles),
    ).order_by(Check.attention_on, Check.done_on, Check.kind, Check.household_id, Check.id)
    count = _where(select(func.count()).select_from(Check), filters, on, within_days,
                   walk_index=False, readable=readable)
    return query, count
