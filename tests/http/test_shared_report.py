"""The assessment report shared with the applicants: the worker shares the current version,
the applicants read it in their own pages (their household's shared version only, without
their referees' words), the comments clock (10 working days from sharing) shows on both
sides, and the comments they send become the report's own section, in the editor and in the
PDF read back. Nothing is shown before the report is shared."""

import io
import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from pypdf import PdfReader
from sqlalchemy import select

from carers.applicants.models import Applicant
from carers.cases.models import CaseEvent
from carers.checks.models import ReferenceResponse
from carers.extensions import db
from carers.notifications.models import OutboxMessage
from carers.reports.document import latest_report
from carers.reports.models import AssessmentReport
from carers.reports.sample import PARAGRAPH, assessed_household
from tests.factories import make_applicant, make_staff, make_team
from tests.helpers import applicant_client, client_for, csrf_token, html_of

# A Friday: ten working days on is Friday 19 March 2027 (no bank holiday between).
NOW = datetime(2027, 3, 5, 10, 0, tzinfo=UTC)
REFEREE_WORDS = "Once shouted at a neighbour's child over a football"


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def case(app):
    team = make_team()
    worker = make_staff("assessing_social_worker", name="Sam Worker", team=team)
    household = assessed_household(worker, team=team, narrative="We found the Taylors warm.")
    response = db.session.scalars(select(ReferenceResponse)).first()
    response.observations = REFEREE_WORDS
    response.has_concerns = True
    db.session.commit()
    alex, sam = [m for m in household.members if m.is_applicant]
    return (household, worker, make_applicant(household, alex, email="alex@example.com"),
            make_applicant(household, sam, email="sam@example.com"))


def editor(household):
    return f"/staff/cases/{household.reference}/report"


def share(client, household):
    page = client.get(editor(household))
    return client.post(f"{editor(household)}/share",
                       data={"csrf_token": csrf_token(html_of(page))})


def post_comments(client, text, button="save_draft", version=None):
    page = html_of(client.get("/apply/report"))
    if version is None:
        version = re.search(r'name="version" type="hidden" value="(\d+)"|'
                            r'type="hidden" name="version" value="(\d+)"', page)
        version = version.group(1) or version.group(2)
    return client.post("/apply/report", data={"csrf_token": csrf_token(page), "comments": text,
                                              "version": version, button: "x"})


def nav(html):
    return "Your assessment report" in html and 'href="/apply/report"' in html


def test_nothing_is_shown_before_the_report_is_shared(app, case, frozen):
    household, worker, alex, sam = case
    browser = applicant_client(app, alex)
    assert browser.get("/apply/report").status_code == 403
    assert browser.post("/apply/report", data={"comments": "x"}).status_code == 403
    assert not nav(html_of(browser.get("/apply/messages")))
    # Recorded as shared on paper is not shared in the portal.
    report = latest_report(household)
    report.shared_on = date(2027, 3, 1)
    db.session.commit()
    assert browser.get("/apply/report").status_code == 403


def test_the_worker_shares_and_the_applicants_read_their_own_version(app, case, frozen):
    household, worker, alex, sam = case
    staff = client_for(app, worker)
    shared = share(staff, household)
    assert shared.status_code == 302
    page = html_of(staff.get(editor(household)))
    assert "Applicants&#39; comments due 19 March 2027" in page or \
        "Applicants' comments due 19 March 2027" in page

    # The applicants are emailed that it is ready, with nothing of the report in the email.
    emails = list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
    assert sorted(m.to_address for m in emails) == ["alex@example.com", "sam@example.com"]
    for email in emails:
        assert email.subject == "Your assessment report is ready to read"
        assert "/apply/report" in email.body_text and "19 March 2027" in email.body_text
        assert "Taylors warm" not in email.body_text + email.body_html
    events = [e.summary for e in db.session.scalars(
        select(CaseEvent).where(CaseEvent.household_id == household.id))]
    assert any("shared with the applicants" in e and "19 March 2027" in e for e in events)

    browser = applicant_client(app, alex)
    read = browser.get("/apply/report")
    assert read.status_code == 200
    html = html_of(read)
    assert nav(html)
    assert "Please send your comments by 19 March 2027" in html
    assert "We found the Taylors warm." in html and "Alex and Sam Taylor" in html
    assert "Pat Friend" in html  # their referee's name, which they gave us
    assert REFEREE_WORDS not in html and "shouted" not in html
    assert "Concerns" not in html and "PDF" not in html
    assert PARAGRAPH not in html

    # What the worker writes after sharing is not what the applicants read.
    report = latest_report(household)
    report.section("lifestyle").body = "Written after sharing."
    db.session.commit()
    assert "Written after sharing." not in html_of(browser.get("/apply/report"))
    assert "We found the Taylors warm." in html_of(applicant_client(app, sam).get("/apply/report"))


