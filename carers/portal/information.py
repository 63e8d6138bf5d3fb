"""Everything the service holds about the signed-in person, for "download my information"
(UK GDPR article 15, the right of access), as one plain dictionary that becomes the JSON file
and the PDF.

Only the person's own data and what the household shares with them: their account; their
own application answers and, for a joint applicant, the household's shared tasks; the
documents asked of them or sent by them (names, kinds, dates, sizes, never the files); the
household's message thread; the household's visits; the case's stage changes; and the names
of the checks about them and whether each is done.

Never in it: what referees wrote or said (reference responses, interview notes), another
adult's personal answers, staff notes (case notes, visit notes and write-ups, check notes,
oversight), panel minutes, check outcomes, and the words of a stage change (a refusal's or
a withdrawal's reasons are written by staff). Each section is one query.

The shape (``SCHEMA`` names its version; a change of shape is a new version):

    {
      "schema": "carers.your-information.v1",
      "generated_at": "2027-03-01T10:00:00+00:00",        # UTC, ISO 8601
      "agency": "Northmoor Fostering",
      "person": {"name", "email", "phone", "role", "role_label",
                 "invited_at", "last_sign_in_at"},
      "case": {"reference", "pathway", "pathway_label", "stage", "stage_label"},
      "application": null | {"form", "form_title", "started_at", "submitted_at",
                             "declared_at",
                             "tasks": [{"key", "title", "shared", "status",
                                        "status_label", "updated_at", "reopened_at",
                                        "reopened_reason", "answers": {...}}]},
      "documents": {
        "requested": [{"title", "about", "requested_at", "status", "status_label",
                       "note"}],
        "files": [{"name", "type", "size_bytes", "uploaded_at", "uploaded_by",
                   "for_request", "comment"}]},
      "messages": [{"from", "from_household", "sent_at", "text"}],
      "visits": [{"kind", "kind_label", "starts_at", "when", "duration_minutes",
                  "place", "place_label", "location", "workers": [name],
                  "status", "status_label"}],
      "stage_history": [{"on", "at", "from_stage", "from_label", "to_stage",
                         "to_label"}],
      "checks": [{"name", "done"}]
    }

Dates are "YYYY-MM-DD"; moments are ISO 8601 in UTC; anything not recorded is null. The
``answers`` of each task are as the application stores them (see the application feature's
answer shapes): keys in snake case, dates as "YYYY-MM-DD".
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from carers.applicants.models import Applicant
from carers.application import rules as application_rules
from carers.application.models import Application, ApplicationTask, Declaration
from carers.cases.models import CaseEvent, Household
from carers.checks.models import Check
from carers.checks.rules import CheckKind
from carers.core.dates import format_date, format_datetime, utcnow
from carers.extensions import db
from carers.messages.models import Message
from carers.pipeline import Pathway, Stage
from carers.settings.registry import agency_settings
from carers.uploads import rules as upload_rules
from carers.uploads.models import DocumentRequest, UploadedDocument
from carers.visits.models import Visit
from carers.visits.rules import KINDS, PLACES, STATUSES, format_when

__all__ = ["ROLE_LABELS", "SCHEMA", "day", "field_label", "gather", "when"]

SCHEMA = "carers.your-information.v1"
ROLE_LABELS = {Applicant.APPLICANT: "Applicant", Applicant.ADULT: "Adult in the household"}


def _moment(value: datetime | None) -> str | None:
    if value is None:
        return None
    # SQLite hands back naive datetimes that were stored as UTC.
    value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value.isoformat(timespec="seconds")


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _label(enum, value, default=None):
    try:
        return enum(value).label
    except ValueError:
        return default or value


def gather(applicant: Applicant) -> dict[str, Any]:
    """What the service holds about ``applicant``, in the documented shape."""
    household = db.session.get(Household, applicant.household_id)
    settings = agency_settings()
    return {
        "schema": SCHEMA,
        "generated_at": _moment(utcnow()),
        "agency": settings.get("agency_name"),
        "person": _person(applicant),
        "case": _case(household),
        "application": _application(applicant),
        "documents": _documents(applicant),
        "messages": _messages(household),
        "visits": _visits(household),
        "stage_history": _stage_history(household),
        "checks": _checks(applicant),
    }


def _person(applicant: Applicant) -> dict:
    return {"name": applicant.name, "email": applicant.email, "phone": applicant.phone,
            "role": applicant.role, "role_label": ROLE_LABELS.get(applicant.role),
            "invited_at": _moment(applicant.invited_at),
            "last_sign_in_at": _moment(applicant.last_sign_in_at)}


def _case(household: Household) -> dict:
    return {"reference": household.reference, "pathway": household.pathway,
            "pathway_label": _label(Pathway, household.pathway),
            "stage": household.stage, "stage_label": _label(Stage, household.stage)}


def _own_rows(applicant: Applicant):
    """Their own personal tasks; a joint applicant's also the household's shared ones."""
    if applicant.is_joint_applicant:
        return or_(ApplicationTask.applicant_id == applicant.id,
                   ApplicationTask.applicant_id.is_(None))
    return ApplicationTask.applicant_id == applicant.id


def _application(applicant: Applicant) -> dict | None:
    application = db.session.scalar(
        select(Application).where(Application.household_id == applicant.household_id))
    if application is None:
        return None
    rows = db.session.scalars(select(ApplicationTask).where(
        ApplicationTask.application_id == application.id, _own_rows(applicant))).all()
    order = {task.key: i for i, task in enumerate(application_rules.TASKS)}
    rows = sorted(rows, key=lambda r: (order.get(r.task, len(order)), r.id))
    declared = db.session.scalar(select(Declaration.declared_at).where(
        Declaration.application_id == application.id,
        Declaration.applicant_id == applicant.id))
    tasks = []
    for row in rows:
        task = application_rules.BY_KEY.get(row.task)
        tasks.append({
            "key": row.task,
            "title": task.title_for(application.form) if task else row.task,
            "shared": row.applicant_id is None,
            "status": row.status,
            "status_label": application_rules.STATUS_LABELS.get(row.status, row.status),
            "updated_at": _moment(row.updated_at),
            "reopened_at": _moment(row.reopened_at),
            "reopened_reason": row.reopened_reason,
            "answers": dict(row.answers or {}),
        })
    return {"form": application.form,
            "form_title": application_rules.FORM_TITLES.get(application.form),
            "started_at": _moment(application.started_at),
            "submitted_at": _moment(application.submitted_at),
            "declared_at": _moment(declared),
            "tasks": tasks}


def _documents(applicant: Applicant) -> dict:
    """The documents asked about them (or, for a joint applicant, about the household as a
    whole), and the files sent for those or sent by them."""
    about = [DocumentRequest.member_id == applicant.member_id] if applicant.member_id else []
    if applicant.is_joint_applicant:
        about.append(DocumentRequest.member_id.is_(None))
    requests = list(db.session.scalars(
        select(DocumentRequest).where(DocumentRequest.household_id == applicant.household_id,
                                      or_(*about))
        .options(selectinload(DocumentRequest.uploads), selectinload(DocumentRequest.member))
        .order_by(DocumentRequest.requested_at, DocumentRequest.id))) if about else []
    theirs = {r.id for r in requests}
    files = db.session.scalars(
        select(UploadedDocument).where(
            UploadedDocument.household_id == applicant.household_id,
            or_(UploadedDocument.uploaded_by_id == applicant.id,
                UploadedDocument.request_id.in_(theirs or [0])))
        .options(selectinload(UploadedDocument.request),
                 selectinload(UploadedDocument.uploaded_by))
        .order_by(UploadedDocument.uploaded_at, UploadedDocument.id)).all()
    return {
        "requested": [{
            "title": r.title,
            "about": r.member.name if r.member is not None else "Your household",
            "requested_at": _moment(r.requested_at),
            "status": str(r.status),
            "status_label": upload_rules.APPLICANT_LABELS[r.status],
            "note": r.note,
        } for r in requests],
        "files": [{
            "name": f.original_name,
            "type": f.content_type,
            "size_bytes": f.size,
            "uploaded_at": _moment(f.uploaded_at),
            "uploaded_by": f.uploaded_by.name if f.uploaded_by is not None else None,
            "for_request": f.request.title if f.request is not None else None,
            # What the sender said about the file: only their own words.
            "comment": f.comment if f.uploaded_by_id == applicant.id else None,
        } for f in files],
    }


def _messages(household: Household) -> list[dict]:
    rows = db.session.scalars(select(Message).where(Message.household_id == household.id)
                              .order_by(Message.id))
    return [{"from": m.author_name, "from_household": m.from_household,
             "sent_at": _moment(m.sent_at), "text": m.body} for m in rows]


def _visits(household: Household) -> list[dict]:
    """The household's visits: what, when, where, who and whether they happened. Not the
    workers' notes or write-ups, nor the reasons staff gave for a change."""
    rows = db.session.scalars(select(Visit).where(Visit.household_id == household.id)
                              .options(selectinload(Visit.workers))
                              .order_by(Visit.starts_at, Visit.id))
    return [{"kind": v.kind, "kind_label": KINDS.get(v.kind, "Visit"),
             "starts_at": _moment(v.starts_at_utc),
             "when": format_when(v.starts_at_utc, v.duration_minutes),
             "duration_minutes": v.duration_minutes,
             "place": v.place, "place_label": PLACES.get(v.place, v.place),
             "location": v.location,
             "workers": [w.name for w in v.workers],
             "status": v.status, "status_label": STATUSES.get(v.status, v.status)}
            for v in rows]


