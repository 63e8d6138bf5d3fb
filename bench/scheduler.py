"""The scheduler at scale: the morning clock sweep over every household, and the outbox
dispatcher's rate to a local SMTP server. ``python -m bench`` runs both after the pages.

    python -m bench.scheduler --reuse PATH   # on a SQLite database kept by python -m bench --keep
"""

from __future__ import annotations

import argparse
import socket
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, insert, select, update

from carers.cases.models import Household
from carers.extensions import db
from carers.notifications.models import OutboxMessage

TARGET_SWEEP_S = 2.0
TARGET_RATE = 100.0
MESSAGES = 2000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def clock_sweep(runs: int = 3) -> dict:
    """Time ``send_clock_digests`` on ``runs`` successive mornings (each queues that day's
    digests for every worker and manager concerned)."""
    from carers.scheduler.digest import send_clock_digests

    households = db.session.scalar(select(func.count(Household.id)))
    morning = datetime.now(UTC).replace(hour=7, minute=0, second=0, microsecond=0)
    times, result = [], {}
    for day in range(runs):
        started = time.perf_counter()
        result = send_clock_digests(morning + timedelta(days=day))
        times.append(time.perf_counter() - started)
    # Leave the outbox as it was: the digests are not for sending here.
    db.session.execute(OutboxMessage.__table__.delete().where(
        OutboxMessage.idempotency_key.like("clock-digest:%")))
    db.session.commit()
    return {"households": households, "times": times, "median_s": statistics.median(times),
            "max_s": max(times), "people": result.get("people", 0), "runs": runs}


def _smtp_server(port: int, received, ready, stop) -> None:
    """A local SMTP server in its own process (as a real one would be), counting messages."""
    from aiosmtpd.controller import Controller

    class Counter:
        async def handle_DATA(self, server, session, envelope):
            with received.get_lock():
                received.value += 1
            return "250 Message accepted for delivery"

    controller = Controller(Counter(), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    stop.wait()
    controller.stop()


def dispatcher_rate(app, count: int = MESSAGES) -> dict:
    """Queue ``count`` emails and time ``send_due`` sending them all to a local aiosmtpd
    server running in another process."""
    import multiprocessing

    from carers.notifications.dispatch import send_due

    port = free_port()
    received, ready, stop = (multiprocessing.Value("i", 0), multiprocessing.Event(),
                             multiprocessing.Event())
    server = multiprocessing.Process(target=_smtp_server, args=(port, received, ready, stop),
                                     daemon=True)
    server.start()
    ready.wait(timeout=30)
    saved = app.config["MAIL_PORT"], app.config["MAIL_SERVER"]
    app.config["MAIL_SERVER"], app.config["MAIL_PORT"] = "127.0.0.1", port
    try:
        stamp = time.time_ns()
        body = "A message of ordinary length.\n" * 20
        db.session.execute(insert(OutboxMessage), [
            {"idempotency_key": f"bench:{stamp}:{n}", "to_address": f"p{n}@example.com",
             "subject": f"Bench message {n}", "body_text": body,
             "body_html": f"<p>{body}</p>", "status": "pending", "attempts": 0,
             "channel": "email", "next_attempt_at": datetime.now(UTC) - timedelta(seconds=1),
             "created_at": datetime.now(UTC)} for n in range(count)])
        db.session.commit()
        started = time.perf_counter()
        counts = send_due(limit=count)
        seconds = time.perf_counter() - started
    finally:
        stop.set()
        server.join(timeout=30)
        app.config["MAIL_PORT"], app.config["MAIL_SERVER"] = saved
        db.session.execute(update(OutboxMessage).where(
            OutboxMessage.idempotency_key.like("bench:%")).values(status="sent"))
        db.session.commit()
    return {"messages": counts["sent"], "received": received.value, "seconds": seconds,
            "rate": counts["sent"] / seconds if seconds else 0.0}


def report(app) -> list[str]:
    """Both figures as lines for ``python -m bench``; MISSED where a target is missed."""
    import os

    load = os.getloadavg()[0]
    from carers.scheduler.runner import scheduler_database

    sweep = clock_sweep()
    full = dispatcher_rate(app)
    scheduler_database(app)  # as in the scheduler process (SQLite synchronous=NORMAL)
    rate = dispatcher_rate(app)
    return [
        f"scheduler (1-minute load average {load:.1f} on {os.cpu_count()} cores; SMTP server "
        "in its own process):",
        f"clock sweep (morning digest) over {sweep['households']:,} households: median "
        f"{sweep['median_s']:.2f} s, max {sweep['max_s']:.2f} s of {sweep['runs']} runs, "
        f"{sweep['people']} people emailed; target < {TARGET_SWEEP_S:.0f} s: "
        + ("ok" if sweep["median_s"] < TARGET_SWEEP_S else "MISSED"),
        f"outbox dispatcher, web process's SQLite settings (synchronous=FULL): "
        f"{full['rate']:.0f} messages/s",
        f"outbox dispatcher as in the scheduler process: {rate['messages']:,} messages in "
        f"{rate['seconds']:.2f} s = {rate['rate']:.0f} messages/s "
        f"({rate['received']:,} received); target > {TARGET_RATE:.0f}/s: "
        + ("ok" if rate["rate"] > TARGET_RATE else "MISSED"),
    ]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scheduler")
    parser.add_argument("--reuse", required=True, metavar="PATH",
                        help="a SQLite database kept by python -m bench --keep")
    args = parser.parse_args(argv)
    from carers import create_app

    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{args.reuse}",
                      "PUBLIC_BASE_URL": "http://127.0.0.1:5000"})
    with app.app_context():
        for line in report(app):
            print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
