"""Two `flask scheduler run` processes on one database: one leads and sends, the other
waits; when the leader is killed the standby takes over, and every message goes out exactly
once. On SQLite (a lease row) and on PostgreSQL (an advisory lock), each in a database made
for the test, with a real SMTP server in this process."""

import os
import signal
import threading
import time
import uuid
from datetime import date
from email import message_from_bytes
from email.policy import default

import pytest
from aiosmtpd.controller import Controller
from flask_migrate import upgrade
from sqlalchemy import create_engine, make_url, select, text

from carers import create_app
from carers.extensions import db
from carers.notifications.operations import queue_email
from carers.scheduler.leader import LEASE_NAME
from carers.scheduler.models import JobRun, SchedulerLease
from tests.conftest import free_port
from tests.helpers import scheduler_process

DEADLINE = 60.0  # the most the standby may take to lead and send after the kill
SETTLE = 1.5  # after the last expected message: time for a duplicate to show itself
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


class Mailbox:
    """An SMTP server recording (sender, recipient, Message-ID) of each message."""

    def __init__(self):
        self.port = free_port()
        self.received: list[tuple[str, str, str]] = []
        self.lock = threading.Lock()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=default)
        with self.lock:
            for rcpt in envelope.rcpt_tos:
                self.received.append((message["From"], rcpt, message["Message-ID"]))
        return "250 Message accepted for delivery"

    def count(self) -> int:
        with self.lock:
            return len(self.received)


def wait_for(condition, what: str, deadline: float = 30.0):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if condition():
            return
        time.sleep(0.05)
    pytest.fail(f"gave up waiting for {what} after {deadline:.0f} s")


@pytest.fixture(params=["sqlite", "postgresql"])
def own_database(request, tmp_path):
    """A database of the test's own, migrated: a SQLite file, or a PostgreSQL database made
    (and dropped) on the server of TEST_DATABASE_URL, else the local one."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'leader.sqlite'}"
        return
    server = make_url(os.environ.get("TEST_DATABASE_URL") or PG_DEFAULT)
    name = f"carers_leader_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def leader_app(own_database):
    app = create_app({"SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": own_database,
                      "TESTING": True, "PUBLIC_BASE_URL": "http://127.0.0.1:5000"})
    with app.app_context():
        upgrade()
        yield app
        db.session.remove()
        db.engine.dispose()


def start_scheduler(number: int, url: str, mail_port: int, tmp_path) -> tuple:
    return scheduler_process(tmp_path, number, (
        f"SECRET_KEY = 'test'\nPUBLIC_BASE_URL = 'http://127.0.0.1:5000'\n"
        f"SQLALCHEMY_DATABASE_URI = {url!r}\n"
        f"MAIL_SERVER = '127.0.0.1'\nMAIL_PORT = {mail_port}\nMAIL_TIMEOUT = 5\n"
        f"MAIL_DEFAULT_SENDER = 'scheduler{number}@example.gov.uk'\n"
        f"SCHEDULER_ONLY = ['send_outbox']\nSCHEDULER_INTERVALS = {{'send_outbox': 1}}\n"
        f"SCHEDULER_LEASE_SECONDS = 2\nSCHEDULER_HEARTBEAT_SECONDS = 0.5\n"
        f"SCHEDULER_STANDBY_SECONDS = 0.3\n"))


def queue(prefix: str, count: int) -> list[str]:
    addresses = [f"{prefix}{n}@example.com" for n in range(count)]
    for address in addresses:
        queue_email(address, "clock_digest", f"leader:{address}", name="X", sections=[],
                    on=date(2027, 3, 10), horizon=date(2027, 3, 10), base="", settings={})
    db.session.commit()
    return addresses


def lease():
    db.session.commit()  # a fresh snapshot
    return db.session.get(SchedulerLease, LEASE_NAME)


def test_a_standby_takes_over_from_a_killed_leader_and_no_message_is_lost_or_doubled(
        leader_app, own_database, tmp_path):
    box = Mailbox()
    box.controller.start()
    procs = []
    try:
        for number in range(2):
            procs.append(start_scheduler(number, own_database, box.port, tmp_path))
        wait_for(lambda: lease() is not None, "a scheduler to lead")
        pids = {proc.pid: (proc, out, number) for number, (proc, out) in enumerate(procs)}
        holder = lease().holder
        leader, leader_out, leader_number = pids[int(holder.split(":")[-2])]
        (standby, standby_out, standby_number), = (
            entry for pid, entry in pids.items() if pid != leader.pid)
        wait_for(lambda: "waiting: another scheduler leads" in standby_out.read_text(),
                 "the other scheduler to wait")
        assert f"holder {holder}" in standby_out.read_text()
        assert "leading" in leader_out.read_text()

        first = queue("first", 10)
        wait_for(lambda: box.count() >= len(first), "the first batch")
        leader.send_signal(signal.SIGKILL)
        leader.wait(timeout=10)
        second = queue("second", 10)
        wait_for(lambda: box.count() >= len(first) + len(second),
                 "the standby to lead and send the second batch", DEADLINE)
        time.sleep(SETTLE)

        # Every message exactly once: the first batch by the leader, the rest by the standby.
        senders = {f"scheduler{n}@example.gov.uk": n for n in range(2)}
        by_recipient = {rcpt: senders[sender] for sender, rcpt, _ in box.received}
        assert sorted(rcpt for _, rcpt, _ in box.received) == sorted(first + second)
        assert len({message_id for _, _, message_id in box.received}) == len(box.received)
        assert {by_recipient[a] for a in first} == {leader_number}
        assert {by_recipient[a] for a in second} == {standby_number}

        # The lease now names the standby, and the job log shows one scheduler at a time.
        standby_holder = lease().holder
        assert int(standby_holder.split(":")[-2]) == standby.pid
        assert "leading" in standby_out.read_text()
        runs = db.session.execute(select(JobRun.scheduler, JobRun.started_at,
                                         JobRun.finished_at).order_by(JobRun.id)).all()
        assert {run.scheduler for run in runs} == {holder, standby_holder}
        killed = [run for run in runs if run.scheduler == holder]
        taken_over = [run for run in runs if run.scheduler == standby_holder]
        assert max(run.finished_at for run in killed) <= min(
            run.started_at for run in taken_over)
    finally:
        for proc, _ in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        box.controller.stop()
