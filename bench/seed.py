"""Seed a fresh database: staff in four teams, households with their histories, enquiries.

Rows are generated in chunks (in worker processes when ``jobs`` > 1, each chunk with its own
seeded ``random.Random`` so the data do not depend on the number of processes) and written
with bulk ``INSERT``s, one transaction per chunk.
"""

from __future__ import annotations

import multiprocessing
import random
import secrets
import sqlite3
import time
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

from sqlalchemy import event, func, insert, select, text

from bench import histories
from bench.people import (
    Pools,
    at_office_hours,
    case_reference,
    enquiry_person_row,
    enquiry_row,
    make_pools,
    person,
)
from carers.auth.models import Role, User
from carers.auth.operations import create_user
from carers.cases import spells as spell_rows
from carers.cases.access import readable_cases
from carers.cases.models import (
    CaseEvent,
    Household,
    HouseholdMember,
    StageSpell,
    Task,
    Team,
    case_worker,
)
from carers.cases.state import next_due
from carers.core.database import refresh_statistics
from carers.enquiries.models import Enquiry, EnquiryPerson
from carers.extensions import db
from carers.pipeline import Pathway, Stage
from carers.pipeline.spells import Move, spells_of
from carers.pipeline.stages import PRE_APPLICATION_STAGES
from carers.reports.models import CarerCharacteristics

PASSWORD = "bench-password-not-secret"
BENCH_EMAIL = "bench.worker@bench.carers.example"
# The service manager who reads the recruitment figures for the whole agency.
BENCH_MANAGER_EMAIL = "bench.manager@bench.carers.example"
TEAMS = ("North", "South", "East", "West")
LONG_TIMELINE_SHARE = 0.005  # households with 60-300 timeline entries
KINSHIP_SHARE = 0.2
LINKED_ENQUIRY = {Pathway.MAINSTREAM: 0.25, Pathway.CONNECTED_PERSON: 0.05}

NOTES = [
    "Phoned the applicant to talk through the next steps.",
    "Home visit completed; spare bedroom seen and suitable.",
    "Chased the outstanding local authority check.",
    "Applicant asked about the fostering allowance; information sent.",
    "Discussed the family's support network and childcare arrangements.",
    "Second reference interviewed by phone.",
    "Supervision discussion: assessment on track.",
    "Texted to rearrange the visit; new date agreed.",
]
TASK_TITLES = [
    "Chase DBS check", "Book the next home study visit", "Interview personal referees",
    "Request the medical report", "Book a Skills to Foster place", "Send panel papers",
    "Phone the applicant", "Chase the local authority check", "Write up the viability assessment",
    "Weekly visit to the child",
]
OVERSIGHT = [
    ("Continue", "Assessment is progressing; no concerns at this point."),
    ("Continue with actions", "Agreed actions: chase references and book the next visit."),
]


@dataclass(frozen=True)
class TeamStaff:
    id: int
    name: str
    manager: tuple[int, str]
    recruiters: tuple[tuple[int, str], ...]
    assessors: tuple[tuple[int, str], ...]
    supervisor: tuple[int, str]


@dataclass(frozen=True)
class Context:
    """Everything a worker process needs to generate rows (all picklable)."""

    seed: int
    today: date
    settings: dict
    pools: Pools
    teams: tuple[TeamStaff, ...]


