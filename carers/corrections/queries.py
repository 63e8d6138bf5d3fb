"""The history and disputes of records, for the pages and documents that show them."""

from __future__ import annotations

from sqlalchemy import select
from werkzeug.exceptions import NotFound

from carers.corrections.models import DetailChange, Dispute
from carers.extensions import db


def history(object_type: str, object_id: int) -> list[DetailChange]:
    """A record's corrections, newest first."""
    return list(db.session.scalars(
        select(DetailChange).where(DetailChange.object_type == object_type,
                                   DetailChange.object_id == object_id)
        .order_by(DetailChange.changed_at.desc(), DetailChange.id.desc())))


def household_history(household_id: int) -> list[DetailChange]:
    return list(db.session.scalars(
        select(DetailChange).where(DetailChange.household_id == household_id)
        .order_by(DetailChange.changed_at.desc(), DetailChange.id.desc())))


def disputes_of(object_type: str, object_id: int) -> list[Dispute]:
    return list(db.session.scalars(
        select(Dispute).where(Dispute.object_type == object_type,
                              Dispute.object_id == object_id)
        .order_by(Dispute.recorded_at, Dispute.id)))


def household_disputes(household_id: int) -> list[Dispute]:
    """Every dispute about a household's records, oldest first."""
    return list(db.session.scalars(
        select(Dispute).where(Dispute.household_id == household_id)
        .order_by(Dispute.recorded_at, Dispute.id)))


def get_dispute(dispute_id: int, household_id: int | None = None) -> Dispute:
    dispute = db.session.get(Dispute, dispute_id)
    if dispute is None or (household_id is not None and dispute.household_id != household_id):
        raise NotFound()
    return dispute
