"""Backups: `flask backup` writes the whole database to one file and `flask restore` puts it
into an empty database, on SQLite and on PostgreSQL, as real processes. Every household,
check, signed-off report with its PDF, uploaded document and audit entry comes back, the
restored audit trail verifies with the same key, and neither command writes over anything."""

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import psycopg
import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from carers import create_app
from carers.audit.models import AuditEvent
from carers.audit.operations import record_view
from carers.cases.models import Household
from carers.checks.models import Check
from carers.extensions import db
from carers.reports import operations as reports_operations
from carers.reports.models import AssessmentReport, StoredPdf
from carers.reports.sample import assessed_household
from carers.uploads import operations as uploads_operations
from carers.uploads import storage
from carers.uploads.models import UploadedDocument
from tests import upload_files
from tests.factories import make_applicant, make_check, make_household, make_staff, make_team
from tests.helpers import client_for, post_form

ROOT = Path(__file__).resolve().parents[2]
FLASK = Path(sys.executable).with_name("flask")
SECRET_KEY = "backup-test-secret"
LOCAL_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
DOCUMENT = upload_files.pdf()


def config(url: str) -> dict:
    return {"TESTING": True, "SECRET_KEY": SECRET_KEY, "SQLALCHEMY_DATABASE_URI": url,
            "SECOND_FACTOR_REQUIRED_ROLES": (), "RATELIMIT_ENABLED": False}


