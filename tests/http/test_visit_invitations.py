"""Visit emails carry an iCalendar file that a second, independent parser (vobject) reads:
a stable UID, SEQUENCE raised on each change, METHOD:REQUEST then METHOD:CANCEL, a
VTIMEZONE, and DTSTART in Europe/London. The emails go through the real SMTP dispatcher."""

from datetime import UTC, date, datetime, time

import time_machine
import vobject
from sqlalchemy import select

from carers.notifications.dispatch import send_due
from carers.visits.operations import book_visit, cancel_visit, rearrange_visit
from tests.factories import visit_details
from tests.http.visit_data import visit_case

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def calendar_of(message):
    """The invitation as mail programs read it: a ``text/calendar`` alternative beside the
    plain text and HTML (shown as an event with Accept and Decline), and the same calendar
    attached as an .ics file."""
    assert message.get_content_type() == "multipart/mixed"
    alternative = next(message.iter_parts())
    assert alternative.get_content_type() == "multipart/alternative"
    kinds = [p.get_content_type() for p in alternative.iter_parts()]
    assert kinds == ["text/plain", "text/html", "text/calendar"]
    part = list(alternative.iter_parts())[2]
    assert part.get_content_disposition() is None  # shown inline, not as a file
    text = part.get_content()
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    files = list(message.iter_attachments())
    assert [f.get_content_type() for f in files] == ["application/ics"]
    assert files[0].get_filename().endswith(".ics")
    assert files[0].get_content().decode("utf-8") == text
    return part.get_param("method"), vobject.readOne(text), text


def deliver(mailbox, to):
    send_due(limit=100)
    return [m for m in mailbox.messages if m["To"] == to]


def test_invitation_update_and_cancellation_reach_the_household_with_calendar_files(
        app, mailbox):
    _, worker, household = visit_case()
    with time_machine.travel(NOW, tick=False):
        visit = book_visit(household, worker, visit_details(
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
        # Everyone attending can answer from their own address: Accept and Decline shown.
        assert {a.params["RSVP"][0] for a in event.attendee_list} == {"TRUE"}
        assert event.status.value == "CONFIRMED"

        rearrange_visit(visit, worker, visit_details(date(2027, 11, 1), time(10, 0), [worker],
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
        book_visit(household, worker, visit_details(date(2027, 3, 10), time(10, 0), [worker]))
        send_due(limit=100)
    assert [m["To"] for m in mailbox.messages] == [worker.email]


def test_an_online_visit_carries_its_link(app, mailbox):
    _, worker, household = visit_case()
    with time_machine.travel(NOW, tick=False):
        book_visit(household, worker, visit_details(date(2027, 3, 10), time(10, 0), [worker],
                                                    place="online",
                                                    meeting_link="https://meet.example.com/abc"))
        message = deliver(mailbox, worker.email)[0]
    _, cal, _ = calendar_of(message)
    assert cal.vevent.location.value == "https://meet.example.com/abc"
    assert "https://meet.example.com/abc" in message.get_body(("html",)).get_content()


def test_message_ids_are_unique_to_each_message_and_the_same_on_every_retry(app, mailbox):
    """Not ``<outbox-1@carers.local>``, which every installation and rebuilt database
    reuses: a random part fixed when queued, and the host of the service's address."""
    from carers.extensions import db
    from carers.notifications.models import OutboxMessage

    _, worker, household = visit_case()
    app.config["PUBLIC_BASE_URL"] = "https://fostering.example.gov.uk"
    with time_machine.travel(NOW, tick=False):
        book_visit(household, worker, visit_details(date(2027, 3, 29), time(10, 0), [worker]))
        send_due(limit=100)
    ids = [m["Message-ID"] for m in mailbox.messages]
    assert len(ids) == 2 and len(set(ids)) == 2
    assert all(i.endswith("@fostering.example.gov.uk>") for i in ids)
    assert not any("outbox-" in i for i in ids)
    # The same message sent again (a retry after a crash) keeps its Message-ID.
    message = db.session.scalar(select(OutboxMessage).where(
        OutboxMessage.to_address == "shah.family@example.com"))
    message.status = "pending"
    db.session.commit()
    with time_machine.travel(NOW, tick=False):
        assert send_due(limit=100)["sent"] == 1
    assert len(mailbox.messages) == 3
    assert mailbox.messages[-1]["Message-ID"] == next(
        m["Message-ID"] for m in mailbox.messages[:2] if m["To"] == "shah.family@example.com")
