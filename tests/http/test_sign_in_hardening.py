"""Staff sign-in hardening: two-step sign in (TOTP) with enrolment and recovery codes,
lockout after repeated failures, passwords, idle timeout, sign out everywhere, cookies."""

import re
import time
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
import time_machine
from sqlalchemy import select

from carers.auth.models import RecoveryCode, User
from carers.auth.passwords import password_problem
from carers.extensions import db
from tests.factories import PASSWORD, make_staff, set_setting
from tests.helpers import csrf_token, html_of, isolated_client, post_form, sign_in

REQUIRED = ("administrator", "agency_decision_maker")


@pytest.fixture
def app_config(app_config):
    # The product's rule: administrators and decision makers always; every role that reads
    # case records while the agency setting is on (as by default).
    return {**app_config, "SECOND_FACTOR_REQUIRED_ROLES": None}


def code_for(user_id: int, secret: str) -> str:
    """A code the server has not seen yet (codes are accepted once; one step either side)."""
    db.session.expire_all()
    last = db.session.get(User, user_id).totp_last_step
    step = int(time.time() // 30)
    if last is not None and last >= step - 1:
        step = last + 1
    return pyotp.TOTP(secret).at(step * 30)


def enrol(client, user):
    """Sign in with the password, follow the set-up page, return (secret, recovery codes)."""
    response = sign_in(client, user.email, expect=None)
    assert response.status_code == 302
    assert client.get("/staff/").headers["Location"].endswith("/staff/account/two-step/set-up")
    page = html_of(client.get("/staff/account/two-step/set-up"))
    assert 'src="data:image/svg+xml' in page  # the QR code is drawn here, not fetched
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7]+)<', page).group(1)
    done = client.post("/staff/account/two-step/set-up", data={
        "csrf_token": csrf_token(page), "code": pyotp.TOTP(secret).now(),
        "current_password": PASSWORD})
    assert done.status_code == 200, html_of(done)
    codes = re.findall(r"<code>([a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4})</code>",
                       html_of(done))
    assert len(codes) == 10
    return secret, codes


def test_an_administrator_must_set_up_two_step_sign_in_first(app):
    admin = make_staff("administrator")
    client = isolated_client(app)
    sign_in(client, admin.email)
    for url in ("/staff/admin/settings", "/staff/admin/audit", "/staff/pipeline"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.headers["Location"].endswith("/staff/account/two-step/set-up")
    wrong = client.post("/staff/account/two-step/set-up", data={
        "csrf_token": csrf_token(html_of(client.get("/staff/account/two-step/set-up"))),
        "code": "000000", "current_password": PASSWORD})
    assert "The code is not right" in html_of(wrong)
    secret, codes = enrol(isolated_client(app), admin)
    stored = list(db.session.scalars(select(RecoveryCode.code_hash)
                                     .where(RecoveryCode.user_id == admin.id)))
    assert len(stored) == 10 and not set(codes) & set(stored)  # kept hashed only
    db.session.expire_all()
    assert db.session.get(User, admin.id).totp_secret == secret


def password_only_for_case_readers():
    """The agency turns off two-step sign in for the roles that need it only by its rule."""
    set_setting("second_factor_for_case_readers", False)


def test_other_roles_may_turn_it_on_and_off_when_the_agency_allows(app):
    password_only_for_case_readers()
    worker = make_staff("assessing_social_worker")
    client = isolated_client(app)
    sign_in(client, worker.email)
    assert client.get("/staff/my-work").status_code == 200  # not required
    page = html_of(client.get("/staff/account/two-step/set-up"))
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7]+)<', page).group(1)
    client.post("/staff/account/two-step/set-up", data={
        "csrf_token": csrf_token(page), "code": pyotp.TOTP(secret).now(),
        "current_password": PASSWORD})
    db.session.expire_all()
    assert db.session.get(User, worker.id).has_second_factor
    post_form(client, "/staff/account/two-step/turn-off",
              {"current_password": PASSWORD, "current_code": code_for(worker.id, secret)})
    db.session.expire_all()
    assert not db.session.get(User, worker.id).has_second_factor


def test_sign_in_with_a_code_and_with_a_recovery_code(app):
    admin = make_staff("administrator")
    secret, codes = enrol(isolated_client(app), admin)

    client = isolated_client(app)
    response = sign_in(client, admin.email, expect=None)
    assert response.headers["Location"].endswith("/staff/sign-in/code")
    assert client.get("/staff/admin/settings").status_code == 302  # not signed in yet
    wrong = post_form(client, "/staff/sign-in/code", {"code": "123456"})
    assert "The code is not right" in html_of(wrong)
    code = code_for(admin.id, secret)
    assert post_form(client, "/staff/sign-in/code", {"code": code}).status_code == 302
    assert client.get("/staff/admin/settings").status_code == 200

    # The same code cannot be used again.
    replay = isolated_client(app)
    sign_in(replay, admin.email)
    replayed = post_form(replay, "/staff/sign-in/code", {"code": code})
    assert "The code is not right" in html_of(replayed)

    # A recovery code works once.
    for attempt in range(2):
        other = isolated_client(app)
        sign_in(other, admin.email)
        response = post_form(other, "/staff/sign-in/recovery-code", {"code": codes[0].upper()})
        if attempt == 0:
            assert response.status_code == 302
            assert other.get("/staff/admin/settings").status_code == 200
        else:
            assert "has been used" in html_of(response)


