"""Sessions end on the server, second-factor failures and step-up checks count towards the
lockout, failures are limited per account and per address, and the service reads the
client's address and scheme from trusted proxies."""

import pytest
from sqlalchemy import select

from carers import create_app
from carers.audit.models import AuditEvent
from carers.extensions import db
from tests.factories import csrf_token, isolated_client, make_staff
from tests.http.test_sign_in_hardening import (
    REQUIRED,
    enrol,
    html,
    password_step,
    post,
)


@pytest.fixture
def app_config(app_config):
    return {**app_config, "SECOND_FACTOR_REQUIRED_ROLES": REQUIRED}


def test_entering_the_password_again_does_not_forgive_wrong_codes(app):
    admin = make_staff("administrator")
    enrol(isolated_client(app), admin)
    client = isolated_client(app)
    assert password_step(client, admin.email).status_code == 302
    for _ in range(4):
        assert "The code is not right" in html(post(client, "/staff/sign-in/code",
                                                    {"code": "000000"}))
    # The password again: right, so on to the code, but the four wrong codes still count.
    assert password_step(client, admin.email).headers["Location"].endswith("/sign-in/code")
    assert "too many attempts" in html(post(client, "/staff/sign-in/code", {"code": "000000"}))
    assert "too many attempts" in html(password_step(isolated_client(app), admin.email))


PROXIED = {"REMOTE_ADDR": "10.0.0.2"}
FORWARDED = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https",
             "Referer": "https://localhost/staff/sign-in"}


def _proxied_sign_in_failure(app):
    user = make_staff("recruitment_officer")
    client = isolated_client(app)
    page = client.get("/staff/sign-in", environ_base=PROXIED, headers=FORWARDED)
    response = client.post("/staff/sign-in", environ_base=PROXIED, headers=FORWARDED, data={
        "csrf_token": csrf_token(html(page)), "email": user.email, "password": "not it at all"})
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
