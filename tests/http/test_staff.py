"""Staff sign-in and the fostering team's enquiries inbox."""

import re
import secrets
from datetime import UTC, date, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from sqlalchemy import event, func, select

from carers.audit.models import AuditEvent
from carers.auth.models import User
from carers.clocks.workdays import add_working_days, is_working_day, working_days_between
from carers.core.dates import LONDON
from carers.enquiries.models import Enquiry
from carers.enquiries.operations import enquiry_from_answers
from carers.extensions import db
from tests.factories import set_setting
from tests.helpers import (
    assert_in_service_style,
    csrf_token,
    html_of,
    isolated_client,
    post_form,
    sign_in,
)

PASSWORD = "correct horse battery"
INBOX = "/staff/enquiries/"

ANSWERS = {
    "about-you": {"first_name": "Siân", "last_name": "O'Brien", "other_names": "Siân Jones",
                  "date_of_birth": "1984-02-14"},
    "contact": {"email": "sian.obrien@example.com", "phone": "07700 900 982",
                "preferred_contact": "phone"},
    "address": {"address_line_1": "12 Chapel Street", "address_line_2": "Upper Mill",
                "town": "Northmoor", "county": "Moorshire", "postcode": "NM1 2AB"},
    "household": {"people": [{"name": "Dafydd O'Brien", "relationship": "partner", "age": 44,
                              "applying": "yes"}]},
    "home": {"property_type": "house", "tenure": "owned", "bedrooms": 4, "spare_bedrooms": 2,
             "has_pets": "yes", "pets_details": "A dog called Bran"},
    "fostering": {"fostering_types": ["short_term", "long_term"]},
    "child": {"knows_child": "no"},
    "heard": {"heard_about": "other", "heard_about_other": "The village fete"},
    "consent": {"privacy_consent": True, "keep_in_touch": True},
}


def add_enquiry(received_at: datetime, first_name="Siân", **changes) -> Enquiry:
    answers = {**ANSWERS, "about-you": {**ANSWERS["about-you"], "first_name": first_name}}
    enquiry = enquiry_from_answers(answers)
    enquiry.received_at = received_at
    for key, value in changes.items():
        setattr(enquiry, key, value)
    db.session.add(enquiry)
    db.session.commit()
    return enquiry


def assert_goes_to_sign_in(response):
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/staff/sign-in"


def error_summary(html: str) -> str:
    match = re.search(r'<div class="govuk-error-summary".*?</ul>', html, re.S)
    assert match, "no error summary"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(0)).split())


# --- signing in ---

def test_the_inbox_sends_anonymous_visitors_to_sign_in_and_back(client, make_user):
    response = client.get(INBOX + "?status=new")
    assert_goes_to_sign_in(response)
    next_ = parse_qs(urlsplit(response.headers["Location"]).query)["next"][0]
    assert next_ == "/staff/enquiries/?status=new"
    user = make_user()
    response = sign_in(client, user, next_="/staff/enquiries/%3Fstatus%3Dnew")
    assert response.headers["Location"] == "/staff/enquiries/?status=new"
    assert client.get(INBOX).status_code == 200


def test_an_enquiry_page_sends_anonymous_visitors_to_sign_in(client):
    enquiry = add_enquiry(datetime.now(UTC))
    assert_goes_to_sign_in(client.get(f"{INBOX}{enquiry.reference}"))
    # A POST without a session is refused too (CSRF first, then sign-in).
    assert client.post(f"{INBOX}{enquiry.reference}", data={}).status_code in (302, 400)
    assert db.session.get(Enquiry, enquiry.id).first_response_at is None


def test_wrong_password_and_unknown_email_get_the_same_answer(client, make_user):
    user = make_user()
    wrong = sign_in(client, user, password="not the password", expect=200)
    unknown = sign_in(client, "nobody@example.gov.uk", expect=200)
    for response in (wrong, unknown):
        assert "Enter a correct email address and password" in error_summary(html_of(response))
        assert html_of(response).count("Enter a correct email address and password") == 2
    assert error_summary(html_of(wrong)) == error_summary(html_of(unknown))
    assert_goes_to_sign_in(client.get(INBOX))


def test_an_empty_sign_in_form_says_what_is_missing(client):
    summary = error_summary(html_of(sign_in(client, "", password="", expect=200)))
    assert "Enter your email address" in summary and "Enter your password" in summary


