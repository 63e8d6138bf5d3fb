"""The pipeline through the web, as staff use it: CSRF on, forms posted the way a browser
posts them, and everything checked on the pages people read (stage, timeline, deadlines,
error summaries) as well as in the database.

Every test runs on Tuesday 1 June 2027 (time-machine); Monday 31 May 2027 is the spring
bank holiday, so working-day counts across it skip a day."""

import html as htmllib
import re
from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlalchemy import func, literal_column, select

from carers.audit.models import AuditEvent
from carers.cases import spells
from carers.cases.models import BoardCount, CaseEvent, Household, StageSpell, Task
from carers.core.dates import LONDON
from carers.extensions import db
from tests.factories import bulk_households, make_enquiry, make_household, make_staff, make_team
from tests.helpers import csrf_token, isolated_client, sign_in

TODAY = date(2027, 6, 1)
REASON_CODES_SENTENCE = "Choose the Ofsted withdrawal reason"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime(2027, 6, 1, 10, 0, tzinfo=LONDON), tick=True) as traveller:
        yield traveller


# --- reading pages ---

def text_of(response) -> str:
    return response.get_data(as_text=True)


def plain(fragment: str) -> str:
    """Visible text: tags dropped, entities decoded, whitespace collapsed."""
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def title_of(page: str) -> str:
    return plain(re.search(r"<title[^>]*>(.*?)</title>", page, re.S).group(1))


def error_summary(page: str) -> tuple[str, list[str]] | None:
    """(title, messages) of the GOV.UK error summary, or None."""
    match = re.search(r'<div class="govuk-error-summary".*?</ul>', page, re.S)
    if not match:
        return None
    block = match.group(0)
    title = plain(re.search(r'govuk-error-summary__title[^>]*>(.*?)</h2>', block, re.S).group(1))
    return title, [plain(item) for item in re.findall(r"<li>(.*?)</li>", block, re.S)]


def errors(page: str) -> list[str]:
    summary = error_summary(page)
    assert summary, "no error summary on the page"
    return summary[1]


def flashes(page: str) -> list[str]:
    return [plain(m) for m in re.findall(
        r'govuk-notification-banner__heading">(.*?)</p>', page, re.S)]


def tables(page: str) -> dict[str, list[list[str]]]:
    """Each GOV.UK table's body rows (cell texts), by caption."""
    found = {}
    for table in re.findall(r"<table.*?</table>", page, re.S):
        caption = plain(re.search(r"<caption[^>]*>(.*?)</caption>", table, re.S).group(1))
        body = table.split("<tbody", 1)[1]
        found[caption] = [
            [plain(cell) for cell in re.findall(r"<t[dh]\b[^>]*>(.*?)</t[dh]>", row, re.S)]
            for row in re.findall(r"<tr\b[^>]*>(.*?)</tr>", body, re.S)]
    return found


def deadlines(page: str) -> dict[str, tuple[str, str]]:
    """The case page's clocks: label -> (due, status)."""
    rows = tables(page).get("Statutory and local deadlines", [])
    return {row[0]: (row[1], row[2]) for row in rows}


def timeline(page: str) -> list[dict]:
    """The case page's timeline, newest first: summary, meta line and body."""
    entries = []
    for item in re.findall(r'<li class="carers-timeline__item">(.*?)</li>', page, re.S):
        paragraphs = re.findall(r"<p\b[^>]*>(.*?)</p>", item, re.S)
        entries.append({
            "summary": plain(re.search(r"<h3[^>]*>(.*?)</h3>", item, re.S).group(1)),
            "meta": plain(paragraphs[0]),
            "body": plain(paragraphs[1]) if len(paragraphs) > 1 else None,
            "raw": item,
        })
    return entries


def stage_line(page: str) -> str:
    return plain(re.search(r'<p class="govuk-body-l">(.*?)</p>', page, re.S).group(1))


def case_links(page: str) -> list[str]:
    return re.findall(r'<a [^>]*href="/staff/cases/([A-Z0-9-]+)"', page)


def hidden(page: str, name: str) -> str:
    return re.search(rf'name="{name}" type="hidden" value="([^"]*)"', page).group(1)


# --- acting ---

def parts(d: date) -> list[str]:
    return [str(d.day), str(d.month), str(d.year)]


