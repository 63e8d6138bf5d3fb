"""The report editor over HTTP: autosave, the form without JavaScript, validation, the
applicants' comments, training, sign-off and versions, access and the audit trail."""

import re
from datetime import date

import pytest
from sqlalchemy import select

from carers.audit.models import AuditEvent
from carers.extensions import db
from carers.reports.document import latest_report, report_body_html, signed_off_report
from carers.reports.models import AssessmentReport, TrainingRecord
from carers.reports.sample import assessed_household
from tests.factories import make_household, make_staff, make_team
from tests.helpers import client_for, csrf_token, html_of, isolated_client
from tests.http.test_bad_input import assert_error_page, summary_messages


@pytest.fixture
def team(app):
    return make_team()


@pytest.fixture
def worker(team):
    return make_staff("assessing_social_worker", name="Sam Worker", team=team)


@pytest.fixture
def manager(team):
    return make_staff("team_manager", name="Morgan Manager", team=team)


def editor_url(household):
    return f"/staff/cases/{household.reference}/report"


def token_of(client, household):
    page = client.get(editor_url(household))
    assert page.status_code == 200
    return csrf_token(html_of(page))


def autosave(client, household, key, body, revision, token=None):
    return client.post(f"{editor_url(household)}/sections/{key}", data={
        "csrf_token": token or token_of(client, household), "body": body,
        "revision": str(revision)}, headers={"Accept": "application/json"})


def test_autosave_creates_the_draft_and_keeps_revisions(app, worker, team):
    household = make_household(team=team, workers=[worker])
    client = client_for(app, worker)
    token = token_of(client, household)
    first = autosave(client, household, "pen_picture", "Warm and steady.", 0, token)
    assert first.status_code == 200, first.get_data(as_text=True)
    assert first.json["saved"] is True and first.json["revision"] == 1
    second = autosave(client, household, "pen_picture", "Warm, steady and funny.", 1, token)
    assert second.json["revision"] == 2
    # A tab opened before the second save is refused, not applied.
    stale = autosave(client, household, "pen_picture", "Overwritten!", 1, token)
    assert stale.status_code == 409
    assert "Someone else saved" in stale.json["error"]
    db.session.expire_all()
    report = latest_report(household)
    assert report.form == "form_f" and report.author_id == worker.id
    assert report.text("pen_picture") == "Warm, steady and funny."
    # Control characters nobody types are dropped, never a database error.
    odd = autosave(client, household, "lifestyle", "Tea\x00 and\x07 toast", 0, token)
    assert odd.status_code == 200
    db.session.expire_all()
    assert latest_report(household).text("lifestyle") == "Tea and toast"
    assert autosave(client, household, "no_such_section", "x", 0, token).status_code == 404
    too_long = autosave(client, household, "history", "x" * 100_001, 0, token)
    assert too_long.status_code == 400 and "characters or fewer" in too_long.json["error"]
    # Without a CSRF token, nothing is saved.
    refused = client.post(f"{editor_url(household)}/sections/history",
                          data={"body": "x", "revision": "0"})
    assert refused.status_code == 400
    updates = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "update", AuditEvent.object_type == "report_section")).all()
    assert len(updates) == 3 and all(u.user_id == worker.id for u in updates)


def test_the_form_works_without_javascript(app, worker, team):
    household = make_household(team=team, workers=[worker])
    client = client_for(app, worker)
    page = html_of(client.get(editor_url(household)))
    fields = dict(re.findall(r'name="([a-z_0-9]+__revision)"[^>]*value="(\d*)"', page))
    assert fields["lifestyle__revision"] == "0"
    # Each applicant has their own history box.
    applicant = household.members[0]
    assert f"applicant_history_{applicant.id}__revision" in fields
    data = {"csrf_token": csrf_token(page), **fields, "pen_picture": "Pen picture text",
            "lifestyle": "Lifestyle text\r\n\r\nSecond paragraph",
            f"applicant_history_{applicant.id}": "Grew up in Hull."}
    response = client.post(editor_url(household), data=data)
    assert response.status_code == 302
    db.session.expire_all()
    report = latest_report(household)
    assert report.text("lifestyle") == "Lifestyle text\n\nSecond paragraph"
    assert report.text(f"applicant_history_{applicant.id}") == "Grew up in Hull."
    # The same stale form posted again: the changed sections are refused, with a message.
    data["lifestyle"] = "Stale edit"
    response = client.post(editor_url(household), data=data, follow_redirects=True)
    assert "Someone else saved “Section B, Part 1: Family and lifestyle”" in html_of(response)
    db.session.expire_all()
    assert latest_report(household).text("lifestyle") == "Lifestyle text\n\nSecond paragraph"


