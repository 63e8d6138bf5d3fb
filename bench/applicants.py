"""The applicants' own pages at scale: ``python -m bench`` calls ``seed_applicants(...)``
after seeding households and their checks, then times ``applicant_pages(...)`` with
``time_applicant_pages``.

Every household that has been invited to apply (past its initial visit, or any kinship
household past referral) gets accounts for its joint applicants and most of its other
adults, and an application with every task row the application feature would make. A sent
application has complete answers (ten years of addresses, the household's people, 3 to 5
referees...); one still being filled in has some tasks done, one part done and the rest not
started. The household also gets messages with its worker (a few threads run to hundreds),
document requests with some files sent (rows only: no page timed here reads a file's
bytes), and visits, past and to come.

Each timed request is made signed in as one applicant of a sample spread over the stages,
through the real session: ``carers.applicants.sessions.start`` in a request context, its
cookie set on the applicants' test client (as ``tests.helpers.sign_in_applicant`` does),
untimed, just before the request.
"""

from __future__ import annotations

import multiprocessing
import random
import time
from collections import deque
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time

from sqlalchemy import select, text

from bench.measure import QueryCounter, Result, time_page
from bench.people import Pools, make_pools
from bench.seed import driver_rows, table_of, write_chunk
from carers.applicants.models import Applicant
from carers.application import rules
from carers.application.models import Application, ApplicationTask, Declaration
from carers.cases.models import Household, HouseholdMember, case_worker
from carers.checks.rules import add_years
from carers.extensions import db
from carers.messages.models import Message, MessageReader
from carers.pipeline import Stage
from carers.uploads.models import DocumentRequest, UploadedDocument
from carers.uploads.rules import DocumentKind
from carers.visits.models import Visit, visit_worker

WARMUP = 3
CHUNK = 5000  # households per transaction

# Not invited yet: nobody has been to see them (a kinship referral is being looked at).
NOT_INVITED = {Stage.ENQUIRY, Stage.INITIAL_CONTACT, Stage.REFERRAL,
               Stage.CLOSED_BEFORE_APPLICATION}
# Invited and still filling the application in: it has not been sent.
FILLING_IN = {Stage.INITIAL_VISIT, Stage.VIABILITY_ASSESSMENT, Stage.REG24_TEMPORARY_APPROVAL}
INVITED_AT_INITIAL_VISIT = 0.7  # the rest have not had their initial visit yet
ADULT_ACCOUNT = 0.7  # another adult of the household with their own account
# Messages per household: (share, fewest, most).
THREADS = ((0.15, 0, 0), (0.7, 1, 12), (0.14, 12, 40), (0.01, 100, 300))
MESSAGES = [
    "Thank you for the visit yesterday. We have a question about the bedrooms.",
    "Could we move Thursday's session to the afternoon?",
    "I have sent the documents you asked for.",
    "Thanks, that is all received. Your next session is on the calendar.",
    "The DBS forms are in the post to you; please send them back when you can.",
    "We have booked you on the Skills to Foster course starting next month.",
    "Just checking you received our references' details.",
    "Your referee has been in touch and the interview is booked.",
]
REQUESTED = (DocumentKind.IDENTITY, DocumentKind.PROOF_OF_ADDRESS,
             DocumentKind.DRIVING_LICENCE, DocumentKind.MARRIAGE_CERTIFICATE,
             DocumentKind.CAR_INSURANCE, DocumentKind.PET_INSURANCE)
VISIT_KINDS = {True: ("assessment_session", "health_and_safety_check", "other"),
               False: ("initial_home_visit",)}
COUNCILS = ("Northmoor", "Leeds", "York", "Bradford", "Kirklees", "Calderdale", "Wakefield",
            "Manchester", "Sheffield")
JOBS = ("Teaching assistant", "Nurse", "Bus driver", "Accountant", "Shop manager",
        "Care worker", "Electrician", "Civil servant", "Chef", "Police officer")
