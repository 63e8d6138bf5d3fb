"""Working days in England and Wales: weekdays that are not bank holidays.

Bank holidays come from the ``holidays`` package (``UK``, subdivision ``ENG``), which
works offline and includes one-off days such as the 2023 coronation. Clocks call these
functions many times per page, so the holiday table is built once, lazily, for
2000-2060 (widened on demand) and every count uses arithmetic plus ``bisect`` instead of
walking day by day.

Counting convention (the one statutory guidance uses): "n working days from X" counts
the working days *after* X, so the start day itself never counts, whatever time of day
something arrived.
"""

from __future__ import annotations

import threading
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, timedelta

import holidays

from carers.clocks.words import plural

__all__ = [
    "add_working_days",
    "describe_working_days",
    "fmt_day",
    "holidays_between",
    "is_working_day",
    "working_days_between",
]

_DEFAULT_YEARS = (2000, 2060)

# gov.uk's names are the ones applicants and staff see on their own calendars.
_GOVUK_NAMES = {
    "May Day": "Early May bank holiday",
    "Spring Bank Holiday": "Spring bank holiday",
    "Late Summer Bank Holiday": "Summer bank holiday",
}

_DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun",
                "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def fmt_day(d: date) -> str:
    """``Thu 25 Mar 2027``: locale-independent, no leading zero on the day."""
    return f"{_DAY_NAMES[d.weekday()]} {d.day} {_MONTH_NAMES[d.month - 1]} {d.year}"


def _govuk_name(name: str) -> str:
    # The package may join two holidays on one date with "; ".
    parts = []
    for part in name.split("; "):
        part = part.replace("(observed)", "(substitute day)")
        for theirs, ours in _GOVUK_NAMES.items():
            part = part.replace(theirs, ours)
        parts.append(part)
    return "; ".join(parts)


@dataclass(frozen=True)
class _Table:
    first_year: int
    last_year: int
    names: dict[date, str]  # only holidays falling Monday-Friday: weekends are skipped anyway
    ordinals: list[int]  # sorted ordinals of the same dates, for bisect


_table: _Table | None = None
_lock = threading.Lock()


def _build(first_year: int, last_year: int) -> _Table:
    raw = holidays.UK(subdiv="ENG", years=range(first_year, last_year + 1))
    names = {d: _govuk_name(n) for d, n in raw.items() if d.weekday() < 5}
    return _Table(first_year, last_year, names, sorted(d.toordinal() for d in names))


def _table_for(*years: int) -> _Table:
    """The holiday table, widened if a date falls outside the years it covers."""
    global _table
    table = _table
    lo, hi = min(years), max(years)
    if table is not None and table.first_year <= lo and hi <= table.last_year:
        return table
    with _lock:
        table = _table
        if table is None or lo < table.first_year or hi > table.last_year:
            first = min(lo, table.first_year if table else _DEFAULT_YEARS[0])
            last = max(hi, table.last_year if table else _DEFAULT_YEARS[1])
            table = _table = _build(first, last)
    return table


# --- weekday arithmetic on proleptic ordinals (ordinal 1 = Monday 1 Jan 0001) ---

def _weekdays_to(ordinal: int) -> int:
    """Number of Monday-Friday days with ordinals 1..ordinal."""
    weeks, rest = divmod(ordinal, 7)
    return weeks * 5 + min(rest, 5)


def _weekday_number(k: int) -> int:
    """The ordinal of the weekday whose ``_weekdays_to`` is k (inverse of the above)."""
    weeks, rest = divmod(k, 5)
    return weeks * 7 - 2 if rest == 0 else weeks * 7 + rest


def _holidays_in(table: _Table, lo_ordinal: int, hi_ordinal: int) -> int:
    """Weekday bank holidays with lo < ordinal <= hi."""
    return bisect_right(table.ordinals, hi_ordinal) - bisect_right(table.ordinals, lo_ordinal)


# --- public API ---

def is_working_day(d: date) -> bool:
    return d.weekday() < 5 and d not in _table_for(d.year).names


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end``; 0 if ``end <= start``.

    An enquiry received on Monday is "1 working day old" on Tuesday.
    """
    if end <= start:
        return 0
    table = _table_for(start.year, end.year)
    a, b = start.toordinal(), end.toordinal()
    return _weekdays_to(b) - _weekdays_to(a) - _holidays_in(table, a, b)


def add_working_days(start: date, n: int) -> date:
    """The nth working day after ``start`` (``start`` itself not counted).

    Negative ``n`` counts back: ``add_working_days(meeting, -5)`` is the 5th working day
    before the meeting. ``n == 0`` means "the same working day": ``start`` if it is a
    working day, otherwise the next one (a deadline can never fall on a Sunday).
    """
    if n == 0:
        return start if is_working_day(start) else add_working_days(start, 1)
    current = start.toordinal()
    remaining = abs(n)
    # Jump by weekdays arithmetically, then jump again by however many bank holidays the
    # jump crossed; only a handful of rounds are ever needed.
    while remaining:
        if n > 0:
            target = _weekday_number(_weekdays_to(current) + remaining)
            table = _table_for(date.fromordinal(current).year, date.fromordinal(target).year)
            remaining = _holidays_in(table, current, target)
        else:
            target = _weekday_number(_weekdays_to(current - 1) - remaining + 1)
            table = _table_for(date.fromordinal(target).year, date.fromordinal(current).year)
            remaining = _holidays_in(table, target - 1, current - 1)
        current = target
    return date.fromordinal(current)


def holidays_between(start: date, end: date) -> list[tuple[date, str]]:
    """Bank holidays falling on a weekday after ``start`` up to and including ``end``.

    These are the days a working-day count skipped (weekend holidays are already skipped
    as weekends, and their substitute days are listed instead).
    """
    if end <= start:
        return []
    table = _table_for(start.year, end.year)
    lo = bisect_right(table.ordinals, start.toordinal())
    hi = bisect_right(table.ordinals, end.toordinal())
    return [(d, table.names[d]) for d in map(date.fromordinal, table.ordinals[lo:hi])]


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def describe_working_days(start: date, n: int, result: date) -> str:
    """One line saying how ``result`` was worked out from ``start``.

    ``10 working days from Thu 25 Mar 2027, skipping Good Friday and Easter Monday:
    Mon 12 Apr 2027``; ``5 working days before Mon 12 Apr 2027: Mon 5 Apr 2027``.
    """
    days = plural(abs(n), "working day")
    if n >= 0:
        head = f"{days} from {fmt_day(start)}"
        skipped = holidays_between(start, result)
    else:
        head = f"{days} before {fmt_day(start)}"
        # Counting back covers result..start-1: the start day itself is never skipped.
        skipped = holidays_between(result - timedelta(days=1), start - timedelta(days=1))
    if n == 0 and result != start:
        head += " (not a working day, so the next one)"
    if skipped:
        names = [name for _, name in skipped]
        if len(set(names)) < len(names):  # same holiday twice: spans over a year
            names = [f"{name} {d.year}" for d, name in skipped]
        head += f", skipping {_join(names)}"
    return f"{head}: {fmt_day(result)}"