def test_the_email_address_is_not_case_sensitive(client, make_user):
    user = make_user(email="Ffion.Evans@Example.gov.uk")
    assert user.email == "ffion.evans@example.gov.uk"
    sign_in(client, "  FFION.EVANS@example.GOV.UK ")


def test_passwords_are_stored_as_argon2id_hashes(make_user):
    user = make_user()
    stored = db.session.scalar(select(User.password_hash).where(User.id == user.id))
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored


def test_a_panel_member_cannot_see_the_inbox(client, signed_in):
    signed_in("panel_member")
    enquiry = add_enquiry(datetime.now(UTC))
    for url in (INBOX, f"{INBOX}{enquiry.reference}"):
        response = client.get(url)
        assert response.status_code == 403
        html = html_of(response)
        assert "You cannot see this page" in html
        assert_in_service_style(html)
        assert enquiry.reference not in html
    views = db.session.scalar(select(func.count()).select_from(AuditEvent)
                              .where(AuditEvent.action == "view"))
    assert views == 0


@pytest.mark.parametrize("role", ["recruitment_officer", "assessing_social_worker",
                                  "supervising_social_worker", "team_manager", "administrator"])
def test_the_fostering_team_can_see_the_inbox(client, signed_in, role):
    signed_in(role)
    assert client.get(INBOX).status_code == 200


def test_a_deactivated_user_cannot_sign_in(client, make_user):
    user = make_user()
    user.active = False
    db.session.commit()
    response = sign_in(client, user, expect=200)
    assert "Enter a correct email address and password" in html_of(response)
    assert_goes_to_sign_in(client.get(INBOX))


def test_deactivating_a_user_ends_their_session(client, signed_in):
    user = signed_in()
    assert client.get(INBOX).status_code == 200
    user.active = False
    db.session.commit()
    assert_goes_to_sign_in(client.get(INBOX))


def test_changing_the_session_token_ends_every_session(app, client, signed_in):
    user = signed_in()
    other_device = isolated_client(app)
    sign_in(other_device, user)
    assert other_device.get(INBOX).status_code == 200
    user.session_token = secrets.token_hex(16)
    db.session.commit()
    assert_goes_to_sign_in(client.get(INBOX))
    assert_goes_to_sign_in(other_device.get(INBOX))
    # Signing in again works, with the new token.
    sign_in(client, user)
    assert client.get(INBOX).status_code == 200


def test_sign_out_needs_a_post_with_a_csrf_token(client, signed_in):
    user = signed_in()
    assert client.get("/staff/sign-out").status_code == 405
    refused = client.post("/staff/sign-out", data={})
    assert refused.status_code == 400
    assert "Your page timed out" in html_of(refused)
    assert client.get(INBOX).status_code == 200  # still signed in

    inbox = html_of(client.get(INBOX))
    response = client.post("/staff/sign-out", data={"csrf_token": csrf_token(inbox)})
    assert_goes_to_sign_in(response)
    assert_goes_to_sign_in(client.get(INBOX))
    sign_outs = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "sign_out"))
    assert [e.user_id for e in sign_outs] == [user.id]


def test_a_sign_in_is_audited(client, make_user):
    user = make_user()
    sign_in(client, user)
    db.session.expire_all()
    event_ = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "sign_in"))
    assert event_.user_id == user.id and event_.ip_address == "127.0.0.1"
    assert db.session.get(User, user.id).last_sign_in_at is not None


@pytest.mark.parametrize("target", [
    "https://evil.example",
    "https://evil.example/staff/enquiries/",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/%09/evil.example",
    "/%0d%0a/evil.example",
    "https:evil.example",
    "javascript:alert(1)",
    "evil.example",
    "",
])
def test_next_only_ever_redirects_to_this_site(client, make_user, target):
    user = make_user()
    response = sign_in(client, user, next_=target)
    location = response.headers["Location"]
    assert "evil" not in location and "javascript" not in location
    assert location.startswith("/staff/")
    assert not location.startswith("//")


def test_a_local_next_is_followed(client, make_user):
    user = make_user()
    response = sign_in(client, user, next_="/staff/enquiries/%3Fpage%3D2")
    assert response.headers["Location"] == "/staff/enquiries/?page=2"


def test_a_signed_in_user_visiting_sign_in_goes_to_their_pages(client, signed_in):
    signed_in()
    response = client.get("/staff/sign-in")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path.startswith("/staff/")


# --- the users command ---

