"""State changes on cases. Each function is one transaction and commits it.

Changes that a caseworker makes from a form carry the case version they saw; if the case
changed since, ``CaseChanged`` is raised and nothing is written."""

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from carers.audit.operations import record as audit
from carers.cases import hooks, spells
from carers.cases.access import is_manager
from carers.cases.models import CaseEvent, Household, HouseholdMember, OversightRecord, Task
from carers.cases.state import case_state, next_due, write_changes, write_child
from carers.core.changes import Changed, Refusal
from carers.core.dates import today, utcnow
from carers.extensions import db
from carers.pipeline import (
    ChildDetails,
    Pathway,
    Recommendation,
    Stage,
    TransitionFacts,
    TransitionRecord,
    TransitionRefused,
    apply_transition,
)
from carers.pipeline.spells import Move
from carers.settings.registry import agency_settings

# No 0/O or 1/I, so a reference read out on the phone cannot be misheard.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


class CaseChanged(Changed):
    """Someone else changed the case after this form was opened."""


class NoTeam(Refusal):
    """Every case belongs to a team: someone in no team cannot open one."""

    message = ("Every case belongs to a team, and you are not in one. "
               "Ask an administrator to add you to a team.")


def new_case_reference() -> str:
    while True:
        chars = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))
        reference = f"FC-{chars}"
        if db.session.scalar(select(Household.id).where(Household.reference == reference)) \
                is None:
            return reference


def _touch(household: Household, seen_version: int | None) -> None:
    if seen_version is not None:
        _unchanged(household, seen_version)
    # Loading the settings may query. Nothing may be flushed before _commit, which turns a
    # stale write (StaleDataError, another request changed the row) into CaseChanged.
    with db.session.no_autoflush:
        settings = agency_settings()
        household.updated_at = utcnow()
        household.next_due_on, household.next_due_label = next_due(household, today(),
                                                                   settings)


def _event(household, user, kind, summary, on=None, opened_in: Stage | None = None,
           **fields) -> CaseEvent:
    """A line on the timeline. A case's opening and its stage changes also keep its spells
    (the managers' figures) in step, in the same transaction; ``opened_in`` is the stage a
    case opened in, when it has moved on since."""
    event = CaseEvent(household_id=household.id, user_id=user.id if user else None, kind=kind,
                      summary=summary[:500], happened_on=on or today(), **fields)
    db.session.add(event)
    if kind == CaseEvent.CREATED:
        spells.opened(household, opened_in or Stage(household.stage), event.happened_on)
    elif kind == CaseEvent.TRANSITION and event.from_stage != event.to_stage:
        spells.moved(household, Move(event.happened_on, Stage(event.from_stage),
                                     Stage(event.to_stage),
                                     (event.details or {}).get("withdrawal_code")))
    return event


def _commit(household: Household | None = None) -> None:
    try:
        db.session.commit()
    except StaleDataError:
        # Another request updated the row between our read and our write. After the
        # rollback the case reads as it is now: its version goes back on the form.
        db.session.rollback()
        raise CaseChanged(version=household.version if household else None) from None


def _unchanged(household: Household, seen_version: int | None) -> None:
    """Refuse a change made from a form opened before the case's latest change."""
    if household.version != seen_version:
        raise CaseChanged(version=household.version)


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
    _commit(household)
    return household


def update_child_details(household: Household, user, child: ChildDetails,
                         seen_version: int | None) -> None:
    """Record the named child of a kinship case: who they are, the local authority's
    reference, and when they came to live with the carer and from which council."""
    _unchanged(household, seen_version)
    write_child(household, child)
    _touch(household, seen_version)
    _event(household, user, CaseEvent.NOTE, f"The child's details recorded by {user.name}")
    audit("update", "household", household.id, {"child_details": True}, user=user)
    _commit(household)