def form_fields(client, url: str) -> dict:
    """The CSRF token and (for a versioned form) the case version a GET of ``url`` gives."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code,
                                         response.headers.get("Location"))
    page = text_of(response)
    fields = {"csrf_token": csrf_token(page)}
    if 'name="version"' in page:
        fields["version"] = hidden(page, "version")
    return fields


def post_move(client, ref: str, action: str, on=TODAY, reason: str = "", *, fields=None,
              confirm: bool = True, **extra):
    url = f"/staff/cases/{ref}/move/{action}"
    data = dict(fields or form_fields(client, url))
    data["on"] = parts(on) if isinstance(on, date) else on
    data["reason"] = reason
    if confirm:
        data["confirm"] = "y"
    for name, value in extra.items():
        data[name] = parts(value) if isinstance(value, date) else value
    return client.post(url, data=data)


def moved(client, ref: str, action: str, on=TODAY, reason: str = "", **extra):
    response = post_move(client, ref, action, on, reason, **extra)
    assert response.status_code == 302, error_summary(text_of(response))
    assert response.headers["Location"].endswith(f"/staff/cases/{ref}")
    return response


def post_form(client, url: str, data: dict, from_page: str | None = None):
    return client.post(url, data={**form_fields(client, from_page or url), **data})


def case_page(client, ref: str) -> str:
    response = client.get(f"/staff/cases/{ref}")
    assert response.status_code == 200
    return text_of(response)


def household(ref: str) -> Household:
    db.session.expire_all()
    return db.session.scalar(select(Household).where(Household.reference == ref))


def events(ref: str, kind: str | None = None) -> list[CaseEvent]:
    query = (select(CaseEvent).join(Household, Household.id == CaseEvent.household_id)
             .where(Household.reference == ref).order_by(CaseEvent.id))
    if kind:
        query = query.where(CaseEvent.kind == kind)
    return list(db.session.scalars(query))


def audit_rows(object_id: int, action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == "household", AuditEvent.object_id == str(object_id),
        AuditEvent.action == action).order_by(AuditEvent.id)))


# --- people ---

@pytest.fixture
def team():
    return make_team("North team")


@pytest.fixture
def sam(client, team):
    """An assessing social worker in the North team, signed in on ``client``."""
    user = make_staff("assessing_social_worker", name="Sam Jones", team=team)
    sign_in(client, user)
    return user


@pytest.fixture
def sams_case(sam, team):
    """Make a case allocated to Sam: ``sams_case(stage, pathway=..., **dates)``."""

    def make(stage, pathway="mainstream", **fields):
        return make_household(pathway, stage, team=team, workers=[sam], **fields).reference

    return make


@pytest.fixture
def checks_all_in(monkeypatch):
    """Every Stage 1 item and required check received. The checks ledger (its own feature,
    with its own tests) is what the transition forms ask; here it answers "all in"."""
    from carers.checks.ledger import Ledger, NameList

    monkeypatch.setattr(Ledger, "stage1_complete", property(lambda self: True))
    monkeypatch.setattr(Ledger, "stage1_outstanding", property(lambda self: NameList()))
    monkeypatch.setattr(Ledger, "outstanding", property(lambda self: NameList()))
    monkeypatch.setattr(Ledger, "reg24_outstanding", property(lambda self: NameList()))


def other_client(app, user=None):
    """Another person's browser. Its requests run in their own application context: the
    ordinary test client shares the test's, and with it flask-login's cached user."""
    client = isolated_client(app)
    if user is not None:
        sign_in(client, user)
    return client


# --- opening cases ---

ENQUIRED_AT = datetime(2027, 1, 4, 9, 30, tzinfo=UTC)  # Monday 4 January 2027
HOUSEHOLD = [
    {"name": "Dafydd O'Brien", "relationship_to_enquirer": "partner", "age": 44,
     "applying": True},
    {"name": "Cerys O'Brien", "relationship_to_enquirer": "child", "age": 12,
     "applying": False},
]


def open_case(client, enquiry) -> str:
    detail = f"/staff/enquiries/{enquiry.reference}"
    response = post_form(client, f"{detail}/open-case", {}, from_page=detail)
    assert response.status_code == 302
    match = re.fullmatch(r".*/staff/cases/(FC-[A-Z0-9]+)", response.headers["Location"])
    assert match, response.headers["Location"]
    return match.group(1)


def test_opening_a_case_from_an_enquiry_makes_a_mainstream_case_at_enquiry(client, sam, team):
    enquiry = make_enquiry(received_at=ENQUIRED_AT, people=HOUSEHOLD)
    ref = open_case(client, enquiry)

    case = household(ref)
    assert (case.pathway, case.stage) == ("mainstream", "enquiry")
    assert case.stage_since == case.enquiry_received_on == date(2027, 1, 4)
    assert case.enquiry_id == enquiry.id and case.team_id == team.id
    assert [w.id for w in case.workers] == [sam.id]
    assert [(m.name, m.relationship_to_applicant, m.is_applicant) for m in case.members] == [
        ("Siân O'Brien", "applicant", True), ("Dafydd O'Brien", "partner", True),
        ("Cerys O'Brien", "child", False)]
    assert case.name == "Siân O'Brien and Dafydd O'Brien"
    assert (case.email, case.postcode) == ("sian.obrien@example.com", "NM1 2AB")

    page = case_page(client, ref)
    assert f"Case {ref} opened" in flashes(page)
    assert stage_line(page) == "Enquiry, since 4 January 2027"
    assert "Cerys O'Brien" in plain(page) and "Child, aged 12 at enquiry" in plain(page)
    assert "Sam Jones (North team)" in plain(page)
    [opened] = timeline(page)
    assert opened["summary"] == f"Case opened from enquiry {enquiry.reference}"
    assert opened["meta"].startswith("4 January 2027 · recorded by Sam Jones 1 June 2027 at")
    assert deadlines(page)["First response to enquiry"] == ("5 January 2027", "Overdue")
    assert len(audit_rows(case.id, "create")) == 1

    # Opening it again (a second click, another tab) goes to the same case.
    assert open_case(client, enquiry) == ref
    assert db.session.scalar(select(func.count(Household.id))) == 1


def test_opening_a_case_from_a_kinship_enquiry_makes_a_referral(client, sam):
    enquiry = make_enquiry(pathway="kinship", received_at=ENQUIRED_AT, child_name="Mia O'Brien",
                           child_relationship="grandparent")
    ref = open_case(client, enquiry)
    case = household(ref)
    assert (case.pathway, case.stage) == ("connected_person", "referral")
    assert case.referral_received_on == date(2027, 1, 4) and case.enquiry_received_on is None
    assert case.child_name == "Mia O'Brien"
    assert case.child_relationship.lower() == "grandparent"
    page = case_page(client, ref)
    assert stage_line(page) == "Referral, since 4 January 2027"
    assert "Connected person (kinship)" in plain(page)
    assert "The child Name Mia O'Brien" in plain(page)


def test_an_enquiry_already_answered_opens_with_first_contact_recorded(client, sam):
    enquiry = make_enquiry(received_at=ENQUIRED_AT,
                           first_response_at=datetime(2027, 1, 5, 11, tzinfo=UTC))
    ref = open_case(client, enquiry)
    case = household(ref)
    assert case.first_response_on == date(2027, 1, 5)
    # The worker is not asked to record it again: the case is at initial contact.
    assert (case.stage, case.stage_since) == ("initial_contact", date(2027, 1, 5))
    page = case_page(client, ref)
    assert stage_line(page) == "Initial contact, since 5 January 2027"
    assert "Record first contact" not in page
    assert "Record initial visit" in page
    assert deadlines(page)["First response to enquiry"][1].startswith("Met")
    assert timeline(page)[0]["summary"] == f"First contact recorded on enquiry {enquiry.reference}"


def test_a_case_opened_from_an_enquiry_keeps_its_pets_and_household(client, sam):
    enquiry = make_enquiry(received_at=ENQUIRED_AT, people=HOUSEHOLD, has_pets=True,
                           pets_details="Two cats and an elderly labrador")
    ref = open_case(client, enquiry)
    checks_page = text_of(client.get(f"/staff/cases/{ref}/checks"))
    assert "Yes: Two cats and an elderly labrador" in plain(checks_page)
    assert "Pets assessment" in plain(checks_page)
    assert "Cerys O'Brien" in plain(checks_page)


def test_a_kinship_case_opened_from_an_enquiry_keeps_what_she_told_us_about_the_child(
        client, sam):
    enquiry = make_enquiry(pathway="kinship", received_at=ENQUIRED_AT, child_name="Mia O'Brien",
                           child_relationship="grandparent", child_lives_with_enquirer=True,
                           child_living_since=date(2026, 11, 2), child_age=6,
                           child_council="Northmoor Council",
                           child_details="Mia came to me when her mum went into hospital.")
    ref = open_case(client, enquiry)
    case = household(ref)
    assert (case.child_placed_on, case.child_placing_authority) == (
        date(2026, 11, 2), "Northmoor Council")
    page = case_page(client, ref)
    assert "Lives with the carer since 2 November 2026" in plain(page)
    opened = timeline(page)[-1]
    assert opened["summary"] == f"Case opened from enquiry {enquiry.reference}"
    assert "The child's age: 6" in opened["body"]
    assert "Mia came to me when her mum went into hospital." in opened["body"]


# --- the mainstream pathway, end to end ---

MAINSTREAM_STEPS = [
    # action, date, reason, stage afterwards, extra fields
    ("record_first_contact", date(2027, 1, 5), "Phoned back; info pack sent",
     "Initial contact", {}),
    ("record_initial_visit", date(2027, 1, 8), "Visited at home: two spare rooms",
     "Initial visit", {}),
    ("receive_application", date(2027, 2, 1), "", "Application received", {}),
    ("start_stage1", date(2027, 2, 3), "", "Stage 1: checks and references", {}),
    ("start_stage2", date(2027, 3, 1), "Skills to Foster booked",
     "Stage 1: checks and references (Stage 2 started Mon 1 Mar 2027)", {}),
    ("complete_stage1", date(2027, 4, 1), "All checks back",
     "Stage 2: assessment and training", {}),
    ("complete_assessment", date(2027, 5, 20), "Form F signed off",
     "Stage 2: assessment and training", {}),
    ("book_panel", date(2027, 6, 1), "", "Ready for panel",
     {"panel_date": date(2027, 6, 15)}),
]

LABELS = {
    "record_first_contact": "Record first contact",
    "record_initial_visit": "Record initial visit",
    "receive_application": "Record application received",
    "start_stage1": "Start Stage 1 checks",
    "start_stage2": "Record Stage 2 started alongside Stage 1",
    "complete_stage1": "Complete Stage 1 and continue to Stage 2",
    "complete_assessment": "Record assessment report completed",
    "book_panel": "Book panel",
}


def test_a_mainstream_case_goes_from_first_contact_to_ready_for_panel(client, sam,
                                                                     checks_all_in):
    ref = open_case(client, make_enquiry(received_at=ENQUIRED_AT, people=HOUSEHOLD))
    since = {"Initial contact": "5 January 2027", "Initial visit": "8 January 2027",
             "Application received": "1 February 2027"}
    for number, (action, on, reason, stage, extra) in enumerate(MAINSTREAM_STEPS, start=1):
        before = household(ref)
        version_before, stage_before = before.version, before.stage
        page = case_page(client, ref)
        assert f"/staff/cases/{ref}/move/{action}" in page, f"no button for {action}"
        form_page = text_of(client.get(f"/staff/cases/{ref}/move/{action}"))
        assert hidden(form_page, "version") == str(version_before)

        response = moved(client, ref, action, on, reason, **extra)
        page = text_of(client.get(response.headers["Location"]))

        # the stage, on the page and in the row
        assert stage_line(page).startswith(stage), (action, stage_line(page))
        if stage in since:
            assert stage_line(page) == f"{stage}, since {since[stage]}"
        after = household(ref)
        assert after.version > version_before
        # the timeline: who, when, why
        entry = timeline(page)[0]
        who_when = f"{LABELS[action]} by Sam Jones on {on:%a} {on.day} {on:%b %Y}"
        assert entry["summary"] == who_when
        assert entry["meta"].startswith(
            f"{on.day} {on:%B %Y} · recorded by Sam Jones 1 June 2027 at")
        assert entry["body"] == (reason or None)
        assert (f"{who_when}: {reason}" if reason else who_when) in flashes(page)
        event = events(ref, CaseEvent.TRANSITION)[-1]
        assert (event.action, event.user_id, event.happened_on) == (action, sam.id, on)
        assert event.from_stage == stage_before and event.to_stage == after.stage
        assert len(events(ref, CaseEvent.TRANSITION)) == number
        assert [a.detail for a in audit_rows(after.id, "update")][-1] == {"action": action}

        clocks = deadlines(page)
        if action == "record_first_contact":
            assert clocks["First response to enquiry"] == ("5 January 2027", "Met")
        if action == "record_initial_visit":
            assert clocks["Initial home visit"] == ("11 January 2027", "Met")
        if action == "receive_application":
            # NMS 14.4: panel recommendation within 8 months of the application
            assert clocks["Panel recommendation within 8 months"] == ("1 October 2027",
                                                                      "On track")
            assert (after.next_due_on, after.next_due_label) == (
                date(2027, 10, 1), "Panel recommendation within 8 months")
        if action == "start_stage1":
            assert clocks["Stage 1 decision"] == ("Not started", "Not started")
        if action == "book_panel":
            # NMS 14.3: papers 5 working days before Tue 15 June 2027
            assert clocks["Panel papers sent"] == ("8 June 2027", "On track")
            assert clocks["Panel recommendation within 8 months"][0] == "1 October 2027"
            assert (after.next_due_on, after.next_due_label) == (
                date(2027, 6, 8), "Panel papers sent")
            assert after.panel_date == date(2027, 6, 15)
            assert event.details == {"panel_date": "2027-06-15"}

    final = household(ref)
    assert final.stage == "ready_for_panel"
    assert (final.first_response_on, final.initial_visit_on, final.application_received_on,
            final.stage2_started_on, final.stage1_completed_on,
            final.assessment_completed_on) == (
        date(2027, 1, 5), date(2027, 1, 8), date(2027, 2, 1), date(2027, 3, 1),
        date(2027, 4, 1), date(2027, 5, 20))
    page = case_page(client, ref)
    buttons = re.findall(rf'href="/staff/cases/{ref}/move/([a-z0-9_]+)"', page)
    assert set(buttons) == {"record_recommendation", "defer_panel", "withdraw"}


def test_an_application_can_follow_first_contact_without_a_visit(client, sams_case):
    ref = sams_case("initial_contact", stage_since=date(2027, 1, 5))
    moved(client, ref, "receive_application", date(2027, 1, 20))
    assert household(ref).stage == "application_received"


def test_a_withdrawal_records_the_ofsted_code_and_closes_the_case(client, sams_case):
    ref = sams_case("stage2", application_received_on=date(2027, 2, 1),
                    stage_since=date(2027, 4, 1))
    moved(client, ref, "withdraw", date(2027, 5, 3), "Moving abroad for work",
          withdrawal_code="AW3")
    case = household(ref)
    assert (case.stage, case.withdrawal_code, case.closed_on) == (
        "withdrawn", "AW3", date(2027, 5, 3))
    page = case_page(client, ref)
    [entry] = timeline(page)
    assert entry["summary"] == (
        "Record withdrawal by Sam Jones on Mon 3 May 2027 (AW3: Household circumstances "
        "changed (non-financial))")
    assert entry["body"] == "Moving abroad for work"
    assert stage_line(page) == "Withdrawn, since 3 May 2027"
    # Nothing more can happen, unless the household comes back and applies again.
    assert re.findall(rf'href="/staff/cases/{ref}/move/([a-z0-9_]+)"', page) == ["reopen"]


def test_a_withdrawn_household_that_comes_back_applies_again(client, sams_case, team, app):
    ref = sams_case("stage2", application_received_on=date(2027, 2, 1),
                    stage_since=date(2027, 4, 1))
    moved(client, ref, "withdraw", date(2027, 5, 3), "Money worries", withdrawal_code="AW4")
    response = post_move(client, ref, "reopen", date(2027, 5, 24), "They want to go on")
    assert error_summary(text_of(response))[1] == ["Only a manager can re-open a withdrawn case."]
    manager = other_client(app, make_staff("team_manager", name="Morgan Lee", team=team))
    moved(manager, ref, "reopen", date(2027, 5, 24), "Finances settled; they want to go on")
    case = household(ref)
    assert (case.stage, case.application_received_on, case.closed_on, case.withdrawal_code) \
        == ("application_received", date(2027, 5, 24), None, None)
    assert timeline(case_page(client, ref))[0]["body"] == "Finances settled; they want to go on"
    # The spells kept beside the timeline, change by change, are those the timeline gives.
    kept = [(s.stage, s.from_stage, s.entered_on, s.left_on, s.working_days, s.withdrawal_code,
             s.application_on) for s in db.session.scalars(
        select(StageSpell).where(StageSpell.household_id == case.id).order_by(StageSpell.id))]
    worked_out = [(r["stage"], r["from_stage"], r["entered_on"], r["left_on"], r["working_days"],
                   r["withdrawal_code"], r["application_on"]) for r in spells.computed([case.id])]
    assert [row[0] for row in kept] == ["stage2", "withdrawn", "application_received"]
    assert kept[1:] == worked_out[1:]  # the opening day is the factory's, not the timeline's
    assert kept[1][5] == "AW4" and kept[2][6] == date(2027, 5, 24)
    assert kept[0][3] == date(2027, 5, 3)  # Stage 2 left on the day of the withdrawal


# --- refusals: the guards, through the web ---

REFUSALS = [
    pytest.param(
        "mainstream", "enquiry", {"received_on": date(2027, 1, 4)}, "record_first_contact",
        {"on": date(2027, 6, 2)}, ["The date Wed 2 Jun 2027 is in the future."],
        id="date-in-the-future"),
    pytest.param(
        "mainstream", "initial_visit", {"stage_since": date(2027, 1, 8)},
        "receive_application", {"on": date(2027, 1, 7)},
        ["The date Thu 7 Jan 2027 is before the case reached 'Initial visit' on "
         "Fri 8 Jan 2027."], id="date-before-the-current-stage"),
    pytest.param(
        "mainstream", "stage1",
        {"stage_since": date(2027, 2, 3), "application_received_on": date(2027, 2, 1)},
        "start_stage2", {"on": date(2027, 1, 25)},
        ["The date Mon 25 Jan 2027 is before the application was received on "
         "Mon 1 Feb 2027. Stage 2 cannot start before the application."],
        id="stage2-before-the-application"),
    pytest.param(
        "mainstream", "stage1",
        {"stage_since": date(2027, 2, 1), "application_received_on": date(2027, 2, 1)},
        "complete_stage1", {"on": date(2027, 1, 29)},
        ["The date Fri 29 Jan 2027 is before the case reached 'Stage 1: checks and "
         "references' on Mon 1 Feb 2027.",
         "The date Fri 29 Jan 2027 is before the application was received on Mon 1 Feb 2027."],
        id="stage1-completed-before-the-application"),
    pytest.param(
        "mainstream", "stage1",
        {"stage_since": date(2027, 2, 3), "application_received_on": date(2027, 2, 1),
         "stage2_started_on": date(2027, 3, 1)},
        "complete_assessment", {"on": date(2027, 2, 26)},
        ["The date Fri 26 Feb 2027 is before Stage 2 started on Mon 1 Mar 2027."],
        id="stage2-completed-before-it-started"),
    pytest.param(
        "mainstream", "stage1",
        {"stage_since": date(2027, 2, 3), "application_received_on": date(2027, 2, 1),
         "stage1_last_item_on": date(2027, 5, 3)},
        "stage1_unsuitable", {"reason": "References raised concerns"},
        ["A Stage 1 notice had to be given by Mon 17 May 2027 (10 working days after the "
         "last Stage 1 item). The case has moved to Stage 2: take a brief report to panel "
         "instead."], id="stage1-notice-too-late"),
    pytest.param(
        "mainstream", "stage2",
        {"stage_since": date(2027, 4, 1), "application_received_on": date(2027, 2, 1)},
        "book_panel", {"panel_date": date(2027, 6, 22)},
        ["Complete the assessment report, or share a brief report, before booking panel."],
        id="panel-without-a-report"),
    pytest.param(
        "mainstream", "stage2",
        {"stage_since": date(2027, 4, 1), "application_received_on": date(2027, 2, 1),
         "assessment_completed_on": date(2027, 5, 20)},
        "book_panel", {"panel_date": date(2027, 6, 4)},
        ["Panel papers must reach members 5 working days before the meeting (NMS 14.3); for "
         "Fri 4 Jun 2027 that was Thu 27 May 2027. Choose a later panel."],
        id="panel-too-soon-for-papers"),
    pytest.param(
        "mainstream", "stage2",
        {"stage_since": date(2027, 4, 1), "application_received_on": date(2027, 2, 1),
         "brief_report_shared_on": date(2027, 5, 28)},
        "book_panel", {"panel_date": date(2027, 6, 8)},
        ["The applicant has until Mon 14 Jun 2027 to comment on the brief report; book a "
         "later panel or record their comments first."], id="brief-report-comment-window"),
    pytest.param(
        "mainstream", "ready_for_panel",
        {"stage_since": date(2027, 5, 20), "application_received_on": date(2027, 2, 1),
         "panel_date": date(2027, 6, 15)},
        "record_recommendation", {"recommendation": "suitable"},
        ["The date Tue 1 Jun 2027 is before the panel meeting on Tue 15 Jun 2027."],
        id="recommendation-before-panel"),
    pytest.param(
        "mainstream", "agency_decision",
        {"stage_since": date(2027, 5, 20), "application_received_on": date(2027, 2, 1)},
        "not_approve", {"reason": "Panel concerns upheld"},
        ["Issue a qualifying determination first: the applicant then has 28 days to make "
         "representations or apply to the IRM."], id="refusal-without-a-qd"),
    pytest.param(
        "mainstream", "agency_decision",
        {"stage_since": date(2027, 5, 10), "application_received_on": date(2027, 2, 1),
         "qd_issued_on": date(2027, 5, 20)},
        "approve", {},
        ["The applicant has until Thu 17 Jun 2027 to make representations or apply to the "
         "IRM; the final decision comes after that."], id="decision-inside-the-qd-window"),
    pytest.param(
        "connected_person", "viability_assessment", {"stage_since": date(2027, 3, 2)},
        "grant_reg24", {"placed_on": date(2027, 5, 28), "nominated_officer": "Jo Patel",
                        "nominated_officer_on": date(2027, 5, 28)},
        ["Before temporary approval, assess the carer, the home and every adult in the "
         "household against CPPCR Schedule 4."], id="reg24-without-assessing-the-household"),
    pytest.param(
        "connected_person", "full_assessment",
        {"stage_since": date(2027, 3, 15), "reg24_approved_on": date(2027, 3, 8)},
        "extend_reg24",
        {"reason": "Assessment delayed", "extension_weeks": "9",
         "placement_reconsidered": "y", "panel_views_sought": "y", "iro_informed": "y",
         "nominated_officer": "Jo Patel", "nominated_officer_on": date(2027, 3, 20)},
        ["A regulation 25 extension can be at most 8 weeks; 9 weeks were given."],
        id="reg25-extension-over-8-weeks"),
    pytest.param(
        "connected_person", "full_assessment",
        {"stage_since": date(2027, 3, 15), "reg24_approved_on": date(2027, 3, 8)},
        "extend_reg24", {"reason": "Assessment delayed", "extension_weeks": "4",
                         "iro_informed": "y", "nominated_officer": "Jo Patel",
                         "nominated_officer_on": date(2027, 3, 20)},
        ["Before extending (CPPCR reg 25): reconsider whether the placement is still the most "
         "appropriate; seek the fostering panel's views."], id="reg25-conditions-not-met"),
    pytest.param(
        "connected_person", "full_assessment",
        {"stage_since": date(2027, 1, 15), "reg24_approved_on": date(2027, 1, 1)},
        "extend_reg24",
        {"reason": "Assessment delayed", "extension_weeks": "4",
         "placement_reconsidered": "y", "panel_views_sought": "y", "iro_informed": "y",
         "nominated_officer": "Jo Patel", "nominated_officer_on": date(2027, 5, 1)},
        ["Temporary approval lapsed on Fri 23 Apr 2027; it cannot be extended after that."],
        id="reg25-extension-after-lapse"),
]


@pytest.mark.parametrize(("pathway", "stage", "dates", "action", "data", "expected"), REFUSALS)
def test_a_refused_change_shows_why_in_an_error_summary_and_changes_nothing(
        client, sams_case, pathway, stage, dates, action, data, expected):
    ref = sams_case(stage, pathway=pathway, **dates)
    before = household(ref)
    before = (before.stage, before.version)
    data = dict(data)
    response = post_move(client, ref, action, data.pop("on", TODAY), data.pop("reason", ""),
                         **data)
    assert response.status_code == 200
    page = text_of(response)
    summary = error_summary(page)
    assert summary is not None, "no error summary"
    assert summary[0] == "This change cannot be made yet"
    for message in expected:
        assert message in summary[1]
    assert title_of(page).startswith("Error: ")
    after = household(ref)
    assert (after.stage, after.version) == before
    assert events(ref, CaseEvent.TRANSITION) == []
    assert audit_rows(after.id, "update") == []


def test_stage1_cannot_be_completed_while_its_items_are_outstanding(client, sams_case):
    ref = sams_case("stage1", stage_since=date(2027, 2, 3),
                    application_received_on=date(2027, 2, 1))
    response = post_move(client, ref, "complete_stage1", date(2027, 5, 3))
    assert response.status_code == 200
    title, messages = error_summary(text_of(response))
    assert title == "This change cannot be made yet"
    assert messages[0].startswith("Stage 1 is not complete until every Stage 1 item is "
                                  "received: Enhanced DBS")
    assert household(ref).stage == "stage1"


def test_only_a_manager_can_book_panel_with_checks_outstanding(client, sams_case, team, app):
    ref = sams_case("stage2", stage_since=date(2027, 4, 1),
                    application_received_on=date(2027, 2, 1),
                    assessment_completed_on=date(2027, 5, 20))
    url = f"/staff/cases/{ref}/move/book_panel"
    assert 'name="override_reason"' not in text_of(client.get(url))
    response = post_move(client, ref, "book_panel", panel_date=date(2027, 6, 15))
    messages = errors(text_of(response))
    assert messages[0].startswith("Required checks are outstanding: ")
    assert messages[0].endswith("A manager can book panel anyway by giving a reason.")
    # a manager must give the reason
    manager = other_client(app, make_staff("team_manager", name="Morgan Lee", team=team))
    assert 'name="override_reason"' in text_of(manager.get(url))
    response = post_move(manager, ref, "book_panel", panel_date=date(2027, 6, 15))
    assert errors(text_of(response))[0].startswith("Required checks are outstanding: ")
    assert household(ref).stage == "stage2"
    moved(manager, ref, "book_panel", panel_date=date(2027, 6, 15),
          override_reason="Panel date agreed with the family; DBS due this week")
    assert household(ref).stage == "ready_for_panel"
    event = events(ref, CaseEvent.TRANSITION)[-1]
    assert event.details["override_reason"] == (
        "Panel date agreed with the family; DBS due this week")
    assert event.details["outstanding_checks"].startswith("Enhanced DBS")


UNAVAILABLE = [
    pytest.param("mainstream", "initial_contact", {}, "withdraw",
                 "There is no application yet, so this is not an Ofsted withdrawal: close the "
                 "case as 'closed before application' instead.", id="withdraw-before-applying"),
    pytest.param("mainstream", "stage1", {"application_received_on": date(2027, 2, 1)},
                 "complete_assessment", "Stage 2 has not started yet.",
                 id="stage2-completed-before-it-started"),
    pytest.param("connected_person", "full_assessment",
                 {"reg24_approved_on": date(2027, 3, 8), "reg24_extension_weeks": 4,
                  "reg24_extended_on": date(2027, 5, 1)}, "extend_reg24",
                 "Temporary approval has already been extended once; regulation 25 allows only "
                 "one extension.", id="second-reg25-extension"),
    pytest.param("mainstream", "withdrawn", {"withdrawal_code": "AW1"}, "record_first_contact",
                 "The case is closed at 'Withdrawn'; nothing more can change in its pipeline.",
                 id="closed-case"),
    pytest.param("connected_person", "referral", {}, "stage1_unsuitable",
                 "A Stage 1 notice applies to mainstream applicants only.",
                 id="stage1-notice-on-kinship"),
]


@pytest.mark.parametrize(("pathway", "stage", "dates", "action", "message"), UNAVAILABLE)
def test_an_impossible_change_sends_the_worker_back_to_the_case_saying_why(
        client, sams_case, pathway, stage, dates, action, message):
    ref = sams_case(stage, pathway=pathway, **dates)
    before = household(ref)
    before = (before.stage, before.version)
    assert f"/move/{action}" not in case_page(client, ref)  # no button for it
    url = f"/staff/cases/{ref}/move/{action}"
    response = client.get(url, follow_redirects=True)
    assert response.request.path == f"/staff/cases/{ref}"
    assert message in flashes(text_of(response))
    # posting anyway (an old tab) is refused the same way
    token = csrf_token(text_of(response))
    response = client.post(url, data={"csrf_token": token, "version": str(before[1]),
                                      "on": parts(TODAY), "confirm": "y", "reason": "x",
                                      "withdrawal_code": "AW1", "extension_weeks": "2"})
    assert response.status_code == 302
    after = household(ref)
    assert (after.stage, after.version) == before
    assert events(ref, CaseEvent.TRANSITION) == []


FORM_ERRORS = [
    pytest.param("stage2", "withdraw", {"reason": "Changed their mind"},
                 ["Select the reason for withdrawing"], id="withdrawal-without-an-AW-code"),
    pytest.param("stage2", "withdraw", {"reason": "Changed their mind",
                                        "withdrawal_code": "AW9"},
                 ["Select the reason for withdrawing"], id="withdrawal-with-an-unknown-code"),
    pytest.param("stage2", "withdraw", {"withdrawal_code": "AW2"}, ["Give a reason"],
                 id="withdrawal-without-a-reason"),
    pytest.param("stage2", "withdraw", {"withdrawal_code": "AW2", "reason": "x" * 10_000},
                 ["Reason must be 5,000 characters or fewer"], id="reason-of-10000-characters"),
    pytest.param("initial_contact", "record_initial_visit", {"confirm": None},
                 ["Confirm the details are correct"], id="not-confirmed"),
    pytest.param("initial_contact", "record_initial_visit", {"on": ["", "", ""]},
                 ["Enter the date"], id="no-date"),
    pytest.param("initial_contact", "record_initial_visit", {"on": ["31", "2", "2027"]},
                 ["Date must be a real date"], id="31-february"),
    pytest.param("initial_contact", "record_initial_visit", {"on": ["1", "13", "2027"]},
                 ["Date must be a real date"], id="month-13"),
    pytest.param("initial_contact", "record_initial_visit", {"on": ["one", "2", "2027"]},
                 ["Date must be a real date, in numbers"], id="date-in-words"),
    pytest.param("initial_contact", "record_initial_visit", {"on": ["1", "", "2027"]},
                 ["Date must include a month"], id="date-without-a-month"),
    pytest.param("initial_contact", "record_initial_visit", {"on": ["1", "2", "27"]},
                 ["Year must include 4 numbers"], id="two-digit-year"),
    pytest.param("initial_contact", "record_initial_visit",
                 {"on": ["99999999999999999999", "2", "2027"]}, ["Date must be a real date"],
                 id="huge-day"),
    pytest.param("ready_for_panel", "record_recommendation", {},
                 ["Select the panel's recommendation"], id="no-recommendation"),
    pytest.param("ready_for_panel", "record_recommendation", {"recommendation": "maybe"},
                 ["Select the panel's recommendation"], id="unknown-recommendation"),
    pytest.param("stage2", "book_panel", {}, ["Enter the panel meeting date"],
                 id="panel-without-a-date"),
    pytest.param("stage2", "book_panel", {"panel_date": ["30", "2", "2027"]},
                 ["Panel meeting date must be a real date"], id="panel-on-30-february"),
]


@pytest.mark.parametrize(("stage", "action", "data", "expected"), FORM_ERRORS)
def test_bad_input_on_a_transition_form_gives_a_clear_error(client, sams_case, stage, action,
                                                           data, expected):
    ref = sams_case(stage, application_received_on=date(2027, 2, 1),
                    stage_since=date(2027, 1, 5), panel_date=date(2027, 5, 28))
    version = household(ref).version
    fields = {**form_fields(client, f"/staff/cases/{ref}/move/{action}"),
              "on": parts(date(2027, 5, 31)), "confirm": "y"}
    fields.update(data)
    fields = {k: v for k, v in fields.items() if v is not None}
    response = client.post(f"/staff/cases/{ref}/move/{action}", data=fields)
    assert response.status_code == 200
    page = text_of(response)
    assert error_summary(page)[0] == "There is a problem"
    assert errors(page) == expected
    assert title_of(page).startswith("Error: ")
    assert household(ref).version == version


@pytest.mark.parametrize("extension_weeks, message", [
    ("", "Enter the length of the extension in weeks"),
    ("eight", "Extension in weeks must be a whole number, like 2"),
    ("-4", "Extension in weeks must be a whole number, like 2"),
    ("53", "Extension must be between 1 and 52 weeks"),
    ("0", "Extension must be between 1 and 52 weeks"),
    ("9" * 40, "Extension in weeks must be a whole number, like 2"),
])
def test_bad_extension_lengths_give_a_clear_error(client, sams_case, extension_weeks, message):
    ref = sams_case("full_assessment", pathway="connected_person",
                    stage_since=date(2027, 3, 15), reg24_approved_on=date(2027, 3, 8))
    response = post_move(client, ref, "extend_reg24", TODAY, "Assessment delayed",
                         extension_weeks=extension_weeks, nominated_officer="Jo Patel",
                         nominated_officer_on=TODAY)
    assert response.status_code == 200
    assert errors(text_of(response)) == [message]


def test_an_unknown_action_or_case_is_not_found(client, sams_case):
    ref = sams_case("enquiry")
    assert client.get(f"/staff/cases/{ref}/move/teleport").status_code == 404
    assert client.get(f"/staff/cases/{ref}/move/").status_code == 404
    assert post_move(client, ref, "record_first_contact", fields={
        "csrf_token": form_fields(client, f"/staff/cases/{ref}")["csrf_token"]}
    ).status_code == 409  # no version: out of date, shown again
    token = form_fields(client, f"/staff/cases/{ref}")["csrf_token"]
    assert client.post(f"/staff/cases/{ref}/move/teleport",
                       data={"csrf_token": token}).status_code == 404
    assert client.get("/staff/cases/FC-NOPE/move/record_first_contact").status_code == 404
    assert client.get("/staff/cases/FC-NOPE").status_code == 404
    assert client.get("/staff/cases/%3Cscript%3E").status_code == 404


def test_a_form_with_a_tampered_version_is_treated_as_out_of_date(client, sams_case):
    ref = sams_case("enquiry", received_on=date(2027, 1, 4))
    for version in ["", "abc", "-1", "99999999999999999999999"]:
        response = post_move(client, ref, "record_first_contact", date(2027, 1, 5),
                             fields={**form_fields(client, f"/staff/cases/{ref}/move/"
                                                           "record_first_contact"),
                                     "version": version})
        assert response.status_code == 409
        assert "This case changed since you opened it" in text_of(response)
    assert household(ref).stage == "enquiry"


# --- the kinship pathway ---

def test_a_staff_kinship_referral_goes_through_reg24_to_ready_for_panel(client, sam, team,
                                                                       checks_all_in):
    response = post_form(client, "/staff/referrals/new", {
        "carer_name": "Grace Smith", "phone": "07700 900 123",
        "child_name": "Amy Smith", "child_date_of_birth": ["2", "5", "2019"],
        "child_la_reference": "LA-12345", "child_relationship": "Maternal grandmother",
        "received_on": ["1", "3", "2027"],
    })
    assert response.status_code == 302, errors(text_of(response))
    ref = response.headers["Location"].rsplit("/", 1)[1]
    case = household(ref)
    assert (case.pathway, case.stage, case.stage_since) == (
        "connected_person", "referral", date(2027, 3, 1))
    assert (case.child_name, case.child_date_of_birth, case.child_la_reference,
            case.child_relationship) == ("Amy Smith", date(2019, 5, 2), "LA-12345",
                                         "Maternal grandmother")
    assert [w.id for w in case.workers] == [sam.id] and case.team_id == team.id
    page = case_page(client, ref)
    assert f"Kinship referral {ref} created" in flashes(page)
    assert ("The child Name Amy Smith Date of birth 2 May 2019 Local authority reference "
            "LA-12345 Carer's relationship Maternal grandmother") in plain(page)
    assert timeline(page)[0]["summary"] == "Kinship referral for Amy Smith received"

    moved(client, ref, "start_viability", date(2027, 3, 2))
    assert household(ref).stage == "viability_assessment"
    moved(client, ref, "grant_reg24", date(2027, 3, 8), household_assessed="y",
          placed_on=date(2027, 3, 8), nominated_officer="Jo Patel",
          nominated_officer_on=date(2027, 3, 8))
    page = case_page(client, ref)
    assert stage_line(page) == "Temporary approval (regulation 24), since 8 March 2027"
    # 16 weeks from Monday 8 March 2027
    assert deadlines(page)["Regulation 24 temporary approval"] == ("28 June 2027", "On track")
    moved(client, ref, "start_full_assessment", date(2027, 3, 15))
    page = case_page(client, ref)
    assert stage_line(page) == ("Full assessment (child placed under regulation 24), "
                                "since 15 March 2027")

    reg25 = {"placement_reconsidered": "y", "panel_views_sought": "y", "iro_informed": "y",
             "nominated_officer": "Ade Okafor", "nominated_officer_on": TODAY}
    moved(client, ref, "extend_reg24", TODAY, "Form C delayed by illness",
          extension_weeks="4", **reg25)
    page = case_page(client, ref)
    assert deadlines(page)["Regulation 24 temporary approval"] == ("26 July 2027", "On track")
    assert timeline(page)[0]["body"] == "Form C delayed by illness"
    assert events(ref, CaseEvent.TRANSITION)[-1].details == {
        "extension_weeks": "4", "nominated_officer": "Ade Okafor",
        "nominated_officer_on": str(TODAY)}
    # regulation 25 allows one extension only
    assert "/move/extend_reg24" not in page
    response = client.get(f"/staff/cases/{ref}/move/extend_reg24", follow_redirects=True)
    assert ("Temporary approval has already been extended once; regulation 25 allows only "
            "one extension.") in flashes(text_of(response))

    moved(client, ref, "complete_assessment", date(2027, 5, 28), "")
    moved(client, ref, "book_panel", TODAY, panel_date=date(2027, 6, 15))
    case = household(ref)
    assert (case.stage, case.reg24_approved_on, case.reg24_extension_weeks,
            case.assessment_completed_on, case.panel_date) == (
        "ready_for_panel", date(2027, 3, 8), 4, date(2027, 5, 28), date(2027, 6, 15))
    page = case_page(client, ref)
    assert stage_line(page) == ("Ready for panel (child placed under regulation 24), "
                                "since 1 June 2027")
    assert deadlines(page)["Panel papers sent"] == ("8 June 2027", "On track")
    assert [e.to_stage for e in events(ref, CaseEvent.TRANSITION)] == [
        "viability_assessment", "reg24_temporary_approval", "full_assessment",
        "full_assessment", "full_assessment", "ready_for_panel"]


REFERRAL = {"carer_name": "Grace Smith", "phone": "", "child_name": "Amy Smith",
            "child_date_of_birth": ["2", "5", "2019"], "child_la_reference": "LA-12345",
            "child_relationship": "Maternal grandmother", "received_on": ["1", "3", "2027"]}


@pytest.mark.parametrize("changes, expected", [
    ({k: "" for k in REFERRAL} | {"child_date_of_birth": ["", "", ""],
                                  "received_on": ["", "", ""]},
     ["Enter the carer's full name", "Enter the child's full name",
      "Enter the child's date of birth",
      "Enter the local authority's reference for the child",
      "Enter the carer's relationship to the child",
      "Enter the date the referral was received"]),
    ({"child_date_of_birth": ["29", "2", "2019"]}, ["Child's date of birth must be a real date"]),
    ({"child_date_of_birth": ["2", "5", "2028"]},
     ["Child's date of birth cannot be in the future"]),
    ({"received_on": ["2", "6", "2027"]},
     ["The date the referral was received cannot be in the future"]),
    ({"carer_name": "   "}, ["Enter the carer's full name"]),
    ({"carer_name": "G" * 10_000}, ["Carer's full name must be 200 characters or fewer"]),
    ({"child_name": "A" * 10_000}, ["Child's full name must be 200 characters or fewer"]),
    ({"child_la_reference": "L" * 10_000},
     ["The local authority's reference must be 50 characters or fewer"]),
    ({"child_relationship": "R" * 10_000},
     ["Carer's relationship to the child must be 100 characters or fewer"]),
    ({"phone": "0" * 10_000}, ["Telephone number must be 30 characters or fewer"]),
])
def test_a_referral_with_bad_input_gives_a_clear_error(client, sam, changes, expected):
    response = post_form(client, "/staff/referrals/new", {**REFERRAL, **changes})
    assert response.status_code == 200
    page = text_of(response)
    assert errors(page) == expected
    assert title_of(page).startswith("Error: ")
    assert db.session.scalar(select(func.count(Household.id))) == 0


# --- who may do what ---

def test_a_recruitment_officer_not_on_the_case_can_read_it_but_not_change_it(
        client, team, sams_case, app):
    ref = sams_case("enquiry")
    alex = make_staff("recruitment_officer", name="Alex Green", team=team)
    reader = other_client(app, alex)
    page = text_of(reader.get(f"/staff/cases/{ref}"))
    assert "You can read this case. Only its allocated workers and their team manager can "\
           "change it." in plain(page)
    assert "/move/" not in page and f"/staff/cases/{ref}/notes" not in page
    assert reader.get(f"/staff/cases/{ref}/move/record_first_contact").status_code == 403
    assert reader.get(f"/staff/cases/{ref}/move/teleport").status_code == 403
    assert reader.get(f"/staff/cases/{ref}/allocation").status_code == 403
    token = csrf_token(page)
    for url, data in [(f"/staff/cases/{ref}/notes", {"text": "Sneaky note"}),
                      (f"/staff/cases/{ref}/move/record_first_contact",
                       {"on": parts(TODAY), "confirm": "y", "version": "1"}),
                      (f"/staff/cases/{ref}/tasks", {"title": "x"}),
                      (f"/staff/cases/{ref}/allocation", {"workers": [str(alex.id)]})]:
        assert reader.post(url, data={"csrf_token": token, **data}).status_code == 403, url
    assert events(ref, CaseEvent.NOTE) == [] and household(ref).stage == "enquiry"


def test_the_team_manager_of_the_case_can_change_it_but_not_another_teams(client, team,
                                                                         sams_case, app):
    ref = sams_case("enquiry", received_on=date(2027, 1, 4))
    manager = other_client(app, make_staff("team_manager", name="Morgan Lee", team=team))
    moved(manager, ref, "record_first_contact", date(2027, 1, 5), "Called back")
    assert household(ref).stage == "initial_contact"
    assert "Record first contact by Morgan Lee" in timeline(case_page(manager, ref))[0]["summary"]

    elsewhere = other_client(app, make_staff("team_manager", team=make_team("South team")))
    # Another team's manager cannot even read the case.
    assert elsewhere.get(f"/staff/cases/{ref}").status_code == 403
    assert elsewhere.get(f"/staff/cases/{ref}/move/record_initial_visit").status_code == 403
    assert elsewhere.get(f"/staff/cases/{ref}/oversight").status_code == 403


def test_panel_members_and_anonymous_visitors_cannot_see_cases(client, app, sams_case):
    ref = sams_case("enquiry")
    panel = other_client(app, make_staff("panel_member"))
    for url in ["/staff/pipeline", f"/staff/cases/{ref}", "/staff/my-work",
                f"/staff/cases/{ref}/move/record_first_contact", "/staff/referrals/new"]:
        assert panel.get(url).status_code == 403, url
        response = other_client(app).get(url)
        assert response.status_code == 302, url
        assert "/staff/sign-in?next=" in response.headers["Location"]
    assert audit_rows(household(ref).id, "view") == []


# --- notes and tasks ---

def test_a_note_appears_on_the_timeline_escaped(client, sams_case):
    ref = sams_case("enquiry")
    note = 'Called <script>alert("x")</script> & left a message\nWill try again Friday'
    response = post_form(client, f"/staff/cases/{ref}/notes", {"text": note},
                         from_page=f"/staff/cases/{ref}")
    assert response.status_code == 302
    page = case_page(client, ref)
    entry = timeline(page)[0]
    assert entry["summary"] == "Case note by Sam Jones"
    assert entry["body"] == " ".join(note.split())
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; left a message" in entry["raw"]
    [event] = events(ref, CaseEvent.NOTE)
    assert event.body == note.replace("\r", "")
    assert [a.detail for a in audit_rows(household(ref).id, "update")] == [{"note": True}]


@pytest.mark.parametrize("note, message", [
    ("", "Enter the note"),
    ("   \n  ", "Enter the note"),
    ("x" * 10_001, "Case note must be 10,000 characters or fewer"),
])
def test_a_bad_note_gives_a_clear_error(client, sams_case, note, message):
    ref = sams_case("enquiry")
    response = post_form(client, f"/staff/cases/{ref}/notes", {"text": note},
                         from_page=f"/staff/cases/{ref}")
    assert response.status_code == 200
    page = text_of(response)
    assert errors(page) == [message]
    assert title_of(page).startswith("Error: ")
    assert events(ref, CaseEvent.NOTE) == []


def test_a_note_of_10000_characters_is_kept_whole(client, sams_case):
    ref = sams_case("enquiry")
    note = ("Long note. " * 1000)[:10_000]
    response = post_form(client, f"/staff/cases/{ref}/notes", {"text": note},
                         from_page=f"/staff/cases/{ref}")
    assert response.status_code == 302
    assert events(ref, CaseEvent.NOTE)[0].body == note.strip()


def add_task(client, ref, title, owner, due):
    return post_form(client, f"/staff/cases/{ref}/tasks", {
        "title": title, "owner": str(owner.id) if hasattr(owner, "id") else owner,
        "due_on": parts(due) if isinstance(due, date) else due}, from_page=f"/staff/cases/{ref}")


def test_tasks_reach_the_owners_my_work_overdue_first_and_can_be_marked_done(
        client, sams_case, sam, team, app, clock):
    ref = sams_case("stage1", application_received_on=date(2027, 2, 1))
    alex = make_staff("recruitment_officer", name="Alex Green", team=team)
    assert add_task(client, ref, "Chase the GP medical", alex, date(2027, 6, 4)).status_code \
        == 302
    assert add_task(client, ref, "Book the second home visit", alex, date(2027, 6, 21)) \
        .status_code == 302
    assert add_task(client, ref, "Write up the visit", sam, date(2027, 6, 2)) \
        .status_code == 302
    page = case_page(client, ref)
    assert [e["summary"] for e in timeline(page)[:3]] == [
        "Task for Sam Jones, due 2 Jun 2027: Write up the visit",
        "Task for Alex Green, due 21 Jun 2027: Book the second home visit",
        "Task for Alex Green, due 4 Jun 2027: Chase the GP medical"]
    assert "Chase the GP medical – Alex Green, due 4 June 2027" in plain(page)

    clock.move_to(datetime(2027, 6, 8, 9, 0, tzinfo=LONDON))  # a week later
    alexs = other_client(app, alex)
    my_work = text_of(alexs.get("/staff/my-work"))
    tasks = [plain(t) for t in re.findall(r"<li class=\"govuk-!-margin-bottom-3\">(.*?)</li>",
                                          my_work, re.S)]
    assert len(tasks) == 2
    assert tasks[0].startswith("Overdue Chase the GP medical – due 4 June 2027")
    assert tasks[1].startswith("Book the second home visit – due 21 June 2027")
    assert "Write up the visit" not in my_work  # Sam's, not Alex's

    [task] = db.session.scalars(select(Task).where(Task.title == "Chase the GP medical"))
    response = alexs.post(f"/staff/tasks/{task.id}/done?next=my-work",
                          data={"csrf_token": csrf_token(my_work)})
    assert response.status_code == 302 and response.headers["Location"].endswith(
        "/staff/my-work")
    my_work = text_of(alexs.get("/staff/my-work"))
    assert "Task done: Chase the GP medical" in flashes(my_work)
    assert "Chase the GP medical" not in my_work.split("My cases")[0].replace(
        "Task done: Chase the GP medical", "")
    db.session.expire_all()
    assert db.session.get(Task, task.id).done_at is not None
    assert timeline(case_page(alexs, ref))[0]["summary"] == (
        "Task done by Alex Green: Chase the GP medical")
    details = [a.detail for a in audit_rows(household(ref).id, "update")]
    # The trail names tasks by id, never by their titles (docs/records.md).
    titles = ["Chase the GP medical", "Book the second home visit", "Write up the visit"]
    ids = [db.session.scalar(select(Task.id).where(Task.title == t)) for t in titles]
    assert details == [*({"task": i} for i in ids), {"task_done": task.id}]
    # marking it done again changes nothing
    alexs.post(f"/staff/tasks/{task.id}/done", data={"csrf_token": csrf_token(my_work)})
    assert len(audit_rows(household(ref).id, "update")) == 4


@pytest.mark.parametrize("title, owner, due, expected", [
    ("", "", ["", "", ""], ["Enter the task", "Select who will do it", "Enter the due date"]),
    ("  \t ", "alex", ["4", "6", "2027"], ["Enter the task"]),
    ("T" * 10_000, "alex", ["4", "6", "2027"], ["Task must be 200 characters or fewer"]),
    ("Chase", "999999", ["4", "6", "2027"], ["Select who will do it"]),
    ("Chase", "not-a-number", ["4", "6", "2027"], ["Select who will do it"]),
    ("Chase", "elsewhere", ["4", "6", "2027"], ["Select who will do it"]),
    ("Chase", "alex", ["31", "6", "2027"], ["Due date must be a real date"]),
    ("Chase", "alex", ["4", "", ""], ["Due date must include a month and year"]),
])
def test_a_bad_task_gives_a_clear_error(client, sams_case, team, title, owner, due, expected):
    ref = sams_case("enquiry")
    alex = make_staff("recruitment_officer", name="Alex Green", team=team)
    elsewhere = make_staff("recruitment_officer", team=make_team("South team"))
    owner = {"alex": str(alex.id), "elsewhere": str(elsewhere.id)}.get(owner, owner)
    response = add_task(client, ref, title, owner, due)
    assert response.status_code == 200
    page = text_of(response)
    assert errors(page) == expected
    assert db.session.scalar(select(func.count(Task.id))) == 0


def test_marking_an_unknown_or_someone_elses_task_done(client, sams_case, sam, team, app):
    ref = sams_case("enquiry")
    token = csrf_token(case_page(client, ref))
    assert client.post("/staff/tasks/999999/done", data={"csrf_token": token}).status_code \
        == 404
    assert client.post("/staff/tasks/abc/done", data={"csrf_token": token}).status_code == 404
    add_task(client, ref, "Chase references", sam, date(2027, 6, 4))
    task = db.session.scalar(select(Task))
    outsider = other_client(app, make_staff("recruitment_officer", team=team))
    page = text_of(outsider.get("/staff/my-work"))
    response = outsider.post(f"/staff/tasks/{task.id}/done", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(Task, task.id).done_at is None


# --- management oversight ---

def test_a_team_manager_records_oversight_on_the_timeline(client, team, sams_case, app):
    ref = sams_case("stage1", application_received_on=date(2027, 2, 1))
    version = household(ref).version
    manager = other_client(app, make_staff("team_manager", name="Morgan Lee", team=team))
    assert "Record management oversight" in case_page(manager, ref)
    assert "Record management oversight" not in case_page(client, ref)
    response = post_form(manager, f"/staff/cases/{ref}/oversight", {
        "reviewed": "The checks ledger and both references",
        "decision": "Proceed to Stage 2",
        "reasons": "References are positive; the DBS disclosure was discussed and is "
                   "historic."})
    assert response.status_code == 302
    page = case_page(manager, ref)
    assert "Management oversight recorded" in flashes(page)
    entry = timeline(page)[0]
    assert entry["summary"] == "Management oversight by Morgan Lee: Proceed to Stage 2"
    assert "Management oversight" in entry["meta"]
    assert "The checks ledger and both references" in plain(entry["raw"])
    assert ("References are positive; the DBS disclosure was discussed and is historic."
            in plain(entry["raw"]))
    after = household(ref)
    assert after.version > version
    assert [a.detail for a in audit_rows(after.id, "update")] == [{"oversight": True}]


def test_a_recruitment_officer_cannot_record_oversight(client, sams_case, app, team):
    ref = sams_case("stage1")
    officer = make_staff("recruitment_officer", team=team)
    officers = other_client(app, officer)
    assert officers.get(f"/staff/cases/{ref}/oversight").status_code == 403
    token = csrf_token(case_page(officers, ref))
    assert officers.post(f"/staff/cases/{ref}/oversight", data={
        "csrf_token": token, "reviewed": "File", "decision": "Go", "reasons": "Because",
        "version": "1"}).status_code == 403
    # even when allocated to the case
    assert client.get(f"/staff/cases/{ref}/oversight").status_code == 403
    assert events(ref, CaseEvent.OVERSIGHT) == []


@pytest.mark.parametrize("decision, reasons, expected", [
    ("", "", ["Enter the decision", "Enter the reasons for the decision"]),
    ("   ", "\n\n", ["Enter the decision", "Enter the reasons for the decision"]),
    ("D" * 10_000, "Fine", ["Decision must be 300 characters or fewer"]),
    ("Go", "R" * 10_001, ["Reasons must be 10,000 characters or fewer"]),
])
def test_bad_oversight_gives_a_clear_error(client, team, sams_case, app, decision, reasons,
                                           expected):
    ref = sams_case("stage1")
    manager = other_client(app, make_staff("team_manager", team=team))
    response = post_form(manager, f"/staff/cases/{ref}/oversight",
                         {"reviewed": "The file", "decision": decision, "reasons": reasons})
    assert response.status_code == 200
    assert errors(text_of(response)) == expected
    assert events(ref, CaseEvent.OVERSIGHT) == []


# --- allocation ---

def test_allocation_changes_the_workers_and_is_on_the_timeline(client, sams_case, team, sam):
    ref = sams_case("stage1")
    alex = make_staff("recruitment_officer", name="Alex Green", team=team)
    response = post_form(client, f"/staff/cases/{ref}/allocation",
                         {"workers": [str(sam.id), str(alex.id)]})
    assert response.status_code == 302
    case = household(ref)
    assert sorted(w.name for w in case.workers) == ["Alex Green", "Sam Jones"]
    assert timeline(case_page(client, ref))[0]["summary"] == (
        "Allocated to Sam Jones, Alex Green by Sam Jones")
    response = post_form(client, f"/staff/cases/{ref}/allocation", {"workers": ["999999"]})
    assert response.status_code == 200
    assert errors(text_of(response)) == ["Select workers from the list"]
    assert len(household(ref).workers) == 2


# --- the board ---

def board_counts(page: str) -> dict[str, dict[str, int]]:
    found = tables(page)
    return {pathway: {row[0]: int(row[1]) for row in found[pathway]}
            for pathway in ("Mainstream fostering", "Connected person (kinship)")}


def test_the_board_counts_cases_per_stage_on_each_pathway(client, sam, team):
    for stage, n in [("enquiry", 3), ("stage1", 2), ("withdrawn", 1)]:
        for _ in range(n):
            make_household("mainstream", stage, team=team)
    for stage, n in [("referral", 2), ("full_assessment", 1), ("ready_for_panel", 1)]:
        for _ in range(n):
            make_household("connected_person", stage, team=team)
    make_household("mainstream", "ready_for_panel")
    page = text_of(client.get("/staff/pipeline"))
    counts = board_counts(page)
    mainstream, kinship = counts["Mainstream fostering"], counts["Connected person (kinship)"]
    assert mainstream == {
        "Enquiry": 3, "Initial contact": 0, "Initial visit": 0, "Application received": 0,
        "Stage 1: checks and references": 2, "Stage 2: assessment and training": 0,
        "Ready for panel": 1, "Panel recommendation made": 0,
        "With the agency decision maker": 0, "Approved": 0, "Withdrawn": 1,
        "Not suitable at Stage 1": 0, "Not approved": 0, "Closed before application": 0}
    assert kinship == {
        "Referral": 2, "Viability assessment": 0, "Temporary approval (regulation 24)": 0,
        "Full assessment": 1, "Ready for panel": 1, "Panel recommendation made": 0,
        "With the agency decision maker": 0, "Approved": 0, "Withdrawn": 0,
        "Not approved": 0, "Closed before application": 0}
    assert "<h2 class=\"govuk-heading-m\">11 cases</h2>" in page
    # each count links to its cases
    link = re.search(r'<a [^>]*href="([^"]+)">Stage 1: checks and references</a>',
                     page).group(1)
    listed = text_of(client.get(htmllib.unescape(link)))
    assert len(case_links(listed)) == 2
    # counts follow the filters (other than the stage)
    counts = board_counts(text_of(client.get(f"/staff/pipeline?team={team.id}&stage=stage1")))
    assert counts["Mainstream fostering"]["Ready for panel"] == 0
    assert counts["Mainstream fostering"]["Enquiry"] == 3


def allocations_disagreeing_with_their_cases() -> list:
    """Allocations whose copy of their case's team, pathway, stage or erasure (kept by the
    database) differs from the case; and teams, pathways and stages whose count in
    ``board_count`` differs from the cases."""
    worker = Household.workers.property.secondary
    wrong = db.session.execute(
        select(worker.c.household_id, worker.c.user_id).join(
            Household, Household.id == worker.c.household_id).where(
            (worker.c.team_key != func.coalesce(Household.team_id, 0))
            | (worker.c.pathway != Household.pathway) | (worker.c.stage != Household.stage)
            | (worker.c.live != Household.erased_at.is_(None)))).all()
    counted = {(t, p, s): n for t, p, s, n in db.session.execute(
        select(BoardCount.team_key, BoardCount.pathway, BoardCount.stage, BoardCount.cases)
        .where(BoardCount.cases != 0))}
    team_key = func.coalesce(Household.team_id, literal_column("0"))
    cases = {(t, p, s): n for t, p, s, n in db.session.execute(
        select(team_key, Household.pathway, Household.stage, func.count())
        .where(Household.erased_at.is_(None))
        .group_by(team_key, Household.pathway, Household.stage))}
    return wrong + ([("board_count", counted, cases)] if counted != cases else [])


def test_a_workers_cases_in_another_team_are_counted_as_they_move(client, sam, team):
    """Sam reads the North team's cases and their own anywhere else: those are counted from
    Sam's allocations, which follow each case through its stages, teams and erasure."""
    south = make_team("South team")
    mine = make_household("mainstream", "stage1", team=south, workers=[sam])
    make_household("mainstream", "stage1", team=south)  # not Sam's: not counted
    make_household("connected_person", "referral", workers=[sam])  # no team
    assert allocations_disagreeing_with_their_cases() == []
    counts = board_counts(text_of(client.get("/staff/pipeline")))
    assert counts["Mainstream fostering"]["Stage 1: checks and references"] == 1
    assert counts["Connected person (kinship)"]["Referral"] == 1
    assert "2 cases allocated to you" in text_of(client.get("/staff/my-work"))

    mine.stage = "stage2"
    db.session.commit()
    counts = board_counts(text_of(client.get(f"/staff/pipeline?team={south.id}")))
    assert counts["Mainstream fostering"]["Stage 1: checks and references"] == 0
    assert counts["Mainstream fostering"]["Stage 2: assessment and training"] == 1
    assert counts["Connected person (kinship)"]["Referral"] == 0  # not in the South team

    mine.team_id = team.id  # now in Sam's own team: counted once, not twice
    db.session.commit()
    assert allocations_disagreeing_with_their_cases() == []
    counts = board_counts(text_of(client.get("/staff/pipeline")))
    assert counts["Mainstream fostering"]["Stage 2: assessment and training"] == 1

    mine.team_id = south.id
    mine.erased_at = datetime.now(UTC)
    db.session.commit()
    assert allocations_disagreeing_with_their_cases() == []
    counts = board_counts(text_of(client.get("/staff/pipeline")))
    assert counts["Mainstream fostering"]["Stage 2: assessment and training"] == 0
    assert "1 case allocated to you" in text_of(client.get("/staff/my-work"))

    another = make_staff("assessing_social_worker", name="Ali Khan", team=south)
    kinship = db.session.scalar(select(Household).where(Household.pathway == "connected_person"))
    kinship.workers.append(another)
    kinship.workers.remove(sam)
    db.session.commit()
    assert allocations_disagreeing_with_their_cases() == []
    assert "No cases are allocated to you" in text_of(client.get("/staff/my-work"))
    db.session.delete(kinship)
    db.session.commit()
    assert allocations_disagreeing_with_their_cases() == []
    assert db.session.scalar(select(func.count()).select_from(
        Household.workers.property.secondary)) == 1  # the erased case keeps Sam, for figures