# A member's relationship on the case, as the household task's answer (its form's choices).
LIVING_WITH = {"partner": "partner", "parent": "parent", "lodger": "lodger",
               "relative": "other"}
RELATIVES = ("Sister", "Brother", "Mother", "Father", "Aunt", "Cousin")
FRIENDS = ("Friend", "Neighbour", "Colleague", "Friend from church", "Former teacher")
TABLES = (("applicants", Applicant), ("applications", Application),
          ("tasks", ApplicationTask), ("declarations", Declaration),
          ("messages", Message), ("readers", MessageReader),
          ("requests", DocumentRequest), ("uploads", UploadedDocument),
          ("visits", Visit), ("visit_workers", visit_worker))
# Explicit ids (rows refer to them before they are written): at most this many per household.
PER_HOUSEHOLD = {"applicants": 8, "messages": 1000, "requests": 50, "visits": 50}


@dataclass(frozen=True)
class Context:
    seed: int
    today: date
    now: datetime
    pools: Pools


_CONTEXT: Context | None = None
_DIALECT = None  # the engine's dialect, inherited by forked worker processes


def _init_worker(context: Context) -> None:
    global _CONTEXT
    _CONTEXT = context


# --- answers, in the shapes the application feature stores ---

def _day(value: date) -> str:
    return value.isoformat()


