"""iCalendar invitations (RFC 5545 / iTIP RFC 5546) for visits, and a worker's feed.

Outlook and Google Calendar match an update to the event they hold by UID, and apply it
only if its SEQUENCE is higher: every change raises the visit's ``ics_sequence``."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar, Event, vCalAddress, vText

from carers.core.dates import LONDON, london, utcnow
from carers.visits.rules import KINDS

PRODID = "-//carers//visits//EN"
REQUEST, CANCEL, PUBLISH = "REQUEST", "CANCEL", "PUBLISH"


def _calendar(method: str, name: str | None = None) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    if name:
        cal.add("x-wr-calname", name)
    return cal


def _address(email: str, name: str | None, organizer: bool = False) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    if name:
        address.params["cn"] = vText(name)
    if not organizer:
        address.params["role"] = vText("REQ-PARTICIPANT")
        address.params["partstat"] = vText("NEEDS-ACTION")
        # Each attendee has an email address to reply from: Accept and Decline are shown.
        address.params["rsvp"] = vText("TRUE")
    return address


def _when(instant: datetime) -> datetime:
    """An instant for DTSTART or DTEND: London local time, except in the hour that happens
    twice the night the clocks go back. A TZID time cannot say which of the two it means
    (RFC 5545 reads it as the first, some calendars as the second), so those are written
    in UTC, which every calendar reads the same way."""
    local = instant.astimezone(LONDON)
    if local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset():
        return local.astimezone(UTC)
    return local


def visit_event(visit, *, cancelled: bool = False, organizer: tuple[str, str] | None = None,
                attendees: list[tuple[str, str | None]] = (), stamp=None) -> Event:
    event = Event()
    event.add("uid", visit.uid)
    event.add("sequence", visit.ics_sequence)
    event.add("dtstamp", stamp or utcnow())
    # Local times with TZID=Europe/London, so calendars show the right hour on both sides
    # of a clock change. The end is the duration of real time after the start (not of wall
    # clock time, which would end an hour out across a change, or at a time that does not
    # exist).
    start = london(visit.starts_at)
    event.add("dtstart", _when(start))
    event.add("dtend", _when(start.astimezone(UTC) + timedelta(minutes=visit.duration_minutes)))
    kind = KINDS.get(visit.kind, "Visit")
    household = visit.household
    event.add("summary", f"{kind}: {household.name} ({household.reference})")
    event.add("location", visit.location)
    description = [f"{kind} with {household.name}, case {household.reference}."]
    if visit.place == "online":
        description.append(f"Join online: {visit.location}")
    event.add("description", "\n".join(description))
    if visit.place == "online":
        event.add("url", visit.location)
    cancelled = cancelled or visit.status == "cancelled"
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    if organizer:
        event.add("organizer", _address(organizer[0], organizer[1], organizer=True))
    for email, name in attendees:
        event.add("attendee", _address(email, name))
    return event


def _with_timezones(cal: Calendar, days: list[date]) -> Calendar:
    # VTIMEZONE for the span of the events only: a 1970 to 2038 table would be long.
    if days:
        first, last = min(days), max(days)
        cal.add_missing_timezones(first_date=date(first.year - 1, 1, 1),
                                  last_date=date(last.year + 1, 12, 31))
    return cal


def invitation(visit, method: str, organizer: tuple[str, str],
               attendees: list[tuple[str, str | None]]) -> str:
    """A METHOD:REQUEST (new or changed) or METHOD:CANCEL calendar for one visit."""
    cal = _calendar(method)
    cal.add_component(visit_event(visit, cancelled=method == CANCEL, organizer=organizer,
                                  attendees=attendees))
    return _with_timezones(cal, [london(visit.starts_at).date()]).to_ical().decode("utf-8")


def feed(visits, name: str) -> str:
    """A worker's subscription feed (METHOD:PUBLISH): their visits, cancelled ones marked."""
    cal = _calendar(PUBLISH, name)
    stamp = utcnow()
    for visit in visits:
        cal.add_component(visit_event(visit, stamp=stamp))
    return _with_timezones(cal, [london(v.starts_at).date() for v in visits]
                           ).to_ical().decode("utf-8")


def single(visit, organizer: tuple[str, str], attendees: list[tuple[str, str | None]]) -> str:
    """One visit as a calendar file to download and open (METHOD:PUBLISH: added to the
    reader's calendar, not an invitation to answer)."""
    cal = _calendar(PUBLISH)
    cal.add_component(visit_event(visit, organizer=organizer, attendees=attendees))
    return _with_timezones(cal, [london(visit.starts_at).date()]).to_ical().decode("utf-8")


def attachment(content: str, method: str, filename: str = "invite.ics") -> dict:
    return {"filename": filename, "content": content,
            "content_type": f"text/calendar; method={method}; charset=utf-8"}
