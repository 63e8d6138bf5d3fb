"""python -m bench: seed a throwaway database with a large agency, then time it from outside.

Seeds 100,000 households (SQLite in a temporary directory, or PostgreSQL with
--database-url or DATABASE_URL) with their histories, checks and applicants, and prints how
long that took. Then it serves the database with gunicorn (2 workers, 4 threads each) and,
beside it, a bare Flask app with one route (bench/hello.py, the machine's ceiling), and
times from outside, over HTTP keep-alive with one client: the public enquiry's POSTs, the
staff pages, the assessment report PDF (not stored, beside WeasyPrint alone on the same
HTML, and stored), then the scheduler's clock sweep and outbox dispatcher in-process. One
table: median, p95, the median as a multiple of hello's, SQL statements per request (counted
in-process, one test-client request per page) and MISSED where a target is missed. The run
exits 0 even then.

    python -m bench                       # 100,000 households on SQLite
    python -m bench --households 10000    # a quick run
    python -m bench --seed-only           # just the seeding, timed
    python -m bench --database-url postgresql+psycopg://postgres@127.0.0.1:5432/carers_bench
    python -m bench --in-process          # also the in-process tables: every staff page
                                          # variant, the figures, the applicants' pages, the
                                          # 60-page report and the panel pack
    python -m bench --only-reports        # just the assessment report PDF timings
    python -m bench --only-long-report    # just the 60-page report against plain WeasyPrint

With --database-url, everything in that database's ``public`` schema is dropped first.
``make bench`` runs it on SQLite, ``make bench-pg`` on a fresh local PostgreSQL database and
``make load`` runs the locust load test (bench/load/).
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import sqlite3
import sys
import tempfile
import time

from sqlalchemy import create_engine, make_url, text

from bench import applicants as applicant_bench
from bench import long_report as long_report_bench
from bench import reports as report_bench
from bench.checks import check_pages, seed_checks
from bench.figures import TARGET_P95_MS as FIGURES_TARGET_MS
from bench.figures import figure_pages, work_out_views
from bench.measure import TARGET_P95_MS, QueryCounter, sign_in, table, time_page
from bench.outside import GUNICORN_ARGS
from bench.panel import pack_benchmark
from bench.rows import FOOTNOTE, measure
from bench.rows import table as outside_table
from bench.scheduler import report as scheduler_report
from bench.seed import bulk_loading, seed, seeded

WARMUP = 3


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--households", type=int, default=100_000,
                        help="households to seed (default 100000); enquiries are 30%% of this")
    parser.add_argument("--requests", type=int, default=50, help="timed requests per page")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL") or None,
                        help="PostgreSQL URL to use instead of SQLite (its public schema is "
                        "dropped and recreated); default: DATABASE_URL if set")
    parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    parser.add_argument("--chunk", type=int, default=5000, help="households per transaction")
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)),
                        help="processes generating rows (default: one per CPU)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the SQLite database and print where it is")
    parser.add_argument("--reuse", metavar="PATH",
                        help="time the pages on a SQLite database kept by an earlier --keep "
                        "run, without seeding")
    parser.add_argument("--seed-only", action="store_true",
                        help="seed, print how long it took, and stop")
    parser.add_argument("--in-process", action="store_true",
                        help="also time every staff page variant, the figures and the "
                        "applicants' pages in-process, the 60-page report and the panel pack")
    parser.add_argument("--only-reports", action="store_true",
                        help="time only the assessment report PDFs, on an empty database")
    parser.add_argument("--only-long-report", action="store_true",
                        help="time only the 60-page report PDF, on an empty database")
    parser.add_argument("--only-figures", action="store_true",
                        help="time only the managers' figures (with --reuse: no seeding)")
    args = parser.parse_args(argv)
    if args.households < 10:
        parser.error("--households must be at least 10")
    if args.database_url and not args.database_url.startswith("postgresql"):
        parser.error("--database-url (or DATABASE_URL) must be a PostgreSQL URL; without it "
                     "the bench makes its own SQLite database")
    if args.reuse and args.database_url:
        parser.error("--reuse is for a kept SQLite file; it cannot be used with --database-url")
    if args.reuse and not os.path.exists(args.reuse):
        parser.error(f"no such file: {args.reuse}")
    return args


def pdf_runs(requests: int) -> dict:
    """How many times each PDF is made: as many as the defaults at the full --requests, fewer
    for a quick run (CI's small agency), down to one each (after the untimed warm-up) for a
    smoke run such as ``--requests 5``: a 30-page report takes seconds on a slow machine,
    and a quick run's figures only show the bench still runs."""
    return {"report": max(1, min(7, requests // 5)),
            "long": max(1, min(5, requests // 10)),
            "pack": max(1, min(3, requests // 15))}


def reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def database_description(engine) -> str:
    if engine.dialect.name == "sqlite":
        path = engine.url.database
        size = os.path.getsize(path) / 1e6 if path and os.path.exists(path) else 0
        return f"SQLite {sqlite3.sqlite_version} (file {size:,.0f} MB)"
    with engine.connect() as conn:
        version = conn.execute(text("SHOW server_version")).scalar()
    return f"PostgreSQL {version} ({make_url(str(engine.url)).render_as_string()})"


def pages(info: dict, count: int, seed_value: int) -> list[tuple[str, list[str]]]:
    """Each page's URLs: WARMUP untimed, then ``count`` timed."""
    total = WARMUP + count
    rng = random.Random(seed_value)
    refs, long_refs = info["references"], info["long_timelines"]
    # A fifth of the timed cases have long timelines (a paginated history).
    n_long = min(len(long_refs), count // 5)
    wanted = total - n_long
    randoms = rng.sample(refs, wanted) if len(refs) >= wanted else rng.choices(refs, k=wanted)
    warm, timed = randoms[:WARMUP], randoms[WARMUP:] + rng.sample(long_refs, n_long)
    rng.shuffle(timed)

    def same(url):
        return [url] * total

    worker = info["bench_user_id"]
    return [
        ("pipeline board", same("/staff/pipeline")),
        ("board: overdue", same("/staff/pipeline?clock=overdue")),
        ("board: mainstream, stage 1", same("/staff/pipeline?pathway=mainstream&stage=stage1")),
        ("board: one worker", same(f"/staff/pipeline?worker={worker}")),
        ("case page (random cases)", [f"/staff/cases/{r}" for r in warm + timed]),
        ("my work", same("/staff/my-work")),
        ("enquiries inbox", same("/staff/enquiries/")),
        *check_pages(info, count, WARMUP),
    ]


def main(argv=None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    from flask_migrate import upgrade

    from carers import create_app
    from carers.core.dates import today
    from carers.extensions import db
    from carers.settings.registry import load_settings

    workdir = tempfile.mkdtemp(prefix="carers-bench-")
    if args.reuse:
        url = f"sqlite:///{os.path.abspath(args.reuse)}"
    elif args.database_url:
        url = args.database_url
        print(f"Dropping and recreating schema public in "
              f"{make_url(url).render_as_string()}")
        reset_postgres(url)
    else:
        url = f"sqlite:///{os.path.join(workdir, 'bench.sqlite')}"
    # The pages are measured, not sign-in: the bench account signs in with its password.
    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url,
                      "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
                      "SECOND_FACTOR_REQUIRED_ROLES": (),
                      "PUBLIC_BASE_URL": "http://127.0.0.1:5000"})
    if args.only_reports or args.only_long_report:
        try:
            with app.app_context():
                upgrade()
            runs = pdf_runs(args.requests)
            missed = ([] if args.only_long_report
                      else report_bench.run(app, runs=runs["report"])["missed"])
            missed += long_report_bench.run(app, runs=runs["long"])["missed"]
            print("MISSED: " + ", ".join(missed) if missed
                  else "the reports met their targets")
        finally:
            with app.app_context():
                db.engine.dispose()
            shutil.rmtree(workdir, ignore_errors=True)
        return 0
    try:
        with app.app_context():
            if not args.reuse:
                upgrade()
                seeding, cpu = time.perf_counter(), os.times()
                with bulk_loading(db.engine):
                    seed_all(args, today(), load_settings())
                seed_seconds = time.perf_counter() - seeding
                cpu_after = os.times()
                own = cpu_after.user + cpu_after.system - cpu.user - cpu.system
                workers = (cpu_after.children_user + cpu_after.children_system
                           - cpu.children_user - cpu.children_system)
                print(f"Seed time: {seed_seconds:.1f} s for {args.households:,} households "
                      f"with their histories, checks and applicants (CPU: {own:.0f} s writing "
                      f"in this process, {workers:.0f} s generating in {args.jobs} others; "
                      f"1-minute load average {os.getloadavg()[0]:.1f} on "
                      f"{len(os.sched_getaffinity(0))} cores)")
                if args.seed_only:
                    return 0
            info = seeded()
            households = db.session.scalar(text("SELECT count(*) FROM household"))
            applicants = applicant_bench.seeded_applicants()
            engine = db.engine
            described = database_description(engine)
        print(f"{households:,} households; the bench worker's team reads "
              f"{len(info['references']):,}, {len(info['long_timelines']):,} of them with long "
              "timelines (60-300 events)")
        counter = QueryCounter(engine)
        runs = pdf_runs(args.requests)
        if args.only_figures:
            print(table(figures(app, info, counter, args)))
            print(f"database: {described}; {households:,} households")
            return 0
        missed = []
        if args.in_process:
            missed += in_process(app, info, applicants, counter, args, runs)

        load_before = os.getloadavg()
        rows = measure(app, info, counter, url, workdir, args.requests, WARMUP, runs["report"],
                       args.seed, log=lambda line: print("  " + line))
        load_after = os.getloadavg()
        print()
        print(outside_table(rows))
        print(FOOTNOTE.format(gunicorn=" ".join(GUNICORN_ARGS), database=engine.dialect.name))
        print()
        print(f"machine: nproc {len(os.sched_getaffinity(0))}, load average "
              f"{' '.join(f'{x:.2f}' for x in load_before)} before, "
              f"{' '.join(f'{x:.2f}' for x in load_after)} after; Python "
              f"{platform.python_version()}; {described}; {households:,} households")
        missed += [f"{r.name.strip()} ({r.missed})" for r in rows if r.missed]
        print("MISSED: " + "; ".join(missed) if missed else "every row met its target")
        print(f"total run time {time.perf_counter() - started:.1f} s")
        engine.dispose()
    finally:
        if args.keep and not args.database_url and not args.reuse:
            print(f"kept the database: python -m bench --reuse "
                  f"{os.path.join(workdir, 'bench.sqlite')}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


def seed_all(args, on, settings) -> None:
    """Households, their checks and their applicants, each part's time printed."""
    print(f"Seeding {args.households:,} households ({args.jobs} generating "
          f"process{'es' if args.jobs != 1 else ''}, {args.chunk:,} per transaction)")
    info = seed(args.households, args.seed, args.chunk, args.jobs, settings, on)
    totals = info["totals"]
    print(f"Seeded in {info['seconds']:.1f} s: " + ", ".join(
        f"{totals.get(key, 0):,} {label}" for key, label in (
            ("households", "households"), ("members", "members"),
            ("events", "timeline events"), ("tasks", "tasks"),
            ("case_workers", "allocations"), ("enquiries", "enquiries"),
            ("enquiry_people", "enquiry people"))))
    made = seed_checks(on, args.seed, jobs=args.jobs, log=print)
    print(f"Seeded {made['checks']:,} checks in {made['seconds']:.1f} s")
    made = applicant_bench.seed_applicants(on, args.seed, args.chunk, args.jobs, log=print)
    totals = made["totals"]
    print(f"Seeded applicants for {made['households']:,} households in "
          f"{made['seconds']:.1f} s: " + ", ".join(
              f"{totals.get(key, 0):,} {label}" for key, label in (
                  ("applicants", "accounts"), ("tasks", "application tasks"),
                  ("messages", "messages"), ("requests", "document requests"),
                  ("uploads", "documents sent"), ("visits", "visits"))))


def figures(app, info, counter, args) -> list:
    """The managers' figures, signed in as the service manager, after the scheduler's
    figures job has worked out the standard views."""
    with app.app_context():
        work_out_views()
    manager = app.test_client()
    sign_in(manager, info["manager_email"], info["password"])
    return [time_page(manager, counter, name, urls, WARMUP, target_ms=FIGURES_TARGET_MS)
            for name, urls in figure_pages(info["team_id"], args.requests, WARMUP)]


def in_process(app, info, applicants, counter, args, runs) -> list[str]:
    """The in-process tables (--in-process): every staff page variant, the figures and the
    applicants' pages through Flask's test client, the report PDFs, the scheduler and the
    panel pack. Returns what missed its target."""
    client = app.test_client()
    sign_in(client, info["bench_email"], info["password"])
    load_before = os.getloadavg()[0]
    results = [time_page(client, counter, name, urls, WARMUP)
               for name, urls in pages(info, args.requests, args.seed)]
    results += figures(app, info, counter, args)
    results += applicant_bench.time_applicant_pages(
        app, counter, applicant_bench.applicant_pages(applicants, args.requests, args.seed))
    load_after = os.getloadavg()[0]
    print()
    print("In-process (Flask test client, no server):")
    print(table(results))
    print(f"  1-minute load average {load_before:.1f} before, {load_after:.1f} after; "
          f"applicants' pages: {applicant_bench.describe(applicants)}")
    print(f"  target: p95 < {TARGET_P95_MS:.0f} ms")
    missed = [r.page for r in results if r.missed]
    missed += report_bench.run(app, runs=runs["report"])["missed"]
    missed += long_report_bench.run(app, runs=runs["long"])["missed"]
    print()
    with app.app_context():
        for line in scheduler_report(app):
            print(line)
        pack_benchmark(runs=runs["pack"], log=print)
    print()
    return missed


if __name__ == "__main__":
    sys.exit(main())
