"""Test data in one line, a builder for each kind of record the tests make: staff, teams,
enquiries and their drafts, households (cases) with their members, applicants and their
applications, events, tasks, addresses, referees and checks, visits, the panel (members,
meetings with their seats and agenda, decisions), reports and training, queued email and
agency settings.

Every ``make_*`` helper takes keyword arguments for any column, fills the rest with
sensible defaults, adds its rows and commits, so the data is visible to requests made
with the test client; ``bulk_*`` helpers insert thousands of rows in a single statement
each, for tests that need a big table quickly (query counts, pagination).

Dates default to a week before today (so a test under time-machine gets dates relative to
its travelled "today"); pass keyword arguments to set any column, for example
``make_household("mainstream", "stage1", application_received_on=date(2027, 2, 1))``."""

from __future__ import annotations

import itertools
import secrets
import uuid
from collections.abc import Iterable, Sequence
from datetime import date, time, timedelta

from sqlalchemy import insert, select

from carers.applicants.models import Applicant
from carers.application.models import Application, ApplicationTask
from carers.auth.models import User
from carers.auth.operations import create_user
from carers.cases import spells
from carers.cases.models import CaseEvent, Household, HouseholdMember, Task, Team, case_worker
from carers.cases.state import next_due
from carers.checks.models import Address, Check, Referee
from carers.core.dates import today, utcnow
from carers.enquiries.models import KINSHIP, MAINSTREAM, Enquiry, EnquiryDraft, EnquiryPerson
from carers.extensions import db
from carers.notifications.models import OutboxMessage
from carers.panel.models import AgendaItem, MeetingSeat, PanelDecision, PanelMeeting, PanelMember
from carers.panel.rules import PanelRole
from carers.pipeline import Pathway, Stage
from carers.reports.models import TrainingRecord
from carers.settings.models import AgencySetting
from carers.settings.registry import agency_settings
from carers.visits.models import Visit
from carers.visits.operations import VisitDetails, book_visit
from carers.visits.rules import local_start

PASSWORD = "correct horse battery"

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


def _saved(row):
    db.session.add(row)
    db.session.commit()
    return row


# --- agency settings ---

def set_setting(key: str, value) -> AgencySetting:
    """An agency setting changed from its default (or changed again)."""
    return _saved(db.session.merge(AgencySetting(key=key, value=value)))


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


def make_draft(draft_id: str | None = None, **fields) -> EnquiryDraft:
    """Answers saved part way through the public form (none by default)."""
    return _saved(EnquiryDraft(**{"id": draft_id or secrets.token_urlsafe(16), "answers": {},
                                  "raw": {}, **fields}))


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
    db.session.flush()
    # As a case opened by hand: its spell in the stage it starts in.
    spells.opened(household, Stage(household.stage), household.stage_since)
    db.session.commit()
    return household


def make_member(household: Household, name: str = "Sam Shah",
                relationship: str = "partner", **fields) -> HouseholdMember:
    """Someone else in the household, after those already there."""
    fields = {"position": len(household.members), "name": name,
              "relationship_to_applicant": relationship, "date_of_birth": date(1985, 4, 2),
              "is_applicant": False, **fields}
    member = HouseholdMember(**fields)
    household.members.append(member)
    db.session.commit()
    return member


def make_applicant(household: Household, member: HouseholdMember | None = None, *,
                   role: str = Applicant.APPLICANT, **fields) -> Applicant:
    """An applicant's account for ``household`` (by default its first applicant member)."""
    if member is None and role == Applicant.APPLICANT:
        member = next((m for m in household.members if m.is_applicant), None)
    unique = _unique()
    fields = {"name": member.name if member is not None else f"Adult {unique}",
              "email": f"applicant-{unique.lower()}@example.com", "invited_at": utcnow(), **fields}
    applicant = Applicant(household_id=household.id, member=member, role=role, **fields)
    return _saved(applicant)


def make_application(household: Household, answers_by_task: dict | None = None,
                     applicants: Iterable[Applicant] = (), *, form: str | None = None,
                     status: str = ApplicationTask.COMPLETED) -> Application:
    """The household's application with its tasks' answers. ``answers_by_task`` maps a task
    key to its answers: a household task's answers as a dict, a personal task's as a dict
    from each Applicant to their answers, e.g. ``{"home": {...}, "about_you": {alex: {...},
    sam: {...}}}``. ``applicants`` are the people it is for: each gets a row (empty unless
    answered) for every personal task named."""
    kinship = household.pathway == Pathway.CONNECTED_PERSON.value
    application = Application(household_id=household.id,
                              form=form or ("kinship" if kinship else "foster"))
    people = list(applicants)
    for task, answers in (answers_by_task or {}).items():
        if answers and all(isinstance(key, Applicant) for key in answers):
            for person in dict.fromkeys([*people, *answers]):
                application.tasks.append(ApplicationTask(
                    task=task, applicant_id=person.id, answers=answers.get(person, {}),
                    status=status if person in answers else ApplicationTask.NOT_STARTED))
        else:
            application.tasks.append(ApplicationTask(task=task, applicant_id=None,
                                                     answers=answers, status=status))
    return _saved(application)


