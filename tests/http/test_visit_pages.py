"""Visit pages over HTTP: booking with validation errors and a clash to confirm, rearranging,
cancelling and writing up; the case's visits list; the diary; access; the calendar feed."""

import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
import vobject
from sqlalchemy import func, select

from carers.audit.models import AuditEvent
from carers.core.dates import london, today
from carers.extensions import db
from carers.notifications.models import OutboxMessage
from carers.visits.models import CalendarFeed, Visit
from carers.visits.rules import week_start
from tests.factories import make_household, make_staff, make_team, make_visit
from tests.helpers import isolated_client, post_form, sign_in
from tests.http.visit_data import visit_case


def next_weekday(weekday: int, weeks: int = 1) -> date:
    d = today() + timedelta(days=7 * weeks)
    return d + timedelta(days=(weekday - d.weekday()) % 7)


def booking(when: date, start="10:00", **extra) -> dict:
    data = {"kind": "assessment_session", "day": [str(when.day), str(when.month),
                                                  str(when.year)],
            "start_time": start, "duration": "90", "place": "home", "meeting_link": "",
            "notes": ""}
    data.update(extra)
    return data


def errors(response) -> list[str]:
    html = response.get_data(as_text=True)
    summary = re.search(r'govuk-error-summary__list">(.*?)</ul>', html, re.S)
    assert summary, "no error summary"
    return [re.sub(r"\s+", " ", re.sub("<[^>]+>", "", item)).strip()
            for item in re.findall(r"<li>(.*?)</li>", summary.group(1), re.S)]


@pytest.fixture
def case(client):
    team, worker, household = visit_case()
    sign_in(client, worker)
    return team, worker, household


def test_booking_shows_errors_then_books_and_invites(client, case):
    _, worker, household = case
    url = f"/staff/cases/{household.reference}/visits/new"
    page = client.get(url)
    assert page.status_code == 200
    assert "12 Chapel Street" in page.get_data(as_text=True)

    response = post_form(client, url, {"kind": "", "day": ["31", "2", "2027"],
                                       "start_time": "25:00", "duration": "lots",
                                       "place": "online", "meeting_link": ""})
    assert response.status_code == 200
    found = errors(response)
    assert "Select the type of visit" in found
    assert "Date of the visit must be a real date" in found
    assert "Enter a real time, like 09:30 or 14:00" in found
    assert "Length must be a whole number of minutes, like 90" in found
    assert "Enter the link to the online meeting" in found
    assert "Select who is attending" in found
    assert "<title>Error:" in response.get_data(as_text=True)

    when = next_weekday(0)
    response = post_form(client, url, booking(when, "2:30pm", workers=[str(worker.id)]))
    assert response.status_code == 302
    visit = db.session.scalar(select(Visit).where(Visit.household_id == household.id))
    assert visit.status == "booked"
    assert visit.starts_at_utc.astimezone(UTC).replace(tzinfo=None) == datetime.combine(
        when, time(14, 30), tzinfo=__import__("zoneinfo").ZoneInfo("Europe/London")
    ).astimezone(UTC).replace(tzinfo=None)
    queued = db.session.scalars(select(OutboxMessage.to_address)).all()
    assert sorted(queued) == sorted(["shah.family@example.com", worker.email])

    page = client.get(response.headers["Location"])
    assert "2:30pm" in page.get_data(as_text=True)
    listing = client.get(f"/staff/cases/{household.reference}/visits").get_data(as_text=True)
    assert "Assessment session" in listing and "1 visits" in listing


def test_a_time_the_clocks_skip_is_refused(client, case):
    _, worker, household = case
    url = f"/staff/cases/{household.reference}/visits/new"
    response = post_form(client, url, booking(date(2030, 3, 31), "01:30", workers=[str(worker.id)]))
    assert response.status_code == 200
    assert any("clocks go forward" in e for e in errors(response))