def test_the_board_filters_by_worker_team_pathway_and_deadline(client, sam, team):
    alex = make_staff("recruitment_officer", name="Alex Green", team=team)
    south = make_team("South team")
    cases = {
        "overdue": make_household("mainstream", "enquiry", team=team, workers=[sam],
                                  next_due_on=date(2027, 5, 31)),
        "due_today": make_household("mainstream", "stage1", team=team, workers=[alex],
                                    next_due_on=TODAY),
        "due_soon": make_household("connected_person", "referral", team=south,
                                   workers=[sam, alex], next_due_on=date(2027, 6, 3)),
        "on_track": make_household("mainstream", "stage2", team=south,
                                   next_due_on=date(2027, 6, 4)),
        "later": make_household("connected_person", "full_assessment", team=team,
                                next_due_on=date(2027, 10, 1)),
        "none": make_household("mainstream", "approved", team=south, next_due_on=None),
    }
    ref = {name: h.reference for name, h in cases.items()}
    # Sam sees only the North team's cases and his own: the filters are shown to someone
    # who works across the agency.
    assert case_links(text_of(client.get("/staff/pipeline"))) == [
        ref[n] for n in ("overdue", "due_today", "due_soon", "later")]
    client = isolated_client(client.application)
    sign_in(client, make_staff("agency_decision_maker"))

    def listed(query=""):
        return case_links(text_of(client.get(f"/staff/pipeline{query}")))

    # most urgent first; no deadline last
    assert listed() == [ref[n] for n in ("overdue", "due_today", "due_soon", "on_track",
                                         "later", "none")]
    assert listed(f"?worker={sam.id}") == [ref["overdue"], ref["due_soon"]]
    assert listed(f"?worker={alex.id}") == [ref["due_today"], ref["due_soon"]]
    assert listed(f"?team={south.id}") == [ref["due_soon"], ref["on_track"], ref["none"]]
    assert listed("?pathway=connected_person") == [ref["due_soon"], ref["later"]]
    assert listed("?clock=overdue") == [ref["overdue"]]
    # due soon: today up to 2 working days ahead (Thu 3 June)
    assert listed("?clock=due_soon") == [ref["due_today"], ref["due_soon"]]
    assert listed("?clock=on_track") == [ref["on_track"], ref["later"]]
    assert listed("?clock=none") == [ref["none"]]
    assert listed(f"?clock=due_soon&worker={alex.id}&team={team.id}&pathway=mainstream") == [
        ref["due_today"]]
    assert listed("?stage=stage2&pathway=mainstream") == [ref["on_track"]]
    # filters people cannot have chosen are ignored, never an error
    for junk in ["?worker=abc", "?team=999999", "?clock=someday", "?pathway=<b>",
                 "?stage=nope", "?page=-3", "?page=abc", "?page=99999999999999999999",
                 "?worker=" + "9" * 30, "?team=%00"]:
        response = client.get(f"/staff/pipeline{junk}")
        assert response.status_code == 200, junk
        assert len(case_links(text_of(response))) == 6, junk


