"""The fostering team's enquiries inbox."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from carers.audit.operations import record_view
from carers.cases.access import can_read
from carers.cases.forms import DoneForm
from carers.cases.queries import case_of_enquiry
from carers.clocks.statutory import first_response_clock
from carers.clocks.workdays import working_days_between
from carers.core.changes import refused
from carers.core.dates import london, today
from carers.core.pagination import paginate
from carers.corrections import operations as corrections
from carers.corrections import queries as correction_queries
from carers.enquiries import queries
from carers.enquiries.forms import CorrectEnquirerForm, RecordResponseForm
from carers.enquiries.models import KINSHIP, MAINSTREAM, Enquiry
from carers.enquiries.operations import (
    FirstResponseRecorded,
    NoTeam,
    open_case_from_enquiry,
    record_first_response,
)
from carers.enquiries.queries import get_enquiry
from carers.enquiries.summary import answer_sections, enquiry_answers
from carers.pipeline import Pathway
from carers.settings.registry import agency_settings

bp = Blueprint("inbox", __name__, url_prefix="/staff/enquiries")


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
    if pathway not in PATHWAY_LABELS:
        pathway = "all"
    query, count_query = queries.inbox(status if status in Enquiry.STATUS_LABELS else None,
                                       pathway if pathway in PATHWAY_LABELS else None)
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


def detail_page(enquiry: Enquiry) -> dict:
    """What the enquiry's page shows besides its form."""
    case = case_of_enquiry(enquiry.id)
    return {
        "enquiry": enquiry, "clock": response_clock(enquiry, today()), "case": case,
        "case_readable": case is not None and can_read(current_user, case),
        "sections": answer_sections(enquiry_answers(enquiry), editable=False),
        "history": correction_queries.history(ENQUIRY, enquiry.id),
        "labels": ENQUIRER_LABELS,
    }


ENQUIRY = "enquiry"
ENQUIRER_LABELS = {"first_name": "First name", "last_name": "Last name",
                   "date_of_birth": "Date of birth", "email": "Email address",
                   "phone": "Telephone number", "address_line_1": "Address line 1",
                   "address_line_2": "Address line 2", "town": "Town or city",
                   "county": "County", "postcode": "Postcode"}


@bp.route("/<reference>/correct", methods=["GET", "POST"])
def correct(reference):
    enquiry = get_enquiry(reference)
    form = CorrectEnquirerForm(obj=enquiry if request.method == "GET" else None)
    if request.method == "POST" and form.validate():
        try:
            corrections.correct(enquiry, ENQUIRY, form.changes(), form.reason.data,
                                current_user, enquiry_id=enquiry.id)
        except corrections.NothingChanged as error:
            return refused(error, "inbox/correct.html", form=form, enquiry=enquiry)
        flash("The correction is saved")
        return redirect(url_for("inbox.detail", reference=reference))
    return render_template("inbox/correct.html", form=form, enquiry=enquiry)


@bp.route("/<reference>", methods=["GET", "POST"])
def detail(reference):
    enquiry = get_enquiry(reference)
    form = RecordResponseForm()
    if request.method == "POST" and form.validate():
        try:
            record_first_response(enquiry, current_user, form.note.data)
        except FirstResponseRecorded as error:
            return refused(error, "inbox/detail.html", form=form, **detail_page(enquiry))
        flash("First response recorded")
        return redirect(url_for("inbox.detail", reference=reference))
    page = render_template("inbox/detail.html", form=form, **detail_page(enquiry))
    if request.method == "GET":
        # After rendering, as on a case's page: the commit expires what the page loaded.
        record_view("view", "enquiry", enquiry.id)
    return page


@bp.post("/<reference>/open-case")
def open_case(reference):
    enquiry = get_enquiry(reference)
    if not DoneForm().validate():
        abort(400)
    try:
        household = open_case_from_enquiry(enquiry, current_user)
    except NoTeam as error:
        # A button, nothing typed to keep: say why on the enquiry's page.
        flash(error.reasons[0], "warning")
        return redirect(url_for("inbox.detail", reference=reference))
    flash(f"Case {household.reference} opened")
    return redirect(url_for("cases.case", reference=household.reference))