def create_staff(pools: Pools, seed: int) -> tuple[tuple[TeamStaff, ...], User]:
    """Four teams of ten: a manager, three recruitment officers, five assessing social workers
    and a supervising social worker. The bench signs in as the first assessor of team North."""
    rng = random.Random(f"{seed}-staff")
    teams = [Team(name=f"Fostering {name}") for name in TEAMS]
    db.session.add_all(teams)
    db.session.flush()
    bench = create_user(BENCH_EMAIL, "Bench Worker", PASSWORD, ["assessing_social_worker"])
    bench.team_id = teams[0].id
    create_user(BENCH_MANAGER_EMAIL, "Bench Service Manager", PASSWORD, ["service_manager"])
    roles = {r.key: r for r in db.session.scalars(select(Role))}
    used = {bench.name}
    layout = (["team_manager"] + ["recruitment_officer"] * 3 + ["assessing_social_worker"] * 5
              + ["supervising_social_worker"])
    members: dict[int, dict[str, list[User]]] = {}
    for team in teams:
        by_role: dict[str, list[User]] = {}
        for index, role in enumerate(layout):
            if team is teams[0] and role == "assessing_social_worker" and \
                    "assessing_social_worker" not in by_role:
                user = bench
            else:
                while (name := f"{rng.choice(pools.first_names)} "
                               f"{rng.choice(pools.last_names)}") in used:
                    pass
                used.add(name)
                email = f"{team.name.split()[1].lower()}.{index}@bench.carers.example"
                user = User(email=email, name=name, password_hash=bench.password_hash,
                            session_token=secrets.token_hex(16), roles=[roles[role]],
                            team_id=team.id)
                db.session.add(user)
            by_role.setdefault(role, []).append(user)
        members[team.id] = by_role
    db.session.flush()

    def pair(user):
        return (user.id, user.name)

    staff = tuple(
        TeamStaff(
            id=team.id, name=team.name,
            manager=pair(members[team.id]["team_manager"][0]),
            recruiters=tuple(pair(u) for u in members[team.id]["recruitment_officer"]),
            assessors=tuple(pair(u) for u in members[team.id]["assessing_social_worker"]),
            supervisor=pair(members[team.id]["supervising_social_worker"][0]),
        )
        for team in teams
    )
    db.session.commit()
    return staff, bench


# --- generating rows (runs in worker processes) ---

_CONTEXT: Context | None = None


def _init_worker(context: Context) -> None:
    global _CONTEXT
    _CONTEXT = context


def _event(household_id: int, on: date, at: datetime, user_id: int | None, kind: str,
           summary: str, body: str | None = None, action: str | None = None,
           from_stage: str | None = None, to_stage: str | None = None,
           details: dict | None = None) -> dict:
    return {"household_id": household_id, "at": at, "happened_on": on, "user_id": user_id,
            "kind": kind, "action": action, "from_stage": from_stage, "to_stage": to_stage,
            "summary": summary[:500], "body": body, "details": details}