def _between(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _name(rng: random.Random, pools: Pools, last: str | None = None) -> str:
    return f"{rng.choice(pools.first_names)} {last or rng.choice(pools.last_names)}"


def _contact(rng: random.Random, pools: Pools, name: str) -> dict:
    return {"email": f"{name.lower().replace(' ', '.').replace(chr(39), '')}"
                     f"{rng.randint(1, 99)}@example.com",
            "phone": rng.choice(pools.phones),
            "address": f"{rng.choice(pools.streets)}, {rng.choice(pools.towns)} "
                       f"{rng.choice(pools.postcodes)}"}


def _addresses(rng: random.Random, pools: Pools, today: date, current: str | None,
               postcode: str | None) -> list[dict]:
    """Ten years and a bit of addresses, newest first, each move-in the day after the last
    move-out: no gap, no overlap."""
    start_of_history = add_years(today, -10) - timedelta(days=rng.randint(0, 900))
    moves = sorted(_between(rng, start_of_history, today - timedelta(days=60))
                   for _ in range(rng.choice((0, 1, 1, 2, 2, 3, 4, 5))))
    starts = [start_of_history, *moves]
    out = []
    for index, lived_from in enumerate(starts):
        last = index == len(starts) - 1
        lived_to = None if last else starts[index + 1] - timedelta(days=1)
        if lived_to is not None and lived_to < lived_from:
            continue
        line_1 = (current or rng.choice(pools.streets)).split(",")[0] if last \
            else rng.choice(pools.streets)
        out.append({"line_1": line_1, "town": rng.choice(pools.towns),
                    "postcode": (postcode if last else None) or rng.choice(pools.postcodes),
                    "local_authority": rng.choice(COUNCILS),
                    "lived_from": _day(lived_from),
                    "lived_to": _day(lived_to) if lived_to else None})
    return list(reversed(out))


def _personal(rng, pools, today, person, household, applicant: bool) -> dict[str, dict]:
    """Complete answers to a person's own tasks."""
    name, born = person["name"], person["born"]
    answers = {"about_you": {
        "full_name": name,
        "previous_names": [_name(rng, pools)] if rng.random() < 0.3 else [],
        "date_of_birth": _day(born), "sex": rng.choice(("female", "male")),
        "nationality": "British" if rng.random() < 0.85 else "Irish",
        "languages": "English" if rng.random() < 0.8 else "English and Urdu",
        "religion": rng.choice((None, "Christian", "Muslim", "None")),
        "ethnicity": rng.choice((None, "White British", "Asian British", "Black British")),
        "email": person["email"], "phone": rng.choice(pools.phones)}}
    if not applicant:
        answers["consents"] = _consents(rules.ADULT, answers, today)
        return answers
    status = rng.choice(("employed", "employed", "employed", "self_employed", "not_working",
                         "retired"))
    working = status in ("employed", "self_employed")
    employer = _name(rng, pools) + " Ltd" if working else None
    answers["work"] = {
        "status": status, "job_title": rng.choice(JOBS) if working else None,
        "employer_name": employer, "hours": rng.choice(("Full time", "Part time", "30"))
        if working else None,
        **({"employer_email": "hr@example.com", "employer_phone": rng.choice(pools.phones),
            "employer_address": rng.choice(pools.streets)} if status == "employed" else
           {"employer_email": None, "employer_phone": None, "employer_address": None}),
        "income_annual": rng.randint(12, 60) * 1000 if working else None,
        "other_income": None}
    well = rng.random() < 0.8
    answers["health"] = {
        "good_health": well, "conditions": None if well else "Asthma, well controlled",
        "medication": None if well else "An inhaler", "gp_name": f"Dr {_name(rng, pools)}",
        "gp_address": f"{rng.choice(pools.streets)}, {rng.choice(pools.towns)}"}
    partner = person.get("partner")
    past = []
    for _ in range(rng.choice((0, 0, 1, 1, 2))):
        ended = _between(rng, add_years(today, -20), add_years(today, -3))
        past.append({"name": _name(rng, pools), "from": _day(add_years(ended, -3)),
                     "to": _day(ended), **_contact(rng, pools, name),
                     "children_together": rng.random() < 0.3})
    answers["relationships"] = {
        "current_partner": {"name": partner, "since": _day(add_years(today, -rng.randint(
            2, 25)))} if partner else None,
        "past_partners": past}
    answers["addresses"] = {"addresses": _addresses(rng, pools, today, household["address"],
                                                    household["postcode"])}
    before = rng.random() < 0.1
    answers["earlier_applications"] = {
        "any": before,
        "applications": [{"kind": rng.choice(("foster", "adopt", "childmind")),
                          "agency": f"{rng.choice(COUNCILS)} Council",
                          "year": today.year - rng.randint(2, 15),
                          "outcome": "Withdrew"}] if before else []}
    answers["consents"] = _consents(rules.APPLICANT, answers, today)
    return answers


def _consents(role: str, answers: dict, today: date) -> dict:
    """Consent to every check the person needs (from their role and answers)."""
    return {**{key: True for key in rules.consents_needed(role, answers)},
            "consented_on": _day(today)}


def _shared(rng, pools, today, household, others) -> dict[str, dict]:
    """Complete answers to the household's tasks: everyone else who lives there, the home
    and 3 to 5 referees (at least one a relative)."""
    people = [{"name": o["name"], "date_of_birth": _day(o["born"]),
               "relationship": o["relationship"], "lives_here": True} for o in others]
    elsewhere = [{"name": _name(rng, pools), "date_of_birth": _day(_between(
        rng, add_years(today, -30), add_years(today, -2))),
        "relationship": rng.choice(("son", "daughter")),
        "lives_with": "Their other parent"} for _ in range(rng.choice((0, 0, 0, 1, 2)))]
    tenure = rng.choice(("owned", "owned", "rented", "other"))
    pets = rng.random() < 0.4
    referees = []
    for n in range(rng.randint(3, 5)):
        relative = n == 0 or rng.random() < 0.25
        name = _name(rng, pools)
        referees.append({"name": name, "relationship": rng.choice(RELATIVES if relative
                                                                  else FRIENDS),
                         "is_relative": relative, **_contact(rng, pools, name),
                         "known_years": rng.randint(3, 40)})
    bedrooms = rng.randint(2, 5)
    return {
        "household": {"people": people, "children_elsewhere": elsewhere},
        "home": {"tenure": tenure, "landlord_consent": True if tenure == "rented" else None,
                 "bedrooms": bedrooms, "spare_bedrooms": rng.randint(1, bedrooms - 1),
                 "spare_bedroom_details": "A double room at the back, next to the bathroom",
                 "has_pets": pets, "pets_details": "A dog, Bramble, 6 years old" if pets
                 else None, "smoking": False, "smoking_details": None},
        "referees": {"referees": referees},
    }


def _part_done(rng: random.Random, key: str, answers: dict) -> dict:
    """Some of a task's answers, as a save part way through leaves them."""
    if key == "addresses":
        return {"addresses": answers["addresses"][:max(1, len(answers["addresses"]) // 2)]}
    if key == "referees":
        return {"referees": answers["referees"][:rng.randint(1, 2)]}
    keys = list(answers)
    return {k: answers[k] for k in keys[:max(1, len(keys) // 2)]}


# --- one household's rows ---

def _household_rows(h: dict, rng: random.Random, ctx: Context, out: dict) -> None:
    pools, today, now = ctx.pools, ctx.today, ctx.now
    hid, stage = h["id"], Stage(h["stage"])
    sent = stage not in FILLING_IN
    workers = h["workers"] or [h["fallback_worker"]]
    worker = workers[0]
    invited_on = h["invited_on"]
    invited_at = datetime.combine(invited_on, clock_time(11, 0), tzinfo=UTC)

    # Accounts: the joint applicants, and most other adults living there.
    applying = [m for m in h["members"] if m["is_applicant"]]
    adults = [m for m in h["members"] if not m["is_applicant"] and m["adult"]
              and rng.random() < ADULT_ACCOUNT]
    others = [m for m in h["members"] if not m["is_applicant"]]
    people = []
    base = hid * PER_HOUSEHOLD["applicants"]
    for n, (member, role) in enumerate([(m, rules.APPLICANT) for m in applying]
                                       + [(m, rules.ADULT) for m in adults]):
        aid = base + n
        person = {"id": aid, "role": role, "name": member["name"], "born": member["born"],
                  "email": f"applicant{aid}@bench.carers.example"}
        people.append(person)
        signed_in = invited_at + timedelta(days=rng.randint(0, 20), hours=rng.randint(0, 8))
        out["applicants"].append({
            "id": aid, "household_id": hid, "member_id": member["id"], "role": role,
            "name": member["name"], "email": person["email"],
            "phone": rng.choice(pools.phones), "active": True, "invited_at": invited_at,
            "invited_by_id": worker, "last_sign_in_at": min(signed_in, now),
            "created_at": invited_at})
    joint = [p for p in people if p["role"] == rules.APPLICANT]
    if len(joint) == 2:
        joint[0]["partner"], joint[1]["partner"] = joint[1]["name"], joint[0]["name"]

    # The application: every row the application feature makes, answered by stage.
    out["applications"].append({
        "id": hid, "household_id": hid, "form": rules.KINSHIP
        if h["pathway"] == "connected_person" else rules.FOSTER,
        "started_at": invited_at,
        "submitted_at": datetime.combine(h["sent_on"], clock_time(15, 0), tzinfo=UTC)
        if sent else None})
    answers: dict[tuple[str, int | None], dict] = {}
    for p in people:
        for key, value in _personal(rng, pools, today, p, h,
                                    p["role"] == rules.APPLICANT).items():
            answers[(key, p["id"])] = value
    for key, value in _shared(rng, pools, today, h, others).items():
        answers[(key, None)] = value
    needed = rules.rows_needed([(p["id"], p["role"]) for p in people])
    # How far through a household still filling it in is: tasks in order, per row.
    done_upto = len(needed) if sent else rng.randint(0, len(needed))
    for index, (key, person_id) in enumerate(needed):
        full = answers[(key, person_id)]
        # Rows come in task order, consents last: a completed consent follows the rest.
        if index < done_upto:
            status, value = rules.COMPLETED, full
        elif index == done_upto and key != "consents":
            status, value = rules.IN_PROGRESS, _part_done(rng, key, full)
        else:
            status, value = rules.NOT_STARTED, {}
        updated = invited_at + timedelta(days=rng.randint(0, 30))
        out["tasks"].append({
            "application_id": hid, "task": key, "applicant_id": person_id, "answers": value,
            "status": status, "version": 1 + (status != rules.NOT_STARTED) * rng.randint(1, 9),
            "updated_at": min(updated, now),
            "updated_by_id": (person_id or joint[0]["id"]) if status != rules.NOT_STARTED
            else None,
            "reopened_reason": None, "reopened_at": None, "reopened_by_id": None})
    if sent:
        for p in joint:
            out["declarations"].append({
                "application_id": hid, "applicant_id": p["id"],
                "declared_at": datetime.combine(h["sent_on"], clock_time(14, 0), tzinfo=UTC)})

    # Messages with the worker, and where each reader has read up to.
    roll, wanted = rng.random(), 0
    for share, fewest, most in THREADS:
        if roll < share:
            wanted = rng.randint(fewest, most)
            break
        roll -= share
    span = max(1, (min(today, h["last_on"]) - invited_on).days)
    times = sorted(invited_at + timedelta(days=rng.randint(0, span), minutes=rng.randint(
        0, 480)) for _ in range(wanted))
    ids = []
    for n, sent_at in enumerate(times):
        mid = hid * PER_HOUSEHOLD["messages"] + n
        ids.append(mid)
        author = rng.choice(people) if rng.random() < 0.5 else None
        out["messages"].append({
            "id": mid, "household_id": hid,
            "author_applicant_id": author["id"] if author else None,
            "author_user_id": None if author else worker,
            "author_name": author["name"] if author else "Your social worker",
            "body": rng.choice(MESSAGES), "sent_at": min(sent_at, now)})
    for p in people:
        read = ids[-1 - rng.choice((0, 0, 0, 1, 2))] if len(ids) > 2 else 0
        out["readers"].append({"household_id": hid, "applicant_id": p["id"], "user_id": None,
                               "last_read_message_id": read, "last_read_at": now,
                               "last_notified_at": None})
    if ids:
        out["readers"].append({"household_id": hid, "applicant_id": None, "user_id": worker,
                               "last_read_message_id": ids[-1], "last_read_at": now,
                               "last_notified_at": None})

    # Documents asked for (about the joint applicants), and the files sent for them.
    for n in range(rng.randint(1, 6) if joint else 0):
        rid = hid * PER_HOUSEHOLD["requests"] + n
        about = rng.choice([m for m in h["members"] if m["is_applicant"]])
        asked = invited_at + timedelta(days=rng.randint(0, 40))
        files = rng.choice((0, 1, 1, 1, 2))
        accepted = files and rng.random() < 0.6
        cancelled = not files and rng.random() < 0.05
        out["requests"].append({
            "id": rid, "household_id": hid, "member_id": about["id"],
            "kind": rng.choice(REQUESTED).value, "description": None,
            "note": "A clear photo or scan is fine" if rng.random() < 0.3 else None,
            "requested_by_id": worker, "requested_at": min(asked, now),
            "fulfilled_at": min(asked + timedelta(days=9), now) if accepted else None,
            "fulfilled_by_id": worker if accepted else None,
            "cancelled_at": min(asked + timedelta(days=5), now) if cancelled else None,
            "cancelled_by_id": worker if cancelled else None})
        for k in range(files):
            pdf = rng.random() < 0.6
            out["uploads"].append({
                "household_id": hid, "request_id": rid,
                "uploaded_by_id": rng.choice(joint)["id"],
                "original_name": f"scan-{k + 1}.{'pdf' if pdf else 'jpg'}",
                "stored_name": f"{rid:010d}{k:02d}{rng.getrandbits(128):032x}",
                "content_type": "application/pdf" if pdf else "image/jpeg",
                "size": rng.randint(80_000, 4_000_000),
                "sha256": f"{rng.getrandbits(256):064x}", "comment": None,
                "uploaded_at": min(asked + timedelta(days=rng.randint(1, 8)), now)})

    # Visits: those held, and for a case still open, perhaps one or two to come.
    visits = [(False, _between(rng, invited_on - timedelta(days=20), invited_on))]
    visits += [(False, _between(rng, invited_on, min(today, h["last_on"])))
               for _ in range(rng.randint(0, 5) if sent else rng.randint(0, 1))]
    if stage.is_open and stage is not Stage.APPROVED:
        visits += [(True, today + timedelta(days=rng.randint(1, 56)))
                   for _ in range(rng.choice((0, 1, 1, 2)))]
    for n, (upcoming, on) in enumerate(sorted(visits, key=lambda v: v[1])):
        vid = hid * PER_HOUSEHOLD["visits"] + n
        starts = datetime.combine(on, clock_time(rng.choice((9, 10, 13, 14, 16))), tzinfo=UTC)
        minutes = rng.choice((60, 90, 120))
        ends = starts + timedelta(minutes=minutes)
        kind = VISIT_KINDS[n > 0][rng.randrange(len(VISIT_KINDS[n > 0]))]
        out["visits"].append({
            "id": vid, "uid": f"bench-visit-{vid}@bench.carers.example", "household_id": hid,
            "kind": kind, "starts_at": starts, "ends_at": ends, "duration_minutes": minutes,
            "place": "home", "location": ", ".join(p for p in (h["address"], h["postcode"])
                                                    if p) or "The family home",
            "notes": None, "status": Visit.BOOKED if upcoming else Visit.TOOK_PLACE,
            "status_reason": None, "write_up": None if upcoming else "Visit went well.",
            "written_up_at": None if upcoming else ends, "ics_sequence": 0,
            "reminder_due_at": starts - timedelta(hours=24),
            "reminder_sent_at": None if upcoming and starts - timedelta(hours=24) > now
            else starts - timedelta(hours=24),
            "created_by_id": worker, "created_at": min(starts - timedelta(days=7), now),
            "updated_at": min(starts - timedelta(days=7), now), "version": 1})
        # The bench's 40 workers hold 100,000 households, far more visits than a diary does,
        # so their attendance is not marked as blocking their time (on PostgreSQL an
        # exclusion constraint keeps blocking rows from overlapping).
        out["visit_workers"].append({"visit_id": vid, "user_id": worker, "starts_at": starts,
                                     "ends_at": ends, "blocks": False})


def generate_chunk(households: list[dict]) -> dict:
    """One chunk's rows, ready for the driver: ``{key: (sql, parameters, count)}``."""
    ctx = _CONTEXT
    assert ctx is not None and _DIALECT is not None
    rng = random.Random(f"{ctx.seed}-applicants-{households[0]['id']}")
    out: dict[str, list] = {key: [] for key, _ in TABLES}
    for h in households:
        _household_rows(h, rng, ctx, out)
    return {"prepared": {key: driver_rows(table_of(target), out[key], _DIALECT)
                         for key, target in TABLES if out[key]},
            "households": len(households)}


# --- reading the households, writing the rows ---

def _invited(rng: random.Random, stage: Stage) -> bool:
    if stage in NOT_INVITED:
        return False
    return stage is not Stage.INITIAL_VISIT or rng.random() < INVITED_AT_INITIAL_VISIT


def _chunks(chunk: int, seed_value: int, today: date):
    """The invited households, ``chunk`` households of the database at a time, each as a
    picklable dict with its members and workers."""
    rng = random.Random(f"{seed_value}-invited")
    fallback = db.session.scalar(select(case_worker.c.user_id).limit(1))
    last_id = 0
    while True:
        rows = db.session.execute(
            select(Household.id, Household.stage, Household.pathway, Household.address,
                   Household.postcode, Household.stage_since, Household.created_at,
                   Household.initial_visit_on, Household.referral_received_on,
                   Household.application_received_on, Household.closed_on,
                   Household.decided_on)
            .where(Household.id > last_id).order_by(Household.id).limit(chunk)).all()
        if not rows:
            return
        first, last_id = rows[0].id, rows[-1].id
        invited = {r.id: r for r in rows if _invited(rng, Stage(r.stage))}
        if not invited:
            continue
        members: dict[int, list[dict]] = {}
        for m in db.session.execute(
                select(HouseholdMember.id, HouseholdMember.household_id, HouseholdMember.name,
                       HouseholdMember.is_applicant, HouseholdMember.date_of_birth,
                       HouseholdMember.age_at_enquiry, HouseholdMember.relationship_to_applicant,
                       HouseholdMember.lives_in_household)
                .where(HouseholdMember.household_id.between(first, last_id))
                .order_by(HouseholdMember.household_id, HouseholdMember.position)):
            if m.household_id not in invited or m.lives_in_household is False:
                continue
            age = m.age_at_enquiry if m.date_of_birth is None else \
                (today - m.date_of_birth).days // 365
            born = m.date_of_birth or (today - timedelta(days=365 * (age or 30)
                                                         + rng.randint(0, 364)))
            members.setdefault(m.household_id, []).append({
                "id": m.id, "name": m.name, "is_applicant": bool(m.is_applicant),
                "adult": bool(m.is_applicant) or (age or 0) >= 18, "born": born,
                "relationship": LIVING_WITH.get(m.relationship_to_applicant or "", "other")
                if m.relationship_to_applicant != "child" else rng.choice(("son", "daughter"))})
        workers: dict[int, list[int]] = {}
        for hid, user_id in db.session.execute(
                select(case_worker.c.household_id, case_worker.c.user_id)
                .where(case_worker.c.household_id.between(first, last_id))
                .order_by(case_worker.c.household_id, case_worker.c.user_id)):
            workers.setdefault(hid, []).append(user_id)
        out = []
        for hid, r in invited.items():
            if not any(m["is_applicant"] for m in members.get(hid, [])):
                continue
            started = r.created_at.date()
            invited_on = max(started, r.initial_visit_on or r.referral_received_on or started)
            sent_on = max(invited_on, r.application_received_on or r.stage_since or invited_on)
            last_on = r.closed_on or r.decided_on or today
            out.append({"id": hid, "stage": r.stage, "pathway": r.pathway,
                        "address": r.address, "postcode": r.postcode,
                        "invited_on": min(invited_on, today), "sent_on": min(sent_on, today),
                        "last_on": max(min(last_on, today), invited_on),
                        "members": members[hid], "workers": workers.get(hid, []),
                        "fallback_worker": fallback})
        if out:
            yield out




def seed_applicants(today: date, seed_value: int = 2026, chunk: int = CHUNK, jobs: int = 1,
                    log=print) -> dict:
    """Accounts, applications, messages, documents and visits for every invited household
    already in the database, generated in ``jobs`` processes and written with bulk INSERTs
    (COPY on PostgreSQL), one transaction per chunk. Returns the row counts and seconds."""
    started = time.perf_counter()
    context = Context(seed_value, today, datetime.now(UTC), make_pools(seed_value))
    global _DIALECT
    _DIALECT = db.engine.dialect
    totals: dict[str, int] = {}

    def generated():
        if jobs <= 1:
            _init_worker(context)
            yield from map(generate_chunk, _chunks(chunk, seed_value, today))
            return
        with multiprocessing.get_context("fork").Pool(
                jobs, initializer=_init_worker, initargs=(context,)) as pool:
            waiting: deque = deque()
            for households in _chunks(chunk, seed_value, today):
                waiting.append(pool.apply_async(generate_chunk, (households,)))
                if len(waiting) > jobs:
                    yield waiting.popleft().get()
            while waiting:
                yield waiting.popleft().get()

    done = 0
    for out in generated():
        write_chunk(out, totals, TABLES)
        done += out["households"]
        log(f"  {done:>7,} households with applicants  "
            f"{time.perf_counter() - started:6.1f} s", end="\r")
    log()
    if db.engine.dialect.name == "postgresql":
        for table in ("applicant", "application", "application_task",
                      "application_declaration", "message", "message_reader",
                      "document_request", "uploaded_document", "visit"):  # fixed names
            db.session.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"(SELECT coalesce(max(id), 1) FROM {table}))"))
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for table in ("applicant", "application", "application_task", "message",
                          "message_reader", "document_request", "uploaded_document",
                          "visit", "visit_worker"):
                conn.execute(text(f"VACUUM ANALYZE {table}"))
    return {"households": done, "totals": totals, "seconds": time.perf_counter() - started}


# --- measuring ---

@dataclass(frozen=True)
class Sampled:
    applicant_id: int
    stage: str
    role: str
    sent: bool


def seeded_applicants() -> list[Sampled]:
    """Every applicant account with its household's stage and whether its application has
    been sent."""
    return [Sampled(r.id, r.stage, r.role, r.submitted_at is not None)
            for r in db.session.execute(
                select(Applicant.id, Applicant.role, Household.stage,
                       Application.submitted_at)
                .join(Household, Household.id == Applicant.household_id)
                .join(Application, Application.household_id == Applicant.household_id)
                .where(Applicant.active.is_(True)).order_by(Applicant.id))]


def spread(people: list[Sampled], count: int, rng: random.Random) -> list[Sampled]:
    """``count`` people, taken in turn from each stage (a stage with few people gives what
    it has): a sample spread over the stages rather than weighted to the commonest."""
    by_stage: dict[str, list[Sampled]] = {}
    for person in people:
        by_stage.setdefault(person.stage, []).append(person)
    for group in by_stage.values():
        rng.shuffle(group)
    chosen: list[Sampled] = []
    stages = sorted(by_stage)
    while len(chosen) < count and any(by_stage.values()):
        for stage in stages:
            if by_stage[stage] and len(chosen) < count:
                chosen.append(by_stage[stage].pop())
    rng.shuffle(chosen)
    if chosen and len(chosen) < count:
        chosen += rng.choices(chosen, k=count - len(chosen))
    return chosen


def applicant_pages(people: list[Sampled], count: int, seed_value: int,
                    warmup: int = WARMUP) -> list[tuple[str, list[tuple[int, str]]]]:
    """Each page's requests as (applicant id, URL): ``warmup`` untimed, then ``count``
    timed, each by a different applicant where there are enough."""
    rng = random.Random(f"{seed_value}-applicant-pages")
    total = warmup + count
    joint = [p for p in people if p.role == rules.APPLICANT]
    filling_in = [p for p in joint if not p.sent]
    address_page = "/apply/tasks/addresses/addresses"
    return [(name, [(p.applicant_id, url) for p in spread(group, total, rng)])
            for name, group, url in (
                ("applicant: progress", people, "/apply/progress"),
                ("applicant: task list", people, "/apply/application"),
                ("applicant: addresses (filling in)", filling_in, address_page),
                ("applicant: addresses, answers", joint,
                 "/apply/tasks/addresses/check-answers"),
            ) if group]


def sign_in_as(app, client, applicant_id: int) -> None:
    """Sign ``client`` in as the applicant the way their emailed code does: start a session
    (``carers.applicants.sessions.start``) and give the browser its cookie."""
    from flask import session as cookie_session

    from carers.applicants import sessions

    with app.test_request_context():
        sessions.start(db.session.get(Applicant, applicant_id))
        db.session.commit()
        token = cookie_session[sessions.COOKIE_KEY]
    with client.session_transaction() as cookie:
        cookie[sessions.COOKIE_KEY] = token


def time_applicant_pages(app, counter: QueryCounter, pages, warmup: int = WARMUP
                         ) -> list[Result]:
    """Time each page, signed in before each request (untimed) as its applicant."""
    client = app.test_client()
    results = []
    for name, requests in pages:
        urls = [url for _, url in requests]
        results.append(time_page(client, counter, name, urls, warmup,
                                 before=lambda n, r=requests: sign_in_as(app, client, r[n][0])))
    return results


def describe(people: list[Sampled]) -> str:
    joint = sum(1 for p in people if p.role == rules.APPLICANT)
    sent = sum(1 for p in people if p.sent)
    return (f"{len(people):,} applicant accounts ({joint:,} joint applicants, "
            f"{len(people) - joint:,} other adults), {sent:,} of them in households that "
            "have sent their application")
