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
from sqlalchemy import exists, select

from carers.audit.operations import record as audit
from carers.cases.access import can_change, readable_cases
from carers.cases.models import HouseholdDetails, HouseholdMember
from carers.cases.queries import get_case
from carers.checks import operations, rules
from carers.checks.forms import (
    RELATIONSHIP_LABELS,
    ActionForm,
    AddressForm,
    CheckForm,
    DetailsForm,
    DocumentForm,
    InterviewForm,
    PersonForm,
    RefereeForm,
    ReferenceForm,
)
from carers.checks.ledger import active_referees, case_ledger
from carers.checks.models import Address, Check, CheckDocument, Referee
from carers.checks.operations import CaseChanged, ReferenceClosed
from carers.checks.team import team_filters, team_query
from carers.clocks.statutory import clock_setting
from carers.clocks.workdays import add_working_days
from carers.core.changes import CHANGED_MESSAGE
from carers.core.dates import today, utcnow
from carers.core.pagination import paginate
from carers.extensions import db, limiter
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
    return bool(db.session.scalar(select(exists().where(
        Check.household_id == household.id, Check.required.is_(True),
        Check.superseded.is_(False), Check.done_on.is_not(None),
        Check.expires_on < today()))))


def _changer(reference):
    household = get_case(reference)
    if not can_change(current_user, household):
        abort(403)
    return household


def _owned(model, object_id, household):
    thing = db.session.get(model, object_id)
    if thing is None or thing.household_id != household.id:
        abort(404)
    return thing


def _back(household):
    return redirect(url_for("checks.case_checks", reference=household.reference))


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
    addresses = list(db.session.scalars(select(Address).where(
        Address.household_id == household.id).order_by(Address.lived_to.is_(None).desc(),
                                                       Address.lived_to.desc(),
                                                       Address.id)))
    stage1_due = None
    if household.stage1_last_item_on:
        stage1_due = add_working_days(household.stage1_last_item_on,
                                      clock_setting(settings, "stage1_notice_working_days"))
    audit("view", "household_checks", household.id)
    db.session.commit()
    return render_template(
        "checks/case.html", household=household, ledger=ledger, rows=rows,
        referees=referees, addresses=addresses,
        details=db.session.get(HouseholdDetails, household.id),
        relationship_labels=RELATIONSHIP_LABELS, can_change=changer, today_date=on,
        kinship=household.pathway == Pathway.CONNECTED_PERSON.value, stage1_due=stage1_due,
        action_form=ActionForm(formdata=None, version=str(household.version)),
        lapsed=household.stage == Stage.APPROVED.value and bool(ledger.lapsed),
    )


@bp.route("/staff/cases/<reference>/checks/<int:check_id>", methods=["GET", "POST"])
def check(reference, check_id):
    household = get_case(reference)
    item = _owned(Check, check_id, household)
    changer = can_change(current_user, household)
    form = CheckForm(obj=item if request.method == "GET" else None)
    if request.method == "GET":
        form.verified.data = item.verified_by_id is not None
    elif not changer:
        abort(403)
    elif form.validate():
        try:
            operations.record_check(
                item, current_user, requested_on=form.requested_on.data,
                requested_from=form.requested_from.data, received_on=form.received_on.data,
                outcome=form.outcome.data, verified=form.verified.data,
                expires_on=form.expires_on.data, notes=form.notes.data)
        except CaseChanged:
            _changed_since_opened(form, household)
            item = _owned(Check, check_id, household)
            return _check_page(household, item, changer, form=form, record_form=form), 409
        except operations.PlaceholderClosed as closed:
            db.session.rollback()
            form.requested_on.errors.append(closed.message)
            return _check_page(household, item, changer, form=form, record_form=form)
        else:
            flash(f"Saved: {item.label}")
        return _back(household)
    return _check_page(household, item, changer, form=form, record_form=form)


def _check_page(household, item, changer, form, record_form, upload_form=None):
    on = today()
    state = item.state()
    audit("view", "household_check", item.id)
    db.session.commit()
    return render_template(
        "checks/check.html", household=household, item=item, form=form,
        record_form=record_form, upload_form=upload_form or DocumentForm(formdata=None),
        status=rules.check_status(state, on, warning_days()),
        placeholder_closed=rules.superseded_placeholder(state),
        next_step=rules.next_action(state, on, warning_days()), can_change=changer,
        renewal=db.session.scalar(select(Check).where(Check.renewal_of_id == item.id)),
        action_form=ActionForm(formdata=None, version=str(household.version)))


