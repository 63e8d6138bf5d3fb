"""Fault tests with real processes: `flask --app carers scheduler run` in subprocesses against
the test database (SQLite file or PostgreSQL), sending to a real SMTP server in this process.

Each waits for mail by polling the server with a deadline, never by sleeping a fixed time,
except a short settling period at the end to catch any duplicate sent late."""

import asyncio
import signal
import subprocess
import threading
import time

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from carers.extensions import db
from carers.notifications.models import OutboxMessage
from carers.scheduler.models import JobRun
from tests.conftest import free_port
from tests.helpers import scheduler_process

INTERVAL = 0.2  # the dispatcher's period in these tests (seconds)
SETTLE = 1.0  # after the last expected message: time for a duplicate to show itself
DEADLINE = 40.0  # the most any wait may take before the test fails


class Mailbox:
    """An SMTP server recording each message's subject in arrival order. ``hold_at=n`` stalls
    the nth recipient command (before DATA) until ``release`` is set; ``hold_reply_at=n``
    records the nth message, then stalls before replying that it is accepted."""

    def __init__(self, port: int, hold_at: int | None = None,
                 hold_reply_at: int | None = None):
        self.port, self.hold_at, self.hold_reply_at = port, hold_at, hold_reply_at
        self.message_ids: list[str] = []
        self.subjects: list[str] = []
        self.senders: set[str] = set()
        self.rcpts = 0
        self.held, self.release = threading.Event(), threading.Event()
        self.controller = Controller(self, hostname="127.0.0.1", port=port)

    async def handle_RCPT(self, server, session, envelope, address, options):
        self.rcpts += 1
        if self.rcpts == self.hold_at:
            self.held.set()
            while not self.release.is_set():
                await asyncio.sleep(0.02)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes
        from email.policy import default

        message = message_from_bytes(envelope.content, policy=default)
        self.subjects.append(message["Subject"])
        self.message_ids.append(message["Message-ID"])
        self.senders.add(message["From"])
        if len(self.subjects) == self.hold_reply_at:
            self.held.set()
            while not self.release.is_set():
                await asyncio.sleep(0.02)
        return "250 Message accepted for delivery"

    def start(self):
        self.controller.start()
        return self

    def stop(self):
        self.controller.stop()


def wait_for(condition, what: str, deadline: float = DEADLINE):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if condition():
            return
        time.sleep(0.05)
    pytest.fail(f"gave up waiting for {what} after {deadline:.0f} s")


@pytest.fixture
def schedulers(app, database_url, tmp_path):
    """Start `flask scheduler run` processes (only the outbox job, every 0.2 s); every one
    still running is stopped when the test ends, before the tables are emptied."""
    procs = []

    def start(mail_port: int, batch: int = 50) -> subprocess.Popen:
        number = len(procs)
        proc, out = scheduler_process(tmp_path, number, (
            f"SECRET_KEY = 'test'\nPUBLIC_BASE_URL = 'http://127.0.0.1:5000'\n"
            f"SQLALCHEMY_DATABASE_URI = {database_url!r}\n"
            f"MAIL_SERVER = '127.0.0.1'\nMAIL_PORT = {mail_port}\nMAIL_TIMEOUT = 5\n"
            f"MAIL_DEFAULT_SENDER = 'scheduler{number}@example.gov.uk'\nOUTBOX_BATCH = {batch}\n"
            f"SCHEDULER_ONLY = ['send_outbox']\n"
            f"SCHEDULER_INTERVALS = {{'send_outbox': {INTERVAL}}}\n"
            f"OUTBOX_STALE_CLAIM_SECONDS = 2\n"
            f"SCHEDULER_LEASE_SECONDS = 1\nSCHEDULER_HEARTBEAT_SECONDS = 0.2\n"
            f"SCHEDULER_STANDBY_SECONDS = 0.2\n"
            f"OUTBOX_BACKEND_RETRY_SECONDS = 0.2\nOUTBOX_BACKEND_RETRY_MAX_SECONDS = 0.5\n"))
        procs.append(proc)
        wait_for(lambda: "Scheduler running" in out.read_text(), "the scheduler to start")
        return proc

    yield start
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    db.session.remove()


