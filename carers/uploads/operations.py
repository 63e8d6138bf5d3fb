"""Changing document requests and storing uploaded files, each change one transaction with
its audit entry."""

import hashlib

from carers.audit.operations import record
from carers.core.changes import Refusal
from carers.core.database import transaction
from carers.core.dates import utcnow
from carers.uploads import inspection, rules, storage
from carers.uploads.models import DocumentRequest, UploadedDocument

MB = 1024 * 1024


def too_large_message(name: str | None, limit_mb: int) -> str:
    subject = name or "The selected file"
    return f"{subject} must be smaller than {limit_mb}MB"


def ask(household, user, member, kind: str, description: str | None,
        note: str | None) -> DocumentRequest:
    """Ask the household for a document about ``member`` (one of its people)."""
    with transaction() as session:
        item = DocumentRequest(
            household_id=household.id, member_id=member.id, kind=kind,
            description=(description or None) if kind == rules.DocumentKind.OTHER else None,
            note=note or None, requested_by_id=user.id, requested_at=utcnow())
        session.add(item)
        session.flush()
        record("create", "document_request", item.id,
               {"household": household.id, "member": member.id, "kind": kind}, user=user)
    return item


def accept(item: DocumentRequest, user) -> None:
    """Mark the request received and accepted."""
    with transaction():
        if not rules.may_accept(item.status):
            raise Refusal(f"{item.title} is already {item.status.value}")
        item.fulfilled_at, item.fulfilled_by_id = utcnow(), user.id
        record("update", "document_request", item.id,
               {"household": item.household_id, "accepted": True}, user=user)


def cancel(item: DocumentRequest, user) -> None:
    """The document is no longer needed: the household is no longer asked for it."""
    with transaction():
        if not rules.may_cancel(item.status):
            raise Refusal(f"{item.title} is already {item.status.value}")
        item.cancelled_at, item.cancelled_by_id = utcnow(), user.id
        record("update", "document_request", item.id,
               {"household": item.household_id, "cancelled": True}, user=user)


def upload(applicant, item: DocumentRequest, name: str, data: bytes, limit_mb: int,
           comment: str | None = None) -> UploadedDocument:
    """Keep the file ``data`` (at most limit + 1 bytes read by the caller) an applicant sent
    for ``item``, if it is what we accept; Refusal, naming the file, if not."""
    if not rules.may_upload(item.status):
        raise Refusal(f"{item.title} is {rules.APPLICANT_LABELS[item.status].lower()}: "
                      "the team does not need another file for it")
    if len(data) > limit_mb * MB:
        raise Refusal(too_large_message(name, limit_mb))
    try:
        content_type = inspection.inspect(data)
    except inspection.Unacceptable as problem:
        raise Refusal(problem.message(name)) from None
    with transaction() as session:
        stored_name = storage.save(data)  # in this transaction: kept only with its row
        row = UploadedDocument(
            household_id=item.household_id, request_id=item.id,
            uploaded_by_id=applicant.id, original_name=name[-255:],
            stored_name=stored_name, content_type=content_type, size=len(data),
            sha256=hashlib.sha256(data).hexdigest(), comment=comment or None,
            uploaded_at=utcnow())
        session.add(row)
        session.flush()
        record("create", "uploaded_document", row.id,
               {"household": item.household_id, "request": item.id,
                "applicant": applicant.id, "type": content_type, "size": len(data)})
    return row

