"""Correcting a record's fields with a reason, and recording and resolving disputes. Each
function is one transaction, audited with ids and field names only: the values are personal
data and the audit trail outlives them."""

from __future__ import annotations

from datetime import date

from carers.audit.operations import record
from carers.core.changes import Refusal
from carers.core.dates import format_date, utcnow
from carers.corrections.models import DetailChange, Dispute
from carers.extensions import db


class NothingChanged(Refusal):
    message = "Change at least one of the details, or go back without saving."


class DisputeResolved(Refusal):
    message = "This dispute has already been resolved."


def shown(value) -> str | None:
    """A value as the history shows it (dates as people read them)."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return format_date(value)
    return str(value)


def correct(obj, object_type: str, changes: dict, reason: str, user, *,
            household_id: int | None = None, enquiry_id: int | None = None,
            commit: bool = True) -> list[DetailChange]:
    """Set ``obj``'s fields to ``changes`` (field name: new value), keeping each old value in
    the history with ``reason``. Fields whose value is unchanged are left out; nothing
    changed at all is refused."""
    rows = keep_history(obj, object_type, changes, reason, user, household_id=household_id,
                        enquiry_id=enquiry_id)
    for field, new in changes.items():
        setattr(obj, field, new)
    if not rows:
        db.session.rollback()
        raise NothingChanged()
    record("correct", object_type, obj.id,
           {"fields": sorted(r.field for r in rows), "household": household_id,
            "enquiry": enquiry_id}, user=user)
    if commit:
        db.session.commit()
    return rows


def keep_history(obj, object_type: str, changes: dict, reason: str, user, *,
                 household_id: int | None = None, enquiry_id: int | None = None,
                 only_replacing: bool = False) -> list[DetailChange]:
    """Add a history row for each field of ``obj`` that ``changes`` (field name: new value)
    would change, before the caller sets them, to the caller's transaction. With
    ``only_replacing``, a field filled in for the first time is not a change."""
    at = utcnow()
    rows = []
    for field, new in changes.items():
        old = getattr(obj, field)
        if (old or None) == (new or None) or (only_replacing and old in (None, "")):
            continue
        rows.append(DetailChange(
            object_type=object_type, object_id=obj.id, field=field,
            household_id=household_id, enquiry_id=enquiry_id, old_value=shown(old),
            new_value=shown(new), reason=reason.strip(), changed_by_id=user.id,
            changed_at=at))
    db.session.add_all(rows)
    return rows


def record_dispute(object_type: str, object_id: int, user, *, disputed_by: str, what: str,
                   account: str, field: str | None = None, household_id: int | None = None,
                   enquiry_id: int | None = None) -> Dispute:
    dispute = Dispute(object_type=object_type, object_id=object_id, field=field,
                      household_id=household_id, enquiry_id=enquiry_id,
                      disputed_by=disputed_by.strip(), what=what.strip(),
                      account=account.strip(), recorded_by_id=user.id, recorded_at=utcnow())
    db.session.add(dispute)
    db.session.flush()
    record("create", "record_dispute", dispute.id,
           {"object_type": object_type, "object_id": object_id, "field": field,
            "household": household_id, "enquiry": enquiry_id}, user=user)
    db.session.commit()
    return dispute


def resolve_dispute(dispute: Dispute, user, outcome: str) -> Dispute:
    """Mark a dispute resolved with its outcome. The note stays, shown as resolved."""
    if dispute.resolved:
        raise DisputeResolved()
    dispute.resolved_at, dispute.resolved_by_id = utcnow(), user.id
    dispute.outcome = outcome.strip()
    record("resolve", "record_dispute", dispute.id, {"household": dispute.household_id},
           user=user)
    db.session.commit()
    return dispute
