"""The periods managers look at figures for: a month, a financial quarter, the financial
year (1 April to 31 March, as the Ofsted return), or dates of their own; and the months of
a trend. Plain Python."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

__all__ = ["PERIOD_KINDS", "Period", "financial_year", "last_months", "ofsted_year", "period"]

PERIOD_KINDS = {
    "month": "This month",
    "quarter": "This quarter (April to June, July to September, ...)",
    "year": "This financial year (1 April to 31 March)",
    "custom": "Dates of your own",
}


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # included

    @property
    def words(self) -> str:
        return f"{self.start.day} {self.start:%B %Y} to {self.end.day} {self.end:%B %Y}"


def _month_end(day: date) -> date:
    following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return following - timedelta(days=1)


def financial_year(day: date) -> int:
    """The year a financial year starts in: 2025 for 1 April 2025 to 31 March 2026."""
    return day.year if day.month >= 4 else day.year - 1


def ofsted_year(year: int) -> Period:
    """The Ofsted return's year: 1 April ``year`` to 31 March the year after."""
    return Period(date(year, 4, 1), date(year + 1, 3, 31))


def period(kind: str, today: date, start: date | None = None,
           end: date | None = None) -> Period:
    """The period of ``kind`` that holds ``today``; "custom" is ``start`` to ``end``."""
    if kind == "custom" and start and end:
        return Period(min(start, end), max(start, end))
    if kind == "month":
        return Period(today.replace(day=1), _month_end(today))
    if kind == "quarter":
        # Financial quarters (April to June is the first) never cross a calendar year.
        first_month = today.month - (today.month - 1) % 3
        last = date(today.year, first_month + 2, 1)
        return Period(date(today.year, first_month, 1), _month_end(last))
    return ofsted_year(financial_year(today))


def last_months(today: date, count: int = 12) -> list[Period]:
    """The last ``count`` calendar months up to and including this one, oldest first."""
    months = []
    first = today.replace(day=1)
    for _ in range(count):
        months.append(Period(first, _month_end(first)))
        first = (first - timedelta(days=1)).replace(day=1)
    return months[::-1]
