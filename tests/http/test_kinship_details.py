"""What a kinship case records beyond its stage: the viability assessment's timescale, the
nominated officer who approved temporary approval (regulation 24) and its extension
(regulation 25), the date the child was placed, and the regulation 24 visits to the child
with their overdue clock. Every test runs on Tuesday 1 June 2027."""

import re
from datetime import date, datetime, time

import pytest
import time_machine

from carers.core.dates import LONDON
from carers.extensions import db
from carers.visits.reg24 import reg24_history
from tests.factories import make_household, make_staff, make_team, make_visit, set_setting
from tests.helpers import sign_in
from tests.http.test_pipeline_views import (
    case_page,
    deadlines,
    error_summary,
    errors,
    form_fields,
    household,
    parts,
    plain,
    post_move,
    tables,
    text_of,
)

TODAY = date(2027, 6, 1)
OFFICER = "Helen Marsh"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime(2027, 6, 1, 10, 0, tzinfo=LONDON), tick=True):
        yield


@pytest.fixture
def team():
    return make_team("Kinship team")


@pytest.fixture
def sam(client, team):
    user = make_staff("assessing_social_worker", name="Sam Jones", team=team)
    sign_in(client, user)
    return user


@pytest.fixture
def kinship_case(sam, team):
    def make(stage, **fields):
        return make_household("connected_person", stage, team=team, workers=[sam],
                              address="4 Mill Lane, Northmoor", postcode="NM2 4QT",
                              **fields).reference
    return make


def section(page: str) -> dict[str, str]:
    """The regulation 24 section's summary list: key -> value."""
    block = page.split('id="regulation-24"', 1)[1].split("Visits to the child", 1)[0]
    keys = [plain(k) for k in re.findall(r'summary-list__key">(.*?)</dt>', block, re.S)]
    values = [plain(v) for v in re.findall(r'summary-list__value">(.*?)</dd>', block, re.S)]
    return dict(zip(keys, values, strict=True))


def test_granting_temporary_approval_records_the_officer_and_the_placement(
        client, kinship_case):
    # No checks are needed before temporary approval at this agency.
    set_setting("reg24_required_checks", [])
    ref = kinship_case("viability_assessment", stage_since=date(2027, 5, 20),
                       viability_started_on=date(2027, 5, 20))
    url = f"/staff/cases/{ref}/move/grant_reg24"
    fields = form_fields(client, url)
    # Nothing about the officer or the placement: each is asked for, the rest kept.
    reason = "Amy could not stay at home another night"
    response = post_move(client, ref, "grant_reg24", date(2027, 5, 28), reason, fields=fields,
                         household_assessed="y", nominated_officer="",
                         placed_on=date(2027, 6, 9))
    assert response.status_code == 200
    assert errors(text_of(response)) == [
        "The date the child was placed cannot be in the future",
        "Enter the nominated officer's name",
        "Enter the date the nominated officer approved",
    ]
    assert reason in text_of(response)
    assert household(ref).stage == "viability_assessment"

    response = post_move(client, ref, "grant_reg24", date(2027, 5, 28), fields=fields,
                         household_assessed="y", nominated_officer=OFFICER,
                         nominated_officer_on=date(2027, 6, 2), placed_on=date(2027, 5, 28))
    assert errors(text_of(response)) == [
        "The date the nominated officer approved cannot be in the future"]
    assert OFFICER in text_of(response)  # what was typed is kept

    response = post_move(client, ref, "grant_reg24", date(2027, 5, 28), fields=fields,
                         household_assessed="y", nominated_officer=OFFICER,
                         nominated_officer_on=date(2027, 5, 27), placed_on=date(2027, 5, 28))
    assert response.status_code == 302, error_summary(text_of(response))
    case = household(ref)
    assert (case.reg24_officer_name, case.reg24_officer_on, case.child_placed_on) == (
        OFFICER, date(2027, 5, 27), date(2027, 5, 28))
    # Leaving the viability assessment completes it.
    assert case.viability_completed_on == date(2027, 5, 28)

    page = case_page(client, ref)
    facts = section(page)
    assert facts["Child placed"] == "28 May 2027"
    assert facts["Approved by nominated officer"] == f"{OFFICER}, 27 May 2027"
    assert facts["Temporary approval lapses"] == "17 September 2027"  # 16 weeks
    assert deadlines(page)["Viability assessment"] == ("4 June 2027", "Met")
    # The first visit is due a week after the placement.
    assert deadlines(page)["Regulation 24 visit to the child"] == ("4 June 2027", "On track")
    assert "The child's first review is not recorded" in plain(page)