def _household(hid: int, rng: random.Random, ctx: Context, out: dict) -> None:
    pools, today = ctx.pools, ctx.today
    pathway = Pathway.CONNECTED_PERSON if rng.random() < KINSHIP_SHARE else Pathway.MAINSTREAM
    target = histories.pick(rng, histories.MIX[pathway])
    team = rng.choice(ctx.teams)
    recruiter = rng.choice(team.recruiters)
    assessor = rng.choice(team.assessors)
    manager = team.manager
    ids = {recruiter[1]: recruiter[0], assessor[1]: assessor[0], manager[1]: manager[0]}

    applicant = person(rng, pools, today)
    child = None
    if pathway is Pathway.CONNECTED_PERSON:
        child_name = f"{rng.choice(pools.first_names)} {applicant.last}"
        child = histories.child_details(rng, child_name, today)
    history = histories.walk(rng, pathway, target, today,
                             {"early": recruiter[1], "assessor": assessor[1],
                              "manager": manager[1]}, child)
    state = history.state

    # Household members: the applicant, then a partner or another adult, perhaps a child.
    members = [(applicant.name, "applicant", applicant.born, None, True)]
    if rng.random() < 0.6:
        partner = person(rng, pools, today, last=applicant.last)
        members.append((partner.name, "partner", partner.born, None, True))
    else:
        relative = rng.choice(["parent", "relative", "lodger", "child"])
        age = rng.randint(18, 30) if relative == "child" else rng.randint(20, 80)
        members.append((f"{rng.choice(pools.first_names)} {applicant.last}", relative, None,
                        age, False))
    if rng.random() < 0.5:
        members.append((f"{rng.choice(pools.first_names)} {applicant.last}", "child", None,
                        rng.randint(1, 17), False))
    name = " and ".join(m[0] for m in members if m[4])

    # An enquiry from the public behind some cases.
    enquiry_id = None
    received_on = state.enquiry_received_on or state.referral_received_on or history.created_on
    if rng.random() < LINKED_ENQUIRY[pathway]:
        enquiry_id = hid  # at most one enquiry per household, so the household id will do
        received = at_office_hours(rng, received_on)
        responded = None
        if state.first_response_on:
            responded = max(received, at_office_hours(rng, state.first_response_on))
        elif pathway is Pathway.CONNECTED_PERSON and state.stage is not Stage.REFERRAL:
            responded = received + timedelta(hours=rng.randint(1, 30))
        out["enquiries"].append(enquiry_row(
            rng, pools, enquiry_id=enquiry_id, enquirer=applicant, received=received,
            kinship=pathway is Pathway.CONNECTED_PERSON, responded=responded,
            responder_id=recruiter[0], child_name=child.name if child else None))
        for position, (m_name, rel, born, age, applying) in enumerate(members[1:], start=1):
            if born is not None:
                age = (received_on - born).days // 365
            out["enquiry_people"].append(enquiry_person_row(enquiry_id, position, m_name, rel,
                                                            age, applying))

    # Who holds the case now.
    stage = state.stage
    early = stage in PRE_APPLICATION_STAGES or stage is Stage.CLOSED_BEFORE_APPLICATION
    if early:
        workers = [] if stage is Stage.ENQUIRY and rng.random() < 0.04 else [recruiter]
    else:
        workers = [assessor]
        if stage is Stage.APPROVED and rng.random() < 0.5 or rng.random() < 0.12:
            other = team.supervisor if rng.random() < 0.5 else rng.choice(team.assessors)
            if other != assessor:
                workers.append(other)
    for worker in workers:
        out["case_workers"].append({"household_id": hid, "user_id": worker[0]})

    # The timeline: opened, allocation, every change, then notes, tasks and oversight.
    events = []
    created_at = at_office_hours(rng, history.created_on)
    opened = (f"Kinship referral for {child.name} received" if child else
              f"Case opened from enquiry {out['enquiries'][-1]['reference']}" if enquiry_id
              else "Case opened from a phone enquiry")
    events.append(_event(hid, history.created_on, created_at, recruiter[0], CaseEvent.CREATED,
                         opened))
    for index, record in enumerate(history.records):
        at = at_office_hours(rng, record.on)
        if index == history.assessment_from:
            names = ", ".join(w[1] for w in workers if w != recruiter) or assessor[1]
            events.append(_event(hid, record.on, at, manager[0], CaseEvent.ALLOCATION,
                                 f"Allocated to {names} by {manager[1]}",
                                 details={"before": [recruiter[0]],
                                          "after": sorted(w[0] for w in workers)}))
        events.append(_event(
            hid, record.on, at, ids.get(record.by), CaseEvent.TRANSITION, record.summary,
            body=record.reason or None, action=str(record.action),
            from_stage=record.from_stage.value, to_stage=record.to_stage.value,
            details={k: str(v) for k, v in record.details.items()} or None))
    last_on = max([history.created_on] + [r.on for r in history.records])
    if stage.is_open:
        last_on = today
    wanted = rng.randint(3, 8)
    if rng.random() < LONG_TIMELINE_SHARE:
        wanted = rng.randint(60, 300)
    holders = workers or [recruiter]
    for _ in range(max(0, wanted - len(events))):
        on = histories.between(rng, history.created_on, last_on)
        at = at_office_hours(rng, on)
        worker = rng.choice(holders)
        roll = rng.random()
        if roll < 0.75:
            events.append(_event(hid, on, at, worker[0], CaseEvent.NOTE,
                                 f"Case note by {worker[1]}", body=rng.choice(NOTES)))
        elif roll < 0.92:
            due = on + timedelta(days=rng.randint(3, 21))
            events.append(_event(hid, on, at, worker[0], CaseEvent.TASK,
                                 f"Task for {worker[1]}, due {due:%-d %b %Y}: "
                                 f"{rng.choice(TASK_TITLES)}"))
        else:
            decision, rationale = rng.choice(OVERSIGHT)
            events.append(_event(hid, on, at, manager[0], CaseEvent.OVERSIGHT,
                                 f"Management oversight by {manager[1]}: {decision}",
                                 body=rationale))
    events.sort(key=lambda e: e["at"])
    out["events"].extend(events)

    # Its spells in each stage, as the app keeps them beside the timeline.
    moves = [Move(r.on, r.from_stage, r.to_stage, r.details.get("withdrawal_code"))
             for r in history.records if r.from_stage is not r.to_stage]
    first = moves[0].from_stage if moves else stage
    out["spells"].extend(spell_rows.row(hid, pathway, spell) for spell in
                         spells_of(pathway, first, history.created_on, moves))
    # Approved carers' characteristics, as their applications gave them (some not given).
    if stage is Stage.APPROVED:
        for position, member in enumerate(m for m in members if m[4]):
            out["characteristics"].append({
                "household_id": hid, "position": position,
                "born_by": CarerCharacteristics.born_by_of(member[2]) if member[2] else None,
                "sex": rng.choice(("female", "male")),
                "ethnicity": rng.choice(ETHNIC_GROUPS) if rng.random() < 0.9 else None,
                "disability": rng.choice(("no", "no", "no", "yes", "prefer_not"))
                if rng.random() < 0.95 else None,
                "religion": None, "relationship_status": "married" if len(members) > 1
                else "single", "sexual_orientation": None, "gender_identity": None})

    # Tasks: open ones on open cases, done ones on some finished cases.
    if stage.is_open and rng.random() < 0.55:
        for _ in range(rng.randint(1, 3)):
            owner = rng.choice(holders) if rng.random() < 0.8 else rng.choice(team.assessors)
            due = today + timedelta(days=rng.randint(-21, 42))
            made = max(history.created_on, due - timedelta(days=rng.randint(5, 30)))
            made = min(made, today)
            done = None
            if rng.random() < 0.25:
                done = at_office_hours(rng, histories.between(rng, made, today))
            out["tasks"].append(_task(hid, rng, owner[0], manager[0], due,
                                      at_office_hours(rng, made), done))
    elif not stage.is_open and rng.random() < 0.3:
        for _ in range(rng.randint(1, 2)):
            made = histories.between(rng, history.created_on, last_on)
            due = made + timedelta(days=rng.randint(3, 30))
            done = at_office_hours(rng, histories.between(rng, made, last_on))
            out["tasks"].append(_task(hid, rng, holders[0][0], manager[0], due,
                                      at_office_hours(rng, made), done))

    # The household row, with its earliest running deadline worked out as the app does.
    row = {
        "id": hid, "reference": case_reference(hid), "name": name,
        "pathway": pathway.value, "stage": stage.value, "stage_since": state.stage_since,
        "team_id": team.id, "enquiry_id": enquiry_id, "version": 1 + len(history.records),
        "created_at": created_at, "updated_at": max(e["at"] for e in events),
        "email": f"{applicant.first}.{applicant.last}{hid % 991}@example.com".lower()
        .replace(" ", "").replace("'", ""),
        "phone": rng.choice(pools.phones),
        "address": f"{rng.choice(pools.streets)}, {rng.choice(pools.towns)}",
        "postcode": rng.choice(pools.postcodes),
        "recommendation": state.recommendation.value if state.recommendation else None,
        "reg24_extension_weeks": state.reg24_extension_weeks,
        "withdrawal_code": state.withdrawal_code,
        "child_name": state.child.name if state.child else None,
        "child_date_of_birth": state.child.date_of_birth if state.child else None,
        "child_la_reference": state.child.la_reference if state.child else None,
        "child_relationship": state.child.relationship if state.child else None,
        "child_placed_on": state.child.placed_on if state.child else None,
        "child_placing_authority": state.child.placing_authority if state.child else None,
        "child_first_review_on": state.child.first_review_on if state.child else None,
    }
    for name_ in DATE_FIELDS:
        row[name_] = getattr(state, name_)
    row["next_due_on"], row["next_due_label"] = next_due(SimpleNamespace(**row), today,
                                                         ctx.settings)
    out["households"].append(row)
    for position, (m_name, rel, born, age, applying) in enumerate(members):
        out["members"].append({"household_id": hid, "position": position, "name": m_name,
                               "relationship_to_applicant": rel, "date_of_birth": born,
                               "age_at_enquiry": age, "is_applicant": applying})