def test_the_board_shows_25_cases_a_page(client, sam, team):
    bulk_households(30, "mainstream", "stage1", team=team,
                    next_due_on=lambda i: date(2027, 7, 1 + i))
    bulk_households(3, "connected_person", "referral", team=team)
    first = text_of(client.get("/staff/pipeline?pathway=mainstream"))
    assert "<h2 class=\"govuk-heading-m\">30 cases</h2>" in first
    assert len(case_links(first)) == 25
    next_link = re.search(r'<a class="govuk-link govuk-pagination__link" href="([^"]+)" '
                          r'rel="next">', first)
    assert next_link, "no link to the next page"
    href = htmllib.unescape(next_link.group(1))
    assert "page=2" in href and "pathway=mainstream" in href
    second = text_of(client.get(href))
    assert len(case_links(second)) == 5
    assert not set(case_links(first)) & set(case_links(second))
    everything = db.session.scalars(select(Household.reference).where(
        Household.pathway == "mainstream").order_by(Household.next_due_on)).all()
    assert case_links(first) + case_links(second) == everything
    # a page past the end shows the last page
    assert case_links(text_of(client.get("/staff/pipeline?pathway=mainstream&page=7"))) == \
        case_links(second)


# --- my work ---

def test_my_work_lists_my_cases_most_urgent_first(client, sam, team):
    later = make_household("mainstream", "stage1", team=team, workers=[sam],
                           next_due_on=date(2027, 9, 1))
    sooner = make_household("mainstream", "enquiry", team=team, workers=[sam],
                            next_due_on=date(2027, 5, 1))
    make_household("mainstream", "enquiry", team=team, next_due_on=date(2027, 4, 1))
    page = text_of(client.get("/staff/my-work"))
    assert case_links(page) == [sooner.reference, later.reference]
    assert "2 cases allocated to you" in plain(page)
    assert "You have no open tasks." in page


