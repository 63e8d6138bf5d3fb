"""The audit trail's lookups: a search from the form's filters, and a case's viewers."""

from datetime import datetime, time, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from carers.audit.models import AuditEvent
from carers.auth.models import User
from carers.core.dates import LONDON
from carers.extensions import db

# The records that together make up a case, as the audit trail names them.
CASE_OBJECTS = ("household", "household_checks", "household_details")
EXPORT_LIMIT = 100_000


def audit_search(form):
    """The entries matching the search form's filters (none when the form has errors), and
    the filters as they were given, for links and for the audit entry of the search."""
    query = select(AuditEvent)
    if form.errors:
        return query.where(AuditEvent.id.is_(None)), {}
    args = {}
    if form.person.data:
        like = f"%{form.person.data.lower()}%"
        query = query.where(AuditEvent.user_id.in_(select(User.id).where(or_(
            func.lower(User.email).like(like), func.lower(User.name).like(like)))))
        args["person"] = form.person.data
    if form.action.data:
        query = query.where(AuditEvent.action == form.action.data)
        args["action"] = form.action.data
    if form.object_type.data:
        query = query.where(AuditEvent.object_type == form.object_type.data)
        args["object_type"] = form.object_type.data
    if form.object_id.data:
        query = query.where(AuditEvent.object_id == form.object_id.data)
        args["object_id"] = form.object_id.data
    if form.date_from.data:
        start = datetime.combine(datetime.strptime(form.date_from.data, "%Y-%m-%d").date(),
                                 time(), LONDON)
        query = query.where(AuditEvent.at >= start)
        args["date_from"] = form.date_from.data
    if form.date_to.data:
        end = datetime.combine(datetime.strptime(form.date_to.data, "%Y-%m-%d").date(),
                               time(), LONDON) + timedelta(days=1)
        query = query.where(AuditEvent.at < end)
        args["date_to"] = form.date_to.data
    return query, args


def newest_first(query):
    """The search for a page of results: the newest entries first, with their people."""
    return query.options(selectinload(AuditEvent.user)).order_by(AuditEvent.seq.desc())


def count(query):
    return select(func.count()).select_from(query.subquery())


def for_export(query):
    """The entries for the CSV export, in the chain's order."""
    return db.session.scalars(query.options(selectinload(AuditEvent.user))
                              .order_by(AuditEvent.seq).limit(EXPORT_LIMIT))


def case_viewers(household):
    """Who has looked at this case: each person, how often and when last, latest first."""
    where = (AuditEvent.object_type.in_(CASE_OBJECTS),
             AuditEvent.object_id == str(household.id),
             AuditEvent.action.in_(("view", "download", "export")))
    return db.session.execute(
        select(User, func.count(AuditEvent.id), func.max(AuditEvent.at))
        .join(AuditEvent, AuditEvent.user_id == User.id).where(*where)
        .group_by(User.id).order_by(func.max(AuditEvent.at).desc())).all()