@bp.post("/staff/cases/<reference>/checks/<int:check_id>/documents")
def upload(reference, check_id):
    household = _changer(reference)
    item = _owned(Check, check_id, household)
    upload_form = DocumentForm()
    if upload_form.validate():
        operations.add_document(item, current_user, upload_form.file_name,
                                upload_form.content_type, upload_form.content)
        flash(f"Uploaded {upload_form.file_name}")
        return redirect(url_for("checks.check", reference=reference, check_id=item.id))
    record_form = CheckForm(formdata=None, obj=item)
    record_form.verified.data = item.verified_by_id is not None
    return _check_page(household, item, True, form=upload_form, record_form=record_form,
                       upload_form=upload_form)


@bp.get("/staff/cases/<reference>/documents/<int:document_id>")
def document(reference, document_id):
    household = get_case(reference)
    item = db.session.get(CheckDocument, document_id)
    if item is None or item.check.household_id != household.id:
        abort(404)
    audit("download", "check_document", item.id)
    db.session.commit()
    # Always a download, never shown in the browser, with the type we checked on upload.
    response = send_file(BytesIO(item.content), mimetype=item.content_type, as_attachment=True,
                         download_name=item.file_name, max_age=0)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.post("/staff/cases/<reference>/checks/<int:check_id>/renew")
def renew(reference, check_id):
    household = _changer(reference)
    item = _owned(Check, check_id, household)
    if not ActionForm().validate() or item.received_on is None or item.superseded:
        abort(400)
    renewal = operations.start_renewal(item, current_user)
    flash(f"Renewal started: {item.label}. Record when it is requested and received.")
    return redirect(url_for("checks.check", reference=reference, check_id=renewal.id))


# --- the household: people, addresses, details ---

def _form_page(template_title, household, form, **context):
    """A form page; 409 when it is shown again because the case changed meanwhile."""
    return render_template("checks/form_page.html", page_title=template_title,
                           household=household, form=form, **context), \
        409 if form.form_errors else 200


def _changed_since_opened(form, household):
    db.session.rollback()
    if hasattr(form, "changed_since_opened"):
        form.changed_since_opened(CHANGED_MESSAGE, household.version)
    else:
        form.form_errors.append(CHANGED_MESSAGE)


@bp.route("/staff/cases/<reference>/people/new", methods=["GET", "POST"],
          defaults={"member_id": None})
@bp.route("/staff/cases/<reference>/people/<int:member_id>", methods=["GET", "POST"])
def person(reference, member_id):
    household = _changer(reference)
    member = _owned(HouseholdMember, member_id, household) if member_id else None
    form = PersonForm()
    if request.method == "GET":
        form.version.data = str(household.version)
        if member is not None:
            form.process(obj=member, version=str(household.version),
                         is_applicant="yes" if member.is_applicant else "no",
                         lives_in_household="no" if member.lives_in_household is False
                         else "yes")
            audit("view", "household_member", member.id)
            db.session.commit()
        else:
            form.lives_in_household.data = "yes"
    elif form.validate():
        try:
            saved = operations.save_person(household, current_user, member, form.values(),
                                           form.seen_version())
        except CaseChanged:
            _changed_since_opened(form, household)
        else:
            flash(f"Saved {saved.name}'s details")
            return _back(household)
    title = f"Change {member.name}'s details" if member else "Add a person to the case"
    return _form_page(title, household, form)


@bp.route("/staff/cases/<reference>/addresses/new", methods=["GET", "POST"],
          defaults={"address_id": None})
@bp.route("/staff/cases/<reference>/addresses/<int:address_id>", methods=["GET", "POST"])
def address(reference, address_id):
    household = _changer(reference)
    item = _owned(Address, address_id, household) if address_id else None
    form = AddressForm()
    if request.method == "GET":
        if item is not None:
            form.process(obj=item)
            audit("view", "address", item.id, {"household": household.id})
            db.session.commit()
        form.version.data = str(household.version)
    elif form.validate():
        try:
            operations.save_address(household, current_user, item, form.values(),
                                    form.seen_version())
        except CaseChanged:
            _changed_since_opened(form, household)
        else:
            flash("Address saved")
            return _back(household)
    title = "Change an address" if item else "Add an address"
    return _form_page(title, household, form,
                      intro=f"Record every address from the last "
                            f"{rules.check_setting(agency_settings(), 'la_check_years')} years: "
                            "each local authority area needs a check.",
                      remove_url=url_for("checks.remove_address", reference=reference,
                                         address_id=item.id) if item else None)


