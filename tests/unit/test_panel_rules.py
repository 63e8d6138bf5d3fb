"""Panel rules: quorum under the agency's settings, papers due, the access window, the
applicant's response to a qualifying determination, and leaving the panel list."""

from datetime import date

import pytest

from carers.clocks.statutory import irm_papers_clock
from carers.panel.rules import (
    PanelRole,
    access_ends_on,
    can_see_meeting,
    considered_text,
    departs_from_irm,
    irm_papers_problems,
    irm_recommendation_problems,
    leaves_panel_list,
    papers_due_on,
    quorum,
    response_problems,
    response_window_closes,
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


# --- the applicant's response to a qualifying determination ---

QD = date(2027, 3, 1)


def test_the_response_window_is_28_days_or_the_agencys_setting():
    assert response_window_closes(QD) == date(2027, 3, 29)
    assert response_window_closes(QD, {"qd_response_days": 21}) == date(2027, 3, 22)


def test_a_response_within_the_window_is_recorded():
    assert response_problems("representations", QD, date(2027, 3, 11), date(2027, 3, 11),
                             "We disagree with the panel.") == []
    assert response_problems("irm", QD, date(2027, 3, 29), date(2027, 4, 2)) == []


@pytest.mark.parametrize("kind, received_on, summary, already, words", [
    ("representations", date(2027, 3, 30), "Late", None, "until Mon 29 Mar 2027"),
    ("irm", date(2027, 4, 1), "", None, "too late to record"),
    ("representations", date(2027, 2, 27), "Early", None, "before the qualifying"),
    ("representations", date(2027, 5, 1), "Future", None, "in the future"),
    ("representations", date(2027, 3, 10), "  ", None, "Summarise what the applicant said"),
    ("both", date(2027, 3, 10), "x", None, "Choose what the applicant did"),
    ("irm", None, "", None, "Enter the date"),
    ("irm", date(2027, 3, 10), "", "representations", "not both"),
])
def test_a_response_is_refused_with_a_reason(kind, received_on, summary, already, words):
    found = response_problems(kind, QD, received_on, date(2027, 4, 2), summary, already)
    assert any(words in reason for reason in found), found


def test_no_response_without_a_qualifying_determination():
    assert response_problems("irm", None, QD, QD) == [
        "There is no qualifying determination on this case to respond to."]


def test_the_irm_papers_are_due_within_10_working_days():
    clock = irm_papers_clock(date(2027, 3, 10), date(2027, 3, 12))
    assert clock.due == date(2027, 3, 24)
    assert irm_papers_clock(date(2027, 3, 10), date(2027, 3, 25)).status.value == "overdue"
    assert irm_papers_problems(date(2027, 3, 10), date(2027, 3, 9), date(2027, 3, 12)) == [
        "The date Tue 9 Mar 2027 is before the applicant applied to the IRM on Wed 10 Mar "
        "2027."]
    assert irm_papers_problems(date(2027, 3, 10), date(2027, 3, 12), date(2027, 3, 12)) == []


def test_the_irm_recommendation_follows_the_papers_and_gives_reasons():
    applied, sent, today = date(2027, 3, 10), date(2027, 3, 20), date(2027, 7, 20)
    assert irm_recommendation_problems(applied, None, today, today, "suitable", "x") == [
        "Record the date the papers were sent to the IRM first."]
    found = irm_recommendation_problems(applied, sent, date(2027, 3, 19), today, "maybe", " ")
    assert found == ["The date Fri 19 Mar 2027 is before the papers were sent to the IRM on "
                     "Sat 20 Mar 2027.", "Choose the IRM panel's recommendation.",
                     "Enter the IRM panel's reasons."]
    assert irm_recommendation_problems(applied, sent, date(2027, 7, 12), today,
                                       "not_suitable", "Agrees with the agency.") == []


def test_departing_from_the_irm_recommendation():
    assert departs_from_irm("approve", "not_suitable")
    assert departs_from_irm("not_approve", "suitable")
    assert not departs_from_irm("approve", "suitable")
    assert not departs_from_irm("not_approve", "not_suitable")
    assert not departs_from_irm("approve", None)


def test_what_the_decision_considered():
    assert considered_text("representations", date(2027, 3, 11), None) == (
        "the written representations received on Thu 11 Mar 2027")
    assert considered_text("irm", date(2027, 3, 11), date(2027, 7, 12)) == (
        "the IRM panel's recommendation of Mon 12 Jul 2027")
    assert considered_text("irm", date(2027, 3, 11), None) == ""
    assert considered_text(None, None, None) == ""


@pytest.mark.parametrize("from_stage, to_stage, leaves", [
    ("ready_for_panel", "stage2", True),  # taken off the list back into assessment
    ("ready_for_panel", "withdrawn", True),
    ("panel_recommended", "withdrawn", True),
    ("ready_for_panel", "panel_recommended", False),  # the panel's recommendation
    ("panel_recommended", "agency_decision", False),
    ("ready_for_panel", "ready_for_panel", False),  # a milestone
    ("agency_decision", "ready_for_panel", False),  # referred back: onto the list
    ("stage2", "withdrawn", False),
])
def test_which_moves_take_a_case_off_the_panel_list(from_stage, to_stage, leaves):
    assert leaves_panel_list(from_stage, to_stage) is leaves
