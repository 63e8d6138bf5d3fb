"""The audit trail for administrators (search and CSV export), and on each case the list of
who has looked at it."""

import csv
import io
from datetime import datetime, time, timedelta

from flask import Blueprint, Response, current_app, render_template, request
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovTextInput
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from carers.audit.models import AuditEvent
from carers.audit.operations import record as audit
from carers.auth.models import User
from carers.cases.queries import get_case
from carers.core.dates import LONDON
from carers.core.forms import GovForm, submit_button
from carers.core.pagination import paginate
from carers.extensions import db

bp = Blueprint("audit", __name__, url_prefix="/staff")

ACTIONS = ["view", "create", "update", "download", "export", "sign_in", "sign_out",
           "sign_in_failed", "transition"]
CASE_OBJECTS = ("household", "household_checks", "household_details")


def _day(form, field):
    if field.data:
        try:
            datetime.strptime(field.data, "%Y-%m-%d")
        except ValueError:
            raise ValidationError(f"{field.label.text} must be a date like 2027-03-01") from None


class AuditSearchForm(GovForm):
    class Meta:
        csrf = False

    person = StringField("Person (name or email)", validators=[Optional(), Length(max=254)],
                         widget=GovTextInput())
    action = SelectField("Action", coerce=str, widget=GovSelect(), validators=[Optional()],
                         choices=[("", "Any")] + [(a, a.replace("_", " ")) for a in ACTIONS])
    object_type = StringField("Record type", validators=[Optional(), Length(max=40)],
                              widget=GovTextInput(), description="For example, household")
    object_id = StringField("Record number", validators=[Optional(), Length(max=40)],
                            widget=GovTextInput())
    date_from = StringField("From", validators=[Optional(), _day], widget=GovTextInput(),
                            description="A date like 2027-03-01")
    date_to = StringField("To", validators=[Optional(), _day], widget=GovTextInput(),
                          description="A date like 2027-03-31")
    submit = submit_button("Search")


def _filtered(form: AuditSearchForm):
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


def _form():
    form = AuditSearchForm(request.args)
    if request.args.get("action") not in {"", None, *ACTIONS}:
        form.action.data = ""
    form.validate()
    form.action.errors = []  # an unknown action is ignored, as the board's filters are
    return form


@bp.get("/admin/audit")
def search():
    form = _form()
    query, args = _filtered(form)
    count = select(func.count()).select_from(query.subquery())
    page = paginate(query.options(selectinload(AuditEvent.user))
                    .order_by(AuditEvent.seq.desc()), count, current_app.config["PAGE_SIZE"])
    audit("view", "audit_trail", None, args or None)
    db.session.commit()
    return render_template("audit/search.html", form=form, page=page, args=args)


# A cell starting with one of these is read as a formula by spreadsheet programs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


@bp.get("/admin/audit/export.csv")
def export():
    form = _form()
    query, args = _filtered(form)
    rows = db.session.scalars(query.options(selectinload(AuditEvent.user))
                              .order_by(AuditEvent.seq).limit(100_000))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Position", "When (UTC)", "Person", "Email", "Action", "Record type",
                     "Record number", "From address", "Detail", "Hash"])
    for e in rows:
        writer.writerow([safe_cell(v) for v in (
            e.seq, e.at.isoformat() if e.at else "", e.user.name if e.user else "",
            e.user.email if e.user else "", e.action, e.object_type, e.object_id,
            e.ip_address, "" if e.detail is None else e.detail, e.hash)])
    audit("export", "audit_trail", None, args or None)
    db.session.commit()
    return Response(out.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": "attachment; filename=audit-trail.csv",
        "Cache-Control": "no-store"})


@bp.get("/cases/<reference>/viewers")
def case_viewers(reference):
    """Who has looked at this case: each person, how often and when last."""
    household = get_case(reference)
    where = (AuditEvent.object_type.in_(CASE_OBJECTS),
             AuditEvent.object_id == str(household.id),
             AuditEvent.action.in_(("view", "download", "export")))
    people = db.session.execute(
        select(User, func.count(AuditEvent.id), func.max(AuditEvent.at))
        .join(AuditEvent, AuditEvent.user_id == User.id).where(*where)
        .group_by(User.id).order_by(func.max(AuditEvent.at).desc())).all()
    audit("view", "household_viewers", household.id)
    db.session.commit()
    return render_template("audit/case_viewers.html", household=household, people=people)
