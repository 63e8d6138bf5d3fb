"""The team checks list (``/staff/checks``) at scale: ``python -m bench`` calls
``seed_checks(today())`` after seeding households, and times ``check_pages(...)``."""

from __future__ import annotations

import multiprocessing
import random
import time
from collections import deque
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

from sqlalchemy import select, text

from carers.cases.models import Household, HouseholdMember
from carers.checks.models import Check
from carers.checks.rules import CheckKind, add_years
from carers.extensions import db
from carers.pipeline import CLOSED_STAGES, Stage

WARMUP = 3
CHUNK = 10_000  # households per transaction

# Stages where a case has no checks yet (nobody has opened its checks page).
NOT_STARTED = {Stage.ENQUIRY, Stage.INITIAL_CONTACT, Stage.INITIAL_VISIT, Stage.REFERRAL,
               Stage.CLOSED_BEFORE_APPLICATION}
RENEWAL = {CheckKind.DBS: 3, CheckKind.LA_CHECK: 3, CheckKind.MEDICAL: 3,
           CheckKind.HOME_SAFETY: 1, CheckKind.PETS: 1}
CLOSED = CLOSED_STAGES
STAGE1 = {CheckKind.DBS, CheckKind.LA_CHECK, CheckKind.MEDICAL, CheckKind.PERSONAL_REFERENCE}
COUNCILS = ("Northmoor Council", "Leeds City Council", "York Council", "Bradford Council",
            "Kirklees Council", "Calderdale Council", "Wakefield Council")


def _adult(member, today: date) -> bool:
    if member.is_applicant:
        return True
    if member.date_of_birth is not None:
        return add_years(member.date_of_birth, 18) <= today
    return (member.age_at_enquiry or 0) >= 18


def _checks_for(household, members, rng: random.Random, today: date, now: datetime
                ) -> list[dict]:
    """A plausible ledger for one household, by where its case is."""
    stage = Stage(household.stage)
    wanted: list[tuple[CheckKind, str, int | None, str]] = []
    for m in members:
        if _adult(m, today):
            wanted.append((CheckKind.DBS, f"dbs:p{m.id}", m.id, m.name))
        if m.is_applicant:
            wanted.append((CheckKind.MEDICAL, f"medical:p{m.id}", m.id, m.name))
    for council in rng.sample(COUNCILS, 2 if rng.random() < 0.35 else 1):
        wanted.append((CheckKind.LA_CHECK, f"la:{council.lower()}", None, council))
    for n in (1, 2):
        wanted.append((CheckKind.PERSONAL_REFERENCE, f"reference:bench{n}", None,
                       f"Referee {n}"))
    wanted.append((CheckKind.HOME_SAFETY, "home_safety", None, "the home"))
    if rng.random() < 0.4:
        wanted.append((CheckKind.PETS, "pets", None, "the household's pets"))

    started = household.stage_since or today
    rows = []
    for kind, key, member_id, subject in wanted:
        years = RENEWAL.get(kind)
        received = requested = None
        if stage is Stage.APPROVED:
            # Received at approval or renewed since: expiries spread over the renewal period,
            # a few already lapsed.
            span = (years or 3) * 365 + 45
            received = today - timedelta(days=rng.randint(1, span))
            requested = received - timedelta(days=rng.randint(5, 40))
        elif rng.random() < 0.55:
            received = today - timedelta(days=rng.randint(1, 150))
            requested = received - timedelta(days=rng.randint(5, 40))
        elif rng.random() < 0.6:
            requested = today - timedelta(days=rng.randint(1, 60))
        expires = add_years(received, years) if received and years else None
        created = min(requested or started, started)
        rows.append({
            "household_id": household.id, "member_id": member_id, "referee_id": None,
            "key": key, "kind": kind.value, "subject": subject, "required": True,
            "stage1": household.pathway == "mainstream" and kind in STAGE1,
            "reg24": household.pathway == "connected_person" and kind is CheckKind.DBS,
            "renewal_years": years, "required_from": None, "requested_on": requested,
            "requested_from": None, "received_on": received,
            "outcome": "clear" if received else None, "verified_by_id": None,
            "verified_on": None, "expires_on": expires, "notes": None, "renewal_of_id": None,
            "superseded": False, "done_on": received,
            "attention_on": None if stage in CLOSED else expires if received else created,
            "expiry_warning_sent_at": None, "created_on": created, "created_at": now,
            "updated_at": now,
        })
    return [] if stage in NOT_STARTED else rows


