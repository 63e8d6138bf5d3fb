"""The application: the task list, each task's one-question pages, its check-your-answers
page, the declaration, and the staff pages that read the answers and reopen a task.

Every page reads its form and calls one operation. An applicant's page acts only on the
signed-in person's own row of the task (no record id in the URL)."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup, escape
from werkzeug.datastructures import MultiDict

from carers.applicants.operations import take_held
from carers.applicants.sessions import current_applicant
from carers.application import forms, journey, operations, queries, rules
from carers.audit.operations import record_view
from carers.cases.queries import get_case
from carers.core.changes import Changed, Refusal, refused
from carers.core.dates import format_date, today
from carers.core.forms import GovDateField

bp = Blueprint("application", __name__)


# --- helpers ---

def _own(task_key: str):
    """The signed-in person, their household's application and their row of this task."""
    me = current_applicant()
    application = operations.ensure_application(me)
    row = queries.row_for(application, task_key, me)
    if row is None:
        abort(404)
    return me, application, row


def _editable(application, row) -> bool:
    return rules.editable(application.submitted_at is not None, row.reopened_at is not None,
                          row.status)


def _may_start(application, row, me) -> bool:
    task = rules.BY_KEY[row.task]
    return row.status != rules.NOT_STARTED or rules.can_start(
        task, me.role, queries.completed_keys(application, me))


def _caption(application, row, me) -> str:
    title = rules.BY_KEY[row.task].title_for(application.form)
    return f"{title} – {me.name}" if row.applicant_id else title


def _needed_consents(application, me) -> list[str]:
    return rules.consents_needed(me.role, queries.answers_of(application, me))


def _form_class(page, application, me):
    if page is journey.CONSENTS:
        return journey.consents_form_class(_needed_consents(application, me))
    return page.form


def _params(form, heading: bool = True) -> dict:
    """GOV.UK parameters per field: a page with one question makes it the page heading
    (unless the page has a heading of its own)."""
    fields = form.answer_fields()
    single = heading and _one_question(form)
    params = {}
    for fld in fields:
        is_group = isinstance(fld, (GovDateField, forms.ChoiceRadioField))
        # A question revealed under the heading's answer is a smaller question.
        single_here = single and fld.name not in form.revealed()
        if single_here and is_group:
            params[fld.name] = {"fieldset": {"legend": {
                "text": str(fld.label.text), "isPageHeading": True,
                "classes": "govuk-fieldset__legend--l"}}}
        elif single_here:
            params[fld.name] = {"label": {"text": str(fld.label.text), "isPageHeading": True,
                                          "classes": "govuk-label--l"}}
        elif is_group:
            params[fld.name] = {"fieldset": {"legend": {
                "text": str(fld.label.text), "classes": "govuk-fieldset__legend--s"}}}
        else:
            params[fld.name] = {"label": {"text": str(fld.label.text),
                                          "classes": "govuk-label--s"}}
    for radio, answers in getattr(form, "reveals", {}).items():
        # The follow-up questions render inside the answer they belong to.
        params[radio]["items"] = [
            {"conditional": {"html": Markup("").join(
                form[name](params=params[name]) for name in answers[value])}}
            if value in answers else {}
            for value, _label in form[radio].choices]
    return params


def _changing() -> bool:
    return request.args.get("change") == "1"


def _after(task_key: str, slug: str, answers: dict) -> str:
    if "later" in request.form:
        return url_for("application.task_list")
    if _changing():
        missing = journey.first_unanswered(task_key, answers)
        if missing is None:
            return url_for("application.check", task_key=task_key)
        return url_for("application.question", task_key=task_key, slug=missing.slug,
                       change="1")
    following = journey.next_page(task_key, slug, answers)
    if following is None:
        return url_for("application.check", task_key=task_key)
    return url_for("application.question", task_key=task_key, slug=following.slug)


def _back(task_key: str, slug: str, answers: dict) -> str:
    if _changing():
        return url_for("application.check", task_key=task_key)
    previous = journey.previous_page(task_key, slug, answers)
    if previous is None:
        return url_for("application.task_list")
    return url_for("application.question", task_key=task_key, slug=previous.slug)


def _multiline(value: str) -> Markup:
    return Markup("<br>").join(escape(line) for line in str(value).split("\n"))


