"""A panel pack of 6 cases built by the background job, timed.

    python -m bench.panel                # on a throwaway SQLite database
    python -m bench.panel --runs 5 --members 7

``python -m bench`` runs it too, after the page timings. Each run issues the papers (which
queues a pack job, as the panel administrator's button does) and times
``carers.panel.operations.build_due_packs(now)``: render the pack once (agenda, contents and
6 assessment reports), then stamp and store one copy per invited member. For comparison it
also times WeasyPrint alone on the same HTML, and the stamping of one copy.
"""

from __future__ import annotations

import argparse
import io
import shutil
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time

from pypdf import PdfReader

ROLES = ("chair", "vice_chair", "social_worker", "independent", "independent",
         "medical_adviser", "minute_taker", "independent", "panel_adviser", "independent")


def seed_meeting(cases: int, members: int, meets_on: date):
    """A meeting with ``cases`` fully assessed households on its agenda (3 paragraphs in each
    narrative section of their reports) and ``members`` invited members."""
    from carers.auth.operations import create_user
    from carers.extensions import db
    from carers.panel.models import AgendaItem, MeetingSeat, PanelMeeting, PanelMember
    from carers.pipeline import Stage
    from carers.reports.sample import assessed_household

    stamp = datetime.now(UTC).strftime("%H%M%S%f")
    worker = create_user(f"bench-pack-worker-{stamp}@example.gov.uk", "Bench Worker",
                         "correct horse battery", ["assessing_social_worker"])
    admin = create_user(f"bench-pack-admin-{stamp}@example.gov.uk", "Bench Administrator",
                        "correct horse battery", ["panel_administrator"])
    db.session.commit()
    households = []
    for n in range(cases):
        household = assessed_household(worker, name=f"Robin and Alex Case{n + 1}",
                                       paragraphs=3)
        household.stage, household.stage_since = Stage.READY_FOR_PANEL.value, meets_on
        household.panel_date = meets_on
        households.append(household)
    meeting = PanelMeeting(meets_on=meets_on, starts_at=clock_time(10, 0), place="Town Hall")
    for n in range(members):
        user = create_user(f"bench-pack-member{n}-{stamp}@example.gov.uk",
                           f"Panel Member {n + 1}", "correct horse battery", ["panel_member"])
        db.session.flush()
        member = PanelMember(user_id=user.id, panel_role=ROLES[n % len(ROLES)],
                             joined_on=date(2020, 1, 1), qualified_on=date(2010, 1, 1))
        db.session.add(member)
        db.session.flush()
        meeting.seats.append(MeetingSeat(member_id=member.id))
    for n, household in enumerate(households):
        meeting.agenda.append(AgendaItem(household_id=household.id,
                                         slot_at=clock_time(10 + n, 0), minutes_slot=45))
    db.session.add(meeting)
    db.session.commit()
    return meeting, admin


def pack_benchmark(runs: int = 3, cases: int = 6, members: int = 7, log=print) -> dict:
    """Time the pack sweep. Needs an application context on a migrated database."""
    from weasyprint import HTML

    from carers.documents.pdf import PDF_VARIANT, PRINT_BASE_URL, StaticOnlyFetcher
    from carers.extensions import db
    from carers.panel import operations as ops
    from carers.panel import pdfs
    from carers.panel.models import PackCopy, PanelMeeting
    from carers.settings.registry import agency_settings

    meets_on = date.today() + timedelta(days=14)
    meeting, admin = seed_meeting(cases, members, meets_on)
    builds, html_times, weasy_times, stamp_times = [], [], [], []
    pages = size = copies = 0
    now = datetime.now(UTC)
    for run in range(runs + 1):  # the first run warms up (imports, fonts): not counted
        meeting = db.session.get(PanelMeeting, meeting.id)
        ops.issue_papers(admin, meeting, meeting.version, now)
        started = time.perf_counter()
        built = ops.build_due_packs(now)
        elapsed = time.perf_counter() - started
        assert len(built) == 1 and built[0].copies == members, built
        pages, copies = built[0].pages, built[0].copies
        if run:
            builds.append(elapsed)
        now += timedelta(seconds=1)

    meeting = db.session.get(PanelMeeting, meeting.id)
    name = agency_settings()["agency_name"]
    for _ in range(runs):
        started = time.perf_counter()
        html = pdfs.pack_html(meeting, meeting.agenda, name)
        html_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        base = HTML(string=html, base_url=PRINT_BASE_URL,
                    url_fetcher=StaticOnlyFetcher()).write_pdf(pdf_variant=PDF_VARIANT)
        weasy_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        stamped = pdfs.stamped_copies(base, [f"Panel Member {n + 1}" for n in range(members)],
                                      date.today())
        stamp_times.append(time.perf_counter() - started)
        copy = stamped[0]
        size = len(copy)
    assert len(PdfReader(io.BytesIO(copy)).pages) == pages
    stored = db.session.query(PackCopy).count()
    result = {
        "cases": cases, "members": members, "pages": pages, "copies": copies,
        "runs": runs, "copy_bytes": size, "stored_copies": stored,
        "build_median_s": statistics.median(builds), "build_max_s": max(builds),
        "html_median_s": statistics.median(html_times),
        "weasyprint_median_s": statistics.median(weasy_times),
        "stamp_median_s": statistics.median(stamp_times),
    }
    log(describe(result))
    return result


def describe(r: dict) -> str:
    overhead = r["build_median_s"] - r["weasyprint_median_s"]
    return "\n".join([
        f"panel pack: {r['cases']} cases, {r['pages']} pages, {r['copies']} member copies "
        f"({r['copy_bytes'] / 1e6:.2f} MB each), built by build_due_packs, {r['runs']} runs",
        f"  whole job (claim, HTML, render once, stamp and store {r['copies']} copies): "
        f"median {r['build_median_s']:.2f} s, max {r['build_max_s']:.2f} s",
        f"  WeasyPrint alone on the same HTML: median {r['weasyprint_median_s']:.2f} s",
        f"  building the HTML (6 reports, checks ledgers): median {r['html_median_s']:.2f} s",
        f"  stamping all {r['members']} copies (one stamp render, pypdf writes): median "
        f"{r['stamp_median_s']:.2f} s",
        f"  our code on top of WeasyPrint: {overhead:.2f} s for the whole job",
    ])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.panel",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cases", type=int, default=6)
    parser.add_argument("--members", type=int, default=7)
    args = parser.parse_args(argv)
    from flask_migrate import upgrade

    from carers import create_app
    from carers.extensions import db

    workdir = tempfile.mkdtemp(prefix="carers-bench-pack-")
    url = f"sqlite:///{workdir}/pack.sqlite"
    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url, "PUBLIC_BASE_URL": "http://127.0.0.1:5000"})
    try:
        with app.app_context():
            upgrade()
            pack_benchmark(args.runs, args.cases, args.members)
            db.engine.dispose()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
