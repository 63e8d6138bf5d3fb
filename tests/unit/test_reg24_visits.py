"""Visits to a child placed under regulation 24 (CPPCR 28(4)), and the kinship clocks: the
viability assessment's timescale and the visits clock on the case."""

from datetime import date

from carers.clocks import ClockStatus, viability_clock
from carers.clocks.reg24_visits import SlotStatus, reg24_visit_schedule, reg24_visits_clock
from carers.pipeline import CaseState, ChildDetails, Pathway, Stage, case_clocks, next_actions

D = date
# Monday; 20 working days later is Wed 31 Mar 2027 (Good Friday 26 Mar, Easter Monday 29 Mar)
PLACED = D(2027, 3, 1)


def schedule(visits, today, **kw):
    return reg24_visit_schedule(PLACED, PLACED, visits, today, **kw)


def test_weekly_until_the_first_review_then_every_four_weeks() -> None:
    s = schedule([D(2027, 3, 5), D(2027, 3, 12), D(2027, 3, 18), D(2027, 3, 25)],
                 D(2027, 4, 2), first_review_on=D(2027, 3, 24))
    assert [(slot.counted_from, slot.due, slot.visited_on, slot.status) for slot in s.slots] == [
        (D(2027, 3, 1), D(2027, 3, 8), D(2027, 3, 5), SlotStatus.MET),
        (D(2027, 3, 5), D(2027, 3, 12), D(2027, 3, 12), SlotStatus.MET),
        (D(2027, 3, 12), D(2027, 3, 19), D(2027, 3, 18), SlotStatus.MET),
        (D(2027, 3, 18), D(2027, 3, 25), D(2027, 3, 25), SlotStatus.MET),
        # the last visit came after the first review: 4 weeks to the next
        (D(2027, 3, 25), D(2027, 4, 22), None, SlotStatus.DUE),
    ]
    assert [slot.interval_label for slot in s.slots] == ["weekly"] * 4 + ["every 4 weeks"]
    assert (s.next_due, s.overdue) == (D(2027, 4, 22), False)
    assert s.first_review_recorded


def test_a_missed_week_is_overdue_and_a_late_visit_restarts_the_count() -> None:
    s = schedule([D(2027, 3, 4)], D(2027, 3, 12))
    assert (s.next_due, s.overdue) == (D(2027, 3, 11), True)
    assert s.slots[-1].status is SlotStatus.OVERDUE
    late = schedule([D(2027, 3, 4), D(2027, 3, 15)], D(2027, 3, 16))
    assert [slot.status for slot in late.slots] == [SlotStatus.MET, SlotStatus.MET_LATE,
                                                    SlotStatus.DUE]
    assert late.next_due == D(2027, 3, 22)


def test_without_a_recorded_review_twenty_working_days_after_placement_is_used() -> None:
    s = schedule([D(2027, 3, 30), D(2027, 3, 31)], D(2027, 4, 2))
    assert s.first_review == D(2027, 3, 31) and not s.first_review_recorded
    assert "not recorded" in s.first_review_explanation
    assert "20 working days after the placement" in s.first_review_explanation
    # 30 Mar is before the review: a week; 31 Mar is the review day itself: 4 weeks
    assert [slot.interval_days for slot in s.slots] == [7, 7, 28]
    assert s.next_due == D(2027, 4, 28)
    # the same visits with a later review recorded stay weekly
    recorded = schedule([D(2027, 3, 30), D(2027, 3, 31)], D(2027, 4, 2),
                        first_review_on=D(2027, 4, 20))
    assert recorded.next_due == D(2027, 4, 7) and recorded.first_review_recorded


def test_counts_from_the_later_of_placement_and_approval() -> None:
    approved_later = reg24_visit_schedule(PLACED, D(2027, 3, 10), [D(2027, 3, 5)],
                                          D(2027, 3, 11))
    assert approved_later.start == D(2027, 3, 10)
    assert "temporary approval" in approved_later.start_explanation
    assert approved_later.visits == ()  # the visit before the start does not count
    assert approved_later.next_due == D(2027, 3, 17)
    placed_later = reg24_visit_schedule(D(2027, 3, 10), PLACED, [], D(2027, 3, 11))
    assert placed_later.start == D(2027, 3, 10)
    assert "the placement" in placed_later.start_explanation


