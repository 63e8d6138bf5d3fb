"""Working days in England and Wales.

Every expected date in the tables below was worked out by hand from the gov.uk bank
holiday list and a calendar, then confirmed against the holidays package.
"""

from datetime import date, timedelta

import holidays
import pytest
from hypothesis import given
from hypothesis import strategies as st

from carers.clocks.workdays import (
    add_working_days,
    describe_working_days,
    fmt_day,
    holidays_between,
    is_working_day,
    working_days_between,
)

D = date

# (start, n, expected, why)
WORKED_CASES = [
    # Easter 2027: Good Friday 26 Mar, Easter Monday 29 Mar
    (D(2027, 3, 25), 1, D(2027, 3, 30), "Thu before Good Friday: next is Tue after Easter"),
    (D(2027, 3, 25), 10, D(2027, 4, 12), "the worked example in the brief"),
    (D(2027, 3, 26), 1, D(2027, 3, 30), "start on Good Friday itself"),
    (D(2027, 3, 24), 2, D(2027, 3, 30), "Thu 25 then Tue 30"),
    (D(2027, 4, 1), -3, D(2027, 3, 25), "counting back over Easter"),
    (D(2027, 4, 1), -5, D(2027, 3, 23), "panel papers before a meeting after Easter"),
    # Christmas 2026: Fri 25 Dec, Sat 26 Dec (Boxing Day), Mon 28 Dec substitute
    (D(2026, 12, 24), 1, D(2026, 12, 29), "Christmas Fri, substitute Boxing Day Mon 28"),
    (D(2026, 12, 24), 3, D(2026, 12, 31), "Tue 29, Wed 30, Thu 31"),
    (D(2026, 12, 24), 4, D(2027, 1, 4), "New Year's Day Fri 1 Jan 2027"),
    (D(2026, 12, 31), 1, D(2027, 1, 4), "over New Year and a weekend"),
    # Christmas 2027 on a weekend: substitutes Mon 27 and Tue 28; New Year substitute Mon 3 Jan
    (D(2027, 12, 24), 1, D(2027, 12, 29), "two substitute days"),
    (D(2027, 12, 31), 1, D(2028, 1, 4), "New Year's Day Sat, substitute Mon 3 Jan"),
    (D(2028, 1, 4), -1, D(2027, 12, 31), "back over the New Year substitute day"),
    # May and August bank holidays, all Mondays
    (D(2027, 4, 30), 1, D(2027, 5, 4), "early May bank holiday Mon 3 May 2027"),
    (D(2027, 5, 28), 1, D(2027, 6, 1), "spring bank holiday Mon 31 May 2027"),
    (D(2027, 8, 27), 5, D(2027, 9, 6), "summer bank holiday Mon 30 Aug 2027"),
    (D(2023, 5, 5), 1, D(2023, 5, 9), "coronation Mon 8 May 2023"),
    (D(2022, 9, 16), 1, D(2022, 9, 20), "state funeral Mon 19 Sep 2022"),
    # weekends
    (D(2027, 1, 8), 1, D(2027, 1, 11), "Fri to Mon"),
    (D(2027, 1, 9), 1, D(2027, 1, 11), "from a Saturday"),
    (D(2027, 1, 10), 1, D(2027, 1, 11), "from a Sunday"),
    (D(2027, 1, 11), -1, D(2027, 1, 8), "Mon back to Fri"),
    # month ends and the leap day (Tue 29 Feb 2028)
    (D(2027, 6, 30), 2, D(2027, 7, 2), "over a month end"),
    (D(2027, 4, 30), -1, D(2027, 4, 29), "back from a month end"),
    (D(2028, 2, 28), 1, D(2028, 2, 29), "onto the leap day"),
    (D(2028, 2, 25), 2, D(2028, 2, 29), "Fri to the leap day"),
    (D(2028, 2, 29), 1, D(2028, 3, 1), "off the leap day"),
    (D(2028, 4, 13), 1, D(2028, 4, 18), "Easter 2028: 14 and 17 Apr"),
]


