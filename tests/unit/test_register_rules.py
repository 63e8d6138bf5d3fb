"""The register's entry for a household: kind of approval, status, first review."""

from datetime import date

from carers.register.rules import Approval, Status, entry, first_review_months


def approval(**facts) -> Approval:
    return Approval(**{"approved": False, "decided_on": None, "first_review_on": None,
                       "reg24_approved_on": None, "reg24_ended_on": None, **facts})


def test_a_full_approval_is_first_reviewed_by_the_agencys_setting_within_a_year():
    approved = approval(approved=True, decided_on=date(2026, 8, 31))
    assert entry(approved, {}).next_review_on == date(2027, 8, 31)
    assert entry(approved, {"first_review_months": 6}).next_review_on == date(2027, 2, 28)
    # Never later than the law's year, whatever the setting says.
    assert first_review_months({"first_review_months": 18}) == 12
    recorded = approval(approved=True, decided_on=date(2026, 8, 31),
                        first_review_on=date(2027, 3, 1))
    assert entry(recorded, {}).next_review_on == date(2027, 3, 1)
    assert entry(recorded, {}).status is Status.APPROVED


def test_a_temporary_approval_lapses_and_ends():
    temporary = entry(approval(reg24_approved_on=date(2026, 1, 5)), {})
    assert (temporary.status, temporary.temporary_until) == (Status.TEMPORARY,
                                                             date(2026, 4, 27))
    extended = entry(approval(reg24_approved_on=date(2026, 1, 5), reg24_extension_weeks=8), {})
    assert extended.temporary_until == date(2026, 6, 22)
    ended = entry(approval(reg24_approved_on=date(2026, 1, 5),
                           reg24_ended_on=date(2026, 3, 1)), {})
    assert (ended.status, ended.temporary_until, ended.temporary) == (Status.ENDED, None, True)