def flask(*args: str, url: str, key: str = SECRET_KEY, **env) -> subprocess.CompletedProcess:
    """`flask --app carers ...` as an operator runs it, on the database at ``url``. Whatever
    it prints never shows the database's password."""
    environment = {k: v for k, v in os.environ.items()
                   if k not in {"CARERS_CONFIG", "AUDIT_ANCHOR_KEY"}}
    environment.update(DATABASE_URL=url, SECRET_KEY=key, PYTHONPATH=str(ROOT), CARERS_DEV="1",
                       **env)
    result = subprocess.run([str(FLASK), "--app", "carers", *args], env=environment,
                            cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    password = make_url(url).password
    if password:
        assert password not in result.stdout + result.stderr
    return result


# --- the databases: a source with the service's records and an empty target ---

@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def databases(request, tmp_path):
    """(source URL, target URL): the source migrated, the target a new empty database."""
    if request.param == "sqlite":
        yield (f"sqlite:///{tmp_path / 'source.sqlite'}",
               f"sqlite:///{tmp_path / 'restored.sqlite'}")
        return
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        pytest.skip("pg_dump and pg_restore are not installed")
    server = make_url(os.environ.get("TEST_DATABASE_URL") or LOCAL_POSTGRES)
    suffix = uuid.uuid4().hex[:10]
    names = [f"wt_backup_source_{suffix}", f"wt_backup_target_{suffix}"]
    admin = server.set(drivername="postgresql", database="postgres")
    conninfo = admin.render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as connection:
        for name in names:
            connection.execute(f'CREATE DATABASE "{name}"')
    # A password the commands must never print (the local server trusts its clients and
    # ignores it; a server that checks it is given its own in TEST_DATABASE_URL).
    password = server.password or f"never-shown-{suffix}"
    try:
        yield tuple(server.set(drivername="postgresql+psycopg", database=name,
                               password=password).render_as_string(hide_password=False)
                    for name in names)
    finally:
        with psycopg.connect(conninfo, autocommit=True) as connection:
            for name in names:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def build_records(app) -> dict:
    """The service's records, made as people make them: households on both pathways, checks,
    a report signed off and downloaded as a PDF, an uploaded document, and audit entries for
    pages seen and changes made. Returns what a restore must bring back."""
    team = make_team()
    worker = make_staff("assessing_social_worker", name="Sam Worker")
    manager = make_staff("team_manager", name="Morgan Manager")
    worker.team_id = manager.team_id = team.id
    db.session.commit()
    assessed = assessed_household(worker, team=team)
    kinship = assessed_household(worker, team=team, pathway="connected_person",
                                 name="Jo Smith")
    others = [make_household("mainstream", team=team, workers=[worker]),
              make_household("connected_person", team=team, workers=[worker])]
    make_check(others[0], "dbs")
    make_check(others[1], "local_authority")
    reports_operations.sign_off(assessed, manager)

    client = client_for(app, worker)
    pdf = client.get(f"/staff/cases/{assessed.reference}/report.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    for household in (kinship, *others):
        assert client.get(f"/staff/cases/{household.reference}").status_code == 200
    noted = post_form(client, f"/staff/cases/{others[0].reference}/notes",
                      {"text": "Phoned about the DBS form"},
                      page=f"/staff/cases/{others[0].reference}")
    assert noted.status_code == 302

    applicant = make_applicant(kinship)
    member = kinship.members[0]
    asked = uploads_operations.ask(kinship, worker, member, "identity", None, None)
    document = uploads_operations.upload(applicant, asked, "passport.pdf", DOCUMENT,
                                         limit_mb=10)
    db.session.expire_all()
    report = db.session.scalar(select(AssessmentReport).where(
        AssessmentReport.household_id == assessed.id))
    assert report.signed_off_at is not None
    stored = db.session.scalar(select(StoredPdf).where(StoredPdf.household_id == assessed.id))
    assert stored is not None and stored.content == pdf.data
    last = db.session.scalar(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1))
    return {
        "households": {h.reference: h.pathway for h in (assessed, kinship, *others)},
        "checks": set(db.session.execute(select(Check.key, Check.kind)).all()),
        "report": (assessed.reference, report.number, report.signed_off_at),
        "pdf": pdf.data,
        "document": (document.stored_name, document.sha256),
        "audit_entries": db.session.scalar(select(func.count(AuditEvent.id))),
        "last_hash": last.hash,
        "actions": {(e.action, e.object_type) for e in db.session.scalars(select(AuditEvent))},
    }


def assert_restored(app, expected: dict) -> None:
    # The trail first, before this test's own requests add to it.
    entries = expected["audit_entries"]
    chained = db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
    # Every entry backed up, in its place, then the restore recorded after them.
    assert [e.seq for e in chained] == list(range(1, entries + 2))
    assert chained[entries - 1].hash == expected["last_hash"]
    assert expected["actions"] <= {(e.action, e.object_type) for e in chained}
    restore_entry = chained[-1]
    assert (restore_entry.action, restore_entry.object_type) == ("restore", "database")
    assert restore_entry.prev_hash == expected["last_hash"]
    assert restore_entry.detail["audit_entries"] == entries

    households = {h.reference: h.pathway for h in db.session.scalars(select(Household))}
    assert households == expected["households"]
    assert {"mainstream", "connected_person"} <= set(households.values())
    assert set(db.session.execute(select(Check.key, Check.kind)).all()) == expected["checks"]

    reference, number, signed_off_at = expected["report"]
    report = db.session.scalar(select(AssessmentReport).join(AssessmentReport.household)
                               .where(Household.reference == reference))
    assert (report.number, report.signed_off_at) == (number, signed_off_at)
    assert db.session.scalar(select(StoredPdf.content).where(
        StoredPdf.household_id == report.household_id)) == expected["pdf"]
    # The report's download serves the stored PDF, byte for byte.
    worker = report.household.workers[0]
    served = client_for(app, worker).get(f"/staff/cases/{reference}/report.pdf")
    assert served.status_code == 200 and served.data == expected["pdf"]

    stored_name, sha256 = expected["document"]
    document = db.session.scalar(select(UploadedDocument).where(
        UploadedDocument.stored_name == stored_name))
    assert document.sha256 == sha256 == hashlib.sha256(DOCUMENT).hexdigest()
    # The document's bytes are in the database, so in the backup.
    assert storage.read(document.stored_name) == DOCUMENT


def test_a_backup_restores_into_an_empty_database_with_everything_in_it(databases, tmp_path):
    source_url, target_url = databases
    source = create_app(config(source_url))
    with source.app_context():
        upgrade()
        expected = build_records(source)
        db.session.remove()

    backup = tmp_path / "carers.backup"
    taken = flask("backup", str(backup), url=source_url)
    assert taken.returncode == 0, taken.stderr
    assert f"Backup written to {backup}" in taken.stdout
    assert "4 households" in taken.stdout
    assert f"{expected['audit_entries']} audit entries" in taken.stdout
    magic = b"PGDMP" if source_url.startswith("postgresql") else b"SQLite format 3\x00"
    assert backup.read_bytes().startswith(magic)
    sha256 = hashlib.sha256(backup.read_bytes()).hexdigest()
    assert sha256 in taken.stdout

    with source.app_context():
        # The live trail says who took which backup; the file holds everything before it.
        last = db.session.scalar(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1))
        assert (last.action, last.object_type, last.user_id) == ("export", "database", None)
        assert last.detail["sha256"] == sha256
        assert last.prev_hash == expected["last_hash"]
        db.session.remove()
        db.engine.dispose()

    restored = flask("restore", str(backup), url=target_url)
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "4 households" in restored.stdout
    assert f"Audit trail intact: {expected['audit_entries']} entries checked" in restored.stdout
    assert "flask db upgrade" not in restored.stdout

    verified = flask("audit", "verify", url=target_url)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert f"Audit trail intact: {expected['audit_entries'] + 1} entries" in verified.stdout

    # The restored service: documents are not read from the old upload folder.
    target = create_app(config(target_url))
    with target.app_context():
        try:
            assert_restored(target, expected)
        finally:
            db.session.remove()
            db.engine.dispose()