# --- the audit trail ---

def test_every_view_of_a_case_and_every_change_is_audited(client, sams_case, sam, team, app):
    ref = sams_case("enquiry", received_on=date(2027, 1, 4))
    case_id = household(ref).id
    for _ in range(3):
        case_page(client, ref)
    views = audit_rows(case_id, "view")
    assert len(views) == 3 and {v.user_id for v in views} == {sam.id}
    assert audit_rows(case_id, "update") == []

    moved(client, ref, "record_first_contact", date(2027, 1, 5))
    post_form(client, f"/staff/cases/{ref}/notes", {"text": "Hello"}, f"/staff/cases/{ref}")
    add_task(client, ref, "Phone them", sam, date(2027, 6, 4))
    post_form(client, f"/staff/cases/{ref}/allocation", {"workers": [str(sam.id)]})
    manager = other_client(app, make_staff("team_manager", team=team))
    post_form(manager, f"/staff/cases/{ref}/oversight",
              {"reviewed": "File", "decision": "Go", "reasons": "Ok"})
    task = db.session.scalar(select(Task))
    client.post(f"/staff/tasks/{task.id}/done",
                data={"csrf_token": csrf_token(case_page(client, ref))})
    updates = audit_rows(case_id, "update")
    assert [a.detail for a in updates] == [
        {"action": "record_first_contact"}, {"note": True}, {"task": task.id},
        {"allocation": True}, {"oversight": True}, {"task_done": task.id}]
    assert all(a.user_id is not None for a in updates)
    # and so was each case page shown in between (for the note, the task and "done" forms)
    assert len(audit_rows(case_id, "view")) == 3 + 3


