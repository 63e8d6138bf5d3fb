"""State changes on cases. Each function is one transaction and commits it.

Changes that a caseworker makes from a form carry the case version they saw; if the case
changed since, ``CaseChanged`` is raised and nothing is written."""

import secrets

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from carers.audit.operations import record as audit
from carers.cases.models import CaseEvent, Household, HouseholdDetails, HouseholdMember, Task
from carers.cases.state import case_state, next_due, write_changes
from carers.core.dates import london, today, utcnow
from carers.enquiries import choices
from carers.enquiries.models import KINSHIP, Enquiry
from carers.enquiries.operations import REFERENCE_ALPHABET
from carers.extensions import db
from carers.pipeline import (
    ChildDetails,
    Pathway,
    Stage,
    TransitionFacts,
    TransitionRecord,
    apply_transition,
)
from carers.settings.registry import agency_settings


class CaseChanged(Exception):
    """Someone else changed the case after this form was opened."""


class NoTeam(Exception):
    """Every case belongs to a team: someone in no team cannot open one."""


def new_case_reference() -> str:
    while True:
        chars = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))
        reference = f"FC-{chars}"
        if db.session.scalar(select(Household.id).where(Household.reference == reference)) \
                is None:
            return reference


def _touch(household: Household, seen_version: int | None) -> None:
    if seen_version is not None and household.version != seen_version:
        raise CaseChanged
    # Loading the settings may query. Nothing may be flushed before _commit, which turns a
    # stale write (StaleDataError, another request changed the row) into CaseChanged.
    with db.session.no_autoflush:
        settings = agency_settings()
        household.updated_at = utcnow()
        household.next_due_on, household.next_due_label = next_due(household, today(),
                                                                   settings)


def _event(household, user, kind, summary, on=None, **fields) -> CaseEvent:
    event = CaseEvent(household_id=household.id, user_id=user.id if user else None, kind=kind,
                      summary=summary[:500], happened_on=on or today(), **fields)
    db.session.add(event)
    return event


def _commit() -> None:
    try:
        db.session.commit()
    except StaleDataError:
        # Another request updated the row between our read and our write.
        db.session.rollback()
        raise CaseChanged from None


def open_case_from_enquiry(enquiry: Enquiry, user) -> Household:
    """Start a case from a public enquiry: mainstream, or a kinship referral to complete."""
    existing = db.session.scalar(select(Household).where(Household.enquiry_id == enquiry.id))
    if existing is not None:
        return existing
    if user.team_id is None:
        raise NoTeam
    received = london(enquiry.received_at).date()
    kinship = enquiry.pathway == KINSHIP
    responded = london(enquiry.first_response_at).date() if enquiry.first_response_at else None
    applicants = [p.name for p in enquiry.people if p.applying]
    household = Household(
        reference=new_case_reference(),
        name=" and ".join([enquiry.full_name, *applicants]),
        pathway=Pathway.CONNECTED_PERSON.value if kinship else Pathway.MAINSTREAM.value,
        stage=Stage.REFERRAL.value if kinship else Stage.ENQUIRY.value,
        stage_since=received,
        first_response_on=None if kinship else responded,
        enquiry_id=enquiry.id,
        team_id=user.team_id,
        email=enquiry.email,
        phone=enquiry.phone,
        address=", ".join(p for p in (enquiry.address_line_1, enquiry.address_line_2,
                                      enquiry.town) if p),
        postcode=enquiry.postcode,
        enquiry_received_on=None if kinship else received,
        referral_received_on=received if kinship else None,
        child_name=enquiry.child_name if kinship else None,
        child_relationship=choices.label(choices.CHILD_RELATIONSHIPS, enquiry.child_relationship)
        if kinship else None,
        child_placed_on=enquiry.child_living_since
        if kinship and enquiry.child_lives_with_enquirer else None,
        child_placing_authority=enquiry.child_council if kinship else None,
    )
    if responded and not kinship:
        # The first response recorded on the enquiry is the case's first contact.
        household.stage = Stage.INITIAL_CONTACT.value
        household.stage_since = responded
    household.members.append(HouseholdMember(
        position=0, name=enquiry.full_name, relationship_to_applicant="applicant",
        date_of_birth=enquiry.date_of_birth, is_applicant=True))
    for position, person in enumerate(enquiry.people, start=1):
        household.members.append(HouseholdMember(
            position=position, name=person.name,
            relationship_to_applicant=person.relationship_to_enquirer,
            age_at_enquiry=person.age, is_applicant=person.applying))
    household.workers.append(user)
    db.session.add(household)
    db.session.flush()
    db.session.add(HouseholdDetails(household_id=household.id, has_pets=enquiry.has_pets,
                                    pets_details=enquiry.pets_details))
    _touch(household, None)
    _event(household, user, CaseEvent.CREATED,
           f"Case opened from enquiry {enquiry.reference}", on=received,
           body=_what_the_enquiry_said(enquiry) if kinship else None)
    if responded and not kinship:
        by = enquiry.first_response_by
        _event(household, by, CaseEvent.TRANSITION,
               f"First contact recorded on enquiry {enquiry.reference}", on=responded,
               action="record_first_contact", from_stage=Stage.ENQUIRY.value,
               to_stage=Stage.INITIAL_CONTACT.value, body=enquiry.first_response_note)
    audit("create", "household", household.id, {"from_enquiry": enquiry.reference}, user=user)
    _commit()
    return household


