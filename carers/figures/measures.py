"""The recruitment figures as SQL: what each figure counts, for a period and a scope.

Every figure is a count over one query that lists what it counts (households with a date,
or enquiries), so a number on the dashboard and the list it links to come from the same
query. Counts are SQL aggregates (GROUP BY); a median or 90th percentile is picked from the
counts of each length the database returns (``carers.figures.ranks``); nothing loads cases
to count them in Python. What happened when comes from the stage spells
(``carers.pipeline.spells``), so the figures for a past period are what they were then, not
today's state.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, and_, case, func, literal, or_, select

from carers.auth.models import User
from carers.cases.models import Household, StageSpell, Team, case_worker
from carers.clocks.workdays import add_working_days
from carers.core.database import json_list_holds
from carers.core.dates import LONDON
from carers.enquiries.models import KINSHIP, MAINSTREAM, Enquiry
from carers.extensions import db
from carers.figures.periods import Period
from carers.figures.ranks import nearest_rank
from carers.panel.models import PanelDecision
from carers.pipeline.stages import Pathway, Stage

S = Stage


@dataclass(frozen=True)
class Scope:
    """Whose figures: a team, a worker's cases, a pathway (None: all)."""

    team_id: int | None = None
    worker_id: int | None = None
    pathway: str | None = None

    def households(self, query: Select, household_id) -> Select:
        """``query`` narrowed to the households in scope (``household_id`` its column).

        The test is on ``household_id + 0``, which no index can answer: the database then
        reads the rows the query's own conditions pick (a period, a stage) from their index
        and checks each against the scope's list of households, rather than reading every
        row of each household in scope, from every year."""
        if self.team_id is not None:
            query = query.where((household_id + 0).in_(
                select(Household.id).where(Household.team_id == self.team_id)))
        if self.worker_id is not None:
            query = query.where((household_id + 0).in_(
                select(case_worker.c.household_id)
                .where(case_worker.c.user_id == self.worker_id)))
        return query


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    stage: Stage | None  # None: the enquiries received
    from_stages: frozenset[Stage] | None = None  # entered only from these


FUNNELS: dict[Pathway, tuple[Step, ...]] = {
    Pathway.MAINSTREAM: (
        Step("enquiries", "Enquiries", None),
        Step("initial_visits", "Initial visits", S.INITIAL_VISIT),
        Step("applications", "Applications", S.APPLICATION_RECEIVED),
        Step("stage1", "Stage 1 complete", S.STAGE2, frozenset({S.STAGE1})),
        Step("stage2", "Stage 2 complete", S.READY_FOR_PANEL, frozenset({S.STAGE2})),
        Step("panel", "Panel recommendations", S.PANEL_RECOMMENDED),
        Step("approved", "Approved", S.APPROVED),
    ),
    Pathway.CONNECTED_PERSON: (
        Step("referrals", "Referrals", S.REFERRAL),
        Step("viability", "Viability assessments", S.VIABILITY_ASSESSMENT),
        Step("reg24", "Temporary approvals (regulation 24)", S.REG24_TEMPORARY_APPROVAL),
        Step("full_assessment", "Full assessments", S.FULL_ASSESSMENT),
        Step("approved", "Approved", S.APPROVED),
    ),
}

# The stages a case waits in, whose length the figures measure.
TIMED_STAGES = (S.ENQUIRY, S.INITIAL_CONTACT, S.INITIAL_VISIT, S.APPLICATION_RECEIVED, S.STAGE1,
                S.STAGE2, S.REFERRAL, S.VIABILITY_ASSESSMENT, S.REG24_TEMPORARY_APPROVAL,
                S.FULL_ASSESSMENT, S.READY_FOR_PANEL, S.PANEL_RECOMMENDED, S.AGENCY_DECISION)
OPEN_STAGES = tuple(s for s in Stage if s.is_open)
ENQUIRY_PATHWAY = {Pathway.MAINSTREAM: MAINSTREAM, Pathway.CONNECTED_PERSON: KINSHIP}


