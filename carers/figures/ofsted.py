"""The Ofsted annual fostering return's recruitment and approvals figures, for a year from
1 April to 31 March, separately for mainstream and connected-person households
(docs/domain.md section 6). Each figure is a count over a query that lists what it counts.

What counts:
- initial enquiries: mainstream enquiries received in the year; for connected persons, the
  referrals opened in the year;
- applications: cases that made an application in the year (mainstream: application
  received; connected person: the full assessment started), a re-opened case again;
- approved, not approved (the decision maker's refusal or a Stage 1 notice) and withdrawn
  (by AW code) in the year: the day the case reached that outcome;
- in progress at 31 March: cases past application, not yet decided, on that day;
- approved at 31 March: households approved by that day, their carers (the people who
  applied) and places (from the terms of approval), and the carers' characteristics as
  aggregates. A carer whose characteristic is not known counts as "not recorded".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, case, func, or_, select

from carers.cases.models import HouseholdMember, StageSpell
from carers.extensions import db
from carers.figures import measures
from carers.figures.measures import Scope
from carers.figures.periods import Period, ofsted_year
from carers.pipeline.spells import add_months
from carers.pipeline.stages import (
    CLOSED_STAGES,
    PRE_APPLICATION_STAGES,
    WITHDRAWAL_REASONS,
    Pathway,
    Stage,
)
from carers.reports.models import CarerCharacteristics

S = Stage
CODES = ("AW1", "AW2", "AW3", "AW4", "AW5", "AW0")
IN_PROGRESS = tuple(s for s in Stage if s.is_open and s not in PRE_APPLICATION_STAGES)
APPLICATION_STAGES = {Pathway.MAINSTREAM: S.APPLICATION_RECEIVED,
                      Pathway.CONNECTED_PERSON: S.FULL_ASSESSMENT}
NOT_APPROVED = (S.NOT_APPROVED, S.NOT_SUITABLE_STAGE1)
assert set(NOT_APPROVED) < CLOSED_STAGES


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    indent: bool = False  # a part of the figure above


def figures() -> tuple[Figure, ...]:
    return (
        Figure("enquiries", "Initial enquiries (connected person: referrals)"),
        Figure("applications", "Applications received"),
        Figure("approved", "Applications approved"),
        Figure("not_approved", "Applications not approved"),
        Figure("withdrawn", "Applications withdrawn"),
        *(Figure(f"withdrawn_{code}", f"{code}: {WITHDRAWAL_REASONS[code]}", indent=True)
          for code in CODES),
        Figure("withdrawn_none", "No reason code recorded", indent=True),
        Figure("in_progress", "Applications in progress at 31 March"),
        Figure("households", "Households approved at 31 March"),
    )


def covering(stages, day: date, scope: Scope, pathway: Pathway) -> Select:
    """The cases in one of ``stages`` on ``day``: (household_id, on: the day they got there)."""
    spell = StageSpell
    query = select(spell.household_id.label("household_id"), spell.entered_on.label("on")) \
        .where(spell.stage.in_([s.value for s in stages]), spell.pathway == pathway.value,
               spell.entered_on <= day, or_(spell.left_on.is_(None), spell.left_on > day))
    return scope.households(query, spell.household_id)


def figure_query(key: str, year: int, pathway: Pathway, scope: Scope) -> Select:
    """What one figure counts: (household_id or enquiry_id, on)."""
    period = ofsted_year(year)
    scope = Scope(scope.team_id, scope.worker_id, pathway.value)
    if key == "enquiries":
        if pathway is Pathway.MAINSTREAM:
            return measures.enquiries(period, scope)
        return measures.entries([S.REFERRAL], period, scope)
    if key == "applications":
        return measures.entries([APPLICATION_STAGES[pathway]], period, scope)
    if key == "approved":
        return measures.entries([S.APPROVED], period, scope)
    if key == "not_approved":
        return measures.entries(NOT_APPROVED, period, scope)
    if key == "withdrawn":
        return measures.withdrawals(period, scope)
    if key.startswith("withdrawn_"):
        return measures.withdrawals(period, scope, code=key.removeprefix("withdrawn_"))
    if key == "in_progress":
        return covering(IN_PROGRESS, period.end, scope, pathway)
    if key == "households":
        return covering([S.APPROVED], period.end, scope, pathway)
    raise KeyError(key)


def is_enquiry_figure(key: str, pathway: Pathway) -> bool:
    return key == "enquiries" and pathway is Pathway.MAINSTREAM


def recruitment(year: int, pathway: Pathway, scope: Scope) -> dict[str, int]:
    """Every figure of the return's recruitment table for one pathway, in one query."""
    counts = [select(func.count()).select_from(
        figure_query(f.key, year, pathway, scope).subquery()).scalar_subquery()
        for f in figures()]
    row = db.session.execute(select(*counts)).one()
    return {f.key: n for f, n in zip(figures(), row, strict=True)}


# --- approved carers at 31 March ---

AGE_BANDS = ((18, "18 to 19"), (20, "20 to 24"), (25, "25 to 34"), (35, "35 to 44"),
             (45, "45 to 54"), (55, "55 to 64"), (65, "65 and over"))
NOT_RECORDED = "Not recorded"


