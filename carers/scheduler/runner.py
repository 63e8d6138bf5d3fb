"""Running a job and recording the run; the scheduler process built from the job list."""

from __future__ import annotations

import signal
import threading
import time
import traceback
from datetime import datetime, timedelta

import click
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import current_app
from sqlalchemy import event, select

from carers.core.dates import LONDON, london, utcnow
from carers.extensions import db
from carers.scheduler.jobs import JOBS, Job
from carers.scheduler.leader import Leadership
from carers.scheduler.models import JobRun

JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600}


def describe(result) -> str:
    """A job's return value as one line for the job log."""
    if result is None:
        return "Done"
    if isinstance(result, dict):
        return ", ".join(f"{key}: {value}" for key, value in result.items()) or "Nothing to do"
    if isinstance(result, int) and not isinstance(result, bool):
        return f"{result} done"
    return str(result)


def run_job(job: Job, now: datetime | None = None, scheduler: str | None = None) -> JobRun:
    """Run one job now and record the run (also when it fails: the error is kept), with the
    name of the scheduler process that ran it."""
    started = utcnow()
    clock = time.perf_counter()
    summary, error = None, None
    try:
        summary = describe(job.func(now or started))
    except Exception:  # noqa: BLE001 - any failure is recorded, and the next run goes ahead
        db.session.rollback()
        error = traceback.format_exc()[-4000:]
        current_app.logger.exception("Job %s failed", job.name)
    run = JobRun(job_name=job.name, started_at=started, finished_at=utcnow(),
                 duration_ms=round((time.perf_counter() - clock) * 1000),
                 summary=(summary or "Failed")[:500], error=error,
                 scheduler=scheduler)
    db.session.add(run)
    db.session.commit()
    return run


def last_runs(jobs=JOBS) -> dict[str, JobRun]:
    """Each job's latest run: one indexed lookup per job, whatever the length of the log."""
    runs = {}
    for job in jobs:
        run = db.session.scalar(select(JobRun).where(JobRun.job_name == job.name)
                                .order_by(JobRun.id.desc()).limit(1))
        if run is not None:
            runs[job.name] = run
    return runs


def _todays_time(job: Job, now: datetime) -> datetime:
    hour, minute = (int(part) for part in job.daily.split(":"))
    local = london(now)
    return local.replace(hour=hour, minute=minute, second=0, microsecond=0)


def missed_today(job: Job, now: datetime, grace: timedelta) -> bool:
    """A daily job whose time today passed (within the grace period) while no scheduler ran
    it: run it as soon as the scheduler starts rather than wait for tomorrow."""
    due = _todays_time(job, now)
    if not (due <= london(now) <= due + grace):
        return False
    last = last_runs([job]).get(job.name)
    return last is None or london(last.started_at) < due


def scheduler_database(app) -> None:
    """SQLite only: the scheduler process commits after every message it sends, so it runs
    with ``synchronous=NORMAL`` (safe in WAL mode: a crash of the process loses nothing and
    the file is never corrupted; a power cut may lose the last commits, whose sends would
    then be repeated, as they could be anyway between the mail server's reply and our
    commit). It about doubles the dispatcher's rate on a busy disk. PostgreSQL is unchanged."""
    engine = db.engine
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _normal(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    engine.dispose()


def trigger_for(job: Job, config):
    """APScheduler's trigger for a job: an interval, or a time of day in Europe/London (so
    07:00 stays 7am local across the clock changes)."""
    if job.every is not None:
        return IntervalTrigger(seconds=job.seconds(config), timezone=LONDON)
    hour, minute = job.daily.split(":")
    return CronTrigger(hour=int(hour), minute=int(minute), timezone=LONDON)


def build_scheduler(app, leadership: Leadership):
    """The jobs on a background scheduler; each run first checks that this process still
    leads, so a leader that has lost its lease starts nothing more."""
    scheduler = BackgroundScheduler(timezone="Europe/London", job_defaults=JOB_DEFAULTS)
    grace = timedelta(seconds=JOB_DEFAULTS["misfire_grace_time"])
    now = utcnow()
    only = app.config.get("SCHEDULER_ONLY")
    for job in JOBS:
        if only is not None and job.name not in only:
            continue

        def run(job=job):
            if not leadership.holds():
                return
            with app.app_context():
                run_job(job, scheduler=leadership.holder)

        trigger = trigger_for(job, app.config)
        if job.every is not None:
            first = datetime.now(LONDON)
        else:
            with app.app_context():
                first = datetime.now(LONDON) if missed_today(job, now, grace) else None
        options = {"next_run_time": first} if first else {}
        scheduler.add_job(run, trigger, id=job.name, name=job.title, **options)
    return scheduler


def say(app, line: str) -> None:
    click.echo(line)
    app.logger.info(line)


def run_forever(app) -> None:
    """Lead or wait, until stopped: while another scheduler leads, try again every
    SCHEDULER_STANDBY_SECONDS; while leading, run the jobs and renew the lead (and the
    heartbeat) every SCHEDULER_HEARTBEAT_SECONDS, at most a third of the lease; on losing
    it, stop starting jobs, let any running one finish, and wait again."""
    with app.app_context():
        scheduler_database(app)
        leadership = Leadership(app)
    stopping = threading.Event()

    def stop(signum, frame):
        stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    retry = float(app.config["SCHEDULER_STANDBY_SECONDS"])
    period = min(float(app.config["SCHEDULER_HEARTBEAT_SECONDS"]), leadership.lease_seconds / 3)
    said = None
    while not stopping.is_set():
        with app.app_context():
            leader = leadership.acquire()
        if leader is not None:
            if leader != said:
                say(app, f"waiting: another scheduler leads (holder {leader})")
                said = leader
            stopping.wait(retry)
            continue
        said = None
        say(app, f"leading (holder {leadership.holder})")
        scheduler = build_scheduler(app, leadership)
        scheduler.start()
        lost = False
        while not stopping.wait(period):
            with app.app_context():
                if not leadership.renew():
                    lost = True
                    break
        scheduler.shutdown(wait=True)
        if lost:
            say(app, "lost the lead: no more jobs run here until this scheduler leads again")
    with app.app_context():
        leadership.release()