def transition_facts(household: Household, user, data: dict) -> TransitionFacts:
    """What the pipeline needs to decide a move: the form's answers (``data``), who is
    making it, and what other features know about the case (its checks, through
    ``hooks.readiness_facts``, computed from the household now so they are right even if
    its stored checks have not been synced)."""
    recommendation = data.get("recommendation")
    on = today()
    return TransitionFacts(
        by=user.name, on=data["on"], today=on, reason=data.get("reason") or "",
        actor_is_manager=is_manager(user),
        override_reason=data.get("override_reason") or "",
        panel_date=data.get("panel_date"),
        recommendation=Recommendation(recommendation) if recommendation else None,
        withdrawal_code=data.get("withdrawal_code"),
        household_assessed=bool(data.get("household_assessed")),
        extension_weeks=data.get("extension_weeks"),
        placement_reconsidered=bool(data.get("placement_reconsidered")),
        panel_views_sought=bool(data.get("panel_views_sought")),
        iro_informed=bool(data.get("iro_informed")),
        nominated_officer=data.get("nominated_officer") or "",
        nominated_officer_on=data.get("nominated_officer_on"),
        placed_on=data.get("placed_on"),
        **hooks.readiness_facts(household, on, agency_settings()),
    )


def move(household: Household, action: str, facts: TransitionFacts, user,
         seen_version: int, commit: bool = True, visit=None,
         summary: str | None = None) -> TransitionRecord:
    """Apply a pipeline transition. Raises TransitionRefused (nothing written) or CaseChanged.

    With ``commit=False`` the caller commits, so several changes (a panel's minutes moving
    every case it heard) make one transaction; the caller turns StaleDataError into
    CaseChanged with ``commit_changes()``. ``summary`` replaces the timeline's headline when
    the change is not a worker's (an applicant submitting their application); ``user`` is
    then None."""
    try:
        _unchanged(household, seen_version)
        record = apply_transition(case_state(household), action, facts, agency_settings())
    except (CaseChanged, TransitionRefused):
        if commit:  # nothing is written; a caller that commits ends its own transaction
            db.session.rollback()
        raise
    write_changes(household, dict(record.changes))
    details = {k: str(v) for k, v in record.details.items()}
    if visit is not None:  # the booked visit this stage records
        household.initial_visit_id = visit.id
        details["visit_id"] = str(visit.id)
    _touch(household, seen_version)
    # The reason goes in the event's body, so the headline leaves it out.
    headline = summary or (record.summary.removesuffix(f": {record.reason}") if record.reason
                           else record.summary)
    _event(household, user, CaseEvent.TRANSITION, headline, on=record.on,
           action=str(record.action), from_stage=record.from_stage.value,
           to_stage=record.to_stage.value, body=record.reason or None,
           details=details or None)
    audit("update", "household", household.id, {"action": str(record.action)}, user=user)
    hooks.moved(household, record, user)
    if commit:
        _commit(household)
    return record


def commit_changes() -> None:
    """Commit the caller's transaction; a stale case write becomes CaseChanged."""
    _commit()


def record_reg24_visit(household: Household, last_visit_on) -> None:
    """The latest regulation 24 visit to the child, as the visits now stand: the case's
    visits clock counts from it. The caller (the visit's write-up) commits."""
    household.reg24_last_visit_on = last_visit_on
    _touch(household, None)


def record_panel_papers_sent(household: Household, user, on) -> None:
    """The panel papers went to members (meets the papers clock). The caller commits."""
    write_changes(household, {"panel_papers_sent_on": on})
    _touch(household, None)
    _event(household, user, CaseEvent.TRANSITION, "Panel papers sent to panel members",
           on=on, from_stage=household.stage, to_stage=household.stage)
    audit("update", "household", household.id, {"panel_papers_sent_on": str(on)}, user=user)


