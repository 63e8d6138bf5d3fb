"""python -m bench.load: a load test of the service under gunicorn, with locust.

Seeds a PostgreSQL database (10,000 households by default: its public schema is dropped
first), starts gunicorn on a free loopback port (as ``python -m bench`` does), and runs
locust headless from bench/load/locustfile.py: 50 users (public enquiries, applicants,
caseworkers on the board and case pages, a stored report PDF), 10 started a second, for 60
seconds. Prints each page's 95th percentile and the error count; exits 1 if there was any
error. ``make load`` installs locust and runs it against a fresh ``carers_bench`` database.

    python -m bench.load --database-url postgresql+psycopg://postgres@127.0.0.1:5432/carers_bench
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import make_url

from bench import outside

HERE = Path(__file__).resolve().parent
APPLICANT_SESSIONS = 300


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.load",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL") or None,
                        help="PostgreSQL database to seed (its public schema is dropped); "
                        "default DATABASE_URL")
    parser.add_argument("--households", type=int, default=10_000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--run-time", default="60s")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    if not args.database_url or not args.database_url.startswith("postgresql"):
        parser.error("give a PostgreSQL --database-url (or set DATABASE_URL)")
    return args


def applicant_cookies(app, count: int, seed_value: int) -> list[dict]:
    """Session cookies for ``count`` applicants, each started as their emailed code would
    (``carers.applicants.sessions.start``) and signed with the server's secret key."""
    from flask import session

    from bench import applicants as applicant_bench
    from carers.applicants import sessions
    from carers.applicants.models import Applicant
    from carers.extensions import db

    with app.app_context():
        people = applicant_bench.seeded_applicants()
    chosen = applicant_bench.spread(people, min(count, len(people)), random.Random(seed_value))
    serializer = app.session_interface.get_signing_serializer(app)
    cookies = []
    for person in chosen:
        with app.test_request_context():
            sessions.start(db.session.get(Applicant, person.applicant_id))
            db.session.commit()
            cookies.append({"name": app.config["SESSION_COOKIE_NAME"],
                            "value": serializer.dumps(dict(session))})
    return cookies


def prepare(args, workdir: str) -> dict:
    """Seed the database; return the plan the locustfile reads."""
    from flask_migrate import upgrade

    from bench import reports as report_bench
    from bench.__main__ import reset_postgres, seed_all
    from bench.seed import seeded
    from carers import create_app
    from carers.core.dates import today
    from carers.extensions import db
    from carers.reports.document import report_pdf
    from carers.settings.registry import load_settings

    print(f"Dropping and recreating schema public in "
          f"{make_url(args.database_url).render_as_string()}")
    reset_postgres(args.database_url)
    app = create_app({"SECRET_KEY": outside.SECRET_KEY,
                      "SQLALCHEMY_DATABASE_URI": args.database_url,
                      "PUBLIC_BASE_URL": "http://127.0.0.1:5000"})
    started = time.perf_counter()
    with app.app_context():
        upgrade()
        seed_all(argparse.Namespace(households=args.households, seed=args.seed, chunk=5000,
                                    jobs=len(os.sched_getaffinity(0))),
                 today(), load_settings())
        info = seeded()
        worker, household, _pages = report_bench.report_case()
        report_pdf(household)  # rendered once and stored, as after a first download
        db.session.commit()
        report_url = f"/staff/cases/{household.reference}/report.pdf"
        report_email = worker.email
    print(f"Seed time: {time.perf_counter() - started:.1f} s")
    plan = {"worker_email": info["bench_email"], "password": info["password"],
            "references": info["references"],
            "report_email": report_email, "report_password": report_bench.PASSWORD,
            "report_url": report_url,
            "applicant_cookies": applicant_cookies(app, APPLICANT_SESSIONS, args.seed)}
    with app.app_context():
        db.engine.dispose()
    return plan


def summary(prefix: str) -> tuple[list[str], int]:
    """Lines of the per-page 95th percentiles, and the number of failed requests."""
    with open(f"{prefix}_stats.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    head = ("page", "requests", "failures", "median ms", "p95 ms", "p99 ms", "per s")
    lines = [head]
    errors = 0
    for row in rows:
        name = row["Name"] if row["Name"] != "Aggregated" else "all requests"
        if row["Name"] == "Aggregated":
            errors = int(row["Failure Count"])
        lines.append((f"{row['Type']} {name}".strip(), row["Request Count"],
                      row["Failure Count"], row["Median Response Time"], row["95%"],
                      row["99%"], f"{float(row['Requests/s']):.1f}"))
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    out = []
    for index, line in enumerate(lines):
        out.append("  ".join(cell.ljust(w) if i == 0 else cell.rjust(w)
                             for i, (cell, w) in enumerate(zip(line, widths, strict=True))))
        if index == 0:
            out.append("  ".join("-" * w for w in widths))
    return out, errors


def main(argv=None) -> int:
    args = parse_args(argv)
    workdir = tempfile.mkdtemp(prefix="carers-load-")
    try:
        plan = prepare(args, workdir)
        plan_path = Path(workdir) / "plan.json"
        plan_path.write_text(json.dumps(plan))
        prefix = str(Path(workdir) / "locust")
        with outside.service(args.database_url, workdir) as server:
            print(f"gunicorn ({' '.join(outside.GUNICORN_ARGS)}) on {server.base_url}; "
                  f"locust: {args.users} users, {args.spawn_rate:g} a second, {args.run_time}")
            locust = shutil.which("locust", path=os.path.dirname(sys.executable)) or "locust"
            result = subprocess.run(  # noqa: S603 (our own command line)
                [locust, "-f", str(HERE / "locustfile.py"), "--headless",
                 "--users", str(args.users), "--spawn-rate", str(args.spawn_rate),
                 "--run-time", args.run_time, "--stop-timeout", "10",
                 "--host", server.base_url, "--csv", prefix, "--only-summary",
                 "--loglevel", "WARNING"],
                env={**os.environ, "BENCH_LOAD_PLAN": str(plan_path)}, check=False,
                capture_output=True, text=True)
            if result.returncode not in (0, 1) or not Path(f"{prefix}_stats.csv").exists():
                print(result.stdout[-3000:], result.stderr[-3000:])
                print(server.output())
                return 2
        lines, errors = summary(prefix)
        print()
        print("\n".join(lines))
        failures = Path(f"{prefix}_failures.csv")
        if errors and failures.exists():
            print("\nerrors:")
            print(failures.read_text()[:3000])
        print(f"\nmachine: nproc {len(os.sched_getaffinity(0))}, load average "
              f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}; {errors} errors")
        return 1 if errors else 0
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
