"""The caseworker's views: the pipeline board, a case, moving it on, and 'my work'.

Who may open each page is declared in carers/cases/access.py (the access policy runs it
before every request); here each view reads its form, calls one operation and shows the
result."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload

from carers.audit.operations import record_view
from carers.cases import hooks, operations, queries
from carers.cases.access import (
    can_change,
    is_manager,
    readable_cases,
    readable_scope,
    scope_condition,
)
from carers.cases.board import board_filters, board_query, case_counts, stage_counts, total
from carers.cases.forms import (
    AllocationForm,
    ChildDetailsForm,
    CorrectContactForm,
    CorrectPersonForm,
    DisputeForm,
    DoneForm,
    NoteForm,
    OversightForm,
    ReferralForm,
    ResolveDisputeForm,
    TaskForm,
    transition_form,
)
from carers.cases.models import Household, HouseholdMember
from carers.cases.queries import case_staff, get_case, team_staff
from carers.cases.state import case_state
from carers.clocks.workdays import add_working_days
from carers.core.changes import CHANGED_MESSAGE, refused
from carers.core.dates import london, today
from carers.core.pagination import paginate
from carers.core.spreadsheets import csv_response, xlsx_response
from carers.corrections import operations as corrections
from carers.corrections import queries as correction_queries
from carers.pipeline import (
    TRANSITIONS,
    Action,
    ChildDetails,
    Pathway,
    TransitionRefused,
    allowed_transitions,
    case_clocks,
    find_transition,
    next_actions,
    stage_summary,
)
from carers.settings.registry import agency_settings

bp = Blueprint("cases", __name__, url_prefix="/staff")

TIMELINE_PAGE = 50


@bp.get("/pipeline")
def board():
    form, filters = board_filters(request.args)
    args = {k: v for k, v in filters.items() if v}
    filters["scope"] = readable_scope(current_user)
    filters["readable"] = scope_condition(filters["scope"])
    counts = case_counts(filters)
    query, _ = board_query(filters)
    page = paginate(query.options(selectinload(Household.workers)), total(counts, filters),
                    current_app.config["PAGE_SIZE"])
    return render_template("cases/board.html", form=form, counts=stage_counts(filters, counts),
                           page=page, args=args, today=today())


@bp.get("/pipeline.<fmt>")
def board_download(fmt):
    """The board's list of cases, with its filters, as CSV or XLSX."""
    if fmt not in ("csv", "xlsx"):
        abort(404)
    _, filters = board_filters(request.args)
    filters["readable"] = readable_cases(current_user)
    query, _ = board_query(filters)
    table = queries.board_table(query.options(selectinload(Household.workers)))
    if fmt == "xlsx":
        return xlsx_response([table], "pipeline")
    return csv_response(table, "pipeline")


@bp.get("/my-work")
def my_work():
    tasks = queries.my_tasks(current_user)
    query, count_query = queries.my_cases(current_user)
    page = paginate(query, count_query, current_app.config["PAGE_SIZE"])
    return render_template("cases/my_work.html", tasks=tasks, page=page, today=today(),
                           done_form=DoneForm(), notes=hooks.notes_for_cases(
                               [h.id for h in page.items], current_user))


@bp.get("/cases/<reference>")
def case(reference):
    household = get_case(reference)
    events = paginate(*queries.timeline(household), TIMELINE_PAGE)
    oversight_records = queries.oversight_records(events.items)
    tasks = queries.open_tasks(household)
    state = case_state(household)
    settings = agency_settings()
    on = today()
    task_form = TaskForm()
    staff = team_staff(current_user)
    task_form.owner.choices = [("", "Select a person")] + [(str(u.id), u.name) for u in staff]
    page = render_template(
        "cases/case.html", household=household, state=state, events=events, tasks=tasks,
        clocks=case_clocks(state, on, settings),
        next_steps=next_actions(state, on, settings) + hooks.next_steps(household, on),
        stage_text=stage_summary(state), transitions=allowed_transitions(state),
        can_change=can_change(current_user, household), is_manager=is_manager(current_user),
        note_form=NoteForm(), task_form=task_form, done_form=DoneForm(), today_date=on,
        child_problems=child_problems(household),
        sections=hooks.case_sections(household, current_user),
        oversight_records=oversight_records,
        disputes=correction_queries.household_disputes(household.id),
    )
    # Record the view after rendering: a commit expires every loaded object, and the
    # template would then reload the case, its workers and each event and task one by one.
    record_view("view", "household", household.id)
    return page


NOT_BOOKED = "none"


def visit_choices(form, household: Household) -> dict:
    """Offer the case's booked or held initial visits on the form; returns them by id."""
    options = list(reversed(hooks.initial_visits(household)))
    if not options:  # nothing booked: no question to ask
        del form["visit"]
        return {}
    form.visit.choices = [(str(v.id), label) for v, label in options] + [
        (NOT_BOOKED, "The visit is not booked on the system")]
    return {str(v.id): v for v, _ in options}


