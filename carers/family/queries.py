"""Looking up a case's family tree and ecomap."""

from sqlalchemy import select
from werkzeug.exceptions import NotFound

from carers.extensions import db
from carers.family.models import EcomapEntry, FamilyLink, FamilyPerson


def people(household) -> list[FamilyPerson]:
    return list(db.session.scalars(
        select(FamilyPerson).where(FamilyPerson.household_id == household.id)
        .order_by(FamilyPerson.position, FamilyPerson.id)))


def links(household) -> list[FamilyLink]:
    return list(db.session.scalars(
        select(FamilyLink).where(FamilyLink.household_id == household.id)
        .order_by(FamilyLink.id)))


def ecomap_entries(household) -> list[EcomapEntry]:
    return list(db.session.scalars(
        select(EcomapEntry).where(EcomapEntry.household_id == household.id)
        .order_by(EcomapEntry.position, EcomapEntry.id)))


def _of_case(model, household, record_id):
    """The row of this case with this id; NotFound (404) for any other case's row, so an id
    changed in the address reaches nothing."""
    row = db.session.get(model, record_id) if record_id is not None else None
    if row is None or row.household_id != household.id:
        raise NotFound()
    return row


def get_person(household, person_id) -> FamilyPerson:
    return _of_case(FamilyPerson, household, person_id)


def get_link(household, link_id) -> FamilyLink:
    return _of_case(FamilyLink, household, link_id)


def get_entry(household, entry_id) -> EcomapEntry:
    return _of_case(EcomapEntry, household, entry_id)
