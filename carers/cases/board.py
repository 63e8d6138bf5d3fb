"""The pipeline board's queries: counts per stage and the filtered, paginated case list.
Each is one SQL statement whatever the number of cases. Without a worker or deadline filter
the counts come from ``board_count`` (kept by the database on every change to a case) and
the person's allocations outside the teams they read, not from every case."""

from sqlalchemy import func, select
from sqlalchemy.orm import Query

from carers.auth.models import User
from carers.cases.forms import BoardFilterForm
from carers.cases.models import BoardCount, Household, Team, case_worker
from carers.clocks.workdays import add_working_days
from carers.core.dates import today
from carers.extensions import db
from carers.pipeline import PATHWAY_STAGES, Pathway, Stage
from carers.settings.registry import agency_settings

FILTERS = ("worker", "team", "pathway", "stage", "clock")


def board_filters(args) -> tuple[BoardFilterForm, dict]:
    form = BoardFilterForm(args)
    staff = db.session.execute(select(User.id, User.name).where(User.active.is_(True))
                               .order_by(User.name)).all()
    form.worker.choices = [("", "Anyone")] + [(str(i), n) for i, n in staff]
    teams = db.session.execute(select(Team.id, Team.name).order_by(Team.name)).all()
    form.team.choices = [("", "All teams")] + [(str(i), n) for i, n in teams]
    form.pathway.choices = [("", "Both")] + [(p.value, p.label) for p in Pathway]
    form.stage.choices = [("", "Any stage")] + [(s.value, s.label) for s in Stage]
    form.validate()
    filters = {}
    for name in FILTERS:
        field = getattr(form, name)
        value = args.get(name, "")
        filters[name] = value if value and not field.errors and value in {
            str(c[0]) for c in field.choices} else ""
    return form, filters


def _where(query, filters: dict, with_stage: bool = True):
    # An erased household's row stays for the figures only.
    query = query.where(Household.erased_at.is_(None))
    if filters.get("readable") is not None:  # the cases this person may see at all
        query = query.where(filters["readable"])
    if filters["worker"]:
        query = query.where(Household.id.in_(
            select(case_worker.c.household_id).where(case_worker.c.user_id == int(
                filters["worker"]))))
    if filters["team"]:
        query = query.where(Household.team_id == int(filters["team"]))
    if filters["pathway"]:
        query = query.where(Household.pathway == filters["pathway"])
    if with_stage and filters["stage"]:
        query = query.where(Household.stage == filters["stage"])
    clock = filters["clock"]
    if clock:
        on = today()
        soon = add_working_days(on, int(agency_settings()["due_soon_working_days"]))
        due = Household.next_due_on
        query = query.where({
            "overdue": due < on,
            "due_soon": due.between(on, soon),
            "on_track": due > soon,
            "none": due.is_(None),
        }[clock])
    return query


def case_counts(filters: dict) -> dict[tuple[str, str], int]:
    """The number of cases matching ``filters`` (all but the stage) in each pathway and
    stage. ``filters["scope"]``, if given, is ``readable_scope``'s answer for the person
    (absent: ``filters["readable"]`` is used as it is, and every case counted)."""
    if filters["worker"] or filters["clock"] or "scope" not in filters:
        rows = db.session.execute(
            _where(select(Household.pathway, Household.stage, func.count(Household.id)),
                   filters, with_stage=False).group_by(Household.pathway, Household.stage)
        ).all()
        return {(p, s): n for p, s, n in rows}
    summary = select(BoardCount.pathway, BoardCount.stage, BoardCount.cases)
    if filters["team"]:
        summary = summary.where(BoardCount.team_key == int(filters["team"]))
    if filters["pathway"]:
        summary = summary.where(BoardCount.pathway == filters["pathway"])
    scope = filters["scope"]
    if scope is not None:
        teams, user_id = scope
        summary = summary.where(BoardCount.team_key.in_(teams))
    counts: dict[tuple[str, str], int] = {}
    for pathway, stage, n in db.session.execute(summary):
        counts[pathway, stage] = counts.get((pathway, stage), 0) + n
    if scope is not None:
        # The person's own cases in the teams they do not read as a whole, counted from
        # their allocations, which carry each case's team, pathway and stage.
        mine = (select(case_worker.c.pathway, case_worker.c.stage, func.count())
                .where(case_worker.c.user_id == user_id, case_worker.c.live.is_(True)))
        if teams:
            mine = mine.where(case_worker.c.team_key.not_in(teams))
        if filters["team"]:
            mine = mine.where(case_worker.c.team_key == int(filters["team"]))
        if filters["pathway"]:
            mine = mine.where(case_worker.c.pathway == filters["pathway"])
        mine = mine.group_by(case_worker.c.pathway, case_worker.c.stage)
        for pathway, stage, n in db.session.execute(mine):
            counts[pathway, stage] = counts.get((pathway, stage), 0) + n
    return counts


def total(counts: dict[tuple[str, str], int], filters: dict) -> int:
    """The number of cases on the list: ``case_counts`` in the chosen stage (any stage)."""
    return sum(n for (_, stage), n in counts.items()
               if not filters["stage"] or stage == filters["stage"])


def stage_counts(filters: dict, counts: dict | None = None) -> list[dict]:
    """For each pathway, its stages in order with the number of cases in each."""
    if counts is None:
        counts = case_counts(filters)
    closed = [Stage.WITHDRAWN, Stage.NOT_SUITABLE_STAGE1, Stage.NOT_APPROVED,
              Stage.CLOSED_BEFORE_APPLICATION]
    return [
        {"pathway": pathway, "stages": [
            {"stage": stage, "count": counts.get((pathway.value, stage.value), 0)}
            for stage in (*PATHWAY_STAGES[pathway], *closed)
            if stage is not Stage.NOT_SUITABLE_STAGE1 or pathway is Pathway.MAINSTREAM
        ]}
        for pathway in Pathway
    ]


# Most urgent deadline first, cases with no running deadline last. Written with NULLS LAST
# (not "next_due_on IS NULL" first) so that SQLite and PostgreSQL read the first page from
# ix_household_next_due_on instead of sorting every matching case on each request.
URGENT_FIRST = (Household.next_due_on.asc().nulls_last(), Household.id)


def board_query(filters: dict) -> tuple[Query, Query]:
    query = _where(select(Household), filters).order_by(*URGENT_FIRST)
    count = _where(select(func.count(Household.id)), filters)
    return query, count
