"""Correcting a person's details with a reason, the history of changes, and disputes shown
wherever the disputed record is shown: the case page, the person's details, the applicant's
own pages and the assessment report PDF."""

import html
import io
import re
from datetime import date

from pypdf import PdfReader
from sqlalchemy import select

from carers.audit.models import AuditEvent
from carers.corrections.models import DetailChange
from carers.extensions import db
from carers.reports.document import report_pdf
from tests.factories import make_applicant, make_enquiry, make_household, make_staff, make_team
from tests.helpers import applicant_client, client_for
from tests.http.test_pipeline_views import errors, form_fields, parts, plain, text_of


def test_correcting_a_member_and_a_dispute_shown_everywhere(app):
    team = make_team()
    worker = make_staff("assessing_social_worker", team=team, name="Wendy Worker")
    household = make_household("mainstream", "stage2", team=team, workers=[worker])
    member = household.members[0]
    member.name, member.date_of_birth = "Alex Smyth", date(1984, 3, 2)
    db.session.commit()
    ref, member_id = household.reference, member.id
    client = client_for(app, worker)

    # No reason: the error summary, and what was typed kept.
    url = f"/staff/cases/{ref}/people/{member_id}/correct"
    fields = form_fields(client, url)
    typed = {"name": "Alex Smith", "date_of_birth": parts(date(1984, 2, 3)), "reason": ""}
    response = client.post(url, data={**fields, **typed})
    assert response.status_code == 200
    page = text_of(response)
    assert errors(page) == ["Give a reason for the correction"]
    assert 'value="Alex Smith"' in page
    # Nothing changed at all is refused too, with the reason in the summary.
    response = client.post(url, data={**fields, "name": "Alex Smyth",
                                      "date_of_birth": parts(date(1984, 3, 2)),
                                      "reason": "Checked"})
    assert errors(text_of(response)) == [
        "Change at least one of the details, or go back without saving."]

    response = client.post(url, data={**fields, **typed,
                                      "reason": "Spelling on their passport"})
    assert response.status_code == 302
    page = text_of(client.get(f"/staff/cases/{ref}/people/{member_id}/record"))
    history = plain(page[page.index("Changes to these details"):])
    assert "Full name Alex Smyth Alex Smith Wendy Worker Spelling on their passport" in history
    assert "Date of birth 2 March 1984 3 February 1984 Wendy Worker" in history
    changes = db.session.scalars(select(DetailChange).order_by(DetailChange.field)).all()
    assert [(c.field, c.household_id) for c in changes] == [
        ("date_of_birth", household.id), ("name", household.id)]
    # The audit entry names the fields, never their values.
    [entry] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "correct"))
    assert entry.detail["fields"] == ["date_of_birth", "name"]
    assert "Smith" not in str(entry.detail) and "Smyth" not in str(entry.detail)

    # A dispute about the member's details, then one about the report, resolved.
    url = f"/staff/cases/{ref}/disputes/new"
    fields = form_fields(client, url)
    response = client.post(url, data={**fields, "record": "", "disputed_by": "Alex Smith",
                                      "what": "", "account": "It is wrong"})
    assert errors(text_of(response)) == ["Select the record they dispute",
                                         "Enter what they dispute"]
    assert "It is wrong" in text_of(response)
    response = client.post(url, data={
        **fields, "record": f"member-{member_id}", "disputed_by": "Alex Smith",
        "what": "Their recorded place of work", "account": "I left that job in 2020."})
    assert response.status_code == 302
    client.post(url, data={
        **fields, "record": "report", "disputed_by": "Alex Smith",
        "what": "What the report says about their garden",
        "account": "The pond is fenced."})

    case_page = plain(text_of(client.get(f"/staff/cases/{ref}")))
    assert "Disputed by Alex Smith Disputed What they dispute Their recorded place of work " \
           "Their account I left that job in 2020." in case_page
    person_page = plain(text_of(client.get(f"/staff/cases/{ref}/people/{member_id}/record")))
    assert "I left that job in 2020." in person_page
    assert "The pond is fenced." not in person_page  # about the report, not this person

    pdf, _ = report_pdf(db.session.get(type(household), household.id))
    text = " ".join(re.sub(r"\s+", " ", p.extract_text())
                    for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Disputed by Alex Smith: Their recorded place of work" in text
    assert "Their account: I left that job in 2020." in text
    assert "Disputed by Alex Smith: What the report says about their garden" in text

    # The applicant sees the dispute about their details (the report is not shared yet).
    applicant = make_applicant(db.session.get(type(household), household.id))
    own = plain(text_of(applicant_client(app, applicant).get("/apply/details")))
    assert "Disputed by Alex Smith" in own and "I left that job in 2020." in own
    assert "The pond is fenced." not in own

    # Resolved: kept, with its outcome.
    page = text_of(client.get(f"/staff/cases/{ref}"))
    resolve = re.findall(r'href="(/staff/cases/[^"]+/resolve)"', page)[0]
    fields = form_fields(client, resolve)
    assert errors(text_of(client.post(resolve, data={**fields, "outcome": " "}))) == [
        "Enter the outcome"]
    assert client.post(resolve, data={**fields, "outcome": "Record corrected"}
                       ).status_code == 302
    case_page = plain(text_of(client.get(f"/staff/cases/{ref}")))
    assert "Resolved" in case_page and "Record corrected" in case_page
    assert "I left that job in 2020." in case_page


def test_correcting_an_enquirers_details(app):
    enquiry = make_enquiry()
    old_email = enquiry.email
    client = client_for(app, make_staff("recruitment_officer"))
    url = f"/staff/enquiries/{enquiry.reference}/correct"
    fields = form_fields(client, url)
    page = text_of(client.get(url))
    current = {name: re.search(rf'name="{name}" type="[a-z]+" value="([^"]*)"', page)
               for name in ("first_name", "last_name", "phone", "address_line_1", "town",
                            "postcode")}
    data = {**fields, **{k: html.unescape(m.group(1)) for k, m in current.items() if m},
            "date_of_birth": parts(enquiry.date_of_birth), "email": "not an email",
            "reason": "They gave a new address"}
    response = client.post(url, data=data)
    assert errors(text_of(response)) == [
        "Enter an email address in the correct format, like name@example.com"]
    assert 'value="not an email"' in text_of(response)
    response = client.post(url, data={**data, "email": "new.address@example.com"})
    assert response.status_code == 302, errors(text_of(response))
    page = plain(text_of(client.get(f"/staff/enquiries/{enquiry.reference}")))
    assert f"Email address {old_email} new.address@example.com" in page
    assert "They gave a new address" in page
    [change] = db.session.scalars(select(DetailChange)).all()
    assert (change.enquiry_id, change.field) == (enquiry.id, "email")