def _what_the_enquiry_said(enquiry: Enquiry) -> str:
    """The kinship enquirer's own words about the child, kept on the case's first event."""
    lines = []
    if enquiry.child_lives_with_enquirer is not None:
        lives = "Yes" if enquiry.child_lives_with_enquirer else "No"
        if enquiry.child_lives_with_enquirer and enquiry.child_living_since:
            lives += f", since {enquiry.child_living_since:%-d %B %Y}"
        lines.append(f"The child lives with the enquirer now: {lives}")
    if enquiry.child_age is not None:
        lines.append(f"The child's age: {enquiry.child_age}")
    if enquiry.child_council:
        lines.append(f"The council involved: {enquiry.child_council}")
    if enquiry.child_details:
        lines.append(f"The child's situation: {enquiry.child_details}")
    return "\n".join(lines) or None


def open_kinship_referral(user, *, carer_name: str, child: ChildDetails, received_on,
                          phone=None, email=None, address=None, postcode=None) -> Household:
    """A connected-person referral made by staff for a named child."""
    if user.team_id is None:
        raise NoTeam
    household = Household(
        reference=new_case_reference(), name=carer_name,
        pathway=Pathway.CONNECTED_PERSON.value, stage=Stage.REFERRAL.value,
        stage_since=received_on, referral_received_on=received_on, team_id=user.team_id,
        phone=phone, email=email, address=address, postcode=postcode,
        child_name=child.name, child_date_of_birth=child.date_of_birth,
        child_la_reference=child.la_reference, child_relationship=child.relationship,
    )
    household.members.append(HouseholdMember(position=0, name=carer_name,
                                             relationship_to_applicant="applicant",
                                             is_applicant=True))
    household.workers.append(user)
    db.session.add(household)
    db.session.flush()
    _touch(household, None)
    _event(household, user, CaseEvent.CREATED, f"Kinship referral for {child.name} received",
           on=received_on)
    audit("create", "household", household.id, {"kinship_referral": True}, user=user)
    _commit()
    return household


def update_child_details(household: Household, user, child: ChildDetails,
                         seen_version: int | None) -> None:
    """Record the named child of a kinship case: who they are, the local authority's
    reference, and when they came to live with the carer and from which council."""
    if household.version != seen_version:
        raise CaseChanged
    household.child_name = child.name
    household.child_date_of_birth = child.date_of_birth
    household.child_la_reference = child.la_reference
    household.child_relationship = child.relationship
    household.child_placed_on = child.placed_on
    household.child_placing_authority = child.placing_authority or None
    _touch(household, seen_version)
    _event(household, user, CaseEvent.NOTE, f"The child's details recorded by {user.name}")
    audit("update", "household", household.id, {"child_details": True}, user=user)
    _commit()