# --- nothing anyone posts gives a server error ---

GARBAGE = ["", "   ", "\x00", "x\x00y", "x" * 10_000, "٣", "-1", "9" * 30, "<b>&amp;</b>",
           "'; DROP TABLE household; --"]
FORMS = {
    "record_initial_visit": ["on", "reason", "confirm", "version"],
    "withdraw": ["on", "reason", "confirm", "version", "withdrawal_code"],
    "book_panel": ["on", "reason", "confirm", "version", "panel_date", "override_reason"],
    "record_recommendation": ["on", "reason", "confirm", "version", "recommendation"],
    "extend_reg24": ["on", "reason", "confirm", "version", "extension_weeks",
                     "placement_reconsidered"],
    "notes": ["text"],
    "tasks": ["title", "owner", "due_on"],
    "allocation": ["workers", "version"],
    "oversight": ["reviewed", "decision", "reasons", "version", "rows", "action_1", "owner_1",
                  "due_on_1", "action_5", "owner_5", "due_on_5"],
    "referral": list(REFERRAL),
}
STAGE_FOR = {"record_initial_visit": ("mainstream", "initial_contact"),
             "withdraw": ("mainstream", "stage2"), "book_panel": ("mainstream", "stage2"),
             "record_recommendation": ("mainstream", "ready_for_panel"),
             "extend_reg24": ("connected_person", "full_assessment")}


