"""Looking up a case's report records for the pages."""

from sqlalchemy import select
from werkzeug.exceptions import NotFound

from carers.extensions import db
from carers.reports.models import TrainingRecord


def training_for(household) -> list[TrainingRecord]:
    """The preparation training the household attended, earliest first."""
    return list(db.session.scalars(
        select(TrainingRecord).where(TrainingRecord.household_id == household.id)
        .order_by(TrainingRecord.completed_on, TrainingRecord.id)))


def get_training(household, training_id: int) -> TrainingRecord:
    """One of the household's training records; NotFound (404) if it is not theirs."""
    item = db.session.get(TrainingRecord, training_id)
    if item is None or item.household_id != household.id:
        raise NotFound()
    return item
