"""Sessions end on the server, second-factor failures and step-up checks count towards the
lockout, failures are limited per account and per address, and the service reads the
client's address and scheme from trusted proxies."""

import re
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
import time_machine
from sqlalchemy import select

from carers import create_app
from carers.audit.models import AuditEvent
from carers.auth.models import RecoveryCode, User
from carers.cases.models import CaseEvent
from carers.extensions import db
from tests.factories import PASSWORD, make_household, make_staff, set_setting
from tests.helpers import csrf_token, html_of, isolated_client, post_form, sign_in
from tests.http.test_sign_in_hardening import (
    REQUIRED,
    code_for,
    enrol,
)


@pytest.fixture
def app_config(app_config):
    return {**app_config, "SECOND_FACTOR_REQUIRED_ROLES": None}  # the agency's rule


@pytest.fixture
def clock():
    """Real time that a test can move on, so each code it enters is from a new time step."""
    with time_machine.travel(datetime.now(UTC), tick=True) as traveller:
        yield traveller


def next_code(clock, user_id: int, secret: str) -> str:
    clock.shift(timedelta(seconds=31))
    return code_for(user_id, secret)


def agency_requires_it_of(everyone: bool) -> None:
    set_setting("second_factor_for_case_readers", everyone)


def test_every_role_that_reads_case_records_must_use_two_step_sign_in(app):
    roles = ["recruitment_officer", "assessing_social_worker", "supervising_social_worker",
             "team_manager", "panel_administrator", "panel_member", "administrator",
             "agency_decision_maker"]
    for everyone in (True, False):
        if not everyone:
            agency_requires_it_of(False)
        for role in roles:
            client = isolated_client(app)
            sign_in(client, make_staff(role).email, expect=None)
            home = client.get("/staff/")
            to_set_up = client.get(home.headers["Location"]).headers.get("Location", "") \
                if home.status_code == 302 else ""
            sent = home.headers.get("Location", "").endswith("/two-step/set-up") or \
                to_set_up.endswith("/two-step/set-up")
            assert sent is (everyone or role in REQUIRED), (everyone, role)


def test_entering_the_password_again_does_not_forgive_wrong_codes(app):
    admin = make_staff("administrator")
    enrol(isolated_client(app), admin)
    client = isolated_client(app)
    sign_in(client, admin.email)
    for _ in range(4):
        assert "The code is not right" in html_of(post_form(client, "/staff/sign-in/code",
                                                            {"code": "000000"}))
    # The password again: right, so on to the code, but the four wrong codes still count.
    assert sign_in(client, admin.email).headers["Location"].endswith("/sign-in/code")
    assert "too many attempts" in html_of(post_form(client, "/staff/sign-in/code",
                                                    {"code": "000000"}))
    assert "too many attempts" in html_of(sign_in(isolated_client(app), admin.email, expect=None))


def signed_in_with_code(app, user, secret):
    client = isolated_client(app)
    sign_in(client, user.email)
    assert post_form(client, "/staff/sign-in/code",
                     {"code": code_for(user.id, secret)}).status_code == 302
    return client


def copy_of(client, app):
    """Another browser holding a copy of this one's session cookie."""
    thief = isolated_client(app)
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def notes(household) -> int:
    db.session.expire_all()
    return len(db.session.scalars(select(CaseEvent).where(
        CaseEvent.household_id == household.id, CaseEvent.kind == CaseEvent.NOTE)).all())


def test_a_copy_of_the_cookie_is_refused_after_signing_out(app):
    worker = make_staff("assessing_social_worker")
    household = make_household("mainstream", "stage1", workers=[worker])
    case_url = f"/staff/cases/{household.reference}"
    secret, _codes = enrol(isolated_client(app), worker)
    client = signed_in_with_code(app, worker, secret)
    page = html_of(client.get(case_url))
    assert household.reference in page
    thief = copy_of(client, app)
    assert thief.get(case_url).status_code == 200  # the copy works while the session lives
    post_form(client, "/staff/sign-out", {}, page=case_url)
    assert client.get(case_url).headers["Location"].startswith("/staff/sign-in")
    refused = thief.get(case_url)
    assert refused.status_code == 302 and refused.headers["Location"].startswith("/staff/sign-in")
    thief.post(f"{case_url}/notes", data={"csrf_token": csrf_token(page), "text": "Replayed"})
    assert notes(household) == 0


