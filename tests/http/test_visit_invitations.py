"""Visit emails carry an iCalendar file that a second, independent parser (vobject) reads:
a stable UID, SEQUENCE raised on each change, METHOD:REQUEST then METHOD:CANCEL, a
VTIMEZONE, and DTSTART in Europe/London. The emails go through the real SMTP dispatcher."""

from datetime import UTC, date, datetime, time

import time_machine
import vobject

from carers.notifications.dispatch import send_due
from carers.visits.operations import book_visit, cancel_visit, rearrange_visit
from tests.http.visit_data import details, visit_case

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def calendar_of(message):
    parts = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1, "expected one calendar attachment"
    part = parts[0]
    assert part.get_filename().endswith(".ics")
    text = part.get_content()
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    return part.get_param("method"), vobject.readOne(text), text


def deliver(mailbox, to):
    send_due(limit=100)
    return [m for m in mailbox.messages if m["To"] == to]


def test_invitation_update_and_cancellation_reach_the_household_with_calendar_files(
        app, mailbox):
    _, worker, household = visit_case()
    with time_machine.travel(NOW, tick=False):
        visit = book_visit(household, worker, details(
            date(2027, 3, 29), time(10, 0), [worker], kind="initial_home_visit"))
        invited = deliver(mailbox, "shah.family@example.com")
        assert len(invited) == 1
        assert "Initial home visit booked: Monday 29 March 2027, 10:00am" in invited[0]["Subject"]
        assert "12 Chapel Street" in invited[0].get_body(("plain",)).get_content()
        method, cal, raw = calendar_of(invited[0])
        assert "DTSTART;TZID=Europe/London:20270329T100000" in raw.replace("\r\n", "\n")
        assert method == "REQUEST"
        assert cal.method.value == "REQUEST"
        event = cal.vevent
        uid = event.uid.value
        assert uid == visit.uid
        assert int(event.sequence.value) == 0
        # vobject keeps the TZID it resolved as X-VOBJ-ORIGINAL-TZID.
        assert event.dtstart.params["X-VOBJ-ORIGINAL-TZID"] == ["Europe/London"]
        assert event.dtstart.value.utcoffset().total_seconds() == 3600
        # 10:00 British Summer Time, the day after the clocks go forward: 09:00 UTC.
        assert event.dtstart.value.astimezone(UTC) == datetime(2027, 3, 29, 9, 0, tzinfo=UTC)
        assert event.dtend.value.astimezone(UTC) == datetime(2027, 3, 29, 10, 30, tzinfo=UTC)
        assert cal.vtimezone.tzid.value == "Europe/London"
        assert "mailto:" in event.organizer.value.lower()
        attendees = {a.value.lower() for a in event.attendee_list}
        assert attendees == {"mailto:shah.family@example.com", f"mailto:{worker.email}"}
        assert event.status.value == "CONFIRMED"

        rearrange_visit(visit, worker, details(date(2027, 11, 1), time(10, 0), [worker],
                                               kind="initial_home_visit"))
        moved = deliver(mailbox, "shah.family@example.com")[1:]
        assert len(moved) == 1
        assert "rearranged" in moved[0]["Subject"]
        method, cal, _ = calendar_of(moved[0])
        assert method == "REQUEST"
        assert cal.vevent.uid.value == uid
        assert int(cal.vevent.sequence.value) == 1
        # After the clocks go back: 10:00 GMT is 10:00 UTC.
        assert cal.vevent.dtstart.value.astimezone(UTC) == datetime(2027, 11, 1, 10, 0,
                                                                    tzinfo=UTC)

        cancel_visit(visit, worker, "The family have asked to pause")
        cancelled = deliver(mailbox, "shah.family@example.com")[2:]
        assert len(cancelled) == 1
        assert "Cancelled" in cancelled[0]["Subject"]
        assert "The family have asked to pause" in cancelled[0].get_body(
            ("plain",)).get_content()
        method, cal, _ = calendar_of(cancelled[0])
        assert method == "CANCEL"
        assert cal.method.value == "CANCEL"
        assert cal.vevent.uid.value == uid
        assert int(cal.vevent.sequence.value) == 2
        assert cal.vevent.status.value == "CANCELLED"

    # The worker got the same three, with the same UID.
    to_worker = [m for m in mailbox.messages if m["To"] == worker.email]
    assert [calendar_of(m)[1].vevent.uid.value for m in to_worker] == [uid] * 3


def test_a_household_without_an_email_address_is_not_emailed(app, mailbox):
    _, worker, household = visit_case()
    household.email = None
    from carers.extensions import db

    db.session.commit()
    with time_machine.travel(NOW, tick=False):
        book_visit(household, worker, details(date(2027, 3, 10), time(10, 0), [worker]))
        send_due(limit=100)
    assert [m["To"] for m in mailbox.messages] == [worker.email]


def test_an_online_visit_carries_its_link(app, mailbox):
    _, worker, household = visit_case()
    with time_machine.travel(NOW, tick=False):
        book_visit(household, worker, details(date(2027, 3, 10), time(10, 0), [worker],
                                              place="online",
                                              meeting_link="https://meet.example.com/abc"))
        message = deliver(mailbox, worker.email)[0]
    _, cal, _ = calendar_of(message)
    assert cal.vevent.location.value == "https://meet.example.com/abc"
    assert "https://meet.example.com/abc" in message.get_body(("html",)).get_content()
