"""The subject access clock, as plain Python: dates in, dates and words out.

UK GDPR article 12(3): the controller answers "without undue delay and in any event within
one month of receipt of the request", and may extend that "by two further months where
necessary", telling the person why within the first month. The ICO's guidance counts the
month from the day the request is received to the same day of the next month; when the next
month has no such day (31 January), the deadline is that month's last day (28 or 29
February). [V]
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

# UK GDPR article 12(3) [V]: one month to answer, extendable once by up to two more.
RESPONSE_MONTHS = 1
MAX_EXTENSION_MONTHS = 2

OPEN = "open"
COMPLETED = "completed"
STATUSES = {OPEN: "Open", COMPLETED: "Completed"}


def add_months(start: date, months: int) -> date:
    """The same day ``months`` calendar months on; the month's last day when it is shorter."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def due_date(received_on: date) -> date:
    """When the answer is due: one calendar month from the day the request was received."""
    return add_months(received_on, RESPONSE_MONTHS)


def extended_due_date(received_on: date, extension_months: int) -> date:
    """The deadline after an extension of ``extension_months`` (1 or 2) further months,
    counted from receipt: three months in all at most."""
    if not 1 <= extension_months <= MAX_EXTENSION_MONTHS:
        raise ValueError(f"An extension is 1 to {MAX_EXTENSION_MONTHS} months")
    return add_months(received_on, RESPONSE_MONTHS + extension_months)


def extension_refusal(received_on: date, already_extended: bool, months: int | None,
                      on: date) -> str | None:
    """Why an extension cannot be made now (None when it can). It is made once, and said
    within the first month (article 12(3): the person is told within one month)."""
    if already_extended:
        return "This request has already been extended. It can be extended only once"
    if months not in range(1, MAX_EXTENSION_MONTHS + 1):
        return f"Choose an extension of 1 or {MAX_EXTENSION_MONTHS} months"
    if on > due_date(received_on):
        return ("The first month has ended. An extension must be made, and the person told "
                "why, within one month of receiving the request")
    return None


@dataclass(frozen=True)
class Clock:
    due_on: date
    days_left: int  # negative when overdue
    overdue: bool
    completed: bool

    @property
    def words(self) -> str:
        if self.completed:
            return "Completed"
        if self.overdue:
            late = -self.days_left
            return f"Overdue by {late} day{'s' if late != 1 else ''}"
        if self.days_left == 0:
            return "Due today"
        return f"{self.days_left} day{'s' if self.days_left != 1 else ''} left"


def clock(due_on: date, on: date, completed: bool = False) -> Clock:
    """Where a request stands on ``on``: calendar days left (or late), not working days."""
    left = (due_on - on).days
    return Clock(due_on=due_on, days_left=left, overdue=not completed and left < 0,
                 completed=completed)
