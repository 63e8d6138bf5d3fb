"""The words the household reads about their case: one for every stage of both pathways, the
running clocks in their terms, and checks without their outcomes."""

from datetime import date

import pytest

from carers.checks.rules import CheckKind, CheckState, Outcome
from carers.pipeline import CLOSED_STAGES, PATHWAY_STAGES, CaseState, Pathway, Stage
from carers.pipeline.stages import WITHDRAWAL_REASONS
from carers.portal import words

TODAY = date(2027, 3, 1)


@pytest.mark.parametrize("pathway", list(Pathway))
def test_every_stage_of_each_pathway_has_plain_words(pathway):
    for stage in (*PATHWAY_STAGES[pathway], *CLOSED_STAGES):
        said = words.stage_words(pathway, stage)
        assert said.title and said.now and said.next
        # No staff shorthand: regulation numbers, form names or stage labels.
        for jargon in ("reg 24", "regulation 24", "Form F", "Form C", "FSR", "NMS"):
            assert jargon not in f"{said.title} {said.now} {said.next}"


def test_steps_count_along_the_pathway_and_stop_once_closed():
    assert words.step_of("mainstream", "enquiry") == (1, 10)
    assert words.step_of("connected_person", "full_assessment") == (4, 8)
    assert words.step_of("mainstream", "withdrawn") is None


def test_the_panel_clock_is_said_as_when_the_assessment_should_finish():
    case = CaseState(Pathway.MAINSTREAM, Stage.STAGE1, application_received_on=date(2026, 12, 3))
    assert words.clock_lines(case, TODAY) == ["We aim to finish your assessment by 3 August 2027."]
    late = words.clock_lines(case, date(2027, 8, 4))
    assert late[0].startswith("We aimed to finish your assessment by 3 August 2027.")


def test_the_panel_date_is_said_once_booked():
    case = CaseState(Pathway.CONNECTED_PERSON, Stage.READY_FOR_PANEL,
                     panel_date=date(2027, 4, 14))
    assert "Your assessment goes to the fostering panel on 14 April 2027." in \
        words.clock_lines(case, TODAY)


def test_checks_are_said_without_their_outcomes():
    waiting = CheckState(CheckKind.DBS, "Priya Shah", requested_on=date(2027, 2, 1))
    assert words.check_line(waiting, TODAY, own=True) == "Your DBS check: we are waiting for it"
    assert words.check_line(waiting, TODAY, own=False) == \
        "Priya Shah's DBS check: we are waiting for it"
    back = CheckState(CheckKind.DBS, "Sam Shah", requested_on=date(2027, 1, 1),
                      received_on=date(2027, 2, 1), outcome=Outcome.NOT_CLEAR)
    assert words.check_line(back, TODAY, own=False) is None
    slot = CheckState(CheckKind.PERSONAL_REFERENCE, "referee 3 (not yet named)")
    assert words.check_line(slot, TODAY, own=False) == \
        "Reference from another referee: you have not named them yet"
    turning = CheckState(CheckKind.DBS, "Dev Shah", required_from=date(2027, 5, 1))
    assert words.check_line(turning, TODAY, own=False) == \
        "Dev Shah's DBS check: we will ask for it from 1 May 2027"


def test_every_ofsted_withdrawal_code_has_a_plain_reason():
    assert set(words.WITHDRAWAL_CHOICES) == set(WITHDRAWAL_REASONS)
    assert words.withdrawal_label("AW4") == "Money worries"