def instant(day: date) -> datetime:
    """The moment a London day starts, in UTC (enquiries are stamped in UTC)."""
    return datetime.combine(day, time(), tzinfo=LONDON).astimezone(UTC)


# --- what each figure counts ---

def entries(stages, period: Period, scope: Scope, *, pathway: str | None = None,
            from_stages=None, forward: bool = True) -> Select:
    """Each time a case entered one of ``stages`` in the period: (household_id, on, id)."""
    spell = StageSpell
    query = select(spell.household_id.label("household_id"), spell.entered_on.label("on"),
                   spell.id.label("id")).where(
        spell.stage.in_([s.value for s in stages]),
        spell.entered_on.between(period.start, period.end))
    if forward:
        query = query.where(spell.forward.is_(True))
    if from_stages:
        query = query.where(spell.from_stage.in_([s.value for s in from_stages]))
    pathway = pathway or scope.pathway
    if pathway:
        query = query.where(spell.pathway == pathway)
    return scope.households(query, spell.household_id)


def households_entering(step: Step, pathway: Pathway, period: Period, scope: Scope) -> Select:
    """The households that reached a funnel step in the period, each once, with the first
    day: (household_id, on)."""
    spells = entries([step.stage], period, scope, pathway=pathway.value,
                     from_stages=step.from_stages).subquery()
    return select(spells.c.household_id, func.min(spells.c.on).label("on")) \
        .group_by(spells.c.household_id)


def enquiries(period: Period, scope: Scope, pathway: str | None = None) -> Select:
    """Enquiries received in the period: (enquiry_id, on). A team's are those whose case is
    the team's, or, with no case yet, those of the pathway the team takes."""
    query = select(Enquiry.id.label("enquiry_id"), Enquiry.received_at.label("on")).where(
        Enquiry.received_at >= instant(period.start),
        Enquiry.received_at < instant(period.end + timedelta(days=1)))
    pathway = pathway or scope.pathway
    if pathway:
        query = query.where(Enquiry.pathway == ENQUIRY_PATHWAY[Pathway(pathway)])
    if scope.team_id is not None or scope.worker_id is not None:
        in_scope = scope.households(select(Household.enquiry_id).where(
            Household.enquiry_id.is_not(None)), Household.id)
        if scope.worker_id is not None:
            query = query.where(Enquiry.id.in_(in_scope))
        else:
            takes = select(Team.pathway).where(Team.id == scope.team_id).scalar_subquery()
            with_case = select(Household.enquiry_id).where(Household.enquiry_id.is_not(None))
            by_pathway = case((Enquiry.pathway == KINSHIP, Pathway.CONNECTED_PERSON.value),
                              else_=Pathway.MAINSTREAM.value)
            query = query.where(or_(Enquiry.id.in_(in_scope), and_(
                Enquiry.id.not_in(with_case), by_pathway == takes)))
    return query


def left_stage(stage: Stage, period: Period, scope: Scope) -> Select:
    """Each time a case left ``stage`` in the period: (household_id, on, id)."""
    spell = StageSpell
    query = select(spell.household_id.label("household_id"), spell.left_on.label("on"),
                   spell.id.label("id")).where(
        spell.stage == stage.value, spell.left_on.between(period.start, period.end))
    if scope.pathway:
        query = query.where(spell.pathway == scope.pathway)
    return scope.households(query, spell.household_id)


def approvals(period: Period, scope: Scope, within: bool | None = None) -> Select:
    """Approvals in the period, optionally only those within (or beyond) 8 months of the
    application."""
    query = entries([S.APPROVED], period, scope)
    if within is not None:
        query = query.where(StageSpell.within_target.is_(within))
    return query


def withdrawals(period: Period, scope: Scope, code: str | None = None,
                from_stage: str | None = None) -> Select:
    """Withdrawals in the period: with an Ofsted code ("none": without one), from a stage."""
    query = entries([S.WITHDRAWN], period, scope)
    if code == "none":
        query = query.where(StageSpell.withdrawal_code.is_(None))
    elif code:
        query = query.where(StageSpell.withdrawal_code == code)
    if from_stage:
        query = query.where(StageSpell.from_stage == from_stage)
    return query


