"""A household's messages: the applicants' page in their portal, and the thread on the staff
case. Reading the page marks the thread read for whoever reads it."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from carers.applicants.sessions import current_applicant
from carers.cases.access import can_change
from carers.cases.queries import get_case
from carers.messages import operations, queries, rules
from carers.messages.forms import MessageForm

bp = Blueprint("messages", __name__)


def _page(template: str, household, reader, form: MessageForm, **context):
    """The thread, marked read up to its latest message before the page is made (so the
    navigation's unread count is right on the page itself); messages the reader had not
    seen yet are marked new."""
    previously_read = queries.last_read(household.id, reader)
    operations.read_thread(household, reader, queries.latest_id(household.id))
    messages, total = queries.thread(household.id)
    author = "author_applicant_id" if getattr(reader, "is_applicant", False) else \
        "author_user_id"
    mine = {m.id for m in messages if getattr(m, author) == reader.id}
    return render_template(template, household=household, form=form, messages=messages,
                           total=total, previously_read=previously_read, mine=mine,
                           max_chars=rules.MAX_MESSAGE_CHARS, **context)


# --- the applicants' page ---

@bp.get("/apply/messages")
def thread():
    person = current_applicant()
    return _page("messages/thread.html", person.household, person, MessageForm(formdata=None),
                 person=person)


@bp.post("/apply/messages")
def send():
    person = current_applicant()
    form = MessageForm()
    if not form.validate():
        return _page("messages/thread.html", person.household, person, form, person=person)
    operations.send(person.household, person, form.body.data)
    flash("Your message has been sent")
    return redirect(url_for("messages.thread", _anchor="latest"))


def navigation_label(person) -> str:
    """The applicants' navigation entry, with their unread count."""
    return rules.unread_label("Messages", queries.unread_count(person.household_id, person))


# --- the staff case's thread ---

@bp.get("/staff/cases/<reference>/messages")
def staff_thread(reference):
    household = get_case(reference)
    return _page("messages/staff_thread.html", household, current_user,
                 MessageForm(formdata=None), can_write=can_change(current_user, household))


@bp.post("/staff/cases/<reference>/messages")
def staff_send(reference):
    household = get_case(reference)
    form = MessageForm()
    if not form.validate():
        return _page("messages/staff_thread.html", household, current_user, form,
                     can_write=True)
    operations.send(household, current_user, form.body.data)
    flash("Message sent to the household")
    return redirect(url_for("messages.staff_thread", reference=reference, _anchor="latest"))


def case_section(household, user):
    """The messages' section of the staff case page: the link and the reader's unread
    count."""
    return "messages/_case_section.html", {
        "unread": queries.unread_count(household.id, user)}


def case_list_notes(household_ids, user) -> dict[int, str]:
    """"2 unread messages" beside each of a page of cases on My work."""
    return {household_id: f"{count} unread message{'s' if count != 1 else ''}"
            for household_id, count in queries.unread_by_case(household_ids, user).items()}
