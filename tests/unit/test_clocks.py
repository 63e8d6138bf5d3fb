"""Statutory clocks: due dates, statuses and explanations. Dates checked by hand."""

from datetime import date

import pytest

from carers.clocks import (
    APPLICATION_TO_PANEL_MONTHS,
    CLOCK_DEFAULTS,
    PANEL_PAPERS_WORKING_DAYS,
    REG25_EXTENSION_MAX_WEEKS,
    ClockStatus,
    add_months,
    adm_decision_clock,
    application_to_panel_clock,
    brief_report_comments_clock,
    clock_setting,
    clock_status,
    first_annual_review_clock,
    first_response_clock,
    initial_visit_clock,
    make_clock,
    panel_papers_clock,
    qd_response_clock,
    reg24_clock,
    reg24_due,
    stage1_notice_clock,
)

D = date


def test_defaults_match_domain_reference() -> None:
    values = {key: s.default for key, s in CLOCK_DEFAULTS.items()}
    assert values == {
        "first_response_working_days": 1,
        "initial_visit_working_days": 5,
        "stage1_notice_working_days": 10,
        "brief_report_comment_working_days": 10,
        "final_report_comment_working_days": 10,
        "adm_decision_working_days": 7,
        "qd_response_days": 28,
        "reg24_weeks": 16,
        "viability_working_days": 10,
        "due_soon_working_days": 2,
    }
    # Settings are never [V]: a verified figure is a constant instead.
    assert {s.evidence for s in CLOCK_DEFAULTS.values()} <= {"S", "U"}
    assert all(s.label and s.source and s.unit for s in CLOCK_DEFAULTS.values())
    assert (APPLICATION_TO_PANEL_MONTHS, PANEL_PAPERS_WORKING_DAYS,
            REG25_EXTENSION_MAX_WEEKS) == (8, 5, 8)


def test_clock_setting_uses_agency_value_or_default() -> None:
    assert clock_setting(None, "reg24_weeks") == 16
    assert clock_setting({"reg24_weeks": 12}, "reg24_weeks") == 12
    assert clock_setting(CLOCK_DEFAULTS, "qd_response_days") == 28
    for bad in (-1, "3", True, 2.5):
        with pytest.raises(ValueError, match="whole number"):
            clock_setting({"reg24_weeks": bad}, "reg24_weeks")


