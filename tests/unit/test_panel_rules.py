"""Panel rules: quorum under the agency's settings, papers due, the access window."""

from datetime import date

import pytest

from carers.panel.rules import (
    PanelRole,
    access_ends_on,
    can_see_meeting,
    papers_due_on,
    quorum,
)

R = PanelRole


def test_the_default_quorum_is_five_members_with_a_chair_a_social_worker_and_two_independents():
    assert quorum([R.CHAIR, R.SOCIAL_WORKER, R.INDEPENDENT, R.INDEPENDENT, R.INDEPENDENT]).met
    assert quorum([R.VICE_CHAIR, R.SOCIAL_WORKER, R.INDEPENDENT, R.INDEPENDENT,
                   R.SOCIAL_WORKER]).met


def test_advisers_and_the_minute_taker_do_not_count():
    q = quorum([R.CHAIR, R.SOCIAL_WORKER, R.INDEPENDENT, R.INDEPENDENT, R.MEDICAL_ADVISER,
                R.PANEL_ADVISER, R.MINUTE_TAKER])
    assert not q.met
    assert q.members == 4
    assert q.problems == ("4 members attending; the quorum is 5 (advisers and the minute "
                          "taker do not count).",)


def test_each_missing_part_of_the_quorum_is_named():
    q = quorum([R.INDEPENDENT, R.INDEPENDENT, R.INDEPENDENT, R.INDEPENDENT, R.INDEPENDENT])
    assert not q.met
    assert "Neither the chair nor a vice chair is attending." in q.problems
    assert "0 social worker members attending; the quorum needs 1." in q.problems


def test_the_quorum_follows_the_agency_settings():
    roles = [R.CHAIR, R.SOCIAL_WORKER, R.INDEPENDENT]
    assert not quorum(roles).met
    assert quorum(roles, {"panel_quorum_members": 3, "panel_quorum_independent": 1}).met
    with pytest.raises(ValueError):
        quorum(roles, {"panel_quorum_members": -1})


def test_papers_are_due_five_working_days_before_the_meeting():
    assert papers_due_on(date(2027, 3, 8)) == date(2027, 3, 1)  # Monday to Monday
    # Easter 2027: Good Friday 26 March and Easter Monday 29 March are skipped.
    assert papers_due_on(date(2027, 3, 31)) == date(2027, 3, 22)


def test_members_see_a_meeting_only_if_invited_and_until_the_access_period_ends():
    meeting = date(2027, 3, 1)
    assert access_ends_on(meeting) == date(2027, 3, 31)
    assert can_see_meeting(True, meeting, date(2027, 3, 31))
    assert not can_see_meeting(True, meeting, date(2027, 4, 1))
    assert not can_see_meeting(False, meeting, date(2027, 3, 1))
    assert can_see_meeting(True, meeting, date(2027, 4, 10), {"panel_access_days": 40})
