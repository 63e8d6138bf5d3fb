"""Statutory and good-practice clocks, each with a due date, a status and an explanation.

Rule from docs/domain.md: a figure checked against legislation ([V]) is a constant here with
its source; a practice ([S]) or unverified ([U]) figure is an agency setting whose default
lives in ``CLOCK_DEFAULTS`` and which managers can change.

Every function is pure: plain dates in, a ``Clock`` out. ``settings`` is any mapping of
setting key to number (for example the agency's saved settings); missing keys fall back
to ``CLOCK_DEFAULTS``.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from carers.clocks.words import plural
from carers.clocks.workdays import add_working_days, describe_working_days, fmt_day

__all__ = [
    "add_years",
    "APPLICATION_TO_PANEL_MONTHS",
    "CLOCK_DEFAULTS",
    "FIRST_REVIEW_MONTHS",
    "IRM_PAPERS_WORKING_DAYS",
    "PANEL_PAPERS_WORKING_DAYS",
    "PREVIOUS_PROVIDER_RECORDS_WORKING_DAYS",
    "REG25_EXTENSION_MAX_WEEKS",
    "REG25_MAX_TOTAL_WEEKS",
    "RETENTION_APPROVED_CARER_YEARS",
    "RETENTION_CONNECTED_PERSON_YEARS",
    "RETENTION_REFUSED_WITHDRAWN_YEARS",
    "Clock",
    "ClockSetting",
    "ClockStatus",
    "add_months",
    "adm_decision_clock",
    "application_to_panel_clock",
    "brief_report_comments_clock",
    "clock_setting",
    "clock_status",
    "first_annual_review_clock",
    "final_report_comments_clock",
    "first_response_clock",
    "irm_papers_clock",
    "initial_visit_clock",
    "make_clock",
    "panel_papers_clock",
    "qd_response_clock",
    "reg24_clock",
    "reg24_due",
    "stage1_notice_clock",
    "viability_clock",
]

# --- [V] constants: checked against the legislation or standard named ---
APPLICATION_TO_PANEL_MONTHS = 8  # NMS 14.4: panel recommends within 8 months of application
PANEL_PAPERS_WORKING_DAYS = 5  # NMS 14.3: papers to panel members 5 working days before
REG25_EXTENSION_MAX_WEEKS = 8  # CPPCR 2010 reg 25: one extension of up to 8 weeks
REG25_MAX_TOTAL_WEEKS = 24  # CPPCR 2010 reg 25: 16 + 8 weeks at most in total
FIRST_REVIEW_MONTHS = 12  # FSR 2011 reg 28: first review within a year of approval
IRM_PAPERS_WORKING_DAYS = 10  # FSR 2011 reg 29: papers to the IRM within 10 working days
PREVIOUS_PROVIDER_RECORDS_WORKING_DAYS = 15  # FSR 2011 reg 32(6): access to earlier records
# FSR 2011 regs 30-32: the least time records are kept; an agency may set longer (settings).
RETENTION_APPROVED_CARER_YEARS = 10  # from the end of approval
RETENTION_CONNECTED_PERSON_YEARS = 10  # a regulation 24 carer's, from the placement's end
RETENTION_REFUSED_WITHDRAWN_YEARS = 3  # from refusal or withdrawal


@dataclass(frozen=True)
class ClockSetting:
    """An agency-settable figure: its default, what it means and how sure we are of it."""

    default: int
    unit: str  # "working days", "calendar days" or "weeks"
    label: str
    evidence: str  # "S" practice or secondary source, "U" unverified
    source: str
    minimum: int = 0  # the least an agency may set


CLOCK_DEFAULTS: dict[str, ClockSetting] = {
    "first_response_working_days": ClockSetting(
        1, "working days", "Reply to a new enquiry within", "S",
        "Local targets seen in council procedures; no statutory response time (NMS 13.2)."),
    "initial_visit_working_days": ClockSetting(
        5, "working days", "Initial home visit within (from the enquiry)", "S",
        "Local targets seen in council procedures."),
    "stage1_notice_working_days": ClockSetting(
        10, "working days", "Stage 1 unsuitability notice within (after the last Stage 1 item)",
        "S", "Calderdale procedure restating SI 2013/984; statutory text not retrieved."),
    "brief_report_comment_working_days": ClockSetting(
        10, "working days", "Applicant's time to comment on a brief report", "S",
        "Council procedures for brief reports to panel."),
    "final_report_comment_working_days": ClockSetting(
        10, "working days", "Applicant's time to comment on the final assessment report", "U",
        "Common practice; no statutory comment period found."),
    "adm_decision_working_days": ClockSetting(
        7, "working days", "Agency decision within (of recommendation and final minutes)", "S",
        "NMS standard 14 as reported by Fosterline."),
    "qd_response_days": ClockSetting(
        28, "calendar days", "Time to respond to a qualifying determination", "S",
        "Independent Review Mechanism guidance."),
    "reg24_weeks": ClockSetting(
        16, "weeks", "Regulation 24 temporary approval lasts", "S",
        "Consistent across local authority manuals (CPPCR 2010 reg 24)."),
    "viability_working_days": ClockSetting(
        10, "working days", "Finish a kinship viability assessment within (from its start)",
        "S", "No statutory timescale; Family Rights Group good practice and local "
        "procedures.", minimum=1),
    "due_soon_working_days": ClockSetting(
        2, "working days", "Show a deadline as 'due soon' this many working days ahead", "U",
        "Product setting."),
}


def clock_setting(settings: Mapping[str, object] | None, key: str) -> int:
    """The agency's value for ``key``, or its default. Accepts ints or ``ClockSetting``s."""
    value = (settings or {}).get(key, CLOCK_DEFAULTS[key])
    if isinstance(value, ClockSetting):
        value = value.default
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"Clock setting {key!r} must be a whole number of 0 or more.")
    return value


