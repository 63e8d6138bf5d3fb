"""The team's list of checks needing attention across cases: outstanding, expiring within the
agency's warning period, and lapsed. A fixed number of queries whatever the number of cases:
one count (no further than COUNTED), one page (with its cases) and one for the page's
workers."""

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from carers.auth.models import User
from carers.cases.models import Household, Team, case_worker
from carers.checks.forms import KIND_CHOICES, TeamFilterForm
from carers.checks.models import Check
from carers.extensions import db

FILTERS = ("kind", "status", "worker", "team")
# The list counts this far and no further (40 pages): past that it says "more than", and the
# filters narrow it. Counting a whole agency's checks needing attention read most of the
# attention index on every request.
COUNTED = 1000


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


def _where(query, filters: dict, on: date, within_days: int, readable=None):
    """Checks needing attention by a date, with their cases joined. The checks are read in
    the attention index's order, each one's case looked up by its key and kept if the
    person may read it (``readable``, a condition on Household; None for all) and it
    matches the team filter. So the first page, and the count up to COUNTED, stop as soon as
    they have their rows, instead of first listing every case a team may read. One worker's
    cases are few, so that filter starts from them. Closed cases' checks have no attention
    date, so they never appear."""
    query = query.join(Household, Household.id == Check.household_id).where(
        Check.attention_on <= on + timedelta(days=within_days))
    status = filters["status"]
    if status == "outstanding":
        query = query.where(Check.done_on.is_(None))
    elif status == "expiring":
        query = query.where(Check.done_on.is_not(None), Check.attention_on >= on)
    elif status == "lapsed":
        query = query.where(Check.done_on.is_not(None), Check.attention_on < on)
    if filters["kind"]:
        query = query.where(Check.kind == filters["kind"])
    if filters["worker"]:
        query = query.where(Check.household_id.in_(
            select(case_worker.c.household_id).where(
                case_worker.c.user_id == int(filters["worker"]))))
    if filters["team"]:
        query = query.where(Household.team_id == int(filters["team"]))
    if readable is not None:
        query = query.where(readable)
    return query


def team_query(filters: dict, on: date, within_days: int, readable=None):
    """(page query, rows query) for the checks needing attention, soonest first, in the
    attention index's own order (so a page never sorts the whole list). The rows query is
    for counting them (``count_up_to``)."""
    query = _where(select(Check), filters, on, within_days, readable=readable).options(
        # The case from the same join; then its workers' names (not their roles).
        contains_eager(Check.household).selectinload(Household.workers).lazyload(User.roles),
    ).order_by(Check.attention_on, Check.done_on, Check.kind, Check.household_id, Check.id)
    rows = _where(select(Check.id), filters, on, within_days, readable=readable)
    return query, rows