def latest_approval_decision():
    """Each household's latest approval decision: (household_id, terms)."""
    latest = select(func.max(PanelDecision.id)).where(
        PanelDecision.kind == PanelDecision.APPROVE).group_by(PanelDecision.household_id)
    return select(PanelDecision.household_id, PanelDecision.terms).where(
        PanelDecision.id.in_(latest)).subquery()


def approvals_of_type(period: Period, scope: Scope, fostering_type: str) -> Select:
    """Approvals in the period whose terms name ``fostering_type`` ("none": no terms)."""
    approved = approvals(period, scope).subquery()
    decision = latest_approval_decision()
    query = select(approved.c.household_id, approved.c.on, approved.c.id).outerjoin(
        decision, decision.c.household_id == approved.c.household_id)
    if fostering_type == "none":
        return query.where(decision.c.terms.is_(None))
    return query.where(json_list_holds(decision.c.terms, literal("fostering_types"),
                                       literal(fostering_type)))


def open_cases(scope: Scope) -> Select:
    """Cases open now: (household_id, on: the day they reached their stage)."""
    query = select(Household.id.label("household_id"), Household.stage_since.label("on")) \
        .where(Household.stage.in_([s.value for s in OPEN_STAGES]))
    if scope.pathway:
        query = query.where(Household.pathway == scope.pathway)
    return scope.households(query, Household.id)


def first_response_cutoff(today: date, target: int) -> date:
    """The latest day an enquiry could arrive and be overdue today with no response: its
    target (``target`` working days after it arrived) has passed."""
    day = today
    while add_working_days(day, target) >= today:
        day -= timedelta(days=1)
    return day


def responses(period: Period, scope: Scope, status: str, today: date, target: int) -> Select:
    """Enquiries received in the period by their first response: "in_time", "late",
    "waiting" (none yet, still within the target) or "overdue" (none, target passed)."""
    query = enquiries(period, scope)
    took = Enquiry.first_response_working_days
    overdue_before = instant(first_response_cutoff(today, target) + timedelta(days=1))
    return query.where({
        "in_time": and_(Enquiry.first_response_at.is_not(None), took <= target),
        "late": and_(Enquiry.first_response_at.is_not(None), or_(took > target,
                                                                 took.is_(None))),
        "waiting": and_(Enquiry.first_response_at.is_(None),
                        Enquiry.received_at >= overdue_before),
        "overdue": and_(Enquiry.first_response_at.is_(None),
                        Enquiry.received_at < overdue_before),
    }[status])


# --- the dashboard's grouped figures ---

def count(query: Select) -> int:
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


def funnel(pathway: Pathway, period: Period, scope: Scope) -> list[dict]:
    """Each step's count and the share of the step before that reached it."""
    selects = []
    for step in FUNNELS[pathway]:
        query = enquiries(period, scope, pathway.value) if step.stage is None else \
            households_entering(step, pathway, period, scope)
        selects.append(select(func.count()).select_from(query.subquery()).scalar_subquery())
    counts = db.session.execute(select(*selects)).one()
    steps, before = [], None
    for step, n in zip(FUNNELS[pathway], counts, strict=True):
        steps.append({"step": step, "count": n,
                      "conversion": None if before is None else (n / before if before else None)})
        before = n
    return steps


