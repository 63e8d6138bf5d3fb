"""The public 'register your interest in fostering' journey. No account needed."""

import secrets

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from werkzeug.datastructures import MultiDict

from carers.enquiries import choices, journey, operations
from carers.enquiries.forms import PersonForm, SubmitForm
from carers.enquiries.models import KINSHIP, EnquiryDraft
from carers.enquiries.queries import get_draft
from carers.enquiries.summary import answer_sections
from carers.extensions import limiter

bp = Blueprint("enquiry", __name__)

DRAFT_KEY = "enquiry_draft"


def page_limit():
    return current_app.config["ENQUIRY_PAGE_RATE_LIMIT"]


def submit_limit():
    return current_app.config["ENQUIRY_SUBMIT_RATE_LIMIT"]


def only_posts():
    return request.method != "POST"


def load_draft(create: bool = False) -> EnquiryDraft | None:
    draft = get_draft(session.get(DRAFT_KEY))
    if draft is None and create:
        draft = operations.new_draft()
        session[DRAFT_KEY] = draft.id
    return draft


def save(draft: EnquiryDraft, form, raw_key: str, answers_key: str | None = None,
         value=None, forget: str | None = None) -> None:
    """Keep what was typed on this page (its own fields only, each cut to its limit) and,
    when it was valid, the answer."""
    operations.save_draft_page(draft, raw_key, form.typed(), answers_key, value, forget)


def saved_formdata(draft: EnquiryDraft | None, key: str) -> MultiDict | None:
    typed = (draft.raw or {}).get(key) if draft else None
    if not typed:
        return None
    return MultiDict([(k, v) for k, values in typed.items() for v in values])


def is_bot() -> bool:
    return bool(request.form.get("website", "").strip())


def drop_bot_submission():
    """Look exactly like success to a bot, and keep nothing."""
    current_app.logger.info("Dropped an enquiry POST that filled the honeypot")
    draft = load_draft()
    if draft is not None:
        operations.discard_draft(draft)
    session.pop(DRAFT_KEY, None)
    session["enquiry_reference"] = "ENQ-" + secrets.token_hex(2).upper() + "-" + \
        secrets.token_hex(2).upper()
    return redirect(url_for("enquiry.confirmation"))


def destination(slug: str, answers: dict) -> str:
    changing = request.args.get("change") == "1"
    target = journey.next_slug(slug, answers)
    # A change can open a page that was skipped before (say, the child's details).
    missing = journey.first_incomplete(answers)
    if changing and missing is None:
        return url_for("enquiry.check_answers")
    if changing and missing:
        return url_for("enquiry.question", slug=missing, change="1")
    if target == journey.CHECK_ANSWERS:
        return url_for("enquiry.check_answers")
    return url_for("enquiry.question", slug=target)


def back_link(slug: str, answers: dict) -> str:
    if request.args.get("change") == "1":
        return url_for("enquiry.check_answers")
    previous = journey.previous_slug(slug, answers)
    if previous is None:
        return url_for("enquiry.start")
    return url_for("enquiry.question", slug=previous)


@bp.get("/")
def start():
    return render_template("enquiries/start.html")


@bp.route("/enquiry/<slug>", methods=["GET", "POST"])
@limiter.limit(page_limit, exempt_when=only_posts)
def question(slug):
    if slug == "household":
        return household()
    page = journey.BY_SLUG.get(slug)
    if page is None:
        abort(404)
    draft = load_draft(create=request.method == "POST")
    answers = draft.answers if draft else {}
    if request.method == "POST":
        if is_bot():
            return drop_bot_submission()
        form = page.form()
        if form.validate():
            save(draft, form, slug, slug, form.answers())
            return redirect(destination(slug, draft.answers))
        save(draft, form, slug)
    else:
        form = page.form(formdata=saved_formdata(draft, slug))
    return render_template("enquiries/question.html", form=form, slug=slug,
                           back=back_link(slug, answers))


def household():
    draft = load_draft(create=request.method == "POST")
    answers = draft.answers if draft else {}
    people = answers.get("household", {}).get("people", [])
    form = journey.BY_SLUG["household"].form()
    if request.method == "POST":
        if is_bot():
            return drop_bot_submission()
        if form.validate():
            if form.add_person.data == "yes":
                return redirect(url_for("enquiry.person", change=request.args.get("change")))
            save(draft, form, "household", "household", {"people": people})
            return redirect(destination("household", draft.answers))
    if people:
        form.add_person.label.text = "Does anyone else live with you?"
    return render_template("enquiries/household.html", form=form, people=people,
                           back=back_link("household", answers), choices=choices)


@bp.route("/enquiry/household/person", methods=["GET", "POST"], defaults={"index": None})
@bp.route("/enquiry/household/person/<int:index>", methods=["GET", "POST"])
@limiter.limit(page_limit, exempt_when=only_posts)
def person(index):
    draft = load_draft(create=request.method == "POST")
    people = list((draft.answers if draft else {}).get("household", {}).get("people", []))
    if index is not None and not 0 <= index < len(people):
        abort(404)
    raw_key = "person" if index is None else f"person-{index}"
    if request.method == "POST":
        if is_bot():
            return drop_bot_submission()
        form = PersonForm()
        if form.validate():
            if index is None:
                people.append(form.answers())
            else:
                people[index] = form.answers()
            save(draft, form, "household", "household", {"people": people}, forget=raw_key)
            return redirect(url_for("enquiry.question", slug="household",
                                    change=request.args.get("change")))
        save(draft, form, raw_key)
    else:
        formdata = saved_formdata(draft, raw_key)
        if formdata is None and index is not None:
            form = PersonForm(data=people[index])
        else:
            form = PersonForm(formdata=formdata)
    return render_template("enquiries/question.html", form=form, slug="household",
                           back=url_for("enquiry.question", slug="household"))


@bp.post("/enquiry/household/person/<int:index>/remove")
@limiter.limit(page_limit)
def remove_person(index):
    draft = load_draft()
    form = SubmitForm()
    if draft is None or not form.validate():
        return redirect(url_for("enquiry.question", slug="household"))
    operations.remove_household_person(draft, index)
    return redirect(url_for("enquiry.question", slug="household",
                            change=request.args.get("change")))


@bp.route("/enquiry/check-answers", methods=["GET", "POST"])
@limiter.limit(submit_limit, exempt_when=only_posts)
def check_answers():
    # Before anything else, so a bot gets "success" even with an unfinished (or no) draft.
    if request.method == "POST" and is_bot():
        return drop_bot_submission()
    draft = load_draft()
    if draft is None:
        return redirect(url_for("enquiry.question", slug=journey.PAGES[0].slug))
    missing = journey.first_incomplete(draft.answers)
    if missing:
        return redirect(url_for("enquiry.question", slug=missing))
    form = SubmitForm()
    if request.method == "POST" and form.validate():
        enquiry = operations.submit_enquiry(draft)
        session.pop(DRAFT_KEY, None)
        session["enquiry_reference"] = enquiry.reference
        session["enquiry_email"] = enquiry.email
        session["enquiry_pathway"] = enquiry.pathway
        return redirect(url_for("enquiry.confirmation"))
    return render_template("enquiries/check_answers.html", form=form,
                           sections=answer_sections(draft.answers))


@bp.get("/enquiry/confirmation")
def confirmation():
    reference = session.get("enquiry_reference")
    if not reference:
        return redirect(url_for("enquiry.start"))
    kinship = session.get("enquiry_pathway") == KINSHIP
    return render_template("enquiries/kinship_confirmation.html" if kinship
                           else "enquiries/confirmation.html", reference=reference,
                           email=session.get("enquiry_email"))
