"""Submitting the household's application, and everything it feeds, so that nothing the
applicants typed is typed again by staff:

1. the application date (``Application.submitted_at`` and the case's
   ``application_received_on``, which starts the 8-month clock), and the case moved on
   through the pipeline as by the applicant;
2. the people: the joint applicants and the adults who gave their own details (each linked
   to their ``HouseholdMember``), everyone else in the household, children living
   elsewhere and significant ex-partners; matched by name to the people already on the case
   from the enquiry, never added twice;
3. everyone's addresses over the last 10 years;
4. the household's facts the checks depend on (pets, a previous fostering provider,
   employers), then the required checks synced into the ledger for each person;
5. the personal referees, each emailed a single-use link through the outbox;
6. the factual part of the assessment report (the applicants, their work, health,
   relationships and earlier applications, and the home).

``submit_application`` works in its caller's transaction and never commits: the caller
commits once, so the whole of it is saved or none of it. Everything that could refuse it is
checked before anything is written.

After submission a caseworker may reopen one task; when its person completes it again,
``refeed_task`` runs the parts of the same feed that the task drives (``FEEDS``), re-derives
the checks, notes the change on the case's timeline and gives each allocated worker a task
to review it, in the completion's transaction. Referees are only ever added there: one
already on the case is neither changed nor asked again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from carers.applicants.models import Applicant
from carers.application import feed, rules
from carers.application.feed import Answers, Problems, clean, items, name_key
from carers.application.models import Application, ApplicationTask
from carers.audit.operations import record as audit
from carers.cases import hooks
from carers.cases.models import CaseEvent, Household, HouseholdDetails, HouseholdMember
from carers.cases.operations import _event, _touch, add_task, move
from carers.cases.state import case_state
from carers.checks.ledger import active_referees
from carers.checks.models import Address, Check, Referee
from carers.checks.operations import add_referee, request_reference, sync_required_checks
from carers.clocks.workdays import add_working_days
from carers.core.changes import Refusal
from carers.core.dates import london, utcnow
from carers.core.dates import today as today_in_london
from carers.extensions import db
from carers.pipeline import (
    Action,
    Pathway,
    Stage,
    TransitionFacts,
    TransitionRefused,
    check_transition,
)
from carers.reports.operations import record_application_facts
from carers.settings.registry import agency_settings

__all__ = ["FEEDS", "CannotFeed", "CannotSubmit", "refeed_task", "submit_application"]

# Where the application is the next step on each pathway, and the pipeline's action for it.
# A connected person's full assessment is their application (docs/domain.md section 2), so
# a kinship application starts the full assessment, or joins one the worker has started.
_RECEIVE = {
    Pathway.MAINSTREAM: {Stage.INITIAL_CONTACT: Action.RECEIVE_APPLICATION,
                         Stage.INITIAL_VISIT: Action.RECEIVE_APPLICATION},
    Pathway.CONNECTED_PERSON: {Stage.VIABILITY_ASSESSMENT: Action.START_FULL_ASSESSMENT,
                               Stage.REG24_TEMPORARY_APPROVAL: Action.START_FULL_ASSESSMENT,
                               Stage.FULL_ASSESSMENT: None},
}
WORK_WITH_EMPLOYER = "employed"


class CannotSubmit(Refusal):
    """The application cannot be submitted: the reasons say what to do."""

    message = "Your application could not be sent."


class CannotFeed(Refusal):
    """A reopened task's changes cannot reach the case: the reasons say what to do."""

    message = "Your changes could not be saved."


# The parts of the feed, and which of them each task drives when it is completed again
# after a caseworker reopened it. Every re-feed re-derives the required checks too.
PEOPLE = "people"  # the case's members: names, dates of birth, employers, ex-partners
ADDRESSES = "addresses"  # each person's addresses, and the case's own address
CONTACT = "contact"  # how to reach the applicants, if the case has no way yet
DETAILS = "details"  # pets, a previous fostering provider (the checks read them)
REFEREES = "referees"  # new personal referees, each asked by email
CHECK_CONTACTS = "check_contacts"  # employers' and ex-partners' details on their checks
REPORT = "report"  # the report's application facts
EVERYTHING = frozenset({PEOPLE, ADDRESSES, CONTACT, DETAILS, REFEREES, CHECK_CONTACTS,
                        REPORT})