def create_user_command(runner, email, password, *extra):
    return runner.invoke(args=["users", "create", "--email", email, "--name", "Ada Lovelace",
                               *extra], input=f"{password}\n{password}\n")


def test_users_create_makes_an_administrator_who_can_sign_in(client, runner):
    result = create_user_command(runner, "Ada@Example.gov.uk", "a long enough password")
    assert result.exit_code == 0, result.output
    assert "Created ada@example.gov.uk (administrator)" in result.output
    db.session.expire_all()
    user = db.session.scalar(select(User).where(User.email == "ada@example.gov.uk"))
    assert user.role_keys == {"administrator"}
    assert user.password_hash.startswith("$argon2id$")
    sign_in(client, "ada@example.gov.uk", "a long enough password")
    assert client.get(INBOX).status_code == 200


def test_users_create_can_give_other_roles(runner):
    result = create_user_command(runner, "pm@example.gov.uk", "a long enough password",
                                 "--role", "panel_member", "--role", "team_manager")
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    user = db.session.scalar(select(User).where(User.email == "pm@example.gov.uk"))
    assert user.role_keys == {"panel_member", "team_manager"}


def test_users_create_refuses_a_duplicate_email(runner, make_user):
    make_user(email="taken@example.gov.uk")
    result = create_user_command(runner, "TAKEN@example.gov.uk", "a long enough password")
    assert result.exit_code != 0
    assert "There is already an account for taken@example.gov.uk" in result.output
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_users_create_refuses_a_short_password(runner):
    result = create_user_command(runner, "short@example.gov.uk", "too short")
    assert result.exit_code != 0
    assert "Use at least 10 characters" in result.output
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_users_create_refuses_an_unknown_role(runner):
    result = create_user_command(runner, "x@example.gov.uk", "a long enough password",
                                 "--role", "superuser")
    assert result.exit_code != 0
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


# --- the inbox ---

def table_row(html: str, reference: str) -> str:
    """The text of the inbox table row for one enquiry."""
    for row in re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', html, re.S):
        if reference in row:
            return " ".join(re.sub(r"<[^>]+>", " ", row).split())
    raise AssertionError(f"{reference} is not in the table")


def references_on(html: str) -> list[str]:
    return re.findall(r'href="/staff/enquiries/(ENQ-[^"?#]+)"', html)


def test_the_inbox_lists_the_newest_first_25_to_a_page(client, signed_in):
    signed_in()
    start = datetime(2026, 6, 1, 9, tzinfo=UTC)
    enquiries = [add_enquiry(start + timedelta(hours=i), first_name=f"Person{i:02d}")
                 for i in range(30)]
    newest_first = [e.reference for e in reversed(enquiries)]

    first = html_of(client.get(INBOX))
    assert "30 enquiries" in first
    assert references_on(first) == newest_first[:25]
    assert 'href="/staff/enquiries/?page=2"' in first
    second = html_of(client.get(INBOX + "?page=2"))
    assert references_on(second) == newest_first[25:]
    # A page past the end shows the last page; nonsense is page 1.
    assert references_on(html_of(client.get(INBOX + "?page=99"))) == newest_first[25:]
    assert references_on(html_of(client.get(INBOX + "?page=-1"))) == newest_first[:25]
    assert references_on(html_of(client.get(INBOX + "?page=abc"))) == newest_first[:25]


def test_the_inbox_filters_by_status(client, signed_in):
    user = signed_in()
    now = datetime.now(UTC)
    new = add_enquiry(now - timedelta(hours=1))
    contacted = add_enquiry(now - timedelta(hours=2), status=Enquiry.CONTACTED,
                            first_response_at=now, first_response_by_id=user.id)
    assert references_on(html_of(client.get(INBOX + "?status=new"))) == [new.reference]
    assert references_on(html_of(client.get(INBOX + "?status=contacted"))) == [
        contacted.reference]
    assert len(references_on(html_of(client.get(INBOX + "?status=nonsense")))) == 2


def test_an_empty_inbox_says_so(client, signed_in):
    signed_in()
    assert "There are no enquiries to show" in html_of(client.get(INBOX))


def london_time(*args) -> datetime:
    return datetime(*args, tzinfo=LONDON).astimezone(UTC)


# Tue 29 Dec 2026: Fri 25 Dec is Christmas Day and Mon 28 Dec the substitute for Boxing Day.
VIEWED = datetime(2026, 12, 29, 12, 0, tzinfo=LONDON)


