"""The service behind several processes (as on several machines) against one PostgreSQL:
nothing a request needs lives in one process. Two real gunicorn servers share one scratch
database; a person's browser goes back and forth between them mid-journey, as a load
balancer with no sticky sessions would send it."""

import os
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg
import pytest
import requests
from sqlalchemy import select
from sqlalchemy.engine import make_url

from carers import create_app
from carers.extensions import db
from carers.uploads.models import DocumentRequest, StoredFile, UploadedDocument
from tests import upload_files as files
from tests.conftest import ROOT, free_port
from tests.factories import make_applicant, make_household, make_staff, make_team
from tests.helpers import PASSWORD, csrf_token, emailed_code

GUNICORN = Path(sys.executable).with_name("gunicorn")
LOCAL_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
SECRET_KEY = "shared-by-every-process"


@pytest.fixture
def shared_database():
    """A scratch PostgreSQL database of this test's own, migrated; dropped afterwards."""
    server = make_url(os.environ.get("TEST_DATABASE_URL") or LOCAL_POSTGRES)
    name = f"wt_storage_procs_{uuid.uuid4().hex[:12]}"
    admin = server.set(drivername="postgresql", database="postgres")
    conninfo = admin.render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    url = server.set(drivername="postgresql+psycopg", database=name).render_as_string(
        hide_password=False)
    try:
        app = create_app({"TESTING": True, "SECRET_KEY": SECRET_KEY,
                          "SQLALCHEMY_DATABASE_URI": url, "SECOND_FACTOR_REQUIRED_ROLES": (),
                          "RATELIMIT_ENABLED": False})
        with app.app_context():
            from flask_migrate import upgrade

            upgrade()
            yield app
            db.session.remove()
            db.engine.dispose()
    finally:
        with psycopg.connect(conninfo, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def servers(shared_database, tmp_path):
    """Two gunicorn servers, one worker each, on the same database and secret key: their
    base URLs (A, B)."""
    config = tmp_path / "config.py"
    config.write_text("SECOND_FACTOR_REQUIRED_ROLES = ()\nRATELIMIT_ENABLED = False\n")
    url = shared_database.config["SQLALCHEMY_DATABASE_URI"]
    ports = [free_port(), free_port()]
    processes = []
    try:
        for port in ports:
            env = {k: v for k, v in os.environ.items()
                   if k not in {"CARERS_DEV", "AUDIT_ANCHOR_KEY", "UPLOAD_FOLDER"}}
            env.update(SECRET_KEY=SECRET_KEY, DATABASE_URL=url, CARERS_CONFIG=str(config),
                       PUBLIC_BASE_URL=f"http://127.0.0.1:{ports[0]}", PYTHONPATH=str(ROOT))
            log = open(tmp_path / f"gunicorn-{port}.log", "wb")  # noqa: SIM115 (kept open)
            processes.append((subprocess.Popen(
                [str(GUNICORN), "--workers", "1", "--graceful-timeout", "5",
                 "--bind", f"127.0.0.1:{port}",
                 "carers:create_app()"], cwd=tmp_path, env=env, stdout=log,
                stderr=subprocess.STDOUT), log))
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        for (process, _log), base in zip(processes, bases, strict=True):
            _wait_for(process, base, tmp_path)
        yield bases
    finally:
        for process, _log in processes:
            process.terminate()
        for process, log in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)
            log.close()


def _wait_for(process, base: str, tmp_path: Path) -> None:
    deadline = time.monotonic() + 120
    while True:
        assert process.poll() is None, "a server stopped: " + "\n".join(
            p.read_text(errors="replace") for p in tmp_path.glob("gunicorn-*.log"))
        try:
            if requests.get(f"{base}/staff/sign-in", timeout=30).status_code == 200:
                return
        except requests.RequestException:  # not listening yet, or its worker still starting
            pass
        assert time.monotonic() < deadline, "a server did not start"
        time.sleep(0.2)


def _page(browser: requests.Session, url: str) -> str:
    response = browser.get(url, allow_redirects=False, timeout=30)
    assert response.status_code == 200, f"GET {url} gave {response.status_code}"
    return response.text