FEEDS: dict[str, frozenset[str]] = {
    "about_you": frozenset({PEOPLE, CONTACT, REPORT}),
    "household": frozenset({PEOPLE, REPORT}),
    "home": frozenset({DETAILS, REPORT}),
    "work": frozenset({PEOPLE, CHECK_CONTACTS, REPORT}),
    "health": frozenset({REPORT}),
    "relationships": frozenset({PEOPLE, CHECK_CONTACTS, REPORT}),
    "addresses": frozenset({ADDRESSES}),
    "referees": frozenset({REFEREES}),
    "earlier_applications": frozenset({DETAILS, REPORT}),
    # The feed reads no consent: the checks are derived from the household, and the worker
    # reviews a changed consent (their task says so).
    "consents": frozenset(),
}
# Working days the allocated worker has to review a change to a reopened task.
REVIEW_WORKING_DAYS = 5


@dataclass
class _Person:
    """A joint applicant or household adult with their checked answers."""

    applicant: Applicant
    name: str
    date_of_birth: date | None
    about: dict | None
    member: HouseholdMember | None = None


def submit_application(application: Application, applicant: Applicant,
                       today: date | None = None) -> None:
    """Submit ``application`` as ``applicant`` (a joint applicant of its household) and feed
    the case from its answers, in the caller's transaction. Raises ``CannotSubmit`` (a
    Refusal) with reasons, having written nothing, when it cannot be submitted."""
    on = today or today_in_london()
    household: Household = application.household
    action = _check_can_submit(application, applicant, household, on)
    answers = Answers(application.tasks)
    people = _read(household, answers, on, CannotSubmit)

    # Everything is checked: from here on it is all written, in the caller's transaction.
    try:
        _feed(application, applicant, household, action, people, answers, on)
    except StaleDataError:
        # The case changed under us: the other applicant sent it at the same moment, or a
        # worker moved the case. The caller's transaction is rolled back with this refusal.
        raise CannotSubmit("Your application could not be sent because your case changed "
                           "at the same moment. Check your application and send it again "
                           "if it has not been sent.") from None


def refeed_task(application: Application, row: ApplicationTask, applicant: Applicant,
                today: date | None = None) -> None:
    """``row``, a task a caseworker reopened after submission, was completed again by
    ``applicant``: feed the case what that task drives (``FEEDS``) and re-derive the checks,
    note the change on the timeline and give each allocated worker a task to review it, in
    the caller's transaction. Raises ``CannotFeed`` (a Refusal), having written nothing,
    when the answers cannot feed the case."""
    on = today or today_in_london()
    household: Household = application.household
    answers = Answers(application.tasks)
    people = _read(household, answers, on, CannotFeed)
    parts = FEEDS.get(row.task, frozenset())
    if PEOPLE not in parts and any(not p.applicant.member_id for p in people):
        parts = parts | {PEOPLE}  # someone not on the case yet: the people come first
    submitted_on = london(application.submitted_at).date() if application.submitted_at \
        else on
    _feed_parts(household, people, answers, on, parts, submitted_on, only_new_referees=True)
    title = rules.BY_KEY[row.task].title_for(application.form)
    _touch(household, None)
    _event(household, None, CaseEvent.NOTE,
           f"{applicant.name} changed “{title}” after it was reopened", on=on,
           details={"application_task": row.id, "task": row.task,
                    "applicant": applicant.id})
    due = add_working_days(on, REVIEW_WORKING_DAYS)
    for worker in household.workers:
        if worker.active:
            add_task(household, None, f"Review {applicant.name}'s changes to “{title}”",
                     worker, due, commit=False)
    audit("update", "application", application.id,
          {"refed": row.task, "household": household.id, "applicant": applicant.id},
          user=None)


def _feed(application: Application, applicant: Applicant, household: Household,
          action: Action | None, people: list[_Person], answers: Answers, on: date) -> None:
    submitted_by = applicant.name
    application.submitted_at = utcnow()
    _move_on(household, action, submitted_by, on)
    _feed_parts(household, people, answers, on, EVERYTHING, on)
    audit("update", "application", application.id,
          {"submitted": True, "household": household.id, "applicant": applicant.id}, user=None)