def _task(hid, rng, owner_id, creator_id, due, created_at, done_at) -> dict:
    return {"household_id": hid, "title": rng.choice(TASK_TITLES), "owner_id": owner_id,
            "due_on": due, "created_by_id": creator_id, "created_at": created_at,
            "done_at": done_at}


def _standalone_enquiries(first_id: int, count: int, rng: random.Random, ctx: Context,
                          out: dict) -> None:
    """Enquiries that have not (yet) become cases: mostly recent."""
    now = datetime.now(UTC)
    for enquiry_id in range(first_id, first_id + count):
        age_days = min(rng.expovariate(1 / 90), histories.OLDEST_DAYS)
        received = now - timedelta(days=age_days, minutes=rng.randint(0, 600))
        responded = None
        if (age_days > 3 or rng.random() < 0.5) and rng.random() < 0.97:
            responded = received + timedelta(hours=rng.choice([1, 4, 20, 26, 50, 100]))
            responded = min(responded, now)
        kinship = rng.random() < 0.2
        enquirer = person(rng, ctx.pools, ctx.today)
        team = rng.choice(ctx.teams)
        out["enquiries"].append(enquiry_row(
            rng, ctx.pools, enquiry_id=enquiry_id, enquirer=enquirer, received=received,
            kinship=kinship, responded=responded, responder_id=rng.choice(team.recruiters)[0],
            child_name=f"{rng.choice(ctx.pools.first_names)} {enquirer.last}"))
        if rng.random() < 0.6:
            out["enquiry_people"].append(enquiry_person_row(
                enquiry_id, 1, f"{rng.choice(ctx.pools.first_names)} {enquirer.last}",
                "partner", rng.randint(25, 65), True))