def _post(browser: requests.Session, url: str, data: dict, **kwargs) -> requests.Response:
    return browser.post(url, data=data, allow_redirects=False, timeout=30, **kwargs)


def test_a_member_of_staff_moves_between_processes_mid_journey(shared_database, servers):
    a, b = servers
    team = make_team("North team")
    worker = make_staff("assessing_social_worker", team=team)
    household = make_household("mainstream", "stage1", team=team, workers=[worker])
    reference, member_id, email = household.reference, household.members[0].id, worker.email
    db.session.commit()

    browser = requests.Session()
    # Signs in on A.
    token = csrf_token(_page(browser, f"{a}/staff/sign-in"))
    signed_in = _post(browser, f"{a}/staff/sign-in",
                      {"csrf_token": token, "email": email, "password": PASSWORD})
    assert signed_in.status_code == 302 and "/sign-in" not in signed_in.headers["Location"]
    # Opens the case on B: the session started on A is known there.
    assert reference in _page(browser, f"{b}/staff/cases/{reference}")
    # Sends a form to B with the CSRF token of a page A served.
    documents = f"/staff/cases/{reference}/documents"
    token = csrf_token(_page(browser, f"{a}{documents}"))
    asked = _post(browser, f"{b}{documents}",
                  {"csrf_token": token, "member": str(member_id), "kind": "other",
                   "description": "Gas safety certificate", "note": "The latest one"})
    assert asked.status_code == 302, asked.text
    # A shows the change made through B.
    assert "Gas safety certificate" in _page(browser, f"{a}{documents}")

    # Signs out on B; the browser's old cookie is then refused on A too.
    old_cookies = browser.cookies.copy()
    token = csrf_token(_page(browser, f"{b}/staff/account"))
    signed_out = _post(browser, f"{b}/staff/sign-out", {"csrf_token": token})
    assert signed_out.status_code == 302
    for cookies in (browser.cookies, old_cookies):
        replay = requests.Session()
        replay.cookies.update(cookies)
        refused = replay.get(f"{a}/staff/cases/{reference}", allow_redirects=False,
                             timeout=30)
        assert refused.status_code == 302
        assert "/staff/sign-in" in refused.headers["Location"]


def test_an_applicant_uploads_on_one_process_and_downloads_on_another(shared_database,
                                                                     servers):
    a, b = servers
    worker = make_staff("assessing_social_worker")
    household = make_household("mainstream", "stage1", workers=[worker])
    applicant = make_applicant(household)
    item = DocumentRequest(household_id=household.id, member_id=household.members[0].id,
                           kind="identity", requested_by_id=worker.id)
    db.session.add(item)
    db.session.commit()
    request_id, email = item.id, applicant.email

    browser = requests.Session()
    # Asks for a code on A and enters it on B (the code is read from the emailed message
    # waiting in the outbox).
    token = csrf_token(_page(browser, f"{a}/apply/sign-in"))
    assert _post(browser, f"{a}/apply/sign-in",
                 {"csrf_token": token, "email": email}).status_code == 302
    code = emailed_code(email)
    assert code
    token = csrf_token(_page(browser, f"{b}/apply/sign-in/code"))
    assert _post(browser, f"{b}/apply/sign-in/code",
                 {"csrf_token": token, "code": code}).status_code == 302

    # Uploads on A.
    content = files.pdf()
    page = _page(browser, f"{a}/apply/documents")
    token = re.search(rf'name="request-{request_id}-csrf_token"[^>]*value="([^"]+)"', page)
    assert token, "the request has no upload form"
    sent = _post(browser, f"{a}/apply/documents/{request_id}",
                 {f"request-{request_id}-csrf_token": token.group(1),
                  f"request-{request_id}-comment": ""},
                 files={f"request-{request_id}-document": ("passport.pdf", content,
                                                           "application/pdf")})
    assert sent.status_code == 302, sent.text
    db.session.expire_all()
    [row] = db.session.scalars(select(UploadedDocument))
    assert db.session.get(StoredFile, row.stored_name).size == len(content)

    # Downloads the same bytes on B, as an attachment never cached.
    download = browser.get(f"{b}/apply/documents/files/{row.id}", allow_redirects=False,
                           timeout=30)
    assert download.status_code == 200
    assert download.content == content
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["Cache-Control"] == "no-store"
