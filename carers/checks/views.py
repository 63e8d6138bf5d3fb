"""Checks and references: a case's ledger and household details, the team's list of checks
needing attention, and the referee's own form (no sign-in: the link is the key)."""

from io import BytesIO

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user

from carers.audit.operations import record_view
from carers.cases.access import can_change, readable_cases
from carers.cases.models import HouseholdMember
from carers.cases.queries import get_case
from carers.checks import hooks, operations, queries, rules
from carers.checks.forms import (
    RELATIONSHIP_LABELS,
    ActionForm,
    AddressForm,
    DbsCheckForm,
    DetailsForm,
    DocumentForm,
    InterviewForm,
    PersonForm,
    RefereeForm,
    ReferenceForm,
    WithdrawRefereeForm,
    check_form_for,
)
from carers.checks.ledger import active_referees, case_ledger
from carers.checks.models import Address, Check, Referee
from carers.checks.operations import CaseChanged, ReferenceClosed
from carers.checks.queries import get_owned
from carers.checks.team import COUNTED, team_filters, team_query
from carers.clocks.statutory import clock_setting
from carers.clocks.workdays import add_working_days
from carers.core.changes import CHANGED_MESSAGE, Changed, Refusal, refused
from carers.core.dates import today, utcnow
from carers.core.pagination import count_up_to, paginate
from carers.extensions import limiter
from carers.pipeline import Pathway, Stage
from carers.settings.registry import agency_settings

bp = Blueprint("checks", __name__)


def page_limit():
    return current_app.config["ENQUIRY_PAGE_RATE_LIMIT"]


def submit_limit():
    return current_app.config["ENQUIRY_SUBMIT_RATE_LIMIT"]


def is_post():
    return request.method == "POST"


def is_not_post():
    return request.method != "POST"


def warning_days() -> int:
    return rules.check_setting(agency_settings(), "checks_expiring_warning_days")


@bp.app_template_global()
def checks_lapsed(household) -> bool:
    """An approved carer with a finished check past its expiry and no renewal received."""
    if household.stage != Stage.APPROVED.value:
        return False
    return queries.has_lapsed_checks(household, today())


def _back(household):
    return redirect(url_for("checks.case_checks", reference=household.reference))


def _case_changed(household) -> Changed:
    """Someone else changed the case first (the operation has rolled back): the page is
    shown again with what was typed, carrying the case's version as it now stands."""
    return Changed(version=household.version)


# --- a case's checks ---

@bp.get("/staff/cases/<reference>/checks")
def case_checks(reference):
    household = get_case(reference)
    changer = can_change(current_user, household)
    if changer and operations.refresh_checks(household, current_user):
        household = get_case(reference)
    settings = agency_settings()
    on = today()
    ledger = case_ledger(household, on, settings)
    within = rules.check_setting(settings, "checks_expiring_warning_days")
    rows = [(e, rules.check_status(e.state, on, within), rules.next_action(e.state, on, within))
            for e in ledger.current]
    referees = active_referees(household)
    addresses = queries.case_addresses(household)
    stage1_due = None
    if household.stage1_last_item_on:
        stage1_due = add_working_days(household.stage1_last_item_on,
                                      clock_setting(settings, "stage1_notice_working_days"))
    html = render_template(
        "checks/case.html", household=household, ledger=ledger, rows=rows,
        referees=referees, addresses=addresses, details=queries.household_details(household),
        relationship_labels=RELATIONSHIP_LABELS, can_change=changer, today_date=on,
        kinship=household.pathway == Pathway.CONNECTED_PERSON.value, stage1_due=stage1_due,
        action_form=ActionForm(formdata=None, version=str(household.version)),
        lapsed=household.stage == Stage.APPROVED.value and bool(ledger.lapsed),
        sections=hooks.ledger_sections(household, current_user),
    )
    record_view("view", "household_checks", household.id)
    return html


# Seeing a check and recording it are two endpoints on one address, so that the access
# policy asks to read the case for the one and to change it for the other.
@bp.get("/staff/cases/<reference>/checks/<int:check_id>")
def check(reference, check_id):
    household = get_case(reference)
    item = get_owned(Check, check_id, household)
    form = _filled_form(item)
    return _check_page(household, item, can_change(current_user, household), form=form,
                       record_form=form)


