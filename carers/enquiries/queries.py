"""Looking up enquiries for the inbox: one enquiry by its reference, and the inbox's list."""

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import NotFound

from carers.enquiries.models import Enquiry, EnquiryDraft
from carers.extensions import db


def get_enquiry(reference: str) -> Enquiry:
    """The enquiry with this reference, with its household; NotFound (404) if none."""
    enquiry = db.session.scalar(
        select(Enquiry).where(Enquiry.reference == reference, Enquiry.erased_at.is_(None))
        .options(selectinload(Enquiry.people))
    )
    if enquiry is None:
        raise NotFound()
    return enquiry


def inbox(status: str | None, pathway: str | None):
    """The inbox's list, newest first, and its count: of one status and one pathway, or all
    (None)."""
    # An erased enquiry's row stays for the figures; the inbox no longer lists it.
    query = select(Enquiry).where(Enquiry.erased_at.is_(None)) \
        .order_by(Enquiry.received_at.desc(), Enquiry.id.desc())
    # count(*), not count(id): PostgreSQL can then count from the index alone.
    count_query = select(func.count()).select_from(Enquiry).where(Enquiry.erased_at.is_(None))
    if status is not None:
        query = query.where(Enquiry.status == status)
        count_query = count_query.where(Enquiry.status == status)
    if pathway is not None:
        query = query.where(Enquiry.pathway == pathway)
        count_query = count_query.where(Enquiry.pathway == pathway)
    return query, count_query


def get_draft(draft_id: str | None) -> EnquiryDraft | None:
    """The public journey's saved answers, if any are kept under this id."""
    return db.session.get(EnquiryDraft, draft_id) if draft_id else None
