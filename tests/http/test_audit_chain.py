"""The audit trail is append-only and hash-chained: `flask audit verify` passes on an
untouched trail and names the first altered entry after a row is edited in the database."""

import threading

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session

from carers.audit.chain import GENESIS, verify
from carers.audit.models import AppendOnly, AuditChain, AuditEvent
from carers.audit.operations import record
from carers.extensions import db


def write_entries(count: int) -> list[int]:
    ids = []
    for i in range(count):
        event = record("view", "household", i, {"n": i, "note": f"entry {i}"})
        db.session.commit()
        ids.append(event.id)
    return ids


def tamper(sql: str, **params) -> None:
    """Change the table behind the application's back, as a database administrator could."""
    with db.engine.begin() as conn:
        postgres = conn.dialect.name == "postgresql"
        if postgres:
            conn.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only"))
        conn.execute(text(sql), params)
        if postgres:
            conn.execute(text("ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only"))


def test_entries_are_chained_in_order(app):
    write_entries(3)
    events = list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq)))
    assert [e.seq for e in events] == [1, 2, 3]
    assert events[0].prev_hash == GENESIS
    assert events[1].prev_hash == events[0].hash and events[2].prev_hash == events[1].hash
    assert db.session.get(AuditChain, 1).last_hash == events[2].hash


def test_verify_passes_on_an_untouched_trail(app, runner):
    write_entries(5)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "Audit trail intact: 5 entries checked" in result.output


def test_verify_names_the_first_altered_entry(app, runner):
    ids = write_entries(6)
    tamper("UPDATE audit_event SET object_id = '999' WHERE id = :id", id=ids[2])
    tamper("UPDATE audit_event SET action = 'create' WHERE id = :id", id=ids[4])
    db.session.expire_all()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"Audit trail altered at entry {ids[2]} (position 3): its content was changed" \
        in result.output


def test_verify_notices_a_removed_entry_and_a_forged_hash(app):
    ids = write_entries(4)
    tamper("DELETE FROM audit_event WHERE id = :id", id=ids[1])
    verdict = verify()
    assert not verdict.ok and verdict.entry_id == ids[2]
    assert "missing" in verdict.reason


def test_verify_notices_entries_removed_from_the_end(app):
    ids = write_entries(3)
    tamper("DELETE FROM audit_event WHERE id = :id", id=ids[-1])
    verdict = verify()
    assert not verdict.ok and "end of the trail" in verdict.reason


def test_the_application_cannot_change_or_delete_an_entry(app):
    write_entries(1)
    event = db.session.scalars(select(AuditEvent)).one()
    event.action = "nothing"
    with pytest.raises(AppendOnly):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.scalars(select(AuditEvent)).one())
    with pytest.raises(AppendOnly):
        db.session.commit()
    db.session.rollback()
    assert verify().ok


@pytest.mark.postgres
def test_the_database_refuses_changes_to_entries(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the trigger is PostgreSQL's")
    write_entries(1)
    with pytest.raises(Exception, match="cannot be changed"), db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_event SET action = 'x'"))


def test_concurrent_writers_keep_one_unbroken_chain(app):
    """Writers in several threads, each its own connection and transaction: the head row
    makes them take their places one at a time."""
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"],
                           connect_args={"timeout": 30} if db.engine.dialect.name == "sqlite"
                           else {})
    errors = []

    def writer(n):
        try:
            for i in range(10):
                with app.app_context(), Session(engine) as session:
                    db.session.registry.set(session)  # this thread's own session
                    record("view", "household", f"{n}-{i}")
                    session.commit()
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    engine.dispose()
    assert not errors, errors
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 40
    verdict = verify()
    assert verdict.ok, verdict.message()


def test_verify_notices_entries_cut_off_the_end_with_the_head_rewound(app, runner):
    """Someone with only database access deletes the last entries and sets the head back to
    the entry now last: every remaining link fits, but the head's seal does not."""
    ids = write_entries(5)
    kept = db.session.get(AuditEvent, ids[2])
    kept_seq, kept_hash = kept.seq, kept.hash
    tamper("DELETE FROM audit_event WHERE id IN (:a, :b)", a=ids[3], b=ids[4])
    tamper("UPDATE audit_chain SET seq = :seq, last_hash = :hash", seq=kept_seq, hash=kept_hash)
    db.session.expire_all()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1, result.output
    assert "not sealed with the service's key" in result.output


def test_a_head_sealed_with_another_key_is_refused_and_sealing_needs_an_intact_chain(
        app, runner):
    write_entries(3)
    app.config["AUDIT_ANCHOR_KEY"] = "a new key"
    assert not verify().ok
    result = runner.invoke(args=["audit", "seal"])
    assert result.exit_code == 0, result.output
    assert "Audit trail intact: 3 entries checked" in result.output
    ids = write_entries(1)
    tamper("UPDATE audit_event SET object_id = '999' WHERE id = :id", id=ids[0])
    db.session.expire_all()
    result = runner.invoke(args=["audit", "seal"])
    assert result.exit_code == 1 and "its content was changed" in result.output