DATE_FIELDS = [name for name in histories.CaseState.__dataclass_fields__
               if name not in {"pathway", "stage", "child", "recommendation",
                               "reg24_extension_weeks", "withdrawal_code"}]
KEYS = ("enquiries", "enquiry_people", "households", "members", "case_workers", "events",
        "tasks", "spells", "characteristics")
ETHNIC_GROUPS = ("White British", "White Irish", "Indian", "Pakistani", "Black Caribbean",
                 "Black African", "Mixed White and Asian", "Chinese", "Other White")


def generate_chunk(spec: tuple[str, int, int, int]) -> dict:
    """One chunk's rows, ready for the driver: ``{key: (sql, parameters, count)}``."""
    kind, index, first_id, count = spec
    ctx = _CONTEXT
    assert ctx is not None and _DIALECT is not None
    rng = random.Random(f"{ctx.seed}-{kind}-{index}")
    out: dict[str, list] = {key: [] for key in KEYS}
    if kind == "households":
        for hid in range(first_id, first_id + count):
            _household(hid, rng, ctx, out)
    else:
        _standalone_enquiries(first_id, count, rng, ctx, out)
    prepared = {key: driver_rows(table_of(target), out[key], _DIALECT)
                for key, target in TABLES if out[key]}
    return {"prepared": prepared, "households": len(out["households"])}


# --- writing ---

TABLES = (
    ("enquiries", Enquiry), ("enquiry_people", EnquiryPerson), ("households", Household),
    ("members", HouseholdMember), ("case_workers", case_worker), ("events", CaseEvent),
    ("tasks", Task), ("spells", StageSpell), ("characteristics", CarerCharacteristics),
)
_DIALECT = None  # the engine's dialect, inherited by forked worker processes


def table_of(target):
    return getattr(target, "__table__", target)


