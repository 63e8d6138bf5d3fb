"""The scheduler's sweeps called directly with a fixed clock, the outbox's retries, and the
administrators' pages. Real database, real SMTP server (the `mailbox` fixture)."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from aiosmtpd.controller import Controller
from markupsafe import escape
from sqlalchemy import func, select

from carers.cases.models import Household
from carers.clocks.workdays import add_working_days
from carers.core.dates import utcnow
from carers.extensions import db
from carers.notifications.dispatch import send_due
from carers.notifications.models import OutboxMessage
from carers.notifications.operations import queue_email
from carers.scheduler.digest import send_clock_digests
from carers.scheduler.jobs import JOBS, Job, job
from carers.scheduler.models import JobRun
from carers.scheduler.runner import missed_today, run_job
from tests.conftest import ROOT, free_port
from tests.factories import (
    make_household,
    make_message,
    make_staff,
    make_task,
    make_team,
    set_setting,
)
from tests.helpers import csrf_token, isolated_client, sign_in

# Wednesday 10 March 2027, 7am in London (GMT): the digest's time.
MORNING = datetime(2027, 3, 10, 7, 0, tzinfo=UTC)
TODAY = date(2027, 3, 10)


def body(message) -> str:
    return message.get_body(("plain",)).get_content()


@pytest.fixture
def agency(app):
    """Two teams. North: a manager and two workers; South: a manager. Cases with deadlines
    overdue, due soon, due later and closed."""
    north, south = make_team("North"), make_team("South")
    people = {
        "manager": make_staff("team_manager", name="Mo Manager", team=north),
        "ann": make_staff("assessing_social_worker", name="Ann Worker", team=north),
        "bob": make_staff("assessing_social_worker", name="Bob Worker", team=north),
        "sue": make_staff("team_manager", name="Sue South", team=south),
        "idle": make_staff("assessing_social_worker", name="Ida Idle", team=north),
    }
    soon = add_working_days(TODAY, 3)

    def case(name, team, workers, due, label, stage="stage1"):
        return make_household("mainstream", stage, team=team, workers=workers, name=name,
                              next_due_on=due, next_due_label=label)

    cases = {
        "overdue": case("Overdue Household", north, [people["ann"]], date(2027, 3, 1),
                        "Stage 1 decision"),
        "soon": case("Soon Household", north, [people["ann"], people["bob"]], soon,
                     "Panel papers sent"),
        "later": case("Later Household", north, [people["bob"], people["idle"]],
                      add_working_days(TODAY, 10), "Initial home visit"),
        "south": case("South Household", south, [], date(2027, 3, 9), "Agency decision"),
        "closed": case("Closed Household", north, [people["ann"]], date(2027, 2, 1),
                       "Old deadline", stage="withdrawn"),
    }
    return people, cases


def test_the_morning_digest_goes_once_to_each_worker_and_manager_concerned(agency, mailbox):
    people, cases = agency
    with time_machine.travel(MORNING, tick=False):
        first = send_clock_digests(MORNING)
        again = send_clock_digests(MORNING + timedelta(minutes=5))
        send_due()
    assert first == {"people": 4, "queued": 4, "already queued": 0}
    assert again == {"people": 4, "queued": 0, "already queued": 4}
    by_to = {m["To"]: m for m in mailbox.messages}
    assert len(mailbox.messages) == 4
    assert set(by_to) == {people[k].email for k in ("ann", "bob", "manager", "sue")}

    ann = body(by_to[people["ann"].email])
    assert ann.startswith("Good morning Ann Worker")
    assert by_to[people["ann"].email]["Subject"] == \
        "Deadlines for 10 March 2027: 1 overdue, 1 due soon"
    assert f"{cases['overdue'].reference} Overdue Household: Stage 1 decision, was due " \
           "1 March 2027 (overdue by 7 working days)" in ann
    assert f"{cases['soon'].reference} Soon Household: Panel papers sent, due 15 March " \
           "2027 (in 3 working days)" in ann
    assert f"/staff/cases/{cases['overdue'].reference}" in ann
    assert "Later Household" not in ann and "Closed Household" not in ann

    bob = body(by_to[people["bob"].email])
    assert "Soon Household" in bob and "Overdue Household" not in bob
    assert "Later Household" not in bob

    manager = body(by_to[people["manager"].email])
    assert "North: all cases: 1 overdue, 1 due soon" in manager
    assert "Overdue Household" in manager and "Soon Household" in manager
    assert "South Household" not in manager and "Later Household" not in manager

    sue = body(by_to[people["sue"].email])
    assert "South: all cases: 1 overdue, 0 due soon" in sue and "South Household" in sue
    html = by_to[people["sue"].email].get_body(("html",)).get_content()
    assert f'href="http://127.0.0.1:5000/staff/cases/{cases["south"].reference}"' in html

    # The next morning brings a new digest; the day's one is never repeated.
    tomorrow = MORNING + timedelta(days=1)
    with time_machine.travel(tomorrow, tick=False):
        assert send_clock_digests(tomorrow)["queued"] == 4
        assert send_clock_digests(tomorrow)["queued"] == 0


def test_the_digest_follows_the_setting_and_skips_inactive_staff(agency, mailbox):

    people, cases = agency
    set_setting("digest_working_days", 10)
    people["bob"].active = False
    db.session.commit()
    with time_machine.travel(MORNING, tick=False):
        # Ann, Ida (whose case is now within the horizon) and both managers; not Bob.
        assert send_clock_digests(MORNING)["queued"] == 4
        send_due()
    by_to = {m["To"]: body(m) for m in mailbox.messages}
    assert people["bob"].email not in by_to
    assert "Later Household" in by_to[people["manager"].email]
    assert "Later Household" in by_to[people["idle"].email]


def test_a_refused_message_is_retried_with_backoff_then_failed(app):
    """A server that refuses one recipient: that message backs off 1, 2, 4, 8 minutes and is
    marked failed after the fifth attempt; the other is delivered at once."""

    class Refusing:
        def __init__(self):
            self.messages = []

        async def handle_RCPT(self, server, session, envelope, address, options):
            if address.startswith("nobody@"):
                return "550 No such user here"
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, server, session, envelope):
            self.messages.append(envelope.rcpt_tos[0])
            return "250 Message accepted for delivery"

    handler, port = Refusing(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    app.config["MAIL_PORT"] = port
    try:
        start = datetime(2027, 3, 10, 9, 0, tzinfo=UTC)
        with time_machine.travel(start, tick=False) as clock:
            for to in ("nobody@example.com", "someone@example.com"):
                queue_email(to, "clock_digest", f"test:{to}", name="X", sections=[],
                            on=TODAY, horizon=TODAY, base="", settings={})
            db.session.commit()
            assert send_due(start) == {"sent": 1, "retry": 1, "failed": 0, "waiting": 0}
            waits = []
            now = start
            for attempt in range(2, 6):
                message = db.session.scalar(select(OutboxMessage).where(
                    OutboxMessage.to_address == "nobody@example.com"))
                db.session.refresh(message)
                waits.append((message.next_attempt_at.replace(tzinfo=UTC) - now).seconds)
                assert send_due(now + timedelta(seconds=waits[-1] - 1))["retry"] == 0
                now = now + timedelta(seconds=waits[-1])
                clock.move_to(now)
                counts = send_due(now)
                assert counts["retry" if attempt < 5 else "failed"] == 1
            assert waits == [60, 120, 240, 480]
    finally:
        controller.stop()
    db.session.refresh(message)
    assert message.status == "failed" and message.attempts == 5
    assert "No such user" in message.last_error
    assert handler.messages == ["someone@example.com"]


def test_an_unreachable_mail_server_charges_no_attempt_and_waits_before_retrying(app):
    app.config["MAIL_PORT"] = free_port()  # nothing listens there
    for n in range(3):
        queue_email(f"p{n}@example.com", "clock_digest", f"down:{n}", name="X", sections=[],
                    on=TODAY, horizon=TODAY, base="", settings={})
    db.session.commit()
    now = datetime(2027, 3, 10, 9, 0, tzinfo=UTC)
    counts = send_due(now)
    assert counts["waiting"] == 3 and counts["sent"] == 0
    assert "Mail server unavailable" in counts["backend_error"]
    # Within the wait, the dispatcher does not even try the server.
    assert send_due(now + timedelta(seconds=5)) == {"sent": 0, "retry": 0, "failed": 0,
                                                    "waiting": 3}
    rows = db.session.execute(select(OutboxMessage.status, OutboxMessage.attempts)).all()
    assert set(rows) == {("pending", 0)}


def test_run_once_records_each_job_in_the_job_log(app, runner):
    result = runner.invoke(args=["scheduler", "run-once", "retention"])
    assert result.exit_code == 0, result.output
    assert "Nothing is deleted until a records officer confirms it" in result.output
    result = runner.invoke(args=["scheduler", "run-once", "nope"])
    assert result.exit_code != 0 and "no job called 'nope'" in result.output
    result = runner.invoke(args=["scheduler", "run-once"])
    assert result.exit_code == 0, result.output
    names = list(db.session.scalars(select(JobRun.job_name).order_by(JobRun.id)))
    assert names == ["retention"] + [j.name for j in JOBS]


def test_a_failing_job_is_recorded_with_its_error_and_does_not_stop_the_next(app):
    def broken(now):
        raise RuntimeError("the sky fell")

    run = run_job(Job("broken", "Broken", broken, every=5))
    assert run.summary == "Failed" and "the sky fell" in run.error
    assert run_job(job("retention")).error is None


def test_a_daily_job_missed_this_morning_runs_when_the_scheduler_starts(app):
    digest = job("clock_digest")
    grace = timedelta(hours=1)
    assert missed_today(digest, datetime(2027, 3, 10, 7, 30, tzinfo=UTC), grace)
    assert not missed_today(digest, datetime(2027, 3, 10, 6, 59, tzinfo=UTC), grace)
    assert not missed_today(digest, datetime(2027, 3, 10, 8, 30, tzinfo=UTC), grace)
    # In summer time 7am in London is 6am UTC.
    assert missed_today(digest, datetime(2027, 7, 1, 6, 10, tzinfo=UTC), grace)
    with time_machine.travel(datetime(2027, 3, 10, 7, 0, 5, tzinfo=UTC), tick=False):
        run_job(digest)
    assert not missed_today(digest, datetime(2027, 3, 10, 7, 30, tzinfo=UTC), grace)


def test_one_line_adds_a_job():
    added = Job("visit_reminders", "Send visit reminders", lambda now: {"sent": 0}, every=60)
    assert added.schedule() == "Every 1 minute"
    assert Job("x", "X", print, daily="07:00").schedule() == "Every day at 07:00"
    with pytest.raises(ValueError):
        Job("y", "Y", print)


def test_the_jobs_page_shows_each_job_and_its_last_run_to_administrators_only(app, client):
    admin = make_staff("administrator")
    worker = make_staff("assessing_social_worker")
    run_job(job("retention"))
    worker_client = isolated_client(app)
    sign_in(worker_client, worker)
    assert worker_client.get("/staff/admin/jobs").status_code == 403
    assert worker_client.get("/staff/admin/messages").status_code == 403
    client = isolated_client(app)
    sign_in(client, admin)
    html = client.get("/staff/admin/jobs").get_data(as_text=True)
    for j in JOBS:
        assert escape(j.title) in html
    assert "Every day at 07:00" in html and "Every 10 seconds" in html
    assert "Nothing is deleted until a records officer confirms it" in html
    assert html.count("Not run yet") == len(JOBS) - 1
    assert 'href="/staff/admin/jobs"' in html  # in the staff navigation


def test_an_administrator_resends_a_failed_message(app, client, mailbox):
    admin = make_staff("administrator")
    queue_email("carer@example.com", "clock_digest", "failed:1", name="X", sections=[],
                on=TODAY, horizon=TODAY, base="", settings={})
    db.session.commit()
    message = db.session.scalar(select(OutboxMessage))
    message.status, message.attempts, message.last_error = "failed", 5, "550 Mailbox full"
    db.session.commit()
    sign_in(client, admin)
    page = client.get("/staff/admin/messages").get_data(as_text=True)
    assert "carer@example.com" in page and "550 Mailbox full" in page
    url = f"/staff/admin/messages/{message.id}/resend"
    assert client.post(url).status_code == 400  # no CSRF token
    response = client.post(url, data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302
    db.session.refresh(message)
    assert (message.status, message.attempts) == ("pending", 0)
    assert send_due()["sent"] == 1
    assert [m["To"] for m in mailbox.messages] == ["carer@example.com"]
    again = client.post(url, data={"csrf_token": csrf_token(page)}, follow_redirects=True)
    assert "no longer failed" in again.get_data(as_text=True)
    assert client.post("/staff/admin/messages/999999/resend",
                       data={"csrf_token": csrf_token(page)}).status_code == 404
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 1


def test_the_notify_backend_is_chosen_by_configuration(app):
    from carers.notifications.dispatch import NotifyBackend, SmtpBackend, configured_backend

    assert configured_backend(app.config) is SmtpBackend
    assert configured_backend({**app.config, "NOTIFY_API_KEY": "x"}) is NotifyBackend


class FakeNotify:
    """A local HTTP server answering GOV.UK Notify's two send endpoints, recording each
    request (path, JSON body, bearer token). ``status`` sets the next replies' status."""

    def __init__(self):
        import json
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.requests, self.status = [], 201
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers["Content-Length"])
                outer.requests.append((self.path, json.loads(self.rfile.read(length)),
                                       self.headers["Authorization"]))
                reply = json.dumps({"id": "d4b1", "reference": None} if outer.status == 201
                                   else {"errors": [{"message": "nope"}]}).encode()
                self.send_response(outer.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def test_gov_uk_notify_sends_email_with_our_texts(app):
    notify = FakeNotify()
    service, secret = "26785a09-ab16-4eb0-8407-a37497a57506", \
        "3d844edf-8d35-48ac-975b-e847b4f122b0"
    app.config.update(NOTIFY_API_KEY=f"carers_test-{service}-{secret}",
                      NOTIFY_EMAIL_TEMPLATE_ID="e1",
                      NOTIFY_BASE_URL=notify.url)
    try:
        queue_email("carer@example.com", "clock_digest", "notify:email", name="Jo",
                    sections=[], on=TODAY, horizon=TODAY, base="", settings={})
        db.session.commit()
        assert send_due()["sent"] == 1
        (email_path, email, token), = notify.requests
        assert email_path == "/v2/notifications/email" and token.startswith("Bearer ")
        assert email["template_id"] == "e1" and email["email_address"] == "carer@example.com"
        assert email["personalisation"]["subject"].startswith("Deadlines for 10 March 2027")
        assert email["personalisation"]["body"].startswith("Good morning Jo")
        assert email["reference"] == "notify:email"

        # Notify down (500): nobody is charged an attempt. Notify refusing (400): retried.
        queue_email("b@example.com", "clock_digest", "notify:down", name="B", sections=[],
                    on=TODAY, horizon=TODAY, base="", settings={})
        db.session.commit()
        notify.status = 500
        assert send_due()["waiting"] == 1
        app.extensions["outbox_backend"]["retry_at"] = None
        notify.status = 400
        assert send_due()["retry"] == 1
        message = db.session.scalar(select(OutboxMessage).where(
            OutboxMessage.idempotency_key == "notify:down"))
        db.session.refresh(message)
        assert message.attempts == 1 and "refused" in message.last_error
    finally:
        notify.stop()


def test_the_digest_runs_the_same_number_of_queries_for_10_cases_or_1000(agency):
    from tests.factories import bulk_households
    from tests.http.test_query_counts import counting

    people, _ = agency

    def queries(day: datetime) -> int:
        with time_machine.travel(day, tick=False), counting() as statements:
            send_clock_digests(day)
        return len(statements)

    few = queries(MORNING)
    bulk_households(1000, "mainstream", "stage1", workers=[people["ann"], people["bob"]],
                    next_due_on=lambda i: date(2027, 3, 1) + timedelta(days=i % 20),
                    next_due_label="Stage 1 decision", team_id=people["ann"].team_id)
    many = queries(MORNING + timedelta(days=1))
    assert many == few


def test_two_digest_sweeps_at_once_in_two_processes_queue_one_digest_each(agency, tmp_path,
                                                                          database_url):
    """`flask scheduler run-once clock_digest` twice at the same moment, for real."""
    import os
    import subprocess
    import sys

    people, _ = agency
    # Every open case overdue (the processes run on the real today, not a fixed clock).
    db.session.execute(Household.__table__.update().values(next_due_on=date(2020, 1, 1)))
    db.session.commit()
    config = tmp_path / "digest.py"
    config.write_text(f"SECRET_KEY = 'test'\nSQLALCHEMY_DATABASE_URI = {database_url!r}\n"
                      "PUBLIC_BASE_URL = 'http://127.0.0.1:5000'\n")
    env = {**os.environ, "CARERS_CONFIG": str(config)}
    flask = os.path.join(os.path.dirname(sys.executable), "flask")
    procs = [subprocess.Popen([flask, "--app", "carers", "scheduler", "run-once",
                               "clock_digest"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    db.session.commit()
    recipients = sorted(db.session.scalars(select(OutboxMessage.to_address).where(
        OutboxMessage.idempotency_key.like("clock-digest:%"))))
    # Ann and Bob (their cases), Ida (her case is overdue now too), both managers: once each.
    assert recipients == sorted(people[k].email for k in ("ann", "bob", "idle", "manager",
                                                           "sue"))


def test_the_morning_digest_stays_at_7am_local_time_across_the_clock_changes(app):
    from carers.core.dates import LONDON
    from carers.scheduler.runner import trigger_for

    trigger = trigger_for(job("clock_digest"), app.config)

    def next_after(local: datetime) -> datetime:
        return trigger.get_next_fire_time(None, local).astimezone(UTC)

    # The last Sundays of March and October 2027: 28 March and 31 October.
    assert next_after(datetime(2027, 3, 27, 8, 0, tzinfo=LONDON)) == \
        datetime(2027, 3, 28, 6, 0, tzinfo=UTC)  # 7am BST
    assert next_after(datetime(2027, 3, 27, 6, 0, tzinfo=LONDON)) == \
        datetime(2027, 3, 27, 7, 0, tzinfo=UTC)  # 7am GMT
    assert next_after(datetime(2027, 10, 30, 8, 0, tzinfo=LONDON)) == \
        datetime(2027, 10, 31, 7, 0, tzinfo=UTC)  # 7am GMT again
    assert trigger_for(job("send_outbox"), {"SCHEDULER_INTERVALS": {"send_outbox": 2}}) \
        .interval == timedelta(seconds=2)


def test_the_jobs_page_reads_the_same_whatever_the_length_of_the_job_log(app):
    from tests.factories import bulk_insert
    from tests.http.test_query_counts import counting

    admin = make_staff("administrator")
    client = isolated_client(app)
    sign_in(client, admin)
    run_job(job("retention"))
    client.get("/staff/admin/jobs")
    with counting() as few:
        assert client.get("/staff/admin/jobs").status_code == 200
    now = datetime.now(UTC)
    bulk_insert(JobRun, [{"job_name": j.name, "started_at": now, "finished_at": now,
                          "duration_ms": 3, "summary": f"run {n}"}
                         for n in range(300) for j in JOBS])
    with counting() as many:
        html = client.get("/staff/admin/jobs").get_data(as_text=True)
    assert len(many) == len(few)
    assert "run 299" in html


def _queue(subject: str, to: str = "carer@example.com", **values) -> OutboxMessage:
    return make_message(to, idempotency_key=f"queue:{subject}", subject=subject,
                        body_text=f"Body of {subject}", **values)


def test_a_dead_dispatchers_claim_is_sent_again_within_two_minutes(app, mailbox):
    """A dispatcher that claimed a batch and died: its messages go out within two minutes,
    not fifteen, and a live dispatcher's fresh claim is left alone."""
    _queue("Claimed by a dead dispatcher")
    claimed_at = utcnow()
    from carers.notifications.dispatch import claim_batch

    assert len(claim_batch(claimed_at)) == 1  # ...and the process dies here
    assert send_due(now=claimed_at + timedelta(seconds=60))["sent"] == 0  # may be alive
    assert send_due(now=claimed_at + timedelta(seconds=121))["sent"] == 1
    assert [m["Subject"] for m in mailbox.messages] == ["Claimed by a dead dispatcher"]


def test_the_outbox_page_shows_every_message_not_yet_sent_with_its_last_error(app, client):
    admin = make_staff("administrator")
    now = utcnow()
    _queue("Waiting message")
    _queue("Retrying message", attempts=2, last_error="451 Try again later",
           next_attempt_at=now + timedelta(minutes=4))
    _queue("Stuck message", status="sending", claimed_at=now - timedelta(minutes=5),
           claimed_by="dead")
    _queue("Failed message", status="failed", attempts=5, last_error="550 No such user")
    _queue("Sent message", status="sent", sent_at=now)
    sign_in(client, admin)
    html = client.get("/staff/admin/messages").get_data(as_text=True)
    assert "No failed messages" not in html
    for subject in ("Waiting message", "Retrying message", "Stuck message", "Failed message"):
        assert subject in html
    assert "Sent message" not in html
    assert "451 Try again later" in html and "550 No such user" in html
    assert "Sending stopped" in html and "Retrying" in html and "Waiting" in html
    assert html.count("/resend\"") == 1  # only the failed one can be sent again
    failed_only = client.get("/staff/admin/messages?status=failed").get_data(as_text=True)
    assert "Failed message" in failed_only and "Waiting message" not in failed_only
    assert client.get("/staff/admin/messages?status=nonsense").status_code == 200


def test_the_outbox_page_is_paginated(app, client):
    app.config["PAGE_SIZE"] = 3
    for n in range(7):
        _queue(f"Queued {n}")
    sign_in(client, make_staff("administrator"))
    first = client.get("/staff/admin/messages").get_data(as_text=True)
    assert "Queued 6" in first and "Queued 3" not in first
    last = client.get("/staff/admin/messages?page=3").get_data(as_text=True)
    assert "Queued 0" in last and "Queued 1" not in last


def test_an_administrator_corrects_a_refused_address_then_it_is_sent(app, client, mailbox):
    message = _queue("Your invitation", to="carer@exmaple.con", status="failed", attempts=5,
                     last_error="550 No such domain")
    sign_in(client, make_staff("administrator"))
    url = f"/staff/admin/messages/{message.id}/address"
    page = client.get(url).get_data(as_text=True)
    assert 'value="carer@exmaple.con"' in page and "550 No such domain" in page
    refused = client.post(url, data={"csrf_token": csrf_token(page),
                                     "to_address": "carer@@example"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 200
    assert "There is a problem" in html and "correct format" in html
    assert 'value="carer@@example"' in html  # what was typed is kept
    db.session.refresh(message)
    assert (message.status, message.to_address) == ("failed", "carer@exmaple.con")
    done = client.post(url, data={"csrf_token": csrf_token(page),
                                  "to_address": "carer@example.com"}, follow_redirects=True)
    assert "Message to carer@example.com queued to send again" in done.get_data(as_text=True)
    assert send_due()["sent"] == 1
    assert [m["To"] for m in mailbox.messages] == ["carer@example.com"]
    from carers.audit.models import AuditEvent

    entry = db.session.scalar(select(AuditEvent).where(
        AuditEvent.object_type == "outbox_message").order_by(AuditEvent.id.desc()))
    assert entry.detail == {"resend": True, "to_address_changed": True}


def test_correcting_a_message_someone_else_sent_again_shows_the_reason(app, client):
    message = _queue("Your invitation", to="carer@exmaple.con", status="failed", attempts=5)
    sign_in(client, make_staff("administrator"))
    url = f"/staff/admin/messages/{message.id}/address"
    page = client.get(url).get_data(as_text=True)
    message.status = OutboxMessage.PENDING  # queued again from another browser meanwhile
    db.session.commit()
    refused = client.post(url, data={"csrf_token": csrf_token(page),
                                     "to_address": "carer@example.com"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 200  # the same page again, not a redirect
    assert "There is a problem" in html and "no longer failed: nothing to resend" in html
    db.session.refresh(message)
    assert message.to_address == "carer@exmaple.con"


def test_the_digest_lists_tasks_overdue_or_due_today_and_todays_visits(agency, mailbox):
    from datetime import time

    from carers.visits.operations import cancel_visit
    from tests.factories import make_visit

    people, cases = agency
    ann, idle = people["ann"], people["idle"]
    for title, due, done in (("Chase the GP reference", date(2027, 3, 8), None),
                             ("Ring the family", TODAY, None),
                             ("Already done", date(2027, 3, 1), MORNING),
                             ("Next week's job", date(2027, 3, 17), None)):
        make_task(cases["overdue"], ann, title=title, due_on=due, done_at=done,
                  created_by_id=None)
    with time_machine.travel(MORNING - timedelta(days=3), tick=False):
        make_visit(cases["later"], idle, TODAY, time(14, 30), minutes=60, place="office")
        make_visit(cases["later"], idle, TODAY + timedelta(days=1), time(9, 0), place="office")
        gone = make_visit(cases["later"], idle, TODAY, time(9, 0), place="office")
        cancel_visit(gone, idle, "Family unwell")
        send_due()
    mailbox.messages.clear()
    with time_machine.travel(MORNING, tick=False):
        assert send_clock_digests(MORNING)["queued"] == 5  # Ida only for her visit
        send_due()
    by_to = {m["To"]: m for m in mailbox.messages}

    ann_text = body(by_to[ann.email])
    assert "Your tasks overdue or due today" in ann_text
    assert "Chase the GP reference, was due 8 March 2027 (overdue)" in ann_text
    assert "Ring the family, due today" in ann_text
    assert "Already done" not in ann_text and "Next week's job" not in ann_text
    assert "2 tasks (1 overdue)" in by_to[ann.email]["Subject"]

    ida = by_to[idle.email]
    ida_text = body(ida)
    assert "Your visits today" in ida_text
    assert "2:30pm to 3:30pm: Assessment session" in ida_text
    assert "Later Household" in ida_text
    assert ida_text.count("Assessment session") == 1  # not tomorrow's, not the cancelled one
    assert "1 visit today" in ida["Subject"]
    assert "Your visits today" in ida.get_body(("html",)).get_content()


def test_the_jobs_page_names_the_leading_scheduler_and_which_scheduler_ran_each_job(app):
    from carers.scheduler.leader import Leadership

    admin = make_staff("administrator")
    client = isolated_client(app)
    sign_in(client, admin)
    assert "No scheduler has run yet" in client.get("/staff/admin/jobs").get_data(as_text=True)
    leadership = Leadership(app, holder="web-2:4242:ab12cd")
    assert leadership.acquire() is None
    try:
        run_job(job("retention"), scheduler=leadership.holder)
        html = client.get("/staff/admin/jobs").get_data(as_text=True)
    finally:
        leadership.release()
    assert "The scheduler running the jobs: <code>web-2:4242:ab12cd</code>" in html
    assert "by <code>web-2:4242:ab12cd</code>" in html
