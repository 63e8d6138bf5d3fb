"""The assessment report's checks table and references table say the same thing about every
referee: a reference received and interviewed, one declined (not taken up, and why), and one
still outstanding, row for row, in the HTML and in the PDF read back."""

import io
import re
from html import unescape

from pypdf import PdfReader

from carers.documents.pdf import render_pdf
from carers.extensions import db
from carers.reports.document import freeze_facts, report_html, thaw_facts
from tests.helpers import html_of
from tests.http.test_checks import (  # noqa: F401
    add_referee,
    checks_of,
    frozen,
    make_case,
    page,
)

DECLINED = "Declined: moving abroad and could not give the time"


def cells(html: str, caption: str) -> list[list[str]]:
    """The body rows of the report table with this caption, as the text of each cell."""
    table = re.search(rf"<caption>{caption}</caption>(.*?)</table>", html, re.S).group(1)
    body = table.split("<tbody>")[1]
    return [[" ".join(unescape(re.sub(r"<[^>]+>", " ", cell)).split())
             for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def build_case(client, forms, worker):
    household = make_case(worker)
    pat = add_referee(forms, household, "Pat Friend", "pat@example.org")
    db.session.refresh(household)
    lee = add_referee(forms, household, "Lee Neighbour", "lee@example.org")
    db.session.refresh(household)
    kim = add_referee(forms, household, "Kim Colleague", "kim@example.org")
    base = f"/staff/cases/{household.reference}"
    # Pat's written reference arrives on paper and Pat is interviewed.
    pat_check = checks_of(household)[f"reference:r{pat.id}"]
    response = forms.submit(f"{base}/checks/{pat_check.id}", {
        "requested_on": ["1", "2", "2027"], "requested_from": "Pat by post",
        "received_on": ["10", "2", "2027"], "expires_on": ["", "", ""], "notes": ""})
    assert response.status_code == 302, html_of(response)
    response = forms.submit(f"{base}/referees/{pat.id}/interview", {
        "interviewed_on": ["12", "2", "2027"], "notes": "Spoke for an hour."})
    assert response.status_code == 302
    # Lee was asked, then declined: the reference is not taken up, with the reason.
    lee_check = checks_of(household)[f"reference:r{lee.id}"]
    response = forms.submit(f"{base}/checks/{lee_check.id}", {
        "requested_on": ["3", "2", "2027"], "requested_from": "Lee by phone",
        "received_on": ["", "", ""], "expires_on": ["", "", ""], "notes": ""})
    assert response.status_code == 302
    db.session.refresh(household)
    response = forms.submit(f"{base}/referees/{lee.id}/withdraw", {
        "version": str(household.version), "reason": DECLINED},
        from_page=f"{base}/referees/{lee.id}")
    assert response.status_code == 302, html_of(response)
    detail = page(client, f"{base}/referees/{lee.id}")
    assert f"Not taken up: {DECLINED}" in unescape(detail)
    db.session.expire_all()  # the requests changed these rows in sessions of their own
    return household, (pat, lee, kim)


def test_the_checks_table_and_references_table_agree_row_for_row(client, forms, signed_in,
                                                                  frozen):  # noqa: F811
    worker = signed_in("assessing_social_worker")
    household, (pat, lee, kim) = build_case(client, forms, worker)
    expected = {
        "Pat Friend": "Received 10 February 2027, interviewed 12 February 2027",
        "Lee Neighbour": f"Not taken up: {DECLINED}",
        "Kim Colleague": "Outstanding",
    }

    html = report_html(household)
    checks = [row for row in cells(html, "Verification and statutory checks")
              if row[0].startswith("Personal reference: ")]
    references = cells(html, "Personal references")
    assert [row[0].removeprefix("Personal reference: ") for row in checks] == list(expected)
    assert [row[0] for row in references] == list(expected)
    for check_row, reference_row in zip(checks, references, strict=True):
        name = reference_row[0]
        assert check_row[2] == reference_row[2] == expected[name], name

    # A version signed off now prints the same from its frozen facts.
    facts = thaw_facts(freeze_facts(household))
    assert [c.standing for c in facts.checks if c.label.startswith("Personal reference")] == [
        r.standing for r in facts.referees] == list(expected.values())

    # And so does the PDF.
    pdf = render_pdf(html, title="Report", author=worker.name)
    text = " ".join(" ".join(page.extract_text() for page in
                             PdfReader(io.BytesIO(pdf)).pages).split())
    # The checks table (Section A, Part 2) and the references table (Section C).
    checks_part = text[text.index("Verification and statutory checks Check"):
                       text.index("Personal references Referee")]
    references_part = text[text.index("Personal references Referee"):]
    for name, standing in expected.items():
        assert re.search(rf"Personal reference: {name}.*?{re.escape(standing)}", checks_part,
                         re.S), name
        assert re.search(rf"{name} Friend {re.escape(standing)}", references_part), name
    order = [checks_part.index(f"Personal reference: {name}") for name in expected]
    assert order == sorted(order)
