"""A kinship case's regulation 24 history: the placement, the nominated officers' approvals
and the visits to the child, for the case page and the assessment report (Form C)."""

from datetime import date

from carers.cases.state import case_state
from carers.clocks.reg24_visits import (
    Reg24VisitSchedule,
    reg24_visit_schedule,
    reg24_visits_clock,
)
from carers.clocks.statutory import reg24_due
from carers.core.dates import today as london_today
from carers.pipeline import Pathway
from carers.settings.registry import agency_settings
from carers.visits.queries import reg24_visit_dates


def reg24_schedule(household, today: date | None = None) -> Reg24VisitSchedule:
    """Every regulation 24 visit due since the child was placed, and which visit met it."""
    return reg24_visit_schedule(
        household.child_placed_on, household.reg24_approved_on,
        reg24_visit_dates(household), today or london_today(),
        first_review_on=household.child_first_review_on, ended_on=household.reg24_ended_on)


def reg24_period(household) -> tuple[date | None, date | None]:
    """When temporary approval started to count, and when it lapses (with any extension)."""
    start = case_state(household).reg24_start
    if start is None:
        return None, None
    weeks = [household.reg24_extension_weeks] if household.reg24_extension_weeks else []
    return start, reg24_due(start, weeks, agency_settings())


def _day(d: date | None) -> str | None:
    return d.isoformat() if d else None


def reg24_history(household, today: date | None = None) -> dict:
    """The regulation 24 history as plain JSON: the placement, the approval and any
    extension with the nominated officer who approved each, when it lapses or ended, and
    the visits due and done. Dates are ISO strings; ``None`` when not recorded."""
    on = today or london_today()
    schedule = reg24_schedule(household, on)
    start, lapses = reg24_period(household)
    extension = None
    if household.reg24_extended_on:
        extension = {"extended_on": _day(household.reg24_extended_on),
                     "weeks": household.reg24_extension_weeks,
                     "nominated_officer": household.reg25_officer_name,
                     "officer_approved_on": _day(household.reg25_officer_on)}
    return {
        "placed_on": _day(household.child_placed_on),
        "reg24": {"approved_on": _day(household.reg24_approved_on),
                  "nominated_officer": household.reg24_officer_name,
                  "officer_approved_on": _day(household.reg24_officer_on),
                  "counted_from": _day(start),
                  "lapses_on": _day(lapses)},
        "reg25": extension,
        "ended_on": _day(household.reg24_ended_on),
        "first_review": {"on": _day(schedule.first_review),
                         "recorded": schedule.first_review_recorded},
        "visits": {"done": [_day(d) for d in schedule.visits],
                   "due": [slot.as_dict() for slot in schedule.slots],
                   "next_due": _day(schedule.next_due),
                   "overdue": schedule.overdue},
    }


def case_section(household, user):
    """The regulation 24 section of a kinship case's page, once temporary approval has been
    granted: the nominated officers, the placement and the visits schedule."""
    if household.pathway != Pathway.CONNECTED_PERSON.value or not household.reg24_approved_on:
        return None
    on = london_today()
    schedule = reg24_schedule(household, on)
    return "visits/_reg24_section.html", {
        "schedule": schedule,
        "clock": reg24_visits_clock(schedule, on, agency_settings()),
        "lapses_on": reg24_period(household)[1],
    }
