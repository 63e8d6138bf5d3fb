"""The visit reminder sweep, called directly with a fixed clock: each reminder is queued
once, at the right time, for the household and the workers; none for a cancelled visit; a
rearranged visit is reminded at its new time only; London times are right on both sides of
the clock changes (the last Sundays of March and October)."""

from datetime import UTC, date, datetime, time, timedelta

import time_machine
from sqlalchemy import func, select

from carers.extensions import db
from carers.notifications.models import OutboxMessage
from carers.settings.operations import save_settings
from carers.settings.registry import load_settings
from carers.visits.models import Visit
from carers.visits.operations import cancel_visit, rearrange_visit, send_visit_reminders
from tests.factories import make_visit, visit_details
from tests.http.visit_data import at_london, visit_case

BOOKED_AT = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def reminders() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.idempotency_key.like("visit-reminder:%")).order_by(OutboxMessage.id)))


def utc(visit: Visit) -> datetime:
    return visit.starts_at_utc


def test_a_reminder_is_queued_once_24_hours_before_to_the_household_and_the_worker(app):
    _, worker, household = visit_case()
    with time_machine.travel(BOOKED_AT, tick=False):
        visit = make_visit(household, worker, date(2027, 3, 10), time(10, 0))
    due = datetime(2027, 3, 9, 10, 0, tzinfo=UTC)  # GMT: London 10:00 is 10:00 UTC

    assert send_visit_reminders(due - timedelta(minutes=1))["reminded"] == 0
    assert reminders() == []

    summary = send_visit_reminders(due)
    assert summary == {"due": 1, "reminded": 1, "messages": 2, "skipped": 0}
    sent = reminders()
    assert sorted(m.to_address for m in sent) == sorted(
        ["shah.family@example.com", worker.email])
    assert all("Wednesday 10 March 2027, 10:00am" in m.subject for m in sent)
    assert all(m.attachments and "METHOD:REQUEST" in m.attachments[0]["content"]
               for m in sent)

    # Later sweeps, and a sweep that thinks it is earlier, send nothing more.
    for later in (due, due + timedelta(minutes=5), due + timedelta(hours=20)):
        assert send_visit_reminders(later)["reminded"] == 0
    assert len(reminders()) == 2
    db.session.refresh(visit)
    assert utc(visit) == datetime(2027, 3, 10, 10, 0, tzinfo=UTC)


def test_the_claim_lets_only_one_sweep_send(app):
    """The second of two sweeps that saw the same due visit finds it already claimed."""
    _, worker, household = visit_case()
    with time_machine.travel(BOOKED_AT, tick=False):
        visit = make_visit(household, worker, date(2027, 3, 10), time(10, 0))
    now = datetime(2027, 3, 9, 12, 0, tzinfo=UTC)
    from sqlalchemy import update

    # A sweep that claimed the row first (another process): ours must skip it.
    db.session.execute(update(Visit).where(Visit.id == visit.id).values(reminder_sent_at=now))
    db.session.commit()
    assert send_visit_reminders(now)["reminded"] == 0
    assert reminders() == []


def test_no_reminder_for_a_cancelled_visit(app):
    _, worker, household = visit_case()
    with time_machine.travel(BOOKED_AT, tick=False):
        visit = make_visit(household, worker, date(2027, 3, 10), time(10, 0))
        cancel_visit(visit, worker, "The family are unwell")
    for now in (datetime(2027, 3, 9, 10, 0, tzinfo=UTC), datetime(2027, 3, 10, 9, 0, tzinfo=UTC)):
        assert send_visit_reminders(now)["reminded"] == 0
    assert reminders() == []


def test_a_rearranged_visit_is_reminded_at_its_new_time_only(app):
    _, worker, household = visit_case()
    with time_machine.travel(BOOKED_AT, tick=False):
        visit = make_visit(household, worker, date(2027, 3, 10), time(10, 0))
        rearrange_visit(visit, worker, visit_details(date(2027, 3, 12), time(14, 30), [worker]))
    old_due = datetime(2027, 3, 9, 10, 0, tzinfo=UTC)
    new_due = datetime(2027, 3, 11, 14, 30, tzinfo=UTC)
    assert send_visit_reminders(old_due)["reminded"] == 0
    assert send_visit_reminders(old_due + timedelta(days=1))["reminded"] == 0
    assert send_visit_reminders(new_due - timedelta(seconds=1))["reminded"] == 0
    assert send_visit_reminders(new_due)["reminded"] == 1
    assert send_visit_reminders(new_due + timedelta(hours=1))["reminded"] == 0
    sent = reminders()
    assert len(sent) == 2
    assert all("Friday 12 March 2027, 2:30pm" in m.subject for m in sent)
    assert all("SEQUENCE:1" in m.attachments[0]["content"] for m in sent)


def test_a_visit_rearranged_after_its_reminder_is_reminded_again_for_the_new_time(app):
    _, worker, household = visit_case()
    with time_machine.travel(BOOKED_AT, tick=False):
        visit = make_visit(household, worker, date(2027, 3, 10), time(10, 0))
    assert send_visit_reminders(datetime(2027, 3, 9, 10, 0, tzinfo=UTC))["reminded"] == 1
    with time_machine.travel(datetime(2027, 3, 9, 11, 0, tzinfo=UTC), tick=False):
        rearrange_visit(db.session.get(Visit, visit.id), worker,
                        visit_details(date(2027, 3, 17), time(10, 0), [worker]))
    assert send_visit_reminders(datetime(2027, 3, 10, 9, 0, tzinfo=UTC))["reminded"] == 0
    assert send_visit_reminders(datetime(2027, 3, 16, 10, 0, tzinfo=UTC))["reminded"] == 1
    subjects = [m.subject for m in reminders()]
    assert len(subjects) == 4
    assert sum("Wednesday 17 March 2027" in s for s in subjects) == 2


