"""Test fixtures: a real database (SQLite, or PostgreSQL from TEST_DATABASE_URL) migrated by
Alembic once per run, a real SMTP server, and the Flask app with CSRF on."""

import os
import re
import socket
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import create_engine, text

from carers import create_app
from carers.extensions import db

IN_CI = os.environ.get("CI", "").lower() == "true"
KEPT_TABLES = {"alembic_version", "role"}  # seeded by migrations


def pytest_report_header(config):
    return f"database: {'PostgreSQL' if os.environ.get('TEST_DATABASE_URL') else 'SQLite'}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
    app = create_app({"SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        db.engine.dispose()
    return url


@pytest.fixture
def mailbox():
    """A real SMTP server on localhost; messages land in the returned list."""

    class Handler:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):
            from email import message_from_bytes
            from email.policy import default

            self.messages.append(message_from_bytes(envelope.content, policy=default))
            return "250 Message accepted for delivery"

    handler = Handler()
    handler.port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=handler.port)
    controller.start()
    yield handler
    controller.stop()


@pytest.fixture
def app_config(database_url):
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SERVER_NAME": None,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": 1,  # replaced by the mailbox fixture when a test reads mail
        "RATELIMIT_ENABLED": True,
        "ENQUIRY_PAGE_RATE_LIMIT": "10000 per hour",
        "ENQUIRY_SUBMIT_RATE_LIMIT": "10000 per hour",
        "SIGN_IN_RATE_LIMIT": "10000 per hour",
        # Off for tests that sign administrators in only to reach their pages; the tests of
        # two-step sign in and the access matrix turn it on (app_config_with_second_factor).
        "SECOND_FACTOR_REQUIRED_ROLES": (),
    }


@pytest.fixture
def app(app_config, request):
    if "mailbox" in request.fixturenames:
        app_config = {**app_config, "MAIL_PORT": request.getfixturevalue("mailbox").port}
    app = create_app(app_config)
    with app.app_context():
        yield app
        db.session.remove()
        _empty_tables()
        db.engine.dispose()


def _empty_tables():
    tables = [t for t in reversed(db.metadata.sorted_tables) if t.name not in KEPT_TABLES]
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|'
                  r'type="hidden" name="csrf_token" value="([^"]+)"')


def csrf_token(html: str) -> str:
    match = CSRF.search(html)
    assert match, "page has no CSRF token"
    return match.group(1) or match.group(2)


class Browserless:
    """Posts forms the way a browser would: fetches the page for its CSRF token first."""

    def __init__(self, client):
        self.client = client

    def submit(self, url, data, follow=False, from_page=None):
        page = self.client.get(from_page or url)
        assert page.status_code == 200, f"GET {from_page or url} gave {page.status_code}"
        fields = {"csrf_token": csrf_token(page.get_data(as_text=True))}
        fields.update(data)
        return self.client.post(url, data=fields, follow_redirects=follow)


@pytest.fixture
def forms(client):
    return Browserless(client)


@pytest.fixture
def make_user(app):
    from carers.auth.operations import create_user

    def make(role="recruitment_officer", email=None, password="correct horse battery"):
        email = email or f"{role}-{os.urandom(3).hex()}@example.gov.uk"
        user = create_user(email, role.replace("_", " ").title(), password, [role])
        db.session.commit()
        return user

    return make


@pytest.fixture
def signed_in(client, forms, make_user):
    def sign_in(role="recruitment_officer"):
        user = make_user(role)
        response = forms.submit("/staff/sign-in", {"email": user.email,
                                                   "password": "correct horse battery"})
        assert response.status_code == 302
        return user

    return sign_in


ROOT = Path(__file__).resolve().parent.parent