def test_not_started_without_placement_or_approval_and_stops_when_the_placement_ends(
        ) -> None:
    waiting = reg24_visit_schedule(None, PLACED, [], D(2027, 3, 2))
    assert not waiting.started and waiting.next_due is None
    assert "the date the child was placed" in waiting.start_explanation
    clock = reg24_visits_clock(waiting, D(2027, 3, 2))
    assert clock.status is ClockStatus.NOT_STARTED
    ended = schedule([D(2027, 3, 5)], D(2027, 4, 1), ended_on=D(2027, 3, 20))
    assert [slot.status for slot in ended.slots] == [SlotStatus.MET, SlotStatus.MISSED]
    assert ended.next_due is None and not ended.overdue
    assert reg24_visits_clock(ended, D(2027, 4, 1)).status is ClockStatus.NOT_STARTED


def test_the_visits_clock_says_how_its_date_was_worked_out() -> None:
    s = schedule([D(2027, 3, 4)], D(2027, 3, 12))
    clock = reg24_visits_clock(s, D(2027, 3, 12))
    assert (clock.key, clock.due, clock.status) == ("reg24_visits", D(2027, 3, 11),
                                                    ClockStatus.OVERDUE)
    assert clock.explanation.startswith("Due Thu 11 Mar 2027: a week after the last visit on "
                                        "Thu 4 Mar 2027")
    assert "not recorded" in clock.explanation


def test_the_viability_assessment_has_the_agency_timescale() -> None:
    clock = viability_clock(D(2027, 3, 1), D(2027, 3, 16))
    assert (clock.due, clock.status) == (D(2027, 3, 15), ClockStatus.OVERDUE)
    assert "10 working days" in clock.explanation and "setting" in clock.explanation
    longer = viability_clock(D(2027, 3, 1), D(2027, 3, 16),
                             settings={"viability_working_days": 15})
    assert longer.due == D(2027, 3, 22)
    done = viability_clock(D(2027, 3, 1), D(2027, 3, 16), completed_on=D(2027, 3, 12))
    assert done.status is ClockStatus.MET


def kinship(stage: Stage, **kw) -> CaseState:
    child = ChildDetails("Amy Smith", D(2019, 5, 2), "LA-1", "Aunt", placed_on=PLACED,
                         first_review_on=kw.pop("first_review_on", None))
    return CaseState(Pathway.CONNECTED_PERSON, stage, stage_since=PLACED, child=child, **kw)


def test_the_case_shows_the_viability_and_visits_clocks_where_they_run() -> None:
    viability = kinship(Stage.VIABILITY_ASSESSMENT, viability_started_on=D(2027, 2, 15))
    clocks = {c.key: c for c in case_clocks(viability, D(2027, 3, 2))}
    assert clocks["viability"].status is ClockStatus.OVERDUE
    assert "Finish the viability assessment" in " ".join(next_actions(viability,
                                                                      D(2027, 3, 2)))

    placed = kinship(Stage.REG24_TEMPORARY_APPROVAL, reg24_approved_on=PLACED,
                     reg24_last_visit_on=D(2027, 3, 4))
    clocks = {c.key: c for c in case_clocks(placed, D(2027, 3, 12))}
    assert (clocks["reg24_visits"].due, clocks["reg24_visits"].status) == (
        D(2027, 3, 11), ClockStatus.OVERDUE)
    assert "viability" not in clocks
    steps = " ".join(next_actions(placed, D(2027, 3, 12)))
    assert "Visit the child" in steps and "overdue" in steps

    mainstream = CaseState(Pathway.MAINSTREAM, Stage.STAGE2, stage_since=PLACED)
    assert not {"viability", "reg24_visits"} & {c.key for c in case_clocks(mainstream,
                                                                           PLACED)}


def test_temporary_approval_counts_from_the_placement_when_the_child_moved_in_later() -> None:
    case = kinship(Stage.REG24_TEMPORARY_APPROVAL, reg24_approved_on=D(2027, 2, 22))
    assert case.reg24_start == PLACED
    reg24 = next(c for c in case_clocks(case, PLACED) if c.key == "reg24")
    assert reg24.due == D(2027, 6, 21)  # 16 weeks from Mon 1 Mar 2027