def driver_rows(table, rows: list[dict], dialect) -> tuple[str, list, int]:
    """An INSERT statement and its parameters with SQLAlchemy's type conversion (dates,
    JSON) already applied, so the writing process only runs ``executemany``. This is what
    ``session.execute(insert(table), rows)`` does, moved into the worker processes: the
    conversion, not SQLite, was most of the time. Python-side column defaults are applied
    for columns the rows leave out; server defaults are left to the database."""
    given = list(rows[0])
    unknown = set(given) - set(table.c.keys())
    if unknown:  # SQLite's compiler would drop them without a word
        raise ValueError(f"{table.name} has no column {', '.join(sorted(unknown))}")
    defaults = {c.key: c.default for c in table.columns
                if c.key not in rows[0] and c.default is not None and not c.primary_key}
    values = {}
    for key, default in defaults.items():
        if default.is_scalar:
            values[key] = default.arg
        elif default.is_callable:
            values[key] = None  # computed per row below
    columns = given + list(values)
    compiled = insert(table).compile(dialect=dialect, column_keys=columns)
    names = (list(compiled.positiontup) if compiled.positional
             else [name for name in columns if name in table.c])
    processors = [table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
                  for name in names]
    callables = {key: d.arg for key, d in defaults.items() if d.is_callable}
    parameters = []
    for row in rows:
        full = {**row, **values}
        for key, fn in callables.items():
            full[key] = fn(None)
        converted = [proc(full[name]) if proc else full[name]
                     for name, proc in zip(names, processors, strict=True)]
        parameters.append(tuple(converted) if compiled.positional
                          else dict(zip(names, converted, strict=True)))
    return str(compiled), parameters, len(rows)


def _copy(connection, table, parameters: list[dict]) -> None:
    """PostgreSQL: COPY the rows in, about three times faster than executemany."""
    columns = ", ".join(f'"{name}"' for name in parameters[0])
    with connection.connection.driver_connection.cursor() as cursor, \
            cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:
        for row in parameters:
            copy.write_row(tuple(row.values()))


def write_chunk(chunk: dict, totals: dict, tables=TABLES) -> None:
    """Write a prepared chunk (COPY on PostgreSQL) in ``tables``' order, so that rows come
    after those they refer to, and commit it."""
    connection = db.session.connection()
    tables = dict(tables)
    for key, (sql, parameters, count) in chunk["prepared"].items():
        if connection.dialect.name == "postgresql":
            _copy(connection, table_of(tables[key]), parameters)
        else:
            connection.exec_driver_sql(sql, parameters)
        totals[key] = totals.get(key, 0) + count
    db.session.commit()


def _throwaway_pragmas(dbapi_connection, _record) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        # After the app's own (WAL, foreign keys): a throwaway database needs no journal and
        # no fsync while it is filled; a crash mid-seed only loses the bench run.
        dbapi_connection.execute("PRAGMA journal_mode=OFF")
        dbapi_connection.execute("PRAGMA synchronous=OFF")
        dbapi_connection.execute("PRAGMA cache_size=-262144")  # 256 MB
        dbapi_connection.execute("PRAGMA temp_store=MEMORY")


# Indexes the seed itself reads through (a chunk's members, its workers): kept while loading.
READ_WHILE_SEEDING = {"ix_household_member_household_id", "ix_case_worker_user_id"}
_DEFERRED = False  # the statistics are refreshed after the indexes are back


@contextmanager
def bulk_loading(engine):
    """SQLite: while seeding, no journal and no fsync on every connection (the pool is
    emptied so each one is opened afresh with them), and the secondary indexes dropped, to be
    built once at the end from the sorted rows rather than kept up row by row; afterwards
    WAL again, as the app runs it, and the planner's statistics. PostgreSQL is left as it is
    (the seed COPYs into it)."""
    global _DEFERRED
    if engine.dialect.name != "sqlite":
        yield
        return
    db.session.remove()
    engine.dispose()
    event.listen(engine, "connect", _throwaway_pragmas)
    with engine.begin() as connection:
        indexes = connection.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        ).all()
        indexes = [(name, sql) for name, sql in indexes if name not in READ_WHILE_SEEDING]
        for name, _sql in indexes:
            connection.exec_driver_sql(f'DROP INDEX "{name}"')
    _DEFERRED = True
    try:
        yield
    finally:
        _DEFERRED = False
        db.session.remove()
        with engine.begin() as connection:
            for _name, sql in indexes:
                connection.exec_driver_sql(sql)
        refresh_statistics()  # as the nightly statistics job does
        event.remove(engine, "connect", _throwaway_pragmas)
        engine.dispose()
        with engine.connect() as connection:  # back to WAL, synchronous as the app has it
            connection.exec_driver_sql("PRAGMA journal_mode=WAL")