def stage_times(period: Period, scope: Scope) -> list[dict]:
    """For each stage, the spells that ended in the period: how many, and the median and
    90th percentile of their length in working days and in weeks (nearest rank), from
    the counts of each length."""
    spell = StageSpell
    query = select(spell.stage, spell.working_days, spell.days, func.count()).where(
        spell.left_on.between(period.start, period.end),
        spell.stage.in_([s.value for s in TIMED_STAGES]))
    if scope.pathway:
        query = query.where(spell.pathway == scope.pathway)
    query = scope.households(query, spell.household_id).group_by(
        spell.stage, spell.working_days, spell.days)
    working: dict[str, dict[int, int]] = {}
    calendar: dict[str, dict[int, int]] = {}
    for stage, working_days, days, n in db.session.execute(query):
        by_wd, by_days = working.setdefault(stage, {}), calendar.setdefault(stage, {})
        by_wd[working_days] = by_wd.get(working_days, 0) + n
        by_days[days] = by_days.get(days, 0) + n
    found = []
    for stage in TIMED_STAGES:
        if stage.value not in working:
            continue
        by_wd, by_days = working[stage.value], calendar[stage.value]
        item = {"stage": stage, "count": sum(by_wd.values())}
        for percent in (50, 90):
            item[f"wd{percent}"] = nearest_rank(by_wd.items(), percent)
            item[f"weeks{percent}"] = round(nearest_rank(by_days.items(), percent) / 7, 1)
        found.append(item)
    return found


def application_to_approval(period: Period, scope: Scope) -> dict:
    """Approvals in the period: how many, how many within 8 months of the application, and
    the median and 90th percentile of the weeks it took."""
    spell = StageSpell
    approved = approvals(period, scope).add_columns(
        spell.within_target, spell.days_from_application).subquery()
    rows = db.session.execute(select(approved.c.within_target,
                                     approved.c.days_from_application, func.count())
                              .group_by(approved.c.within_target,
                                        approved.c.days_from_application)).all()
    result = {"count": sum(n for *_, n in rows),
              "within": sum(n for within, _, n in rows if within)}
    took = [(days, n) for _, days, n in rows if days is not None]
    for percent in (50, 90):
        days = nearest_rank(took, percent)
        if days is not None:
            result[f"weeks{percent}"] = round(days / 7, 1)
    return result


def _case_ids(scope: Scope, *where) -> Select:
    """The ids of the households in scope that meet ``where``."""
    query = select(Household.id).where(*where)
    if scope.pathway:
        query = query.where(Household.pathway == scope.pathway)
    if scope.team_id is not None:
        query = query.where(Household.team_id == scope.team_id)
    return query


def workers(scope: Scope, today: date, soon: date) -> list[dict]:
    """Each allocated worker's open cases ("open", "open_overdue") and the next deadlines
    of their cases by status ("overdue", "due_soon" by ``soon``, "on_track"), in one pass:
    membership tests on lists of case ids, which the database reads from an index, rather
    than joining each allocation to its case."""
    due = Household.next_due_on
    is_open = Household.stage.in_([s.value for s in OPEN_STAGES])
    lists = {"open": _case_ids(scope, is_open),
             "open_overdue": _case_ids(scope, is_open, due < today),
             "overdue": _case_ids(scope, due < today),
             "due_soon": _case_ids(scope, due.between(today, soon)),
             "on_track": _case_ids(scope, due > soon)}
    allocated = case_worker.c.household_id
    query = select(case_worker.c.user_id.label("id"), *[
        func.sum(case((allocated.in_(ids), 1), else_=0)).label(name)
        for name, ids in lists.items()]).where(or_(
            allocated.in_(lists["open"]), allocated.in_(_case_ids(scope, due.is_not(None)))))
    if scope.worker_id is not None:
        query = query.where(case_worker.c.user_id == scope.worker_id)
    sums = query.group_by(case_worker.c.user_id).subquery()
    rows = db.session.execute(select(User.id, User.name, *[sums.c[n] for n in lists])
                              .join(sums, sums.c.id == User.id).order_by(User.name))
    return [{k: v or 0 if k in lists else v for k, v in row._asdict().items()}
            for row in rows]


def clocks_by_team(scope: Scope, today: date, soon: date) -> list[dict]:
    """Next deadlines by status, per team: overdue, due soon (by ``soon``), on track."""
    due = Household.next_due_on
    statuses = {"overdue": due < today, "due_soon": due.between(today, soon),
                "on_track": due > soon}
    columns = [func.sum(case((condition, 1), else_=0)).label(name)
               for name, condition in statuses.items()]
    query = select(Household.team_id, *columns).where(due.is_not(None))
    if scope.pathway:
        query = query.where(Household.pathway == scope.pathway)
    sums = scope.households(query, Household.id).group_by(Household.team_id).subquery()
    rows = db.session.execute(select(Team.id, Team.name, *[sums.c[n] for n in statuses])
                              .join(sums, sums.c.team_id == Team.id).order_by(Team.name))
    return [row._asdict() for row in rows]


