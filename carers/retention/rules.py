"""The retention schedule: how long a household's or an enquiry's records are kept, and from
when (docs/domain.md section 5; docs/records.md).

Plain Python: the facts of a record and the agency's settings (a plain mapping) in, its
retention class, the day it becomes due for review and why out. A due date is the first day
on which the whole period has passed, never a day early: a period that ends on a day the
calendar lacks (29 February, 31 April) ends on the first of the next month.
"""

import calendar
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from carers.clocks.statutory import (
    RETENTION_APPROVED_CARER_YEARS,
    RETENTION_CONNECTED_PERSON_YEARS,
    RETENTION_REFUSED_WITHDRAWN_YEARS,
    add_years,
)
from carers.clocks.workdays import fmt_day

FSR = "Fostering Services (England) Regulations 2011, regulation 32"
NO_RULE = "No regulation covers enquiries that never became applications: the agency's policy"

ENQUIRY_MONTHS_DEFAULT = 12
KEEP_IN_TOUCH_MONTHS_DEFAULT = 12


class RetentionClass(StrEnum):
    OPEN = "open"
    APPROVED_CONTINUING = "approved_continuing"
    APPROVED_ENDED = "approved_ended"
    REG24_CONTINUING = "reg24_continuing"
    REG24_ENDED = "reg24_ended"
    REFUSED_WITHDRAWN = "refused_withdrawn"
    ENQUIRY_ONLY = "enquiry_only"
    WITH_CASE = "with_case"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    RetentionClass.OPEN: "Open case: assessment continuing",
    RetentionClass.APPROVED_CONTINUING: "Approved: approval continuing",
    RetentionClass.APPROVED_ENDED: "Approved carer: approval ended",
    RetentionClass.REG24_CONTINUING: "Regulation 24: placement continuing",
    RetentionClass.REG24_ENDED: "Regulation 24 carer: placement ended",
    RetentionClass.REFUSED_WITHDRAWN: "Refused or withdrawn applicant",
    RetentionClass.ENQUIRY_ONLY: "Enquiry that did not become an application",
    RetentionClass.WITH_CASE: "Kept with the household's case",
}

# How each approval ended (resignation or termination), as recorded on the case.
APPROVAL_ENDINGS = {
    "resigned": "The carers resigned",
    "terminated": "The agency terminated approval",
    "died": "The carer died",
    "transferred": "The carers moved to another fostering service",
}

# Closed stages and what they mean here (the values of carers.pipeline.stages.Stage).
REFUSED = {"not_approved": "refused", "not_suitable_stage1": "refused"}
WITHDRAWN = "withdrawn"
CLOSED_BEFORE_APPLICATION = "closed_before_application"
APPROVED = "approved"


@dataclass(frozen=True)
class HouseholdFacts:
    stage: str
    decided_on: date | None = None  # approval, or refusal by the decision maker
    closed_on: date | None = None  # withdrawn, refused or closed
    approval_ended_on: date | None = None
    reg24_approved_on: date | None = None
    reg24_ended_on: date | None = None  # the regulation 24 placement's end
    keep_in_touch: bool = False  # its enquirer agreed to the agency staying in touch


@dataclass(frozen=True)
class EnquiryFacts:
    received_on: date
    keep_in_touch: bool = False
    has_case: bool = False  # became a household's case: kept with it