def test_the_extension_needs_its_own_officer_not_before_temporary_approval(
        client, kinship_case):
    ref = kinship_case("full_assessment", stage_since=date(2027, 3, 15),
                       reg24_approved_on=date(2027, 3, 8), reg24_officer_name=OFFICER,
                       reg24_officer_on=date(2027, 3, 8), child_placed_on=date(2027, 3, 8))
    reg25 = {"extension_weeks": "6", "placement_reconsidered": "y",
             "panel_views_sought": "y", "iro_informed": "y"}
    response = post_move(client, ref, "extend_reg24", TODAY, "Form C delayed", **reg25)
    assert errors(text_of(response)) == ["Enter the nominated officer's name",
                                         "Enter the date the nominated officer approved"]
    assert "Form C delayed" in text_of(response)

    response = post_move(client, ref, "extend_reg24", TODAY, "Form C delayed",
                         nominated_officer="Ade Okafor", nominated_officer_on=date(2027, 3, 1),
                         **reg25)
    assert error_summary(text_of(response)) == ("This change cannot be made yet", [
        "The nominated officer cannot have approved the extension on Mon 1 Mar 2027, "
        "before temporary approval on Mon 8 Mar 2027."])
    assert household(ref).reg25_officer_name is None

    response = post_move(client, ref, "extend_reg24", TODAY, "Form C delayed",
                         nominated_officer="Ade Okafor", nominated_officer_on=date(2027, 5, 28),
                         **reg25)
    assert response.status_code == 302
    facts = section(case_page(client, ref))
    assert facts["Extended (regulation 25)"] == "By 6 weeks on 1 June 2027"
    assert facts["Extension approved by nominated officer"] == "Ade Okafor, 28 May 2027"
    assert facts["Temporary approval lapses"] == "9 August 2027"  # 16 + 6 weeks from 8 March


def write_up(client, visit, took_place=True):
    fields = form_fields(client, f"/staff/visits/{visit.id}/write-up")
    return client.post(f"/staff/visits/{visit.id}/write-up", data={
        **fields, "outcome": "took_place" if took_place else "did_not_take_place",
        "write_up": "Saw Amy in her bedroom; settled and eating well."})