def first_responses(period: Period, scope: Scope, today: date, target: int) -> dict:
    cutoff = instant(first_response_cutoff(today, target) + timedelta(days=1))
    took = Enquiry.first_response_working_days
    answered = Enquiry.first_response_at.is_not(None)
    query = enquiries(period, scope).add_columns(
        case((and_(answered, took <= target), "in_time"), (answered, "late"),
             (Enquiry.received_at >= cutoff, "waiting"), else_="overdue").label("status")
    ).subquery()
    rows = db.session.execute(select(query.c.status, func.count()).group_by(query.c.status))
    return {"in_time": 0, "late": 0, "waiting": 0, "overdue": 0, **dict(rows.all())}


def sources(period: Period, scope: Scope) -> dict[str, int]:
    query = enquiries(period, scope).add_columns(Enquiry.heard_about.label("source")).subquery()
    return dict(db.session.execute(select(query.c.source, func.count())
                                   .group_by(query.c.source)).all())


def withdrawals_by(period: Period, scope: Scope) -> tuple[dict, dict]:
    """Withdrawals in the period by Ofsted code ("none": no code) and by the stage left."""
    query = withdrawals(period, scope).add_columns(
        func.coalesce(StageSpell.withdrawal_code, "none").label("code"),
        StageSpell.from_stage.label("from_stage")).subquery()
    by_code = dict(db.session.execute(select(query.c.code, func.count())
                                      .group_by(query.c.code)).all())
    by_stage = dict(db.session.execute(select(query.c.from_stage, func.count())
                                       .group_by(query.c.from_stage)).all())
    return by_code, by_stage


def approvals_by_type(period: Period, scope: Scope, types: list[str]) -> dict:
    """Approvals in the period: how many name each fostering type, the places approved
    and how many have no terms recorded."""
    approved = approvals(period, scope).subquery()
    decision = latest_approval_decision()
    terms = decision.c.terms
    columns = [func.count().label("approvals"),
               func.sum(terms["children"].as_integer()).label("places"),
               func.sum(case((terms.is_(None), 1), else_=0)).label("none")]
    columns += [func.sum(case((json_list_holds(terms, literal("fostering_types"),
                                               literal(t)), 1), else_=0)).label(f"t_{t}")
                for t in types]
    row = db.session.execute(select(*columns).select_from(approved).outerjoin(
        decision, decision.c.household_id == approved.c.household_id)).one()._asdict()
    return {"approvals": row["approvals"] or 0, "places": row["places"] or 0,
            "none": row["none"] or 0,
            "types": {t: row[f"t_{t}"] or 0 for t in types}}


def monthly(months: list[Period], scope: Scope) -> dict[str, list[int]]:
    """Enquiries, applications and approvals in each month: counts by day from the
    database, added up by month."""
    whole = Period(months[0].start, months[-1].end)

    def by_month(query: Select) -> list[int]:
        sub = query.subquery()
        days = db.session.execute(select(sub.c.on, func.count()).group_by(sub.c.on)).all()
        return [sum(n for day, n in days if month.start <= day <= month.end)
                for month in months]

    enquiry_rows = enquiries(whole, scope).subquery()
    enquiry_counts = db.session.execute(select(*[
        func.sum(case((and_(enquiry_rows.c.on >= instant(m.start),
                            enquiry_rows.c.on < instant(m.end + timedelta(days=1))), 1),
                      else_=0)) for m in months]).select_from(enquiry_rows)).one()
    applications = entries([S.APPLICATION_RECEIVED, S.FULL_ASSESSMENT], whole, scope)
    return {"enquiries": [n or 0 for n in enquiry_counts],
            "applications": by_month(applications),
            "approvals": by_month(entries([S.APPROVED], whole, scope))}