@bp.post("/staff/cases/<reference>/checks/<int:check_id>")
def record_check(reference, check_id):
    household = get_case(reference)
    item = get_owned(Check, check_id, household)
    form = check_form_for(item)
    _link_date_of_birth(form, household, item)
    if form.validate():
        try:
            operations.record_check(
                item, current_user, requested_on=form.requested_on.data,
                requested_from=form.requested_from.data, received_on=form.received_on.data,
                outcome=form.outcome.data, verified=form.verified.data,
                expires_on=form.expires_on.data, notes=form.notes.data,
                dbs=form.dbs_values() if isinstance(form, DbsCheckForm) else None)
        except CaseChanged:
            return _check_page(household, item, True, form=form, record_form=form,
                               refusal=_case_changed(household))
        except Refusal as refusal:
            return _check_page(household, item, True, form=form, record_form=form,
                               refusal=refusal)
        flash(f"Saved: {item.label}")
        return _back(household)
    return _check_page(household, item, True, form=form, record_form=form)


def _filled_form(item, **kwargs):
    """The record form as the check stands."""
    form = check_form_for(item, formdata=None, obj=item, **kwargs)
    form.verified.data = item.verified_by_id is not None
    if isinstance(form, DbsCheckForm) and item.dbs_update_service is not None:
        form.dbs_update_service.data = "yes" if item.dbs_update_service else "no"
    return form


def _link_date_of_birth(form, household, item) -> None:
    """A DBS check refused for want of a date of birth links to where it is entered."""
    if isinstance(form, DbsCheckForm) and item.member_id:
        form.date_of_birth_url = url_for("checks.person", reference=household.reference,
                                         member_id=item.member_id) + "#date_of_birth-day"


def _check_page(household, item, changer, form, record_form, upload_form=None,
                refusal=None):
    on = today()
    state = item.state()
    context = dict(
        household=household, item=item, record_form=record_form,
        upload_form=upload_form or DocumentForm(formdata=None),
        check_status=rules.check_status(state, on, warning_days()),
        placeholder_closed=rules.superseded_placeholder(state),
        next_step=rules.next_action(state, on, warning_days()), can_change=changer,
        renewal=queries.renewal_of(item),
        action_form=ActionForm(formdata=None, version=str(household.version)))
    if refusal is not None:
        page = refused(refusal, "checks/check.html", form=form, **context)
    else:
        page = render_template("checks/check.html", form=form, **context), 200
    record_view("view", "household_check", item.id)
    return page


@bp.post("/staff/cases/<reference>/checks/<int:check_id>/documents")
def upload(reference, check_id):
    household = get_case(reference)
    item = get_owned(Check, check_id, household)
    upload_form = DocumentForm()
    if upload_form.validate():
        operations.add_document(item, current_user, upload_form.file_name,
                                upload_form.content_type, upload_form.content)
        flash(f"Uploaded {upload_form.file_name}")
        return redirect(url_for("checks.check", reference=reference, check_id=item.id))
    record_form = _filled_form(item)
    return _check_page(household, item, True, form=upload_form, record_form=record_form,
                       upload_form=upload_form)


@bp.get("/staff/cases/<reference>/documents/<int:document_id>")
def document(reference, document_id):
    item = queries.get_document(document_id, get_case(reference))
    record_view("download", "check_document", item.id)
    # Always a download, never shown in the browser, with the type we checked on upload.
    response = send_file(BytesIO(item.content), mimetype=item.content_type, as_attachment=True,
                         download_name=item.file_name, max_age=0)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.post("/staff/cases/<reference>/checks/<int:check_id>/renew")
def renew(reference, check_id):
    household = get_case(reference)
    item = get_owned(Check, check_id, household)
    if not ActionForm().validate() or item.received_on is None or item.superseded:
        abort(400)
    renewal = operations.start_renewal(item, current_user)
    flash(f"Renewal started: {item.label}. Record when it is requested and received.")
    return redirect(url_for("checks.check", reference=reference, check_id=renewal.id))


# --- the household: people, addresses, details ---

def _form_page(title, household, form, refusal=None, **context):
    """A form page, shown again with what was typed and the reason when a change is
    refused."""
    if refusal is not None:
        return refused(refusal, "checks/form_page.html", form=form, page_title=title,
                       household=household, **context)
    return render_template("checks/form_page.html", page_title=title, household=household,
                           form=form, **context)


@bp.route("/staff/cases/<reference>/people/new", methods=["GET", "POST"],
          defaults={"member_id": None})