def test_a_backup_taken_while_the_service_writes_is_consistent(databases, tmp_path):
    """Audit entries are written all the while the backup runs: the backup holds the trail as
    it stood at one moment, so the restored trail verifies, head and all."""
    source_url, target_url = databases
    source = create_app(config(source_url))
    with source.app_context():
        upgrade()
        household_id = make_household("mainstream").id
        db.session.remove()
    started, stop, written, failed = threading.Event(), threading.Event(), [], []

    def keep_writing():
        with source.app_context():
            try:
                while not stop.is_set():
                    record_view("view", "household", household_id, {"n": len(written)})
                    written.append(1)
                    started.set()
                    time.sleep(0.002)  # let the backup's own audit entry in
            except Exception as error:  # shown by the test, not lost in the thread
                failed.append(error)
                started.set()
            finally:
                db.session.remove()

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        assert started.wait(60)
        backup = tmp_path / "carers.backup"
        taken = flask("backup", str(backup), url=source_url)
    finally:
        stop.set()
        writer.join()
    with source.app_context():
        db.engine.dispose()
    assert failed == []
    assert taken.returncode == 0, taken.stderr

    restored = flask("restore", str(backup), url=target_url)
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "Audit trail intact" in restored.stdout
    target = create_app(config(target_url))
    with target.app_context():
        try:
            views = db.session.scalar(select(func.count(AuditEvent.id)).where(
                AuditEvent.action == "view"))
            assert 1 <= views <= len(written)
        finally:
            db.session.remove()
            db.engine.dispose()


def test_restore_and_backup_never_write_over_anything(databases, tmp_path):
    source_url, target_url = databases
    source = create_app(config(source_url))
    with source.app_context():
        upgrade()
        make_household("mainstream")
        make_household("connected_person")
        db.session.remove()
        db.engine.dispose()

    backup = tmp_path / "carers.backup"
    assert flask("backup", str(backup), url=source_url).returncode == 0
    first = backup.read_bytes()

    # A second backup to the same file is refused, and the file is as it was.
    again = flask("backup", str(backup), url=source_url)
    assert again.returncode != 0
    assert "already exists" in again.stderr and "--force" in again.stderr
    assert backup.read_bytes() == first
    forced = flask("backup", str(backup), "--force", url=source_url)
    assert forced.returncode == 0, forced.stderr
    assert backup.read_bytes() != first  # it now holds the first backup's audit entry

    with source.app_context():
        before = db.session.execute(select(AuditEvent.seq, AuditEvent.hash)
                                    .order_by(AuditEvent.seq)).all()
        db.session.remove()
        db.engine.dispose()
    # Restoring into a database in use is refused, and nothing there changes.
    refused = flask("restore", str(backup), url=source_url)
    assert refused.returncode != 0
    assert "The database is not empty" in refused.stderr
    assert "nothing was changed" in refused.stderr
    with source.app_context():
        assert db.session.scalar(select(func.count(Household.id))) == 2
        assert db.session.execute(select(AuditEvent.seq, AuditEvent.hash)
                                  .order_by(AuditEvent.seq)).all() == before
        db.session.remove()
        db.engine.dispose()
    assert "Audit trail intact" in flask("audit", "verify", url=source_url).stdout

    # A file that is not a backup, or one of the other database's kind, is refused.
    if source_url.startswith("sqlite"):
        not_a_backup = tmp_path / "notes.txt"
        not_a_backup.write_text("not a database")
        wrong = flask("restore", str(not_a_backup), url=target_url)
        assert wrong.returncode != 0
        assert "is not a backup made by `flask backup`" in wrong.stderr
    else:
        wrong = flask("restore", str(backup), url=f"sqlite:///{tmp_path / 'other.sqlite'}")
        assert wrong.returncode != 0
        assert "is a PostgreSQL backup, but this service's database is SQLite" in wrong.stderr
        # Without PostgreSQL's client tools the operator is told what to install.
        nowhere = tmp_path / "empty-path"
        nowhere.mkdir()
        missing = flask("backup", str(tmp_path / "second.backup"), url=source_url,
                        PATH=str(nowhere))
        assert missing.returncode != 0
        assert "pg_dump was not found on PATH" in missing.stderr
        assert not (tmp_path / "second.backup").exists()