def test_a_clash_must_be_confirmed(client, case):
    _, worker, household = case
    when = next_weekday(2)
    other = make_household("mainstream", "stage1", team=case[0], workers=[worker],
                           name="The Okafor family", address="3 Mill Lane")
    make_visit(other, worker, when, time(10, 30))
    url = f"/staff/cases/{household.reference}/visits/new"
    response = post_form(client, url, booking(when, "10:00", workers=[str(worker.id)]))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "This clashes with another visit" in html
    assert "The Okafor family" in html
    assert any("confirm the clash" in e for e in errors(response))
    assert db.session.scalar(select(func.count(Visit.id))) == 1

    response = post_form(client, url, booking(when, "10:00", workers=[str(worker.id)],
                                              confirm_clash="y"))
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(Visit.id))) == 2

    # Back to back is not a clash.
    response = post_form(client, url, booking(when, "12:00", duration="60",
                                              workers=[str(worker.id)]))
    assert response.status_code == 302


def test_rearrange_cancel_and_write_up(client, case):
    _, worker, household = case
    visit = make_visit(household, worker, next_weekday(1), time(10, 0))
    url = f"/staff/visits/{visit.id}/rearrange"
    page = client.get(url).get_data(as_text=True)
    assert 'value="10:00"' in page
    html = client.get(url).get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', html).group(1)
    new_day = next_weekday(3)
    response = post_form(client, url, booking(new_day, "11:15", workers=[str(worker.id)],
                                              version=version))
    assert response.status_code == 302
    db.session.expire_all()
    visit = db.session.get(Visit, visit.id)
    assert visit.status == "rearranged" and visit.ics_sequence == 1
    assert db.session.scalar(select(func.count(OutboxMessage.id)).where(
        OutboxMessage.subject.like("%rearranged%"))) == 2

    # Write-up is refused before the visit.
    response = client.get(f"/staff/visits/{visit.id}/write-up")
    assert response.status_code == 302

    response = post_form(client, f"/staff/visits/{visit.id}/cancel",
                         {"reason": "", "version": str(visit.version)})
    assert errors(response) == ["Enter why the visit is cancelled"]
    response = post_form(client, f"/staff/visits/{visit.id}/cancel", {
        "reason": "The applicant is in hospital", "version": str(visit.version)})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Visit, visit.id).status == "cancelled"
    assert db.session.scalar(select(func.count(OutboxMessage.id)).where(
        OutboxMessage.subject.like("Cancelled%"))) == 2

    past = make_visit(household, worker, today() - timedelta(days=2), time(10, 0))
    response = post_form(client, f"/staff/visits/{past.id}/write-up", {
        "outcome": "took_place", "write_up": "Saw both applicants and the bedroom.",
        "version": str(past.version)})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Visit, past.id).status == "took_place"
    page = client.get(f"/staff/visits/{past.id}").get_data(as_text=True)
    assert "Saw both applicants" in page


def test_a_stale_rearrange_is_refused(client, case):
    _, worker, household = case
    visit = make_visit(household, worker, next_weekday(1), time(10, 0))
    response = post_form(client, f"/staff/visits/{visit.id}/rearrange",
                         booking(next_weekday(2), "10:00", workers=[str(worker.id)],
                                 version=str(visit.version - 1 or 99)))
    # Nothing is saved, and the form comes back with what was typed and why.
    assert response.status_code == 409
    assert errors(response) == ["This visit changed since you opened it, so nothing was saved. "
                                "What you typed is kept below: check the latest details, "
                                "then save again."]
    html = response.get_data(as_text=True)
    assert f'value="{next_weekday(2).day}"' in html
    db.session.expire_all()
    assert db.session.get(Visit, visit.id).status == "booked"
    assert london(db.session.get(Visit, visit.id).starts_at).date() == next_weekday(1)


def test_a_second_write_up_at_the_same_moment_keeps_its_text(client, case):
    _, worker, household = case
    past = make_visit(household, worker, today() - timedelta(days=2), time(10, 0))
    opened_at = str(past.version)
    first = post_form(client, f"/staff/visits/{past.id}/write-up", {
        "outcome": "took_place", "write_up": "Saw both applicants.", "version": opened_at})
    assert first.status_code == 302
    second = post_form(client, f"/staff/visits/{past.id}/write-up", {
        "outcome": "took_place", "write_up": "A long account of the bedroom and the garden.",
        "version": opened_at})
    assert second.status_code == 409
    assert "This visit changed since you opened it" in errors(second)[0]
    assert "A long account of the bedroom and the garden." in second.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Visit, past.id).write_up == "Saw both applicants."


