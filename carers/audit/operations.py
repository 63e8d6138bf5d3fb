from flask import has_request_context, request
from flask_login import current_user

from carers.audit.chain import append
from carers.audit.models import AuditEvent
from carers.core.dates import utcnow
from carers.extensions import db


def record(action: str, object_type: str, object_id=None, detail=None, user=None) -> AuditEvent:
    """Add an audit entry to the current transaction (the caller commits). The entry joins
    the hash chain; a concurrent writer waits for this transaction to end."""
    if user is None and has_request_context() and current_user.is_authenticated:
        user = current_user
    event = AuditEvent(
        at=utcnow(),
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        user_id=user.id if user is not None else None,
        ip_address=request.remote_addr if has_request_context() else None,
        detail=detail,
    )
    return append(event)


def record_view(action: str, object_type: str, object_id=None, detail=None,
                user=None) -> AuditEvent:
    """Record that a page was seen or a file downloaded, and commit: a GET view's only
    write, made through the same path as every other change."""
    event = record(action, object_type, object_id, detail, user)
    db.session.commit()
    return event