def child_problems(household: Household) -> list[str]:
    """What is missing from a kinship case's child details, as the pipeline says it."""
    if household.pathway != Pathway.CONNECTED_PERSON.value:
        return []
    child = case_state(household).child
    return child.problems(today()) if child else []


def _refusal(household: Household, reason: str) -> dict:
    """A refusal for the error summary; one about the child links to the child's page."""
    if reason in child_problems(household):
        return {"text": reason, "href": url_for("cases.child_details",
                                                reference=household.reference)}
    return {"text": reason}


@bp.route("/cases/<reference>/move/<action>", methods=["GET", "POST"])
def move(reference, action):
    household = get_case(reference)
    try:
        action = Action(action)
    except ValueError:
        abort(404)
    transition, why_not = find_transition(case_state(household), action)
    if request.method == "POST" and request.form.get("version") != str(household.version):
        # Opened before someone else changed the case: say so on the form, with everything
        # typed kept, whether or not this change is still possible from where the case is now.
        return _changed_since_opened(household, action, transition, why_not)
    if transition is None:
        flash(why_not or "That change is not possible at this stage", "warning")
        return redirect(url_for("cases.case", reference=reference))
    form = transition_form(action, transition.needs_reason, is_manager(current_user))()
    visits = visit_choices(form, household) if action is Action.RECORD_INITIAL_VISIT else {}
    refusals = []
    if request.method == "GET":
        form.version.data = str(household.version)
        form.on.data = today()
        if action is Action.GRANT_REG24:
            form.placed_on.data = household.child_placed_on
        if visits:  # the booked visit, and its date
            held = [v for v in visits.values() if london(v.starts_at_utc).date() <= today()]
            chosen = held[0] if held else list(visits.values())[-1]  # latest held, or next
            form.visit.data = str(chosen.id)
            form.on.data = london(chosen.starts_at_utc).date()
    elif form.validate():
        try:
            facts = operations.transition_facts(household, current_user, form.data)
            record = operations.move(household, action, facts, current_user,
                                     form.seen_version(), visit=visits.get(form.data.get("visit")))
        except TransitionRefused as refusal:
            # The pipeline's reasons have their own summary, linked to where each is put
            # right (see cases/move.html); what was typed stays in the form.
            refusals = [_refusal(household, reason) for reason in refusal.reasons]
        except operations.CaseChanged:
            return _changed_since_opened(household, action, transition, None, form)
        else:
            flash(record.summary)
            return redirect(url_for("cases.case", reference=reference))
    return render_template("cases/move.html", household=household, form=form,
                           transition=transition, refusals=refusals)


def _changed_since_opened(household, action, transition, why_not, form=None):
    """The move form again, with what was typed and why it was not saved."""
    shown = transition or next(t for t in TRANSITIONS if t.action is action)
    if form is None:
        form = transition_form(action, shown.needs_reason or transition is None,
                               is_manager(current_user))()
        form.validate()
    message = CHANGED_MESSAGE
    if transition is None:
        message = f"This case changed since you opened it. {why_not or ''}".strip()
    changed = operations.CaseChanged(message, version=household.version)
    return refused(changed, "cases/move.html", form=form, household=household,
                   transition=shown, refusals=[])


@bp.post("/cases/<reference>/notes")
def add_note(reference):
    household = get_case(reference)
    form = NoteForm()
    if form.validate():
        operations.add_note(household, current_user, form.text.data)
        flash("Case note added")
        return redirect(url_for("cases.case", reference=reference))
    return render_template("cases/note.html", household=household, form=form)


@bp.post("/cases/<reference>/tasks")
def add_task(reference):
    household = get_case(reference)
    form = TaskForm()
    staff = {str(u.id): u for u in team_staff(current_user)}
    form.owner.choices = [("", "Select a person")] + [(k, u.name) for k, u in staff.items()]
    if form.validate():
        operations.add_task(household, current_user, form.title.data, staff[form.owner.data],
                            form.due_on.data)
        flash("Task added")
        return redirect(url_for("cases.case", reference=reference))
    return render_template("cases/task.html", household=household, form=form)


@bp.post("/tasks/<int:task_id>/done")
def task_done(task_id):
    task = queries.get_task(task_id)
    household = task.household
    if DoneForm().validate():
        operations.complete_task(task, current_user)
        flash(f"Task done: {task.title}")
    return redirect(request.args.get("next") == "my-work" and url_for("cases.my_work")
                    or url_for("cases.case", reference=household.reference))