def test_an_administrators_copied_cookie_cannot_replace_recovery_codes(app, clock):
    admin = make_staff("administrator")
    secret, _codes = enrol(isolated_client(app), admin)
    client = isolated_client(app)
    sign_in(client, admin.email)
    post_form(client, "/staff/sign-in/code", {"code": next_code(clock, admin.id, secret)})
    account = html_of(client.get("/staff/account"))
    thief = copy_of(client, app)
    post_form(client, "/staff/sign-out", {}, page="/staff/account")
    before = set(db.session.scalars(select(RecoveryCode.code_hash)))
    thief.post("/staff/account/two-step/recovery-codes",
               data={"csrf_token": csrf_token(account), "current_password": PASSWORD,
                     "current_code": next_code(clock, admin.id, secret)})
    db.session.expire_all()
    assert set(db.session.scalars(select(RecoveryCode.code_hash))) == before


def test_an_idle_session_ends_on_the_server(app):
    worker = make_staff("assessing_social_worker")
    secret, _codes = enrol(isolated_client(app), worker)
    with time_machine.travel(datetime.now(UTC), tick=False) as traveller:
        client = signed_in_with_code(app, worker, secret)
        traveller.shift(timedelta(minutes=20))
        assert client.get("/staff/my-work").status_code == 200
        thief = copy_of(client, app)
        traveller.shift(timedelta(minutes=31))
        assert client.get("/staff/my-work").headers["Location"].startswith("/staff/sign-in")
        assert thief.get("/staff/my-work").headers["Location"].startswith("/staff/sign-in")


def test_the_set_up_secret_is_not_in_the_cookie(app):
    worker = make_staff("assessing_social_worker")
    client = isolated_client(app)
    sign_in(client, worker.email)
    page = html_of(client.get("/staff/account/two-step/set-up"))
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7]+)<', page).group(1)
    cookie = app.session_interface.get_signing_serializer(app).loads(
        client.get_cookie("session").value)
    assert secret not in repr(cookie)
    done = client.post("/staff/account/two-step/set-up", data={
        "csrf_token": csrf_token(page), "code": pyotp.TOTP(secret).now(),
        "current_password": PASSWORD})
    assert done.status_code == 200 and "recovery" in html_of(done).lower()


def recovery_hashes(user) -> set[str]:
    db.session.expire_all()
    return set(db.session.scalars(select(RecoveryCode.code_hash)
                                  .where(RecoveryCode.user_id == user.id)))


def test_changes_to_sign_in_ask_for_the_password_and_a_current_code(app, clock):
    admin = make_staff("administrator")
    secret, _codes = enrol(isolated_client(app), admin)
    client = signed_in_with_code(app, admin, secret)
    before = recovery_hashes(admin)
    url = "/staff/account/two-step/recovery-codes"
    page = html_of(client.get(url))
    assert "Current password" in page and "Code from your authenticator app" in page
    # The password alone is not enough, and what was typed is kept.
    refused = html_of(post_form(client, url, {"current_password": PASSWORD, "current_code": ""}))
    assert "There is a problem" in refused and "Enter the 6-digit code" in refused
    refused = html_of(post_form(client, url, {"current_password": PASSWORD,
                                              "current_code": "12 34"}))
    assert "The code is not right" in refused and 'value="12 34"' in refused
    refused = html_of(post_form(client, url, {"current_password": "not my password",
                                              "current_code": next_code(clock, admin.id, secret)}))
    assert "Your current password is not right" in refused
    assert recovery_hashes(admin) == before
    done = post_form(client, url, {"current_password": PASSWORD,
                                   "current_code": next_code(clock, admin.id, secret)})
    assert "Your recovery codes" in html_of(done) or "recovery codes" in html_of(done)
    assert recovery_hashes(admin).isdisjoint(before)

    # Changing the password asks for a code too.
    password = post_form(client, "/staff/account/password",
                         {"current_password": PASSWORD, "new_password": "purple tractor sandwich"})
    assert "Enter the 6-digit code" in html_of(password)
    assert password.status_code == 200


def test_wrong_current_passwords_lock_the_account_and_end_its_sessions(app):
    worker = make_staff("assessing_social_worker")
    client, other = isolated_client(app), isolated_client(app)
    sign_in(client, worker.email)
    sign_in(other, worker.email)
    for _ in range(4):
        page = html_of(post_form(client, "/staff/account/password",
                                 {"current_password": "a guess at it", "new_password": "x" * 12}))
        assert "Your current password is not right" in page
    locked = post_form(client, "/staff/account/password",
                       {"current_password": "a guess at it", "new_password": "x" * 12})
    assert locked.headers["Location"].startswith("/staff/sign-in")
    assert "too many attempts" in html_of(client.get("/staff/sign-in"))
    for c in (client, other):
        assert c.get("/staff/my-work").headers["Location"].startswith("/staff/sign-in")
    assert "too many attempts" in html_of(sign_in(isolated_client(app), worker.email, expect=None))