@pytest.mark.parametrize(("start", "n", "expected", "why"), WORKED_CASES,
                         ids=[c[3] for c in WORKED_CASES])
def test_add_working_days_worked_cases(start: date, n: int, expected: date, why: str) -> None:
    assert add_working_days(start, n) == expected


@pytest.mark.parametrize(("start", "n", "expected", "why"),
                         [c for c in WORKED_CASES if c[1] > 0],
                         ids=[c[3] for c in WORKED_CASES if c[1] > 0])
def test_working_days_between_inverts_worked_cases(start: date, n: int, expected: date,
                                                   why: str) -> None:
    assert working_days_between(start, expected) == n


def test_add_zero_working_days_rolls_forward_to_a_working_day() -> None:
    assert add_working_days(D(2027, 1, 11), 0) == D(2027, 1, 11)  # a Monday stays
    assert add_working_days(D(2027, 1, 9), 0) == D(2027, 1, 11)  # Saturday to Monday
    assert add_working_days(D(2027, 5, 1), 0) == D(2027, 5, 4)  # Sat, Sun, bank holiday Mon


@pytest.mark.parametrize(("start", "end", "expected"), [
    (D(2027, 3, 25), D(2027, 4, 12), 10),
    (D(2027, 1, 11), D(2027, 1, 12), 1),  # an enquiry from Monday is 1 working day old Tue
    (D(2027, 1, 8), D(2027, 1, 11), 1),
    (D(2027, 1, 8), D(2027, 1, 9), 0),  # Friday to Saturday
    (D(2027, 1, 8), D(2027, 1, 8), 0),
    (D(2027, 1, 12), D(2027, 1, 8), 0),  # end before start
    (D(2026, 12, 24), D(2026, 12, 29), 1),
    (D(2026, 12, 31), D(2027, 12, 31), 253),  # 261 weekdays in 2027, 8 on bank holidays
])
def test_working_days_between(start: date, end: date, expected: int) -> None:
    assert working_days_between(start, end) == expected


def test_is_working_day() -> None:
    assert is_working_day(D(2027, 3, 25))
    assert not is_working_day(D(2027, 3, 26))  # Good Friday
    assert not is_working_day(D(2026, 12, 28))  # substitute Boxing Day
    assert is_working_day(D(2026, 12, 26)) is False  # Saturday
    assert is_working_day(D(2028, 2, 29))
    # Outside the precomputed years the table widens itself.
    assert not is_working_day(D(2075, 12, 25))  # a Wednesday
    assert not is_working_day(D(1995, 5, 8))  # VE Day 50: early May holiday moved to Mon 8


def test_holidays_between_lists_only_skipped_weekday_holidays() -> None:
    assert holidays_between(D(2027, 3, 25), D(2027, 4, 12)) == [
        (D(2027, 3, 26), "Good Friday"), (D(2027, 3, 29), "Easter Monday")]
    # Boxing Day 2026 is a Saturday: its substitute Monday is what gets skipped.
    assert holidays_between(D(2026, 12, 24), D(2026, 12, 29)) == [
        (D(2026, 12, 25), "Christmas Day"), (D(2026, 12, 28), "Boxing Day (substitute day)")]
    assert holidays_between(D(2027, 4, 30), D(2027, 5, 31)) == [
        (D(2027, 5, 3), "Early May bank holiday"), (D(2027, 5, 31), "Spring bank holiday")]
    assert holidays_between(D(2027, 8, 1), D(2027, 8, 30)) == [
        (D(2027, 8, 30), "Summer bank holiday")]
    assert holidays_between(D(2027, 4, 12), D(2027, 3, 25)) == []


def test_fmt_day() -> None:
    assert fmt_day(D(2027, 3, 25)) == "Thu 25 Mar 2027"
    assert fmt_day(D(2027, 4, 5)) == "Mon 5 Apr 2027"