@bp.route("/cases/<reference>/allocation", methods=["GET", "POST"])
def allocation(reference):
    household = get_case(reference)
    staff = {str(u.id): u for u in team_staff(current_user)}
    for worker in household.workers:
        staff.setdefault(str(worker.id), worker)
    form = AllocationForm()
    form.workers.choices = [(k, u.name) for k, u in staff.items()]
    if request.method == "GET":
        form.version.data = str(household.version)
        form.workers.data = [str(w.id) for w in household.workers]
    elif form.validate():
        try:
            operations.allocate(household, current_user,
                                [staff[k] for k in form.workers.data or []],
                                form.seen_version())
        except operations.CaseChanged as error:
            return refused(error, "cases/allocation.html", form=form, household=household)
        flash("Allocation saved")
        return redirect(url_for("cases.case", reference=reference))
    return render_template("cases/allocation.html", household=household, form=form)


@bp.route("/cases/<reference>/child", methods=["GET", "POST"])
def child_details(reference):
    household = get_case(reference)
    if household.pathway != Pathway.CONNECTED_PERSON.value:
        flash("Only a kinship case is about a named child", "warning")
        return redirect(url_for("cases.case", reference=reference))
    form = ChildDetailsForm(obj=household if request.method == "GET" else None)
    if request.method == "GET":
        form.version.data = str(household.version)
    elif form.validate():
        child = form.child()
        problems = child.problems(today())
        if not problems:
            try:
                operations.update_child_details(household, current_user, child,
                                                form.seen_version())
            except operations.CaseChanged as error:
                return refused(error, "cases/child.html", form=form, household=household)
            flash("The child's details are saved")
            return redirect(url_for("cases.case", reference=reference))
        review = [p for p in problems if "first review" in p]
        form.child_placed_on.errors = [*form.child_placed_on.errors,
                                       *(p for p in problems if p not in review)]
        form.child_first_review_on.errors = [*form.child_first_review_on.errors, *review]
    return render_template("cases/child.html", household=household, form=form)


@bp.route("/cases/<reference>/oversight", methods=["GET", "POST"])
def oversight(reference):
    household = get_case(reference)
    staff = {str(u.id): u for u in case_staff(household)}
    form = OversightForm()
    form.set_owner_choices([(k, u.name) for k, u in staff.items()])
    if request.method == "GET":
        form.version.data = str(household.version)
    elif form.add_action.data:  # one more row, with everything typed kept
        form.show_another_row()
    elif form.validate():
        actions = [operations.OversightAction(title, staff[owner], due_on)
                   for title, owner, due_on in form.actions()]
        try:
            operations.record_oversight(household, current_user, form.reviewed.data,
                                        form.decision.data, form.reasons.data, actions,
                                        form.seen_version())
        except operations.CaseChanged as error:
            return refused(error, "cases/oversight.html", form=form, household=household)
        flash("Management oversight recorded")
        return redirect(url_for("cases.case", reference=reference))
    return render_template("cases/oversight.html", household=household, form=form)


@bp.get("/cases/oversight-due")
def oversight_due():
    """The open cases of the manager's team with no oversight recorded for the agency's
    interval of working days, longest without first."""
    interval = agency_settings()["oversight_interval_working_days"]
    on = today()
    cutoff = add_working_days(on, -interval)
    page = paginate(*queries.oversight_due(current_user, cutoff),
                    current_app.config["PAGE_SIZE"], rows=True)
    return render_template("cases/oversight_due.html", page=page, interval=interval,
                           cutoff=cutoff)


@bp.route("/referrals/new", methods=["GET", "POST"])
def new_referral():
    form = ReferralForm()
    if request.method == "GET":
        form.received_on.data = today()
    elif form.validate():
        child = ChildDetails(name=form.child_name.data, date_of_birth=form.child_date_of_birth.data,
                             la_reference=form.child_la_reference.data,
                             relationship=form.child_relationship.data)
        problems = child.problems(today())
        if not problems:
            try:
                household = operations.open_kinship_referral(
                    current_user, carer_name=form.carer_name.data, child=child,
                    received_on=form.received_on.data, phone=form.phone.data or None)
            except operations.NoTeam as error:
                return refused(error, "cases/referral.html", form=form)
            else:
                flash(f"Kinship referral {household.reference} created")
                return redirect(url_for("cases.case", reference=household.reference))
        form.child_name.errors.extend(problems)
    return render_template("cases/referral.html", form=form)


# --- correcting a person's details, and disputes about the case's records ---

MEMBER = "household_member"
HOUSEHOLD = "household"
CONTACT_FIELDS = ("email", "phone", "address", "postcode")
FIELD_LABELS = {"name": "Full name", "date_of_birth": "Date of birth",
                "email": "Email address", "phone": "Telephone number", "address": "Address",
                "postcode": "Postcode"}