def test_regulation_24_visits_make_the_schedule_and_its_clock(client, sam, kinship_case):
    placed = date(2027, 5, 10)  # Monday; 20 working days later is Tue 8 June 2027
    ref = kinship_case("reg24_temporary_approval", stage_since=placed,
                       reg24_approved_on=placed, reg24_officer_name=OFFICER,
                       reg24_officer_on=placed, child_placed_on=placed)
    page = case_page(client, ref)
    assert deadlines(page)["Regulation 24 visit to the child"] == ("17 May 2027", "Overdue")
    assert tables(page)["Regulation 24 visits due and made"] == [
        ["17 May 2027", "Not yet", "Overdue"]]
    # The board's "overdue" filter finds it.
    board = text_of(client.get("/staff/pipeline?clock=overdue"))
    assert ref in board and "Regulation 24 visit to the child" in board

    case = household(ref)
    first = make_visit(case, sam, date(2027, 5, 14), time(10, 0), kind="regulation_24_visit")
    second = make_visit(case, sam, date(2027, 5, 27), time(10, 0), kind="regulation_24_visit")
    missed = make_visit(case, sam, date(2027, 5, 31), time(10, 0), kind="regulation_24_visit")
    for visit, happened in ((first, True), (second, True), (missed, False)):
        assert write_up(client, visit, happened).status_code == 302
    assert household(ref).reg24_last_visit_on == date(2027, 5, 27)

    page = case_page(client, ref)
    assert tables(page)["Regulation 24 visits due and made"] == [
        ["17 May 2027", "14 May 2027", "Visited in time"],
        ["21 May 2027", "27 May 2027", "Visited late"],
        ["3 June 2027", "Not yet", "Due"],
    ]
    assert deadlines(page)["Regulation 24 visit to the child"] == ("3 June 2027", "Due soon")
    assert "Tue 8 Jun 2027 is used" in plain(page)  # the review's latest date, as it says

    # With the child's first review recorded before the last visit, 4 weeks apply after it.
    url = f"/staff/cases/{ref}/child"
    fields = form_fields(client, url)
    child = {"child_name": "Amy Smith", "child_date_of_birth": parts(date(2019, 5, 2)),
             "child_la_reference": "LA-12345", "child_relationship": "Maternal grandmother",
             "child_placed_on": parts(placed), "child_placing_authority": ""}
    response = client.post(url, data={**fields, **child,
                                      "child_first_review_on": parts(date(2027, 5, 1))})
    assert errors(text_of(response)) == [
        "The child's first review cannot be before the child came to live with the carer."]
    assert 'value="LA-12345"' in text_of(response)
    response = client.post(url, data={**fields, **child,
                                      "child_first_review_on": parts(date(2027, 5, 24))})
    assert response.status_code == 302, error_summary(text_of(response))
    page = case_page(client, ref)
    assert tables(page)["Regulation 24 visits due and made"][-1] == [
        "24 June 2027", "Not yet", "Due"]
    assert deadlines(page)["Regulation 24 visit to the child"] == ("24 June 2027", "On track")
    db.session.expire_all()
    assert household(ref).next_due_on == date(2027, 6, 24)  # the board's deadline too


def test_the_regulation_24_history_for_the_report(client, sam, kinship_case):
    placed = date(2027, 3, 8)
    ref = kinship_case("full_assessment", stage_since=date(2027, 3, 15),
                       reg24_approved_on=placed, reg24_officer_name=OFFICER,
                       reg24_officer_on=placed, child_placed_on=placed,
                       child_first_review_on=date(2027, 4, 1),
                       reg24_extended_on=date(2027, 6, 1), reg24_extension_weeks=4,
                       reg25_officer_name="Ade Okafor", reg25_officer_on=date(2027, 5, 31))
    case = household(ref)
    visit = make_visit(case, sam, date(2027, 5, 25), time(11, 0), kind="regulation_24_visit")
    assert write_up(client, visit).status_code == 302
    history = reg24_history(household(ref), TODAY)
    assert history["placed_on"] == "2027-03-08"
    assert history["reg24"] == {"approved_on": "2027-03-08", "nominated_officer": OFFICER,
                                "officer_approved_on": "2027-03-08",
                                "counted_from": "2027-03-08", "lapses_on": "2027-07-26"}
    assert history["reg25"] == {"extended_on": "2027-06-01", "weeks": 4,
                                "nominated_officer": "Ade Okafor",
                                "officer_approved_on": "2027-05-31"}
    assert history["first_review"] == {"on": "2027-04-01", "recorded": True}
    assert history["visits"]["done"] == ["2027-05-25"]
    assert [slot["due"] for slot in history["visits"]["due"]] == ["2027-03-15", "2027-06-22"]
    assert history["visits"]["due"][0]["status"] == "met_late"
    assert (history["visits"]["next_due"], history["visits"]["overdue"]) == (
        "2027-06-22", False)


def test_the_viability_timescale_is_an_agency_setting(client, kinship_case):
    set_setting("viability_working_days", 15)
    ref = kinship_case("referral", stage_since=date(2027, 5, 20))
    response = post_move(client, ref, "start_viability", date(2027, 5, 24))
    assert response.status_code == 302
    assert household(ref).viability_started_on == date(2027, 5, 24)
    page = case_page(client, ref)
    # 15 working days from Mon 24 May 2027, over the spring bank holiday on 31 May
    assert deadlines(page)["Viability assessment"] == ("15 June 2027", "On track")
    assert "Started 24 May 2027" in plain(page)