def test_describe_reproduces_the_worked_example() -> None:
    start = D(2027, 3, 25)
    assert describe_working_days(start, 10, add_working_days(start, 10)) == (
        "10 working days from Thu 25 Mar 2027, skipping Good Friday and Easter Monday: "
        "Mon 12 Apr 2027")


@pytest.mark.parametrize(("start", "n", "expected"), [
    (D(2027, 4, 12), -5, "5 working days before Mon 12 Apr 2027: Mon 5 Apr 2027"),
    (D(2027, 4, 1), -5, "5 working days before Thu 1 Apr 2027, skipping Good Friday and "
                        "Easter Monday: Tue 23 Mar 2027"),
    (D(2027, 1, 8), 1, "1 working day from Fri 8 Jan 2027: Mon 11 Jan 2027"),
    (D(2026, 12, 24), 1, "1 working day from Thu 24 Dec 2026, skipping Christmas Day and "
                         "Boxing Day (substitute day): Tue 29 Dec 2026"),
    (D(2026, 12, 24), 4, "4 working days from Thu 24 Dec 2026, skipping Christmas Day, "
                         "Boxing Day (substitute day) and New Year's Day: Mon 4 Jan 2027"),
    (D(2027, 5, 1), 0, "0 working days from Sat 1 May 2027 (not a working day, so the next "
                       "one), skipping Early May bank holiday: Tue 4 May 2027"),
])
def test_describe_working_days(start: date, n: int, expected: str) -> None:
    assert describe_working_days(start, n, add_working_days(start, n)) == expected


def test_describe_names_the_year_when_a_holiday_repeats() -> None:
    start = D(2026, 3, 1)
    text = describe_working_days(start, 300, add_working_days(start, 300))
    assert "Good Friday 2026" in text and "Good Friday 2027" in text


# --- properties, checked against a plain day-by-day reference ---

_ENG = holidays.UK(subdiv="ENG", years=range(1990, 2081))
# Build the module's holiday table for the whole range now, outside Hypothesis's deadline.
is_working_day(D(1995, 1, 1)), is_working_day(D(2075, 12, 31))


def _reference_is_working_day(d: date) -> bool:
    return d.weekday() < 5 and d not in _ENG


def _reference_add(start: date, n: int) -> date:
    step = 1 if n >= 0 else -1
    d, left = start, abs(n)
    while left:
        d += timedelta(days=step)
        left -= _reference_is_working_day(d)
    return d


dates = st.dates(min_value=D(1995, 1, 1), max_value=D(2075, 12, 31))


@given(dates, st.integers(min_value=-300, max_value=300))
def test_due_date_is_a_working_day_on_the_right_side_of_start(start: date, n: int) -> None:
    due = add_working_days(start, n)
    assert is_working_day(due)
    assert _reference_is_working_day(due)
    if n > 0:
        assert due > start
    elif n < 0:
        assert due < start
    else:
        assert due >= start


@given(dates, st.integers(min_value=-300, max_value=300).filter(bool))
def test_add_working_days_matches_day_by_day_count(start: date, n: int) -> None:
    assert add_working_days(start, n) == _reference_add(start, n)


@given(dates, st.integers(min_value=1, max_value=600))
def test_working_days_between_inverts_add(start: date, n: int) -> None:
    assert working_days_between(start, add_working_days(start, n)) == n


@given(dates.filter(_reference_is_working_day), st.integers(min_value=1, max_value=600))
def test_counting_back_inverts_too(start: date, n: int) -> None:
    assert working_days_between(add_working_days(start, -n), start) == n


@given(dates, st.integers(min_value=0, max_value=900))
def test_working_days_between_matches_day_by_day_count(start: date, span: int) -> None:
    end = start + timedelta(days=span)
    expected = sum(_reference_is_working_day(start + timedelta(days=i))
                   for i in range(1, span + 1))
    assert working_days_between(start, end) == expected