@pytest.mark.parametrize("form", FORMS)
def test_no_form_gives_a_server_error_whatever_is_posted(client, sams_case, team, app, form):
    pathway, stage = STAGE_FOR.get(form, ("mainstream", "stage1"))
    ref = sams_case(stage, pathway=pathway, stage_since=date(2027, 1, 5),
                    application_received_on=date(2027, 2, 1),
                    reg24_approved_on=date(2027, 3, 8))
    url = {"notes": f"/staff/cases/{ref}/notes", "tasks": f"/staff/cases/{ref}/tasks",
           "allocation": f"/staff/cases/{ref}/allocation",
           "oversight": f"/staff/cases/{ref}/oversight",
           "referral": "/staff/referrals/new"}.get(form, f"/staff/cases/{ref}/move/{form}")
    poster = client
    if form == "oversight":
        poster = other_client(app, make_staff("team_manager", team=team))
    token = csrf_token(case_page(poster, ref))
    for value in GARBAGE:
        for shape in (value, [value, value, value], [value] * 7):
            response = poster.post(url, data={"csrf_token": token,
                                              **{field: shape for field in FORMS[form]}})
            assert response.status_code in (200, 302, 409), (form, value[:20], response.status_code)
            if response.status_code == 200:
                assert error_summary(text_of(response)), (form, value[:20])


