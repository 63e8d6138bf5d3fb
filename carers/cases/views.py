"""The caseworker's views: the pipeline board, a case, moving it on, and 'my work'."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from carers.audit.operations import record as audit
from carers.cases import operations
from carers.cases.access import can_change, is_manager, readable_cases
from carers.cases.board import URGENT_FIRST, board_filters, board_query, stage_counts
from carers.cases.forms import (
    AllocationForm,
    ChildDetailsForm,
    DoneForm,
    NoteForm,
    OversightForm,
    ReferralForm,
    TaskForm,
    transition_form,
)
from carers.cases.models import CaseEvent, Household, Task, case_worker
from carers.cases.queries import get_case, team_staff
from carers.cases.state import case_state
from carers.core.changes import CHANGED_MESSAGE
from carers.core.dates import london, today
from carers.core.pagination import paginate
from carers.enquiries.inbox import get_enquiry
from carers.extensions import db
from carers.pipeline import (
    TRANSITIONS,
    Action,
    ChildDetails,
    Pathway,
    Recommendation,
    TransitionFacts,
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


def require_change(household: Household) -> None:
    if not can_change(current_user, household):
        abort(403)


@bp.get("/pipeline")
def board():
    form, filters = board_filters(request.args)
    args = {k: v for k, v in filters.items() if v}
    filters["readable"] = readable_cases(current_user)
    counts = stage_counts(filters)
    query, count_query = board_query(filters)
    page = paginate(query.options(selectinload(Household.workers)), count_query,
                    current_app.config["PAGE_SIZE"])
    return render_template("cases/board.html", form=form, counts=counts, page=page,
                           args=args, today=today())


@bp.get("/my-work")
def my_work():
    tasks = list(db.session.scalars(
        select(Task).where(Task.owner_id == current_user.id, Task.done_at.is_(None))
        .options(selectinload(Task.household))
        .order_by(Task.due_on, Task.id).limit(100)
    ))
    query = (select(Household).join(case_worker, case_worker.c.household_id == Household.id)
             .where(case_worker.c.user_id == current_user.id)
             .order_by(*URGENT_FIRST))
    count_query = (select(func.count()).select_from(case_worker)
                   .where(case_worker.c.user_id == current_user.id))
    page = paginate(query, count_query, current_app.config["PAGE_SIZE"])
    return render_template("cases/my_work.html", tasks=tasks, page=page, today=today(),
                           done_form=DoneForm())


@bp.get("/cases/<reference>")
def case(reference):
    household = get_case(reference)
    events_query = (select(CaseEvent).where(CaseEvent.household_id == household.id)
                    .order_by(CaseEvent.at.desc(), CaseEvent.id.desc()))
    events_count = select(func.count(CaseEvent.id)).where(
        CaseEvent.household_id == household.id)
    events = paginate(events_query, events_count, TIMELINE_PAGE)
    tasks = list(db.session.scalars(
        select(Task).where(Task.household_id == household.id, Task.done_at.is_(None))
        .order_by(Task.due_on)))
    state = case_state(household)
    settings = agency_settings()
    on = today()
    task_form = TaskForm()
    staff = team_staff(current_user)
    task_form.owner.choices = [("", "Select a person")] + [(str(u.id), u.name) for u in staff]
    page = render_template(
        "cases/case.html", household=household, state=state, events=events, tasks=tasks,
        clocks=case_clocks(state, on, settings), next_steps=next_actions(state, on, settings),
        stage_text=stage_summary(state), transitions=allowed_transitions(state),
        can_change=can_change(current_user, household), is_manager=is_manager(current_user),
        note_form=NoteForm(), task_form=task_form, done_form=DoneForm(), today_date=on,
        child_problems=child_problems(household),
    )
    # Record the view after rendering: a commit expires every loaded object, and the
    # template would then reload the case, its workers and each event and task one by one.
    audit("view", "household", household.id)
    db.session.commit()
    return page


def facts_from(form, action: Action, household: Household) -> TransitionFacts:
    from carers.checks.ledger import case_ledger

    data = form.data
    recommendation = data.get("recommendation")
    # Stage 1 items and required checks come from the checks ledger (computed from the
    # household now, so they are right even if its stored checks have not been synced).
    ledger = case_ledger(household, today(), agency_settings())
    return TransitionFacts(
        by=current_user.name, on=data["on"], today=today(), reason=data.get("reason") or "",
        actor_is_manager=is_manager(current_user),
        stage1_items_complete=ledger.stage1_complete,
        stage1_outstanding=ledger.stage1_outstanding,
        outstanding_checks=ledger.outstanding,
        override_reason=data.get("override_reason") or "",
        panel_date=data.get("panel_date"),
        recommendation=Recommendation(recommendation) if recommendation else None,
        withdrawal_code=data.get("withdrawal_code"),
        household_assessed=bool(data.get("household_assessed")),
        reg24_outstanding=ledger.reg24_outstanding,
        extension_weeks=data.get("extension_weeks"),
        placement_reconsidered=bool(data.get("placement_reconsidered")),
        panel_views_sought=bool(data.get("panel_views_sought")),
        iro_informed=bool(data.get("iro_informed")),
        nominated_officer_approved=bool(data.get("nominated_officer_approved")),
    )


NOT_BOOKED = "none"


def visit_choices(form, household: Household) -> dict:
    """Offer the case's booked or held initial visits on the form; returns them by id."""
    from carers.visits.operations import initial_visits, visit_label

    visits = {str(v.id): v for v in reversed(initial_visits(household))}
    if not visits:  # nothing booked: no question to ask
        del form["visit"]
        return visits
    form.visit.choices = [(key, visit_label(v)) for key, v in visits.items()] + [
        (NOT_BOOKED, "The visit is not booked on the system")]
    return visits


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
    require_change(household)
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
        if visits:  # the booked visit, and its date
            held = [v for v in visits.values() if london(v.starts_at_utc).date() <= today()]
            chosen = held[0] if held else list(visits.values())[-1]  # latest held, or next
            form.visit.data = str(chosen.id)
            form.on.data = london(chosen.starts_at_utc).date()
    elif form.validate():
        try:
            record = operations.move(household, action, facts_from(form, action, household),
                                     current_user, form.seen_version(),
                                     visit=visits.get(form.data.get("visit")))
        except TransitionRefused as refused:
            db.session.rollback()
            refusals = [_refusal(household, reason) for reason in refused.reasons]
        except operations.CaseChanged:
            db.session.rollback()
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
    form.changed_since_opened(message, household.version)
    return render_template("cases/move.html", household=household, form=form,
                           transition=shown, refusals=[]), 409