class ClockStatus(StrEnum):
    NOT_STARTED = "not_started"
    ON_TRACK = "on_track"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    MET = "met"
    MET_LATE = "met_late"

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]


_STATUS_LABELS = {
    ClockStatus.NOT_STARTED: "Not started",
    ClockStatus.ON_TRACK: "On track",
    ClockStatus.DUE_SOON: "Due soon",
    ClockStatus.OVERDUE: "Overdue",
    ClockStatus.MET: "Met",
    ClockStatus.MET_LATE: "Met late",
}


@dataclass(frozen=True)
class Clock:
    key: str
    label: str
    start: date | None  # the date counted from (for panel papers: the meeting, counted back)
    due: date | None
    met_on: date | None
    status: ClockStatus
    explanation: str  # one line: how the due date was worked out

    @property
    def status_label(self) -> str:
        return self.status.label

    @property
    def is_open(self) -> bool:
        """Still running: a caseworker has something to do before ``due``."""
        return self.status in (ClockStatus.ON_TRACK, ClockStatus.DUE_SOON, ClockStatus.OVERDUE)


def clock_status(due: date | None, today: date, met_on: date | None = None,
                 due_soon_working_days: int = 2) -> ClockStatus:
    if due is None:
        return ClockStatus.NOT_STARTED
    if met_on is not None:
        return ClockStatus.MET_LATE if met_on > due else ClockStatus.MET
    if today > due:
        return ClockStatus.OVERDUE
    # Due today counts as due soon; so does a weekend due date reached without a working day.
    if due <= add_working_days(today, due_soon_working_days):
        return ClockStatus.DUE_SOON
    return ClockStatus.ON_TRACK


def add_months(d: date, months: int) -> date:
    """Calendar months, clamped to month end: 31 Aug + 6 months = 28 (or 29) Feb."""
    index = d.month - 1 + months
    year, month = d.year + index // 12, index % 12 + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def add_years(d: date, years: int) -> date:
    """The same day ``years`` later; 29 February with no 29 February then is 1 March, so a
    period of whole years (records kept at least so long) never ends a day early."""
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return date(d.year + years, 3, 1)


def make_clock(key: str, label: str, start: date | None, today: date, *,
               working_days: int | None = None, days: int | None = None,
               weeks: int | None = None, months: int | None = None,
               met_on: date | None = None, settings: Mapping[str, object] | None = None,
               note: str = "") -> Clock:
    """Any clock in one line: give exactly one of working_days, days, weeks or months.

    Negative ``working_days`` counts back from ``start`` (a deadline before an event).
    ``note`` is added to the explanation, e.g. the rule's source.
    """
    given = {k: v for k, v in (("working_days", working_days), ("days", days),
                               ("weeks", weeks), ("months", months)) if v is not None}
    if len(given) != 1:
        raise ValueError("Give exactly one of working_days, days, weeks or months.")
    soon = clock_setting(settings, "due_soon_working_days")
    if start is None:
        return Clock(key, label, None, None, met_on, ClockStatus.NOT_STARTED,
                     "Not started yet." + (f" {note}" if note else ""))
    (unit, amount), = given.items()
    if unit == "working_days":
        due = add_working_days(start, amount)
        how = describe_working_days(start, amount, due)
    else:
        if unit == "months":
            due = add_months(start, amount)
        else:
            due = start + timedelta(days=amount * (7 if unit == "weeks" else 1))
        name = {"days": "calendar day", "weeks": "week", "months": "calendar month"}[unit]
        how = f"{plural(amount, name)} from {fmt_day(start)}: {fmt_day(due)}"
    explanation = f"Due {fmt_day(due)}: {how}." + (f" {note}" if note else "")
    return Clock(key, label, start, due, met_on, clock_status(due, today, met_on, soon),
                 explanation)


