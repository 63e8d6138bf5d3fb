"""Rules on what may be stored: no blank names, no zero quorum or link period, real team email
addresses, no duplicate choices, BFPO addresses accepted, and no bidirectional controls in
names or file names."""

from io import BytesIO

import pytest
from sqlalchemy import select

from carers.auth.models import User
from carers.checks.models import CheckDocument
from carers.enquiries.forms import AddressForm, normalise_postcode
from carers.enquiries.models import EnquiryDraft
from carers.extensions import db
from carers.settings.registry import load_settings
from tests.factories import make_staff
from tests.helpers import isolated_client, post_form, sign_in
from tests.http.journey import ABOUT_YOU, ADDRESS
from tests.http.test_checks import PDF, checks_of, make_case
from tests.http.test_settings import all_settings


def draft() -> EnquiryDraft:
    db.session.expire_all()
    return db.session.scalars(select(EnquiryDraft)).one()


@pytest.mark.parametrize("changes, message", [
    ({"agency_name": "   "}, "Enter agency name"),
    ({"team_email": "a@b"}, "Enter fostering team email in the correct format"),
    ({"panel_quorum_members": "0"}, "must be between 1 and 1000"),
    ({"reference_link_days": "0"}, "must be between 1 and 1000"),
])
def test_settings_refuse_blank_names_zero_periods_and_unreal_email(client, forms, signed_in,
                                                                   changes, message):
    signed_in("administrator")
    before = load_settings()
    response = forms.submit("/staff/admin/settings", all_settings(**changes))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "govuk-error-summary" in html
    assert message in html
    db.session.expire_all()
    assert load_settings() == before


def test_a_staff_name_of_only_spaces_is_refused(app):
    client = isolated_client(app)
    sign_in(client, make_staff("administrator"))
    response = post_form(client, "/staff/admin/staff/invite", {
        "name": "    ", "email": "new.person@example.gov.uk", "roles": ["recruitment_officer"]})
    assert "Enter their full name" in response.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.email == "new.person@example.gov.uk")) \
        is None


def test_a_fostering_type_sent_twice_is_kept_once(forms):
    response = forms.submit("/enquiry/fostering",
                            {"fostering_types": ["short_term", "short_term", "long_term"]})
    assert response.status_code == 302
    assert draft().answers["fostering"]["fostering_types"] == ["short_term", "long_term"]


@pytest.mark.parametrize("typed", ["BFPO 123", "bfpo123", " BFPO  7 ", "BFPO 1234"])
def test_a_forces_bfpo_address_is_accepted_in_the_enquiry(forms, typed):
    response = forms.submit("/enquiry/address", {**ADDRESS, "postcode": typed})
    assert response.status_code == 302, response.get_data(as_text=True)
    stored = draft().answers["address"]["postcode"]
    assert stored == "BFPO " + typed.upper().replace("BFPO", "").strip()


def test_bfpo_is_accepted_wherever_postcodes_are_checked(app):
    with app.test_request_context(method="POST", data={**ADDRESS, "postcode": "bfpo 45"}):
        form = AddressForm(meta={"csrf": False})
        form.validate()
        assert form.postcode.errors == [] and form.postcode.data == "BFPO 45"
    assert normalise_postcode("BFPO12345") == "BFPO12345"  # 5 digits: not a BFPO number


def test_right_to_left_overrides_are_removed_from_names(forms):
    response = forms.submit("/enquiry/about-you",
                            {**ABOUT_YOU, "first_name": "Si\u202ean\u2066",
                             "last_name": "\u200fO'Brien\u202c"})
    assert response.status_code == 302
    answers = draft().answers["about-you"]
    assert answers["first_name"] == "Sian" and answers["last_name"] == "O'Brien"


def test_right_to_left_overrides_are_removed_from_uploaded_file_names(client, forms,
                                                                       signed_in):
    worker = signed_in("assessing_social_worker")
    household = make_case(worker)
    client.get(f"/staff/cases/{household.reference}/checks")
    dbs = checks_of(household)[f"dbs:p{household.members[0].id}"]
    check_url = f"/staff/cases/{household.reference}/checks/{dbs.id}"
    response = forms.submit(f"{check_url}/documents",
                            {"document": (BytesIO(PDF), "invoice\u202efdp.exe\u202c.pdf")},
                            from_page=check_url)
    assert response.status_code == 302
    document = db.session.scalars(select(CheckDocument)).one()
    assert document.file_name == "invoicefdp.exe.pdf"