def test_repeated_failures_lock_the_address_without_saying_whether_it_exists(app):
    user = make_staff("team_manager")
    start = datetime.now(UTC)
    with time_machine.travel(start, tick=False) as traveller:
        answers = {}
        for email in (user.email, "nobody-here@example.gov.uk"):
            client = isolated_client(app)
            for _ in range(4):
                page = html_of(sign_in(client, email, "wrong password!", expect=None))
                assert "Enter a correct email address and password" in page
            answers[email] = html_of(sign_in(client, email, "wrong password!", expect=None))
            assert "too many attempts to sign in with this email address" in answers[email]
            assert "Wait 15 minutes" in answers[email]
        # The same page, account or not (apart from the address typed and the CSRF token).
        def same(page, email):
            page = page.replace(email, "EMAIL")
            return re.sub(r'name="csrf_token" type="hidden" value="[^"]+"', "", page)

        assert same(answers[user.email], user.email) == \
            same(answers["nobody-here@example.gov.uk"], "nobody-here@example.gov.uk")
        # Locked: even the right password is refused, with the same message.
        client = isolated_client(app)
        assert "too many attempts" in html_of(sign_in(client, user.email, expect=None))
        traveller.shift(timedelta(minutes=16))
        sign_in(client, user.email)


def test_a_wrong_code_counts_towards_the_lockout(app):
    admin = make_staff("administrator")
    enrol(isolated_client(app), admin)
    client = isolated_client(app)
    sign_in(client, admin.email)
    for _ in range(4):
        assert "The code is not right" in html_of(post_form(client, "/staff/sign-in/code",
                                                            {"code": "000000"}))
    assert "too many attempts" in html_of(post_form(client, "/staff/sign-in/code",
                                                    {"code": "000000"}))
    assert "too many attempts" in html_of(sign_in(isolated_client(app), admin.email, expect=None))


def test_passwords_need_length_and_must_not_be_common():
    assert "at least 10 characters" in password_problem("short")
    for common in ("password123", "Password 123", "qwertyuiop", "liverpool1", "aaaaaaaaaaaa"):
        assert "too easy to guess" in password_problem(common), common
    assert "email address" in password_problem("ffion@example.gov.uk", "ffion@example.gov.uk")
    assert password_problem("purple tractor sandwich") is None


def test_changing_the_password_checks_it_and_ends_other_sessions(app):
    password_only_for_case_readers()
    user = make_staff("assessing_social_worker")
    client, other = isolated_client(app), isolated_client(app)
    sign_in(client, user.email)
    sign_in(other, user.email)
    page = client.get("/staff/account/password")
    assert 'autocomplete="new-password"' in html_of(page) and "onpaste" not in html_of(page)
    refused = post_form(client, "/staff/account/password",
                        {"current_password": PASSWORD, "new_password": "password123"})
    assert "too easy to guess" in html_of(refused)
    done = post_form(client, "/staff/account/password",
                     {"current_password": PASSWORD, "new_password": "purple tractor sandwich"})
    assert done.status_code == 302
    assert client.get("/staff/my-work").status_code == 200
    assert other.get("/staff/my-work").headers["Location"].startswith("/staff/sign-in")


def test_sign_out_everywhere_ends_every_session(app):
    password_only_for_case_readers()
    user = make_staff("assessing_social_worker")
    client, other = isolated_client(app), isolated_client(app)
    sign_in(client, user.email)
    sign_in(other, user.email)
    post_form(client, "/staff/account/sign-out-everywhere", {}, page="/staff/account")
    for c in (client, other):
        assert c.get("/staff/my-work").headers["Location"].startswith("/staff/sign-in")


def test_an_idle_session_ends_with_a_message(app):
    password_only_for_case_readers()
    user = make_staff("assessing_social_worker")
    client = isolated_client(app)
    with time_machine.travel(datetime.now(UTC), tick=False) as traveller:
        sign_in(client, user.email)
        page = html_of(client.get("/staff/my-work"))
        assert 'data-module="carers-idle-warning"' in page and "Stay signed in" in page
        traveller.shift(timedelta(minutes=29))
        assert client.get("/staff/my-work").status_code == 200  # still active: clock reset
        traveller.shift(timedelta(minutes=31))
        response = client.get("/staff/my-work")
        assert response.headers["Location"].startswith("/staff/sign-in")
        assert "had not used the service for 30 minutes" in html_of(client.get("/staff/sign-in"))


def test_session_cookies_are_httponly_samesite_and_secure_over_https(app_config):
    from carers import create_app

    for base, secure in (("http://127.0.0.1:5000", False), ("https://fostering.example", True)):
        https_app = create_app({**app_config, "PUBLIC_BASE_URL": base})
        with https_app.app_context():
            user = make_staff("recruitment_officer")
            client = isolated_client(https_app)
            response = sign_in(client, user.email, expect=None)
            cookie = response.headers["Set-Cookie"]
            assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
            assert ("Secure" in cookie) is secure
            db.session.remove()


def test_an_oversized_request_is_refused_in_the_service_style(app, client):
    response = client.post("/staff/sign-in", data={"email": "x" * (13 * 1024 * 1024)})
    assert response.status_code == 413
    assert "too large" in html_of(response)