# --- the child of a kinship case ---

def test_a_kinship_case_from_an_enquiry_gets_the_childs_details_and_moves_on(client, sam):
    enquiry = make_enquiry(pathway="kinship", received_at=ENQUIRED_AT, child_name="Mia O'Brien",
                           child_relationship="grandparent")
    ref = open_case(client, enquiry)
    child_url = f"/staff/cases/{ref}/child"

    # Viability needs the child's date of birth and reference: the refusal says so and links
    # to the page that takes them, as does the case page.
    refused = post_move(client, ref, "start_viability", date(2027, 1, 6))
    assert refused.status_code == 200
    assert "Enter the child's date of birth." in errors(text_of(refused))
    assert f'href="{child_url}"' in text_of(refused)
    page = case_page(client, ref)
    assert f'href="{child_url}"' in page
    assert "Enter the child's details" in plain(page)

    # A mistake keeps what was typed.
    fields = form_fields(client, child_url)
    typed = {"child_name": "Mia O'Brien", "child_date_of_birth": ["2", "5", "2019"],
             "child_la_reference": "NM-4471", "child_relationship": "Maternal grandmother",
             "child_placed_on": ["1", "5", "2019"], "child_placing_authority": "Northmoor"}
    wrong = client.post(child_url, data={**fields, **typed})
    assert wrong.status_code == 200
    assert ("The child cannot have come to live with the carer before they were born."
            in errors(text_of(wrong)))
    assert 'value="NM-4471"' in text_of(wrong)

    saved = client.post(child_url, data={**fields, **typed,
                                         "child_placed_on": ["20", "12", "2026"]})
    assert saved.status_code == 302
    case = household(ref)
    assert (case.child_date_of_birth, case.child_la_reference, case.child_relationship,
            case.child_placed_on, case.child_placing_authority) == (
        date(2019, 5, 2), "NM-4471", "Maternal grandmother", date(2026, 12, 20), "Northmoor")
    page = case_page(client, ref)
    assert "The child's details are saved" in flashes(page)
    assert "Lives with the carer since 20 December 2026" in plain(page)
    assert "Placing local authority Northmoor" in plain(page)
    assert "Enter the child's details" not in plain(page)

    moved(client, ref, "start_viability", date(2027, 1, 6))
    assert household(ref).stage == "viability_assessment"


def test_the_childs_details_page_is_for_kinship_cases_only(client, sams_case):
    ref = sams_case("stage1")
    response = client.get(f"/staff/cases/{ref}/child")
    assert response.headers["Location"].endswith(f"/staff/cases/{ref}")
    assert "Only a kinship case is about a named child" in flashes(case_page(client, ref))


# --- the initial visit ---

def test_recording_the_initial_visit_offers_the_booked_visit_and_keeps_the_link(
        client, sam, sams_case, app):
    from datetime import time

    from tests.factories import make_visit

    ref = sams_case("initial_contact", enquiry_received_on=date(2027, 5, 24),
                    first_response_on=date(2027, 5, 25), address="12 Chapel Street",
                    postcode="NM1 2AB")
    case = household(ref)
    held = make_visit(case, sam, date(2027, 5, 27), time(10), kind="initial_home_visit")
    make_visit(case, sam, date(2027, 5, 28), time(14), kind="assessment_session")  # not offered
    url = f"/staff/cases/{ref}/move/record_initial_visit"
    page = text_of(client.get(url))
    assert "Which visit was it?" in page
    assert "Initial home visit, Thursday 27 May 2027, 10:00am to 11:30am" in plain(page)
    assert "Friday 28 May 2027" not in plain(page)
    assert re.search(rf'value="{held.id}"[^>]*checked', page)
    # Its date is filled in.
    assert re.search(r'name="on"[^>]*value="27"', page)

    fields = form_fields(client, url)
    moved_to = client.post(url, data={**fields, "on": parts(date(2027, 5, 27)), "reason": "",
                                      "confirm": "y", "visit": str(held.id)})
    assert moved_to.status_code == 302, error_summary(text_of(moved_to))
    case = household(ref)
    assert (case.stage, case.initial_visit_on, case.initial_visit_id) == (
        "initial_visit", date(2027, 5, 27), held.id)
    assert events(ref, CaseEvent.TRANSITION)[-1].details == {"visit_id": str(held.id)}


def test_an_initial_visit_not_on_the_system_can_still_be_recorded(client, sam, sams_case):
    from datetime import time

    from tests.factories import make_visit

    ref = sams_case("initial_contact", enquiry_received_on=date(2027, 5, 24),
                    first_response_on=date(2027, 5, 25), address="12 Chapel Street")
    make_visit(household(ref), sam, date(2027, 6, 9), time(10), kind="initial_home_visit")
    unanswered = post_move(client, ref, "record_initial_visit", date(2027, 5, 27))
    assert unanswered.status_code == 200
    assert errors(text_of(unanswered)) == ["Select the visit, or that it is not on the system"]
    tampered = post_move(client, ref, "record_initial_visit", date(2027, 5, 27), visit="99999")
    assert errors(text_of(tampered)) == ["Select the visit, or that it is not on the system"]
    moved(client, ref, "record_initial_visit", date(2027, 5, 27), visit="none")
    case = household(ref)
    assert (case.stage, case.initial_visit_on, case.initial_visit_id) == (
        "initial_visit", date(2027, 5, 27), None)
