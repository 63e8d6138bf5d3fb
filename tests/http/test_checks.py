"""The checks ledger through the web: the case's checks table, recording checks, the Stage 1
and panel gates, referees' single-use links (with email on a real SMTP server), reminders,
the team list and its query count, documents, and bad input."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import event, func, select

from carers.audit.models import AuditEvent
from carers.cases.models import CaseEvent, Household, HouseholdMember
from carers.cases.operations import new_case_reference
from carers.checks import operations, rules
from carers.checks.models import Address, Check, CheckDocument, Referee, ReferenceResponse
from carers.core.dates import today
from carers.extensions import db
from carers.notifications.dispatch import send_due
from carers.notifications.models import OutboxMessage
from carers.settings.registry import load_settings
from tests.factories import (
    make_address,
    make_household,
    make_member,
    make_referee,
    make_staff,
    make_team,
    set_setting,
)
from tests.helpers import Browserless, client_for, csrf_token, html_of, isolated_client, sign_in
from tests.http.test_bad_input import assert_error_page
from tests.http.test_settings import all_settings

# Time is frozen in the tests that need exact dates: a Monday with no bank holiday near.
NOW = datetime(2027, 3, 1, 10, 0, tzinfo=UTC)
TODAY = date(2027, 3, 1)
LINK = re.compile(r"http://[^/\s]+(/reference/[A-Za-z0-9_\-]+)")


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def make_case(worker, *, stage="stage1", pathway="mainstream", name="Jo Bloggs", team=None,
              people=(), **dates) -> Household:
    household = Household(
        reference=new_case_reference(), name=name, pathway=pathway, stage=stage,
        stage_since=dates.pop("stage_since", date(2027, 1, 4)), team=team,
        application_received_on=dates.pop("application_received_on", date(2027, 1, 4)),
        **dates)
    household.members.append(HouseholdMember(
        position=0, name=name, relationship_to_applicant="applicant",
        date_of_birth=date(1985, 4, 2), is_applicant=True))
    for position, (person_name, relationship, born) in enumerate(people, start=1):
        household.members.append(HouseholdMember(
            position=position, name=person_name, relationship_to_applicant=relationship,
            date_of_birth=born, is_applicant=False))
    if worker is not None:
        household.workers.append(worker)
    db.session.add(household)
    db.session.commit()
    return household


def checks_of(household) -> dict[str, Check]:
    """The case's current checks as stored now (requests change them in sessions of their
    own, so rows this test already loaded are read again)."""
    rows = db.session.scalars(select(Check).where(Check.household_id == household.id,
                                                  Check.superseded.is_(False))
                              .execution_options(populate_existing=True))
    return {row.key: row for row in rows}


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return html_of(response)


def date_parts(d: date) -> list[str]:
    return [str(d.day), str(d.month), str(d.year)]


REG24_FIELDS = {"household_assessed": "y", "placed_on": date_parts(TODAY),
                "nominated_officer": "Jo Patel", "nominated_officer_on": date_parts(TODAY)}


def add_referee(forms, household, name, email, family="no"):
    url = f"/staff/cases/{household.reference}/referees/new"
    response = forms.submit(url, {"name": name, "email": email, "phone": "",
                                  "relationship_to_applicant": "Friend", "is_family": family,
                                  "known_since_years": "6", "version": str(household.version)})
    assert response.status_code == 302, html_of(response)
    db.session.expire_all()
    return db.session.scalar(select(Referee).where(Referee.name == name))


def receive_everything(household, user, on=TODAY, except_keys=(), stage1_only=False):
    """Record every required check as received (and referees interviewed) on ``on``, naming
    two referees first if there are none."""
    if not db.session.scalar(select(Referee.id).where(Referee.household_id == household.id)):
        for name in ("Pat Friend", "Lee Neighbour"):
            make_referee(household, name)
    operations.sync_required_checks(household, user)
    db.session.commit()
    for referee in db.session.scalars(select(Referee).where(
            Referee.household_id == household.id)):
        referee.interviewed_on = on
    for key, row in checks_of(household).items():
        if not row.required or key in except_keys or (stage1_only and not row.stage1):
            continue
        operations.record_check(row, user, requested_on=on - timedelta(days=20),
                                requested_from="", received_on=on, outcome="clear",
                                verified=True, expires_on=None, notes="")


def move(forms, household, action, **data):
    db.session.refresh(household)
    fields = {"version": str(household.version), "on": date_parts(data.pop("on", TODAY)),
              "reason": "", "confirm": "y", **data}
    return forms.submit(f"/staff/cases/{household.reference}/move/{action}", fields)


# --- the case's checks table ---

def test_the_checks_table_shows_who_what_status_dates_and_next_action(client, signed_in,
                                                                       frozen):
    worker = signed_in("assessing_social_worker")
    household = make_case(worker, people=[("Sam Bloggs", "child", date(2004, 1, 15))])
    case_page = page(client, f"/staff/cases/{household.reference}")
    assert "Checks and references" in case_page
    html = page(client, f"/staff/cases/{household.reference}/checks")
    assert re.search(r'<caption class="govuk-table__caption govuk-table__caption--m">'
                     r'(<span id="[\w-]+">)?Stage 1(</span>)?</caption>', html)
    for text in ["Enhanced DBS with children&#39;s barred list", "Jo Bloggs", "Sam Bloggs",
                 "Medical report", "home area (record the current address)",
                 "referee 1 (not yet named)", "Not requested", "Request it", "Name the referee",
                 "Home health and safety check", "Before panel"]:
        assert text in html, text
    # Viewing syncs the stored checks, once.
    stored = checks_of(household)
    assert {f"dbs:p{m.id}" for m in household.members} <= set(stored)
    assert all(row.attention_on == TODAY for row in stored.values())
    page(client, f"/staff/cases/{household.reference}/checks")
    assert db.session.scalar(select(func.count(Check.id))) == len(stored)
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.object_type == "household_checks")) == 2


def test_people_addresses_and_pets_keep_the_required_checks_current(client, forms, signed_in,
                                                                      frozen):
    worker = signed_in("assessing_social_worker")
    household = make_case(worker)
    base = f"/staff/cases/{household.reference}"
    page(client, f"{base}/checks")
    db.session.refresh(household)  # viewing the checks synced them, a change to the case

    response = forms.submit(f"{base}/people/new", {
        "name": "Sam Bloggs", "relationship_to_applicant": "child", "is_applicant": "no",
        "lives_in_household": "yes", "date_of_birth": ["15", "1", "2004"], "employer": "",
        "school": "", "version": str(household.version)})
    assert response.status_code == 302
    db.session.refresh(household)
    sam = db.session.scalar(select(HouseholdMember).where(HouseholdMember.name == "Sam Bloggs"))
    assert checks_of(household)[f"dbs:p{sam.id}"].required

    for line, council, start, end in [("1 High Street", "Northmoor Council", ["1", "3", "2023"],
                                       ["", "", ""]),
                                      ("9 Low Road", "Leeds City Council", ["1", "5", "2014"],
                                       ["28", "2", "2023"])]:
        db.session.refresh(household)
        response = forms.submit(f"{base}/addresses/new", {
            "line_1": line, "line_2": "", "town": "Town", "postcode": "ls1 4ap",
            "local_authority": council, "lived_from": start, "lived_to": end,
            "version": str(household.version)})
        assert response.status_code == 302, html_of(response)
    assert db.session.scalar(select(Address.postcode).where(Address.line_1 == "9 Low Road")) \
        == "LS1 4AP"
    stored = checks_of(household)
    assert stored["la:northmoor council"].required and stored["la:leeds city council"].required
    assert not stored["la:home"].required  # the placeholder is no longer needed

    db.session.refresh(household)
    forms.submit(f"{base}/household-details", {
        "has_pets": "yes", "pets_details": "A dog", "fostered_before": "yes",
        "previous_provider": "Bright Futures Fostering", "fostered_until": ["", "", ""],
        "version": str(household.version)})
    stored = checks_of(household)
    assert stored["pets"].required and stored["previous_provider"].stage1

    # Sam's DBS arrives, then Sam moves out: the check is no longer needed, but kept.
    operations.record_check(stored[f"dbs:p{sam.id}"], worker, requested_on=None,
                            requested_from="", received_on=date(2027, 2, 20),
                            outcome="clear", verified=False, expires_on=None, notes="")
    db.session.refresh(household)
    forms.submit(f"{base}/people/{sam.id}", {
        "name": "Sam Bloggs", "relationship_to_applicant": "child", "is_applicant": "no",
        "lives_in_household": "no", "date_of_birth": ["15", "1", "2004"], "employer": "",
        "school": "", "version": str(household.version)})
    row = checks_of(household)[f"dbs:p{sam.id}"]
    assert not row.required and row.received_on == date(2027, 2, 20)
    html = page(client, f"{base}/checks")
    assert "No longer needed" in html and "Does not live in the household" in html

    # Sam's name replaced on the details page stays in Sam's history (the date of birth,
    # unchanged, does not), shown on Sam's record.
    db.session.refresh(household)
    forms.submit(f"{base}/people/{sam.id}", {
        "name": "Samuel Bloggs", "relationship_to_applicant": "child", "is_applicant": "no",
        "lives_in_household": "no", "date_of_birth": ["15", "1", "2004"], "employer": "",
        "school": "", "version": str(household.version)})
    history = page(client, f"{base}/people/{sam.id}/record").split("Changes to these details")
    assert "Sam Bloggs" in history[1] and "Samuel Bloggs" in history[1]
    assert "Changed on the person&#39;s details page" in history[1]
    assert "15 January 2004" not in history[1]


def test_a_stale_form_is_refused_not_applied(client, forms, signed_in, frozen):
    worker = signed_in("assessing_social_worker")
    household = make_case(worker)
    stale = str(household.version)
    household.phone = "01632 960 001"
    db.session.commit()
    response = forms.submit(f"/staff/cases/{household.reference}/people/new", {
        "name": "Sam Bloggs", "relationship_to_applicant": "lodger", "is_applicant": "no",
        "lives_in_household": "yes", "date_of_birth": ["15", "1", "1990"],
        "employer": "Leeds Library", "school": "", "version": stale})
    # The same form again, with what was typed, the reason in the error summary and the
    # case's version now, so that saving again is a deliberate choice.
    assert response.status_code == 409
    html = html_of(response)
    assert "govuk-error-summary" in html
    assert "This case changed since you opened it" in html
    assert 'value="Sam Bloggs"' in html and 'value="Leeds Library"' in html
    db.session.refresh(household)
    version = re.search(r'<input[^>]*name="version"[^>]*>', html).group(0)
    assert f'value="{household.version}"' in version
    assert db.session.scalar(select(func.count(HouseholdMember.id))) == 1


def test_a_refused_check_comes_back_with_what_was_typed(client, forms, signed_in, frozen):
    worker = signed_in("assessing_social_worker")
    household = make_case(worker)
    page(client, f"/staff/cases/{household.reference}/checks")
    slot = next(row for key, row in checks_of(household).items()
                if key.startswith("reference:slot"))
    for name in ("Pat Friend", "Lee Neighbour"):
        db.session.refresh(household)
        add_referee(forms, household, name, f"{name.split()[0].lower()}@example.org")
    response = forms.submit(f"/staff/cases/{household.reference}/checks/{slot.id}", {
        "requested_on": ["4", "1", "2027"], "requested_from": "A neighbour",
        "received_on": ["", "", ""], "expires_on": ["", "", ""],
        "notes": "Phoned twice, no answer"})
    assert response.status_code == 200
    html = html_of(response)
    assert "govuk-error-summary" in html
    assert "This referee slot is no longer needed" in html
    assert "Phoned twice, no answer" in html and 'value="A neighbour"' in html
    db.session.refresh(slot)
    assert slot.notes is None and slot.requested_on is None


def test_recording_a_check_sets_its_dates_expiry_and_verifier(client, forms, signed_in,
                                                              frozen):
    worker = signed_in("assessing_social_worker")
    household = make_case(worker)
    page(client, f"/staff/cases/{household.reference}/checks")
    dbs = checks_of(household)[f"dbs:p{household.members[0].id}"]
    url = f"/staff/cases/{household.reference}/checks/{dbs.id}"
    assert "Record the check" in page(client, url)
    response = forms.submit(url, {
        "requested_on": ["4", "1", "2027"], "requested_from": "DBS",
        "received_on": ["10", "2", "2027"], "outcome": "clear", "verified": "y",
        "dbs_certificate_number": "001234567890", "dbs_issued_on": ["8", "2", "2027"],
        "dbs_update_service": "no", "dbs_update_checked_on": ["", "", ""],
        "expires_on": ["", "", ""], "notes": "Certificate 001234"}, follow=True)
    assert "Saved: Enhanced DBS" in html_of(response)
    db.session.refresh(dbs)
    assert (dbs.requested_on, dbs.received_on, dbs.outcome) == (
        date(2027, 1, 4), date(2027, 2, 10), "clear")
    assert dbs.expires_on == date(2030, 2, 10)  # the agency's 3-year renewal
    assert dbs.verified_by_id == worker.id and dbs.done_on == date(2027, 2, 10)
    assert dbs.attention_on == date(2030, 2, 10)
    html = page(client, f"/staff/cases/{household.reference}/checks")
    assert "10 February 2027" in html and "Clear" in html
    timeline = page(client, f"/staff/cases/{household.reference}")
    assert "Received: Enhanced DBS with children&#39;s barred list: Jo Bloggs" in timeline


@pytest.mark.parametrize(("data", "message"), [
    ({"received_on": ["10", "2", "2027"], "requested_on": ["11", "2", "2027"]},
     "Date received must be on or after the date requested"),
    ({"outcome": "clear"}, "Enter the date received before recording the outcome"),
    ({"received_on": ["10", "2", "2027"], "verified": "y"},
     "Record the outcome before verifying the check"),
    ({"received_on": ["31", "2", "2027"]}, "Date received must be a real date"),
    ({"received_on": ["1", "1", "2099"]}, "Date received must be today or in the past"),
    ({"received_on": ["10", "", "2027"]}, "Date received must include a month"),
    ({"received_on": ["1", "2", "2027"], "expires_on": ["1", "1", "2027"]},
     "Expiry date must be after the date received"),
    ({"outcome": "<script>"}, "Select one of the options"),
    ({"notes": "x" * 10001}, "Notes must be 10000 characters or fewer"),
    ({"received_on": ["1", "2", "2027", "4"]}, "Date received must be a real date"),
    ({"requested_on": ["99999999999999999999", "1", "2027"]},
     "Date requested must be a real date"),
])
def test_bad_input_on_a_check_gets_a_govuk_error_never_a_500(client, forms, signed_in, frozen,
                                                             data, message):
    worker = signed_in("assessing_social_worker")
    household = make_case(worker)
    page(client, f"/staff/cases/{household.reference}/checks")
    dbs = checks_of(household)[f"dbs:p{household.members[0].id}"]
    blank = {"requested_on": ["", "", ""], "requested_from": "", "received_on": ["", "", ""],
             "expires_on": ["", "", ""], "notes": ""}
    response = forms.submit(f"/staff/cases/{household.reference}/checks/{dbs.id}",
                            {**blank, **data})
    html = assert_error_page(response)
    assert message in html
    assert "<script>" not in html.split("<main")[1]
    db.session.refresh(dbs)
    assert dbs.received_on is None


@pytest.mark.parametrize(("path", "data", "message"), [
    ("people/new", {"name": "", "relationship_to_applicant": "child", "is_applicant": "no",
                    "lives_in_household": "yes", "date_of_birth": ["", "", ""]},
     "Enter their full name"),
    ("people/new", {"name": "Sam", "relationship_to_applicant": "cousin", "is_applicant": "no",
                    "lives_in_household": "yes", "date_of_birth": ["1", "1", "2000"]},
     "Select their relationship to the applicant"),
    ("people/new", {"name": "Sam", "relationship_to_applicant": "child", "is_applicant": "no",
                    "lives_in_household": "yes", "date_of_birth": ["", "", ""]},
     "Enter their date of birth"),
    ("people/new", {"name": "Robin", "relationship_to_applicant": "ex_partner",
                    "is_applicant": "yes", "lives_in_household": "no",
                    "date_of_birth": ["", "", ""]},
     "An ex-partner cannot be an applicant"),
    ("addresses/new", {"line_1": "1 High St", "town": "Leeds", "postcode": "XX1 ZZZZ",
                       "local_authority": "Leeds", "lived_from": ["1", "1", "2020"],
                       "lived_to": ["", "", ""]}, "Enter a real postcode"),
    ("addresses/new", {"line_1": "1 High St", "town": "Leeds", "postcode": "",
                       "local_authority": "", "lived_from": ["1", "1", "2020"],
                       "lived_to": ["1", "1", "2019"]},
     "Enter the local authority for this address"),
    ("addresses/new", {"line_1": "1 High St", "town": "Leeds", "postcode": "",
                       "local_authority": "Leeds", "lived_from": ["1", "1", "2020"],
                       "lived_to": ["1", "1", "2019"]},
     "Date they moved out must be after the date they moved in"),
    ("referees/new", {"name": "Pat", "email": "not an email", "relationship_to_applicant": "x",
                      "is_family": "no", "known_since_years": "ten"},
     "Enter an email address in the correct format"),
    ("referees/new", {"name": "Pat", "email": "", "relationship_to_applicant": "x",
                      "is_family": "maybe", "known_since_years": ""},
     "Select yes if they are a member of the applicant"),
    ("household-details", {"has_pets": "", "fostered_before": "yes", "previous_provider": "",
                           "fostered_until": ["", "", ""]},
     "Enter the name of the other fostering service"),
])
def test_bad_input_on_household_forms_gets_a_govuk_error(client, forms, signed_in, frozen,
                                                         path, data, message):
    worker = signed_in("assessing_social_worker")
    household = make_case(worker)
    response = forms.submit(f"/staff/cases/{household.reference}/{path}",
                            {"version": str(household.version), **data})
    html = assert_error_page(response)
    assert message in html


def test_only_the_allocated_worker_or_a_manager_changes_checks(client, forms, signed_in,
                                                                make_user, frozen):
    owner = make_user("assessing_social_worker")
    household = make_case(owner)
    signed_in("recruitment_officer")
    assert page(client, f"/staff/cases/{household.reference}/checks")
    assert client.get(f"/staff/cases/{household.reference}/people/new").status_code == 403
    # Reading did not write anything either.
    assert db.session.scalar(select(func.count(Check.id))) == 0
    operations.sync_required_checks(household)
    db.session.commit()
    mine = next(iter(checks_of(household).values()))
    url = f"/staff/cases/{household.reference}/checks/{mine.id}"
    assert page(client, url)  # a reader sees the check, and may not record it
    assert client.post(url, data={"notes": "x"}).status_code == 403
    other = make_case(owner, name="Other Family")
    operations.sync_required_checks(other)
    db.session.commit()
    foreign = next(iter(checks_of(other).values()))
    assert client.get(f"/staff/cases/{household.reference}/checks/{foreign.id}").status_code \
        == 404


# --- the gates ---

def test_stage1_completes_only_when_every_item_is_received_and_the_clock_starts(
        client, forms, signed_in, frozen):
    worker = signed_in("assessing_social_worker")
    household = make_case(worker)
    a = add_referee(forms, household, "Pat Friend", "pat@example.com")
    db.session.refresh(household)
    add_referee(forms, household, "Lee Neighbour", "lee@example.com")
    refused = move(forms, household, "complete_stage1")
    html = html_of(refused)
    assert refused.status_code == 200
    assert "This change cannot be made yet" in html
    assert "Stage 1 is not complete until every Stage 1 item is received" in html
    assert "Medical report: Jo Bloggs" in html and "Personal reference: Pat Friend" in html

    # Everything but one reference arrives; then the last one on 24 February.
    receive_everything(household, worker, on=date(2027, 2, 10),
                       except_keys={f"reference:r{a.id}"})
    db.session.refresh(household)
    assert household.stage1_last_item_on is None
    pat = checks_of(household)[f"reference:r{a.id}"]
    operations.record_check(pat, worker, requested_on=date(2027, 2, 1), requested_from="",
                            received_on=date(2027, 2, 24), outcome="clear", verified=True,
                            expires_on=None, notes="")
    db.session.refresh(household)
    assert household.stage1_last_item_on == date(2027, 2, 24)
    case_page = page(client, f"/staff/cases/{household.reference}")
    assert "All Stage 1 items received, the last on Wed 24 Feb 2027" in case_page
    assert "Stage 1 decision" in case_page and "10 March 2027" in case_page  # 10 working days
    assert "The Stage 1 decision is due by 10 March 2027" in page(
        client, f"/staff/cases/{household.reference}/checks")

    # A date before the last item is still refused; on or after it, Stage 1 completes.
    early = move(forms, household, "complete_stage1", on=date(2027, 2, 23))
    assert "before the last Stage 1 item arrived" in html_of(early)
    done = move(forms, household, "complete_stage1")
    assert done.status_code == 302
    db.session.refresh(household)
    assert household.stage == "stage2" and household.stage1_completed_on == TODAY


def test_panel_booking_is_refused_with_checks_outstanding_unless_a_manager_overrides(
        app, make_user, frozen):
    worker = make_user("assessing_social_worker")
    household = make_case(worker, stage="stage2", stage1_completed_on=date(2027, 2, 1),
                          stage2_started_on=date(2027, 2, 1),
                          assessment_completed_on=date(2027, 2, 26))
    receive_everything(household, worker, except_keys={"home_safety"})
    panel = ["29", "3", "2027"]

    # The allocated worker is refused.
    as_worker = Browserless(client_for(app, worker))
    refused = move(as_worker, household, "book_panel", panel_date=panel)
    html = html_of(refused)
    assert "Required checks are outstanding: Home health and safety check: the home" in html
    assert "A manager can book panel anyway by giving a reason" in html
    db.session.refresh(household)
    assert household.stage == "stage2"

    # A team manager gives a reason: booked, and the override is on the timeline.
    as_manager = Browserless(client_for(app, make_user("team_manager")))
    booked = move(as_manager, household, "book_panel", panel_date=panel,
                  override_reason="Safety check booked for 3 March; panel date is scarce")
    assert booked.status_code == 302, html_of(booked)
    db.session.refresh(household)
    assert household.stage == "ready_for_panel" and household.panel_date == date(2027, 3, 29)
    event_row = db.session.scalars(select(CaseEvent).where(
        CaseEvent.household_id == household.id, CaseEvent.action == "book_panel")).one()
    assert event_row.details["outstanding_checks"] == "Home health and safety check: the home"
    assert event_row.details["override_reason"].startswith("Safety check booked")
    timeline = page(as_manager.client, f"/staff/cases/{household.reference}")
    assert "Manager&#39;s override" in timeline
    assert ("Booked for panel with checks outstanding: Home health and safety check: the home"
            in timeline)
    assert "Reason: Safety check booked for 3 March; panel date is scarce" in timeline


def test_panel_booking_goes_ahead_when_every_check_is_in(client, forms, signed_in, frozen):
    worker = signed_in("assessing_social_worker")
    household = make_case(worker, stage="stage2", stage1_completed_on=date(2027, 2, 1),
                          stage2_started_on=date(2027, 2, 1),
                          assessment_completed_on=date(2027, 2, 26))
    receive_everything(household, worker)
    booked = move(forms, household, "book_panel", panel_date=["29", "3", "2027"])
    assert booked.status_code == 302, html_of(booked)
    event_row = db.session.scalars(select(CaseEvent).where(
        CaseEvent.action == "book_panel")).one()
    assert "override_reason" not in (event_row.details or {})


def test_temporary_approval_waits_for_the_connected_person_checks(client, forms, signed_in,
                                                                  frozen):
    worker = signed_in("team_manager")
    household = make_case(
        worker, stage="viability_assessment", pathway="connected_person", name="Grace Smith",
        people=[("Tom Smith", "partner", date(1980, 1, 1))],
        stage_since=date(2027, 2, 22), referral_received_on=date(2027, 2, 19),
        application_received_on=None, child_name="Amy Smith",
        child_date_of_birth=date(2019, 5, 2), child_la_reference="LA-1",
        child_relationship="Maternal grandmother")
    operations.sync_required_checks(household, worker)
    db.session.commit()
    reg24 = {key: row for key, row in checks_of(household).items() if row.reg24}
    # Every adult in the household and the home (CPPCR Schedule 4).
    assert sorted(reg24) == sorted(["accommodation", *[k for k in reg24 if k.startswith("dbs")]])
    assert len([k for k in reg24 if k.startswith("dbs")]) == 2

    refused = move(forms, household, "grant_reg24", **REG24_FIELDS)
    html = html_of(refused)
    assert refused.status_code == 200
    assert "Temporary approval waits for the connected-person checks" in html
    assert "Tom Smith" in html
    db.session.refresh(household)
    assert household.stage == "viability_assessment"

    for row in reg24.values():
        operations.record_check(row, worker, requested_on=date(2027, 2, 22),
                                requested_from="", received_on=date(2027, 2, 26),
                                outcome="clear", verified=True, expires_on=None, notes="")
    granted = move(forms, household, "grant_reg24", **REG24_FIELDS)
    assert granted.status_code == 302, html_of(granted)
    db.session.refresh(household)
    assert household.stage == "reg24_temporary_approval"
    assert household.reg24_approved_on == TODAY


def test_an_agency_can_place_on_police_checks_with_the_dbs_still_to_come(
        client, forms, signed_in, frozen):
    set_setting("reg24_required_checks", ["la_check", "accommodation"])
    worker = signed_in("team_manager")
    household = make_case(
        worker, stage="viability_assessment", pathway="connected_person", name="Grace Smith",
        stage_since=date(2027, 2, 22), referral_received_on=date(2027, 2, 19),
        application_received_on=None, child_name="Amy Smith",
        child_date_of_birth=date(2019, 5, 2), child_la_reference="LA-1",
        child_relationship="Maternal grandmother")
    make_address(household, lived_from=date(2010, 1, 1))
    operations.sync_required_checks(household, worker)
    db.session.commit()
    reg24 = {key: row for key, row in checks_of(household).items() if row.reg24}
    assert sorted(reg24) == ["accommodation", "la:northmoor"]

    refused = move(forms, household, "grant_reg24", **REG24_FIELDS)
    assert "Temporary approval waits for the connected-person checks" in html_of(refused)
    assert "Local authority check: Northmoor" in html_of(refused)
    assert "Enhanced DBS" not in html_of(refused)
    for row in reg24.values():
        operations.record_check(row, worker, requested_on=date(2027, 2, 22),
                                requested_from="", received_on=date(2027, 2, 26),
                                outcome="clear", verified=True, expires_on=None, notes="")
    # The DBS certificate is still to come, and the agency places anyway.
    granted = move(forms, household, "grant_reg24", **REG24_FIELDS)
    assert granted.status_code == 302, html_of(granted)
    db.session.refresh(household)
    assert household.stage == "reg24_temporary_approval"


def test_the_checks_before_temporary_approval_are_known_kinds_only(client, forms, signed_in):
    signed_in("administrator")
    page_html = page(client, "/staff/admin/settings")
    assert "Checks needed before regulation 24 temporary approval" in page_html
    response = forms.submit("/staff/admin/settings", all_settings(
        reg24_required_checks=["dbs", "horoscope"]))
    assert response.status_code == 200
    assert "There is a problem" in html_of(response)
    assert "Select from the options for checks needed before regulation 24" in html_of(response)
    assert load_settings()["reg24_required_checks"] == ["dbs", "accommodation"]


# --- referees ---

def invite(forms, household, referee):
    db.session.refresh(household)
    response = forms.submit(
        f"/staff/cases/{household.reference}/referees/{referee.id}/invite",
        {"version": str(household.version)},
        from_page=f"/staff/cases/{household.reference}/checks")
    assert response.status_code == 302


def referee_answers(**changes):
    return {"relationship_to_applicant": "Friend from work", "years_known": "8",
            "observations": "Kind and patient with my children.", "has_concerns": "no",
            "concerns": "", "declaration": "y", **changes}


def test_a_referee_reads_of_a_joint_application_in_plain_english(app, client, forms, signed_in,
                                                                 mailbox, frozen):
    worker = signed_in("assessing_social_worker")
    household = make_case(worker, name="Priya Shah and Raj Shah")
    make_member(household, "Raj Shah", date_of_birth=date(1984, 1, 1), is_applicant=True)
    pat = add_referee(forms, household, "Pat Friend", "pat@example.com")
    invite(forms, household, pat)
    assert send_due()["sent"] == 1
    [message] = mailbox.messages
    body = message.get_body(("plain",)).get_content()
    assert ("Priya Shah and Raj Shah have applied to foster with Northmoor Council Fostering "
            "and have named you") in body
    assert "The fostering team at Northmoor Council Fostering" in body
    assert "Fostering fostering team" not in body
    assert LINK.search(body).group(0).startswith(app.config["PUBLIC_BASE_URL"])
    form_html = page(client, LINK.search(body).group(1))
    assert "Priya Shah and Raj Shah have applied" in form_html


def test_a_referee_gets_a_single_use_link_by_email(app, client, forms, signed_in, mailbox,
                                                   frozen):
    worker = signed_in("assessing_social_worker")
    household = make_case(worker)
    pat = add_referee(forms, household, "Pat Friend", "Pat@Example.com")
    invite(forms, household, pat)
    assert send_due()["sent"] == 1
    [message] = mailbox.messages
    assert message["To"] == "pat@example.com"
    assert message["Subject"] == "Personal reference for Jo Bloggs: Northmoor Council Fostering"
    body = message.get_body(("plain",)).get_content()
    path = LINK.search(body).group(1)
    token = path.rsplit("/", 1)[1]
    assert "29 March 2027" in body  # 28 days
    # Only a hash of the token is kept.
    db.session.refresh(pat)
    assert pat.token_hash and token not in pat.token_hash
    assert db.session.scalar(select(func.count(OutboxMessage.id)).where(
        OutboxMessage.body_text.contains(token))) == 1  # the email itself
    requested = checks_of(household)[f"reference:r{pat.id}"]
    assert requested.requested_on == TODAY and requested.requested_from == "pat@example.com"

    form = client.get(path)
    assert form.status_code == 200 and form.headers["X-Robots-Tag"] == "noindex"
    html = html_of(form)
    assert "Reference for Jo Bloggs" in html and "Pat Friend" in html
    assert household.reference not in html  # a referee sees their own form and nothing else

    # An error first, then the form is sent.
    wrong = forms.submit(path, referee_answers(has_concerns="yes", years_known="lots"))
    wrong_html = assert_error_page(wrong)
    assert "Tell us about your concerns" in wrong_html
    assert "Years must be a whole number, like 5" in wrong_html
    sent = forms.submit(path, referee_answers(observations="Kind with my <b>two</b> boys."))
    assert sent.status_code == 302 and sent.headers["Location"].endswith("/reference/sent")
    assert "Reference sent" in page(client, "/reference/sent")

    answer = db.session.scalars(select(ReferenceResponse)).one()
    assert answer.years_known == 8 and answer.has_concerns is False
    staff_view = page(client, f"/staff/cases/{household.reference}/referees/{pat.id}")
    assert ('<span class="carers-pre-wrap">Kind with my &lt;b&gt;two&lt;/b&gt; boys.</span>'
            in staff_view)
    row = checks_of(household)[f"reference:r{pat.id}"]
    assert row.received_on == TODAY and row.done_on is None  # the interview is still to do

    # The link works once.
    again = client.get(path)
    assert again.status_code == 410
    assert "This reference has already been sent" in html_of(again)
    token = csrf_token(page(client, "/enquiry/about-you"))
    replay = client.post(path, data={**referee_answers(), "csrf_token": token})
    assert replay.status_code == 410
    assert db.session.scalar(select(func.count(ReferenceResponse.id))) == 1
    assert client.get("/reference/not-a-real-token").status_code == 404


def test_the_referee_pages_are_rate_limited(app, client):
    app.config["ENQUIRY_PAGE_RATE_LIMIT"] = "3 per hour"
    statuses = [client.get("/reference/made-up-token").status_code for _ in range(4)]
    assert statuses == [404, 404, 404, 429]


def test_two_submissions_at_once_only_one_succeeds(app, signed_in, forms, frozen):
    worker = signed_in("assessing_social_worker")
    household = make_case(worker)
    pat = add_referee(forms, household, "Pat Friend", "pat@example.com")
    operations.invite_referee(pat, worker)
    values = {"relationship_to_applicant": "Friend", "years_known": 3, "observations": "Good",
              "has_concerns": False, "concerns": None}
    first = db.session.get(Referee, pat.id)
    operations.submit_reference(first, values)
    with pytest.raises(operations.ReferenceClosed) as closed:
        operations.submit_reference(first, values)
    assert closed.value.reason == "used"
    assert db.session.scalar(select(func.count(ReferenceResponse.id))) == 1


def test_an_expired_link_is_refused_with_a_clear_page(client, forms, signed_in, frozen):
    worker = signed_in("assessing_social_worker")
    household = make_case(worker)
    pat = add_referee(forms, household, "Pat Friend", "pat@example.com")
    token = operations.invite_referee(pat, worker)
    frozen.move_to(NOW + timedelta(days=28, seconds=1))
    response = client.get(f"/reference/{token}")
    assert response.status_code == 410
    html = html_of(response)
    assert "This link has expired" in html and "0300 123 4567" in html
    token_field = {"csrf_token": csrf_token(page(client, "/enquiry/about-you"))}
    assert client.post(f"/reference/{token}",
                       data={**referee_answers(), **token_field}).status_code == 410


def test_a_removed_referee_can_no_longer_use_their_link(client, forms, signed_in, frozen):
    worker = signed_in("assessing_social_worker")
    household = make_case(worker)
    pat = add_referee(forms, household, "Pat Friend", "pat@example.com")
    token = operations.invite_referee(pat, worker)
    db.session.refresh(household)
    forms.submit(f"/staff/cases/{household.reference}/referees/{pat.id}/withdraw",
                 {"version": str(household.version)},
                 from_page=f"/staff/cases/{household.reference}/referees/{pat.id}")
    assert "This link no longer works" in html_of(client.get(f"/reference/{token}"))
    assert not checks_of(household)[f"reference:r{pat.id}"].required


def test_reminders_go_once_after_the_settings_period(app, forms, signed_in, mailbox):
    with time_machine.travel(NOW, tick=False) as clock:
        worker = signed_in("assessing_social_worker")
        household = make_case(worker)
        pat = add_referee(forms, household, "Pat Friend", "pat@example.com")
        lee = add_referee(forms, household, "Lee Neighbour", "lee@example.com")
        first_token = operations.invite_referee(pat, worker)
        operations.invite_referee(lee, worker)
        clock.move_to(NOW + timedelta(days=9))
        assert operations.send_reference_reminders() == 0
        # Lee replies in time; Pat does not.
        operations.submit_reference(db.session.get(Referee, lee.id), {
            "relationship_to_applicant": "Neighbour", "years_known": 4, "observations": "Fine",
            "has_concerns": False, "concerns": None})
        clock.move_to(NOW + timedelta(days=10, hours=1))
        assert operations.send_reference_reminders() == 1
        assert operations.send_reference_reminders() == 0
        clock.move_to(NOW + timedelta(days=12))
        assert operations.send_reference_reminders() == 0
        send_due()
    subjects = [m["Subject"] for m in mailbox.messages]
    assert subjects.count("Reminder: personal reference for Jo Bloggs") == 1
    reminder = next(m for m in mailbox.messages if m["To"] == "pat@example.com"
                    and m["Subject"].startswith("Reminder"))
    new_token = LINK.search(reminder.get_body(("plain",)).get_content()).group(1).rsplit("/")[-1]
    assert new_token != first_token
    # Both links lead to the same single-use form.
    assert operations.find_referee(first_token).id == pat.id
    assert operations.find_referee(new_token).id == pat.id


def test_the_caseworker_records_the_referee_interview(client, forms, signed_in, frozen):
    worker = signed_in("assessing_social_worker")
    household = make_case(worker)
    pat = add_referee(forms, household, "Pat Friend", "pat@example.com")
    url = f"/staff/cases/{household.reference}/referees/{pat.id}/interview"
    bad = forms.submit(url, {"interviewed_on": ["", "", ""], "notes": ""})
    assert "Enter the date of the interview" in assert_error_page(bad)
    good = forms.submit(url, {"interviewed_on": ["26", "2", "2027"],
                              "notes": "Spoke for an hour."})
    assert good.status_code == 302
    db.session.refresh(pat)
    assert pat.interviewed_on == date(2027, 2, 26) and pat.interviewed_by_id == worker.id
    detail = page(client, f"/staff/cases/{household.reference}/referees/{pat.id}")
    assert "Spoke for an hour." in detail and "Interviewed 26 February 2027" in detail


# --- documents ---

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_documents_are_checked_on_upload_and_only_ever_downloaded(client, forms, signed_in,
                                                                  frozen):
    from io import BytesIO

    worker = signed_in("assessing_social_worker")
    household = make_case(worker)
    page(client, f"/staff/cases/{household.reference}/checks")
    dbs = checks_of(household)[f"dbs:p{household.members[0].id}"]
    check_url = f"/staff/cases/{household.reference}/checks/{dbs.id}"

    def upload(name, content):
        return forms.submit(f"{check_url}/documents",
                            {"document": (BytesIO(content), name)}, from_page=check_url)

    for name, content, message in [
        ("page.html", b"<html><script>alert(1)</script></html>",
         "The selected file must be a PDF, JPEG, PNG or Word (.docx) file"),
        ("fake.pdf", b"<html>not a pdf</html>", "The selected file is not a real .pdf file"),
        ("empty.pdf", b"", "The selected file is empty"),
    ]:
        assert message in assert_error_page(upload(name, content))
    too_big = upload("big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024))
    assert "The selected file must be smaller than 10MB" in html_of(too_big)
    assert forms.submit(f"{check_url}/documents", {}, from_page=check_url).status_code == 200

    ok = upload("../../DBS certificate.pdf", PDF)
    assert ok.status_code == 302
    document = db.session.scalars(select(CheckDocument)).one()
    assert document.file_name == "DBS certificate.pdf"
    assert document.content_type == "application/pdf" and document.size == len(PDF)
    download = client.get(f"/staff/cases/{household.reference}/documents/{document.id}")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "download")) == 1


# --- renewals, lapsed checks and expiry warnings ---

def approved_carer(worker, received_on, name="Jo Bloggs", team=None):
    """An approved household whose every check was received (and referee interviewed) on
    ``received_on``."""
    household = make_case(worker, stage="approved", name=name, team=team,
                          decided_on=date(2024, 6, 1), stage1_completed_on=date(2024, 1, 10))
    for referee in ("Pat Friend", "Lee Neighbour"):
        make_referee(household, referee, interviewed_on=received_on)
    make_address(household, local_authority="Northmoor Council", lived_from=date(2010, 1, 1))
    operations.sync_required_checks(household, worker)
    db.session.commit()
    for row in checks_of(household).values():
        if row.required:
            row.received_on, row.outcome, row.verified_by_id = received_on, "clear", worker.id
            row.expires_on = rules.expiry_for(received_on, row.renewal_years)
            operations._derive(row)
    db.session.commit()
    return household


def test_approved_carers_with_lapsed_checks_get_a_clear_sign_and_can_renew(client, forms,
                                                                          signed_in, frozen):
    worker = signed_in("supervising_social_worker")
    lapsed = approved_carer(worker, date(2023, 12, 1))  # DBS expired 1 Dec 2026
    fine = approved_carer(worker, date(2026, 6, 1), name="Sam Current")
    case_page = page(client, f"/staff/cases/{lapsed.reference}")
    assert "Checks lapsed" in case_page
    assert "Checks lapsed" not in page(client, f"/staff/cases/{fine.reference}")
    checks_page = page(client, f"/staff/cases/{lapsed.reference}/checks")
    assert "Checks lapsed" in checks_page and "Lapsed on Tue 1 Dec 2026: renew it now" in \
        checks_page
    team = page(client, "/staff/checks?status=lapsed")
    assert lapsed.reference in team and fine.reference not in team and "Checks lapsed" in team

    dbs = checks_of(lapsed)[f"dbs:p{lapsed.members[0].id}"]
    renewed = forms.submit(f"/staff/cases/{lapsed.reference}/checks/{dbs.id}/renew",
                           {"version": str(lapsed.version)},
                           from_page=f"/staff/cases/{lapsed.reference}/checks/{dbs.id}")
    assert renewed.status_code == 302
    renewal = db.session.scalars(select(Check).where(Check.renewal_of_id == dbs.id)).one()
    # Still lapsed until the renewal arrives; then the old check is superseded.
    assert checks_lapsed_on(lapsed)
    operations.record_check(renewal, worker, requested_on=date(2027, 2, 1),
                            requested_from="DBS", received_on=date(2027, 2, 25),
                            outcome="clear", verified=True, expires_on=None, notes="")
    db.session.refresh(dbs)
    assert dbs.superseded and renewal.expires_on == date(2030, 2, 25)


def checks_lapsed_on(household) -> bool:
    return db.session.scalar(select(func.count(Check.id)).where(
        Check.household_id == household.id, Check.superseded.is_(False),
        Check.done_on.is_not(None), Check.expires_on < today())) > 0


def test_expiring_checks_warn_the_workers_once(app, signed_in, make_user, mailbox, frozen):
    worker = signed_in("supervising_social_worker")
    approved_carer(worker, date(2024, 5, 1))  # expires 1 May 2027: within 120 days
    approved_carer(worker, date(2026, 5, 1), name="Later Family")  # DBS in 2029
    warned = operations.warn_expiring_checks()
    assert warned >= 1
    assert operations.warn_expiring_checks() == 0
    send_due()
    assert mailbox.messages and all(m["To"] == worker.email for m in mailbox.messages)
    subjects = {m["Subject"] for m in mailbox.messages}
    assert any(s.startswith("Expiring: Enhanced DBS") for s in subjects)
    assert not any("Jo Bloggs" in m.get_body(("plain",)).get_content()
                   for m in mailbox.messages)  # no names in staff alerts


# --- the team's list ---

def test_the_team_list_filters_and_pages(client, signed_in, make_user, frozen, app):
    app.config["PAGE_SIZE"] = 5
    me = signed_in("team_manager")
    colleague = make_user("assessing_social_worker")
    east = make_team("East")
    mine = make_case(me, name="Mine Family")
    theirs = make_case(colleague, name="Their Family", team=east)
    closed = make_case(me, name="Closed Family", stage="withdrawn")
    for household in (mine, theirs, closed):
        operations.sync_required_checks(household)
        db.session.commit()
    html = page(client, "/staff/checks")
    total = int(re.search(r"(\d+) checks", html).group(1))
    assert total == len([r for h in (mine, theirs) for r in checks_of(h).values()
                         if r.required])
    assert "Closed Family" not in html
    assert "govuk-pagination" in html
    page2 = page(client, "/staff/checks?page=2")
    assert "govuk-pagination__item--current" in page2

    only_mine = page(client, f"/staff/checks?worker={me.id}")
    assert "Mine Family" in only_mine and "Their Family" not in only_mine
    east_only = page(client, f"/staff/checks?team={east.id}")
    assert "Their Family" in east_only and "Mine Family" not in east_only
    medical = page(client, "/staff/checks?kind=medical")
    assert "2 checks" in medical and ">Home health and safety check<span" not in medical
    assert "0 checks" in page(client, "/staff/checks?status=expiring")
    # Nonsense filters are ignored, never a 500.
    for query in ["kind=<b>", "status=everything", "worker=abc", "team=99999999999999999999",
                  "page=-3", "page=abc"]:
        assert client.get(f"/staff/checks?{query}").status_code == 200


def test_the_team_list_shows_only_cases_the_person_may_read(app, frozen):
    north, south = make_team("North"), make_team("South")
    reader = make_staff("assessing_social_worker", team=north)
    ours = make_household("mainstream", "stage1", team=north, workers=[make_staff(
        "assessing_social_worker", team=north)])
    others = make_household("mainstream", "stage1", team=south, workers=[make_staff(
        "assessing_social_worker", team=south)])
    for household in (ours, others):
        operations.sync_required_checks(household)
    db.session.commit()
    client = isolated_client(app)
    sign_in(client, reader)
    html = page(client, "/staff/checks")
    assert ours.reference in html and others.reference not in html
    assert others.reference not in page(client, f"/staff/checks?team={south.id}")


def test_closing_a_case_takes_its_checks_off_the_team_list(client, forms, signed_in, frozen):
    worker = signed_in("assessing_social_worker")
    household = make_case(worker)
    operations.sync_required_checks(household)
    db.session.commit()
    assert household.reference in page(client, "/staff/checks")
    withdrawn = move(forms, household, "withdraw", reason="Moving abroad",
                     withdrawal_code="AW1")
    assert withdrawn.status_code == 302, html_of(withdrawn)
    assert household.reference not in page(client, "/staff/checks")
    assert all(row.attention_on is None for row in checks_of(household).values())


def count_queries(client, url) -> int:
    """Statements run by one request (which loads the signed-in user afresh, as each
    request has its own context)."""
    statements = []

    def before(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
    return len(statements)


def bulk_cases(worker, n, start=0):
    """n open cases, each with three outstanding checks (fast: no sync)."""
    households = [Household(reference=f"FC-Q{start + i:05d}", name=f"Family {start + i}",
                            pathway="mainstream", stage="stage1", stage_since=TODAY)
                  for i in range(n)]
    db.session.add_all(households)
    db.session.flush()
    db.session.execute(
        Household.workers.property.secondary.insert(),
        [{"household_id": h.id, "user_id": worker.id} for h in households])
    db.session.add_all([
        Check(household_id=h.id, key=f"{kind}:{h.id}", kind=kind, subject=h.name,
              required=True, stage1=True, created_on=TODAY, attention_on=TODAY)
        for h in households for kind in ("dbs", "medical", "home_safety")])
    db.session.commit()


def test_the_team_list_makes_the_same_number_of_queries_for_10_or_500_cases(
        client, signed_in, frozen):
    worker = signed_in("assessing_social_worker")
    bulk_cases(worker, 10)
    client.get("/staff/checks")  # warm up: the session's user and roles
    small = count_queries(client, "/staff/checks")
    bulk_cases(worker, 490, start=10)
    large = count_queries(client, "/staff/checks")
    assert small == large
    assert count_queries(client, f"/staff/checks?worker={worker.id}&kind=dbs&page=3") == large


def test_a_long_team_list_is_counted_so_far_and_narrowed_by_its_filters(
        client, signed_in, frozen):
    worker = signed_in("assessing_social_worker")
    bulk_cases(worker, 500)  # 1,500 checks: more than the list counts
    html = page(client, "/staff/checks")
    assert "More than 1,000 checks" in html
    assert "Choose a kind of check, a status, a worker or a team to see the rest" in html
    # The last counted page is not offered as the list's last page.
    assert "page=40" not in html
    last = page(client, "/staff/checks?page=40")
    assert 'aria-label="Page 40" aria-current="page"' in last
    assert "page=41" not in last
    assert "page=39" in last
    # A page past the counted ones shows the last counted page.
    assert 'aria-label="Page 40" aria-current="page"' in page(client, "/staff/checks?page=41")
    # Narrowed, the list is counted exactly.
    dbs = page(client, "/staff/checks?kind=dbs")
    assert "500 checks" in dbs and "More than" not in dbs
    assert "page=20" in dbs  # its last page offered


def test_the_settings_page_lists_the_checks_settings(client, signed_in):
    signed_in("administrator")
    html = page(client, "/staff/admin/settings")
    assert "Personal referees to interview" in html
    assert "Show checks as expiring this many days ahead" in html


def test_a_setting_asks_for_a_family_referee(client, forms, signed_in, frozen):
    set_setting("family_referee_required", 1)
    worker = signed_in("assessing_social_worker")
    household = make_case(worker)
    html = page(client, f"/staff/cases/{household.reference}/checks")
    assert "a family member (not yet named)" in html
    assert "including one family member" in html
