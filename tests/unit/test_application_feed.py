"""Reading an application's answers for the case: relationships in the case's words, dates
checked, and an earlier approval to foster found."""

from datetime import date

import pytest

from carers.application.feed import (
    Problems,
    children_elsewhere_facts,
    period,
    person_facts,
    previous_fostering,
    relationship_key,
)


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


def _about(**more):
    return {"full_name": "Alex Smith", "previous_names": [], "date_of_birth": "1980-06-12",
            "sex": "female", "nationality": "British", "languages": "English", **more}


def test_a_person_s_identity_and_partnership_reach_the_report():
    about = _about(known_as="Lexi", birth_town=" Leicester ", birth_country="England",
                   religion="Hindu", practising=True, registered_disabled="yes",
                   disability_details="Deaf in one ear")
    relationships = {
        "current_partner": {"name": "Sam Smith", "since": "2005-04-01"},
        "partnership_kind": "married", "partnership_since": "2008-09-06",
        "partnership_place": "Leicester Register Office",
        "past_partners": [{"name": "Chris Brown", "from": "1999-01-01", "to": "2003-06-30",
                           "children_together": False}]}
    elsewhere = children_elsewhere_facts({"children_elsewhere": [
        {"name": "Robin Smith", "date_of_birth": "2001-08-20", "relationship": "son",
         "lives_with": "His partner, in Leeds"}, {"name": " "}]})
    facts = person_facts("Alex Smith", "applicant", about, None, None, relationships, None,
                         date(1980, 6, 12), elsewhere)
    assert facts["known_as"] == "Lexi"
    assert facts["place_of_birth"] == "Leicester, England"
    assert facts["religion"] == "Hindu" and facts["practising"] is True
    assert facts["registered_disabled"] == "yes"
    assert facts["disability_details"] == "Deaf in one ear"
    assert facts["partnership"] == {"kind": "married", "since": "2008-09-06",
                                    "place": "Leicester Register Office"}
    assert facts["past_partners"] == [{"name": "Chris Brown",
                                       "period": "January 1999 to June 2003",
                                       "ended_on": "2003-06-30", "children_together": False}]
    assert facts["children_elsewhere"] == [{"name": "Robin Smith",
                                            "date_of_birth": "2001-08-20",
                                            "relationship": "son",
                                            "lives_with": "His partner, in Leeds"}]
    # Another adult of the household gives their own details, not the applicants' children.
    adult = person_facts("Pat Smith", "adult", _about(), None, None, None, None, None,
                         elsewhere)
    assert adult["children_elsewhere"] == [] and adult["partnership"] is None


def test_what_was_not_asked_or_does_not_apply_is_none():
    # Answers saved before these questions were asked: each reads as not answered.
    facts = person_facts("Alex Smith", "applicant", _about(religion="Christian"), None, None,
                         {"current_partner": {"name": "Sam Smith", "since": "2005-04-01"},
                          "past_partners": [{"name": "Chris Brown", "from": "1999"}]},
                         None, None)
    assert facts["known_as"] is None and facts["place_of_birth"] is None
    assert facts["practising"] is None and facts["registered_disabled"] is None
    assert facts["partnership"] is None
    assert facts["past_partners"][0]["ended_on"] is None
    # Details of a disability are kept only with a yes; practising only with a religion.
    facts = person_facts("Alex Smith", "applicant",
                         _about(religion="No religion", practising=True,
                                registered_disabled="prefer_not", disability_details="x"),
                         None, None, {"current_partner": None, "past_partners": []}, None, None)
    assert facts["practising"] is None and facts["disability_details"] is None
    assert facts["registered_disabled"] == "prefer_not"
    assert facts["partnership"] == {"kind": "single", "since": None, "place": None}
    assert person_facts("X", "applicant", _about(registered_disabled="maybe"), None, None,
                        None, None, None)["registered_disabled"] is None
