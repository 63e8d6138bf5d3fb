"""Test data in one line: staff, teams, enquiries, households (cases), their events and tasks.

Every ``make_*`` helper adds its rows and commits, so the data is visible to requests made
with the test client; ``bulk_*`` helpers insert thousands of rows in a single statement
each, for tests that need a big table quickly (query counts, pagination).

Dates default to a week before today (so a test under time-machine gets dates relative to
its travelled "today"); pass keyword arguments to set any column, for example
``make_household("mainstream", "stage1", application_received_on=date(2027, 2, 1))``."""

from __future__ import annotations

import itertools
import re
import secrets
from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from flask.testing import FlaskClient
from sqlalchemy import insert, select

from carers.auth.models import User
from carers.auth.operations import create_user
from carers.cases.models import CaseEvent, Household, HouseholdMember, Task, Team, case_worker
from carers.cases.state import next_due
from carers.core.dates import today, utcnow
from carers.enquiries.models import KINSHIP, MAINSTREAM, Enquiry, EnquiryPerson
from carers.extensions import db
from carers.pipeline import Pathway, Stage
from carers.settings.registry import agency_settings

PASSWORD = "correct horse battery"
_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|'
                   r'type="hidden" name="csrf_token" value="([^"]+)"')

_counter = itertools.count(1)


def _unique() -> str:
    """Short, unique and readable: a counter plus random letters."""
    return f"{next(_counter)}{secrets.token_hex(3)}".upper()


# --- people and teams ---

def make_team(name: str | None = None) -> Team:
    team = Team(name=name or f"Team {_unique()}")
    db.session.add(team)
    db.session.commit()
    return team


def make_staff(role: str | Sequence[str] = "recruitment_officer", *, name: str | None = None,
               team: Team | None = None, email: str | None = None,
               password: str = PASSWORD) -> User:
    """A member of staff with one role (or several), optionally in a team."""
    roles = [role] if isinstance(role, str) else list(role)
    suffix = _unique()
    user = create_user(email or f"{roles[0]}-{suffix.lower()}@example.gov.uk",
                       name or f"{roles[0].replace('_', ' ').title()} {suffix}", password, roles)
    user.team_id = team.id if team is not None else None
    db.session.commit()
    return user


