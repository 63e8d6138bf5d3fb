"""Applicants sign in with a 6-digit code emailed to them: single use, 15 minutes, five
wrong tries, rate-limited per email address and per network address, and the same answer
whether or not the address has an account. Their sessions time out after the agency's
setting, with a warning on the page first, and signing out ends the session on the server."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from carers.applicants.models import ApplicantSession, SignInCode
from carers.extensions import db
from carers.notifications.dispatch import send_due
from carers.notifications.models import OutboxMessage
from tests.factories import make_applicant, make_household, make_staff, set_setting
from tests.helpers import (
    ask_for_code,
    csrf_token,
    emailed_code,
    enter_code,
    html_of,
    isolated_client,
    post_form,
    sign_in,
    sign_in_applicant,
    sign_in_applicant_with_code,
)

TOKEN = re.compile(r'value="[A-Za-z0-9._-]{40,}"')


@pytest.fixture
def applicant(app):
    household = make_household("mainstream", "application_received")
    return make_applicant(household, name="Priya Shah", email="priya@example.com")


def codes_sent(email: str) -> int:
    return db.session.scalar(select(func.count(OutboxMessage.id)).where(
        OutboxMessage.to_address == email,
        OutboxMessage.idempotency_key.like("applicant-code:%")))


def live_session(applicant) -> ApplicantSession | None:
    db.session.expire_all()
    return db.session.scalar(select(ApplicantSession)
                             .where(ApplicantSession.applicant_id == applicant.id)
                             .order_by(ApplicantSession.id.desc()).limit(1))


def other_code(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_an_applicant_signs_in_with_the_code_from_their_email(app, applicant):
    client = isolated_client(app)
    asked = ask_for_code(client, "  Priya@Example.com ")
    assert asked.headers["Location"] == "/apply/sign-in/code"
    page = html_of(client.get("/apply/sign-in/code"))
    assert "we have sent a 6-digit code" in page and "priya@example.com" in page
    code = emailed_code("priya@example.com")
    assert re.fullmatch(r"\d{6}", code)
    # Only a keyed hash of the code is kept.
    row = db.session.scalar(select(SignInCode).where(SignInCode.applicant_id == applicant.id))
    assert code not in row.code_hash and len(row.code_hash) == 64
    done = enter_code(client, code)
    assert done.headers["Location"] == "/apply/"
    home = html_of(client.get("/apply/", follow_redirects=True))
    assert "Your application" in home and "Signed in as Priya Shah" in home
    assert 'action="/apply/sign-out"' in home
    db.session.expire_all()
    assert applicant.last_sign_in_at is not None
    assert live_session(applicant).ended_at is None


def test_the_code_arrives_by_real_email_and_signs_in(app, applicant, mailbox):
    client = isolated_client(app)
    ask_for_code(client, applicant.email)
    assert send_due()["sent"] == 1
    [message] = mailbox.messages
    assert message["To"] == "priya@example.com"
    assert message["Subject"] == "Your sign-in code for Northmoor Council Fostering fostering"
    body = message.get_body(("plain",)).get_content()
    code = re.search(r"^(\d{6})$", body, re.MULTILINE).group(1)
    assert "It works once, for 15 minutes" in body
    assert app.config["PUBLIC_BASE_URL"].rstrip("/") + "/apply/sign-in" in body
    assert enter_code(client, code).headers["Location"] == "/apply/"


def test_an_unknown_address_gets_the_same_answer_and_no_email(app, applicant):
    pages = []
    for email in ("priya@example.com", "nobody@example.com"):
        client = isolated_client(app)
        asked = ask_for_code(client, email)
        page = html_of(client.get("/apply/sign-in/code")).replace(email, "EMAIL")
        pages.append((asked.status_code, asked.headers["Location"], TOKEN.sub("", page)))
    assert pages[0] == pages[1]
    assert codes_sent("priya@example.com") == 1 and codes_sent("nobody@example.com") == 0
    # A wrong code says the same too.
    answers = []
    for email in ("priya@example.com", "nobody@example.com"):
        client = isolated_client(app)
        ask_for_code(client, email)
        wrong = enter_code(client, "000000" if emailed_code(email) != "000000" else "000001")
        answers.append((wrong.status_code, TOKEN.sub("", html_of(wrong).replace(email, "EMAIL"))))
    assert answers[0] == answers[1]
    assert "The code is not right" in answers[0][1]


def test_an_expired_code_is_refused_with_a_way_to_get_a_new_one(app, applicant):
    with time_machine.travel(datetime.now(UTC), tick=False) as traveller:
        client = isolated_client(app)
        ask_for_code(client, applicant.email)
        code = emailed_code(applicant.email)
        traveller.shift(timedelta(minutes=15, seconds=1))
        refused = enter_code(client, code)
        page = html_of(refused)
        assert refused.status_code == 200
        assert "The code has expired: codes work for 15 minutes" in page
        assert 'href="/apply/sign-in">Get a new code' in page
        assert live_session(applicant) is None
        # A new code works, and the sign-in form offers the address typed before.
        assert 'value="priya@example.com"' in html_of(client.get("/apply/sign-in"))
        ask_for_code(client, applicant.email)
        assert enter_code(client, emailed_code(applicant.email)).status_code == 302


def test_a_code_works_once(app, applicant):
    first = isolated_client(app)
    ask_for_code(first, applicant.email)
    code = emailed_code(applicant.email)
    enter_code(first, code)
    # Another browser that asked for a code with this address (and so holds the same
    # request) types the code already used.
    second = isolated_client(app)
    with second.session_transaction() as cookie:
        cookie["applicant_sign_in"] = {"email": applicant.email, "tries": 0, "next": None,
                                       "at": datetime.now(UTC).timestamp()}
    page = html_of(second.get("/apply/sign-in/code"))
    refused = second.post("/apply/sign-in/code", data={"csrf_token": csrf_token(page),
                                                       "code": code})
    assert "This code has already been used. Ask for a new code." in html_of(refused)
    assert second.get("/apply/").headers["Location"].startswith("/apply/sign-in")


def test_five_wrong_tries_kill_the_code_even_for_the_right_code_after(app, applicant):
    client = isolated_client(app)
    ask_for_code(client, applicant.email)
    code = emailed_code(applicant.email)
    for left in (4, 3, 2, 1):
        page = html_of(enter_code(client, other_code(code)))
        assert f"you can try {left} more time{'s' if left != 1 else ''}" in page
    fifth = html_of(enter_code(client, other_code(code)))
    assert "You have entered a wrong code too many times" in fifth
    assert 'href="/apply/sign-in">Get a new code' in fifth
    # The sixth try, with the right code, is refused too: the page offers no form now, so
    # the token comes from the sign-in page.
    token = csrf_token(html_of(client.get("/apply/sign-in")))
    sixth = client.post("/apply/sign-in/code", data={"csrf_token": token, "code": code})
    assert "You have entered a wrong code too many times" in html_of(sixth)
    assert live_session(applicant) is None
    # A new code signs in.
    ask_for_code(client, applicant.email)
    assert enter_code(client, emailed_code(applicant.email)).headers["Location"] == "/apply/"


def test_a_new_code_kills_the_older_ones(app, applicant):
    client = isolated_client(app)
    ask_for_code(client, applicant.email)
    old = emailed_code(applicant.email)
    ask_for_code(client, applicant.email)
    new = emailed_code(applicant.email)
    if old != new:
        assert "The code is not right" in html_of(enter_code(client, old))
    assert enter_code(client, new).status_code == 302
    db.session.expire_all()
    rows = db.session.scalars(select(SignInCode).where(SignInCode.applicant_id == applicant.id)
                              .order_by(SignInCode.id)).all()
    assert rows[0].expires_at <= rows[1].created_at and rows[1].used_at is not None


def test_a_code_that_is_not_six_digits_is_explained(app, applicant):
    client = isolated_client(app)
    ask_for_code(client, applicant.email)
    page = html_of(enter_code(client, "12ab"))
    assert "Enter the 6-digit code from the email, like 123456" in page
    assert 'href="#code"' in page
    # Spaces and dashes typed in the code are fine.
    code = emailed_code(applicant.email)
    assert enter_code(client, f"{code[:3]} {code[3:]}").status_code == 302


def test_code_requests_are_limited_per_email_address(app, applicant):
    for email in ("priya@example.com", "nobody@example.com"):
        messages = []
        for n in range(6):
            # From a different network address each time: the limit is the email address's.
            client = isolated_client(app)
            client.environ_base["REMOTE_ADDR"] = f"10.0.0.{n + 1}"
            response = ask_for_code(client, email)
            messages.append(response.status_code)
        assert messages == [302] * 5 + [429]
        assert "You have asked for a code too many times. Wait 15 minutes" in html_of(response)
    assert codes_sent("priya@example.com") == 5


def test_code_requests_and_wrong_codes_are_limited_per_network_address(app, applicant):
    app.config["APPLICANT_SIGN_IN_PER_NETWORK"] = 4
    client = isolated_client(app)
    client.environ_base["REMOTE_ADDR"] = "10.1.1.1"
    for n in range(3):
        assert ask_for_code(client, f"person{n}@example.com").status_code == 302
    assert enter_code(client, "000000").status_code == 200  # the 4th: a wrong code
    busy = ask_for_code(client, applicant.email)
    assert busy.status_code == 429 and busy.headers["Retry-After"]
    assert "too many attempts to sign in from this network" in html_of(busy)
    assert codes_sent(applicant.email) == 0
    # Another network address is not held up.
    elsewhere = isolated_client(app)
    elsewhere.environ_base["REMOTE_ADDR"] = "10.2.2.2"
    sign_in_applicant_with_code(elsewhere, applicant)


def test_sign_in_goes_on_to_the_page_asked_for_when_it_is_on_this_site(app, applicant):
    client = isolated_client(app)
    to_sign_in = client.get("/apply/")
    assert to_sign_in.headers["Location"] == "/apply/sign-in?next=/apply/"
    done = sign_in_applicant_with_code(client, applicant, next_="/apply/?from=email")
    assert done.headers["Location"] == "/apply/?from=email"
    for outside in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        client = isolated_client(app)
        done = sign_in_applicant_with_code(client, applicant, next_=outside)
        assert done.headers["Location"] == "/apply/"


def test_home_is_the_applicants_first_page_their_application(app, applicant):
    client = isolated_client(app)
    sign_in_applicant(client, applicant)
    assert client.get("/apply/").headers["Location"] == "/apply/application"


def test_the_session_times_out_after_the_agency_setting_with_a_warning_first(app, applicant):
    set_setting("applicant_session_minutes", 10)
    with time_machine.travel(datetime.now(UTC), tick=False) as traveller:
        client = isolated_client(app)
        sign_in_applicant_with_code(client, applicant)
        page = html_of(client.get("/apply/application"))
        assert 'data-module="carers-idle-warning"' in page
        assert 'data-idle-seconds="600"' in page and 'data-warning-seconds="300"' in page
        assert 'data-keep-alive="/apply/keep-alive"' in page and "Stay signed in" in page
        assert "Everything you have saved is kept" in page
        assert "/assets/session-timeout.js" in page
        traveller.shift(timedelta(minutes=9))
        assert client.get("/apply/keep-alive").status_code == 204  # "Stay signed in"
        traveller.shift(timedelta(minutes=9))
        assert client.get("/apply/application").status_code == 200
        thief = isolated_client(app)
        thief.set_cookie("session", client.get_cookie("session").value)
        traveller.shift(timedelta(minutes=10, seconds=1))
        timed_out = client.get("/apply/")
        assert timed_out.headers["Location"] == "/apply/sign-in?next=/apply/"
        page = html_of(client.get(timed_out.headers["Location"]))
        assert ("You were signed out because you had not used the service for 10 minutes. "
                "Everything you saved is kept.") in page
        assert live_session(applicant).ended_because == "timed out"
        assert thief.get("/apply/").headers["Location"].startswith("/apply/sign-in")
        assert client.get("/apply/keep-alive").status_code == 302


def test_keep_alive_after_the_time_out_says_so(app, applicant):
    with time_machine.travel(datetime.now(UTC), tick=False) as traveller:
        client = isolated_client(app)
        sign_in_applicant(client, applicant)
        traveller.shift(timedelta(minutes=31))
        assert client.get("/apply/keep-alive").status_code == 401


def test_signing_out_ends_the_session_and_a_copied_cookie_is_refused(app, applicant):
    client = isolated_client(app)
    sign_in_applicant_with_code(client, applicant)
    thief = isolated_client(app)
    thief.set_cookie("session", client.get_cookie("session").value)
    assert thief.get("/apply/application").status_code == 200
    # Without the form's token nothing happens.
    assert client.post("/apply/sign-out").status_code == 400
    assert live_session(applicant).ended_at is None
    out = post_form(client, "/apply/sign-out", {}, page="/apply/application")
    assert out.headers["Location"] == "/apply/signed-out"
    page = html_of(client.get("/apply/signed-out"))
    assert "You have signed out" in page and "Everything you saved is kept" in page
    assert "Sign out" not in page
    assert live_session(applicant).ended_because == "signed out"
    assert client.get("/apply/").headers["Location"].startswith("/apply/sign-in")
    assert thief.get("/apply/").headers["Location"].startswith("/apply/sign-in")


def test_staff_and_applicants_do_not_reach_each_others_pages(app, applicant):
    staff = isolated_client(app)
    sign_in(staff, make_staff("administrator"))
    assert staff.get("/apply/").headers["Location"].startswith("/apply/sign-in")
    person = isolated_client(app)
    sign_in_applicant_with_code(person, applicant)
    assert person.get("/staff/my-work").headers["Location"].startswith("/staff/sign-in")


def test_an_account_closed_by_the_team_cannot_sign_in(app, applicant):
    applicant.active = False
    db.session.commit()
    client = isolated_client(app)
    assert ask_for_code(client, applicant.email).status_code == 302
    assert codes_sent(applicant.email) == 0