def test_the_christmas_calendar_the_inbox_tests_rely_on():
    assert not is_working_day(date(2026, 12, 25))
    assert not is_working_day(date(2026, 12, 28))
    assert is_working_day(date(2026, 12, 24)) and is_working_day(date(2026, 12, 29))
    assert working_days_between(date(2026, 12, 24), date(2026, 12, 29)) == 1
    assert working_days_between(date(2026, 12, 23), date(2026, 12, 29)) == 2
    assert working_days_between(date(2026, 12, 29), date(2026, 12, 29)) == 0
    assert add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 29)
    assert add_working_days(date(2026, 12, 23), 1) == date(2026, 12, 24)


def test_each_enquiry_shows_its_age_in_working_days_and_its_first_response_clock(
        client, signed_in):
    with time_machine.travel(VIEWED, tick=False):
        user = signed_in()
        christmas_eve = add_enquiry(london_time(2026, 12, 24, 10, 0))
        before = add_enquiry(london_time(2026, 12, 23, 16, 30))
        today_ = add_enquiry(london_time(2026, 12, 29, 8, 15))
        answered = add_enquiry(london_time(2026, 12, 22, 11, 0), status=Enquiry.CONTACTED,
                               first_response_at=london_time(2026, 12, 23, 9, 0),
                               first_response_by_id=user.id)
        late = add_enquiry(london_time(2026, 12, 21, 11, 0), status=Enquiry.CONTACTED,
                           first_response_at=london_time(2026, 12, 23, 9, 0),
                           first_response_by_id=user.id)
        html = html_of(client.get(INBOX))

        # Received Thu 24 Dec; due Tue 29 Dec (after Christmas and the substitute
        # Boxing Day): 1 working day old, due today.
        row = table_row(html, christmas_eve.reference)
        assert "1 working day " in row + " " and "Due soon" in row
        assert "24 December 2026 at 10:00am" in row

        row = table_row(html, before.reference)
        assert "2 working days" in row and "Overdue" in row

        row = table_row(html, today_.reference)
        assert "0 working days" in row and "Due soon" in row

        assert "Met" in table_row(html, answered.reference)
        assert "Met late" in table_row(html, late.reference)

        detail = html_of(client.get(f"{INBOX}{christmas_eve.reference}"))
        assert "Due soon" in detail
        assert "Tue 29 Dec 2026" in detail
        assert "Christmas Day" in detail and "Boxing Day" in detail


def test_a_longer_first_response_target_shows_on_track(client, signed_in):
    with time_machine.travel(VIEWED, tick=False):
        set_setting("first_response_working_days", 5)
        signed_in()
        enquiry = add_enquiry(london_time(2026, 12, 24, 10, 0))
        row = table_row(html_of(client.get(INBOX)), enquiry.reference)
        assert "1 working day" in row and "On track" in row


def test_the_detail_page_shows_every_answer(client, signed_in):
    signed_in()
    enquiry = add_enquiry(datetime.now(UTC))
    html = html_of(client.get(f"{INBOX}{enquiry.reference}"))
    for text in ["Siân O&#39;Brien", "Siân Jones", "14 February 1984",
                 "sian.obrien@example.com", "07700 900 982", "Phone",
                 "12 Chapel Street, Upper Mill, Northmoor, Moorshire, NM1 2AB",
                 "Dafydd O&#39;Brien", "Partner, husband or wife, aged 44, applying with you",
                 "House", "I own it (with or without a mortgage)", "Yes: A dog called Bran",
                 "Short-term, Long-term", "Other: The village fete", "Read and agreed",
                 enquiry.reference, "Mainstream fostering"]:
        assert text in html, text
    assert 'href="/enquiry/' not in html  # no links to change answers in the public journey


def test_an_unknown_enquiry_is_a_404(client, signed_in):
    signed_in()
    response = client.get(f"{INBOX}ENQ-NOPE-NOPE")
    assert response.status_code == 404
    assert "Page not found" in html_of(response)


def test_viewing_an_enquiry_is_audited(client, signed_in):
    user = signed_in()
    enquiry = add_enquiry(datetime.now(UTC))
    client.get(f"{INBOX}{enquiry.reference}")
    views = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "view")).all()
    assert [(e.user_id, e.object_type, e.object_id) for e in views] == [
        (user.id, "enquiry", str(enquiry.id))]
    assert views[0].ip_address == "127.0.0.1"
    # The list itself names nobody in particular and is not a view of any one enquiry.
    client.get(INBOX)
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "view")) == 1


