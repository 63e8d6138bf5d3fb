from email.message import EmailMessage

from sqlalchemy import func, select

from carers.enquiries.models import Enquiry, EnquiryDraft
from carers.extensions import db
from carers.notifications.dispatch import send_due
from carers.notifications.models import OutboxMessage
from tests.http.journey import ABOUT_YOU, complete_journey


def body_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def test_start_page_explains_the_service_and_links_to_the_first_question(client):
    page = client.get("/").get_data(as_text=True)
    assert "Register your interest in fostering" in page
    assert 'href="/enquiry/about-you"' in page
    assert "within 1 working day" in page


def test_a_complete_enquiry_is_stored_and_both_emails_are_queued_with_it(client, forms):
    complete_journey(forms)
    check = client.get("/enquiry/check-answers").get_data(as_text=True)
    assert "O&#39;Brien" in check and "NM1 2AB" in check
    response = forms.submit("/enquiry/check-answers", {})
    assert response.headers["Location"].endswith("/enquiry/confirmation")

    enquiry = db.session.scalar(select(Enquiry))
    assert enquiry.first_name == "Siân" and enquiry.last_name == "O'Brien"
    assert enquiry.postcode == "NM1 2AB"
    assert enquiry.pathway == "mainstream"
    assert [p.name for p in enquiry.people] == ["Dafydd O'Brien"]
    assert enquiry.people[0].applying is True
    messages = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [m.to_address for m in messages] == ["sian.obrien@example.com",
                                                "fostering.team@example.gov.uk"]
    assert db.session.scalar(select(func.count(EnquiryDraft.id))) == 0

    confirmation = client.get("/enquiry/confirmation").get_data(as_text=True)
    assert enquiry.reference in confirmation
    assert "We will contact you within 1 working day" in confirmation


def test_outbox_send_delivers_both_emails_over_smtp(client, forms, mailbox, runner):
    complete_journey(forms)
    forms.submit("/enquiry/check-answers", {})
    reference = db.session.scalar(select(Enquiry.reference))

    result = runner.invoke(args=["outbox", "send"])
    assert "Sent 2" in result.output

    by_recipient = {m["To"]: m for m in mailbox.messages}
    confirmation = by_recipient["sian.obrien@example.com"]
    assert reference in confirmation["Subject"]
    assert "Dear Siân" in body_of(confirmation)
    assert "within 1 working day" in body_of(confirmation)
    alert = by_recipient["fostering.team@example.gov.uk"]
    assert reference in body_of(alert)
    assert "/staff/enquiries/" + reference in body_of(alert)
    # The team alert goes to a shared mailbox: it carries no name or contact details.
    assert "O'Brien" not in body_of(alert) and "07700" not in body_of(alert)

    # Sending again sends nothing more.
    assert send_due()["sent"] == 0
    assert len(mailbox.messages) == 2


def test_outbox_keeps_messages_when_the_mail_server_is_down(client, forms, app):
    complete_journey(forms)
    forms.submit("/enquiry/check-answers", {})
    app.config["MAIL_PORT"] = 1  # nothing listens there
    counts = send_due()
    assert counts["sent"] == 0
    statuses = set(db.session.scalars(select(OutboxMessage.status)))
    assert statuses == {"pending"}


def test_kinship_enquiry_is_routed_to_the_kinship_pathway(client, forms, mailbox, runner):
    complete_journey(forms, kinship=True)
    check = client.get("/enquiry/check-answers").get_data(as_text=True)
    assert "Mia O&#39;Brien" in check
    forms.submit("/enquiry/check-answers", {})
    enquiry = db.session.scalar(select(Enquiry))
    assert enquiry.pathway == "kinship"
    assert enquiry.child_name == "Mia O'Brien"
    runner.invoke(args=["outbox", "send"])
    alert = next(m for m in mailbox.messages if m["To"] == "fostering.team@example.gov.uk")
    assert "kinship" in alert["Subject"].lower()


def test_answers_survive_a_validation_error_and_a_refresh(client, forms):
    response = forms.submit("/enquiry/about-you", {**ABOUT_YOU, "date_of_birth": ["31", "2",
                                                                                   "1990"]})
    assert response.status_code == 200
    assert "Date of birth must be a real date" in response.get_data(as_text=True)
    # Refresh: the page comes back with everything typed, the wrong date included.
    again = client.get("/enquiry/about-you").get_data(as_text=True)
    assert 'value="Siân"' in again and 'value="O&#39;Brien"' in again
    assert 'value="31"' in again


def test_back_button_shows_saved_answers(client, forms):
    forms.submit("/enquiry/about-you", ABOUT_YOU)
    forms.submit("/enquiry/contact", {"email": "a@example.com", "phone": "01632 960 001",
                                      "preferred_contact": "email"})
    page = client.get("/enquiry/about-you").get_data(as_text=True)
    assert 'value="Siân"' in page
    assert 'href="/enquiry/about-you"' in client.get("/enquiry/contact").get_data(as_text=True)


def test_change_link_returns_to_check_answers(client, forms):
    complete_journey(forms)
    check = client.get("/enquiry/check-answers").get_data(as_text=True)
    assert 'href="/enquiry/home?change=1#bedrooms"' in check
    response = forms.submit("/enquiry/home?change=1", {
        "property_type": "flat", "tenure": "private_rent", "bedrooms": "3",
        "spare_bedrooms": "1", "has_pets": "no"})
    assert response.headers["Location"].endswith("/enquiry/check-answers")
    check = client.get("/enquiry/check-answers").get_data(as_text=True)
    assert "Flat or maisonette" in check


def test_changing_to_kinship_asks_about_the_child_before_check_answers(client, forms):
    complete_journey(forms)
    response = forms.submit("/enquiry/child?change=1", {"knows_child": "yes"})
    assert "/enquiry/child-details?change=1" in response.headers["Location"]


def test_check_answers_sends_an_unfinished_journey_to_the_first_missing_page(client, forms):
    forms.submit("/enquiry/about-you", ABOUT_YOU)
    response = client.get("/enquiry/check-answers")
    assert response.headers["Location"].endswith("/enquiry/contact")


def test_household_people_can_be_added_changed_and_removed(client, forms):
    forms.submit("/enquiry/household/person", {"name": "Ana", "relationship": "child",
                                               "age": "9", "applying": "no"})
    forms.submit("/enquiry/household/person", {"name": "Ben", "relationship": "lodger",
                                               "age": "30", "applying": "no"})
    page = client.get("/enquiry/household").get_data(as_text=True)
    assert "Ana" in page and "aged 9" in page and "Ben" in page
    forms.submit("/enquiry/household/person/0", {"name": "Ana", "relationship": "child",
                                                 "age": "10", "applying": "no"})
    assert "aged 10" in client.get("/enquiry/household").get_data(as_text=True)
    forms.submit("/enquiry/household/person/1/remove", {}, from_page="/enquiry/household")
    page = client.get("/enquiry/household").get_data(as_text=True)
    assert "Ben" not in page and "Ana" in page


def test_a_child_cannot_apply_to_foster(client, forms):
    response = forms.submit("/enquiry/household/person", {"name": "Ana", "relationship": "child",
                                                          "age": "16", "applying": "yes"})
    assert "Everyone applying to foster must be 18 or over" in response.get_data(as_text=True)
