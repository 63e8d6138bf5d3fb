"""A case's history as spells: one for each time the case entered a stage, with the day it
entered, the day it left and how long it stayed.

The managers' figures (the funnel, time in each stage, what was open or approved on a past
day, the Ofsted return) are counts over spells, so they are right for any past period, not
only for today's state. The spells are kept beside the timeline in the same transaction as
each stage change; ``spells_of`` makes them from a timeline from scratch, which is how a
database is filled the first time and how a test proves the kept table is right.
"""

from __future__ import annotations

import calendar
import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from carers.clocks.workdays import working_days_between
from carers.pipeline.stages import CLOSED_STAGES, PATHWAY_STAGES, Pathway, Stage

__all__ = ["APPLICATION_STAGE", "APPLICATION_TARGET_MONTHS", "Move", "Spell", "add_months",
           "entered", "left", "moves_forward", "opened", "spells_of"]

# NMS 14.4: the panel should recommend within 8 months of the application [V].
APPLICATION_TARGET_MONTHS = 8

# The stage a case enters when its application is made: the mainstream application, or the
# connected person's full assessment (treated as the application, docs/domain.md section 2).
APPLICATION_STAGE = {Pathway.MAINSTREAM: Stage.APPLICATION_RECEIVED,
                     Pathway.CONNECTED_PERSON: Stage.FULL_ASSESSMENT}


@dataclass(frozen=True)
class Move:
    """One stage change on the timeline."""

    on: date
    from_stage: Stage
    to_stage: Stage
    withdrawal_code: str | None = None


@dataclass(frozen=True)
class Spell:
    stage: Stage
    from_stage: Stage | None  # None: the stage the case was opened in
    entered_on: date
    left_on: date | None = None  # None: the case is in this stage now
    working_days: int | None = None  # working days in the stage, once left
    days: int | None = None  # calendar days in the stage, once left
    withdrawal_code: str | None = None  # a withdrawal's Ofsted AW code
    application_on: date | None = None  # the application this spell belongs to
    # On an approval: calendar days since the application, and whether it came within
    # 8 months of it.
    days_from_application: int | None = None
    within_target: bool | None = None


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day (31 Aug + 6 months = 28 Feb)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def moves_forward(pathway: Pathway, from_stage: Stage | None, to_stage: Stage) -> bool:
    """Whether entering ``to_stage`` from ``from_stage`` is progress along the pathway: not
    a case taken off the panel list or referred back to panel. A re-opened case moves
    forward again."""
    if from_stage is None or from_stage in CLOSED_STAGES:
        return True
    order = PATHWAY_STAGES[pathway]
    if from_stage not in order or to_stage not in order:
        return True
    return order.index(to_stage) > order.index(from_stage)


def left(spell: Spell, on: date) -> Spell:
    """The spell ended on ``on``."""
    end = max(on, spell.entered_on)
    return dataclasses.replace(spell, left_on=end, days=(end - spell.entered_on).days,
                               working_days=working_days_between(spell.entered_on, end))


def entered(pathway: Pathway, previous: Spell | None, move: Move) -> Spell:
    """The spell that starts with ``move``, after ``previous`` (None: the case's first)."""
    application_on = previous.application_on if previous else None
    if move.to_stage is APPLICATION_STAGE[pathway] and \
            moves_forward(pathway, move.from_stage, move.to_stage):
        application_on = move.on
    spell = Spell(stage=move.to_stage, from_stage=move.from_stage, entered_on=move.on,
                  withdrawal_code=move.withdrawal_code if move.to_stage is Stage.WITHDRAWN
                  else None, application_on=application_on)
    if move.to_stage is Stage.APPROVED and application_on is not None:
        deadline = add_months(application_on, APPLICATION_TARGET_MONTHS)
        spell = dataclasses.replace(spell, days_from_application=(move.on - application_on).days,
                                    within_target=move.on <= deadline)
    return spell


def opened(pathway: Pathway, stage: Stage, on: date) -> Spell:
    """The first spell of a case opened in ``stage`` on ``on``."""
    application_on = on if stage is APPLICATION_STAGE[pathway] else None
    return Spell(stage=stage, from_stage=None, entered_on=on, application_on=application_on)


def spells_of(pathway: Pathway, first_stage: Stage, opened_on: date,
              moves: Iterable[Move]) -> list[Spell]:
    """Every spell of one case, from its opening and its stage changes in the order they
    were recorded. A change that leaves the stage as it was makes no spell."""
    spells = [opened(pathway, first_stage, opened_on)]
    for move in moves:
        if move.to_stage is move.from_stage:
            continue
        spells[-1] = left(spells[-1], move.on)
        spells.append(entered(pathway, spells[-1], move))
    return spells
