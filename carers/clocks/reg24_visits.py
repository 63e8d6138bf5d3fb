"""Visits to a child placed with a connected person under regulation 24: when each is due.

CPPCR 2010 reg 28(4) [V]: while a child is placed under regulation 24 the responsible
authority visits the child at least once a week until the child's first review, then at
intervals of not more than 4 weeks. The weeks are intervals, so each visit starts the next
interval: the next visit is due a week (or 4 weeks) after the last one.

The schedule counts from the later of the placement and the temporary approval. The first
review is the one the case records; without it, the latest it may be held, 20 working days
after the placement (CPPCR 2010 reg 33(1)) [V], is used, and the schedule says so.

Plain Python: dates in, a ``Reg24VisitSchedule`` out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from carers.clocks.statutory import Clock, ClockStatus, clock_setting, clock_status
from carers.clocks.workdays import add_working_days, fmt_day

__all__ = [
    "FIRST_REVIEW_WORKING_DAYS",
    "VISITS_AFTER_REVIEW_DAYS",
    "VISITS_BEFORE_REVIEW_DAYS",
    "Reg24VisitSchedule",
    "SlotStatus",
    "VisitSlot",
    "reg24_visit_schedule",
    "reg24_visits_clock",
]

VISITS_BEFORE_REVIEW_DAYS = 7  # CPPCR 2010 reg 28(4): at least weekly until the first review
VISITS_AFTER_REVIEW_DAYS = 28  # CPPCR 2010 reg 28(4): then at intervals of at most 4 weeks
FIRST_REVIEW_WORKING_DAYS = 20  # CPPCR 2010 reg 33(1): first review within 20 working days


class SlotStatus(StrEnum):
    MET = "met"
    MET_LATE = "met_late"
    DUE = "due"  # the next visit, not yet late
    OVERDUE = "overdue"
    MISSED = "missed"  # the placement ended with this visit not made

    @property
    def label(self) -> str:
        return {"met": "Visited in time", "met_late": "Visited late", "due": "Due",
                "overdue": "Overdue", "missed": "Not visited"}[self.value]


@dataclass(frozen=True)
class VisitSlot:
    """One visit the rule asks for: due by ``due``, counted from ``counted_from``."""

    counted_from: date
    due: date
    interval_days: int
    visited_on: date | None
    status: SlotStatus

    @property
    def interval_label(self) -> str:
        return "weekly" if self.interval_days == VISITS_BEFORE_REVIEW_DAYS else "every 4 weeks"

    def as_dict(self) -> dict:
        return {"counted_from": self.counted_from.isoformat(), "due": self.due.isoformat(),
                "interval_days": self.interval_days,
                "visited_on": self.visited_on.isoformat() if self.visited_on else None,
                "status": self.status.value, "status_label": self.status.label}


@dataclass(frozen=True)
class Reg24VisitSchedule:
    start: date | None  # the later of placement and approval; None: not started
    start_explanation: str
    first_review: date | None
    first_review_recorded: bool  # False: the latest date the review may be held is used
    ended_on: date | None
    slots: tuple[VisitSlot, ...]
    visits: tuple[date, ...]  # every visit counted, in order

    @property
    def started(self) -> bool:
        return self.start is not None

    @property
    def next_slot(self) -> VisitSlot | None:
        """The visit still to make, if the placement goes on."""
        last = self.slots[-1] if self.slots else None
        return last if last and last.status in (SlotStatus.DUE, SlotStatus.OVERDUE) else None

    @property
    def next_due(self) -> date | None:
        slot = self.next_slot
        return slot.due if slot else None

    @property
    def overdue(self) -> bool:
        slot = self.next_slot
        return bool(slot and slot.status is SlotStatus.OVERDUE)

    @property
    def first_review_explanation(self) -> str:
        if self.first_review is None:
            return ""
        if self.first_review_recorded:
            return f"The child's first review is on {fmt_day(self.first_review)}."
        return (f"The child's first review is not recorded, so {fmt_day(self.first_review)} is "
                f"used: the latest it may be held, {FIRST_REVIEW_WORKING_DAYS} working days "
                "after the placement (CPPCR reg 33).")


def _status(due: date, visited_on: date | None, today: date, ended_on: date | None,
            ) -> SlotStatus:
    if visited_on is not None:
        return SlotStatus.MET if visited_on <= due else SlotStatus.MET_LATE
    if ended_on is not None:
        return SlotStatus.MISSED
    return SlotStatus.OVERDUE if today > due else SlotStatus.DUE


def reg24_visit_schedule(placed_on: date | None, approved_on: date | None,
                         visits: Iterable[date], today: date, *,
                         first_review_on: date | None = None,
                         ended_on: date | None = None) -> Reg24VisitSchedule:
    """The visits due since the schedule started, which visit met each, and the next one.

    ``visits`` are the days the child was visited (any order, repeats ignored); visits before
    the start or after ``ended_on`` (the placement ended) do not count.
    """
    if placed_on is None or approved_on is None:
        missing = "the date the child was placed" if placed_on is None else \
            "temporary approval under regulation 24"
        return Reg24VisitSchedule(None, f"Not started: waiting for {missing}.", None, False,
                                  ended_on, (), ())
    start = max(placed_on, approved_on)
    which = "the placement" if placed_on >= approved_on else "temporary approval"
    explanation = f"Counted from {which} on {fmt_day(start)}."
    recorded = first_review_on is not None
    review = first_review_on or add_working_days(placed_on, FIRST_REVIEW_WORKING_DAYS)
    done = sorted({d for d in visits if d >= start and (ended_on is None or d <= ended_on)})
    slots: list[VisitSlot] = []
    anchor = start
    for visited in [*done, None]:
        interval = VISITS_BEFORE_REVIEW_DAYS if anchor < review else VISITS_AFTER_REVIEW_DAYS
        due = anchor + timedelta(days=interval)
        if visited is None and ended_on is not None and due > ended_on:
            break  # the placement ended before another visit was due
        slots.append(VisitSlot(anchor, due, interval, visited,
                               _status(due, visited, today, ended_on)))
        if visited is not None:
            anchor = visited
    return Reg24VisitSchedule(start, explanation, review, recorded, ended_on, tuple(slots),
                              tuple(done))


def reg24_visits_clock(schedule: Reg24VisitSchedule, today: date,
                       settings: Mapping[str, object] | None = None) -> Clock:
    """The next visit to the child as a clock, for the case's clocks and the board."""
    label = "Regulation 24 visit to the child"
    slot = schedule.next_slot
    if slot is None:
        why = ("The placement has ended." if schedule.ended_on
               else schedule.start_explanation)
        return Clock("reg24_visits", label, schedule.start, None, None,
                     ClockStatus.NOT_STARTED, why)
    after = ("the last visit" if slot.counted_from in schedule.visits
             else "the start of the placement")
    every = ("a week" if slot.interval_days == VISITS_BEFORE_REVIEW_DAYS else "4 weeks")
    rule = ("weekly until the child's first review, then every 4 weeks (CPPCR reg 28(4))")
    explanation = (f"Due {fmt_day(slot.due)}: {every} after {after} on "
                   f"{fmt_day(slot.counted_from)}; {rule}.")
    if not schedule.first_review_recorded:
        explanation += f" {schedule.first_review_explanation}"
    soon = clock_setting(settings, "due_soon_working_days")
    return Clock("reg24_visits", label, slot.counted_from, slot.due, None,
                 clock_status(slot.due, today, None, soon), explanation)