def test_the_diary_shows_the_week_in_london_time(client, case):
    _, worker, household = case
    make_visit(household, worker, date(2027, 3, 29), time(10, 0))
    make_visit(household, worker, date(2027, 3, 28), time(15, 0))
    html = client.get("/staff/diary?week=2027-03-31").get_data(as_text=True)
    assert "week of 29 March 2027" in html
    assert "10:00am to 11:30am" in html
    assert "3:00pm" not in html  # Sunday 28 March is in the week before
    assert "week=2027-03-22" in html and "week=2027-04-05" in html
    assert "3:00pm" in client.get("/staff/diary?week=2027-03-22").get_data(as_text=True)
    for junk in ("nonsense", "99999-01-01", "0001-01-01", ""):
        assert client.get(f"/staff/diary?week={junk}").status_code == 200
    this_week = client.get("/staff/diary").get_data(as_text=True)
    assert (week_start(today()) - timedelta(days=7)).isoformat() in this_week
    assert "Diary" in html
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.object_type == "diary")) >= 1


def test_a_visit_rearranged_to_another_week_moves_to_that_week_in_the_diary(client, case):
    _, worker, household = case
    booked_on = next_weekday(1)
    visit = make_visit(household, worker, booked_on, time(10, 0))
    booked_week = f"/staff/diary?week={week_start(booked_on).isoformat()}"
    assert "10:00am to 11:30am" in client.get(booked_week).get_data(as_text=True)
    url = f"/staff/visits/{visit.id}/rearrange"
    version = re.search(r'name="version" type="hidden" value="(\d+)"',
                        client.get(url).get_data(as_text=True)).group(1)
    moved_to = next_weekday(3, weeks=3)
    response = post_form(client, url, booking(moved_to, "14:00", workers=[str(worker.id)],
                                              version=version))
    assert response.status_code == 302
    assert "rearranged" in client.get(response.headers["Location"]).get_data(as_text=True)
    html = client.get(booked_week).get_data(as_text=True)
    assert "10:00am" not in html and "2:00pm" not in html
    html = client.get(f"/staff/diary?week={week_start(moved_to).isoformat()}")
    assert "2:00pm to 3:30pm" in html.get_data(as_text=True)


def test_staff_outside_the_team_cannot_see_or_book(client, app):
    team, worker, household = visit_case()
    visit = make_visit(household, worker, next_weekday(1), time(10, 0))
    outsider = make_staff("assessing_social_worker", team=make_team())
    sign_in(client, outsider)
    for url in (f"/staff/cases/{household.reference}/visits",
                f"/staff/cases/{household.reference}/visits/new",
                f"/staff/visits/{visit.id}", f"/staff/visits/{visit.id}/rearrange",
                f"/staff/visits/{visit.id}/cancel", f"/staff/visits/{visit.id}/write-up"):
        assert client.get(url).status_code == 403, url
    assert "Assessment session" not in client.get("/staff/diary").get_data(as_text=True)


def test_a_team_colleague_can_read_but_not_change(client, app):
    team, worker, household = visit_case()
    visit = make_visit(household, worker, next_weekday(1), time(10, 0))
    colleague = make_staff("assessing_social_worker", team=team)
    sign_in(client, colleague)
    assert client.get(f"/staff/cases/{household.reference}/visits").status_code == 200
    assert client.get(f"/staff/visits/{visit.id}").status_code == 200
    assert client.get(f"/staff/visits/{visit.id}/cancel").status_code == 403
    assert client.get(f"/staff/cases/{household.reference}/visits/new").status_code == 403


def test_signed_out_people_are_sent_to_sign_in(client, app):
    _, worker, household = visit_case()
    assert client.get("/staff/diary").status_code == 302
    assert client.get(f"/staff/cases/{household.reference}/visits").status_code == 302