def move(household: Household, action: str, facts: TransitionFacts, user,
         seen_version: int, commit: bool = True, visit=None) -> TransitionRecord:
    """Apply a pipeline transition. Raises TransitionRefused (nothing written) or CaseChanged.

    With ``commit=False`` the caller commits, so several changes (a panel's minutes moving
    every case it heard) make one transaction; the caller turns StaleDataError into
    CaseChanged with ``commit_changes()``."""
    if household.version != seen_version:
        raise CaseChanged
    record = apply_transition(case_state(household), action, facts, agency_settings())
    write_changes(household, dict(record.changes))
    details = {k: str(v) for k, v in record.details.items()}
    if visit is not None:  # the booked visit this stage records
        household.initial_visit_id = visit.id
        details["visit_id"] = str(visit.id)
    _touch(household, seen_version)
    # The reason goes in the event's body, so the headline leaves it out.
    headline = record.summary.removesuffix(f": {record.reason}") if record.reason \
        else record.summary
    _event(household, user, CaseEvent.TRANSITION, headline, on=record.on,
           action=str(record.action), from_stage=record.from_stage.value,
           to_stage=record.to_stage.value, body=record.reason or None,
           details=details or None)
    audit("update", "household", household.id, {"action": str(record.action)}, user=user)
    if commit:
        _commit()
    return record


def commit_changes() -> None:
    """Commit the caller's transaction; a stale case write becomes CaseChanged."""
    _commit()


def record_panel_papers_sent(household: Household, user, on) -> None:
    """The panel papers went to members (meets the papers clock). The caller commits."""
    write_changes(household, {"panel_papers_sent_on": on})
    _touch(household, None)
    _event(household, user, CaseEvent.TRANSITION, "Panel papers sent to panel members",
           on=on, from_stage=household.stage, to_stage=household.stage)
    audit("update", "household", household.id, {"panel_papers_sent_on": str(on)}, user=user)


def add_note(household: Household, user, text: str) -> None:
    _event(household, user, CaseEvent.NOTE, f"Case note by {user.name}", body=text)
    audit("update", "household", household.id, {"note": True}, user=user)
    db.session.commit()


def record_oversight(household: Household, user, decision: str, rationale: str,
                     seen_version: int | None) -> None:
    if household.version != seen_version:
        raise CaseChanged
    _touch(household, seen_version)
    _event(household, user, CaseEvent.OVERSIGHT,
           f"Management oversight by {user.name}: {decision}", body=rationale)
    audit("update", "household", household.id, {"oversight": True}, user=user)
    _commit()


def allocate(household: Household, user, workers: list, seen_version: int | None) -> None:
    # Checked before anything changes, so a refused allocation leaves the session clean.
    if household.version != seen_version:
        raise CaseChanged
    before = {w.id for w in household.workers}
    _touch(household, seen_version)
    household.workers = workers
    names = ", ".join(w.name for w in workers) or "nobody"
    _event(household, user, CaseEvent.ALLOCATION, f"Allocated to {names} by {user.name}",
           details={"before": sorted(before), "after": sorted(w.id for w in workers)})
    audit("update", "household", household.id, {"allocation": True}, user=user)
    _commit()


def add_task(household: Household, user, title: str, owner, due_on) -> Task:
    task = Task(household_id=household.id, title=title, owner_id=owner.id, due_on=due_on,
                created_by_id=user.id)
    db.session.add(task)
    _event(household, user, CaseEvent.TASK,
           f"Task for {owner.name}, due {due_on:%-d %b %Y}: {title}")
    audit("update", "household", household.id, {"task": title}, user=user)
    db.session.commit()
    return task


def complete_task(task: Task, user) -> None:
    if task.done_at is not None:
        return
    task.done_at = utcnow()
    _event(task.household, user, CaseEvent.TASK, f"Task done by {user.name}: {task.title}")
    audit("update", "household", task.household_id, {"task_done": task.id}, user=user)
    db.session.commit()