# --- the clocks in docs/domain.md section 9 ---

def first_response_clock(enquiry_received: date | None, today: date,
                         responded_on: date | None = None,
                         settings: Mapping[str, object] | None = None) -> Clock:
    n = clock_setting(settings, "first_response_working_days")
    return make_clock("first_response", "First response to enquiry", enquiry_received, today,
                      working_days=n, met_on=responded_on, settings=settings,
                      note="Agency target (setting).")


def initial_visit_clock(enquiry_received: date | None, today: date,
                        visited_on: date | None = None,
                        settings: Mapping[str, object] | None = None) -> Clock:
    n = clock_setting(settings, "initial_visit_working_days")
    return make_clock("initial_visit", "Initial home visit", enquiry_received, today,
                      working_days=n, met_on=visited_on, settings=settings,
                      note="Agency target (setting).")


def application_to_panel_clock(application_received: date | None, today: date,
                               recommended_on: date | None = None,
                               settings: Mapping[str, object] | None = None) -> Clock:
    return make_clock("application_to_panel",
                      f"Panel recommendation within {APPLICATION_TO_PANEL_MONTHS} months",
                      application_received, today, months=APPLICATION_TO_PANEL_MONTHS,
                      met_on=recommended_on, settings=settings, note="NMS 14.4.")


def stage1_notice_clock(last_stage1_item: date | None, today: date,
                        decided_on: date | None = None,
                        settings: Mapping[str, object] | None = None) -> Clock:
    """Starts when the last Stage 1 item arrives; met by the Stage 1 decision either way."""
    n = clock_setting(settings, "stage1_notice_working_days")
    return make_clock("stage1_notice", "Stage 1 decision", last_stage1_item, today,
                      working_days=n, met_on=decided_on, settings=settings,
                      note="With no notice of unsuitability by then, the case moves to Stage 2.")


def viability_clock(started_on: date | None, today: date, completed_on: date | None = None,
                    settings: Mapping[str, object] | None = None) -> Clock:
    """The kinship viability assessment: no statutory timescale, so the agency sets one."""
    n = clock_setting(settings, "viability_working_days")
    return make_clock("viability", "Viability assessment", started_on, today, working_days=n,
                      met_on=completed_on, settings=settings,
                      note="Agency timescale (setting); none is set in law.")


def brief_report_comments_clock(shared_on: date | None, today: date,
                                comments_on: date | None = None,
                                settings: Mapping[str, object] | None = None) -> Clock:
    n = clock_setting(settings, "brief_report_comment_working_days")
    return make_clock("brief_report_comments", "Applicant's comments on brief report", shared_on,
                      today, working_days=n, met_on=comments_on, settings=settings)


def final_report_comments_clock(shared_on: date | None, today: date,
                                comments_on: date | None = None,
                                settings: Mapping[str, object] | None = None) -> Clock:
    """The applicants' time to comment on the assessment report, from the day it is shared
    with them (docs/domain.md: no statutory period found; 10 working days is common)."""
    n = clock_setting(settings, "final_report_comment_working_days")
    return make_clock("final_report_comments", "Applicants' comments on the assessment report",
                      shared_on, today, working_days=n, met_on=comments_on, settings=settings)


def panel_papers_clock(meeting: date | None, today: date, sent_on: date | None = None,
                       settings: Mapping[str, object] | None = None) -> Clock:
    return make_clock("panel_papers", "Panel papers sent", meeting, today,
                      working_days=-PANEL_PAPERS_WORKING_DAYS, met_on=sent_on,
                      settings=settings, note="NMS 14.3.")