def test_the_calendar_feed_can_be_made_read_and_revoked(client, case):
    _, worker, household = case
    make_visit(household, worker, next_weekday(1), time(10, 0))
    response = post_form(client, "/staff/calendar-feed", {})
    html = response.get_data(as_text=True)
    address = re.search(r'id="feed-address" type="text" readonly value="([^"]+)"', html).group(1)
    path = address.split("://", 1)[1].split("/", 1)[1]
    token = path.removeprefix("calendar/").removesuffix(".ics")
    row = db.session.scalar(select(CalendarFeed))
    assert row.token_hash != token and token not in row.token_hash

    feed = isolated_client(client.application).get("/" + path)  # no sign-in: the token is the key
    assert feed.status_code == 200
    assert feed.mimetype == "text/calendar"
    cal = vobject.readOne(feed.get_data(as_text=True))
    assert cal.method.value == "PUBLISH"
    assert len(cal.vevent_list) == 1
    assert "12 Chapel Street" in cal.vevent.location.value
    assert client.get("/calendar/not-a-real-token.ics").status_code == 404

    revoke_page = client.get("/staff/calendar-feed").get_data(as_text=True)
    assert "Turn off my calendar address" in revoke_page
    tokens = re.findall(r'name="csrf_token" type="hidden" value="([^"]+)"', revoke_page)
    response = client.post("/staff/calendar-feed/revoke", data={"csrf_token": tokens[-1]})
    assert response.status_code == 302
    assert client.get("/" + path).status_code == 404


def test_the_case_page_links_to_its_visits(client, case):
    _, _, household = case
    html = client.get(f"/staff/cases/{household.reference}").get_data(as_text=True)
    assert f"/staff/cases/{household.reference}/visits" in html


@pytest.mark.parametrize("field,value", [
    ("start_time", "x" * 5000), ("start_time", "12:60"), ("start_time", "0pm"),
    ("duration", "-5"), ("duration", "99999999999999999999"), ("kind", "tea_party"),
    ("place", "moon"), ("workers", "999999"), ("members", "abc"),
    ("meeting_link", "javascript:alert(1)"), ("day", ["1", "1"]),
    ("day", ["99999999999999999999", "1", "2027"]),
])
def test_bad_input_never_gives_a_500(client, case, field, value):
    _, worker, household = case
    data = booking(next_weekday(1), workers=[str(worker.id)], place="online",
                   meeting_link="https://meet.example.com/x")
    data[field] = value
    response = post_form(client, f"/staff/cases/{household.reference}/visits/new", data)
    assert response.status_code == 200
    assert errors(response)


def test_the_diary_and_the_visits_list_use_the_same_queries_for_3_or_30_visits(app):
    from tests.http.test_query_counts import counting, explain

    team, worker, household = visit_case()
    client = isolated_client(app)
    sign_in(client, worker)
    monday = week_start(today()) + timedelta(days=7)

    def add(n):
        for i in range(n):
            other = make_household("mainstream", "stage2", team=team, workers=[worker],
                                   address=f"{i} High Street")
            for h in (household, other):
                make_visit(h, worker, monday + timedelta(days=i % 5), time(8 + i % 9, 0),
                           minutes=30, accept_clashes=True)

    def statements(url):
        client.get(url)
        with counting() as found:
            assert client.get(url).status_code == 200
        return found

    urls = [f"/staff/diary?week={monday.isoformat()}",
            f"/staff/cases/{household.reference}/visits"]
    add(3)
    small = [statements(url) for url in urls]
    add(27)
    large = [statements(url) for url in urls]
    for url, s, big in zip(urls, small, large, strict=True):
        assert len(s) == len(big), f"{url}\n" + explain(s, big)


def test_a_team_manager_sees_a_workers_diary_and_others_cannot(client, app):
    team, worker, household = visit_case()
    when = next_weekday(1)
    make_visit(household, worker, when, time(10, 0))
    week = week_start(when).isoformat()
    manager = make_staff("team_manager", team=team)
    sign_in(client, manager)
    html = client.get(f"/staff/diary?week={week}&worker={worker.id}").get_data(as_text=True)
    html = html.replace("&#39;", "'").replace("&#x27;", "'")
    assert "Aled Jones's diary" in html and "Priya and Sam Shah" in html
    assert f"worker={worker.id}" in html  # previous and next keep the worker
    outsider = make_staff("team_manager", team=make_team())
    assert client.get(f"/staff/diary?worker={outsider.id}").status_code == 404
    assert client.get("/staff/diary?worker=nonsense").status_code == 404

    colleague = make_staff("assessing_social_worker", team=team)
    other_client = isolated_client(app)
    sign_in(other_client, colleague)
    assert other_client.get(f"/staff/diary?worker={worker.id}").status_code == 403