def test_bad_input_gets_a_govuk_error_summary(app, worker, team):
    household = make_household(team=team, workers=[worker])
    client = client_for(app, worker)
    url = editor_url(household)
    token = token_of(client, household)
    html = assert_error_page(client.post(f"{url}/recommendation", data={
        "csrf_token": token, "recommendation": "definitely", "terms": ""}))
    assert "Select what you recommend" in summary_messages(html)
    html = assert_error_page(client.post(f"{url}/training", data={
        "csrf_token": token, "course": "", "attended_by": "Alex",
        "completed_on": ["31", "2", "2026"]}))
    assert set(summary_messages(html)) == {"Enter the course name",
                                           "Date completed must be a real date"}
    html = assert_error_page(client.post(f"{url}/comments", data={
        "csrf_token": token, "shared_on": ["1", "12", "2026"],
        "comments_received_on": ["", "", ""], "applicant_comments": "We agree"}))
    assert "Enter the date the comments were received" in summary_messages(html)
    html = assert_error_page(client.post(url, data={
        "csrf_token": token, "history": "x" * 100_001}))
    assert any("characters or fewer" in m for m in summary_messages(html))
    # Missing date parts and tampered fields are errors, never a 500.
    response = client.post(f"{url}/training", data={"csrf_token": token})
    assert response.status_code == 200
    assert client.post(f"{url}/training/999999/remove",
                       data={"csrf_token": token}).status_code == 404


def test_training_and_comments_are_recorded(app, worker, team):
    household = make_household(team=team, workers=[worker])
    client = client_for(app, worker)
    url = editor_url(household)
    token = token_of(client, household)
    response = client.post(f"{url}/training", data={
        "csrf_token": token, "course": "Skills to Foster", "provider": "",
        "attended_by": "Alex and Sam", "completed_on": ["3", "10", "2026"]})
    assert response.status_code == 302
    item = db.session.scalar(select(TrainingRecord))
    assert (item.course, item.completed_on) == ("Skills to Foster", date(2026, 10, 3))
    response = client.post(f"{url}/comments", data={
        "csrf_token": token, "shared_on": ["1", "11", "2026"],
        "comments_received_on": ["10", "11", "2026"],
        "applicant_comments": "We recognise ourselves in this report."})
    assert response.status_code == 302
    db.session.expire_all()
    report = latest_report(household)
    assert report.applicant_comments == "We recognise ourselves in this report."
    assert report.comments_received_on == date(2026, 11, 10)
    assert client.post(f"{url}/training/{item.id}/remove",
                       data={"csrf_token": token}).status_code == 302
    assert db.session.scalar(select(TrainingRecord)) is None


def test_sign_off_locks_the_version_and_a_new_version_copies_it(app, worker, manager, team):
    household = assessed_household(worker, team=team)
    household_reference = household.reference
    url = editor_url(household)
    # The worker cannot sign off.
    worker_client = client_for(app, worker)
    token = token_of(worker_client, household)
    assert worker_client.post(f"{url}/sign-off", data={"csrf_token": token}).status_code == 403
    # A manager cannot sign off while a section is empty.
    report = latest_report(household)
    report.section("safer_caring").body = "  "
    db.session.commit()
    manager_client = client_for(app, manager)
    manager_token = token_of(manager_client, household)
    response = manager_client.post(f"{url}/sign-off", data={"csrf_token": manager_token},
                                   follow_redirects=True)
    assert "Write “Section C: Safer caring policy” before signing off" in html_of(response)
    db.session.expire_all()
    assert latest_report(household).is_draft
    assert autosave(worker_client, household, "safer_caring", "No one else babysits.", 1,
                    token).status_code == 200
    response = manager_client.post(f"{url}/sign-off", data={"csrf_token": manager_token},
                                   follow_redirects=True)
    assert "Version 1 signed off" in html_of(response)
    db.session.expire_all()
    signed = latest_report(household)
    assert signed.signed_off_by_id == manager.id and not signed.is_draft
    # Locked: autosave and the form are refused, the recommendation too.
    locked = autosave(worker_client, household, "history", "Changed", 1, token)
    assert locked.status_code == 409 and "signed off" in locked.json["error"]
    # The refusal shows the editor again (no redirect), the reason in its error summary.
    response = worker_client.post(f"{url}/recommendation", data={
        "csrf_token": token, "recommendation": "not_suitable"})
    assert response.status_code == 409
    summary = html_of(response).split('data-module="govuk-error-summary"')[1].split("</ul>")[0]
    assert "can no longer be changed" in summary
    page = html_of(worker_client.get(url))
    assert "<textarea" not in page.split('id="comments"')[0]
    assert "Start a new version" in page
    # The applicants' comments can still be recorded on the signed-off version.
    assert worker_client.post(f"{url}/comments", data={
        "csrf_token": token, "shared_on": ["1", "11", "2026"],
        "comments_received_on": ["", "", ""], "applicant_comments": ""}).status_code == 302
    # A new version is a draft copy; version 1 stays as signed off.
    assert worker_client.post(f"{url}/new-version",
                              data={"csrf_token": token}).status_code == 302
    db.session.expire_all()
    versions = db.session.scalars(select(AssessmentReport).where(
        AssessmentReport.household_id == household.id).order_by(AssessmentReport.number)).all()
    assert [(v.number, v.is_draft) for v in versions] == [(1, False), (2, True)]
    assert versions[1].text("safer_caring") == "No one else babysits."
    assert autosave(worker_client, household, "history", "Changed", 0,
                    token).status_code == 200
    db.session.expire_all()
    assert versions[0].text("history") != "Changed"
    # A pack prints the signed-off version, not the new draft.
    assert signed_off_report(household).number == 1
    assert "Changed" not in report_body_html(household, report=signed_off_report(household))
    assert "Changed" in report_body_html(household)
    assert household_reference in html_of(worker_client.get(f"/staff/cases/{household_reference}"))


