"""Reading document requests and uploaded files."""

from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import NotFound

from carers.cases.models import HouseholdMember
from carers.extensions import db
from carers.uploads.models import DocumentRequest, UploadedDocument


def household_requests(household_id: int) -> list[DocumentRequest]:
    """Every request of the household, each with its person and files, by person then date."""
    return list(db.session.scalars(
        select(DocumentRequest)
        .outerjoin(HouseholdMember, HouseholdMember.id == DocumentRequest.member_id)
        .where(DocumentRequest.household_id == household_id)
        .options(selectinload(DocumentRequest.member),
                 selectinload(DocumentRequest.requested_by),
                 selectinload(DocumentRequest.fulfilled_by),
                 selectinload(DocumentRequest.uploads)
                 .selectinload(UploadedDocument.uploaded_by))
        .order_by(HouseholdMember.position, DocumentRequest.requested_at,
                  DocumentRequest.id)))


def by_person(requests: list[DocumentRequest]) -> list[tuple[str, list[DocumentRequest]]]:
    """Requests grouped by the person they are about, in the household's order."""
    groups: dict[str, list[DocumentRequest]] = {}
    for item in requests:
        name = item.member.name if item.member is not None else "The household"
        groups.setdefault(name, []).append(item)
    return list(groups.items())


def household_request(household_id: int, request_id) -> DocumentRequest:
    """A request of this household; NotFound (404) if none, or another household's."""
    item = db.session.get(DocumentRequest, request_id)
    if item is None or item.household_id != household_id:
        raise NotFound()
    return item


def household_upload(household_id: int, upload_id) -> UploadedDocument:
    """A file this household sent; NotFound (404) if none, or another household's."""
    item = db.session.get(UploadedDocument, upload_id)
    if item is None or item.household_id != household_id:
        raise NotFound()
    return item


def household_members(household) -> list[HouseholdMember]:
    return sorted(household.members, key=lambda m: m.position)
