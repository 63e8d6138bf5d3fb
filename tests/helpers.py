"""Talking to the app over HTTP the way a browser does: a test client whose requests each run
in a context of their own, the CSRF token of a page, forms posted with it, and staff sign in.

Test data (staff, cases, panel meetings and the rest) is made by ``tests/factories.py``."""

from __future__ import annotations

import contextvars
import os
import re
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event
from werkzeug.test import TestResponse

from carers.auth.models import User
from carers.extensions import db
from tests.factories import PASSWORD

_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|'
                   r'type="hidden" name="csrf_token" value="([^"]+)"')


class IsolatedClient(FlaskClient):
    """A test client whose every request runs as it would on a server: in a fresh context,
    so Flask pushes a new application context for it, with its own ``g`` and its own
    database session, and removes them when the request ends.

    The ``app`` fixture keeps an application context pushed for the whole test (so the test
    can use ``db.session``), and Flask's plain test client would reuse it: requests would
    then share the test's session and identity map, and ``g`` (where Flask-Login keeps the
    signed-in user and Flask-WTF the CSRF token), with the test and with each other. That
    hides bugs production would show, such as an object changed in one request being read
    stale in the next. Running the request in an empty ``contextvars`` context is the same
    as the test holding no context while it makes the request."""

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


def isolated_client(app: Flask) -> IsolatedClient:
    """Another browser: its own cookies, and its own context per request."""
    return IsolatedClient(app, app.response_class, use_cookies=True)


def html_of(response: TestResponse) -> str:
    return response.get_data(as_text=True)


def assert_in_service_style(html: str) -> None:
    """The page is in the service's own layout (header, footer, the agency's name and the
    stylesheet), not a bare error page."""
    assert 'class="govuk-template__header"' in html and 'class="govuk-footer"' in html
    assert "Northmoor Council Fostering" in html and "/assets/application.css" in html


def csrf_token(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = _CSRF.search(html)
    assert match, "page has no CSRF token"
    return match.group(1) or match.group(2)


def post_form(client: FlaskClient, url: str, data: dict, *, page: str | None = None,
              follow: bool = False) -> TestResponse:
    """Post ``data`` to ``url`` as a browser would: open the form's page (``url`` itself
    unless ``page`` is given) for its CSRF token first."""
    opened = client.get(page or url)
    assert opened.status_code == 200, f"GET {page or url} gave {opened.status_code}"
    fields = {"csrf_token": csrf_token(html_of(opened)), **data}
    return client.post(url, data=fields, follow_redirects=follow)


class Browserless:
    """``post_form`` bound to one client (the ``forms`` fixture)."""

    def __init__(self, client: FlaskClient):
        self.client = client

    def submit(self, url, data, follow=False, from_page=None) -> TestResponse:
        return post_form(self.client, url, data, page=from_page, follow=follow)


def sign_in(client: FlaskClient, user: User | str, password: str = PASSWORD, *,
            next_: str | None = None, expect: int | None = 302) -> TestResponse:
    """Send the sign-in form for ``user`` (a User or an email address) on ``client``.

    By default asserts it worked (a redirect: into the service, or on to the code step for
    staff with two-step sign in); ``expect`` sets another status, or ``None`` to check
    nothing. ``next_`` is the page asked for before signing in."""
    email = user if isinstance(user, str) else user.email
    url = "/staff/sign-in" + (f"?next={next_}" if next_ is not None else "")
    response = post_form(client, url, {"email": email, "password": password})
    if expect is not None:
        assert response.status_code == expect, (
            f"signing in {email} gave {response.status_code}, not {expect}")
    return response


def sign_in_applicant(client: FlaskClient, applicant) -> None:
    """Sign ``client`` in as ``applicant`` (an Applicant), as their emailed code would: the
    fast way, starting a session directly. ``sign_in_applicant_with_code`` goes through the
    sign-in pages and the emailed code instead."""
    from carers.applicants import sessions
    from carers.extensions import db

    with client.application.test_request_context():
        from flask import session

        sessions.start(db.session.merge(applicant))
        db.session.commit()
        token = session[sessions.COOKIE_KEY]
    with client.session_transaction() as cookie:
        cookie[sessions.COOKIE_KEY] = token


_CODE_IN_EMAIL = re.compile(r"^(\d{6})$", re.MULTILINE)


def emailed_code(email: str) -> str | None:
    """The newest sign-in code emailed to ``email``, read from its message in the outbox."""
    from sqlalchemy import select

    from carers.extensions import db
    from carers.notifications.models import OutboxMessage

    db.session.expire_all()
    body = db.session.scalar(select(OutboxMessage.body_text)
                             .where(OutboxMessage.to_address == email.lower(),
                                    OutboxMessage.idempotency_key.like("applicant-code:%"))
                             .order_by(OutboxMessage.id.desc()).limit(1))
    match = _CODE_IN_EMAIL.search(body or "")
    return match.group(1) if match else None


def ask_for_code(client: FlaskClient, email: str, *, next_: str | None = None) -> TestResponse:
    """Send the applicants' sign-in form: a code is emailed if ``email`` has an account."""
    url = "/apply/sign-in" + (f"?next={next_}" if next_ is not None else "")
    return post_form(client, url, {"email": email})


def enter_code(client: FlaskClient, code: str) -> TestResponse:
    return post_form(client, "/apply/sign-in/code", {"code": code})


def sign_in_applicant_with_code(client: FlaskClient, applicant, *,
                                next_: str | None = None) -> TestResponse:
    """Sign ``client`` in as ``applicant`` (an Applicant or an email address) the way a person
    does: ask for a code, read it from the email in the outbox, enter it."""
    email = applicant if isinstance(applicant, str) else applicant.email
    response = ask_for_code(client, email, next_=next_)
    assert response.status_code == 302, f"asking for a code gave {response.status_code}"
    code = emailed_code(email)
    assert code, f"no code was emailed to {email}"
    response = enter_code(client, code)
    assert response.status_code == 302, f"entering the code gave {response.status_code}"
    return response


def applicant_client(app: Flask, applicant) -> IsolatedClient:
    """A browser of its own with ``applicant`` signed in."""
    client = isolated_client(app)
    sign_in_applicant(client, applicant)
    return client


def client_for(app: Flask, user: User | str, password: str = PASSWORD) -> IsolatedClient:
    """A browser of its own with ``user`` signed in."""
    client = isolated_client(app)
    sign_in(client, user, password)
    return client


@contextmanager
def counting():
    """The SQL statements run while the block runs, one line each."""
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(" ".join(statement.split()))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def scheduler_process(tmp_path, number: int, settings: str):
    """``flask scheduler run`` as a real process, with ``settings`` as its config file (and
    no DATABASE_URL from the environment). Returns the process and the file its output goes
    to; its log goes beside it."""
    config = tmp_path / f"scheduler-{number}.py"
    config.write_text(settings)
    env = {**os.environ, "CARERS_CONFIG": str(config)}
    env.pop("DATABASE_URL", None)
    flask = Path(sys.executable).with_name("flask")
    out = tmp_path / f"scheduler-{number}.out"
    with open(out, "w") as stdout, open(tmp_path / f"scheduler-{number}.log", "w") as log:
        proc = subprocess.Popen([str(flask), "--app", "carers", "scheduler", "run"],
                                cwd=Path(__file__).resolve().parent.parent, env=env,
                                stdout=stdout, stderr=log)
    return proc, out