@bp.post("/cases/<reference>/notes")
def add_note(reference):
    household = get_case(reference)
    require_change(household)
    form = NoteForm()
    if form.validate():
        operations.add_note(household, current_user, form.text.data)
        flash("Case note added")
        return redirect(url_for("cases.case", reference=reference))
    return render_template("cases/note.html", household=household, form=form)


@bp.post("/cases/<reference>/tasks")
def add_task(reference):
    household = get_case(reference)
    require_change(household)
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
    task = db.session.get(Task, task_id)
    if task is None:
        abort(404)
    household = get_case(task.household.reference)
    if task.owner_id != current_user.id:
        require_change(household)
    if DoneForm().validate():
        operations.complete_task(task, current_user)
        flash(f"Task done: {task.title}")
    return redirect(request.args.get("next") == "my-work" and url_for("cases.my_work")
                    or url_for("cases.case", reference=household.reference))


@bp.route("/cases/<reference>/allocation", methods=["GET", "POST"])
def allocation(reference):
    household = get_case(reference)
    require_change(household)
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
        except operations.CaseChanged:
            db.session.rollback()
            form.changed_since_opened(CHANGED_MESSAGE, household.version)
            return render_template("cases/allocation.html", household=household,
                                   form=form), 409
        flash("Allocation saved")
        return redirect(url_for("cases.case", reference=reference))
    return render_template("cases/allocation.html", household=household, form=form)


@bp.route("/cases/<reference>/child", methods=["GET", "POST"])
def child_details(reference):
    household = get_case(reference)
    require_change(household)
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
            except operations.CaseChanged:
                flash(CHANGED_MESSAGE, "warning")
            else:
                flash("The child's details are saved")
            return redirect(url_for("cases.case", reference=reference))
        form.child_placed_on.errors = [*form.child_placed_on.errors, *problems]
    return render_template("cases/child.html", household=household, form=form)


@bp.route("/cases/<reference>/oversight", methods=["GET", "POST"])
def oversight(reference):
    household = get_case(reference)
    require_change(household)
    form = OversightForm()
    if request.method == "GET":
        form.version.data = str(household.version)
    elif form.validate():
        try:
            operations.record_oversight(household, current_user, form.decision.data,
                                        form.rationale.data, form.seen_version())
        except operations.CaseChanged:
            db.session.rollback()
            form.changed_since_opened(CHANGED_MESSAGE, household.version)
            return render_template("cases/oversight.html", household=household,
                                   form=form), 409
        flash("Management oversight recorded")
        return redirect(url_for("cases.case", reference=reference))
    return render_template("cases/oversight.html", household=household, form=form)


@bp.post("/enquiries/<reference>/open-case")
def open_case(reference):
    enquiry = get_enquiry(reference)
    if not DoneForm().validate():
        abort(400)
    try:
        household = operations.open_case_from_enquiry(enquiry, current_user)
    except operations.NoTeam:
        flash("Every case belongs to a team, and you are not in one. Ask an administrator "
              "to add you to a team, or ask someone in the fostering team to open the case.",
              "warning")
        return redirect(url_for("inbox.detail", reference=reference))
    flash(f"Case {household.reference} opened")
    return redirect(url_for("cases.case", reference=household.reference))


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
            except operations.NoTeam:
                form.form_errors.append("Every case belongs to a team, and you are not in one. "
                                        "Ask an administrator to add you to a team.")
            else:
                flash(f"Kinship referral {household.reference} created")
                return redirect(url_for("cases.case", reference=household.reference))
        form.child_name.errors.extend(problems)
    return render_template("cases/referral.html", form=form)
