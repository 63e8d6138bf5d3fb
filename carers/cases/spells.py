"""The stage_spell table: each case's spells (``carers.pipeline.spells``), kept in the same
transaction as the timeline, and made again from the timeline by ``rebuild``."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date

from sqlalchemy import delete, insert, select

from carers.cases.models import CaseEvent, Household, StageSpell
from carers.extensions import db
from carers.pipeline import spells as rules
from carers.pipeline.stages import Pathway, Stage

__all__ = ["computed", "moved", "opened", "rebuild", "row"]


def row(household_id: int, pathway: Pathway, spell: rules.Spell) -> dict:
    """The table row for one spell (for bulk inserts as well as the ORM)."""
    return {
        "household_id": household_id, "pathway": pathway.value, "stage": spell.stage.value,
        "from_stage": spell.from_stage.value if spell.from_stage else None,
        "forward": rules.moves_forward(pathway, spell.from_stage, spell.stage),
        "entered_on": spell.entered_on, "left_on": spell.left_on,
        "working_days": spell.working_days, "days": spell.days,
        "withdrawal_code": spell.withdrawal_code, "application_on": spell.application_on,
        "days_from_application": spell.days_from_application,
        "within_target": spell.within_target,
    }


def _spell(stored: StageSpell) -> rules.Spell:
    return rules.Spell(
        stage=Stage(stored.stage),
        from_stage=Stage(stored.from_stage) if stored.from_stage else None,
        entered_on=stored.entered_on, left_on=stored.left_on,
        working_days=stored.working_days, days=stored.days,
        withdrawal_code=stored.withdrawal_code, application_on=stored.application_on,
        days_from_application=stored.days_from_application,
        within_target=stored.within_target)


def opened(household: Household, stage: Stage, on: date) -> None:
    """The case was opened in ``stage``. The caller commits."""
    pathway = Pathway(household.pathway)
    db.session.add(StageSpell(**row(household.id, pathway, rules.opened(pathway, stage, on))))


def moved(household: Household, move: rules.Move) -> None:
    """The case changed stage: its open spell ends and a new one starts. The caller
    commits."""
    pathway = Pathway(household.pathway)
    # The open spell may still be unsaved (a case opened and moved in one transaction).
    # Nothing is flushed here: the case's own stale-write check belongs to the commit.
    current = next((s for s in db.session.new if isinstance(s, StageSpell)
                    and s.household_id == household.id and s.left_on is None), None)
    if current is None:
        with db.session.no_autoflush:
            current = db.session.scalar(
                select(StageSpell).where(StageSpell.household_id == household.id,
                                         StageSpell.left_on.is_(None))
                .order_by(StageSpell.id.desc()).limit(1))
    previous = None
    if current is not None:
        previous = rules.left(_spell(current), move.on)
        current.left_on, current.days = previous.left_on, previous.days
        current.working_days = previous.working_days
    spell = rules.entered(pathway, previous, move)
    db.session.add(StageSpell(**row(household.id, pathway, spell)))


def _timelines(household_ids: Iterable[int] | None, execute, knows_erasure: bool = True
               ) -> Iterator[tuple[Household, list]]:
    """Each household with its opening day and stage changes, in the order recorded (none
    for an erased household, whose timeline is gone; ``knows_erasure=False`` for a database
    from before erasure, which has no such column)."""
    query = select(Household.id, Household.pathway, Household.stage,
                   Household.enquiry_received_on, Household.referral_received_on,
                   Household.created_at).order_by(Household.id)
    if knows_erasure:
        query = query.where(Household.erased_at.is_(None))
    if household_ids is not None:
        query = query.where(Household.id.in_(list(household_ids)))
    households = execute(query).all()
    for start in range(0, len(households), 500):
        batch = households[start:start + 500]
        ids = [h.id for h in batch]
        events: dict[int, list] = {i: [] for i in ids}
        for event in execute(
                select(CaseEvent.household_id, CaseEvent.kind, CaseEvent.happened_on,
                       CaseEvent.from_stage, CaseEvent.to_stage, CaseEvent.details)
                .where(CaseEvent.household_id.in_(ids),
                       CaseEvent.kind.in_((CaseEvent.CREATED, CaseEvent.TRANSITION)))
                .order_by(CaseEvent.id)):
            events[event.household_id].append(event)
        for household in batch:
            yield household, events[household.id]


def _spells(household, events: list) -> list[rules.Spell]:
    pathway = Pathway(household.pathway)
    created = next((e.happened_on for e in events if e.kind == CaseEvent.CREATED), None)
    opened_on = (created or household.enquiry_received_on or household.referral_received_on
                 or household.created_at.date())
    moves = [rules.Move(e.happened_on, Stage(e.from_stage), Stage(e.to_stage),
                        (e.details or {}).get("withdrawal_code"))
             for e in events if e.kind == CaseEvent.TRANSITION and e.from_stage
             and e.to_stage and e.from_stage != e.to_stage]
    first = moves[0].from_stage if moves else Stage(household.stage)
    return rules.spells_of(pathway, first, opened_on, moves)


def computed(household_ids: Iterable[int] | None = None, connection=None,
             knows_erasure: bool = True) -> Iterator[dict]:
    """The spells' rows as the timeline gives them, worked out from scratch."""
    execute = (connection or db.session).execute
    for household, events in _timelines(household_ids, execute, knows_erasure):
        pathway = Pathway(household.pathway)
        for spell in _spells(household, events):
            yield row(household.id, pathway, spell)


def rebuild(connection=None, knows_erasure: bool = True) -> int:
    """Make the table again from every case's timeline (on ``connection``, default the
    session's); the caller commits. Returns the number of spells."""
    execute = (connection or db.session).execute
    # An erased household's timeline is gone; its spells are all that is left of it for the
    # figures, so they stay as they are.
    kept = delete(StageSpell)
    if knows_erasure:
        kept = kept.where(StageSpell.household_id.not_in(
            select(Household.id).where(Household.erased_at.is_not(None))))
    execute(kept)
    rows, count = [], 0
    for spell in computed(connection=connection, knows_erasure=knows_erasure):
        rows.append(spell)
        if len(rows) == 1000:
            execute(insert(StageSpell), rows)
            count, rows = count + len(rows), []
    if rows:
        execute(insert(StageSpell), rows)
    return count + len(rows)