@bp.post("/staff/cases/<reference>/addresses/<int:address_id>/remove")
def remove_address(reference, address_id):
    household = _changer(reference)
    item = _owned(Address, address_id, household)
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
    household = _changer(reference)
    form = DetailsForm()
    if request.method == "GET":
        current = db.session.get(HouseholdDetails, household.id)
        if current is not None:
            form.process(obj=current, has_pets="yes" if current.has_pets else "no",
                         fostered_before="yes" if current.previous_provider else "no")
        form.version.data = str(household.version)
        audit("view", "household_details", household.id)
        db.session.commit()
    elif form.validate():
        try:
            operations.save_details(household, current_user, form.values(),
                                    form.seen_version())
        except CaseChanged:
            _changed_since_opened(form, household)
        else:
            flash("Household details saved")
            return _back(household)
    return _form_page("Pets and previous fostering", household, form)


# --- referees ---

@bp.route("/staff/cases/<reference>/referees/new", methods=["GET", "POST"],
          defaults={"referee_id": None})
@bp.route("/staff/cases/<reference>/referees/<int:referee_id>/edit", methods=["GET", "POST"])
def edit_referee(reference, referee_id):
    household = _changer(reference)
    referee = _owned(Referee, referee_id, household) if referee_id else None
    form = RefereeForm()
    if request.method == "GET":
        if referee is not None:
            form.process(obj=referee, is_family="yes" if referee.is_family else "no")
        form.version.data = str(household.version)
    elif form.validate():
        try:
            saved = operations.save_referee(household, current_user, referee, form.values(),
                                            form.seen_version())
        except CaseChanged:
            _changed_since_opened(form, household)
        else:
            flash(f"Referee saved: {saved.name}")
            return _back(household)
    return _form_page(f"Change {referee.name}'s details" if referee else "Add a referee",
                      household, form)


@bp.get("/staff/cases/<reference>/referees/<int:referee_id>")
def referee(reference, referee_id):
    household = get_case(reference)
    item = _owned(Referee, referee_id, household)
    audit("view", "referee", item.id)
    db.session.commit()
    return render_template("checks/referee.html", household=household, referee=item,
                           response=item.response, can_change=can_change(current_user,
                                                                         household),
                           action_form=ActionForm(formdata=None,
                                                  version=str(household.version)))


@bp.post("/staff/cases/<reference>/referees/<int:referee_id>/invite")
def invite(reference, referee_id):
    household = _changer(reference)
    item = _owned(Referee, referee_id, household)
    if not ActionForm().validate():
        abort(400)
    try:
        operations.invite_referee(item, current_user)
    except ValueError as refused:
        flash(str(refused), "warning")
    except CaseChanged:
        flash(CHANGED_MESSAGE, "warning")
    else:
        flash(f"Reference request emailed to {item.name}")
    return _back(household)


@bp.post("/staff/cases/<reference>/referees/<int:referee_id>/withdraw")
def withdraw(reference, referee_id):
    household = _changer(reference)
    item = _owned(Referee, referee_id, household)
    form = ActionForm()
    if not form.validate():
        abort(400)
    try:
        operations.withdraw_referee(item, current_user, form.seen_version())
    except CaseChanged:
        flash(CHANGED_MESSAGE, "warning")
    else:
        flash(f"{item.name} is no longer a referee")
    return _back(household)


@bp.route("/staff/cases/<reference>/referees/<int:referee_id>/interview",
          methods=["GET", "POST"])
def interview(reference, referee_id):
    household = _changer(reference)
    item = _owned(Referee, referee_id, household)
    form = InterviewForm()
    if request.method == "GET":
        form.interviewed_on.data = item.interviewed_on or today()
        form.notes.data = item.interview_notes
    elif form.validate():
        try:
            operations.record_interview(item, current_user, form.interviewed_on.data,
                                        form.notes.data)
        except CaseChanged:
            _changed_since_opened(form, household)
        else:
            flash(f"Interview with {item.name} recorded")
            return _back(household)
    return _form_page(f"Interview with {item.name}", household, form)


# --- the team's list ---

@bp.get("/staff/checks")
def team():
    form, filters = team_filters(request.args)
    on, within = today(), warning_days()
    query, count = team_query(filters, on, within, readable_cases(current_user))
    page = paginate(query, count, current_app.config["PAGE_SIZE"])
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
    if request.method == "GET":
        audit("view", "reference_form", item.id)
        db.session.commit()
    elif form.validate():
        try:
            operations.submit_reference(item, form.values())
        except ReferenceClosed as closed:
            return _closed(closed.reason)
        return redirect(url_for("checks.reference_sent"))
    response = current_app.make_response(render_template(
        "checks/reference_form.html", form=form, referee=item, applicant=item.household.name,
        joint=item.household.joint_application))
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.get("/reference/sent")
@limiter.limit(page_limit)
def reference_sent():
    return render_template("checks/reference_sent.html")
