"""The fostering team's enquiries inbox."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from carers.audit.operations import record as audit
from carers.auth.access import roles_required
from carers.auth.roles import FOSTERING_TEAM
from carers.cases.access import can_read
from carers.cases.models import Household
from carers.clocks.statutory import first_response_clock
from carers.clocks.workdays import working_days_between
from carers.core.dates import london, today
from carers.core.pagination import paginate
from carers.enquiries.forms import RecordResponseForm
from carers.enquiries.models import Enquiry
from carers.enquiries.operations import record_first_response
from carers.enquiries.summary import answer_sections, enquiry_answers
from carers.extensions import db
from carers.settings.registry import agency_settings

bp = Blueprint("inbox", __name__, url_prefix="/staff/enquiries")


def response_clock(enquiry: Enquiry, on):
    responded = london(enquiry.first_response_at).date() if enquiry.first_response_at else None
    return first_response_clock(london(enquiry.received_at).date(), on, responded,
                                agency_settings())


@bp.get("/")
@roles_required(*FOSTERING_TEAM)
def index():
    status = request.args.get("status", "")
    query = select(Enquiry).order_by(Enquiry.received_at.desc(), Enquiry.id.desc())
    count_query = select(func.count(Enquiry.id))
    if status in Enquiry.STATUS_LABELS:
        query = query.where(Enquiry.status == status)
        count_query = count_query.where(Enquiry.status == status)
    page = paginate(query, count_query, current_app.config["PAGE_SIZE"])
    on = today()
    rows = [
        (enquiry, response_clock(enquiry, on),
         working_days_between(london(enquiry.received_at).date(), on))
        for enquiry in page.items
    ]
    return render_template("inbox/index.html", page=page, rows=rows, status=status,
                           statuses=Enquiry.STATUS_LABELS)


def get_enquiry(reference: str) -> Enquiry:
    enquiry = db.session.scalar(
        select(Enquiry).where(Enquiry.reference == reference)
        .options(selectinload(Enquiry.people))
    )
    if enquiry is None:
        abort(404)
    return enquiry


@bp.route("/<reference>", methods=["GET", "POST"])
@roles_required(*FOSTERING_TEAM)
def detail(reference):
    enquiry = get_enquiry(reference)
    form = RecordResponseForm()
    if request.method == "POST":
        if enquiry.first_response_at is not None:
            flash("The first response was already recorded")
            return redirect(url_for("inbox.detail", reference=reference))
        if form.validate():
            record_first_response(enquiry, current_user, form.note.data)
            flash("First response recorded")
            return redirect(url_for("inbox.detail", reference=reference))
    else:
        audit("view", "enquiry", enquiry.id)
        db.session.commit()
    case = db.session.scalar(select(Household).where(Household.enquiry_id == enquiry.id))
    return render_template(
        "inbox/detail.html", enquiry=enquiry, form=form,
        clock=response_clock(enquiry, today()),
        case=case, case_readable=case is not None and can_read(current_user, case),
        sections=answer_sections(enquiry_answers(enquiry), editable=False),
    )