def make_event(household: Household, user: User | None = None, kind: str = CaseEvent.NOTE,
               **fields) -> CaseEvent:
    """A line on the case's timeline (a note unless ``kind`` says otherwise)."""
    return _saved(CaseEvent(**{"household_id": household.id, "happened_on": today(),
                               "user_id": user.id if user else None, "kind": kind,
                               "summary": "Phoned the family", **fields}))


def make_task(household: Household, owner: User, **fields) -> Task:
    """An open task on the case for ``owner``, due in a week."""
    return _saved(Task(**{"household_id": household.id, "title": "Call the family",
                          "owner_id": owner.id, "due_on": today() + timedelta(days=7),
                          "created_by_id": owner.id, **fields}))


def make_address(household: Household, **fields) -> Address:
    """Where the household lives now (``lived_to`` None), in the agency's own area."""
    return _saved(Address(**{"household_id": household.id, "line_1": "1 High Street",
                             "town": "Northmoor", "local_authority": "Northmoor", **fields}))


def make_referee(household: Household, name: str = "Pat Friend", **fields) -> Referee:
    """A personal referee, not yet invited."""
    return _saved(Referee(**{"household_id": household.id, "name": name,
                             "relationship_to_applicant": "Friend", **fields}))


def make_check(household: Household, kind: str = "dbs", **fields) -> Check:
    """One row of the checks ledger, required and not yet requested. (Cases normally get
    theirs from ``carers.checks.operations.sync_required_checks``.)"""
    return _saved(Check(**{"household_id": household.id, "key": f"{kind}:{_unique()}",
                           "kind": kind, "subject": household.name, "created_on": today(),
                           **fields}))


def make_training(household: Household, **fields) -> TrainingRecord:
    """Preparation training the applicants attended."""
    return _saved(TrainingRecord(**{"household_id": household.id, "course": "Skills to Foster",
                                    "attended_by": "Both applicants",
                                    "completed_on": today(), **fields}))


def visit_details(day: date, at: time, workers: Iterable[User], minutes: int = 90,
                  place: str = "home", kind: str = "assessment_session",
                  **extra) -> VisitDetails:
    """What a worker types into the visit form: a day and a London time, and the rest."""
    return VisitDetails(kind=kind, starts_at=local_start(day, at), duration_minutes=minutes,
                        place=place, workers=list(workers), **extra)


def make_visit(household: Household, worker: User, day: date | None = None,
               at: time = time(10, 0), accept_clashes: bool = False, **extra) -> Visit:
    """A visit booked by ``worker`` the way staff book one (by default a week today at ten,
    at the family's home, for 90 minutes); ``extra`` goes to ``visit_details``."""
    details = visit_details(day or today() + timedelta(days=7), at, [worker], **extra)
    return book_visit(household, worker, details, accept_clashes=accept_clashes)


# --- the panel ---

def make_panel_member(role: PanelRole | str = PanelRole.INDEPENDENT, user: User | None = None,
                      *, name: str | None = None, **fields) -> PanelMember:
    """Someone on the central list (a new member of staff with the panel member role unless
    ``user`` is given); a social worker member is qualified long enough ago."""
    role = PanelRole(role)
    user = user or make_staff("panel_member", name=name)
    qualified = date(2010, 1, 1) if role is PanelRole.SOCIAL_WORKER else None
    return _saved(PanelMember(**{"user_id": user.id, "panel_role": role.value,
                                 "joined_on": date(2020, 1, 1), "qualified_on": qualified,
                                 **fields}))


def make_meeting(members: Iterable[PanelMember] = (), households: Iterable[Household] = (),
                 meets_on: date | None = None, *, attended: bool = False,
                 first_slot: time = time(10, 0), **fields) -> PanelMeeting:
    """A panel meeting (today at ten, in the Town Hall) with ``members`` invited and
    ``households`` on the agenda an hour apart from ``first_slot``."""
    meeting = PanelMeeting(**{"meets_on": meets_on or today(), "starts_at": time(10, 0),
                              "place": "Town Hall", **fields})
    meeting.seats = [MeetingSeat(member_id=m.id, attended=attended) for m in members]
    meeting.agenda = [
        AgendaItem(household_id=h.id, minutes_slot=45,
                   slot_at=time(first_slot.hour + i, first_slot.minute))
        for i, h in enumerate(households)]
    return _saved(meeting)


def make_decision(household: Household, kind: str = PanelDecision.APPROVE, **fields
                  ) -> PanelDecision:
    """The agency decision maker's decision on the case, made today."""
    return _saved(PanelDecision(**{"household_id": household.id, "kind": kind,
                                   "decided_on": today(), "reasons": "Suitable", **fields}))


# --- email ---

def make_message(to_address: str = "someone@example.com", **fields) -> OutboxMessage:
    """An email waiting in the outbox, due now."""
    return _saved(OutboxMessage(**{"idempotency_key": f"test:{uuid.uuid4()}",
                                   "to_address": to_address, "subject": "A message",
                                   "body_text": "Hello", **fields}))


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