def test_each_household_reads_only_its_own_report(app, case, frozen):
    household, worker, alex, sam = case
    other = assessed_household(worker, team=None, name="Chris and Dee Lowe",
                               narrative="The Lowes keep bees.")
    lowe = make_applicant(other, email="lowe@example.com")
    adult = make_applicant(household, role=Applicant.ADULT, email="adult@example.com")
    staff = client_for(app, worker)
    share(staff, household)
    lowe_browser = applicant_client(app, lowe)
    assert lowe_browser.get("/apply/report").status_code == 403  # theirs is not shared
    for query in (f"?household_id={household.id}", f"?reference={household.reference}",
                  f"?report_id={latest_report(household).id}"):
        assert lowe_browser.get(f"/apply/report{query}").status_code == 403
    share(staff, other)
    page = html_of(lowe_browser.get("/apply/report"))
    assert "The Lowes keep bees." in page and "Taylors warm" not in page
    # Another adult of the household is not an applicant: no report for them.
    adult_browser = applicant_client(app, adult)
    assert adult_browser.get("/apply/report").status_code == 403
    assert not nav(html_of(adult_browser.get("/apply/messages")))
    # Staff and strangers do not reach the applicants' page; applicants not the staff share.
    assert staff.get("/apply/report").status_code == 302
    refused = applicant_client(app, alex).post(f"{editor(household)}/share", data={})
    assert refused.status_code in (302, 403)


def test_comments_saved_then_sent_go_into_the_report_and_its_pdf(app, case, frozen):
    household, worker, alex, sam = case
    staff = client_for(app, worker)
    share(staff, household)

    frozen.shift(timedelta(days=3))  # Monday 8 March: they sign in again
    alex_browser, sam_browser = applicant_client(app, alex), applicant_client(app, sam)
    # Sending nothing is refused with a GOV.UK error, and nothing is saved.
    empty = post_comments(alex_browser, "", button="send")
    assert empty.status_code == 200
    assert "Enter your comments before sending them" in html_of(empty)
    assert "<title>Error: " in html_of(empty)

    # A draft is kept for the household, not yet in the report.
    sam_page = html_of(sam_browser.get("/apply/report"))  # Sam opens the page now
    draft = post_comments(alex_browser, "We would add that Sam volunteers at the food bank.")
    assert draft.status_code == 302
    assert latest_report(household).applicant_comments is None
    assert "Sam volunteers at the food bank" in html_of(sam_browser.get("/apply/report"))
    # Sam's save from the page opened before Alex saved is refused, with Sam's text kept.
    stale_version = re.search(r'name="version" type="hidden" value="(\d+)"|'
                              r'type="hidden" name="version" value="(\d+)"', sam_page)
    stale = post_comments(sam_browser, "Sam's own words", version=next(
        v for v in stale_version.groups() if v))
    assert stale.status_code == 409
    assert "Someone else in your household saved these comments" in html_of(stale)
    assert "Sam&#39;s own words" in html_of(stale) or "Sam's own words" in html_of(stale)

    frozen.shift(timedelta(days=2))  # Wednesday 10 March
    alex_browser, sam_browser = applicant_client(app, alex), applicant_client(app, sam)
    staff = client_for(app, worker)
    sent = post_comments(alex_browser, "We agree with the report. Sam volunteers at the "
                                       "food bank on Saturdays.", button="send")
    assert sent.status_code == 302
    db.session.expire_all()
    report = latest_report(household)
    assert report.comments_received_on == date(2027, 3, 10)
    assert report.applicant_comments.startswith("We agree with the report.")
    page = html_of(alex_browser.get("/apply/report"))
    assert "You sent your comments on 10 March 2027" in page
    assert "Send your comments" not in page
    # Once sent they cannot be changed.
    token = csrf_token(html_of(sam_browser.get("/apply/messages")))
    again = sam_browser.post("/apply/report", data={
        "csrf_token": token, "comments": "Changed", "version": "2", "send": "x"})
    assert again.status_code == 409
    assert "already sent its comments" in html_of(again)
    db.session.expire_all()
    assert latest_report(household).applicant_comments.startswith("We agree")

    editor_page = html_of(staff.get(editor(household)))
    assert "comments received on 10 March 2027" in editor_page
    assert "food bank on Saturdays" in editor_page
    events = [e.summary for e in db.session.scalars(
        select(CaseEvent).where(CaseEvent.household_id == household.id))]
    assert any("sent the applicants' comments" in e for e in events)

    pdf = staff.get(f"{editor(household)}.pdf")
    assert pdf.status_code == 200
    text = " ".join(" ".join(page.extract_text().split())
                    for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "The applicants' comments on this report" in text
    assert "food bank on Saturdays" in text and "10 March 2027" in text


def test_a_report_not_ready_is_not_shared(app, case, frozen):
    household, worker, alex, sam = case
    report = latest_report(household)
    report.section("capacity_caring").body = ""
    db.session.commit()
    staff = client_for(app, worker)
    refused = share(staff, household)
    assert refused.status_code == 200
    assert "There is a problem" in html_of(refused)
    assert "Before sharing: write" in html_of(refused)
    db.session.expire_all()
    assert db.session.scalar(select(AssessmentReport.shared_at)) is None
    assert applicant_client(app, alex).get("/apply/report").status_code == 403
    # A colleague who may only read the case cannot share it.
    reader = client_for(app, make_staff("assessing_social_worker", team=household.team))
    page = reader.get(editor(household))
    assert "Share with the applicants" not in html_of(page)
    assert reader.post(f"{editor(household)}/share",
                       data={"csrf_token": csrf_token(html_of(page))}).status_code == 403