def _stage_history(household: Household) -> list[dict]:
    """The stage changes and when they happened: not their words (staff write them)."""
    rows = db.session.execute(
        select(CaseEvent.happened_on, CaseEvent.at, CaseEvent.from_stage, CaseEvent.to_stage)
        .where(CaseEvent.household_id == household.id,
               CaseEvent.kind == CaseEvent.TRANSITION)
        .order_by(CaseEvent.at, CaseEvent.id))
    return [{"on": _day(on), "at": _moment(at),
             "from_stage": from_, "from_label": _label(Stage, from_) if from_ else None,
             "to_stage": to, "to_label": _label(Stage, to) if to else None}
            for on, at, from_, to in rows]


def _checks(applicant: Applicant) -> list[dict]:
    """The checks about them (and, for a joint applicant, the household's own checks such as
    references and the home): names and whether done, never outcomes or notes."""
    about = [Check.member_id == applicant.member_id] if applicant.member_id else []
    if applicant.is_joint_applicant:
        about.append(Check.member_id.is_(None))
    if not about:
        return []
    rows = db.session.execute(
        select(Check.kind, Check.subject, Check.done_on, Check.member_id)
        .where(Check.household_id == applicant.household_id, Check.required.is_(True),
               Check.superseded.is_(False), or_(*about))
        .order_by(Check.member_id.is_(None), Check.kind, Check.id))
    return [{"name": f"{_label(CheckKind, kind)}: {subject}", "done": done_on is not None}
            for kind, subject, done_on, _member in rows]


# --- labels for the PDF ---

_FIELD_LABELS = {
    **application_rules.CONSENT_LABELS,
    "consented_on": "Consent given on",
    "from": "From", "to": "To", "since": "Since",
    "line_1": "Address line 1", "lived_to": "Lived there until",
    "income_annual": "Annual income (£)", "known_years": "Known for (years)",
    "is_relative": "A relative",
}


def field_label(key: str) -> str:
    """An answer's key as words: "date_of_birth" is "Date of birth"."""
    key = str(key)
    return _FIELD_LABELS.get(key) or key.replace("_", " ").capitalize()


def when(value: str | None) -> str:
    """A moment from the gathered shape, as people read it: "1 March 2027 at 10:00am"."""
    return format_datetime(datetime.fromisoformat(value)) if value else ""


def day(value: str | None) -> str:
    return format_date(date.fromisoformat(value)) if value else ""
