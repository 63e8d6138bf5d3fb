"""Visit rules without a database: typed times, London wall-clock times across the clock
changes, diary weeks, and the calendar file's fields."""

from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace

import pytest
import vobject

from carers.visits import ics
from carers.visits.rules import (
    FIRST,
    SECOND,
    AmbiguousTime,
    TimeProblem,
    format_when,
    local_start,
    parse_time,
    repeated_choices,
    week_bounds,
    week_start,
    which_time,
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


def test_a_time_the_clocks_skip_is_refused_and_for_a_repeated_one_we_ask_which():
    with pytest.raises(TimeProblem, match="clocks go forward"):
        local_start(date(2027, 3, 28), time(1, 30))
    with pytest.raises(AmbiguousTime, match="happens twice"):
        local_start(date(2027, 10, 31), time(1, 30))
    assert local_start(date(2027, 10, 31), time(1, 30), FIRST) == datetime(
        2027, 10, 31, 0, 30, tzinfo=UTC)  # 01:30 BST
    assert local_start(date(2027, 10, 31), time(1, 30), SECOND) == datetime(
        2027, 10, 31, 1, 30, tzinfo=UTC)  # 01:30 GMT
    assert repeated_choices(time(1, 30)) == [("first", "01:30 BST (first time)"),
                                             ("second", "01:30 GMT (second time)")]
    # The hours either side are not repeated: no question.
    assert local_start(date(2027, 10, 31), time(0, 59)) == datetime(2027, 10, 30, 23, 59,
                                                                    tzinfo=UTC)
    assert local_start(date(2027, 10, 31), time(2, 0)) == datetime(2027, 10, 31, 2, 0,
                                                                   tzinfo=UTC)


def test_times_in_the_repeated_hour_say_which_and_spans_are_real_time():
    first = datetime(2027, 10, 31, 0, 30, tzinfo=UTC)  # 01:30 BST
    assert format_when(first, 60) == "Sunday 31 October 2027, 1:30am BST to 1:30am GMT"
    assert format_when(first) == "Sunday 31 October 2027, 1:30am BST"
    assert which_time(first) == FIRST and which_time(first + timedelta(hours=1)) == SECOND
    assert which_time(datetime(2027, 10, 31, 9, tzinfo=UTC)) is None
    # 00:30 BST for 90 minutes ends at 01:00 GMT, an hour and a half later.
    assert format_when(datetime(2027, 10, 30, 23, 30, tzinfo=UTC), 90) == \
        "Sunday 31 October 2027, 12:30am BST to 1:00am GMT"
    # Across the spring gap: 00:30 GMT for 45 minutes ends at 02:15 BST.
    assert format_when(datetime(2027, 3, 28, 0, 30, tzinfo=UTC), 45) == \
        "Sunday 28 March 2027, 12:30am GMT to 2:15am BST"


def test_weeks_start_on_monday_and_span_the_clock_change():
    assert week_start(date(2027, 3, 28)) == date(2027, 3, 22)
    assert week_start(date(2027, 3, 29)) == date(2027, 3, 29)
    start, end = week_bounds(date(2027, 3, 22))
    assert end - start == timedelta(hours=167)
    start, end = week_bounds(date(2027, 10, 25))
    assert end - start == timedelta(hours=169)


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


def _event_times(visit):
    text = ics.invitation(visit, ics.REQUEST, ("org@example.gov.uk", "Agency"), [])
    event = vobject.readOne(text).vevent
    lines = text.replace("\r\n ", "").split("\r\n")
    return (event.dtstart.value.astimezone(UTC), event.dtend.value.astimezone(UTC),
            [x for x in lines if x.startswith(("DTSTART", "DTEND"))])


def test_the_calendar_end_is_the_real_instant_the_page_shows_across_the_clock_changes():
    # 01:30 BST for an hour ends at 01:30 GMT: not "1:30am to 1:30am", not an hour later.
    start = datetime(2027, 10, 31, 0, 30, tzinfo=UTC)
    dtstart, dtend, lines = _event_times(fake_visit(starts_at=start, duration_minutes=60))
    assert (dtstart, dtend) == (start, datetime(2027, 10, 31, 1, 30, tzinfo=UTC))
    # Both 01:30s named without doubt.
    assert lines == ["DTSTART:20271031T003000Z", "DTEND:20271031T013000Z"]
    # The second 01:30 (GMT) as a start.
    second = datetime(2027, 10, 31, 1, 30, tzinfo=UTC)
    dtstart, dtend, lines = _event_times(fake_visit(starts_at=second, duration_minutes=30))
    assert (dtstart, dtend) == (second, second + timedelta(minutes=30))
    # Ending in the spring-forward gap: 00:30 GMT + 45 minutes is 02:15 BST, which exists,
    # and is what the page says.
    spring = datetime(2027, 3, 28, 0, 30, tzinfo=UTC)
    dtstart, dtend, lines = _event_times(fake_visit(starts_at=spring, duration_minutes=45))
    assert dtend == datetime(2027, 3, 28, 1, 15, tzinfo=UTC)
    assert "DTEND;TZID=Europe/London:20270328T021500" in lines
    assert format_when(spring, 45).endswith("to 2:15am BST")
