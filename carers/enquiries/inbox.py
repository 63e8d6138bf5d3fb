"""The fostering team's enquiries inbox."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from carers.audit.operations import record as audit
from carers.cases.access import can_read
from carers.cases.models import Household
from carers.clocks.statutory import first_response_clock
from carers.clocks.workdays import working_days_between
from carers.core.dates import london, today
from carers.core.pagination import paginate
from carers.enquiries.forms import RecordResponseForm
from carers.enquiries.models import KINSHIP, MAINSTREAM, Enquiry
from carers.enquiries.operations import FirstResponseRecorded, record_first_response
from carers.enquiries.summary import answer_sections, enquiry_answers
from carers.extensions import db
from carers.pipeline import Pathway
from carers.settings.registry import agency_settings

bp = Blueprint("inbox", __name__, url_prefix="/staff/enquiries")

ALREADY_RECORDED = ("Someone else recorded the first response since you opened this page. "
                    "Your note below has not been saved.")


def response_clock(enquiry: Enquiry, on):
    responded = london(enquiry.first_response_at).date() if enquiry.first_response_at else None
    return first_response_clock(london(enquiry.received_at).date(), on, responded,
                                agency_settings())


PATHWAY_LABELS = {KINSHIP: "Kinship", MAINSTREAM: "Fostering"}


def team_pathway(user) -> str:
    """The enquiries a person's team takes: "kinship", "mainstream", or "all"."""
    team_path = user.team.pathway if user.team is not None else None
    if team_path == Pathway.CONNECTED_PERSON.value:
        return KINSHIP
    return MAINSTREAM if team_path == Pathway.MAINSTREAM.value else "all"


@bp.get("/")
def index():
    status = request.args.get("status", "")
    # A team that takes one pathway's enquiries (the kinship team) sees those first.
    default = team_pathway(current_user)
    pathway = request.args.get("pathway", default)
    query = select(Enquiry).order_by(Enquiry.received_at.desc(), Enquiry.id.desc())
    count_query = select(func.count(Enquiry.id))
    if status in Enquiry.STATUS_LABELS:
        query = query.where(Enquiry.status == status)
        count_query = count_query.where(Enquiry.status == status)
    if pathway in PATHWAY_LABELS:
        query = query.where(Enquiry.pathway == pathway)
        count_query = count_query.where(Enquiry.pathway == pathway)
    else:
        pathway = "all"
    page = paginate(query, count_query, current_app.config["PAGE_SIZE"])
    on = today()
    rows = [
        (enquiry, response_clock(enquiry, on),
         working_days_between(london(enquiry.received_at).date(), on))
        for enquiry in page.items
    ]
    return render_template("inbox/index.html", page=page, rows=rows, status=status,
                           statuses=Enquiry.STATUS_LABELS, pathway=pathway,
                           pathways=PATHWAY_LABELS,
                           pathway_arg=None if pathway == default else pathway)


def get_enquiry(reference: str) -> Enquiry:
    enquiry = db.session.scalar(
        select(Enquiry).where(Enquiry.reference == reference)
        .options(selectinload(Enquiry.people))
    )
    if enquiry is None:
        abort(404)
    return enquiry


@bp.route("/<reference>", methods=["GET", "POST"])
def detail(reference):
    enquiry = get_enquiry(reference)
    form = RecordResponseForm()
    status = 200
    if request.method == "POST" and form.validate():
        try:
            record_first_response(enquiry, current_user, form.note.data)
        except FirstResponseRecorded:
            db.session.refresh(enquiry)
            form.form_errors.append(ALREADY_RECORDED)
            status = 409
        else:
            flash("First response recorded")
            return redirect(url_for("inbox.detail", reference=reference))
    elif request.method == "GET":
        audit("view", "enquiry", enquiry.id)
        db.session.commit()
    case = db.session.scalar(select(Household).where(Household.enquiry_id == enquiry.id))
    return render_template(
        "inbox/detail.html", enquiry=enquiry, form=form,
        clock=response_clock(enquiry, today()),
        case=case, case_readable=case is not None and can_read(current_user, case),
        sections=answer_sections(enquiry_answers(enquiry), editable=False),
    ), status