def csrf_token(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = _CSRF.search(html)
    assert match, "page has no CSRF token"
    return match.group(1) or match.group(2)


def sign_in(client: FlaskClient, user: User, password: str = PASSWORD) -> None:
    """Sign ``user`` in on ``client`` through the sign-in form (CSRF token and all)."""
    page = client.get("/staff/sign-in")
    response = client.post("/staff/sign-in", data={
        "csrf_token": csrf_token(page.get_data(as_text=True)),
        "email": user.email, "password": password})
    assert response.status_code == 302, "sign in failed"


class ContextPerRequestClient(FlaskClient):
    """A test client whose every request runs in its own application context, as in
    production: a fresh database session and ``g`` per request, removed afterwards.

    (The ordinary test client reuses the test's application context, so requests share one
    SQLAlchemy session and its identity map with the test and with each other.)"""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


def isolated_client(app) -> ContextPerRequestClient:
    return ContextPerRequestClient(app, app.response_class, use_cookies=True)


# --- enquiries ---

def make_enquiry(people: Iterable[dict] = (), **overrides) -> Enquiry:
    """A submitted enquiry. ``pathway="kinship"`` (or ``knows_child=True``) makes a kinship
    enquiry; ``people`` are dicts of EnquiryPerson fields (name, relationship_to_enquirer,
    age, applying)."""
    kinship = overrides.get("pathway") == KINSHIP or overrides.get("knows_child") is True
    fields = dict(
        reference=f"ENQ-{secrets.token_hex(2).upper()}-{secrets.token_hex(2).upper()}",
        received_at=utcnow() - timedelta(days=7),
        pathway=KINSHIP if kinship else MAINSTREAM,
        first_name="Siân", last_name="O'Brien", date_of_birth=date(1984, 2, 14),
        email="sian.obrien@example.com", phone="07700 900 982", preferred_contact="phone",
        address_line_1="12 Chapel Street", town="Northmoor", postcode="NM1 2AB",
        property_type="house", tenure="owned", bedrooms=4, spare_bedrooms=2,
        fostering_types=["short_term"], knows_child=kinship,
        child_name="Mia O'Brien" if kinship else None,
        child_relationship="grandparent" if kinship else None,
        heard_about="friend_family", privacy_consent_at=utcnow(),
    )
    fields.update(overrides)
    enquiry = Enquiry(**fields)
    for position, person in enumerate(people):
        enquiry.people.append(EnquiryPerson(position=position, **{
            "relationship_to_enquirer": "partner", "age": 40, "applying": False, **person}))
    db.session.add(enquiry)
    db.session.commit()
    return enquiry


# --- households (cases) ---

def new_reference() -> str:
    return f"FC-{secrets.token_hex(4).upper()}"


def household_fields(pathway: str | Pathway = Pathway.MAINSTREAM,
                     stage: str | Stage | None = None, **fields) -> dict:
    """Column values for one household row: sensible defaults for its pathway, then
    ``fields``. ``next_due_on`` and ``next_due_label`` are left to the caller."""
    pathway = Pathway(pathway)
    kinship = pathway is Pathway.CONNECTED_PERSON
    stage = Stage(stage or (Stage.REFERRAL if kinship else Stage.ENQUIRY))
    received = fields.pop("received_on", None) or today() - timedelta(days=7)
    row = dict(
        reference=new_reference(), name=f"Household {_unique()}", pathway=pathway.value,
        stage=stage.value, stage_since=received, version=1,
        created_at=utcnow(), updated_at=utcnow(),
    )
    if kinship:
        row |= dict(referral_received_on=received, child_name="Amy Smith",
                    child_date_of_birth=date(2019, 5, 2), child_la_reference="LA-12345",
                    child_relationship="Maternal grandmother")
    else:
        row |= dict(enquiry_received_on=received)
    row.update(fields)
    return row


def make_household(pathway: str | Pathway = Pathway.MAINSTREAM,
                   stage: str | Stage | None = None, team: Team | None = None,
                   workers: Iterable[User] = (), *, on: date | None = None,
                   **dates) -> Household:
    """One case, committed. ``dates`` (and any other column) are set as given; the stored
    next deadline is worked out from them as of ``on`` (default today) unless
    ``next_due_on`` is given."""
    fields = household_fields(pathway, stage, **dates)
    fields.setdefault("team_id", team.id if team is not None else None)
    household = Household(**fields)
    household.members.append(HouseholdMember(position=0, name=household.name,
                                             relationship_to_applicant="applicant",
                                             is_applicant=True))
    household.workers = list(workers)
    if "next_due_on" not in dates:
        household.next_due_on, household.next_due_label = next_due(
            household, on or today(), agency_settings())
    db.session.add(household)
    db.session.commit()
    return household


def bulk_households(count: int, pathway: str | Pathway = Pathway.MAINSTREAM,
                    stage: str | Stage | None = None, team: Team | None = None,
                    workers: Iterable[User] = (), **fields) -> list[int]:
    """``count`` households in one INSERT (plus one for their workers); returns their ids.

    ``fields`` may hold callables of the row's index, e.g. ``next_due_on=lambda i: ...``."""
    rows = []
    for i in range(count):
        values = {k: (v(i) if callable(v) else v) for k, v in fields.items()}
        row = household_fields(pathway, stage, **values)
        row.setdefault("team_id", team.id if team is not None else None)
        rows.append(row)
    db.session.execute(insert(Household), rows)
    references = [row["reference"] for row in rows]
    ids = []
    for chunk in range(0, len(references), 500):
        ids += db.session.scalars(select(Household.id).where(
            Household.reference.in_(references[chunk:chunk + 500]))).all()
    workers = list(workers)
    if workers and ids:
        db.session.execute(insert(case_worker), [
            {"household_id": hid, "user_id": w.id} for hid in ids for w in workers])
    db.session.commit()
    return ids


def bulk_events(household: Household | int, count: int, user: User | None = None,
                kind: str = CaseEvent.NOTE, on: date | None = None) -> None:
    """``count`` timeline entries on one case, in one INSERT, a second apart."""
    hid = household if isinstance(household, int) else household.id
    now = utcnow()
    db.session.execute(insert(CaseEvent), [
        {"household_id": hid, "at": now - timedelta(seconds=count - i),
         "happened_on": on or today(),
         "user_id": user.id if user else None, "kind": kind, "summary": f"Event {i}",
         "body": f"Body {i}"} for i in range(count)])
    db.session.commit()


def bulk_tasks(household: Household | int, owner: User, count: int,
               due_on: date | None = None, created_by: User | None = None) -> None:
    """``count`` open tasks on one case for ``owner``, in one INSERT (due in a week)."""
    hid = household if isinstance(household, int) else household.id
    db.session.execute(insert(Task), [
        {"household_id": hid, "title": f"Task {i}", "owner_id": owner.id,
         "due_on": due_on or today() + timedelta(days=7),
         "created_by_id": (created_by or owner).id, "created_at": utcnow()}
        for i in range(count)])
    db.session.commit()


def bulk_insert(model, rows: list[dict]) -> None:
    """Any model's rows in one INSERT, committed."""
    if rows:
        db.session.execute(insert(model), rows)
        db.session.commit()
