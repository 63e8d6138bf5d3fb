"""Looking up a case's checks, documents, addresses and details for the pages."""

from sqlalchemy import exists, select
from werkzeug.exceptions import NotFound

from carers.cases.models import HouseholdDetails
from carers.checks.models import Address, Check, CheckDocument
from carers.extensions import db


def get_owned(model, object_id, household):
    """The ``model`` row ``object_id`` of this case (a check, referee, person or address);
    NotFound (404) if there is none, or it belongs to another case."""
    thing = db.session.get(model, object_id)
    if thing is None or thing.household_id != household.id:
        raise NotFound()
    return thing


def get_document(document_id, household) -> CheckDocument:
    """A document uploaded to one of this case's checks; NotFound (404) otherwise."""
    document = db.session.get(CheckDocument, document_id)
    if document is None or document.check.household_id != household.id:
        raise NotFound()
    return document


def case_addresses(household) -> list[Address]:
    """The case's addresses, the current one first, then the most recent."""
    return list(db.session.scalars(select(Address).where(
        Address.household_id == household.id).order_by(Address.lived_to.is_(None).desc(),
                                                       Address.lived_to.desc(),
                                                       Address.id)))


def household_details(household) -> HouseholdDetails | None:
    return db.session.get(HouseholdDetails, household.id)


def renewal_of(check: Check) -> Check | None:
    """The renewal started for ``check``, if any."""
    return db.session.scalar(select(Check).where(Check.renewal_of_id == check.id))


def has_lapsed_checks(household, on) -> bool:
    """A finished, still required check of the case past its expiry on ``on``."""
    return bool(db.session.scalar(select(exists().where(
        Check.household_id == household.id, Check.required.is_(True),
        Check.superseded.is_(False), Check.done_on.is_not(None),
        Check.expires_on < on))))