@pytest.mark.parametrize(("start", "months", "expected"), [
    (D(2027, 8, 31), 6, D(2028, 2, 29)),  # leap year
    (D(2026, 8, 31), 6, D(2027, 2, 28)),
    (D(2027, 1, 31), 1, D(2027, 2, 28)),
    (D(2027, 8, 31), 8, D(2028, 4, 30)),
    (D(2028, 2, 29), 12, D(2029, 2, 28)),
    (D(2027, 3, 15), 8, D(2027, 11, 15)),
    (D(2027, 11, 30), 3, D(2028, 2, 29)),
    (D(2027, 3, 31), -1, D(2027, 2, 28)),
])
def test_add_months_clamps_to_month_end(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


# --- statuses ---

DUE = D(2027, 4, 12)  # a Monday


@pytest.mark.parametrize(("today", "met_on", "expected"), [
    (D(2027, 3, 1), None, ClockStatus.ON_TRACK),
    (D(2027, 4, 7), None, ClockStatus.ON_TRACK),  # Wed: 3 working days to go
    (D(2027, 4, 8), None, ClockStatus.DUE_SOON),  # Thu: 2 working days to go
    (D(2027, 4, 10), None, ClockStatus.DUE_SOON),  # Saturday before
    (DUE, None, ClockStatus.DUE_SOON),  # due today
    (D(2027, 4, 13), None, ClockStatus.OVERDUE),
    (D(2027, 4, 13), D(2027, 4, 12), ClockStatus.MET),
    (D(2027, 4, 13), D(2027, 4, 1), ClockStatus.MET),
    (D(2027, 3, 1), D(2027, 4, 13), ClockStatus.MET_LATE),
])
def test_clock_status(today: date, met_on: date | None, expected: ClockStatus) -> None:
    assert clock_status(DUE, today, met_on) is expected


def test_clock_status_not_started_and_labels() -> None:
    assert clock_status(None, D(2027, 1, 1)) is ClockStatus.NOT_STARTED
    assert [s.label for s in ClockStatus] == [
        "Not started", "On track", "Due soon", "Overdue", "Met", "Met late"]


def test_due_soon_window_is_a_setting() -> None:
    today = D(2027, 4, 7)  # 3 working days before DUE
    assert make_clock("x", "X", D(2027, 3, 25), today, working_days=10).status == "on_track"
    clock = make_clock("x", "X", D(2027, 3, 25), today, working_days=10,
                       settings={"due_soon_working_days": 3})
    assert clock.status == "due_soon" and clock.status_label == "Due soon"


def test_every_status_from_a_real_clock() -> None:
    received = D(2027, 3, 25)  # first response due Tue 30 Mar 2027
    statuses = {
        first_response_clock(None, D(2027, 3, 1)).status,
        first_response_clock(received, D(2027, 3, 25)).status,  # due in 1 working day
        first_response_clock(received, D(2027, 3, 31)).status,
        first_response_clock(received, D(2027, 3, 31), D(2027, 3, 29)).status,
        first_response_clock(received, D(2027, 3, 31), D(2027, 3, 31)).status,
        initial_visit_clock(received, D(2027, 3, 25)).status,  # due Mon 5 Apr
    }
    assert statuses == set(ClockStatus)


# --- each clock ---

def test_first_response_over_christmas() -> None:
    clock = first_response_clock(D(2026, 12, 24), D(2026, 12, 24))
    assert clock.key == "first_response"
    assert clock.due == D(2026, 12, 29)
    assert clock.explanation.startswith(
        "Due Tue 29 Dec 2026: 1 working day from Thu 24 Dec 2026, skipping Christmas Day and "
        "Boxing Day (substitute day): Tue 29 Dec 2026.")
    assert first_response_clock(D(2026, 12, 24), D(2026, 12, 24),
                                settings={"first_response_working_days": 2}).due == D(2026, 12, 30)


def test_initial_visit_due_date_checked_by_hand() -> None:
    # Thu 25 Mar 2027 + 5 working days: Tue 30, Wed 31, Thu 1, Fri 2, Mon 5 Apr.
    clock = initial_visit_clock(D(2027, 3, 25), D(2027, 3, 25))
    assert clock.due == D(2027, 4, 5) and clock.key == "initial_visit"
    assert initial_visit_clock(D(2027, 3, 25), D(2027, 4, 6), D(2027, 4, 1)).status == "met"


def test_application_to_panel_is_eight_calendar_months() -> None:
    clock = application_to_panel_clock(D(2027, 6, 30), D(2027, 7, 1))
    assert clock.due == D(2028, 2, 29)
    assert clock.explanation == ("Due Tue 29 Feb 2028: 8 calendar months from Wed 30 Jun 2027: "
                                 "Tue 29 Feb 2028. NMS 14.4.")
    assert application_to_panel_clock(D(2027, 8, 31), D(2027, 9, 1)).due == D(2028, 4, 30)


def test_stage1_notice_ten_working_days_after_last_item() -> None:
    clock = stage1_notice_clock(D(2027, 3, 25), D(2027, 4, 12))
    assert clock.due == D(2027, 4, 12)
    assert clock.status is ClockStatus.DUE_SOON
    assert "skipping Good Friday and Easter Monday" in clock.explanation
    assert stage1_notice_clock(None, D(2027, 4, 12)).status is ClockStatus.NOT_STARTED


def test_brief_report_comments() -> None:
    clock = brief_report_comments_clock(D(2027, 3, 25), D(2027, 4, 13))
    assert (clock.due, clock.status) == (D(2027, 4, 12), ClockStatus.OVERDUE)


def test_panel_papers_counts_back_from_the_meeting() -> None:
    clock = panel_papers_clock(D(2027, 4, 1), D(2027, 3, 1))
    assert clock.due == D(2027, 3, 23)
    assert clock.start == D(2027, 4, 1)
    assert clock.explanation.startswith(
        "Due Tue 23 Mar 2027: 5 working days before Thu 1 Apr 2027, skipping Good Friday and "
        "Easter Monday: Tue 23 Mar 2027.")
    assert panel_papers_clock(D(2027, 4, 1), D(2027, 3, 24), D(2027, 3, 22)).status == "met"


def test_adm_decision_counts_from_the_later_of_recommendation_and_minutes() -> None:
    # Minutes Thu 25 Mar 2027 + 7 working days over Easter: Wed 7 Apr 2027.
    clock = adm_decision_clock(D(2027, 3, 24), D(2027, 3, 25), D(2027, 3, 26))
    assert clock.start == D(2027, 3, 25) and clock.due == D(2027, 4, 7)
    assert "final minutes" in clock.explanation
    later_rec = adm_decision_clock(D(2027, 3, 25), D(2027, 3, 24), D(2027, 3, 26))
    assert later_rec.due == D(2027, 4, 7) and "recommendation" in later_rec.explanation
    waiting = adm_decision_clock(D(2027, 3, 24), None, D(2027, 3, 26))
    assert waiting.status is ClockStatus.NOT_STARTED and waiting.due is None


def test_qd_response_is_28_calendar_days() -> None:
    clock = qd_response_clock(D(2027, 3, 1), D(2027, 3, 30))
    assert clock.due == D(2027, 3, 29)  # a bank holiday, but these are calendar days
    assert clock.status is ClockStatus.OVERDUE
    assert "28 calendar days from Mon 1 Mar 2027" in clock.explanation


def test_first_annual_review_one_year_after_approval() -> None:
    assert first_annual_review_clock(D(2028, 2, 29), D(2028, 3, 1)).due == D(2029, 2, 28)
    assert first_annual_review_clock(D(2027, 5, 6), D(2027, 6, 1)).due == D(2028, 5, 6)


# --- regulation 24 ---

def test_reg24_sixteen_weeks() -> None:
    clock = reg24_clock(D(2027, 3, 1), D(2027, 3, 2))
    assert clock.due == D(2027, 6, 21)
    assert clock.status is ClockStatus.ON_TRACK
    assert clock.explanation.startswith("Due Mon 21 Jun 2027: 16 weeks from Mon 1 Mar 2027")


def test_reg24_with_one_extension() -> None:
    clock = reg24_clock(D(2027, 3, 1), D(2027, 3, 2), extensions=[8])
    assert clock.due == D(2027, 8, 16)  # 24 weeks
    assert clock.explanation == ("Due Mon 16 Aug 2027: 16 weeks from Mon 1 Mar 2027 plus an "
                                 "extension of 8 weeks under CPPCR reg 25.")
    assert reg24_due(D(2027, 3, 1), [2]) == D(2027, 7, 5)
    assert reg24_clock(D(2027, 3, 1), D(2027, 9, 1), [8], D(2027, 8, 1)).status == "met"


@pytest.mark.parametrize(("extensions", "settings", "message"), [
    ([9], None, "at most 8 weeks"),
    ([4, 4], None, "only one extension"),
    ([0], None, "at least 1 week"),
    ([8], {"reg24_weeks": 17}, "24 weeks in total"),
])
def test_reg24_extension_limits(extensions: list[int], settings: dict[str, int] | None,
                                message: str) -> None:
    with pytest.raises(ValueError, match=message):
        reg24_clock(D(2027, 3, 1), D(2027, 3, 2), extensions, settings=settings)


def test_reg24_not_started() -> None:
    assert reg24_clock(None, D(2027, 3, 2)).status is ClockStatus.NOT_STARTED


# --- the generic helper ---

def test_make_clock_one_liners() -> None:
    today = D(2027, 1, 4)
    assert make_clock("a", "A", D(2027, 1, 4), today, days=3).due == D(2027, 1, 7)
    assert make_clock("b", "B", D(2027, 1, 4), today, weeks=2).due == D(2027, 1, 18)
    assert make_clock("c", "C", D(2027, 1, 31), today, months=1).due == D(2027, 2, 28)
    assert make_clock("d", "D", D(2027, 1, 4), today, working_days=-1).due == D(2026, 12, 31)
    one = make_clock("e", "E", D(2027, 1, 4), today, days=1)
    assert "1 calendar day from" in one.explanation
    with pytest.raises(ValueError, match="exactly one"):
        make_clock("x", "X", today, today)
    with pytest.raises(ValueError, match="exactly one"):
        make_clock("x", "X", today, today, days=1, weeks=1)