def record_event(household: Household, user, summary: str, on, *, body: str | None = None,
                 changes: dict | None = None, seen_version: int | None = None) -> None:
    """Something that happened on the case outside its pipeline (the applicant's response
    to a qualifying determination), on its timeline, with any case fields it sets. The
    case's version is checked (``seen_version``) and raised. The caller commits."""
    if seen_version is not None:
        _unchanged(household, seen_version)
    if changes:
        write_changes(household, changes)
    _touch(household, seen_version)
    _event(household, user, CaseEvent.TRANSITION, summary, on=on, body=body,
           from_stage=household.stage, to_stage=household.stage)
    # Ids and codes only in the audit trail: the summary may name people.
    audit("update", "household", household.id, {"event": True}, user=user)


def add_note(household: Household, user, text: str) -> None:
    _event(household, user, CaseEvent.NOTE, f"Case note by {user.name}", body=text)
    audit("update", "household", household.id, {"note": True}, user=user)
    db.session.commit()


@dataclass(frozen=True)
class OversightAction:
    """One action a manager sets when recording oversight: it becomes a task for ``owner``."""

    title: str
    owner: Any  # a User
    due_on: date


def record_oversight(household: Household, user, reviewed: str, decision: str, reasons: str,
                     actions: Sequence[OversightAction], seen_version: int | None
                     ) -> OversightRecord:
    """A manager's oversight of the case: the record (what was reviewed, the decision, the
    reasons), a task for each action (on its owner's My work and in their morning digest when
    due), one timeline entry naming the actions, and the audit entry, together."""
    _unchanged(household, seen_version)
    _touch(household, seen_version)
    # The entry keeps what was reviewed and the actions as they were set; whether each is
    # done is read from its task.
    event = _event(household, user, CaseEvent.OVERSIGHT,
                   f"Management oversight by {user.name}: {decision}", body=reasons,
                   details={"reviewed": reviewed,
                            "actions": [{"title": a.title[:200], "owner": a.owner.name,
                                         "owner_id": a.owner.id,
                                         "due_on": a.due_on.isoformat()} for a in actions]})
    record = OversightRecord(household_id=household.id, user_id=user.id, recorded_on=today(),
                             reviewed=reviewed, decision=decision[:300], reasons=reasons,
                             event=event)
    db.session.add(record)
    db.session.add_all(Task(household_id=household.id, title=a.title[:200], owner_id=a.owner.id,
                            due_on=a.due_on, created_by_id=user.id, oversight=record)
                       for a in actions)
    detail: dict[str, Any] = {"oversight": True}
    if actions:
        detail["actions"] = len(actions)
    audit("update", "household", household.id, detail, user=user)
    _commit(household)
    return record


def allocate(household: Household, user, workers: list, seen_version: int | None) -> None:
    # Checked before anything changes, so a refused allocation leaves the session clean.
    _unchanged(household, seen_version)
    before = {w.id for w in household.workers}
    _touch(household, seen_version)
    household.workers = workers
    names = ", ".join(w.name for w in workers) or "nobody"
    _event(household, user, CaseEvent.ALLOCATION, f"Allocated to {names} by {user.name}",
           details={"before": sorted(before), "after": sorted(w.id for w in workers)})
    audit("update", "household", household.id, {"allocation": True}, user=user)
    _commit(household)


def add_task(household: Household, user, title: str, owner, due_on,
             commit: bool = True) -> Task:
    """A task on the case for ``owner``. ``user`` is None when the household raised it
    themselves (an applicant's request); with ``commit=False`` the caller commits."""
    task = Task(household_id=household.id, title=title[:200], owner_id=owner.id,
                due_on=due_on, created_by_id=user.id if user else None)
    db.session.add(task)
    db.session.flush()
    _event(household, user, CaseEvent.TASK,
           f"Task for {owner.name}, due {due_on:%-d %b %Y}: {title}")
    audit("update", "household", household.id, {"task": task.id}, user=user)
    if commit:
        db.session.commit()
    return task


def complete_task(task: Task, user) -> None:
    if task.done_at is not None:
        return
    task.done_at = utcnow()
    _event(task.household, user, CaseEvent.TASK, f"Task done by {user.name}: {task.title}")
    audit("update", "household", task.household_id, {"task_done": task.id}, user=user)
    db.session.commit()