@bp.route("/staff/cases/<reference>/people/<int:member_id>", methods=["GET", "POST"])
def person(reference, member_id):
    household = get_case(reference)
    member = get_owned(HouseholdMember, member_id, household) if member_id else None
    form = PersonForm()
    title = f"Change {member.name}'s details" if member else "Add a person to the case"
    if request.method == "GET":
        form.version.data = str(household.version)
        if member is not None:
            form.process(obj=member, version=str(household.version),
                         is_applicant="yes" if member.is_applicant else "no",
                         lives_in_household="no" if member.lives_in_household is False
                         else "yes")
            page = _form_page(title, household, form)
            record_view("view", "household_member", member.id)
            return page
        form.lives_in_household.data = "yes"
    elif form.validate():
        try:
            saved = operations.save_person(household, current_user, member, form.values(),
                                           form.seen_version())
        except CaseChanged:
            return _form_page(title, household, form, _case_changed(household))
        flash(f"Saved {saved.name}'s details")
        return _back(household)
    return _form_page(title, household, form)


@bp.route("/staff/cases/<reference>/addresses/new", methods=["GET", "POST"],
          defaults={"address_id": None})
@bp.route("/staff/cases/<reference>/addresses/<int:address_id>", methods=["GET", "POST"])
def address(reference, address_id):
    household = get_case(reference)
    item = get_owned(Address, address_id, household) if address_id else None
    form = AddressForm()
    refusal = None
    if request.method == "GET":
        if item is not None:
            form.process(obj=item)
        form.version.data = str(household.version)
    elif form.validate():
        try:
            operations.save_address(household, current_user, item, form.values(),
                                    form.seen_version())
        except CaseChanged:
            refusal = _case_changed(household)
        else:
            flash("Address saved")
            return _back(household)
    page = _form_page(
        "Change an address" if item else "Add an address", household, form, refusal,
        intro=f"Record every address from the last "
              f"{rules.check_setting(agency_settings(), 'la_check_years')} years: "
              "each local authority area needs a check.",
        remove_url=url_for("checks.remove_address", reference=reference,
                           address_id=item.id) if item else None)
    if request.method == "GET" and item is not None:
        record_view("view", "address", item.id, {"household": household.id})
    return page


@bp.post("/staff/cases/<reference>/addresses/<int:address_id>/remove")
def remove_address(reference, address_id):
    household = get_case(reference)
    item = get_owned(Address, address_id, household)
    form = ActionForm()
    if not form.validate():
        abort(400)
    try:
        operations.remove_address(household, current_user, item, form.seen_version())
    except CaseChanged:
        flash(CHANGED_MESSAGE, "warning")
    else:
        flash("Address removed")
    return _back(household)


@bp.route("/staff/cases/<reference>/household-details", methods=["GET", "POST"])
def details(reference):
    household = get_case(reference)
    form = DetailsForm()
    title = "Pets and previous fostering"
    if request.method == "GET":
        current = queries.household_details(household)
        if current is not None:
            form.process(obj=current, has_pets="yes" if current.has_pets else "no",
                         fostered_before="yes" if current.previous_provider else "no")
        form.version.data = str(household.version)
        page = _form_page(title, household, form)
        record_view("view", "household_details", household.id)
        return page
    if form.validate():
        try:
            operations.save_details(household, current_user, form.values(),
                                    form.seen_version())
        except CaseChanged:
            return _form_page(title, household, form, _case_changed(household))
        flash("Household details saved")
        return _back(household)
    return _form_page(title, household, form)


# --- referees ---

@bp.route("/staff/cases/<reference>/referees/new", methods=["GET", "POST"],
          defaults={"referee_id": None})
@bp.route("/staff/cases/<reference>/referees/<int:referee_id>/edit", methods=["GET", "POST"])
def edit_referee(reference, referee_id):
    household = get_case(reference)
    referee = get_owned(Referee, referee_id, household) if referee_id else None
    form = RefereeForm()
    title = f"Change {referee.name}'s details" if referee else "Add a referee"
    if request.method == "GET":
        if referee is not None:
            form.process(obj=referee, is_family="yes" if referee.is_family else "no")
        form.version.data = str(household.version)
    elif form.validate():
        try:
            saved = operations.save_referee(household, current_user, referee, form.values(),
                                            form.seen_version())
        except CaseChanged:
            return _form_page(title, household, form, _case_changed(household))
        flash(f"Referee saved: {saved.name}")
        return _back(household)
    return _form_page(title, household, form)


