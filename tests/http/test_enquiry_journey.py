from datetime import date
from email.message import EmailMessage

from sqlalchemy import func, select

from carers.enquiries.models import Enquiry, EnquiryDraft
from carers.extensions import db
from carers.notifications.dispatch import send_due
from carers.notifications.models import OutboxMessage
from tests.factories import make_team
from tests.http.journey import (
    ABOUT_YOU,
    ADDRESS,
    CHILD_LIVING,
    CONSENT,
    CONTACT,
    HEARD,
    HOME,
    complete_journey,
)


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


def test_a_grandmother_gets_kinship_questions_and_a_kinship_reply(client, forms, mailbox,
                                                                 runner):
    make_team("Recruitment")
    make_team("Kinship")
    result = runner.invoke(args=["teams", "inbox", "Kinship", "--pathway", "connected_person",
                                 "--email", "kinship@example.gov.uk"])
    assert "alerts go to kinship@example.gov.uk" in result.output, result.output
    refused = runner.invoke(args=["teams", "inbox", "Nobody", "--pathway", "mainstream"])
    assert refused.exit_code != 0 and "There is no team called 'Nobody'" in refused.output
    for url, data in [("/enquiry/about-you", ABOUT_YOU), ("/enquiry/contact", CONTACT),
                      ("/enquiry/address", ADDRESS), ("/enquiry/household", {"add_person": "no"}),
                      ("/enquiry/home", HOME)]:
        assert forms.submit(url, data).status_code == 302, url
    # Caring for a child she knows: asked about the child, never about kinds of fostering.
    after = forms.submit("/enquiry/child", {"knows_child": "yes"})
    assert after.headers["Location"].endswith("/enquiry/child-details")
    after = forms.submit("/enquiry/child-details", {"child_name": "Mia O'Brien",
                                                    "child_relationship": "grandparent"})
    assert after.headers["Location"].endswith("/enquiry/child-living")
    page = client.get("/enquiry/child-living").get_data(as_text=True)
    for question in ("Is the child living with you now?",
                     "When did they come to live with you?", "How old is the child?",
                     "Which council is involved with the child?"):
        assert question in page
    missing_date = forms.submit("/enquiry/child-living", {**CHILD_LIVING, "living_since": ""})
    assert missing_date.status_code == 200
    assert "Enter the date they came to live with you" in missing_date.get_data(as_text=True)
    assert 'value="Northmoor Council"' in missing_date.get_data(as_text=True)
    after = forms.submit("/enquiry/child-living", CHILD_LIVING)
    assert after.headers["Location"].endswith("/enquiry/heard")
    forms.submit("/enquiry/heard", HEARD)
    forms.submit("/enquiry/consent", CONSENT)
    check = client.get("/enquiry/check-answers").get_data(as_text=True)
    assert "Kinds of fostering" not in check
    assert "Yes, since 2 November 2026" in check and "Northmoor Council" in check

    confirmation = forms.submit("/enquiry/check-answers", {}, follow=True)
    page = confirmation.get_data(as_text=True)
    assert "viability assessment" in page and "regulation 24" in page
    assert "The child's social worker" in page
    enquiry = db.session.scalar(select(Enquiry))
    assert (enquiry.pathway, enquiry.fostering_types) == ("kinship", [])
    assert (enquiry.child_lives_with_enquirer, enquiry.child_living_since, enquiry.child_age,
            enquiry.child_council) == (True, date(2026, 11, 2), 6, "Northmoor Council")

    runner.invoke(args=["outbox", "send"])
    by_recipient = {m["To"]: m for m in mailbox.messages}
    assert set(by_recipient) == {"sian.obrien@example.com", "kinship@example.gov.uk"}
    reply = body_of(by_recipient["sian.obrien@example.com"])
    assert "caring for Mia O'Brien" in reply
    for words in ("viability assessment", "temporary approval under regulation 24",
                  "The child's social worker"):
        assert words in reply
    assert "kinship" in by_recipient["kinship@example.gov.uk"]["Subject"].lower()


def test_a_mainstream_enquirer_is_still_asked_about_kinds_of_fostering(client, forms):
    complete_journey(forms)
    check = client.get("/enquiry/check-answers").get_data(as_text=True)
    assert "Kinds of fostering" in check and "Short-term" in check
    assert forms.submit("/enquiry/child", {"knows_child": "no"}).headers[
        "Location"].endswith("/enquiry/fostering")


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


def test_the_kinship_team_sees_kinship_enquiries_in_its_inbox(client):
    from tests.factories import make_enquiry, make_staff, make_team
    from tests.helpers import sign_in

    kinship_team = make_team("Kinship")
    kinship_team.pathway = "connected_person"
    db.session.commit()
    grandmother = make_enquiry(pathway="kinship", first_name="Grace")
    couple = make_enquiry(first_name="Priya")
    sign_in(client, make_staff("team_manager", team=kinship_team))
    inbox = client.get("/staff/enquiries/").get_data(as_text=True)
    assert grandmother.reference in inbox and couple.reference not in inbox
    everything = client.get("/staff/enquiries/?pathway=all").get_data(as_text=True)
    assert grandmother.reference in everything and couple.reference in everything
    fostering = client.get("/staff/enquiries/?pathway=mainstream").get_data(as_text=True)
    assert grandmother.reference not in fostering and couple.reference in fostering