@dataclass(frozen=True)
class Retention:
    kind: RetentionClass
    due_on: date | None  # None: kept, with no date yet
    why: str

    @property
    def label(self) -> str:
        return self.kind.label


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later; a day the month lacks is the first of the next month."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    if day.day > calendar.monthrange(year, month)[1]:
        return date(year + month // 12, month % 12 + 1, 1)
    return date(year, month, day.day)


def _years(settings, key: str, floor: int) -> int:
    # The law's minimum holds whatever was saved in the settings.
    return max(floor, int(settings.get(key, floor)))


def household_retention(facts: HouseholdFacts, settings) -> Retention:
    """A household's retention class, due date and why: the longest of the rules that apply
    (a kinship household refused after a regulation 24 placement keeps the placement's 10
    years)."""
    approved_years = _years(settings, "retention_approved_carer_years",
                            RETENTION_APPROVED_CARER_YEARS)
    reg24_years = _years(settings, "retention_connected_person_years",
                         RETENTION_CONNECTED_PERSON_YEARS)
    closed_years = _years(settings, "retention_refused_withdrawn_years",
                          RETENTION_REFUSED_WITHDRAWN_YEARS)
    stage = str(facts.stage)
    if stage == APPROVED:
        if facts.approval_ended_on is None:
            return Retention(RetentionClass.APPROVED_CONTINUING, None,
                             "Kept while the carers are approved. An approved carer's "
                             f"records are kept at least {RETENTION_APPROVED_CARER_YEARS} "
                             f"years from the end of approval ({FSR}).")
        return Retention(
            RetentionClass.APPROVED_ENDED, add_years(facts.approval_ended_on, approved_years),
            f"Approval ended on {fmt_day(facts.approval_ended_on)}. An approved carer's "
            f"records are kept at least {RETENTION_APPROVED_CARER_YEARS} years from the end "
            f"of approval ({FSR}); the agency keeps them {approved_years} years.")
    if facts.reg24_approved_on is not None and facts.reg24_ended_on is None:
        return Retention(RetentionClass.REG24_CONTINUING, None,
                         "Kept while the child is placed under regulation 24. A regulation 24 "
                         f"carer's records are kept at least {RETENTION_CONNECTED_PERSON_YEARS} "
                         f"years from the end of the placement ({FSR}).")
    if stage not in REFUSED and stage not in (WITHDRAWN, CLOSED_BEFORE_APPLICATION):
        return Retention(RetentionClass.OPEN, None,
                         "Kept while the assessment goes on; the retention period starts when "
                         "the case ends.")
    ended = facts.closed_on or facts.decided_on
    if stage == CLOSED_BEFORE_APPLICATION and facts.reg24_ended_on is None and ended:
        # It never became an application: kept as an enquiry is, from the day it closed.
        return _enquiry_period(ended, f"Closed before an application on {fmt_day(ended)}",
                               facts.keep_in_touch, settings)
    candidates = []
    if facts.reg24_ended_on is not None:
        candidates.append(Retention(
            RetentionClass.REG24_ENDED, add_years(facts.reg24_ended_on, reg24_years),
            f"The regulation 24 placement ended on {fmt_day(facts.reg24_ended_on)}. A "
            f"regulation 24 carer's records are kept at least "
            f"{RETENTION_CONNECTED_PERSON_YEARS} years from the end of the placement ({FSR}); "
            f"the agency keeps them {reg24_years} years."))
    if ended is not None:
        how = REFUSED.get(stage, "withdrawn" if stage == WITHDRAWN else "closed")
        candidates.append(Retention(
            RetentionClass.REFUSED_WITHDRAWN, add_years(ended, closed_years),
            f"The application was {how} on {fmt_day(ended)}. Refused or withdrawn "
            f"applicants' records are kept at least {RETENTION_REFUSED_WITHDRAWN_YEARS} years "
            f"from refusal or withdrawal ({FSR}); the agency keeps them {closed_years} "
            "years."))
    if not candidates:
        return Retention(RetentionClass.REFUSED_WITHDRAWN, None,
                         "Kept: the case is closed but the day it closed is not recorded.")
    return max(candidates, key=lambda r: r.due_on)


def enquiry_retention(facts: EnquiryFacts, settings) -> Retention:
    """An enquiry's class, due date and why. An enquiry that became a case goes with it."""
    if facts.has_case:
        return Retention(RetentionClass.WITH_CASE, None,
                         "The enquiry became a household's case and is kept with it.")
    return _enquiry_period(facts.received_on, f"Received on {fmt_day(facts.received_on)}",
                           facts.keep_in_touch, settings)


def _enquiry_period(start: date, started: str, keep_in_touch: bool, settings) -> Retention:
    months = int(settings.get("enquiry_retention_months", ENQUIRY_MONTHS_DEFAULT))
    why = f"{started}; kept {months} months. {NO_RULE}."
    if keep_in_touch:
        extra = int(settings.get("enquiry_keep_in_touch_months", KEEP_IN_TOUCH_MONTHS_DEFAULT))
        months += extra
        why += (f" The enquirer agreed to the agency staying in touch: {extra} months more "
                f"({months} in all).")
    return Retention(RetentionClass.ENQUIRY_ONLY, add_months(start, months), why)


def is_due(retention: Retention, today: date) -> bool:
    return retention.due_on is not None and today >= retention.due_on