def test_booking_says_the_invitations_are_on_their_way_not_already_sent(client, case):
    _, worker, household = case
    url = f"/staff/cases/{household.reference}/visits/new"
    response = post_form(client, url, booking(next_weekday(0), "10:00", workers=[str(worker.id)]))
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Invitations will be sent to everyone attending" in html
    assert "has been sent" not in html
    assert set(db.session.scalars(select(OutboxMessage.status))) == {"pending"}


def test_whoever_may_see_a_visit_can_download_it_as_a_calendar_file(client, app):
    team, worker, household = visit_case()
    visit = make_visit(household, worker, date(2030, 6, 3), time(10, 0))
    colleague = make_staff("assessing_social_worker", team=team)
    sign_in(client, colleague)
    page = client.get(f"/staff/visits/{visit.id}").get_data(as_text=True)
    url = f"/staff/visits/{visit.id}/calendar.ics"
    assert url in page
    download = client.get(url)
    assert download.status_code == 200
    assert download.mimetype == "text/calendar"
    assert download.headers["Content-Disposition"].startswith("attachment")
    cal = vobject.readOne(download.get_data(as_text=True))
    assert cal.method.value == "PUBLISH"
    assert cal.vevent.uid.value == visit.uid
    assert cal.vevent.dtstart.value.astimezone(UTC) == datetime(2030, 6, 3, 9, 0, tzinfo=UTC)
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.object_type == "visit_calendar")) == 1
    outsider = isolated_client(app)
    sign_in(outsider, make_staff("assessing_social_worker", team=make_team()))
    assert outsider.get(url).status_code == 403
    assert outsider.get("/staff/visits/999999/calendar.ics").status_code == 404


def test_a_time_that_happens_twice_asks_which_and_keeps_what_was_typed(client, case):
    _, worker, household = case
    url = f"/staff/cases/{household.reference}/visits/new"
    data = booking(date(2030, 10, 27), "01:30", duration="60", workers=[str(worker.id)],
                   notes="Night-time visit")
    response = post_form(client, url, data)
    assert response.status_code == 200
    assert any("01:30 happens twice" in e for e in errors(response))
    html = response.get_data(as_text=True)
    assert "01:30 BST (first time)" in html and "01:30 GMT (second time)" in html
    assert 'value="01:30"' in html and "Night-time visit" in html
    assert db.session.scalar(select(func.count(Visit.id))) == 0

    response = post_form(client, url, {**data, "which_time": "second"})
    assert response.status_code == 302
    visit = db.session.scalar(select(Visit))
    assert visit.starts_at_utc == datetime(2030, 10, 27, 1, 30, tzinfo=UTC)  # 01:30 GMT
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "1:30am GMT to 2:30am GMT" in page

    # Rearranging shows which one it is, chosen.
    form = client.get(f"/staff/visits/{visit.id}/rearrange").get_data(as_text=True)
    assert re.search(r'value="second"\s+checked', form) or \
        re.search(r'checked[^>]*value="second"', form)


def test_the_first_0130_for_an_hour_ends_at_the_second_not_1_30_to_1_30(client, case):
    _, worker, household = case
    url = f"/staff/cases/{household.reference}/visits/new"
    response = post_form(client, url, booking(date(2030, 10, 27), "1:30am", duration="60",
                                              workers=[str(worker.id)], which_time="first"))
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "1:30am BST to 1:30am GMT" in page
    visit = db.session.scalar(select(Visit))
    cal = vobject.readOne(client.get(f"/staff/visits/{visit.id}/calendar.ics")
                          .get_data(as_text=True))
    assert cal.vevent.dtend.value.astimezone(UTC) == datetime(2030, 10, 27, 1, 30, tzinfo=UTC)