def test_recording_the_first_response_marks_the_enquiry_contacted(client, signed_in):
    user = signed_in()
    enquiry = add_enquiry(datetime.now(UTC))
    url = f"{INBOX}{enquiry.reference}"
    response = post_form(client, url, {"note": "Phoned <b>and</b> booked a visit"})
    assert response.status_code == 302 and response.headers["Location"] == url

    db.session.expire_all()
    enquiry = db.session.get(Enquiry, enquiry.id)
    assert enquiry.status == Enquiry.CONTACTED
    assert enquiry.first_response_by_id == user.id
    assert enquiry.first_response_at is not None
    assert enquiry.first_response_note == "Phoned <b>and</b> booked a visit"
    updates = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "update")).all()
    assert [(e.user_id, e.object_type, e.object_id, e.detail) for e in updates] == [
        (user.id, "enquiry", str(enquiry.id), {"first_response": True})]

    html = html_of(client.get(url))
    assert "First response recorded" in html
    assert "Phoned &lt;b&gt;and&lt;/b&gt; booked a visit" in html
    assert "Met" in html
    assert "Record the first response" not in html
    assert references_on(html_of(client.get(INBOX + "?status=contacted"))) == [
        enquiry.reference]

    # Recording it again changes nothing.
    client.post(url, data={"csrf_token": csrf_token(html_of(client.get(INBOX))),
                           "note": "Again"})
    db.session.expire_all()
    assert db.session.get(Enquiry, enquiry.id).first_response_note.startswith("Phoned")
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "update")) == 1


def test_recording_the_first_response_needs_a_csrf_token(client, signed_in):
    signed_in()
    enquiry = add_enquiry(datetime.now(UTC))
    response = client.post(f"{INBOX}{enquiry.reference}", data={"note": "x"})
    assert response.status_code == 400
    assert db.session.get(Enquiry, enquiry.id).status == Enquiry.NEW


def test_a_too_long_note_is_refused(client, signed_in):
    signed_in()
    enquiry = add_enquiry(datetime.now(UTC))
    response = post_form(client, f"{INBOX}{enquiry.reference}", {"note": "x" * 2001})
    assert response.status_code == 200
    assert "What happened must be 2000 characters or fewer" in html_of(response)
    assert db.session.get(Enquiry, enquiry.id).status == Enquiry.NEW


# --- bounded queries ---

def queries_for(client, url) -> list[str]:
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        response = client.get(url)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert response.status_code == 200
    return statements


def add_many(n: int, responder_id: int):
    start = datetime.now(UTC) - timedelta(days=40)
    for i in range(n):
        responded = i % 2 == 0
        add_enquiry(start + timedelta(hours=i), first_name=f"Person{i}",
                    status=Enquiry.CONTACTED if responded else Enquiry.NEW,
                    first_response_at=start + timedelta(hours=i + 20) if responded else None,
                    first_response_by_id=responder_id if responded else None)


def test_the_inbox_makes_the_same_number_of_queries_however_many_enquiries(
        client, signed_in, make_user):
    user = signed_in()
    responders = [user.id, make_user().id, make_user().id]
    for responder in responders:
        add_many(4, responder)
    client.get(INBOX)  # warm up: anything loaded once per process
    with_12 = queries_for(client, INBOX)
    for responder in responders:
        add_many(16, responder)
    with_60 = queries_for(client, INBOX)
    assert len(with_60) == len(with_12), "\n".join(with_60)
    assert len(queries_for(client, INBOX + "?page=3")) == len(with_12)
    assert len(queries_for(client, INBOX + "?status=contacted")) == len(with_12)


def test_an_enquiry_page_makes_a_bounded_number_of_queries(client, signed_in):
    user = signed_in()
    now = datetime.now(UTC)
    one = add_enquiry(now, status=Enquiry.CONTACTED, first_response_at=now,
                      first_response_by_id=user.id)
    answers = {**ANSWERS, "household": {"people": [
        {"name": f"Child {i}", "relationship": "child", "age": i, "applying": "no"}
        for i in range(8)]}}
    many = enquiry_from_answers(answers)
    many.status, many.first_response_at, many.first_response_by_id = (
        Enquiry.CONTACTED, now, user.id)
    db.session.add(many)
    db.session.commit()
    client.get(f"{INBOX}{one.reference}")
    assert len(queries_for(client, f"{INBOX}{one.reference}")) == len(
        queries_for(client, f"{INBOX}{many.reference}"))
