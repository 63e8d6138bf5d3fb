"""python -m bench: seed a throwaway database with a large agency and time its pages.

The staff pages, then the applicants' own pages, each request signed in as one of a sample of
applicants spread over the stages (see bench/applicants.py).

    python -m bench                       # 100,000 households on SQLite in a temp directory
    python -m bench --households 10000    # a quick run
    python -m bench --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test
    python -m bench --only-reports        # just the assessment report PDF timings
    python -m bench --only-long-report    # just the 60-page report against plain WeasyPrint

With --database-url, everything in that database's ``public`` schema is dropped first.
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
from bench.panel import pack_benchmark
from bench.scheduler import report as scheduler_report
from bench.seed import seed, seeded

WARMUP = 3


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--households", type=int, default=100_000,
                        help="households to seed (default 100000); enquiries are 30%% of this")
    parser.add_argument("--requests", type=int, default=50, help="timed requests per page")
    parser.add_argument("--database-url", help="PostgreSQL URL to use instead of SQLite "
                        "(its public schema is dropped and recreated)")
    parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    parser.add_argument("--chunk", type=int, default=5000, help="households per transaction")
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)),
                        help="processes generating rows (default: one per CPU)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the SQLite database and print where it is")
    parser.add_argument("--reuse", metavar="PATH",
                        help="time the pages on a SQLite database kept by an earlier --keep "
                        "run, without seeding")
    parser.add_argument("--only-reports", action="store_true",
                        help="time only the assessment report PDFs, on an empty database")
    parser.add_argument("--only-long-report", action="store_true",
                        help="time only the 60-page report PDF, on an empty database")
    parser.add_argument("--only-figures", action="store_true",
                        help="time only the managers' figures (with --reuse: no seeding)")
    args = parser.parse_args(argv)
    if args.households < 10:
        parser.error("--households must be at least 10")
    if args.reuse and args.database_url:
        parser.error("--reuse is for a kept SQLite file; it cannot be used with --database-url")
    if args.reuse and not os.path.exists(args.reuse):
        parser.error(f"no such file: {args.reuse}")
    return args


def pdf_runs(requests: int) -> dict:
    """How many times each PDF is made: as many as the defaults at the full --requests, fewer
    for a quick run (CI's small agency), so a quick run stays quick. Medians of three."""
    return {"report": max(3, min(7, requests // 5)),
            "long": max(3, min(5, requests // 10)),
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
                print(f"Seeding {args.households:,} households ({args.jobs} generating "
                      f"process{'es' if args.jobs != 1 else ''}, {args.chunk:,} per "
                      "transaction)")
                info = seed(args.households, args.seed, args.chunk, args.jobs,
                            load_settings(), today())
                totals = info["totals"]
                print(f"Seeded in {info['seconds']:.1f} s: " + ", ".join(
                    f"{totals.get(key, 0):,} {label}" for key, label in (
                        ("households", "households"), ("members", "members"),
                        ("events", "timeline events"), ("tasks", "tasks"),
                        ("case_workers", "allocations"), ("enquiries", "enquiries"),
                        ("enquiry_people", "enquiry people"))))
                made = seed_checks(today(), args.seed, log=print)
                print(f"Seeded {made['checks']:,} checks in {made['seconds']:.1f} s")
                made = applicant_bench.seed_applicants(today(), args.seed, args.chunk,
                                                       args.jobs, log=print)
                totals = made["totals"]
                print(f"Seeded applicants for {made['households']:,} households in "
                      f"{made['seconds']:.1f} s: " + ", ".join(
                          f"{totals.get(key, 0):,} {label}" for key, label in (
                              ("applicants", "accounts"), ("tasks", "application tasks"),
                              ("messages", "messages"), ("requests", "document requests"),
                              ("uploads", "documents sent"), ("visits", "visits"))))
            else:
                info = seeded()
            applicants = applicant_bench.seeded_applicants()
            engine = db.engine
            described = database_description(engine)
        print(f"{len(info['references']):,} households, {len(info['long_timelines']):,} of them "
              "with long timelines (60-300 events)")

        # Requests run outside any app context, as in production: each gets its own
        # context, session and ``g``.
        counter = QueryCounter(engine)
        client = app.test_client()
        sign_in(client, info["bench_email"], info["password"])
        load_before = os.getloadavg()[0]
        results = [] if args.only_figures else [
            time_page(client, counter, name, urls, WARMUP)
            for name, urls in pages(info, args.requests, args.seed)]
        # The managers' figures, signed in as the service manager, after the scheduler's
        # figures job has worked out the standard views.
        with app.app_context():
            work_out_views()
        manager = app.test_client()
        sign_in(manager, info["manager_email"], info["password"])
        results += [time_page(manager, counter, name, urls, WARMUP,
                              target_ms=FIGURES_TARGET_MS)
                    for name, urls in figure_pages(info["team_id"], args.requests, WARMUP)]
        if args.only_figures:
            print(table(results))
            print(f"database: {described}; {len(info['references']):,} households")
            return 0
        # The applicants' own pages, each request signed in as one of a sample of applicants.
        results += applicant_bench.time_applicant_pages(
            app, counter, applicant_bench.applicant_pages(applicants, args.requests, args.seed))
        load_after = os.getloadavg()[0]
        print()
        print(table(results))
        print()
        print(f"machine: nproc {len(os.sched_getaffinity(0))}, Python "
              f"{platform.python_version()} ({sys.implementation.name}), {platform.machine()}; "
              f"1-minute load average {load_before:.1f} before timing, {load_after:.1f} after")
        if engine.dialect.name == "sqlite":
            print("  CPU ms: this process's CPU time per request, SQLite's work included (it "
                  "runs in-process);\n  less affected than wall time when other work shares "
                  "the cores")
        else:
            print("  CPU ms: this process's CPU time per request; the database server's work "
                  "is not included")
        print(f"database: {described}")
        print(f"data: {len(info['references']):,} households; signed in as an assessing social "
              f"worker with {info['bench_cases']:,} allocated cases")
        print(f"  applicants' pages: {applicant_bench.describe(applicants)}; each request "
              "signed in as one of them, spread over the stages")
        print(f"target: p95 < {TARGET_P95_MS:.0f} ms on SQLite, 2 cores")
        missed = [r.page for r in results if r.missed]
        runs = pdf_runs(args.requests)
        missed += report_bench.run(app, runs=runs["report"])["missed"]
        missed += long_report_bench.run(app, runs=runs["long"])["missed"]
        print("MISSED: " + ", ".join(missed) if missed else "all pages met the target")
        print()
        with app.app_context():
            for line in scheduler_report(app):
                print(line)
            pack_benchmark(runs=runs["pack"], log=print)
        print(f"total run time {time.perf_counter() - started:.1f} s")
        engine.dispose()
    finally:
        if args.keep and not args.database_url and not args.reuse:
            print(f"kept the database: python -m bench --reuse "
                  f"{os.path.join(workdir, 'bench.sqlite')}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