@bp.get("/staff/cases/<reference>/referees/<int:referee_id>")
def referee(reference, referee_id):
    household = get_case(reference)
    item = get_owned(Referee, referee_id, household)
    html = _referee_page(household, item,
                         WithdrawRefereeForm(formdata=None, version=str(household.version)))
    record_view("view", "referee", item.id)
    return html


def _referee_page(household, item, withdraw_form):
    return render_template("checks/referee.html", household=household, referee=item,
                           response=item.response,
                           can_change=can_change(current_user, household),
                           form=withdraw_form)


@bp.post("/staff/cases/<reference>/referees/<int:referee_id>/invite")
def invite(reference, referee_id):
    household = get_case(reference)
    item = get_owned(Referee, referee_id, household)
    if not ActionForm().validate():
        abort(400)
    # A button: nothing typed to keep, so a refusal is said on the case's checks page.
    try:
        operations.invite_referee(item, current_user)
    except operations.CannotInvite as refusal:
        flash(" ".join(refusal.reasons), "warning")
    except CaseChanged:
        flash(CHANGED_MESSAGE, "warning")
    else:
        flash(f"Reference request emailed to {item.name}")
    return _back(household)


@bp.post("/staff/cases/<reference>/referees/<int:referee_id>/withdraw")
def withdraw(reference, referee_id):
    household = get_case(reference)
    item = get_owned(Referee, referee_id, household)
    form = WithdrawRefereeForm()
    if not form.validate():
        if form.csrf_token.errors:
            abort(400)
        return _referee_page(household, item, form)
    try:
        operations.withdraw_referee(item, current_user, form.seen_version(), form.reason.data)
    except CaseChanged:
        flash(CHANGED_MESSAGE, "warning")
    else:
        flash(f"{item.name} is no longer a referee")
    return _back(household)


@bp.route("/staff/cases/<reference>/referees/<int:referee_id>/interview",
          methods=["GET", "POST"])
def interview(reference, referee_id):
    household = get_case(reference)
    item = get_owned(Referee, referee_id, household)
    form = InterviewForm()
    title = f"Interview with {item.name}"
    if request.method == "GET":
        form.interviewed_on.data = item.interviewed_on or today()
        form.notes.data = item.interview_notes
    elif form.validate():
        try:
            operations.record_interview(item, current_user, form.interviewed_on.data,
                                        form.notes.data)
        except CaseChanged:
            return _form_page(title, household, form, _case_changed(household))
        flash(f"Interview with {item.name} recorded")
        return _back(household)
    return _form_page(title, household, form)


# --- the team's list ---

@bp.get("/staff/checks")
def team():
    form, filters = team_filters(request.args)
    on, within = today(), warning_days()
    query, found = team_query(filters, on, within, readable_cases(current_user))
    total, more = count_up_to(found, COUNTED)
    page = paginate(query, total, current_app.config["PAGE_SIZE"], more=more)
    rows = []
    for item in page.items:
        state = item.listed_state()
        rows.append((item, rules.check_status(state, on, within),
                     rules.next_action(state, on, within)))
    args = {k: v for k, v in filters.items() if v}
    return render_template("checks/team.html", form=form, page=page, rows=rows, args=args,
                           within=within, today_date=on)


# --- the referee's form ---

CLOSED_STATUS = {"unknown": 404, "used": 410, "expired": 410, "withdrawn": 410}


def _closed(reason: str):
    response = current_app.make_response(
        (render_template("checks/reference_closed.html", reason=reason), CLOSED_STATUS[reason]))
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.route("/reference/<token>", methods=["GET", "POST"])
@limiter.limit(page_limit, exempt_when=is_post)  # opening the form, as the enquiry pages
@limiter.limit(submit_limit, exempt_when=is_not_post)  # sending it
def reference_form(token):
    item = operations.find_referee(token)
    problem = operations.link_problem(item, utcnow())
    if problem:
        return _closed(problem)
    form = ReferenceForm()
    if request.method == "POST" and form.validate():
        try:
            operations.submit_reference(item, form.values())
        except ReferenceClosed as closed:
            return _closed(closed.reason)
        return redirect(url_for("checks.reference_sent"))
    response = current_app.make_response(render_template(
        "checks/reference_form.html", form=form, referee=item, applicant=item.household.name,
        joint=item.household.joint_application))
    response.headers["X-Robots-Tag"] = "noindex"
    if request.method == "GET":
        record_view("view", "reference_form", item.id)
    return response


@bp.get("/reference/sent")
@limiter.limit(page_limit)
def reference_sent():
    return render_template("checks/reference_sent.html")