def summary_rows(task_key: str, answers: dict, needed: list[str] | None = None,
                 change: bool = True) -> list[dict]:
    """A task's answers as GOV.UK summary list rows, with Change links when ``change``."""
    rows = []
    for p in journey.pages_for(task_key, answers):
        if p is journey.CONSENTS:
            pairs = [(rules.CONSENT_LABELS[k], "Yes" if answers.get(k) else "No")
                     for k in needed or ()]
            if answers.get("consented_on"):
                pairs.append(("Date", format_date(rules.parse_day(answers["consented_on"]))))
        else:
            pairs = p.rows(answers) if p.answered(answers) else [(p.title(), "Not answered")]
        for label, value in pairs:
            row = {"key": {"text": label}, "value": {"html": _multiline(value)}}
            if change:
                row["actions"] = {"items": [{
                    "href": url_for("application.question", task_key=task_key, slug=p.slug,
                                    change="1"),
                    "text": "Change", "visuallyHiddenText": label.lower()}]}
            rows.append(row)
    return rows


def _blocked(refusal: Refusal, application, row, me):
    """A change to answers that are read-only: the answers page, with the reason."""
    form = forms.RemoveForm()
    return refused(refusal, "application/check.html", form, **_check_context(
        application, row, me, completed_form=None))


def _check_context(application, row, me, completed_form):
    editable = _editable(application, row)
    needed = _needed_consents(application, me) if row.task == "consents" else None
    return {"row": row, "application": application, "caption": _caption(application, row, me),
            "rows": summary_rows(row.task, row.answers or {}, needed, change=editable),
            "editable": editable, "completed_form": completed_form,
            "submitted": application.submitted_at is not None,
            "title": rules.BY_KEY[row.task].title_for(application.form)}


# --- the task list ---

@bp.get("/apply/application")
def task_list():
    me = current_applicant()
    application = operations.ensure_application(me)
    items = queries.tasks_for(me, application)
    declared = queries.declared_ids(application)
    joint = queries.joint_applicants(application.household_id)
    return render_template(
        "application/task_list.html", application=application, items=items, me=me,
        title=rules.FORM_TITLES[application.form],
        ready=not queries.missing_for_submission(application), declared=me.id in declared,
        waiting_for=[p.name for p in joint if p.id not in declared and p.id != me.id],
        status_labels=rules.STATUS_LABELS)


@bp.get("/apply/tasks/<task_key>")
def task(task_key):
    """Where the task list's link goes: the first question not answered yet, or the
    task's answers."""
    me, application, row = _own(task_key)
    if not _may_start(application, row, me):
        return redirect(url_for("application.task_list"))
    answers = row.answers or {}
    first = journey.first_unanswered(task_key, answers)
    if not _editable(application, row) or first is None:
        return redirect(url_for("application.check", task_key=task_key))
    return redirect(url_for("application.question", task_key=task_key, slug=first.slug))


# --- one question ---

@bp.route("/apply/tasks/<task_key>/<slug>", methods=["GET", "POST"])
def question(task_key, slug):
    me, application, row = _own(task_key)
    page = journey.page(task_key, slug)
    if page is None or not page.when(row.answers or {}):
        abort(404)
    if not _may_start(application, row, me):
        return redirect(url_for("application.task_list"))
    if not _editable(application, row):
        if request.method == "POST":
            return _blocked(operations.ReadOnly(), application, row, me)
        return redirect(url_for("application.check", task_key=task_key))
    if page.is_list:
        return _list_page(me, application, row, page)
    form_class = _form_class(page, application, me)
    template = "application/question.html"
    answers = dict(row.answers or {})
    if request.method == "POST":
        form = form_class()
        if form.validate():
            if page is journey.CONSENTS:
                changes = journey.consents_changes(form, _needed_consents(application, me),
                                                   today())
            else:
                changes = page.changes(form)
            try:
                operations.save_page(row, me, form.seen_version(), changes)
            except Changed as conflict:
                return _refused_page(conflict, template, form, application, row, me, page)
            except Refusal as refusal:
                return _refuse(refusal, template, form, _page_context(
                    application, row, me, page, form))
            return redirect(_after(task_key, slug, row.answers or {}))
    elif (held := _held()) is not None:
        form = form_class(formdata=held)
        return render_template(template, restored=True,
                               **_page_context(application, row, me, page, form))
    else:
        form = form_class(data=page.form_data(answers))
        form.version.data = str(row.version)
    return render_template(template, **_page_context(application, row, me, page, form))


def _held():
    """What this person posted to this page after their session timed out (not saved), to
    show it again once: None if nothing was kept."""
    fields = take_held(request.path)
    return MultiDict(fields) if fields else None


def _one_question(form) -> bool:
    """A page of one question (and any it reveals) and no heading of its own: the question
    is the page's heading."""
    asked = [f for f in form.answer_fields() if f.name not in form.revealed()]
    return len(asked) == 1 and not (form.reveals and form.title)


