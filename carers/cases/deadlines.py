"""Keeping each case's stored next deadline (``next_due_on``) current."""

from sqlalchemy import select

from carers.cases.models import Household
from carers.cases.state import next_due
from carers.core.dates import today
from carers.extensions import db
from carers.pipeline import CLOSED_STAGES
from carers.settings.registry import load_settings

BATCH = 1000


def refresh_deadlines(batch: int = BATCH) -> int:
    """Recompute next_due_on for every open case, for example after a clock setting changed.
    Works in batches, each its own transaction. Returns the number of cases updated."""
    settings, on = load_settings(), today()
    closed = [s.value for s in CLOSED_STAGES]
    updated, last_id = 0, 0
    while True:
        rows = list(db.session.scalars(
            select(Household).where(Household.id > last_id, Household.stage.not_in(closed))
            .order_by(Household.id).limit(batch)))
        if not rows:
            return updated
        for household in rows:
            due, label = next_due(household, on, settings)
            if (due, label) != (household.next_due_on, household.next_due_label):
                # A background recalculation must not count as someone changing the case.
                db.session.execute(
                    Household.__table__.update().where(Household.id == household.id)
                    .values(next_due_on=due, next_due_label=label))
                updated += 1
        last_id = rows[-1].id
        db.session.commit()
        db.session.expunge_all()
