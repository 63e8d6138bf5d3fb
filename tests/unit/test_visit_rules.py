"""Visit rules without a database: typed times, London wall-clock times across the clock
changes, diary weeks, and the calendar file's fields."""

from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace

import pytest
import vobject

from carers.visits import ics
from carers.visits.rules import (
    TimeProblem,
    format_when,
    local_start,
    overlaps,
    parse_time,
    week_bounds,
    week_start,
)


@pytest.mark.parametrize("typed,expected", [
    ("14:30", time(14, 30)), ("9:05", time(9, 5)), ("09.30", time(9, 30)),
    ("2pm", time(14, 0)), ("2:30pm", time(14, 30)), ("2:30 PM", time(14, 30)),
    ("12am", time(0, 0)), ("12pm", time(12, 0)), ("11.45a.m.", time(11, 45)),
    (" 00:00 ", time(0, 0)), ("23:59", time(23, 59)),
])
def test_times_as_people_type_them(typed, expected):
    assert parse_time(typed) == expected


@pytest.mark.parametrize("typed", ["", "14", "24:00", "12:60", "13pm", "0am", "noon",
                                   "1430", "14:3", "-1:00", "١٤:٣٠", "14:30:00"])
def test_things_that_are_not_times(typed):
    with pytest.raises(TimeProblem):
        parse_time(typed)


def test_london_times_on_both_sides_of_the_clock_changes():
    # Last Sunday of March 2027 is the 28th; of October, the 31st.
    assert local_start(date(2027, 3, 27), time(10)) == datetime(2027, 3, 27, 10, tzinfo=UTC)
    assert local_start(date(2027, 3, 28), time(10)) == datetime(2027, 3, 28, 9, tzinfo=UTC)
    assert local_start(date(2027, 3, 29), time(10)) == datetime(2027, 3, 29, 9, tzinfo=UTC)
    assert local_start(date(2027, 10, 30), time(10)) == datetime(2027, 10, 30, 9, tzinfo=UTC)
    assert local_start(date(2027, 10, 31), time(10)) == datetime(2027, 10, 31, 10, tzinfo=UTC)
    assert local_start(date(2027, 11, 1), time(10)) == datetime(2027, 11, 1, 10, tzinfo=UTC)
    assert format_when(datetime(2027, 3, 29, 9, tzinfo=UTC), 90) == \
        "Monday 29 March 2027, 10:00am to 11:30am"


def test_a_time_the_clocks_skip_is_refused_and_a_repeated_one_is_the_first():
    with pytest.raises(TimeProblem, match="clocks go forward"):
        local_start(date(2027, 3, 28), time(1, 30))
    assert local_start(date(2027, 10, 31), time(1, 30)) == datetime(2027, 10, 31, 0, 30,
                                                                    tzinfo=UTC)


def test_weeks_start_on_monday_and_span_the_clock_change():
    assert week_start(date(2027, 3, 28)) == date(2027, 3, 22)
    assert week_start(date(2027, 3, 29)) == date(2027, 3, 29)
    start, end = week_bounds(date(2027, 3, 22))
    assert end - start == timedelta(hours=167)
    start, end = week_bounds(date(2027, 10, 25))
    assert end - start == timedelta(hours=169)


def test_overlaps_are_strict():
    at = datetime(2027, 1, 4, 10, tzinfo=UTC)
    hour = timedelta(hours=1)
    assert overlaps(at, at + hour, at + hour / 2, at + 2 * hour)
    assert not overlaps(at, at + hour, at + hour, at + 2 * hour)


def fake_visit(**fields):
    household = SimpleNamespace(name="Priya and Sam Shah", reference="FC-ABC123")
    values = dict(uid="1234@carers", ics_sequence=3, starts_at=datetime(2027, 11, 1, 10,
                                                                       tzinfo=UTC),
                  duration_minutes=60, kind="regulation_24_visit", household=household,
                  location="12 Chapel Street", place="home", status="rearranged")
    values.update(fields)
    return SimpleNamespace(**values)


def test_the_invitation_parses_with_vobject():
    text = ics.invitation(fake_visit(), ics.REQUEST, ("team@example.gov.uk", "Northmoor"),
                          [("a@example.com", "Aled Jones")])
    cal = vobject.readOne(text)
    assert cal.method.value == "REQUEST"
    assert cal.vtimezone.tzid.value == "Europe/London"
    event = cal.vevent
    assert event.uid.value == "1234@carers"
    assert int(event.sequence.value) == 3
    assert event.dtstart.value.utcoffset() == timedelta(0)  # GMT in November
    assert "TZID=Europe/London:20271101T100000" in text
    assert event.summary.value == "Regulation 24 visit: Priya and Sam Shah (FC-ABC123)"


def test_the_feed_holds_each_visit_and_marks_cancelled_ones():
    text = ics.feed([fake_visit(), fake_visit(uid="5678@carers", status="cancelled")],
                    "Visits: Aled Jones")
    cal = vobject.readOne(text)
    assert cal.method.value == "PUBLISH"
    assert [e.status.value for e in cal.vevent_list] == ["CONFIRMED", "CANCELLED"]
    assert ics.feed([], "Empty").startswith("BEGIN:VCALENDAR")