def _feed_parts(household: Household, people: list[_Person], answers: Answers, on: date,
                parts: frozenset[str], submitted_on: date, *,
                only_new_referees: bool = False) -> None:
    """The ``parts`` of the feed, in the order they depend on each other; then the required
    checks are synced, and any referee not asked yet is emailed a link."""
    if PEOPLE in parts:
        _members(household, people, answers, on)
    else:
        for person in people:
            person.member = person.applicant.member
    if ADDRESSES in parts:
        _addresses(household, people, answers, on)
    if CONTACT in parts:
        _contact(household, people)
    if DETAILS in parts:
        _details(household, people, answers)
    referees = _referees(household, answers, only_new_referees) if REFEREES in parts else []
    sync_required_checks(household, None, on=on)
    if CHECK_CONTACTS in parts:
        _contacts_on_checks(household, people, answers)
    for referee in referees:
        if referee.email and referee.invited_at is None and referee.token_used_at is None:
            request_reference(referee, None)
    if REPORT in parts:
        record_application_facts(household, _report_facts(people, answers), submitted_on)


# --- before anything is written ---

def _check_can_submit(application: Application, applicant: Applicant, household: Household,
                      on: date) -> Action | None:
    """The pipeline action the submission makes (None: the case stays where it is), or a
    refusal saying why the application cannot be submitted now."""
    if applicant.household_id != household.id or not applicant.is_joint_applicant \
            or not applicant.active:
        raise CannotSubmit("Only the people applying can send the application.")
    if application.submitted_at is not None:
        raise CannotSubmit("Your application has already been sent.")
    pathway, stage = Pathway(household.pathway), Stage(household.stage)
    if stage not in _RECEIVE[pathway]:
        raise CannotSubmit(_not_next_step(household, pathway, stage))
    action = _RECEIVE[pathway][stage]
    if action is not None:
        reasons = check_transition(case_state(household), action,
                                   _facts(household, applicant.name, on), agency_settings())
        if reasons:
            raise CannotSubmit(*reasons)
    return action


def _read(household: Household, answers: Answers, on: date,
          refusal: type[Refusal]) -> list[_Person]:
    """The people the feed writes about, with everything it will write checked first:
    ``refusal`` with the problems found, before anything is written."""
    problems = Problems()
    people = _people(household, answers, problems, on)
    for person in people:
        for entry in items(answers.mine(person.applicant.id, "addresses"), "addresses"):
            _address_fields(entry, person.name, problems, on)
    household_answers = answers.shared("household")
    for key in ("people", "children_elsewhere"):
        for entry in items(household_answers, key):
            name = clean(entry.get("name"), 200)
            if not name:
                problems.add("Give the name of everyone in ‘Your household’.")
            problems.date(entry.get("date_of_birth"), f"{name or 'Someone'}'s date of birth "
                          "in ‘Your household’", on)
    for entry in items(answers.shared("referees"), "referees"):
        if not clean(entry.get("name")):
            problems.add("Give each referee's name in ‘Referees’.")
    if problems.found:
        raise refusal(*problems.found)
    return people


def _not_next_step(household: Household, pathway: Pathway, stage: Stage) -> str:
    if not stage.is_open:
        return ("Your case has closed, so the application cannot be sent. Contact the "
                "fostering team if you want to apply again.")
    if household.application_received_on or stage in (Stage.APPLICATION_RECEIVED, Stage.STAGE1,
                                                       Stage.STAGE2):
        return ("The fostering team has already recorded your application. Send them a "
                "message if something in it has changed.")
    if stage in (Stage.ENQUIRY, Stage.REFERRAL):
        return ("The fostering team needs to talk to you before you send your application. "
                "They will be in touch.")
    return (f"Your case is at ‘{stage.label}’, where an application is not the next step. "
            "Send the fostering team a message if you think this is wrong.")


def _facts(household: Household, name: str, on: date) -> TransitionFacts:
    """The pipeline's facts for the applicant's own change: no member of staff, no form."""
    return TransitionFacts(by=name, on=on, today=max(on, today_in_london()),
                           **hooks.readiness_facts(household, on, agency_settings()))


