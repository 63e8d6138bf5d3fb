"""The records officers' pages: the proposals for deletion, confirming a batch, legal holds;
and the manager's record of the end of a household's approval."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from werkzeug.exceptions import NotFound

from carers.audit.operations import record_view
from carers.auth.roles import RECORDS_OFFICERS
from carers.cases.models import Household
from carers.cases.queries import get_case
from carers.core.changes import Refusal, refused
from carers.core.dates import today
from carers.core.pagination import paginate
from carers.enquiries.models import Enquiry
from carers.extensions import db
from carers.retention import erasure, operations
from carers.retention.access import APPROVAL_ENDERS
from carers.retention.forms import ApprovalEndForm, ChooseForm, DeleteForm, HoldForm, LiftForm
from carers.retention.models import LegalHold, RetentionProposal
from carers.retention.rules import RetentionClass
from carers.settings.registry import agency_settings

bp = Blueprint("retention", __name__, url_prefix="/staff")


MOST_CHOSEN = 500


def _chosen_proposal_ids() -> list[int]:
    """Of the proposals ticked, those that still exist: the choices a form may hold, looked
    up for what was sent rather than for every proposal there is."""
    sent = {int(v) for v in request.form.getlist("proposals") if v.isdigit() and len(v) < 12}
    if not sent or len(sent) > MOST_CHOSEN:  # a page shows 25: more was not ticked there
        return []
    return list(db.session.scalars(select(RetentionProposal.id)
                                   .where(RetentionProposal.id.in_(sent))))


def _review(form: ChooseForm, status: int = 200):
    query = select(RetentionProposal).order_by(RetentionProposal.due_on, RetentionProposal.id)
    page = paginate(query, select(func.count(RetentionProposal.id)),
                    current_app.config["PAGE_SIZE"])
    record_view("view", "retention_proposals", None, {"ids": [p.id for p in page.items]})
    return render_template("retention/review.html", page=page, form=form), status


@bp.get("/records/retention")
def review():
    """Records past their retention date, oldest date first, for a records officer to hold
    or delete."""
    return _review(ChooseForm(formdata=None))


@bp.post("/records/retention/confirm")
def confirm():
    form = ChooseForm()
    form.proposals.choices = [(i, str(i)) for i in _chosen_proposal_ids()]
    if not form.validate():
        return _review(form)
    chosen = db.session.scalars(select(RetentionProposal).where(
        RetentionProposal.id.in_(form.proposals.data)).order_by(RetentionProposal.due_on)).all()
    return render_template("retention/confirm.html", chosen=chosen,
                           form=DeleteForm(formdata=None))


@bp.post("/records/retention/delete")
def delete():
    form = DeleteForm()
    form.proposals.choices = [(i, str(i)) for i in _chosen_proposal_ids()]
    if not form.validate():
        return _review(_none_chosen(form.proposals.errors[0] if form.proposals.errors
                                    else erasure.NothingChosen.message))
    try:
        result = erasure.erase(form.proposals.data, current_user, today(), agency_settings())
    except erasure.NothingChosen as refusal:
        return _review(_none_chosen(refusal.reasons[0]))
    erased = len(result.erased)
    message = f"{erased} {'record' if erased == 1 else 'records'} deleted"
    if result.skipped:
        message += (". Not deleted, as they are now held or no longer due: "
                    f"{', '.join(result.skipped)}")
    flash(message)
    return redirect(url_for("retention.review"))


def _none_chosen(message: str) -> ChooseForm:
    form = ChooseForm(formdata=None)
    form.proposals.errors = [message]
    return form


# --- legal holds ---

@bp.get("/records/holds")
def holds():
    query = select(LegalHold).where(LegalHold.lifted_at.is_(None)).order_by(LegalHold.id)
    page = paginate(query, select(func.count(LegalHold.id)).where(LegalHold.lifted_at.is_(None)),
                    current_app.config["PAGE_SIZE"])
    references = _references(page.items)
    record_view("view", "legal_holds", None, {"ids": [h.id for h in page.items]})
    return render_template("retention/holds.html", page=page, references=references,
                           lift_form=LiftForm())


def _references(holds_) -> dict[int, str]:
    households = {h.household_id for h in holds_ if h.household_id}
    enquiries = {h.enquiry_id for h in holds_ if h.enquiry_id}
    refs = dict(db.session.execute(select(Household.id, Household.reference)
                                   .where(Household.id.in_(households))).all())
    enquiry_refs = dict(db.session.execute(select(Enquiry.id, Enquiry.reference)
                                           .where(Enquiry.id.in_(enquiries))).all())
    return {h.id: refs.get(h.household_id) or enquiry_refs.get(h.enquiry_id) for h in holds_}


def _record_of(reference: str) -> tuple[int | None, int | None]:
    """(household id, enquiry id) for a reference; (None, None) for none (or one erased)."""
    household_id = db.session.scalar(select(Household.id).where(
        Household.reference == reference, Household.erased_at.is_(None)))
    if household_id is not None:
        return household_id, None
    return None, db.session.scalar(select(Enquiry.id).where(
        Enquiry.reference == reference, Enquiry.erased_at.is_(None)))


@bp.route("/records/holds/new", methods=["GET", "POST"])
def new_hold():
    form = HoldForm()
    if request.method == "GET":
        form.reference.data = (request.args.get("reference") or "")[:20]
    elif form.validate():
        reference = form.reference.data.upper()
        household_id, enquiry_id = _record_of(reference)
        if household_id is None and enquiry_id is None:
            form.reference.errors.append("There is no household or enquiry with this "
                                         "reference")
        else:
            try:
                operations.place_hold(current_user, form.reason.data, form.details.data,
                                      household_id=household_id, enquiry_id=enquiry_id)
            except operations.HoldRefused as refusal:
                return refused(refusal, "retention/hold.html", form=form)
            flash(f"{reference} is on legal hold: it will not be deleted until the hold is "
                  "lifted")
            # Back to the case page the hold was put on from, else to the list of holds.
            if request.args.get("back") == "case" and household_id is not None:
                return redirect(url_for("cases.case", reference=reference))
            return redirect(url_for("retention.holds"))
    return render_template("retention/hold.html", form=form)


@bp.post("/records/holds/<int:hold_id>/lift")
def lift_hold(hold_id: int):
    hold = db.session.get(LegalHold, hold_id)
    if hold is None:
        raise NotFound()
    form = LiftForm()
    if form.validate():
        try:
            operations.lift_hold(current_user, hold)
        except operations.HoldRefused as refusal:
            flash(refusal.reasons[0])
        else:
            flash("Hold lifted: the record follows the retention schedule again")
    return redirect(url_for("retention.holds"))


# --- the end of approval ---

@bp.route("/cases/<reference>/approval-ended", methods=["GET", "POST"])
def approval_ended(reference):
    household = get_case(reference)
    form = ApprovalEndForm()
    if request.method == "GET":
        form.version.data = str(household.version)
    elif form.validate():
        try:
            operations.record_approval_end(household, current_user, form.ended_on.data,
                                           form.reason.data, today(), form.seen_version())
        except Refusal as refusal:
            return refused(refusal, "retention/approval_ended.html", form=form,
                           household=household)
        flash("End of approval recorded")
        return redirect(url_for("cases.case", reference=reference))
    return render_template("retention/approval_ended.html", form=form, household=household)


# --- the case page's section ---

def case_section(household, user):
    """The household's retention class, the day its records become due for review, and why;
    and any legal hold."""
    retention = operations.household_retention(household, agency_settings())
    hold = operations.active_hold(household_id=household.id)
    return "retention/_case_section.html", {
        "retention": retention, "hold": hold,
        "may_hold": user.has_role(*RECORDS_OFFICERS),
        "may_end_approval": household.stage == "approved"
        and household.approval_ended_on is None and user.has_role(*APPROVAL_ENDERS)}


@bp.app_template_global()
def retention_label(value: str) -> str:
    return RetentionClass(value).label