# The records of a case a dispute can be about, besides each person's details: (choice,
# label, field of the household record).
HOUSEHOLD_RECORDS = [("contact", "The household's contact details and address",
                      "contact_details"),
                     ("report", "The assessment report", "assessment_report"),
                     ("case", "Another part of the case record", None)]


def _member(household: Household, member_id: int) -> HouseholdMember:
    member = next((m for m in household.members if m.id == member_id), None)
    if member is None:
        abort(404)
    return member


@bp.get("/cases/<reference>/people/<int:member_id>/record")
def person(reference, member_id):
    household = get_case(reference)
    member = _member(household, member_id)
    page = render_template(
        "cases/person.html", household=household, member=member,
        history=correction_queries.history(MEMBER, member.id),
        disputes=correction_queries.disputes_of(MEMBER, member.id),
        can_change=can_change(current_user, household), labels=FIELD_LABELS)
    record_view("view", MEMBER, member.id, {"household": household.id})
    return page


@bp.route("/cases/<reference>/people/<int:member_id>/correct", methods=["GET", "POST"])
def correct_person(reference, member_id):
    household = get_case(reference)
    member = _member(household, member_id)
    form = CorrectPersonForm(obj=member if request.method == "GET" else None)
    if request.method == "POST" and form.validate():
        try:
            corrections.correct(member, MEMBER, {"name": form.name.data.strip(),
                                                 "date_of_birth": form.date_of_birth.data},
                                form.reason.data, current_user, household_id=household.id)
        except corrections.NothingChanged as error:
            return refused(error, "cases/correct.html", form=form, household=household,
                           title=f"Correct {member.name}'s details")
        flash("The correction is saved")
        return redirect(url_for("cases.person", reference=reference, member_id=member.id))
    return render_template("cases/correct.html", form=form, household=household,
                           title=f"Correct {member.name}'s details")


@bp.route("/cases/<reference>/contact", methods=["GET", "POST"])
def correct_contact(reference):
    household = get_case(reference)
    form = CorrectContactForm(obj=household if request.method == "GET" else None)
    title = "Correct the household's contact details"
    if request.method == "POST" and form.validate():
        try:
            corrections.correct(household, HOUSEHOLD,
                                {f: (getattr(form, f).data or "").strip() or None
                                 for f in CONTACT_FIELDS},
                                form.reason.data, current_user, household_id=household.id)
        except corrections.NothingChanged as error:
            return refused(error, "cases/correct.html", form=form, household=household,
                           title=title)
        flash("The correction is saved")
        return redirect(url_for("cases.case", reference=reference))
    return render_template("cases/correct.html", form=form, household=household, title=title,
                           history=[c for c in correction_queries.history(HOUSEHOLD,
                                                                          household.id)],
                           labels=FIELD_LABELS)


def _dispute_choices(household: Household) -> dict[str, tuple[str, int, str | None, str]]:
    choices = {f"member-{m.id}": (MEMBER, m.id, None, f"{m.name}'s details")
               for m in household.members}
    choices |= {key: (HOUSEHOLD, household.id, field, label)
                for key, label, field in HOUSEHOLD_RECORDS}
    return choices


@bp.route("/cases/<reference>/disputes/new", methods=["GET", "POST"])
def new_dispute(reference):
    household = get_case(reference)
    choices = _dispute_choices(household)
    form = DisputeForm()
    form.record.choices = [("", "Select a record")] + [(k, v[3]) for k, v in choices.items()]
    if request.method == "GET" and request.args.get("record") in choices:
        form.record.data = request.args["record"]
    if request.method == "POST" and form.validate():
        object_type, object_id, field, _ = choices[form.record.data]
        corrections.record_dispute(object_type, object_id, current_user, field=field,
                                   household_id=household.id,
                                   disputed_by=form.disputed_by.data, what=form.what.data,
                                   account=form.account.data)
        flash("The dispute is recorded")
        return redirect(url_for("cases.case", reference=reference, _anchor="disputes"))
    return render_template("cases/dispute.html", form=form, household=household)


@bp.route("/cases/<reference>/disputes/<int:dispute_id>/resolve", methods=["GET", "POST"])
def resolve_dispute(reference, dispute_id):
    household = get_case(reference)
    dispute = correction_queries.get_dispute(dispute_id, household.id)
    form = ResolveDisputeForm()
    if request.method == "POST" and form.validate():
        try:
            corrections.resolve_dispute(dispute, current_user, form.outcome.data)
        except corrections.DisputeResolved as error:
            return refused(error, "cases/resolve_dispute.html", form=form,
                           household=household, dispute=dispute)
        flash("The dispute is marked as resolved")
        return redirect(url_for("cases.case", reference=reference, _anchor="disputes"))
    return render_template("cases/resolve_dispute.html", form=form, household=household,
                           dispute=dispute)