def _people(household: Household, answers: Answers, problems: Problems,
            on: date) -> list[_Person]:
    """The joint applicants (first) and the adults who gave their own details, with what
    the feed needs from each checked."""
    accounts = list(db.session.scalars(
        select(Applicant).where(Applicant.household_id == household.id,
                                Applicant.active.is_(True)).order_by(Applicant.id)))
    people = []
    for account in sorted(accounts, key=lambda a: (not a.is_joint_applicant, a.id)):
        about = answers.mine(account.id, "about_you")
        name = clean((about or {}).get("full_name"), 200)
        if account.is_joint_applicant and (not name or not (about or {}).get("date_of_birth")):
            problems.add(f"{name or account.name}: give your full name and date of birth in "
                         "‘About you’.")
        elif about is None:
            continue  # an adult who has not given their details yet: the household lists them
        born = problems.date((about or {}).get("date_of_birth"),
                             f"{name or account.name}'s date of birth in ‘About you’", on)
        people.append(_Person(account, name or account.name, born, about))
    return people


def _address_fields(entry: dict, name: str, problems: Problems, on: date) -> dict | None:
    line_1, town = clean(entry.get("line_1"), 200), clean(entry.get("town"), 100)
    area = clean(entry.get("local_authority"), 100)
    if not (line_1 and town and area):
        problems.add(f"{name}: give the first line, town and council of every address in "
                     "‘Where you have lived’.")
        return None
    lived_from = problems.date(entry.get("lived_from"), f"{name}: the date you moved to "
                               f"{line_1}", on)
    lived_to = problems.date(entry.get("lived_to"), f"{name}: the date you left {line_1}", on)
    return {"line_1": line_1, "town": town, "local_authority": area,
            "postcode": clean(entry.get("postcode"), 10), "lived_from": lived_from,
            "lived_to": lived_to}


# --- the case moves on ---

def _move_on(household: Household, action: Action | None, name: str, on: date) -> None:
    summary = f"Application submitted by {name}"
    if action is not None:
        try:
            move(household, action, _facts(household, name, on), None, household.version,
                 commit=False, summary=summary)
        except TransitionRefused as refusal:  # checked above; a race is still a refusal
            raise CannotSubmit(*refusal.reasons) from None
        if household.application_received_on is None:  # kinship: the full assessment
            household.application_received_on = on
        return
    # A kinship full assessment the worker already started: the application joins it.
    if household.application_received_on is None:
        household.application_received_on = on
    _touch(household, None)
    _event(household, None, CaseEvent.TRANSITION, summary, on=on,
           from_stage=household.stage, to_stage=household.stage)


# --- people ---

