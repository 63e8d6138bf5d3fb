"""Demo visits: a fortnight of booked visits and sessions for open cases, and some earlier
ones written up. Rows are written directly (no invitations are emailed for demo data)."""

from __future__ import annotations

import random
import uuid
from datetime import date, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from carers.cases.models import Household
from carers.cases.state import next_due
from carers.core.dates import today, utcnow
from carers.extensions import db
from carers.pipeline import Stage
from carers.settings.registry import load_settings
from carers.visits.models import Visit
from carers.visits.queries import reg24_visit_dates
from carers.visits.rules import local_start, reminder_due

VISIT_KINDS = {
    Stage.INITIAL_VISIT.value: "initial_home_visit",
    Stage.STAGE1.value: "health_and_safety_check",
    Stage.STAGE2.value: "assessment_session",
    Stage.VIABILITY_ASSESSMENT.value: "other",
    Stage.REG24_TEMPORARY_APPROVAL.value: "regulation_24_visit",
    Stage.FULL_ASSESSMENT.value: "assessment_session",
}
WRITE_UPS = [
    "Saw both applicants at home. Talked through their own childhoods and how they "
    "handle conflict; both open and reflective. Next session: support network.",
    "Walked round the home with the applicant: smoke alarms on each floor, medicines "
    "locked away, the spare bedroom ready. Garden pond to be fenced before placement.",
    "Session on safer caring. The household has drafted its policy; agreed changes to "
    "bathroom routines. Eldest son joined for the last half hour.",
]
TIMES = [time(9, 30), time(10, 0), time(11, 0), time(13, 30), time(14, 0), time(15, 30)]


def _weekday(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def load_demo_visits(rng: random.Random, limit: int = 24) -> int:
    settings = load_settings()
    hours = settings.get("visit_reminder_hours", 24)
    households = list(db.session.scalars(
        select(Household).where(Household.stage.in_(list(VISIT_KINDS)))
        .options(selectinload(Household.workers), selectinload(Household.members))
        .order_by(Household.id).limit(limit)))
    on, now, made = today(), utcnow(), 0
    for household in households:
        if not household.workers:
            continue
        worker = household.workers[0]
        home = ", ".join(p for p in (household.address, household.postcode) if p)
        times = [(rng.randint(-20, -2), True), (rng.randint(1, 13), False)]
        if household.stage == Stage.REG24_TEMPORARY_APPROVAL.value:
            times.append((rng.randint(-34, -22), True))  # a couple of visits to the child
        for offset, past in times:
            starts = local_start(_weekday(on + timedelta(days=offset)), rng.choice(TIMES))
            minutes = rng.choice([60, 90, 120])
            visit = Visit(uid=f"{uuid.uuid4()}@carers", household_id=household.id,
                          kind=VISIT_KINDS[household.stage], starts_at=starts,
                          ends_at=starts + timedelta(minutes=minutes),
                          duration_minutes=minutes,
                          place="home" if home else "office",
                          location=home or str(settings.get("office_address")),
                          status=Visit.BOOKED, ics_sequence=0, created_by_id=worker.id,
                          reminder_due_at=reminder_due(starts, hours), workers=[worker],
                          members=[m for m in household.members if m.is_applicant])
            if past:
                visit.status = Visit.TOOK_PLACE
                visit.write_up = rng.choice(WRITE_UPS)
                visit.written_up_at = starts + timedelta(hours=5)
                visit.reminder_sent_at = reminder_due(starts, hours)
            elif visit.reminder_due_at <= now:
                visit.reminder_sent_at = visit.reminder_due_at
            db.session.add(visit)
            made += 1
        if household.stage == Stage.REG24_TEMPORARY_APPROVAL.value:
            _count_reg24_visits(household, on, settings)
    db.session.commit()
    return made


def _count_reg24_visits(household: Household, on: date, settings) -> None:
    """The case's regulation 24 visits clock counts from the latest visit that took place."""
    db.session.flush()
    dates = reg24_visit_dates(household)
    household.reg24_last_visit_on = dates[-1] if dates else None
    household.next_due_on, household.next_due_label = next_due(household, on, settings)