def _page_context(application, row, me, page, form, saved=None):
    heading = page.title() if not _one_question(form) else None
    if page is journey.CONSENTS:
        heading = "Do you consent to these checks?"
    return {"form": form, "page": page, "row": row, "caption": _caption(application, row, me),
            "heading": heading, "params": _params(form), "saved": saved,
            "back": _back(row.task, page.slug, row.answers or {}),
            "hint": getattr(page, "hint", "")}


def _refuse(refusal: Refusal, template: str, form, context: dict):
    """``refused`` with a page's context (which carries its form already)."""
    return refused(refusal, template, form, **{k: v for k, v in context.items() if k != "form"})


def _refused_page(conflict: Changed, template, form, application, row, me, page):
    """Someone else saved first: what they saved, above the form as this person typed it."""
    fresh = getattr(conflict, "row", row)
    saved = page.rows(fresh.answers or {}) if page is not journey.CONSENTS else []
    return _refuse(conflict, template, form, _page_context(application, fresh, me, page, form,
                                                           saved=saved))


# --- lists ("add another") ---

def _list_context(application, row, me, page, form, saved=None):
    items = page.items(row.answers or {})
    return {"form": form, "page": page, "row": row, "caption": _caption(application, row, me),
            "items": [(i, page.label(item)) for i, item in enumerate(items)],
            "back": _back(row.task, page.slug, row.answers or {}), "saved": saved,
            "remove_form": forms.RemoveForm(), "version": row.version}


def _list_form(page, items, data=None):
    form = forms.AddAnotherForm(data=data)
    form.add.label.text = page.another if items else page.first
    return form


def _list_page(me, application, row, page):
    template = "application/list.html"
    items = page.items(row.answers or {})
    if request.method == "POST":
        form = _list_form(page, items)
        if form.remove.data not in (None, ""):
            try:
                index = int(form.remove.data)
            except ValueError:
                abort(400)
            try:
                operations.remove_item(row, me, form.seen_version(), page, index)
            except Changed as conflict:
                return _refuse(conflict, template, form, _list_context(
                    application, getattr(conflict, "row", row), me, page, form))
            return redirect(request.full_path.rstrip("?"))
        if form.validate():
            if form.add.data == "yes":
                return redirect(url_for("application.item", task_key=row.task,
                                        slug=page.slug, index=len(items)))
            try:
                operations.finish_list(row, me, form.seen_version(), page)
            except Changed as conflict:
                return _refuse(conflict, template, form, _list_context(
                    application, getattr(conflict, "row", row), me, page, form))
            return redirect(_after(row.task, page.slug, row.answers or {}))
    else:
        form = _list_form(page, items)
        form.version.data = str(row.version)
    return render_template(template, **_list_context(application, row, me, page, form))


@bp.route("/apply/tasks/<task_key>/<slug>/<int:index>", methods=["GET", "POST"])
def item(task_key, slug, index):
    me, application, row = _own(task_key)
    page = journey.page(task_key, slug)
    if page is None or not page.is_list or not page.when(row.answers or {}):
        abort(404)
    if not _may_start(application, row, me):
        return redirect(url_for("application.task_list"))
    if not _editable(application, row):
        if request.method == "POST":
            return _blocked(operations.ReadOnly(), application, row, me)
        return redirect(url_for("application.check", task_key=task_key))
    items = page.items(row.answers or {})
    if index > len(items):
        abort(404)
    template = "application/item.html"
    list_url = url_for("application.question", task_key=task_key, slug=page.slug)

    def context(form, current_row, saved=None):
        return {"form": form, "page": page, "row": current_row,
                "params": _params(form, heading=False),
                "caption": _caption(application, current_row, me), "back": list_url,
                "heading": f"{'Add' if index >= len(items) else 'Change'} {'an' if page.noun[0] in 'aeiou' else 'a'} {page.noun}",  # noqa: E501
                "saved": saved}

    if request.method == "POST":
        form = page.item_form()
        if form.validate():
            try:
                operations.save_item(row, me, form.seen_version(), page, index,
                                     page.item_value(form))
            except Changed as conflict:
                fresh = getattr(conflict, "row", row)
                saved = [(page.title(), "\n".join(page.label(i) for i in page.items(
                    fresh.answers or {})) or "None")]
                return _refuse(conflict, template, form, context(form, fresh, saved))
            if "later" in request.form:
                return redirect(url_for("application.task_list"))
            return redirect(list_url)
    elif (held := _held()) is not None:
        form = page.item_form(formdata=held)
        return render_template(template, restored=True, **context(form, row))
    else:
        form = page.item_form(data=page.item_data(items[index]) if index < len(items) else None)
        form.version.data = str(row.version)
    return render_template(template, **context(form, row))