def test_a_restored_trail_verifies_only_with_the_service_key(tmp_path):
    """The chain's head is sealed with a key derived from SECRET_KEY: restored where the key
    differs, the restore says the trail does not verify and writes nothing into it."""
    source_url = f"sqlite:///{tmp_path / 'source.sqlite'}"
    target_url = f"sqlite:///{tmp_path / 'restored.sqlite'}"
    source = create_app(config(source_url))
    with source.app_context():
        upgrade()
        make_staff("administrator")
        client_for(source, make_staff("assessing_social_worker")).get("/staff/my-work")
        db.session.remove()
        db.engine.dispose()
    backup = tmp_path / "carers.backup"
    assert flask("backup", str(backup), url=source_url).returncode == 0

    restored = flask("restore", str(backup), url=target_url, key="another-key")
    assert restored.returncode == 1
    assert "not sealed with the service's key" in restored.stdout
    assert "AUDIT_ANCHOR_KEY" in restored.stderr
    # With the service's own key the same restored trail verifies; nothing was added to it.
    verified = flask("audit", "verify", url=target_url)
    assert verified.returncode == 0, verified.stdout
    assert "Audit trail intact" in verified.stdout
    target = create_app(config(target_url))
    with target.app_context():
        assert not db.session.scalar(select(func.count(AuditEvent.id)).where(
            AuditEvent.action == "restore"))
        db.session.remove()
        db.engine.dispose()


def test_a_backup_from_before_an_upgrade_restores_then_upgrades(tmp_path):
    """The usual backup: taken with the new version deployed, before `flask db upgrade`.
    It restores, the operator is told to upgrade, and after the upgrade the trail verifies.
    A backup from a newer version than the one restoring it is refused."""
    source_url = f"sqlite:///{tmp_path / 'source.sqlite'}"
    target_url = f"sqlite:///{tmp_path / 'restored.sqlite'}"
    source = create_app(config(source_url))
    with source.app_context():
        upgrade(revision="0030")
        db.session.remove()
        db.engine.dispose()
    backup = tmp_path / "before-upgrade.backup"
    taken = flask("backup", str(backup), url=source_url)
    assert taken.returncode == 0, taken.stderr
    assert "revision 0030" in taken.stdout
    assert "not recorded in the audit trail" in taken.stdout

    restored = flask("restore", str(backup), url=target_url)
    assert restored.returncode == 0, restored.stderr
    assert "Run `flask db upgrade`, then `flask audit verify`" in restored.stdout
    upgraded = flask("db", "upgrade", url=target_url)
    assert upgraded.returncode == 0, upgraded.stderr
    verified = flask("audit", "verify", url=target_url)
    assert verified.returncode == 0 and "Audit trail intact" in verified.stdout

    # The same file as a newer version would have left it: refused, the target untouched.
    with sqlite3.connect(backup) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    connection.close()
    empty = tmp_path / "empty.sqlite"
    newer = flask("restore", str(backup), url=f"sqlite:///{empty}")
    assert newer.returncode != 0
    assert "made by a newer version of the service" in newer.stderr
    with sqlite3.connect(empty) as connection:
        assert connection.execute("SELECT count(*) FROM sqlite_master").fetchone() == (0,)
    connection.close()
