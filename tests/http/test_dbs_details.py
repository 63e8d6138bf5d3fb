"""Recording an enhanced DBS check: the certificate's number, date of issue and DBS Update
Service status, shown on the checks page, the check's page and in the assessment report; and
no DBS check recorded for someone whose date of birth the case does not hold."""

import re
from datetime import date

import pytest

from carers.checks.models import Check
from carers.core.dates import utcnow
from carers.extensions import db
from carers.reports.document import freeze_facts, report_body_html, thaw_facts
from carers.reports.models import AssessmentReport
from tests.helpers import html_of
from tests.http.test_bad_input import assert_error_page, summary_messages
from tests.http.test_checks import checks_of, frozen, make_case, page  # noqa: F401

BLANK = {"requested_on": ["", "", ""], "requested_from": "", "received_on": ["", "", ""],
         "expires_on": ["", "", ""], "notes": "", "dbs_certificate_number": "",
         "dbs_issued_on": ["", "", ""], "dbs_update_service": "",
         "dbs_update_checked_on": ["", "", ""]}
RECEIVED = {**BLANK, "requested_on": ["4", "1", "2027"], "requested_from": "DBS",
            "received_on": ["10", "2", "2027"], "outcome": "clear",
            "dbs_certificate_number": "0012 3456 7890", "dbs_issued_on": ["8", "2", "2027"],
            "dbs_update_service": "yes", "dbs_update_checked_on": ["20", "2", "2027"]}


def dbs_of(household, member) -> Check:
    return checks_of(household)[f"dbs:p{member.id}"]


@pytest.fixture
def case(client, signed_in, frozen):  # noqa: F811
    worker = signed_in("assessing_social_worker")
    household = make_case(worker, people=[("Sam Smith", "partner", None)])
    page(client, f"/staff/cases/{household.reference}/checks")
    return household


def test_the_certificate_is_recorded_and_shown_on_the_checks_page_and_report(
        client, forms, case):
    applicant = case.members[0]
    dbs = dbs_of(case, applicant)
    url = f"/staff/cases/{case.reference}/checks/{dbs.id}"
    form_page = page(client, url)
    for label in ("Certificate number", "Date of issue", "Do they use the DBS Update Service?",
                  "Date their status was last checked online (optional)"):
        assert label in form_page, label
    response = forms.submit(url, RECEIVED)
    assert response.status_code == 302, html_of(response)
    db.session.refresh(dbs)
    assert (dbs.dbs_certificate_number, dbs.dbs_issued_on, dbs.dbs_update_service,
            dbs.dbs_update_checked_on) == ("001234567890", date(2027, 2, 8), True,
                                           date(2027, 2, 20))
    ledger = page(client, f"/staff/cases/{case.reference}/checks")
    assert ("Certificate 001234567890, issued 8 February 2027. Update Service: yes, checked "
            "20 February 2027") in ledger
    again = page(client, url)  # the form shows what is stored
    assert 'value="001234567890"' in again
    assert re.search(r'value="yes"\s+checked', again) or 'value="yes" checked' in again

    text = " ".join(re.sub(r"<[^>]+>", " ", report_body_html(case)).split())
    assert ("Enhanced DBS with children's barred list: Jo Bloggs Certificate 001234567890, "
            "issued 8 February 2027; Update Service: yes") in text.replace("&#39;", "'")


def test_a_received_certificate_needs_its_details(client, forms, case):
    dbs = dbs_of(case, case.members[0])
    response = forms.submit(f"/staff/cases/{case.reference}/checks/{dbs.id}", {
        **BLANK, "received_on": ["10", "2", "2027"]})
    html = assert_error_page(response)
    assert {"Enter the certificate number", "Enter the certificate's date of issue",
            "Select yes if they use the DBS Update Service"} <= set(
        m.replace("&#39;", "'") for m in summary_messages(html))
    db.session.refresh(dbs)
    assert dbs.received_on is None


@pytest.mark.parametrize(("data", "message"), [
    ({"dbs_certificate_number": "12345"},
     "Certificate number must be 12 digits, like 001234567890"),
    ({"dbs_certificate_number": "00123456789O"},
     "Certificate number must only include numbers 0 to 9"),
    ({"dbs_issued_on": ["2", "3", "2027"]}, "Date of issue must be today or in the past"),
    ({"dbs_issued_on": ["3", "1", "2027"]},
     "Date of issue must be on or after the date requested"),
    ({"dbs_issued_on": ["30", "2", "2027"]}, "Date of issue must be a real date"),
    ({"dbs_update_service": "maybe"}, "Select one of the options"),
])
def test_bad_certificate_details_get_a_govuk_error_and_keep_what_was_typed(
        client, forms, case, data, message):
    dbs = dbs_of(case, case.members[0])
    response = forms.submit(f"/staff/cases/{case.reference}/checks/{dbs.id}",
                            {**RECEIVED, **data})
    html = assert_error_page(response)
    assert message in html
    assert 'value="DBS"' in html  # what was typed is kept
    db.session.refresh(dbs)
    assert dbs.received_on is None and dbs.dbs_certificate_number is None


def test_no_dbs_check_is_recorded_without_the_persons_date_of_birth(client, forms, case):
    sam = case.members[1]
    assert sam.date_of_birth is None
    dbs = dbs_of(case, sam)
    url = f"/staff/cases/{case.reference}/checks/{dbs.id}"
    for data in ({**BLANK, "requested_on": ["4", "1", "2027"], "requested_from": "DBS online"},
                 {**RECEIVED, "requested_from": "DBS online"}):
        response = forms.submit(url, data)
        assert response.status_code == 200
        html = html_of(response)
        message = ("Enter Sam Smith&#39;s date of birth on the household page before "
                   "recording their DBS check")
        summary = html.split('govuk-error-summary__list')[1].split("</ul>")[0]
        person_url = f"/staff/cases/{case.reference}/people/{sam.id}#date_of_birth-day"
        assert f'<a href="{person_url}">{message}</a>' in summary
        assert 'value="DBS online"' in html  # what was typed is kept
        db.session.refresh(dbs)
        assert dbs.requested_on is None and dbs.received_on is None
    # The link leads to the date of birth, and once it is entered the check records.
    assert 'id="date_of_birth-day"' in page(client, person_url.split("#")[0])
    sam.date_of_birth = date(1984, 6, 1)
    db.session.commit()
    response = forms.submit(url, RECEIVED)
    assert response.status_code == 302, html_of(response)
    db.session.refresh(dbs)
    assert dbs.received_on == date(2027, 2, 10)


def test_reports_signed_off_before_the_certificate_was_kept_still_print(client, forms, case):
    response = forms.submit(
        f"/staff/cases/{case.reference}/checks/{dbs_of(case, case.members[0]).id}", RECEIVED)
    assert response.status_code == 302
    db.session.refresh(case)
    frozen_facts = freeze_facts(case)
    assert any(row["dbs_certificate_number"] == "001234567890"
               for row in frozen_facts["checks"])
    for row in frozen_facts["checks"]:  # as a version signed off before kept them
        for key in ("standing", "dbs_certificate_number", "dbs_issued_on",
                    "dbs_update_service"):
            row.pop(key)
    old = AssessmentReport(household_id=case.id, number=1, form="form_f", facts=frozen_facts,
                           signed_off_at=utcnow())
    db.session.add(old)
    db.session.commit()
    assert not hasattr(thaw_facts(old.facts).checks[0], "dbs_certificate_number")
    html = report_body_html(case, report=old)
    assert "Enhanced DBS" in html and "001234567890" not in html
