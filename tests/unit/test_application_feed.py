"""Reading an application's answers for the case: relationships in the case's words, dates
checked, and an earlier approval to foster found."""

from datetime import date

import pytest

from carers.application.feed import Problems, period, previous_fostering, relationship_key


@pytest.mark.parametrize(("typed", "key"), [
    ("Son", "child"), ("daughter", "child"), ("Step-daughter", "child"), ("child", "child"),
    ("Wife", "partner"), ("civil partner", "partner"), ("Mum", "parent"),
    ("Mother-in-law", "relative"), ("Grandson", "relative"), ("Brother", "relative"),
    ("Ex-husband", "ex_partner"), ("Lodger", "lodger"), ("Family friend", "other"),
    ("", "other"), (None, "other"),
])
def test_relationships_in_the_case_s_words(typed, key):
    assert relationship_key(typed) == key


def test_a_child_living_elsewhere_is_a_child_unless_said_otherwise():
    assert relationship_key("Adult son", "child") == "child"
    assert relationship_key("", "child") == "child"


def test_dates_are_checked_and_named_in_the_problem():
    problems = Problems()
    today = date(2027, 3, 1)
    assert problems.date("2007-11-15", "Jordan's date of birth", today) == date(2007, 11, 15)
    assert problems.date("", "Casey's date of birth", today) is None
    assert problems.date("2007-02-30", "Robin's date of birth", today) is None
    assert problems.date("2028-01-01", "Sam's date of birth", today) is None
    assert problems.found == ["Robin's date of birth is not a real date.",
                              "Sam's date of birth cannot be in the future."]


def test_periods_read_as_months():
    assert period("1999-01-01", "2003-06-30") == "January 1999 to June 2003"
    assert period("2001", "") == "2001"
    assert period(None, "2003-06-30") == "until June 2003"


def test_the_latest_approval_to_foster_names_the_previous_provider():
    assert previous_fostering([
        {"kind": "foster", "agency": "Old Agency", "year": 2010, "outcome": "Approved"},
        {"kind": "foster", "agency": "Newer Agency", "year": 2018,
         "outcome": "Approved, resigned 2026"},
        {"kind": "adopt", "agency": "Adoption Agency", "year": 2022, "outcome": "Approved"},
        {"kind": "foster", "agency": "Refused Agency", "year": 2024, "outcome": "Not approved"},
    ]) == "Newer Agency"
    assert previous_fostering([{"kind": "foster", "agency": "A", "year": 2020,
                                "outcome": "Withdrew"}]) is None