def test_no_reminder_once_the_visit_has_started(app):
    _, worker, household = visit_case()
    with time_machine.travel(BOOKED_AT, tick=False):
        make_visit(household, worker, date(2027, 3, 10), time(10, 0))
    assert send_visit_reminders(datetime(2027, 3, 10, 10, 0, tzinfo=UTC))["reminded"] == 0


def test_the_reminder_period_is_an_agency_setting(app):
    _, worker, household = visit_case()
    save_settings({**load_settings(), "visit_reminder_hours": 48}, worker)
    db.session.commit()
    with time_machine.travel(BOOKED_AT, tick=False):
        make_visit(household, worker, date(2027, 3, 10), time(10, 0))
    assert send_visit_reminders(datetime(2027, 3, 8, 9, 59, tzinfo=UTC))["reminded"] == 0
    assert send_visit_reminders(datetime(2027, 3, 8, 10, 0, tzinfo=UTC))["reminded"] == 1


def test_london_times_are_right_across_the_march_clock_change(app):
    """Clocks go forward on Sunday 28 March 2027: 10:00 on the Monday after is 09:00 UTC,
    and its reminder, 24 hours before, is 10:00 on the Sunday (British Summer Time)."""
    _, worker, household = visit_case()
    with time_machine.travel(BOOKED_AT, tick=False):
        visit = make_visit(household, worker, date(2027, 3, 29), time(10, 0))
        before = make_visit(household, worker, date(2027, 3, 26), time(10, 0), minutes=60)
    assert utc(visit) == datetime(2027, 3, 29, 9, 0, tzinfo=UTC)
    assert utc(before) == datetime(2027, 3, 26, 10, 0, tzinfo=UTC)
    assert send_visit_reminders(datetime(2027, 3, 25, 9, 59, tzinfo=UTC))["reminded"] == 0
    assert send_visit_reminders(datetime(2027, 3, 25, 10, 0, tzinfo=UTC))["reminded"] == 1
    assert send_visit_reminders(datetime(2027, 3, 28, 8, 59, tzinfo=UTC))["reminded"] == 0
    assert send_visit_reminders(datetime(2027, 3, 28, 9, 0, tzinfo=UTC))["reminded"] == 1
    subjects = {m.subject for m in reminders()}
    assert any("Friday 26 March 2027, 10:00am" in s for s in subjects)
    assert any("Monday 29 March 2027, 10:00am" in s for s in subjects)
    assert visit.starts_at_utc.astimezone(at_london(date(2027, 3, 29), time(10)).tzinfo) \
        == at_london(date(2027, 3, 29), time(10, 0))


def test_london_times_are_right_across_the_october_clock_change(app):
    """Clocks go back on Sunday 31 October 2027: 10:00 on the Monday after is 10:00 UTC."""
    _, worker, household = visit_case()
    with time_machine.travel(datetime(2027, 10, 1, 9, 0, tzinfo=UTC), tick=False):
        visit = make_visit(household, worker, date(2027, 11, 1), time(10, 0))
        before = make_visit(household, worker, date(2027, 10, 29), time(10, 0), minutes=60)
    assert utc(visit) == datetime(2027, 11, 1, 10, 0, tzinfo=UTC)
    assert utc(before) == datetime(2027, 10, 29, 9, 0, tzinfo=UTC)
    assert send_visit_reminders(datetime(2027, 10, 28, 9, 0, tzinfo=UTC))["reminded"] == 1
    assert send_visit_reminders(datetime(2027, 10, 31, 9, 59, tzinfo=UTC))["reminded"] == 0
    assert send_visit_reminders(datetime(2027, 10, 31, 10, 0, tzinfo=UTC))["reminded"] == 1
    subjects = [m.subject for m in reminders()]
    assert sum("Monday 1 November 2027, 10:00am" in s for s in subjects) == 2
    assert sum("Friday 29 October 2027, 10:00am" in s for s in subjects) == 2
    total = db.session.scalar(select(func.count(OutboxMessage.id)))
    assert total == 8  # two invitations and two reminders per visit


def test_two_sweeps_at_once_remind_each_visit_once(app, app_config):
    """Two sweeps, each with its own app and database connection, started together over the
    same 20 due visits: between them they remind every visit, none twice."""
    import threading

    from carers import create_app

    _, worker, household = visit_case()
    with time_machine.travel(BOOKED_AT, tick=False):
        for slot in range(20):  # 9:00 to 18:30 on one day, every half hour
            make_visit(household, worker, date(2027, 3, 10), time(9 + slot // 2, 30 * (slot % 2)),
                       minutes=30)
    now = datetime(2027, 3, 9, 20, 0, tzinfo=UTC)
    db.session.commit()

    barrier = threading.Barrier(2)
    results, failures = [], []
    # Each sweep has its own app, made here: Python 3.11's parser is not safe to run from two
    # threads at once, and building an app compiles its URL rules with it.
    apps = [create_app(app_config), create_app(app_config)]

    def sweep(other):
        try:
            with other.app_context():
                barrier.wait()
                results.append(send_visit_reminders(now))
                db.session.remove()
                db.engine.dispose()
        except Exception as error:  # noqa: BLE001 (reported below)
            failures.append(repr(error))

    threads = [threading.Thread(target=sweep, args=(other,)) for other in apps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures
    assert len(results) == 2
    assert sum(r["reminded"] for r in results) == 20
    sent = reminders()
    assert len(sent) == 40
    assert len({m.idempotency_key for m in sent}) == 40
    assert db.session.scalar(select(func.count(Visit.id)).where(
        Visit.reminder_sent_at.is_(None))) == 0