def seed(households: int, seed_value: int, chunk: int, jobs: int, settings: dict,
         today: date, log=print) -> dict:
    """Create staff and data. Returns the row counts, the seconds taken and ``seeded()``."""
    started = time.perf_counter()
    pools = make_pools(seed_value)
    teams, _bench = create_staff(pools, seed_value)
    enquiries_wanted = round(households * 0.3)
    context = Context(seed_value, today, settings, pools, teams)
    global _DIALECT
    _DIALECT = db.engine.dialect
    specs = [("households", i, 1 + i * chunk, min(chunk, households - i * chunk))
             for i in range(-(-households // chunk))]
    totals: dict[str, int] = {}
    done = 0

    def run(spec_list):
        """Generated chunks in order, with at most ``jobs + 1`` waiting in memory."""
        if jobs <= 1:
            _init_worker(context)
            yield from map(generate_chunk, spec_list)
            return
        with multiprocessing.get_context("fork").Pool(
                jobs, initializer=_init_worker, initargs=(context,)) as pool:
            waiting: deque = deque()
            for spec in spec_list:
                waiting.append(pool.apply_async(generate_chunk, (spec,)))
                if len(waiting) > jobs:
                    yield waiting.popleft().get()
            while waiting:
                yield waiting.popleft().get()

    for out in run(specs):
        write_chunk(out, totals)
        done += out["households"]
        log(f"  {done:>7,} households  {time.perf_counter() - started:6.1f} s", end="\r")
    log()
    linked = totals.get("enquiries", 0)
    standalone = max(0, enquiries_wanted - linked)
    # A linked enquiry has its household's id; enquiries with no case are numbered after.
    specs = [("enquiries", i, households + 1 + i * chunk, min(chunk, standalone - i * chunk))
             for i in range(-(-standalone // chunk))]
    for out in run(specs):
        write_chunk(out, totals)
    if db.engine.dialect.name == "postgresql":
        # Ids were given explicitly, so move each sequence past them.
        for table in ("household", "enquiry", "household_member", "case_event", "task",
                      "enquiry_person"):  # fixed names, not input
            db.session.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"(SELECT max(id) FROM {table}))"))
        db.session.commit()
        # As autovacuum would soon after a bulk load: statistics for the planner, and the
        # visibility map that index-only scans need.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    elif not _DEFERRED:
        refresh_statistics()  # as the nightly statistics job does
    seconds = time.perf_counter() - started
    return {"totals": totals, "seconds": seconds, **seeded()}


def seeded(long_timeline_events: int = 60) -> dict:
    """What the measurements need from a seeded database: the bench user, every case
    reference and the cases with long timelines."""
    bench_id = db.session.scalar(select(User.id).where(User.email == BENCH_EMAIL))
    if bench_id is None:
        raise SystemExit("This database was not seeded by the bench (no bench user).")
    long_ids = select(CaseEvent.household_id).group_by(CaseEvent.household_id).having(
        func.count(CaseEvent.id) >= long_timeline_events)
    # The bench user opens only cases they may read, as a worker does: their team's.
    readable = readable_cases(db.session.get(User, bench_id))
    cases = select(Household.reference).order_by(Household.id)
    if readable is not None:
        cases = cases.where(readable)
    return {
        "bench_user_id": bench_id,
        "team_id": db.session.get(User, bench_id).team_id,
        "bench_email": BENCH_EMAIL,
        "manager_email": BENCH_MANAGER_EMAIL,
        "password": PASSWORD,
        "references": list(db.session.scalars(cases)),
        "long_timelines": list(db.session.scalars(
            cases.where(Household.id.in_(long_ids)))),
        "bench_cases": db.session.scalar(select(func.count()).select_from(case_worker)
                                         .where(case_worker.c.user_id == bench_id)),
    }
