"""Test fixtures: a real database (SQLite, or PostgreSQL from TEST_DATABASE_URL) migrated by
Alembic once per run, a real SMTP server, and the Flask app with CSRF on."""

import os
import socket
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from hypothesis import HealthCheck, settings
from sqlalchemy import create_engine, make_url, text

from carers import create_app
from carers.extensions import db
from tests.factories import PASSWORD, make_staff
from tests.helpers import Browserless, isolated_client, sign_in

IN_CI = os.environ.get("CI", "").lower() == "true"
KEPT_TABLES = {"alembic_version", "role"}  # seeded by migrations

# Properties, not timings: Hypothesis would otherwise fail a test when one example, or the
# drawing of one, is slow, which on a busy machine running the suite in parallel says
# nothing about the code. Timings are measured by ``make bench``.
settings.register_profile("suite", deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("suite")


def pytest_report_header(config):
    return f"database: {'PostgreSQL' if os.environ.get('TEST_DATABASE_URL') else 'SQLite'}"


def pytest_configure(config):
    """Under pytest-xdist each worker has a PostgreSQL database of its own, named after the
    one given (``test`` -> ``test_gw0``, ``test_gw1``...), made on first use. Everything that
    reads TEST_DATABASE_URL then finds the worker's. SQLite needs nothing: each worker's
    temporary folder is its own."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    url = os.environ.get("TEST_DATABASE_URL")
    if worker and url:
        os.environ["TEST_DATABASE_URL"] = worker_database(url, worker)


def worker_database(url: str, worker: str) -> str:
    base = make_url(url)
    name = f"{base.database}_{worker}"
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                             {"name": name})
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


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
def app_config(database_url, tmp_path):
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
    """A browser on the app. Each request runs in a context of its own, with its own
    database session, as on a server (see ``IsolatedClient``): the test's ``db.session``
    does not see a request's changes to rows it has already loaded until it expires them
    (``db.session.expire_all()``) or commits."""
    return isolated_client(app)


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def forms(client):
    return Browserless(client)


@pytest.fixture
def make_user(app):
    """``make_staff`` with the role's title for a name, as a fixture."""

    def make(role="recruitment_officer", email=None, password=PASSWORD):
        return make_staff(role, name=role.replace("_", " ").title(), email=email,
                          password=password)

    return make


@pytest.fixture
def signed_in(client, make_user):
    """Signs a new member of staff with the given role in on ``client``; returns them."""

    def sign_in_new(role="recruitment_officer"):
        user = make_user(role)
        sign_in(client, user)
        return user

    return sign_in_new


ROOT = Path(__file__).resolve().parent.parent
