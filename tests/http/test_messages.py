"""Messages between a household and its workers over HTTP: both sides write and read, unread
counts go up and down, emails say there is a message but never carry its text (in the outbox
and in the real SMTP mailbox), at most one email per recipient per household per hour, and
nobody reaches another household's thread."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from carers.audit.models import AuditEvent
from carers.extensions import db
from carers.messages.models import Message
from carers.notifications.dispatch import send_due
from carers.notifications.models import OutboxMessage
from tests.factories import make_applicant, make_household, make_member, make_staff, make_team
from tests.helpers import applicant_client, client_for, csrf_token, html_of

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
SECRET = "Our new address is 14 Larch Close and the code is 4471"
REPLY = "Thank you, we will visit on Tuesday at 10"


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def case(app):
    team = make_team()
    worker = make_staff("assessing_social_worker", name="Sam Worker", team=team)
    household = make_household(team=team, workers=[worker], name="Priya and Raj Shah")
    partner = make_member(household, name="Raj Shah", is_applicant=True)
    priya = make_applicant(household, email="priya@example.com")
    raj = make_applicant(household, partner, email="raj@example.com")
    return household, worker, priya, raj, team


def post_message(client, url, body):
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    return client.post(url, data={"csrf_token": csrf_token(html_of(page)), "body": body})


def nav_label(html):
    """The text of the applicants' navigation entry for their messages."""
    match = re.search(r'href="/apply/messages"[^>]*>(.*?)</a>', html, re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split()) if match else None


def outbox():
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_both_sides_write_and_read_with_unread_counts(app, case, frozen):
    household, worker, priya, raj, _ = case
    staff_url = f"/staff/cases/{household.reference}/messages"
    priya_browser, raj_browser = applicant_client(app, priya), applicant_client(app, raj)
    staff = client_for(app, worker)

    page = priya_browser.get("/apply/messages")
    assert page.status_code == 200
    assert "No messages yet" in html_of(page)
    assert nav_label(html_of(page)) == "Messages"
    assert 'data-module="govuk-character-count"' in html_of(page)

    sent = post_message(priya_browser, "/apply/messages", SECRET)
    assert sent.status_code == 302
    # The worker's case page counts it as unread; reading the thread clears the count.
    case_page = html_of(staff.get(f"/staff/cases/{household.reference}"))
    assert "Messages with the household" in case_page and "1 unread" in case_page
    assert re.search(r">\s*1 unread message\s*<", html_of(staff.get("/staff/my-work")))
    thread = html_of(staff.get(staff_url))
    assert SECRET in thread and "Priya" in thread
    assert "unread message" not in html_of(staff.get("/staff/my-work"))
    assert "1 unread" not in html_of(staff.get(f"/staff/cases/{household.reference}"))
    # The staff reading is in the audit trail.
    assert db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "view", AuditEvent.object_type == "message_thread",
        AuditEvent.user_id == worker.id)) is not None

    # Raj, the other applicant, sees Priya's message as unread; she does not (it is hers).
    frozen.shift(60)
    assert post_message(staff, staff_url, REPLY).status_code == 302
    frozen.shift(60)
    assert post_message(staff, staff_url, "And please bring photo ID").status_code == 302
    priya_home = html_of(priya_browser.get("/apply/application"))
    assert nav_label(priya_home) == "Messages (2 unread)"
    raj_page = html_of(raj_browser.get("/apply/application"))
    assert nav_label(raj_page) == "Messages (3 unread)"
    # Reading the thread: newest last, marked new, and the count goes back to none.
    read = html_of(priya_browser.get("/apply/messages"))
    assert read.index(SECRET) < read.index(REPLY) < read.index("please bring photo ID")
    assert read.count("govuk-tag--blue") == 2  # the two replies are new to her
    assert nav_label(read) == "Messages"
    assert nav_label(html_of(priya_browser.get("/apply/application"))) == "Messages"
    assert nav_label(html_of(raj_browser.get("/apply/application"))) == "Messages (3 unread)"
    authors = [(m.author_applicant_id, m.author_user_id) for m in db.session.scalars(
        select(Message).order_by(Message.id))]
    assert authors == [(priya.id, None), (None, worker.id), (None, worker.id)]


def test_emails_say_there_is_a_message_never_what_it_says(app, case, frozen, mailbox):
    household, worker, priya, raj, _ = case
    staff_url = f"/staff/cases/{household.reference}/messages"
    priya_browser = applicant_client(app, priya)
    staff = client_for(app, worker)

    post_message(priya_browser, "/apply/messages", SECRET)
    [to_worker] = outbox()
    assert to_worker.to_address == worker.email
    assert household.reference in to_worker.subject
    assert f"http://localhost{staff_url}" in to_worker.body_text or staff_url in to_worker.body_text
    post_message(staff, staff_url, REPLY)
    emails = outbox()[1:]
    assert sorted(m.to_address for m in emails) == ["priya@example.com", "raj@example.com"]
    for message in emails:
        assert "You have a new message about your application, sign in to read it" in \
            message.body_text
        assert "/apply/sign-in" in message.body_text
    for message in outbox():
        for part in (message.subject, message.body_text, message.body_html):
            assert SECRET not in part and REPLY not in part
            assert "Larch" not in part and "Tuesday" not in part

    send_due(limit=100)
    assert len(mailbox.messages) == 3
    for email in mailbox.messages:
        raw = email.as_string()
        assert "Larch" not in raw and "Tuesday" not in raw and "4471" not in raw
        for part in email.walk():
            if part.get_content_maintype() == "text":
                text = part.get_content()
                assert SECRET not in text and REPLY not in text
    to_priya = next(m for m in mailbox.messages if m["To"] == "priya@example.com")
    assert "sign in to read it" in to_priya.get_body(("plain",)).get_content()