def test_access_follows_the_case(app, worker, team):
    household = assessed_household(worker, team=team)
    url = editor_url(household)
    # Another worker in the case's team reads (as on case pages) but cannot change or sign off.
    outsider = make_staff("assessing_social_worker", team=team)
    client = client_for(app, outsider)
    page = client.get(url)
    assert page.status_code == 200 and "<textarea" not in html_of(page).split('id="comments"')[0]
    token = csrf_token(html_of(page))
    assert autosave(client, household, "history", "x", 1, token).status_code == 403
    assert client.post(url, data={"csrf_token": token}).status_code == 403
    assert client.post(f"{url}/recommendation", data={"csrf_token": token}).status_code == 403
    assert client.post(f"{url}/comments", data={"csrf_token": token}).status_code == 403
    assert client.post(f"{url}/sign-off", data={"csrf_token": token}).status_code == 403
    other_manager = make_staff("team_manager", team=team)
    manager_client = client_for(app, other_manager)
    token_of(manager_client, household)  # the team's manager reads it
    # Another team's staff reach neither the report nor its PDF (as on case pages).
    elsewhere = client_for(app, make_staff("team_manager", team=make_team()))
    assert elsewhere.get(url).status_code == 403
    assert elsewhere.get(f"{url}.pdf").status_code == 403
    other_token = csrf_token(html_of(elsewhere.get("/staff/my-work")))
    assert elsewhere.post(f"{url}/sign-off",
                          data={"csrf_token": other_token}).status_code == 403
    # A panel member (not a case reader) gets nothing; signed out goes to sign in.
    panel = client_for(app, make_staff("panel_member"))
    assert panel.get(url).status_code == 403
    assert panel.get(f"{url.removesuffix('/report')}/report.pdf").status_code == 403
    anonymous = isolated_client(app)
    assert anonymous.get(url).status_code == 302
    assert anonymous.get(f"{url}.pdf").status_code == 302
    assert isolated_client(app).get("/staff/cases/FC-NOPE/report").status_code == 302
    assert client.get("/staff/cases/FC-NOPE/report").status_code == 404
    views = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "view", AuditEvent.object_type == "assessment_report")).all()
    assert {v.user_id for v in views} >= {outsider.id, other_manager.id}


def test_a_new_kinship_case_gets_form_c_and_a_pdf_before_anything_is_written(app, worker, team):
    household = make_household("connected_person", team=team, workers=[worker])
    client = client_for(app, worker)
    page = html_of(client.get(editor_url(household)))
    assert "Connected person report (Form C)" in page
    for label in ("The child, their relationship to the carers and their needs",
                  "The birth family", "The carers", "The viability assessment",
                  "The carers&#39; capacity to meet the child&#39;s needs",
                  "The plan for contact with the birth family", "Summary and recommendation"):
        assert label in page
    assert db.session.scalar(select(AssessmentReport)) is None  # reading creates nothing
    response = client.get(f"{editor_url(household)}.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
    token = csrf_token(page)
    assert autosave(client, household, "child", "Amy loves drawing.", 0,
                    token).status_code == 200
    db.session.expire_all()
    assert latest_report(household).form == "form_c"
    assert latest_report(household).text("child") == "Amy loves drawing."
