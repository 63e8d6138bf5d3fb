"""The demo agency: staff of every role who can sign in, two teams, cases moved along both
pathways by real transitions, and a second load that changes nothing."""

import re
import time
from datetime import timedelta
from html import unescape

import pyotp
import pytest
from sqlalchemy import func, select

from carers.auth.models import User
from carers.auth.roles import RoleKey
from carers.cases.models import CaseEvent, Household, Task, Team
from carers.checks import operations as checks_operations
from carers.core.dates import today
from carers.demo.data import (
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
    KINSHIP_TEAM,
    MARKER_EMAIL,
    RECRUITMENT_TEAM,
    demo_staff,
    load_demo,
)
from carers.extensions import db
from carers.pipeline import PATHWAY_STAGES, Pathway, Stage
from tests.helpers import IsolatedClient, isolated_client, post_form, sign_in

HOUSEHOLDS = 60  # the real demo has 300; this is enough for every kind of case


@pytest.fixture
def demo(app):
    staff = load_demo(households=HOUSEHOLDS)
    assert staff is not None
    return staff


def demo_client(app, email: str) -> IsolatedClient:
    """A browser of its own with a demo account signed in. Every demo account has two-step
    sign in, with the published key."""
    client = isolated_client(app)
    response = sign_in(client, email, DEMO_PASSWORD)
    assert response.headers["Location"].endswith("/staff/sign-in/code")
    db.session.expire_all()
    last = db.session.scalar(select(User.totp_last_step).where(User.email == email))
    step = max(int(time.time() // 30), (last or 0) + 1)
    response = post_form(client, "/staff/sign-in/code",
                         {"code": pyotp.TOTP(DEMO_TOTP_SECRET).at(step * 30)})
    assert response.status_code == 302, f"{email} could not enter the demo code"
    return client


def row_counts() -> dict[str, int]:
    return {table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables}


def test_staff_of_every_role_sign_in_and_see_the_pipeline(app, demo):
    app.config["SECOND_FACTOR_REQUIRED_ROLES"] = None  # the service's own rule: every role
    users = {u.email: u for u in db.session.scalars(select(User))}
    people = demo_staff()
    assert {email for email, _, _ in demo} == {p.email for p in people} == set(users)
    assert {r.key for u in users.values() for r in u.roles} == {r.value for r in RoleKey}

    teams = {t.id: t.name for t in db.session.scalars(select(Team))}
    assert sorted(teams.values()) == sorted([KINSHIP_TEAM, RECRUITMENT_TEAM])
    for person in people:
        user = users[person.email]
        assert (teams.get(user.team_id) if user.team_id else None) == person.team
    for name in teams.values():  # each team has a manager and assessing social workers
        roles = [r.key for p in people if p.team == name for r in users[p.email].roles]
        assert RoleKey.TEAM_MANAGER in roles and RoleKey.ASSESSING_SOCIAL_WORKER in roles

    # One person in each role signs in (every account has the same hash, so this checks all).
    first_in_role = {}
    for person in people:
        first_in_role.setdefault(person.roles[0], person.email)
    assert len({users[p.email].password_hash for p in people}) == 1
    clients = {role: demo_client(app, email) for role, email in first_in_role.items()}

    # The board and a case at every stage render for a manager, with the demo's data.
    manager = clients[RoleKey.TEAM_MANAGER]
    board = manager.get("/staff/pipeline")
    assert board.status_code == 200
    assert RECRUITMENT_TEAM in board.get_data(as_text=True)
    # ... for the cases of the manager's own team; another team's cases are closed to them.
    team_id = users[first_in_role[RoleKey.TEAM_MANAGER]].team_id
    one_per_stage = db.session.execute(
        select(Household.stage, func.min(Household.reference))
        .where(Household.team_id == team_id).group_by(Household.stage)).all()
    for stage, reference in one_per_stage:
        assert manager.get(f"/staff/cases/{reference}").status_code == 200, stage
    other_team = db.session.scalar(select(func.min(Household.reference))
                                   .where(Household.team_id != team_id))
    assert manager.get(f"/staff/cases/{other_team}").status_code == 403
    assert clients[RoleKey.ASSESSING_SOCIAL_WORKER].get("/staff/my-work").status_code == 200


def test_cases_move_along_both_pathways_and_a_second_load_changes_nothing(app, demo):
    on = today()
    households = list(db.session.scalars(select(Household)))
    stages = {p: {Stage(h.stage) for h in households if h.pathway == p} for p in Pathway}
    mainstream, kinship = stages[Pathway.MAINSTREAM], stages[Pathway.CONNECTED_PERSON]
    # Many stages on each pathway: open ones early and late, and closed ones.
    assert len(mainstream) >= 7 and len(kinship) >= 5, stages
    assert {Stage.STAGE1, Stage.STAGE2} <= mainstream
    assert mainstream & {Stage.ENQUIRY, Stage.INITIAL_CONTACT, Stage.INITIAL_VISIT}
    assert Stage.FULL_ASSESSMENT in kinship
    assert kinship & {Stage.REFERRAL, Stage.VIABILITY_ASSESSMENT,
                      Stage.REG24_TEMPORARY_APPROVAL}
    assert any(s.is_closed for s in mainstream) and any(s.is_closed for s in kinship)
    late = {Stage.READY_FOR_PANEL, Stage.PANEL_RECOMMENDED, Stage.AGENCY_DECISION,
            Stage.APPROVED}
    assert mainstream & late and kinship & late
    # Kinship cases come from public enquiries and from staff referrals.
    kinship_cases = [h for h in households if h.pathway == Pathway.CONNECTED_PERSON]
    assert any(h.enquiry_id for h in kinship_cases)
    # Temporary approval names its nominated officer and the day the child was placed, and
    # a child placed under regulation 24 has been visited.
    granted = [h for h in kinship_cases if h.reg24_approved_on]
    assert granted and all(h.reg24_officer_name and h.reg24_officer_on and h.child_placed_on
                           for h in granted)
    assert all(h.reg25_officer_name for h in granted if h.reg24_extended_on)
    assert all(h.reg24_last_visit_on for h in kinship_cases
               if h.stage == Stage.REG24_TEMPORARY_APPROVAL and h.workers)
    assert sum(h.enquiry_id is None for h in kinship_cases) == HOUSEHOLDS // 10

    team_of = {t.name: t.id for t in db.session.scalars(select(Team))}
    for h in households:
        expected = KINSHIP_TEAM if h.pathway == Pathway.CONNECTED_PERSON else RECRUITMENT_TEAM
        assert h.team_id == team_of[expected], h.reference

    # Every case got where it is by real transitions, none dated in the future.
    assert db.session.scalar(select(func.max(CaseEvent.happened_on))) <= on
    last_move = {}
    for event in db.session.scalars(select(CaseEvent).where(
            CaseEvent.kind == CaseEvent.TRANSITION).order_by(CaseEvent.at, CaseEvent.id)):
        if event.from_stage != event.to_stage:
            assert last_move.get(event.household_id, event.from_stage) == event.from_stage
            last_move[event.household_id] = event.to_stage
    first_stage = {Pathway.MAINSTREAM: Stage.ENQUIRY, Pathway.CONNECTED_PERSON: Stage.REFERRAL}
    for h in households:
        assert last_move.get(h.id, first_stage[Pathway(h.pathway)]) == h.stage, h.reference
        assert Stage(h.stage) in PATHWAY_STAGES[Pathway(h.pathway)] or Stage(h.stage).is_closed
        if h.stage == Stage.WITHDRAWN:
            assert h.withdrawal_code and h.withdrawal_code.startswith("AW")
        if h.stage == Stage.READY_FOR_PANEL:
            assert h.panel_date > on

    # Notes, allocations, open tasks and management oversight, as a real team's cases have.
    kinds = dict(db.session.execute(select(CaseEvent.kind, func.count())
                                    .group_by(CaseEvent.kind)).all())
    assert kinds.get(CaseEvent.NOTE) and kinds.get(CaseEvent.ALLOCATION)
    assert kinds.get(CaseEvent.OVERSIGHT)
    # Some oversight records set actions: tasks with an owner and a due date.
    assert db.session.scalar(select(func.count(Task.id)).where(Task.oversight_id.is_not(None)))
    assert db.session.scalar(select(func.count(Task.id)).where(Task.done_at.is_(None)))

    # The demo starts complete: every open case's checks are stored as the nightly refresh
    # would leave them, so the refresh finds nothing to change.
    assert checks_operations.refresh_all_checks() == 0

    # ... nor the applicants' uploaded files.
    from carers.uploads.models import StoredFile

    files = sorted(db.session.scalars(select(StoredFile.key)))
    before = row_counts()
    assert before["applicant"] and before["uploaded_document"] == len(files)
    assert load_demo(households=HOUSEHOLDS) is None
    assert row_counts() == before
    assert sorted(db.session.scalars(select(StoredFile.key))) == files
    assert db.session.scalar(select(func.count(User.id)).where(User.email == MARKER_EMAIL)) == 1


def test_an_interrupted_load_is_not_taken_for_a_finished_one(app):
    from carers.auth.operations import create_user

    create_user("recruitment@demo.carers.example", "Priya Shah", DEMO_PASSWORD,
                [RoleKey.RECRUITMENT_OFFICER.value])
    db.session.commit()
    with pytest.raises(RuntimeError, match="stopped part way"):
        load_demo(households=5)


def test_reports_and_the_panel_are_ready_to_try(app, demo):
    from io import BytesIO

    from pypdf import PdfReader

    from carers.panel.models import AgendaItem, PanelMeeting, PanelMember, PanelRecommendation
    from carers.panel.rules import quorum
    from carers.reports.document import latest_report

    on = today()
    households = list(db.session.scalars(select(Household)))
    # Every case past its assessment has a signed-off report; cases in assessment, drafts.
    ready = [h for h in households if h.stage == Stage.READY_FOR_PANEL]
    assert ready
    for h in households:
        report = latest_report(h)
        if h.stage in {Stage.STAGE2, Stage.FULL_ASSESSMENT}:
            assert report is not None, h.reference
        if h.stage == Stage.READY_FOR_PANEL and h.assessment_completed_on:
            assert report is not None and not report.is_draft, h.reference
            assert report.signed_off_at.date() <= on and report.applicant_comments
    drafts = [latest_report(h) for h in households if h.stage == Stage.STAGE2]
    assert any(r.is_draft for r in drafts if r)
    signed = next(h for h in ready if h.assessment_completed_on)
    report = latest_report(signed)
    assert report.form == ("form_c" if signed.pathway == Pathway.CONNECTED_PERSON
                           else "form_f")
    assert report.recommendation and report.terms

    # The team manager downloads a Ready-for-panel household's signed-off report.
    manager = demo_client(app, "kinship.manager@demo.carers.example"
                          if signed.pathway == Pathway.CONNECTED_PERSON
                          else "manager@demo.carers.example")
    response = manager.get(f"/staff/cases/{signed.reference}/report.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(response.data)).pages)
    assert signed.reference in text
    assert report.text("capacity").split("\n")[0][:40] in " ".join(text.split())

    # The central list makes a quorum; past meetings have attendance, recommendations and
    # final minutes; the next meeting has the Ready-for-panel cases in time slots.
    members = list(db.session.scalars(select(PanelMember)))
    assert quorum([m.panel_role for m in members]).met
    meetings = list(db.session.scalars(select(PanelMeeting).order_by(PanelMeeting.meets_on)))
    held = [m for m in meetings if m.meets_on <= on]
    assert held and all(m.minutes for m in held)
    assert any(m.minutes_final_on for m in held)
    for meeting in held:
        roles = [s.member.panel_role for s in meeting.seats if s.attended]
        assert quorum(roles).met, meeting.meets_on
        recommended = set(db.session.scalars(select(PanelRecommendation.household_id).where(
            PanelRecommendation.meeting_id == meeting.id)))
        assert recommended == {i.household_id for i in meeting.agenda}
    coming = [m for m in meetings if m.meets_on > on]
    agenda = {i.household_id: i for m in coming for i in m.agenda}
    assert set(agenda) == {h.id for h in ready}
    for h in ready:
        meeting = next(m for m in coming if m.id == agenda[h.id].meeting_id)
        assert meeting.meets_on == h.panel_date
        assert len(meeting.seats) == len(members)
    slots = db.session.scalars(select(AgendaItem.slot_at).where(
        AgendaItem.meeting_id == coming[0].id).order_by(AgendaItem.slot_at)).all()
    assert len(set(slots)) == len(slots)

    # The panel administrator sees the central list and the meetings.
    admin = demo_client(app, "panel.admin@demo.carers.example")
    assert "Margaret Hughes" in admin.get("/staff/panel/members").get_data(as_text=True)
    for meeting in (held[-1], coming[0]):
        assert admin.get(f"/staff/panel/meetings/{meeting.id}").status_code == 200

    # A demo panel member sees the coming meeting with its agenda, and a case's report.
    member = demo_client(app, "panel.member@demo.carers.example")
    listing = member.get("/panel/meetings").get_data(as_text=True)
    assert f"/panel/meetings/{coming[0].id}" in listing
    page = member.get(f"/panel/meetings/{coming[0].id}")
    assert page.status_code == 200
    first = db.session.get(Household, coming[0].agenda[0].household_id)
    assert first.reference in page.get_data(as_text=True)
    assert f"{slots[0]:%H:%M}" in page.get_data(as_text=True)
    for item in coming[0].agenda:  # every case's report downloads
        heard = db.session.get(Household, item.household_id)
        pdf = member.get(f"/panel/meetings/{coming[0].id}/cases/{heard.reference}/report.pdf")
        assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
        text = "".join(page.extract_text() for page in PdfReader(BytesIO(pdf.data)).pages)
        assert heard.reference in text
    # The first proposed refusal is met with written representations, and the decision maker
    # decides once they are in (a small demo may have no proposed refusal at all).
    from carers.panel.models import QdResponse
    proposed = [h for h in households if h.qd_issued_on and h.qd_issued_on < on]
    if proposed:
        response = db.session.scalar(select(QdResponse))
        assert response is not None and response.kind == "representations"
        represented = db.session.get(Household, response.household_id)
        assert represented.qd_responded_on == response.received_on
        assert response.letter_pdf.startswith(b"%PDF")
        if represented.stage == Stage.NOT_APPROVED:
            assert represented.decided_on > response.received_on
            assert represented.decided_on <= represented.qd_issued_on + timedelta(days=28)


# --- the households' own accounts ----------------------------------------------------------

def _task_rows(html: str) -> dict[str, str]:
    """The task list as the person reads it: each task's title and its status."""
    rows = {}
    for chunk in html.split('<li class="govuk-task-list__item')[1:]:
        title = re.search(r'govuk-task-list__name-and-hint">(.*?)</div>', chunk, re.DOTALL)
        status = re.search(r'govuk-task-list__status[^"]*"[^>]*>(.*?)</div>', chunk,
                           re.DOTALL)
        words = [" ".join(unescape(re.sub(r"<[^>]+>", " ", m.group(1))).split())
                 for m in (title, status)]
        rows[words[0]] = words[1]
    return rows


def _text(response) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


def _every_household_has_its_applicants_applications_documents_and_messages():
    from carers.applicants.models import Applicant
    from carers.applicants.operations import member_role
    from carers.application import journey, rules
    from carers.application.models import Application, ApplicationTask
    from carers.core.dates import london
    from carers.demo.applicants import AFTER_APPLICATION, BEFORE_APPLICATION, DOMAIN
    from carers.messages.queries import unread_count
    from carers.reports.models import ApplicationFacts
    from carers.uploads import inspection, storage
    from carers.uploads.models import DocumentRequest, UploadedDocument

    on = today()
    households = {h.id: h for h in db.session.scalars(select(Household))}
    accounts = list(db.session.scalars(select(Applicant)))
    by_household = {}
    for account in accounts:
        by_household.setdefault(account.household_id, []).append(account)
        assert account.email.endswith(f"@{DOMAIN}") and account.active
        assert account.role == member_role(account.member, on), account.email
    # Every household at a stage where applicants have accounts has them: each joint
    # applicant, and each other adult who lives there.
    for h in households.values():
        eligible = h.stage in BEFORE_APPLICATION[h.pathway] or (
            h.stage in AFTER_APPLICATION[h.pathway]
            and (h.application_received_on or h.pathway == Pathway.CONNECTED_PERSON))
        if not eligible:
            assert h.id not in by_household, (h.reference, h.stage)
            continue
        expected = {m.id for m in h.members if member_role(m, on)}
        assert {a.member_id for a in by_household.get(h.id, [])} == expected, h.reference
    stages = {(households[i].pathway, households[i].stage) for i in by_household}
    assert (Pathway.MAINSTREAM, Stage.INITIAL_VISIT) in stages
    assert (Pathway.MAINSTREAM, Stage.STAGE2) in stages
    assert {s for p, s in stages if p == Pathway.CONNECTED_PERSON} & {
        Stage.VIABILITY_ASSESSMENT, Stage.REG24_TEMPORARY_APPROVAL}
    assert any(len([a for a in people if a.role == Applicant.APPLICANT]) == 2
               for people in by_household.values())

    # Each household's application: part done before it is sent; sent on the day the case
    # records, every task completed and declared by each joint applicant, after.
    applications = {a.household_id: a for a in db.session.scalars(select(Application))}
    assert set(applications) == set(by_household)
    statuses = set()
    for household_id, application in applications.items():
        h = households[household_id]
        people = {a.id: a for a in by_household[household_id]}
        assert {(t.task, t.applicant_id) for t in application.tasks} == set(
            rules.rows_needed([(a.id, a.role) for a in people.values()]))
        for row in application.tasks:
            statuses.add(row.status)
            person = people.get(row.applicant_id) or next(
                a for a in people.values() if a.role == Applicant.APPLICANT)
            answers = {t.task: t.answers for t in application.tasks
                       if t.applicant_id in (person.id, None)}
            if row.status == ApplicationTask.COMPLETED:
                assert not journey.unanswered(row.task, row.answers), (h.reference, row.task)
                assert not rules.task_problems(row.task, person.role, answers, on), \
                    (h.reference, row.task)
            # A task part done may stop before the email question.
            if row.task == "about_you" and "email" in row.answers:
                assert row.answers["email"] == person.email
        if application.submitted_at is None:
            assert h.stage in BEFORE_APPLICATION[h.pathway] or h.stage == Stage.FULL_ASSESSMENT
            assert not application.declarations
        else:
            assert london(application.submitted_at).date() == h.application_received_on
            assert {t.status for t in application.tasks} == {ApplicationTask.COMPLETED}
            assert {d.applicant_id for d in application.declarations} == {
                a.id for a in people.values() if a.role == Applicant.APPLICANT}
            # The report's facts answer Form F's Section A part 1 for each applicant.
            facts = db.session.get(ApplicationFacts, household_id).facts
            for entry in facts["applicants"]:
                assert entry["place_of_birth"] and entry["registered_disabled"], entry
                if entry["role"] == Applicant.APPLICANT:
                    assert entry["partnership"]["kind"] in (
                        "single", *rules.PARTNERSHIP_KINDS), entry
    assert statuses == {ApplicationTask.NOT_STARTED, ApplicationTask.IN_PROGRESS,
                        ApplicationTask.COMPLETED}

    # Documents asked for, and real files sent through the uploads' storage.
    files = list(db.session.scalars(select(UploadedDocument)))
    assert files and db.session.scalar(select(func.count(DocumentRequest.id))) > len(files)
    assert {f.content_type for f in files} == {inspection.PDF, inspection.PNG}
    for row in files:
        data = storage.read(row.stored_name)
        assert inspection.inspect(data) == row.content_type and len(data) == row.size
    # Messages with the workers, some unread on each side.
    unread_by_households = unread_by_workers = 0
    for household_id, people in by_household.items():
        h = households[household_id]
        unread_by_households += unread_count(household_id, people[0]) > 0
        unread_by_workers += any(unread_count(household_id, w) > 0 for w in h.workers)
    assert unread_by_households and unread_by_workers


def test_demo_applicants_have_their_applications_documents_and_messages_and_sign_in(app,
                                                                                     demo):
    """One demo load for both (loading is the slow part)."""
    _every_household_has_its_applicants_applications_documents_and_messages()
    from carers.applicants.models import Applicant
    from carers.application.models import Application
    from carers.core.dates import london
    from carers.demo.applicants import MEMORABLE, memorable_applicants
    from carers.messages.models import Message
    from carers.portal.words import stage_words
    from carers.reports.models import AssessmentReport
    from carers.uploads.models import DocumentRequest, UploadedDocument
    from tests.helpers import sign_in_applicant_with_code

    listed = [email for emails in MEMORABLE.values() for email in emails]
    assert [row[0] for row in memorable_applicants()] == listed
    accounts = {a.email: a for a in db.session.scalars(
        select(Applicant).where(Applicant.email.in_(listed)))}
    couple = [accounts[e] for e in MEMORABLE["couple"]]
    assessed, kin = accounts[MEMORABLE["assessment"][0]], accounts[MEMORABLE["kinship"][0]]

    # A couple filling in their application after the initial visit.
    home = db.session.get(Household, couple[0].household_id)
    assert couple[1].household_id == home.id
    assert {a.role for a in couple} == {Applicant.APPLICANT}
    assert home.pathway == Pathway.MAINSTREAM and home.stage == Stage.INITIAL_VISIT
    client = isolated_client(app)
    assert sign_in_applicant_with_code(client, couple[0]).status_code == 302
    page = client.get("/apply/application")
    assert page.status_code == 200
    tasks = _task_rows(page.get_data(as_text=True))
    first, second = (a.name for a in couple)
    assert tasks[f"About you – {first}"] == "Completed"
    assert tasks[f"Relationships – {first}"] == "Completed"
    assert tasks[f"Where you have lived – {first}"] == "In progress"
    assert tasks[f"Consent to checks – {first}"] == "Cannot start yet"
    assert tasks[f"About you – {second}"] == "Completed"
    assert tasks[f"Work and income – {second}"].startswith("In progress")
    assert tasks["Your household"] == "Completed"
    assert tasks["Your home"] == "In progress"
    assert tasks["Referees"] == "Not started"
    # Their progress and their details, from the case.
    progress = client.get("/apply/progress")
    assert progress.status_code == 200
    assert stage_words(home.pathway, home.stage).title in _text(progress)
    assert couple[0].email in _text(client.get("/apply/details"))
    # Their worker's latest message is waiting for them, unread, and their documents.
    latest = db.session.scalar(select(Message).where(Message.household_id == home.id)
                               .order_by(Message.id.desc()).limit(1))
    assert latest.author_user_id is not None
    assert latest.body in _text(client.get("/apply/messages"))
    documents = _text(client.get("/apply/documents"))
    for item in db.session.scalars(select(DocumentRequest)
                                   .where(DocumentRequest.household_id == home.id)):
        assert item.title in documents
    sent = db.session.scalar(select(UploadedDocument).where(
        UploadedDocument.household_id == home.id).limit(1))
    if sent is not None:
        assert sent.original_name in documents
        download = client.get(f"/apply/documents/files/{sent.id}")
        assert download.status_code == 200 and len(download.data) == sent.size
        assert "attachment" in download.headers["Content-Disposition"]

    # Their worker sees the same thread and documents on the case.
    worker = demo_client(app, home.workers[0].email)
    assert latest.body in _text(worker.get(f"/staff/cases/{home.reference}/messages"))
    assert worker.get(f"/staff/cases/{home.reference}/documents").status_code == 200

    # A household in assessment: their application sent and read-only, the report shared.
    h = db.session.get(Household, assessed.household_id)
    assert h.stage == Stage.STAGE2
    application = db.session.scalar(select(Application).where(Application.household_id == h.id))
    assert london(application.submitted_at).date() == h.application_received_on
    report = db.session.scalar(select(AssessmentReport)
                               .where(AssessmentReport.household_id == h.id))
    assert report.is_shared and report.shared_on == today()
    assert report.comments_submitted_at is None
    client = isolated_client(app)
    sign_in_applicant_with_code(client, assessed)
    page = _text(client.get("/apply/application"))
    assert "You sent your application on" in page
    answers = _text(client.get("/apply/tasks/about_you/check-answers"))
    assert assessed.name in answers and "Have you completed this section?" not in answers
    refused = post_form(client, "/apply/tasks/about_you/full-name",
                        {"full_name": "Someone Else"},
                        page="/apply/tasks/about_you/check-answers")
    assert refused.status_code == 409
    db.session.expire_all()
    assert "Someone Else" not in str([t.answers for t in db.session.scalar(
        select(Application).where(Application.household_id == h.id)).tasks])
    shared = _text(client.get("/apply/report"))
    assert report.text("capacity").split("\n")[0][:40] in shared
    # What is held about them includes their own answers.
    held = client.get("/apply/your-information.json")
    assert held.status_code == 200 and assessed.email in held.get_data(as_text=True)

    # A kinship carer filling in the kinship carer assessment.
    h = db.session.get(Household, kin.household_id)
    assert h.pathway == Pathway.CONNECTED_PERSON
    client = isolated_client(app)
    sign_in_applicant_with_code(client, kin)
    page = _text(client.get("/apply/application"))
    assert "Kinship carer assessment" in page and "You sent your application" not in page



def test_the_demos_dbs_checks_carry_their_certificates(app, demo):
    from carers.checks.models import Check

    received = list(db.session.scalars(select(Check).where(
        Check.kind == "dbs", Check.received_on.is_not(None))))
    assert received
    for check in received:
        assert re.fullmatch(r"\d{12}", check.dbs_certificate_number or ""), check.id
        assert check.requested_on <= check.dbs_issued_on <= check.received_on
        assert check.dbs_update_service is not None
        assert check.member is not None and check.member.date_of_birth is not None
    assert {c.dbs_update_service for c in received} == {True, False}


def test_the_demos_signed_off_reports_carry_their_family_trees(app, demo):
    from carers.reports.models import AssessmentReport

    signed = list(db.session.scalars(select(AssessmentReport).where(
        AssessmentReport.signed_off_at.is_not(None))))
    assert signed
    kinship = [r for r in signed if r.form == "form_c"]
    mainstream = [r for r in signed if r.form == "form_f"]
    assert kinship and mainstream
    for report in signed:
        people = report.facts["family"]["people"]
        assert people and report.facts["family"]["ecomap"], report.id
        assert report.facts["chronology"], report.id
    for report in kinship:
        children = [p for p in report.facts["family"]["people"] if p["subject_child"]]
        assert [c["name"] for c in children] == [report.household.child_name]
    # Each applicant's history is written in their own box.
    first = mainstream[0]
    applicants = [m for m in first.household.members if m.is_applicant]
    assert all(first.text(f"applicant_history_{m.id}") for m in applicants)