def test_at_most_one_email_per_recipient_per_household_per_hour(app, case, frozen):
    household, worker, priya, raj, team = case
    other = make_household(team=team, workers=[worker])
    other_applicant = make_applicant(other, email="other@example.com")
    priya_browser = applicant_client(app, priya)
    for n in range(3):
        assert post_message(priya_browser, "/apply/messages", f"Question {n}").status_code == 302
        frozen.shift(timedelta(minutes=10))
    # Another household's message is another thread: the worker hears of it too.
    assert post_message(applicant_client(app, other_applicant), "/apply/messages",
                        "Hello").status_code == 302
    assert [m.to_address for m in outbox()] == [worker.email, worker.email]
    # An hour after the first email, the next message sends another.
    frozen.shift(timedelta(minutes=31))
    post_message(applicant_client(app, priya), "/apply/messages", "One more thing")
    assert [m.to_address for m in outbox()] == [worker.email] * 3
    assert db.session.scalar(select(db.func.count(Message.id))) == 5


def test_an_applicant_reaches_only_their_own_households_thread(app, case, frozen):
    household, worker, priya, raj, team = case
    other = make_household(team=team, workers=[worker], name="The Other Family")
    stranger = make_applicant(other, email="stranger@example.com")
    post_message(applicant_client(app, priya), "/apply/messages", SECRET)
    browser = applicant_client(app, stranger)
    page = html_of(browser.get("/apply/messages"))
    assert SECRET not in page
    # Ids in the query string or the form are not read: nothing reaches Priya's thread.
    for query in (f"?household_id={household.id}", f"?reference={household.reference}",
                  f"?applicant_id={priya.id}"):
        assert SECRET not in html_of(browser.get(f"/apply/messages{query}"))
    token = csrf_token(page)
    response = browser.post("/apply/messages", data={
        "csrf_token": token, "body": "Sneaky", "household_id": household.id,
        "reference": household.reference, "author_applicant_id": priya.id})
    assert response.status_code == 302
    sneaky = db.session.scalar(select(Message).where(Message.body == "Sneaky"))
    assert sneaky.household_id == other.id and sneaky.author_applicant_id == stranger.id
    assert "Sneaky" not in html_of(applicant_client(app, priya).get("/apply/messages"))
    # The staff thread is for staff: an applicant is refused it, whatever the reference.
    for ref in (household.reference, other.reference):
        assert browser.get(f"/staff/cases/{ref}/messages").status_code in (302, 403)
        refused = browser.post(f"/staff/cases/{ref}/messages",
                               data={"csrf_token": token, "body": "x"})
        assert refused.status_code in (302, 403)
    assert db.session.scalar(select(db.func.count(Message.id))) == 2
    # Nobody signed in is sent to sign in.
    anonymous = app.test_client()
    assert anonymous.get("/apply/messages").status_code == 302
    assert "/apply/sign-in" in anonymous.get("/apply/messages").headers["Location"]


def test_staff_without_access_are_refused(app, case, frozen):
    household, worker, priya, raj, team = case
    post_message(applicant_client(app, priya), "/apply/messages", SECRET)
    url = f"/staff/cases/{household.reference}/messages"
    outsider = client_for(app, make_staff("assessing_social_worker", team=make_team()))
    page = outsider.get(url)
    assert page.status_code == 403 and SECRET not in html_of(page)
    panel = client_for(app, make_staff("panel_member"))
    assert panel.get(url).status_code == 403
    # A colleague in the team reads the thread but may not write in it.
    colleague = client_for(app, make_staff("assessing_social_worker", team=team))
    reading = colleague.get(url)
    assert reading.status_code == 200 and SECRET in html_of(reading)
    assert "their team manager can write to the household" in html_of(reading)
    refused = colleague.post(url, data={"csrf_token": csrf_token(html_of(reading)),
                                        "body": "From a colleague"})
    assert refused.status_code == 403
    # The team manager may write.
    manager = client_for(app, make_staff("team_manager", team=team))
    assert post_message(manager, url, "From the manager").status_code == 302
    assert db.session.scalar(select(db.func.count(Message.id))) == 2


def test_a_message_that_is_empty_or_too_long_is_refused_and_kept(app, case, frozen):
    household, worker, priya, raj, _ = case
    browser = applicant_client(app, priya)
    empty = post_message(browser, "/apply/messages", "   ")
    assert empty.status_code == 200
    assert "There is a problem" in html_of(empty) and "Enter your message" in html_of(empty)
    assert html_of(empty).count("<title>Error: ") == 1
    long = "word " * 1001
    too_long = post_message(browser, "/apply/messages", long)
    assert "Your message must be 5,000 characters or fewer" in html_of(too_long)
    assert long.strip() in html_of(too_long)
    staff = client_for(app, worker)
    staff_empty = post_message(staff, f"/staff/cases/{household.reference}/messages", "")
    assert staff_empty.status_code == 200 and "Enter your message" in html_of(staff_empty)
    assert db.session.scalar(select(db.func.count(Message.id))) == 0