def adm_decision_clock(recommended_on: date | None, final_minutes_on: date | None, today: date,
                       decided_on: date | None = None,
                       settings: Mapping[str, object] | None = None) -> Clock:
    """Counts from whichever came later: the recommendation or the final minutes."""
    n = clock_setting(settings, "adm_decision_working_days")
    start = None
    note = "Waiting for the panel recommendation and final minutes."
    if recommended_on is not None and final_minutes_on is not None:
        start = max(recommended_on, final_minutes_on)
        which = ("final minutes" if final_minutes_on >= recommended_on else "recommendation")
        note = f"Counted from the {which}, whichever the decision maker received later."
    return make_clock("adm_decision", "Agency decision", start, today, working_days=n,
                      met_on=decided_on, settings=settings, note=note)


def qd_response_clock(qd_issued_on: date | None, today: date, responded_on: date | None = None,
                      settings: Mapping[str, object] | None = None) -> Clock:
    """The applicant's window to make representations or apply to the IRM (not both)."""
    n = clock_setting(settings, "qd_response_days")
    return make_clock("qd_response", "Response to qualifying determination", qd_issued_on,
                      today, days=n, met_on=responded_on, settings=settings)


def irm_papers_clock(irm_applied_on: date | None, today: date, sent_on: date | None = None,
                     settings: Mapping[str, object] | None = None) -> Clock:
    """The agency sends the applicant's papers to the IRM within 10 working days of the
    application (FSR 29)."""
    return make_clock("irm_papers", "Papers sent to the IRM", irm_applied_on, today,
                      working_days=IRM_PAPERS_WORKING_DAYS, met_on=sent_on, settings=settings,
                      note="FSR 29.")


def first_annual_review_clock(approved_on: date | None, today: date,
                              reviewed_on: date | None = None,
                              settings: Mapping[str, object] | None = None) -> Clock:
    return make_clock("first_annual_review", "First annual review (to panel)", approved_on,
                      today, months=FIRST_REVIEW_MONTHS, met_on=reviewed_on, settings=settings,
                      note="FSR 28.")


def _check_reg25_extensions(extensions: Sequence[int], base_weeks: int) -> int:
    """Weeks of extension allowed by CPPCR reg 25, or a ValueError saying why not."""
    if len(extensions) > 1:
        raise ValueError("Regulation 25 allows only one extension of a regulation 24 "
                         "temporary approval.")
    if not extensions:
        return 0
    weeks = extensions[0]
    if weeks < 1:
        raise ValueError("A regulation 25 extension must be at least 1 week.")
    if weeks > REG25_EXTENSION_MAX_WEEKS:
        raise ValueError(f"A regulation 25 extension can be at most "
                         f"{REG25_EXTENSION_MAX_WEEKS} weeks; {weeks} weeks were given.")
    if base_weeks + weeks > REG25_MAX_TOTAL_WEEKS:
        raise ValueError(f"Temporary approval cannot exceed {REG25_MAX_TOTAL_WEEKS} weeks in "
                         f"total; {base_weeks} + {weeks} weeks were given.")
    return weeks


def reg24_due(approved_on: date, extensions: Sequence[int] = (),
              settings: Mapping[str, object] | None = None) -> date:
    """When temporary approval lapses, including any extension (validated)."""
    base = clock_setting(settings, "reg24_weeks")
    return approved_on + timedelta(weeks=base + _check_reg25_extensions(extensions, base))


def reg24_clock(approved_on: date | None, today: date, extensions: Sequence[int] = (),
                ended_on: date | None = None,
                settings: Mapping[str, object] | None = None) -> Clock:
    """Regulation 24 temporary approval; ``extensions`` lists extension lengths in weeks.

    ``ended_on`` is when the clock stopped: full approval, or the placement ending.
    Extension "until the IRM outcome" (reg 25, after a refusal) is not a fixed date and
    is not modelled here.
    """
    base = clock_setting(settings, "reg24_weeks")
    extra = _check_reg25_extensions(extensions, base)
    label = "Regulation 24 temporary approval"
    if approved_on is None:
        return make_clock("reg24", label, None, today, weeks=base, settings=settings)
    if not extra:
        return make_clock("reg24", label, approved_on, today, weeks=base, met_on=ended_on,
                          settings=settings, note="CPPCR reg 24; can be extended once.")
    due = approved_on + timedelta(weeks=base + extra)
    soon = clock_setting(settings, "due_soon_working_days")
    explanation = (f"Due {fmt_day(due)}: {base} weeks from {fmt_day(approved_on)} "
                   f"plus an extension of {plural(extra, 'week')} under CPPCR reg 25.")
    return Clock("reg24", label, approved_on, due, ended_on,
                 clock_status(due, today, ended_on, soon), explanation)