def test_turning_two_step_sign_in_off_asks_for_the_password_and_a_code(app):
    agency_requires_it_of(False)
    worker = make_staff("assessing_social_worker")
    client = isolated_client(app)
    sign_in(client, worker.email)
    page = html_of(client.get("/staff/account/two-step/set-up"))
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7]+)<', page).group(1)
    client.post("/staff/account/two-step/set-up", data={
        "csrf_token": csrf_token(page), "code": pyotp.TOTP(secret).now(),
        "current_password": PASSWORD})
    url = "/staff/account/two-step/turn-off"
    refused = post_form(client, url, {"current_password": PASSWORD, "current_code": "000000"})
    assert "The code is not right" in html_of(refused)
    db.session.expire_all()
    assert db.session.get(User, worker.id).has_second_factor
    post_form(client, url, {"current_password": PASSWORD,
                            "current_code": code_for(worker.id, secret)})
    db.session.expire_all()
    assert not db.session.get(User, worker.id).has_second_factor


def test_an_office_behind_one_address_can_all_sign_in_at_nine(app_config):
    office = create_app({**app_config, "SIGN_IN_RATE_LIMIT": "20 per 15 minutes"})
    with office.app_context():
        for _ in range(25):
            client = isolated_client(office)
            user = make_staff("recruitment_officer")
            sign_in(client, user.email)
        db.session.remove()


def test_failures_from_one_address_get_the_staff_page_with_the_real_wait(app_config):
    busy = create_app({**app_config, "SIGN_IN_MAX_FAILURES_PER_ADDRESS": 6})
    with busy.app_context(), time_machine.travel(datetime.now(UTC), tick=False) as traveller:
        user = make_staff("recruitment_officer")
        client = isolated_client(busy)
        for n in range(6):  # guesses at several accounts, none locked on its own
            email = user.email if n % 2 else f"someone-{n}@example.gov.uk"
            sign_in(client, email, "a wrong guess", expect=200)
        refused = sign_in(client, user.email, expect=None)
        assert refused.status_code == 429
        page = html_of(refused)
        assert "too many attempts from this network" in page and "Wait 15 minutes" in page
        assert "answers" not in page and "an hour" not in page
        assert refused.headers["Retry-After"] == "900"
        traveller.shift(timedelta(minutes=5))
        assert sign_in(client, user.email, expect=None).headers["Retry-After"] == "600"
        # Another address is not held up, and after the wait this one may sign in.
        elsewhere = isolated_client(busy)
        elsewhere.environ_base["REMOTE_ADDR"] = "192.0.2.7"
        sign_in(elsewhere, user.email)
        traveller.shift(timedelta(minutes=11))
        sign_in(client, user.email)
        db.session.remove()


PROXIED = {"REMOTE_ADDR": "10.0.0.2"}
FORWARDED = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https",
             "Referer": "https://localhost/staff/sign-in"}


def _proxied_sign_in_failure(app):
    user = make_staff("recruitment_officer")
    client = isolated_client(app)
    page = client.get("/staff/sign-in", environ_base=PROXIED, headers=FORWARDED)
    response = client.post("/staff/sign-in", environ_base=PROXIED, headers=FORWARDED, data={
        "csrf_token": csrf_token(html_of(page)), "email": user.email, "password": "not it at all"})
    db.session.expire_all()
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "sign_in_failed")
                               .order_by(AuditEvent.id.desc())).first()
    return response, event.ip_address


def test_behind_a_trusted_proxy_the_clients_address_and_https_are_used(app_config):
    proxied = create_app({**app_config, "PROXY_FIX_X_FOR": 1, "PROXY_FIX_X_PROTO": 1})
    with proxied.app_context():
        response, address = _proxied_sign_in_failure(proxied)
        assert address == "203.0.113.9"
        assert "Strict-Transport-Security" in response.headers
        db.session.remove()


def test_without_proxy_settings_forwarded_headers_are_not_believed(app):
    response, address = _proxied_sign_in_failure(app)
    assert address == "10.0.0.2"
    assert "Strict-Transport-Security" not in response.headers