_DIALECT = None  # the engine's dialect, inherited by forked worker processes


def _generate(spec) -> dict:
    """One chunk's checks, ready for the driver (in a worker process when jobs > 1)."""
    from bench.seed import driver_rows

    index, households, members, today, now, seed_value = spec
    rng = random.Random(f"{seed_value}-checks-{index}")
    rows = [row for h in households
            for row in _checks_for(h, members.get(h.id, []), rng, today, now)]
    prepared = {"checks": driver_rows(Check.__table__, rows, _DIALECT)} if rows else {}
    return {"prepared": prepared, "households": len(households)}


def _chunks(chunk: int, today: date, now: datetime, seed_value: int):
    """Every household with its members, ``chunk`` households at a time."""
    last_id, index = 0, 0
    while True:
        households = [SimpleNamespace(**h._asdict()) for h in db.session.execute(
            select(Household.id, Household.stage, Household.stage_since, Household.pathway)
            .where(Household.id > last_id).order_by(Household.id).limit(chunk))]
        if not households:
            return
        last_id = households[-1].id
        members: dict[int, list] = {}
        for m in db.session.execute(
                select(HouseholdMember.id, HouseholdMember.household_id, HouseholdMember.name,
                       HouseholdMember.is_applicant, HouseholdMember.date_of_birth,
                       HouseholdMember.age_at_enquiry)
                .where(HouseholdMember.household_id.between(households[0].id, last_id))
                .order_by(HouseholdMember.household_id, HouseholdMember.position)):
            members.setdefault(m.household_id, []).append(SimpleNamespace(**m._asdict()))
        yield index, households, members, today, now, seed_value
        index += 1


def seed_checks(today: date, seed_value: int = 2026, chunk: int = CHUNK, jobs: int = 1,
                log=print) -> dict:
    """Checks for every household already in the database, generated in ``jobs`` processes
    and written with bulk INSERTs (COPY on PostgreSQL) in chunks of ``chunk`` households.
    Returns the number of checks and the seconds taken."""
    from bench.seed import write_chunk

    global _DIALECT
    started = time.perf_counter()
    now = datetime.now(UTC)
    _DIALECT = db.engine.dialect
    specs = _chunks(chunk, today, now, seed_value)

    def generated():
        if jobs <= 1:
            yield from map(_generate, specs)
            return
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            waiting: deque = deque()
            for spec in specs:
                waiting.append(pool.apply_async(_generate, (spec,)))
                if len(waiting) > jobs:
                    yield waiting.popleft().get()
            while waiting:
                yield waiting.popleft().get()

    totals: dict[str, int] = {}
    for out in generated():
        write_chunk(out, totals, (("checks", Check),))
        log(f"  {totals.get('checks', 0):>9,} checks  {time.perf_counter() - started:6.1f} s",
            end="\r")
    log()
    if _DIALECT.name == "postgresql":
        db.session.execute(text("ANALYZE household_check"))
        db.session.commit()
    return {"checks": totals.get("checks", 0), "seconds": time.perf_counter() - started}


def check_pages(info: dict, count: int, warmup: int = WARMUP) -> list[tuple[str, list[str]]]:
    """The team checks list's pages for ``bench.measure.time_page``: ``warmup`` untimed
    requests, then ``count`` timed, of each."""
    total = warmup + count
    worker = info["bench_user_id"]
    return [(name, [url] * total) for name, url in (
        ("checks: team list", "/staff/checks"),
        ("checks: lapsed", "/staff/checks?status=lapsed"),
        ("checks: one worker", f"/staff/checks?worker={worker}"),
        ("checks: DBS, page 40", "/staff/checks?kind=dbs&page=40"),
    )]