def _members(household: Household, people: list[_Person], answers: Answers,
             on: date) -> None:
    members = list(household.members)
    linked = {p.applicant.member_id for p in people if p.applicant.member_id}
    claimed: set[int] = set()

    def find(*names: str | None, pool=None) -> HouseholdMember | None:
        keys = {name_key(n) for n in names if n}
        for member in pool if pool is not None else members:
            if id(member) not in claimed and name_key(member.name) in keys:
                return member
        return None

    def add(**fields) -> HouseholdMember:
        position = max((m.position for m in household.members), default=-1) + 1
        member = HouseholdMember(position=position, **fields)
        household.members.append(member)
        members.append(member)
        return member

    household_answers = answers.shared("household")
    listed = {name_key(e.get("name")): e for e in items(household_answers, "people")}
    for person in people:
        joint = person.applicant.is_joint_applicant
        member = person.applicant.member if person.applicant.member_id else None
        member = member or find(person.name, person.applicant.name)
        if member is None and joint:
            # The applicant the enquiry recorded, under another name (or the case's name).
            member = next((m for m in members if m.is_applicant and id(m) not in claimed
                           and m.id not in linked), None)
        if member is None:
            first = joint and not any(m.relationship_to_applicant == "applicant"
                                      for m in members)
            entry = listed.get(name_key(person.name), {})
            member = add(name=person.name, relationship_to_applicant="applicant" if first
                         else "partner" if joint
                         else feed.relationship_key(entry.get("relationship")))
        claimed.add(id(member))
        member.name = person.name
        member.date_of_birth = person.date_of_birth or member.date_of_birth
        member.lives_in_household = True
        if joint:
            member.is_applicant = True
            work = answers.mine(person.applicant.id, "work")
            if work is not None:
                employed = clean(work.get("status")) == WORK_WITH_EMPLOYER
                member.employer = clean(work.get("employer_name"), 200) if employed else None
        person.member = member

    adults, joint = {}, set()
    for person in people:
        names = {name_key(person.name), name_key(person.applicant.name)}
        if person.applicant.is_joint_applicant:
            joint |= names
        else:
            adults.update(dict.fromkeys(names, person.member))
    for key, lives_here in (("people", True), ("children_elsewhere", False)):
        for entry in items(household_answers, key):
            name = clean(entry.get("name"), 200)
            if name_key(name) in joint:
                continue  # an applicant listed themselves: they are on the case already
            relationship = feed.relationship_key(entry.get("relationship"),
                                                 "other" if lives_here else "child")
            born = _date(entry.get("date_of_birth"))
            # An adult with their own account is listed here too: the same person.
            member = adults.get(name_key(name)) or find(name)
            if member is None:
                member = add(name=name, relationship_to_applicant=relationship)
            elif relationship != "other" or not member.relationship_to_applicant:
                member.relationship_to_applicant = relationship
            claimed.add(id(member))  # found by name, so its spelling differs at most in case
            member.date_of_birth = born or member.date_of_birth
            member.lives_in_household = lives_here

    others = [m for m in members if not m.is_applicant and id(m) not in claimed]
    exes: dict[str, HouseholdMember] = {}
    for person in people:
        if not person.applicant.is_joint_applicant:
            continue
        for entry in items(answers.mine(person.applicant.id, "relationships"), "past_partners"):
            name = clean(entry.get("name"), 200)
            if not name:
                continue
            member = exes.get(name_key(name)) or find(name, pool=others)
            if member is None:
                member = add(name=name, relationship_to_applicant="ex_partner",
                             lives_in_household=False)
            claimed.add(id(member))
            exes[name_key(name)] = member

    db.session.flush()
    for person in people:
        person.applicant.member_id = person.member.id


def _date(value) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


# --- addresses and the household's facts ---

def _addresses(household: Household, people: list[_Person], answers: Answers,
               on: date) -> None:
    stored = list(db.session.scalars(
        select(Address).where(Address.household_id == household.id).order_by(Address.id)))

    def same(address: Address, fields: dict) -> bool:
        return (name_key(address.line_1) == name_key(fields["line_1"])
                and name_key(address.postcode) == name_key(fields["postcode"])
                and address.lived_from == fields["lived_from"])

    current = None
    for person in people:
        for entry in items(answers.mine(person.applicant.id, "addresses"), "addresses"):
            fields = _address_fields(entry, person.name, Problems(), on)
            if fields is None:
                continue
            member_id = person.member.id
            address = next((a for a in stored if a.member_id in (None, member_id)
                            and same(a, fields)), None)
            if address is None:
                address = Address(household_id=household.id, **fields)
                db.session.add(address)
                stored.append(address)
            else:
                for name, value in fields.items():
                    setattr(address, name, value)
            address.member_id = member_id
            if fields["lived_to"] is None and person.applicant.is_joint_applicant \
                    and current is None:
                current = fields
    if current is not None:  # where the applicants live now is the case's address
        household.address = f"{current['line_1']}, {current['town']}"[:400]
        household.postcode = current["postcode"]


def _contact(household: Household, people: list[_Person]) -> None:
    """How to reach the applicants, if the case has no way yet."""
    first = next((p for p in people if p.applicant.is_joint_applicant), None)
    if first is not None:
        about = first.about or {}
        household.email = household.email or clean(about.get("email"), 254) \
            or first.applicant.email
        household.phone = household.phone or clean(about.get("phone"), 30) \
            or first.applicant.phone