def queue(count: int, prefix: str = "Message") -> list[str]:
    subjects = [f"{prefix} {n:03d}" for n in range(count)]
    db.session.add_all(OutboxMessage(idempotency_key=f"fault:{s}", to_address="a@example.com",
                                     subject=s, body_text=f"Body of {s}") for s in subjects)
    db.session.commit()
    return subjects


def statuses() -> set[str]:
    db.session.commit()  # a fresh snapshot
    return set(db.session.scalars(select(OutboxMessage.status)))


def test_two_schedulers_at_once_send_each_message_exactly_once(schedulers):
    box = Mailbox(free_port()).start()
    try:
        # Both running before anything is due; each claims five messages at a time.
        schedulers(box.port, batch=5), schedulers(box.port, batch=5)
        expected = queue(200)
        wait_for(lambda: len(box.subjects) >= len(expected), "200 messages")
        time.sleep(SETTLE)
        assert sorted(box.subjects) == expected  # each exactly once
        assert statuses() == {"sent"}
        # Only the leader sent (each process gives its own From address).
        assert len(box.senders) == 1
    finally:
        box.stop()


def test_a_scheduler_killed_mid_sweep_loses_and_doubles_nothing(schedulers):
    """SIGKILL while the SMTP server is holding the 8th message (before its DATA): seven are
    delivered and marked sent, the rest of the batch is left claimed by a dead process. A
    new scheduler takes them over once the claim is stale and sends each exactly once."""
    box = Mailbox(free_port(), hold_at=8).start()
    try:
        expected = queue(20)
        first = schedulers(box.port)
        wait_for(box.held.is_set, "the 8th message to reach the server")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        box.release.set()
        assert box.subjects == expected[:7]
        assert "sending" in statuses()
        schedulers(box.port)
        wait_for(lambda: len(box.subjects) >= len(expected), "all 20 messages")
        time.sleep(SETTLE)
        assert box.subjects == expected  # nothing lost, nothing doubled, in order
        assert statuses() == {"sent"}
    finally:
        box.stop()


def test_a_scheduler_killed_as_a_message_is_accepted_repeats_only_that_message(schedulers):
    """SIGKILL once the server has the 8th message but before the dispatcher hears it was
    accepted: each message is marked sent in its own commit, so only that one message goes
    out twice (delivery is at least once), with the same Message-ID both times."""
    box = Mailbox(free_port(), hold_reply_at=8).start()
    try:
        expected = queue(20)
        first = schedulers(box.port)
        wait_for(box.held.is_set, "the 8th message to reach the server")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        box.release.set()
        db.session.commit()
        assert db.session.scalar(select(func.count()).where(
            OutboxMessage.status == "sent")) == 7
        schedulers(box.port)
        wait_for(lambda: len(box.subjects) >= len(expected) + 1, "all 20 messages")
        time.sleep(SETTLE)
        assert box.subjects == expected[:8] + expected[7:]  # only the 8th twice
        assert box.message_ids[7] == box.message_ids[8]  # a receiver can spot the repeat
        assert len(set(box.message_ids)) == len(expected)
        assert statuses() == {"sent"}
    finally:
        box.stop()


def test_messages_queued_while_the_mail_server_is_down_are_sent_in_order_once_it_is_up(
        schedulers):
    port = free_port()
    schedulers(port)
    expected = queue(15)

    def saw_the_server_down():
        db.session.commit()
        return db.session.scalar(select(JobRun.id).where(
            JobRun.job_name == "send_outbox", JobRun.summary.like("%waiting: 15%"))) is not None

    wait_for(saw_the_server_down, "the dispatcher to find the mail server down")
    assert statuses() == {"pending"}
    box = Mailbox(port).start()
    try:
        wait_for(lambda: len(box.subjects) >= len(expected), "all 15 messages")
        time.sleep(SETTLE)
        assert box.subjects == expected
        assert statuses() == {"sent"}
        db.session.commit()
        assert set(db.session.scalars(select(OutboxMessage.attempts))) == {1}
    finally:
        box.stop()
