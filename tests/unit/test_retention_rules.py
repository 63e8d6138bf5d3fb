"""The retention schedule on its own: classes, due dates (never a day early) and why."""

from datetime import date

import pytest

from carers.retention.rules import (
    EnquiryFacts,
    HouseholdFacts,
    RetentionClass,
    add_months,
    add_years,
    enquiry_retention,
    household_retention,
    is_due,
)

SETTINGS = {"retention_approved_carer_years": 10, "retention_connected_person_years": 10,
            "retention_refused_withdrawn_years": 3, "enquiry_retention_months": 12,
            "enquiry_keep_in_touch_months": 12}


def test_withdrawn_three_years_from_withdrawal_not_a_day_early():
    r = household_retention(HouseholdFacts("withdrawn", closed_on=date(2023, 5, 10)), SETTINGS)
    assert r.kind is RetentionClass.REFUSED_WITHDRAWN
    assert r.due_on == date(2026, 5, 10)
    assert not is_due(r, date(2026, 5, 9)) and is_due(r, date(2026, 5, 10))
    assert "regulation 32" in r.why and "withdrawn on Wed 10 May 2023" in r.why


def test_refused_by_the_decision_maker():
    r = household_retention(HouseholdFacts("not_approved", decided_on=date(2024, 1, 2),
                                           closed_on=date(2024, 1, 2)), SETTINGS)
    assert (r.kind, r.due_on) == (RetentionClass.REFUSED_WITHDRAWN, date(2027, 1, 2))
    assert "refused" in r.why


def test_leap_day_rolls_forward_never_back():
    assert add_years(date(2024, 2, 29), 3) == date(2027, 3, 1)
    assert add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)
    assert add_months(date(2025, 1, 31), 1) == date(2025, 3, 1)
    assert add_months(date(2023, 2, 28), 12) == date(2024, 2, 28)
    assert add_months(date(2024, 12, 15), 14) == date(2026, 2, 15)
    r = household_retention(HouseholdFacts("withdrawn", closed_on=date(2024, 2, 29)), SETTINGS)
    assert r.due_on == date(2027, 3, 1)
    assert not is_due(r, date(2027, 2, 28))


def test_approved_kept_while_approval_continues_then_ten_years():
    kept = household_retention(HouseholdFacts("approved", decided_on=date(2015, 1, 1)), SETTINGS)
    assert (kept.kind, kept.due_on) == (RetentionClass.APPROVED_CONTINUING, None)
    assert not is_due(kept, date(2100, 1, 1))
    ended = household_retention(HouseholdFacts("approved", decided_on=date(2015, 1, 1),
                                               approval_ended_on=date(2016, 6, 30)), SETTINGS)
    assert (ended.kind, ended.due_on) == (RetentionClass.APPROVED_ENDED, date(2026, 6, 30))


def test_the_law_is_a_floor_and_an_agency_may_keep_longer():
    facts = HouseholdFacts("withdrawn", closed_on=date(2020, 1, 1))
    assert household_retention(facts, {**SETTINGS, "retention_refused_withdrawn_years": 1}
                               ).due_on == date(2023, 1, 1)
    assert household_retention(facts, {**SETTINGS, "retention_refused_withdrawn_years": 6}
                               ).due_on == date(2026, 1, 1)


def test_regulation_24_placement():
    placed = HouseholdFacts("full_assessment", reg24_approved_on=date(2020, 3, 1))
    assert household_retention(placed, SETTINGS).kind is RetentionClass.REG24_CONTINUING
    # Refused after the placement ended: the placement's ten years outlast the three.
    refused = HouseholdFacts("not_approved", closed_on=date(2021, 1, 1),
                             reg24_approved_on=date(2020, 3, 1), reg24_ended_on=date(2020, 12, 1))
    r = household_retention(refused, SETTINGS)
    assert (r.kind, r.due_on) == (RetentionClass.REG24_ENDED, date(2030, 12, 1))


def test_open_case_is_kept():
    r = household_retention(HouseholdFacts("stage2"), SETTINGS)
    assert (r.kind, r.due_on) == (RetentionClass.OPEN, None)


@pytest.mark.parametrize("keep_in_touch, due", [(False, date(2025, 3, 1)),
                                                (True, date(2026, 3, 1))])
def test_enquiry_only(keep_in_touch, due):
    r = enquiry_retention(EnquiryFacts(date(2024, 2, 29), keep_in_touch), SETTINGS)
    assert (r.kind, r.due_on) == (RetentionClass.ENQUIRY_ONLY, due)
    assert ("staying in touch" in r.why) is keep_in_touch


def test_enquiry_with_a_case_goes_with_it():
    r = enquiry_retention(EnquiryFacts(date(2020, 1, 1), has_case=True), SETTINGS)
    assert (r.kind, r.due_on) == (RetentionClass.WITH_CASE, None)


def test_a_case_closed_before_an_application_is_kept_as_an_enquiry():
    facts = HouseholdFacts("closed_before_application", closed_on=date(2024, 6, 1))
    r = household_retention(facts, SETTINGS)
    assert (r.kind, r.due_on) == (RetentionClass.ENQUIRY_ONLY, date(2025, 6, 1))
    in_touch = HouseholdFacts("closed_before_application", closed_on=date(2024, 6, 1),
                              keep_in_touch=True)
    assert household_retention(in_touch, SETTINGS).due_on == date(2026, 6, 1)
