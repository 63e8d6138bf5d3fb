"""What the register says of one household: its kind of approval, status and next review.

Plain Python (the domain core): the facts of a case and the agency's settings come in as
arguments.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from carers.clocks.statutory import add_months, reg24_due

# FSR 2011 reg 28(2): a foster parent's approval is first reviewed not more than a year after
# it was given. An agency may review sooner, never later. [V]
FIRST_REVIEW_MAX_MONTHS = 12
FIRST_REVIEW_SETTING = "first_review_months"


class Status(StrEnum):
    APPROVED = "approved"
    TEMPORARY = "temporary"  # approved as a connected person under regulation 24
    ENDED = "ended"  # temporary approval ended (the placement ended or full approval)

    @property
    def label(self) -> str:
        return {"approved": "Approved", "temporary": "Temporarily approved (regulation 24)",
                "ended": "Temporary approval ended"}[self.value]


@dataclass(frozen=True)
class Approval:
    """The facts of a case the register reads."""

    approved: bool  # the agency decision maker approved the household
    decided_on: date | None
    first_review_on: date | None  # the review's date, if the case records one
    reg24_approved_on: date | None
    reg24_ended_on: date | None
    reg24_extension_weeks: int | None = None


@dataclass(frozen=True)
class Entry:
    status: Status
    approved_on: date | None
    next_review_on: date | None  # the first review of a full approval
    temporary_until: date | None  # when a temporary approval lapses

    @property
    def temporary(self) -> bool:
        return self.status is not Status.APPROVED


def first_review_months(settings) -> int:
    """The agency's setting, never beyond the legal year."""
    months = int(settings.get(FIRST_REVIEW_SETTING, FIRST_REVIEW_MAX_MONTHS))
    return max(1, min(months, FIRST_REVIEW_MAX_MONTHS))


def entry(approval: Approval, settings) -> Entry:
    """The register's entry for a household approved in full or temporarily."""
    if approval.approved:
        review = approval.first_review_on or (
            add_months(approval.decided_on, first_review_months(settings))
            if approval.decided_on else None)
        return Entry(Status.APPROVED, approval.decided_on, review, None)
    extensions = [approval.reg24_extension_weeks] if approval.reg24_extension_weeks else []
    until = None
    if approval.reg24_approved_on is not None and approval.reg24_ended_on is None:
        try:
            until = reg24_due(approval.reg24_approved_on, extensions, settings)
        except ValueError:  # an extension beyond the law's limit: shown without a date
            until = None
    status = Status.ENDED if approval.reg24_ended_on else Status.TEMPORARY
    return Entry(status, approval.reg24_approved_on, None, until)