def _details(household: Household, people: list[_Person], answers: Answers) -> None:
    """Pets, and a fostering provider the applicants were approved by: the checks rules read
    both from the household's details."""
    home = answers.shared("home")
    earlier = []
    for person in people:
        if person.applicant.is_joint_applicant:
            mine = answers.mine(person.applicant.id, "earlier_applications") or {}
            if mine.get("any"):
                earlier.extend(items(mine, "applications"))
    provider = feed.previous_fostering(earlier)
    if home is None and provider is None:
        return
    details = db.session.get(HouseholdDetails, household.id)
    if details is None:
        details = HouseholdDetails(household_id=household.id, has_pets=False)
        db.session.add(details)
    if home is not None and isinstance(home.get("has_pets"), bool):
        details.has_pets = home["has_pets"]
        details.pets_details = clean(home.get("pets_details")) if home["has_pets"] else None
    if provider and not details.previous_provider:
        # When that fostering ended is not asked: until the worker records it, the ledger
        # asks that provider for a reference (FSR 26(1A)(b)) rather than risk missing it.
        details.previous_provider = provider[:200]
    details.updated_at = utcnow()


# --- referees and contact details for the checks ---

def _referees(household: Household, answers: Answers, only_new: bool = False) -> list[Referee]:
    """The personal referees, added or (``only_new`` False) brought up to date; the ones
    whose reference is in are left as they are. With ``only_new`` a referee already on the
    case (by name) is not touched at all: the worker may have changed or asked them."""
    existing = {name_key(r.name): r for r in active_referees(household)}
    known = {name_key(n) for n in db.session.scalars(
        select(Referee.name).where(Referee.household_id == household.id))} if only_new else set()
    fed = []
    for entry in items(answers.shared("referees"), "referees"):
        name = clean(entry.get("name"), 200)
        if name_key(name) in known:
            continue  # on the case already (or withdrawn by the worker): left as it is
        is_family = entry.get("is_relative") is True
        fields = {
            "name": name,
            "email": (clean(entry.get("email"), 254) or "").lower() or None,
            "phone": clean(entry.get("phone"), 30),
            "relationship_to_applicant": clean(entry.get("relationship"), 100)
            or ("Relative" if is_family else "Friend"),
            "is_family": is_family,
            "known_since_years": feed.whole_number(entry.get("known_years")),
        }
        referee = existing.get(name_key(name))
        if referee is not None and referee.token_used_at is not None:
            fed.append(referee)  # their reference is in: nothing of theirs changes
            continue
        referee = add_referee(household, None, referee, fields)
        existing[name_key(name)] = referee
        fed.append(referee)
    return fed


def _contacts_on_checks(household: Household, people: list[_Person],
                        answers: Answers) -> None:
    """The employers' and ex-partners' contact details on their checks, so the worker can
    ask them without typing them again."""
    contacts: dict[str, str] = {}
    by_name = {name_key(m.name): m for m in household.members}
    for person in people:
        if not person.applicant.is_joint_applicant:
            continue
        work = answers.mine(person.applicant.id, "work") or {}
        if clean(work.get("status")) == WORK_WITH_EMPLOYER:
            line = feed.contact_line(work.get("employer_email"), work.get("employer_phone"),
                                     work.get("employer_address"))
            if line:
                contacts[f"employer:p{person.member.id}"] = line
        relationships = answers.mine(person.applicant.id, "relationships")
        for entry in items(relationships, "past_partners"):
            member = by_name.get(name_key(entry.get("name")))
            line = feed.contact_line(entry.get("email"), entry.get("phone"), entry.get("address"))
            if member is not None and line:
                contacts[f"ex_partner:p{member.id}"] = line
    if not contacts:
        return
    from_application = "Contact details from the application: "
    rows = db.session.scalars(select(Check).where(
        Check.household_id == household.id, Check.key.in_(contacts),
        Check.superseded.is_(False)))
    for row in rows:
        # Notes the worker wrote are theirs; the application's own line follows its answers.
        if not row.notes or row.notes.startswith(from_application):
            row.notes = from_application + contacts[row.key]


# --- the report ---

def _report_facts(people: list[_Person], answers: Answers) -> dict:
    elsewhere = feed.children_elsewhere_facts(answers.shared("household"))
    return {
        "applicants": [
            feed.person_facts(
                person.name, person.applicant.role, person.about,
                answers.mine(person.applicant.id, "work"),
                answers.mine(person.applicant.id, "health"),
                answers.mine(person.applicant.id, "relationships"),
                answers.mine(person.applicant.id, "earlier_applications"),
                person.date_of_birth, elsewhere)
            for person in people],
        "home": feed.home_facts(answers.shared("home")),
        "children_elsewhere": elsewhere,
    }