# --- a task's answers, and completing it ---

@bp.route("/apply/tasks/<task_key>/check-answers", methods=["GET", "POST"])
def check(task_key):
    me, application, row = _own(task_key)
    if not _may_start(application, row, me):
        return redirect(url_for("application.task_list"))
    template = "application/check.html"
    if not _editable(application, row):
        if request.method == "POST":
            return _blocked(operations.ReadOnly(), application, row, me)
        return render_template(template, form=None,
                               **_check_context(application, row, me, None))
    if request.method == "POST":
        form = forms.CompletedForm()
        if form.validate():
            try:
                operations.mark(row, me, form.seen_version(), form.completed.data == "yes")
            except Refusal as refusal:
                return refused(refusal, template, form, **_check_context(
                    application, row, me, form))
            return redirect(url_for("application.task_list"))
    else:
        data = {"completed": "yes"} if row.status == rules.COMPLETED else None
        form = forms.CompletedForm(data=data)
        form.version.data = str(row.version)
    return render_template(template, form=form, **_check_context(application, row, me, form))


# --- the whole application, and the declaration ---

def _all_sections(application, me) -> list[dict]:
    sections = []
    for item_ in queries.tasks_for(me, application):
        if not item_.mine:
            continue
        row = queries.row_for(application, item_.key, me)
        needed = _needed_consents(application, me) if item_.key == "consents" else None
        sections.append({"title": item_.title, "key": item_.key,
                         "rows": summary_rows(item_.key, row.answers or {}, needed,
                                              change=_editable(application, row))})
    return sections


@bp.get("/apply/check-your-answers")
def check_all():
    me = current_applicant()
    application = operations.ensure_application(me)
    return render_template("application/check_all.html", application=application,
                           sections=_all_sections(application, me),
                           missing=queries.missing_for_submission(application),
                           title=rules.FORM_TITLES[application.form])


@bp.route("/apply/declaration", methods=["GET", "POST"])
def declaration():
    me = current_applicant()
    application = operations.ensure_application(me)
    template = "application/declaration.html"
    context = {"application": application, "title": rules.FORM_TITLES[application.form],
               "declared": me.id in queries.declared_ids(application)}
    if request.method == "POST":
        form = forms.DeclarationForm()
        if form.validate():
            try:
                operations.declare(me)
            except Refusal as refusal:
                return refused(refusal, template, form, **context)
            return redirect(url_for("application.task_list"))
    else:
        form = forms.DeclarationForm()
    return render_template(template, form=form, **context)


# --- staff: the application on the case ---

def case_section(household, user):
    """The case page's section: each task's status per person, and the sent date."""
    progress = queries.progress(household)
    return "application/case_section.html", {"household": household, "progress": progress}


def _reopenable(progress) -> list[tuple[str, str]]:
    return [(str(r["row"].id), f"{r['title']} – {r['person']}") for r in progress.rows
            if r["row"].status == rules.COMPLETED]


@bp.get("/staff/cases/<reference>/application")
def case_answers(reference):
    household = get_case(reference)
    progress = queries.progress(household)
    sections = []
    for entry in progress.rows:
        row = entry["row"]
        needed = None
        if row.task == "consents" and row.applicant_id:
            person = next((p for p in queries.people(household.id)
                           if p.id == row.applicant_id), None)
            if person is not None:
                needed = rules.consents_needed(person.role, queries.answers_of(
                    progress.application, person))
        sections.append({**entry, "rows": summary_rows(row.task, row.answers or {}, needed,
                                                        change=False)})
    page = render_template("application/case_answers.html", household=household,
                           progress=progress, sections=sections,
                           reopenable=bool(progress.application and _reopenable(progress)))
    record_view("view", "application", progress.application.id if progress.application
                else None, {"household": household.reference})
    return page


@bp.route("/staff/cases/<reference>/application/reopen", methods=["GET", "POST"])
def reopen(reference):
    household = get_case(reference)
    progress = queries.progress(household)
    form = forms.ReopenForm()
    form.task.choices = _reopenable(progress)
    template = "application/reopen.html"
    context = {"household": household, "progress": progress}
    if request.method == "POST" and form.validate():
        try:
            operations.reopen(household, current_user, int(form.task.data), form.reason.data)
        except Refusal as refusal:
            return refused(refusal, template, form, **context)
        return redirect(url_for("application.case_answers", reference=reference))
    return render_template(template, form=form, **context)
