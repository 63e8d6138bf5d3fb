"""The recruitment figures and the Ofsted return over a fixed set of households built by hand:
every pathway and ending, cases crossing 1 April and 31 March, a case withdrawn and
re-opened, a regulation 24 case that goes on to full approval. Each expected number is
counted by hand from the histories below (the comments say which households make it)."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from carers.cases import spells
from carers.cases.models import CaseEvent, Household, HouseholdMember, StageSpell
from carers.extensions import db
from carers.figures import measures, ofsted
from carers.figures.measures import Scope
from carers.figures.periods import ofsted_year
from carers.pipeline.stages import Pathway, Stage
from carers.reports.models import CarerCharacteristics
from tests.factories import make_decision, make_enquiry, make_staff, make_team
from tests.helpers import sign_in

S, D = Stage, date
M, C = Pathway.MAINSTREAM, Pathway.CONNECTED_PERSON
YEAR = 2025  # 1 April 2025 to 31 March 2026
PERIOD = ofsted_year(YEAR)

# Each household's history: the stage it opened in, then each stage change, with dates.
HISTORIES = {
    # approved in the year from an application made before 1 April
    "M1": (M, [(D(2025, 1, 10), S.ENQUIRY), (D(2025, 1, 12), S.INITIAL_CONTACT),
               (D(2025, 2, 1), S.INITIAL_VISIT), (D(2025, 3, 20), S.APPLICATION_RECEIVED),
               (D(2025, 3, 25), S.STAGE1), (D(2025, 6, 10), S.STAGE2),
               (D(2025, 10, 1), S.READY_FOR_PANEL), (D(2025, 10, 15), S.PANEL_RECOMMENDED),
               (D(2025, 10, 20), S.AGENCY_DECISION), (D(2025, 10, 27), S.APPROVED)]),
    # applied, withdrew (AW4), came back and applied again: in Stage 1 on 31 March
    "M2": (M, [(D(2025, 5, 1), S.ENQUIRY), (D(2025, 5, 2), S.INITIAL_CONTACT),
               (D(2025, 5, 20), S.INITIAL_VISIT), (D(2025, 6, 1), S.APPLICATION_RECEIVED),
               (D(2025, 6, 5), S.STAGE1), (D(2025, 9, 1), S.WITHDRAWN, "AW4"),
               (D(2026, 1, 10), S.APPLICATION_RECEIVED), (D(2026, 1, 15), S.STAGE1)]),
    # applied the day before 31 March, Stage 1 after it
    "M3": (M, [(D(2026, 2, 1), S.ENQUIRY), (D(2026, 2, 3), S.INITIAL_CONTACT),
               (D(2026, 3, 30), S.APPLICATION_RECEIVED), (D(2026, 4, 2), S.STAGE1)]),
    # not suitable at Stage 1
    "M4": (M, [(D(2025, 4, 20), S.ENQUIRY), (D(2025, 4, 22), S.INITIAL_CONTACT),
               (D(2025, 5, 15), S.APPLICATION_RECEIVED), (D(2025, 5, 20), S.STAGE1),
               (D(2025, 8, 1), S.NOT_SUITABLE_STAGE1)]),
    # the decision maker's refusal, just after 1 April, of an application from before
    "M5": (M, [(D(2024, 11, 1), S.APPLICATION_RECEIVED), (D(2024, 11, 5), S.STAGE1),
               (D(2024, 12, 20), S.STAGE2), (D(2025, 2, 1), S.READY_FOR_PANEL),
               (D(2025, 2, 20), S.PANEL_RECOMMENDED), (D(2025, 2, 25), S.AGENCY_DECISION),
               (D(2025, 4, 3), S.NOT_APPROVED)]),
    # withdrew with no reason code recorded
    "M6": (M, [(D(2025, 6, 10), S.ENQUIRY), (D(2025, 6, 11), S.INITIAL_CONTACT),
               (D(2025, 6, 20), S.INITIAL_VISIT), (D(2025, 7, 1), S.APPLICATION_RECEIVED),
               (D(2025, 7, 5), S.STAGE1), (D(2025, 11, 11), S.WITHDRAWN, None)]),
    # closed before applying
    "M7": (M, [(D(2025, 6, 1), S.ENQUIRY), (D(2025, 6, 20), S.CLOSED_BEFORE_APPLICATION)]),
    # approved two years before
    "M8": (M, [(D(2022, 9, 1), S.APPLICATION_RECEIVED), (D(2023, 6, 1), S.APPROVED)]),
    # with the decision maker on 31 March, approved after it
    "M9": (M, [(D(2025, 8, 1), S.APPLICATION_RECEIVED), (D(2025, 8, 5), S.STAGE1),
               (D(2025, 11, 1), S.STAGE2), (D(2026, 2, 1), S.READY_FOR_PANEL),
               (D(2026, 3, 10), S.PANEL_RECOMMENDED), (D(2026, 3, 20), S.AGENCY_DECISION),
               (D(2026, 4, 15), S.APPROVED)]),
    # regulation 24 temporary approval, then the full assessment and full approval
    "C1": (C, [(D(2025, 5, 2), S.REFERRAL), (D(2025, 5, 5), S.VIABILITY_ASSESSMENT),
               (D(2025, 5, 20), S.REG24_TEMPORARY_APPROVAL), (D(2025, 7, 1), S.FULL_ASSESSMENT),
               (D(2025, 11, 1), S.READY_FOR_PANEL), (D(2025, 11, 20), S.PANEL_RECOMMENDED),
               (D(2025, 11, 24), S.AGENCY_DECISION), (D(2025, 12, 1), S.APPROVED)]),
    # referred before 1 April, withdrew in the year (AW0)
    "C2": (C, [(D(2025, 3, 1), S.REFERRAL), (D(2025, 3, 3), S.VIABILITY_ASSESSMENT),
               (D(2025, 4, 10), S.FULL_ASSESSMENT), (D(2025, 6, 1), S.WITHDRAWN, "AW0")]),
    # in its viability assessment on 31 March (before any application)
    "C3": (C, [(D(2026, 3, 15), S.REFERRAL), (D(2026, 3, 20), S.VIABILITY_ASSESSMENT)]),
    # under temporary approval on 31 March
    "C4": (C, [(D(2026, 1, 5), S.REFERRAL), (D(2026, 1, 6), S.VIABILITY_ASSESSMENT),
               (D(2026, 1, 20), S.REG24_TEMPORARY_APPROVAL)]),
}


def build(name: str, team) -> Household:
    pathway, history = HISTORIES[name]
    last_on, last_stage = history[-1][:2]
    household = Household(reference=f"FC-T{name}", name=f"Household {name}",
                          pathway=pathway.value, stage=last_stage.value, stage_since=last_on,
                          team_id=team.id)
    db.session.add(household)
    db.session.flush()
    opened_on, stage = history[0][:2]
    db.session.add(CaseEvent(household_id=household.id, happened_on=opened_on,
                             kind=CaseEvent.CREATED, summary="Opened"))
    for on, to_stage, *code in history[1:]:
        details = {"withdrawal_code": code[0]} if code and code[0] else None
        db.session.add(CaseEvent(household_id=household.id, happened_on=on,
                                 kind=CaseEvent.TRANSITION, summary="Moved",
                                 from_stage=stage.value, to_stage=to_stage.value,
                                 details=details))
        stage = to_stage
    return household


def carer(household, position, **fields):
    db.session.add(HouseholdMember(household_id=household.id, position=position,
                                   name=f"Carer {position}", relationship_to_applicant="applicant",
                                   is_applicant=True))
    if "date_of_birth" in fields:
        fields["born_by"] = CarerCharacteristics.born_by_of(fields.pop("date_of_birth"))
    if fields:
        db.session.add(CarerCharacteristics(household_id=household.id, position=position,
                                            **fields))


@pytest.fixture
def teams(app):
    return make_team("Recruitment"), make_team("Kinship")


@pytest.fixture
def built(teams):
    recruitment, kinship = teams
    cases = {name: build(name, kinship if name.startswith("C") else recruitment)
             for name in HISTORIES}
    # M1: two carers, one with everything recorded, one with no disability status or
    # ethnic group; M8: a carer with nothing recorded; C1: one carer, all recorded.
    carer(cases["M1"], 0, date_of_birth=D(1980, 5, 1), sex="female", ethnicity="White British",
          disability="no", religion="None", relationship_status="married")
    carer(cases["M1"], 1, date_of_birth=D(1999, 1, 1), sex="male",
          relationship_status="married")
    carer(cases["M8"], 0)
    carer(cases["C1"], 0, date_of_birth=D(1960, 2, 2), sex="female", ethnicity="Indian",
          disability="yes", relationship_status="single")
    db.session.commit()
    make_decision(cases["M1"], decided_on=D(2025, 10, 27),
                  terms={"children": 2, "age_from": 0, "age_to": 17,
                         "fostering_types": ["short_term", "short_breaks"]})
    make_decision(cases["C1"], decided_on=D(2025, 12, 1),
                  terms={"children": 1, "age_from": 5, "age_to": 10,
                         "fostering_types": ["long_term"]})
    # Enquiries: four mainstream in the year, one before it, one after it, one kinship.
    for received in (datetime(2025, 3, 31, 22, 30, tzinfo=UTC),  # 31 March in London
                     datetime(2025, 3, 31, 23, 30, tzinfo=UTC),  # 1 April in London
                     datetime(2025, 7, 1, 9, tzinfo=UTC), datetime(2025, 12, 1, 9, tzinfo=UTC),
                     datetime(2026, 3, 31, 22, 59, tzinfo=UTC),  # 31 March (BST)
                     datetime(2026, 3, 31, 23, 0, tzinfo=UTC)):  # 1 April 2026 in London
        make_enquiry(received_at=received)
    make_enquiry(received_at=datetime(2025, 8, 1, 9, tzinfo=UTC), pathway="kinship")
    spells.rebuild()
    db.session.commit()
    return cases


EXPECTED_RETURN = {
    M: {"enquiries": 4,  # received 1 April 2025 to 31 March 2026, London days
        "applications": 6,  # M2 twice, M3, M4, M6, M9
        "approved": 1,  # M1
        "not_approved": 2,  # M4 (Stage 1), M5
        "withdrawn": 2, "withdrawn_AW4": 1, "withdrawn_none": 1,  # M2, M6
        "withdrawn_AW0": 0, "withdrawn_AW1": 0, "withdrawn_AW2": 0, "withdrawn_AW3": 0,
        "withdrawn_AW5": 0,
        "in_progress": 3,  # M2 (Stage 1), M3 (application received), M9 (decision)
        "households": 2},  # M1, M8
    C: {"enquiries": 3,  # referrals C1, C3, C4
        "applications": 2,  # full assessments C1, C2
        "approved": 1,  # C1
        "not_approved": 0,
        "withdrawn": 1, "withdrawn_AW0": 1, "withdrawn_none": 0,  # C2
        "withdrawn_AW1": 0, "withdrawn_AW2": 0, "withdrawn_AW3": 0, "withdrawn_AW4": 0,
        "withdrawn_AW5": 0,
        "in_progress": 1,  # C4 (regulation 24); C3 is still in its viability assessment
        "households": 1},  # C1
}


def test_every_figure_of_the_ofsted_return_equals_the_hand_count(built):
    for pathway, expected in EXPECTED_RETURN.items():
        assert ofsted.recruitment(YEAR, pathway, Scope()) == expected, pathway


def test_the_approved_carers_at_31_march_and_their_characteristics(built):
    mainstream = ofsted.approved_carers(YEAR, M, Scope())
    assert (mainstream["households"], mainstream["carers"], mainstream["places"],
            mainstream["no_terms"]) == (2, 3, 2, 1)  # M1 (2 carers, 2 places), M8 (1, none)
    table = {c.key: dict(counted) for c, counted in mainstream["characteristics"]}
    assert table["age"] == {"45 to 54": 1, "25 to 34": 1, "Not recorded": 1}
    assert table["sex"] == {"Female": 1, "Male": 1, "Not recorded": 1}
    assert table["ethnicity"] == {"White British": 1, "Not recorded": 2}
    assert table["disability"] == {"Not disabled": 1, "Not recorded": 2}
    assert table["relationship_status"] == {"Married": 2, "Not recorded": 1}
    assert table["sexual_orientation"] == {"Not recorded": 3}  # not asked yet
    kinship = ofsted.approved_carers(YEAR, C, Scope())
    assert (kinship["households"], kinship["carers"], kinship["places"]) == (1, 1, 1)
    assert dict(dict((c.key, v) for c, v in kinship["characteristics"])["age"]) == {
        "65 and over": 1, "Not recorded": 0}  # born 2 February 1960: 66 on 31 March 2026


def test_what_stops_the_return_being_complete(built):
    assert {gap.key: n for gap, n in ofsted.gaps(YEAR, Scope())} == {
        "withdrawal_code": 1,  # M6
        "characteristics": 1,  # M8
        "disability": 1, "ethnicity": 1,  # M1's second carer
        "date_of_birth": 0, "sex": 0,
        "terms": 1}  # M8


def test_the_funnels_for_the_year(built):
    mainstream = {i["step"].key: i["count"] for i in measures.funnel(M, PERIOD, Scope())}
    assert mainstream == {"enquiries": 4, "initial_visits": 2,  # M2, M6
                          "applications": 5,  # M2 (once), M3, M4, M6, M9
                          "stage1": 2, "stage2": 2, "panel": 2,  # M1, M9 each
                          "approved": 1}  # M1
    kinship = {i["step"].key: i["count"] for i in measures.funnel(C, PERIOD, Scope())}
    assert kinship == {"referrals": 3, "viability": 3, "reg24": 2, "full_assessment": 2,
                       "approved": 1}
    conversions = [i["conversion"] for i in measures.funnel(C, PERIOD, Scope())]
    assert conversions == [None, 1.0, 2 / 3, 1.0, 0.5]


def test_time_in_stage_and_to_approval(built):
    times = {t["stage"]: t for t in measures.stage_times(PERIOD, Scope())}
    # Stage 1 spells that ended in the year, in working days (weekdays that are not bank
    # holidays in England): M1 25 Mar to 10 Jun 2025, 55 weekdays less Good Friday, Easter
    # Monday and the two May holidays: 51; M4 20 May to 1 Aug, 53 less 26 May: 52; M2 5 Jun
    # to 1 Sep, 62 less 25 Aug: 61; M9 5 Aug to 1 Nov: 62; M6 5 Jul to 11 Nov: 91.
    # Nearest rank: the median is the 3rd of 5, the 90th percentile the 5th.
    stage1 = times[S.STAGE1]
    assert (stage1["count"], stage1["wd50"], stage1["wd90"]) == (5, 61, 91)
    approval = measures.application_to_approval(PERIOD, Scope())
    # M1: 20 March to 27 October 2025, 221 days, within 8 months; C1: 1 July to 1 December
    assert (approval["count"], approval["within"]) == (2, 2)
    assert (approval["weeks50"], approval["weeks90"]) == (round(153 / 7, 1), round(221 / 7, 1))


def test_withdrawals_and_approvals_by_type(built):
    by_code, by_stage = measures.withdrawals_by(PERIOD, Scope())
    assert by_code == {"AW4": 1, "none": 1, "AW0": 1}
    assert by_stage == {"stage1": 2, "full_assessment": 1}
    approved = measures.approvals_by_type(PERIOD, Scope(), ["short_term", "short_breaks",
                                                            "long_term", "remand"])
    assert approved == {"approvals": 2, "places": 3, "none": 0, "types": {
        "short_term": 1, "short_breaks": 1, "long_term": 1, "remand": 0}}


def test_a_team_sees_only_its_own_households(built, teams):
    recruitment, kinship = teams
    scope = Scope(team_id=kinship.id)
    assert ofsted.recruitment(YEAR, M, scope)["applications"] == 0
    assert ofsted.recruitment(YEAR, C, scope) == EXPECTED_RETURN[C]
    # The kinship team takes no mainstream enquiries; the recruitment team every one with
    # no case yet.
    assert measures.count(measures.enquiries(PERIOD, scope, M.value)) == 0
    assert measures.count(measures.enquiries(PERIOD, Scope(team_id=recruitment.id),
                                             M.value)) == 0  # no team takes them yet


def test_the_kept_spells_equal_the_spells_worked_out_from_the_timeline(built):
    def rows():
        return sorted((r["household_id"], r["stage"], r["entered_on"], r["left_on"],
                       r["working_days"], r["withdrawal_code"], r["days_from_application"])
                      for r in spells.computed())
    kept = sorted((s.household_id, s.stage, s.entered_on, s.left_on, s.working_days,
                   s.withdrawal_code, s.days_from_application)
                  for s in db.session.scalars(select(StageSpell)))
    assert kept == rows()


# --- through the pages ---

def manager_client(client, role, team=None):
    user = make_staff(role, team=team)
    sign_in(client, user)
    return user


def test_each_return_figure_links_to_the_households_it_counts(client, built):
    manager_client(client, "service_manager")
    page = client.get(f"/staff/figures/ofsted?year={YEAR}").get_data(as_text=True)
    assert "stop this return being complete" in page or "stops this return" in page
    links = re.findall(r'<a class="govuk-link" href="(/staff/figures/cases\?[^"]+)">(\d+)</a>',
                       page)
    assert len(links) >= 20
    # The carers and places at 31 March link to the households approved, whose own figure
    # comes first.
    first = {}
    for href, shown in links:
        first.setdefault(href, shown)
    for href, shown in first.items():
        listed = client.get(href.replace("&amp;", "&")).get_data(as_text=True)
        total = re.search(r"<p class=\"govuk-body\">(\d+) (?:case|cases|enquiry|enquiries)\.",
                          listed)
        assert total and total.group(1) == shown, href


def test_the_return_downloads_as_csv_and_xlsx(client, built):
    manager_client(client, "agency_decision_maker")
    response = client.get(f"/staff/figures/ofsted.csv?year={YEAR}")
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    applications = [r for r in rows if r[1] == "Applications received"]
    assert [r[2] for r in applications] == ["6", "2"]
    workbook = load_workbook(io.BytesIO(client.get(
        f"/staff/figures/ofsted.xlsx?year={YEAR}").data))
    sheet = workbook.worksheets[0]
    values = {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert values["Applications withdrawn"] == 2


def test_a_team_manager_reads_only_their_own_teams_figures(client, built, teams):
    recruitment, kinship = teams
    manager_client(client, "team_manager", team=kinship)
    page = client.get(f"/staff/figures/ofsted?year={YEAR}").get_data(as_text=True)
    assert "Households approved at 31 March" in page
    assert client.get(f"/staff/figures/?team={recruitment.id}").status_code == 403
    assert client.get(f"/staff/figures/?team={kinship.id}").status_code == 200


def test_the_dashboard_shows_the_funnel_with_links(client, built):
    manager_client(client, "service_manager")
    query = "period=custom&start=1&start=4&start=2025&end=31&end=3&end=2026"
    page = client.get(f"/staff/figures/?{query}").get_data(as_text=True)
    assert "1 April 2025 to 31 March 2026" in page
    # Seven charts: the funnels (both pathways), stages, deadlines, sources, withdrawals and
    # trends; each named by its own title and description.
    charts = re.findall(r'<svg[^>]*aria-labelledby="(chart-[a-z-]+)-title \1-desc"', page)
    assert len(charts) == 7
    listed = client.get(f"/staff/figures/cases?{query}&figure=funnel&step_pathway=mainstream"
                        "&step=applications").get_data(as_text=True)
    assert "5 cases." in listed
    for name in ("M2", "M3", "M4", "M6", "M9"):
        assert f"FC-T{name}" in listed
    workbook = load_workbook(io.BytesIO(client.get(f"/staff/figures/download.xlsx?{query}").data))
    funnel = workbook.worksheets[0]
    rows = list(funnel.iter_rows(values_only=True))
    assert rows[0] == ("Step", "Households", "Of the step before")
    assert rows[3] == ("Applications", 5, "250%")  # 5 applications after 2 initial visits
    table = client.get(f"/staff/figures/download.csv?{query}&table=sources")
    assert table.get_data(as_text=True).lstrip("\ufeff").startswith("Source,Enquiries")


def test_a_custom_period_without_dates_says_what_is_missing(client, built):
    manager_client(client, "team_manager")
    page = client.get("/staff/figures/?period=custom").get_data(as_text=True)
    assert "There is a problem" in page
    assert "Enter the start date, or choose another period" in page


def test_open_deadlines_and_caseload_by_team_and_worker(app):
    from datetime import timedelta

    from carers.core.dates import today
    from tests.factories import make_household

    north, south = make_team("North"), make_team("South")
    ana, ben = make_staff("assessing_social_worker", team=north, name="Ana"), \
        make_staff("assessing_social_worker", team=south, name="Ben")
    on = today()
    for team, workers, due, stage in (
            (north, [ana], on - timedelta(days=1), "stage1"),  # overdue
            (north, [ana, ben], on + timedelta(days=1), "stage2"),  # due soon
            (north, [ana], on + timedelta(days=90), "stage2"),  # on track
            (south, [ben], on - timedelta(days=5), "full_assessment"),  # overdue
            (south, [ben], None, "approved")):  # no deadline, not open
        make_household("connected_person" if team is south else "mainstream", stage,
                       team=team, workers=workers, next_due_on=due)
    soon = on + timedelta(days=7)
    teams = {r["name"]: (r["overdue"], r["due_soon"], r["on_track"])
             for r in measures.clocks_by_team(Scope(), on, soon)}
    assert teams == {"North": (1, 1, 1), "South": (1, 0, 0)}
    workers = {r["name"]: (r["overdue"], r["due_soon"], r["on_track"], r["open"],
                           r["open_overdue"]) for r in measures.workers(Scope(), on, soon)}
    assert workers == {"Ana": (1, 1, 1, 3, 1), "Ben": (1, 1, 0, 2, 1)}
    # A team's figures count only its own cases, whoever else works on them.
    assert {r["name"]: r["open"] for r in measures.workers(Scope(team_id=south.id), on, soon)
            if r["open"]} == {"Ben": 1}
    assert {r["name"]: r["overdue"] for r in measures.workers(
        Scope(worker_id=ana.id), on, soon)} == {"Ana": 1}


def test_the_scheduler_works_out_the_standard_views_as_the_page_would(client, built, teams):
    from carers.core.dates import utcnow
    from carers.figures import snapshots
    from carers.figures.models import FiguresSnapshot

    user = manager_client(client, "service_manager")
    live = client.get("/staff/figures/?period=year").get_data(as_text=True)
    assert "Figures worked out at" not in live
    done = snapshots.refresh(utcnow())
    assert done == {"views worked out": 3 * 3 + 2 * 3}  # 3 periods and 2 returns, for the
    # agency and each team
    kept = client.get("/staff/figures/?period=year").get_data(as_text=True)
    assert "Figures worked out at" in kept

    def sections(page):
        return page[page.index('<nav aria-label="On this page">'):page.index("</main>")]
    assert sections(kept) == sections(live)
    # The Ofsted return for the last year that ended, kept and worked out now, the same.
    kept_return = client.get(f"/staff/figures/ofsted?year={YEAR}").get_data(as_text=True)
    live_return = client.get(f"/staff/figures/ofsted?year={YEAR}&live=1").get_data(
        as_text=True)
    assert "Figures worked out at" in kept_return
    assert "Figures worked out at" not in live_return

    def tables(page):
        return page[page.index("<table"):page.index("</main>")]
    assert tables(kept_return) == tables(live_return)
    # A change shows in a view worked out now; the kept one waits for the next run.
    make_enquiry(received_at=utcnow())
    assert sections(client.get("/staff/figures/?period=year").get_data(as_text=True)) \
        == sections(live)
    now = client.get("/staff/figures/?period=year&live=1").get_data(as_text=True)
    assert "Figures worked out at" not in now and sections(now) != sections(live)
    # A view too old to trust is worked out again when asked.
    for snapshot in db.session.scalars(select(FiguresSnapshot)):
        snapshot.computed_at = utcnow() - timedelta(minutes=2 * snapshots.INTERVAL_MINUTES + 1)
    db.session.commit()
    assert "Figures worked out at" not in client.get(
        "/staff/figures/?period=year").get_data(as_text=True)
    assert user.id


def test_a_case_opened_from_an_answered_enquiry_keeps_the_spells_its_timeline_gives(app):
    from carers.enquiries.operations import open_case_from_enquiry

    team = make_team("Front door")
    officer = make_staff("recruitment_officer", team=team)
    enquiry = make_enquiry(received_at=datetime(2026, 11, 2, 10, tzinfo=UTC),
                           first_response_at=datetime(2026, 11, 4, 9, tzinfo=UTC),
                           first_response_by_id=officer.id)
    assert enquiry.first_response_working_days == 2  # Monday to Wednesday
    household = open_case_from_enquiry(enquiry, officer)
    kept = [(s.stage, s.entered_on, s.left_on, s.working_days) for s in db.session.scalars(
        select(StageSpell).where(StageSpell.household_id == household.id)
        .order_by(StageSpell.id))]
    assert kept == [("enquiry", D(2026, 11, 2), D(2026, 11, 4), 2),
                    ("initial_contact", D(2026, 11, 4), None, None)]
    assert kept == [(r["stage"], r["entered_on"], r["left_on"], r["working_days"])
                    for r in spells.computed([household.id])]


def test_the_pipeline_list_downloads_with_its_filters_and_no_formulas(client, teams):
    from tests.factories import make_household

    recruitment, _ = teams
    worker = make_staff("assessing_social_worker", team=recruitment)
    sign_in(client, worker)
    make_household("mainstream", "stage1", team=recruitment, workers=[worker],
                   name='=HYPERLINK("http://evil")')
    make_household("mainstream", "stage2", team=recruitment, workers=[worker], name="Okafor")
    response = client.get("/staff/pipeline.csv?stage=stage1")
    assert response.headers["Cache-Control"] == "no-store"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:4] == ["Case", "Household", "Pathway", "Stage"]
    assert [r[1] for r in rows[1:]] == ["'=HYPERLINK(\"http://evil\")"]
    sheet = load_workbook(io.BytesIO(client.get("/staff/pipeline.xlsx").data)).worksheets[0]
    assert sorted(r[1] for r in sheet.iter_rows(min_row=2, values_only=True)) == [
        '=HYPERLINK("http://evil")', "Okafor"]
    assert sheet["B2"].data_type == "s" and sheet["B3"].data_type == "s"
