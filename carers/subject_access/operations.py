"""Every change to a subject access request: opening it, extending it, releasing a third
party's item, completing it, and producing its bundle. Each is one transaction with its
audit entry; audit details hold ids and codes only (never a name or typed words)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from carers.audit.operations import record
from carers.core.changes import Refusal
from carers.core.dates import today, utcnow
from carers.extensions import db
from carers.subject_access import rules
from carers.subject_access.models import SubjectAccessRelease, SubjectAccessRequest
from carers.subject_access.search import SOURCES

OBJECT = "subject_access_request"


class RequestRefused(Refusal):
    pass


def _refuse(reason: str):
    """Nothing of a refused change is kept."""
    db.session.rollback()
    raise RequestRefused(reason)


def open_request(user, *, name: str, email: str | None, born: date | None,
                 received_on: date, links: list[str]) -> SubjectAccessRequest:
    chosen = []
    for key in dict.fromkeys(links):
        source, _, record_id = key.partition(":")
        if source not in SOURCES or not record_id.isdigit():
            _refuse("Choose the records that are about the person")
        chosen.append({"source": source, "id": int(record_id)})
    if not chosen:
        _refuse("Choose at least one record that is about the person")
    if received_on > today():
        _refuse("The date the request was received must be today or in the past")
    request = SubjectAccessRequest(
        requester_name=name, requester_email=email or None, requester_date_of_birth=born,
        received_on=received_on, due_on=rules.due_date(received_on), links=chosen,
        status=rules.OPEN, created_by_id=user.id)
    db.session.add(request)
    db.session.flush()
    record("create", OBJECT, request.id,
           {"links": [f"{c['source']}:{c['id']}" for c in chosen],
            "received_on": received_on.isoformat(), "due_on": request.due_on.isoformat()},
           user=user)
    db.session.commit()
    return request


def extend(request: SubjectAccessRequest, user, months: int | None, reason: str):
    problem = rules.extension_refusal(request.received_on, request.extension_months is not None,
                                      months, today())
    if problem:
        _refuse(problem)
    if not request.is_open:
        _refuse("This request is completed")
    request.extension_months = months
    request.extension_reason = reason
    request.extended_at = utcnow()
    request.extended_by_id = user.id
    request.due_on = rules.extended_due_date(request.received_on, months)
    # The reason is kept on the request, not in the audit trail: it may name people.
    record("extend", OBJECT, request.id,
           {"months": months, "due_on": request.due_on.isoformat()}, user=user)
    db.session.commit()


def complete(request: SubjectAccessRequest, user):
    if not request.is_open:
        _refuse("This request is already completed")
    request.status = rules.COMPLETED
    request.completed_on = today()
    record("complete", OBJECT, request.id,
           {"completed_on": request.completed_on.isoformat(),
            "late": request.completed_on > request.due_on}, user=user)
    db.session.commit()


def release(request: SubjectAccessRequest, user, item_key: str, reason: str,
            marked: set[str]):
    """Let a third party's item go in this request's bundle. ``marked`` are the keys of the
    items marked as third parties' now: nothing else can be released."""
    if item_key not in marked:
        _refuse("That item is not withheld from this request's bundle")
    exists = db.session.scalar(select(SubjectAccessRelease.id).where(
        SubjectAccessRelease.request_id == request.id,
        SubjectAccessRelease.item_key == item_key))
    if exists:
        _refuse("That item has already been released")
    db.session.add(SubjectAccessRelease(request_id=request.id, item_key=item_key,
                                        reason=reason, released_by_id=user.id))
    record("release", OBJECT, request.id, {"item": item_key}, user=user)
    db.session.commit()


def produced(request: SubjectAccessRequest, user, fmt: str, bundle: dict):
    """A bundle was made and handed over: audited with the request, the format and the
    counts, and counted on the request."""
    request.bundles_made = (request.bundles_made or 0) + 1
    items = [i for s in bundle["sections"] for i in s["items"]]
    record("produce", OBJECT, request.id,
           {"format": fmt, "items": len(items), "withheld": bundle["withheld"],
            "released": sum(1 for i in items if i["released"])}, user=user)
    db.session.commit()
