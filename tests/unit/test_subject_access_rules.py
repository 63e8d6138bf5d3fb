"""The subject access clock (UK GDPR article 12(3)): one calendar month from receipt, the
month's last day when it has no such day, extendable once by up to two more months."""

from datetime import date

import pytest

from carers.subject_access import rules


@pytest.mark.parametrize(("received", "due"), [
    (date(2027, 1, 31), date(2027, 2, 28)),
    (date(2028, 1, 31), date(2028, 2, 29)),  # a leap year
    (date(2027, 3, 31), date(2027, 4, 30)),
    (date(2027, 1, 15), date(2027, 2, 15)),
    (date(2027, 12, 31), date(2028, 1, 31)),  # into the next year
    (date(2027, 2, 28), date(2027, 3, 28)),
])
def test_due_one_calendar_month_from_receipt(received, due):
    assert rules.due_date(received) == due


def test_an_extension_counts_from_receipt_up_to_three_months_in_all():
    assert rules.extended_due_date(date(2027, 1, 31), 2) == date(2027, 4, 30)
    assert rules.extended_due_date(date(2027, 11, 30), 2) == date(2028, 2, 29)
    assert rules.extended_due_date(date(2027, 1, 10), 1) == date(2027, 3, 10)
    with pytest.raises(ValueError):
        rules.extended_due_date(date(2027, 1, 10), 3)


def test_an_extension_is_made_once_and_within_the_first_month():
    received = date(2027, 1, 31)
    assert rules.extension_refusal(received, False, 2, date(2027, 2, 28)) is None
    assert "only once" in rules.extension_refusal(received, True, 1, date(2027, 2, 1))
    assert "1 or 2" in rules.extension_refusal(received, False, 3, date(2027, 2, 1))
    assert "first month" in rules.extension_refusal(received, False, 1, date(2027, 3, 1))


def test_the_clock_counts_calendar_days_and_says_when_overdue():
    due = date(2027, 2, 28)
    assert rules.clock(due, date(2027, 2, 20)).words == "8 days left"
    assert rules.clock(due, date(2027, 2, 27)).words == "1 day left"
    assert rules.clock(due, due).words == "Due today"
    late = rules.clock(due, date(2027, 3, 3))
    assert late.overdue and late.days_left == -3 and late.words == "Overdue by 3 days"
    done = rules.clock(due, date(2027, 3, 3), completed=True)
    assert not done.overdue and done.words == "Completed"