@dataclass(frozen=True)
class Characteristic:
    key: str
    label: str
    values: dict[str, str] | None = None  # stored value -> words (None: as recorded)


CHARACTERISTICS = (
    Characteristic("age", "Age on 31 March"),
    Characteristic("sex", "Sex", {"female": "Female", "male": "Male"}),
    Characteristic("ethnicity", "Ethnic group"),
    Characteristic("disability", "Disability", {"yes": "Disabled", "no": "Not disabled",
                                                "prefer_not": "Prefers not to say"}),
    Characteristic("religion", "Religion"),
    Characteristic("relationship_status", "Relationship status", {
        "married": "Married", "civil_partnership": "Civil partnership",
        "cohabiting": "Living together", "living_apart_together": "Living apart together",
        "single": "Single"}),
    Characteristic("sexual_orientation", "Sexual orientation"),
    Characteristic("gender_identity", "Gender identity"),
)


def _age_band(day: date):
    born = CarerCharacteristics.born_by
    whens = [(born.is_(None), None)]
    for age, words in reversed(AGE_BANDS):
        whens.append((born <= add_months(day, -12 * age), words))
    return case(*whens, else_="Under 18")


def approved_carers(year: int, pathway: Pathway, scope: Scope) -> dict:
    """Households, carers and places approved at 31 March, and the carers'
    characteristics: {"households", "carers", "places", "no_terms", "characteristics":
    [(Characteristic, [(words, count)])]}."""
    day = ofsted_year(year).end
    approved = covering([S.APPROVED], day, scope, pathway).subquery()
    decision = measures.latest_approval_decision()
    totals = db.session.execute(select(
        select(func.count()).select_from(approved).scalar_subquery(),
        select(func.count()).select_from(HouseholdMember).where(
            HouseholdMember.is_applicant.is_(True),
            HouseholdMember.household_id.in_(select(approved.c.household_id)))
        .scalar_subquery(),
        select(func.sum(decision.c.terms["children"].as_integer())).where(
            decision.c.household_id.in_(select(approved.c.household_id))).scalar_subquery(),
        select(func.count()).select_from(approved).where(~approved.c.household_id.in_(
            select(decision.c.household_id).where(decision.c.terms.is_not(None))))
        .scalar_subquery(),
    )).one()
    households, carers, places, no_terms = (n or 0 for n in totals)
    table = []
    for characteristic in CHARACTERISTICS:
        value = _age_band(day) if characteristic.key == "age" else \
            getattr(CarerCharacteristics, characteristic.key)
        rows = db.session.execute(
            select(value.label("value"), func.count()).where(
                CarerCharacteristics.household_id.in_(select(approved.c.household_id)),
                value.is_not(None))
            .group_by(value).order_by(value)).all()
        words = characteristic.values or {}
        counted = [(words.get(v, v), n) for v, n in rows]
        recorded = sum(n for _, n in counted)
        counted.append((NOT_RECORDED, max(0, carers - recorded)))
        table.append((characteristic, counted))
    return {"households": households, "carers": carers, "places": places,
            "no_terms": no_terms, "characteristics": table}


# --- what stops the return being complete ---

@dataclass(frozen=True)
class Gap:
    key: str
    label: str


GAPS = (
    Gap("withdrawal_code", "Withdrawals in the year with no Ofsted reason code (AW0 to AW5)"),
    Gap("characteristics", "Approved households whose carers' details were never recorded "
                           "(no application on the system)"),
    Gap("disability", "Approved carers with no disability status"),
    Gap("date_of_birth", "Approved carers with no date of birth (no age band)"),
    Gap("sex", "Approved carers with no sex recorded"),
    Gap("ethnicity", "Approved carers with no ethnic group recorded"),
    Gap("terms", "Approved households with no terms of approval (places) recorded"),
)


def gap_query(key: str, year: int, scope: Scope) -> Select:
    """The households behind one gap, both pathways: (household_id, on)."""
    period = ofsted_year(year)
    if key == "withdrawal_code":
        return measures.withdrawals(period, scope, code="none")
    approved = [covering([S.APPROVED], period.end, scope, p) for p in Pathway]
    everyone = approved[0].union_all(approved[1]).subquery()
    query = select(everyone.c.household_id, everyone.c.on)
    if key == "characteristics":
        return query.where(~everyone.c.household_id.in_(
            select(CarerCharacteristics.household_id)))
    if key == "terms":
        decision = measures.latest_approval_decision()
        return query.where(~everyone.c.household_id.in_(
            select(decision.c.household_id).where(decision.c.terms.is_not(None))))
    # The date of birth itself is not kept: the 31 March after it stands in for it.
    column = CarerCharacteristics.born_by if key == "date_of_birth" else \
        getattr(CarerCharacteristics, key)
    return query.where(everyone.c.household_id.in_(
        select(CarerCharacteristics.household_id).where(column.is_(None))))


def gaps(year: int, scope: Scope) -> list[tuple[Gap, int]]:
    counts = [select(func.count()).select_from(gap_query(g.key, year, scope).subquery())
              .scalar_subquery() for g in GAPS]
    row = db.session.execute(select(*counts)).one()
    return list(zip(GAPS, row, strict=True))


def period_of(year: int) -> Period:
    return ofsted_year(year)
