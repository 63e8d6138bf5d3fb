"""The register of approved foster carers: exactly the approved households (and regulation 24
temporary approvals, marked), their terms, first review and named child; filters; the CSV and
XLSX downloads, audited; only the register's readers."""

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from carers.audit.models import AuditEvent
from carers.extensions import db
from tests.factories import make_decision, make_household, make_staff, set_setting
from tests.helpers import client_for
from tests.http.test_pipeline_views import plain, tables, text_of

TERMS = {"children": 2, "age_from": 0, "age_to": 11, "fostering_types": ["short_term"]}


@pytest.fixture
def register(app):
    approved = make_household("mainstream", "approved", name="Ash Household",
                              decided_on=date(2026, 1, 31))
    make_decision(approved, terms=TERMS, decided_on=date(2026, 1, 31))
    kin = make_household("connected_person", "approved", name="Birch Household",
                         decided_on=date(2026, 3, 10), first_review_on=date(2026, 11, 1),
                         child_name="Cara Birch", child_la_reference="LA-77",
                         reg24_approved_on=date(2025, 12, 1), reg24_ended_on=date(2026, 3, 10))
    make_decision(kin, terms={"children": 1, "age_from": 4, "age_to": 4,
                              "fostering_types": ["long_term"]}, decided_on=date(2026, 3, 10))
    make_household("connected_person", "full_assessment", name="Cedar Household",
                   child_name="=HYPERLINK(\"x\")", child_la_reference="LA-88",
                   reg24_approved_on=date(2026, 11, 2))
    make_household("connected_person", "not_approved", name="Damson Household",
                   reg24_approved_on=date(2026, 1, 5), reg24_ended_on=date(2026, 5, 1))
    # Not on the register: still being assessed, or refused without temporary approval.
    make_household("mainstream", "stage2", name="Elm Household")
    make_household("mainstream", "not_approved", name="Fir Household")
    return client_for(app, make_staff("information_governance"))


def test_the_register_lists_the_approved_households_with_their_terms(register):
    set_setting("first_review_months", 6)
    page = text_of(register.get("/staff/records/register"))
    table = tables(page)["Approved households"]
    rows = {row[0].split()[1]: row[1:] for row in table}
    assert set(rows) == {"Ash", "Birch", "Cedar", "Damson"}
    assert rows["Ash"] == ["Approval Mainstream fostering", "31 January 2026",
                           "Up to 2 children, aged 0 to 11; Short-term.",
                           "Not applicable", "31 July 2026", "Approved"]
    # The review the case records is the one shown; the child the approval is tied to.
    assert rows["Birch"][1:5] == ["10 March 2026",
                                  "Up to 1 child, aged 4 to 4; Long-term.",
                                  "Cara Birch (LA-77)", "1 November 2026"]
    assert rows["Cedar"][0] == "Temporary approval (regulation 24) Connected person (kinship)"
    assert rows["Cedar"][4:] == ["Temporary approval lapses 22 February 2027",
                                 "Temporarily approved (regulation 24)"]
    assert rows["Damson"][-1] == "Temporary approval ended"

    only = plain(text_of(register.get("/staff/records/register?status=temporary")))
    assert "Cedar" in only and "Damson" not in only and "Ash" not in only
    mainstream = plain(text_of(register.get("/staff/records/register?pathway=mainstream")))
    assert "1 household." in mainstream and "Ash Household" in mainstream
    # Whatever is typed in the query string, the page is shown.
    assert register.get("/staff/records/register?status=%00&pathway=x&page=-3"
                        ).status_code == 200


def test_the_register_downloads_as_csv_and_xlsx(register):
    response = register.get("/staff/records/register/download.csv?pathway=connected_person")
    assert response.headers["Cache-Control"] == "no-store"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:5] == ["Case", "Carers", "Pathway", "Approval", "Approved on"]
    by_name = {r[1]: r for r in rows[1:]}
    assert set(by_name) == {"Birch Household", "Cedar Household", "Damson Household"}
    assert by_name["Birch Household"][5:12] == ["1", "4 to 4", "Long-term",
                                                "Up to 1 child, aged 4 to 4; Long-term.",
                                                "Cara Birch", "LA-77",
                                                "2026-11-01"]
    # A child's name that a spreadsheet would run as a formula stays text.
    assert by_name["Cedar Household"][9] == "'=HYPERLINK(\"x\")"

    sheet = load_workbook(io.BytesIO(register.get(
        "/staff/records/register/download.xlsx").data)).worksheets[0]
    values = list(sheet.values)
    assert len(values) == 5
    ash = next(v for v in values if v[1] == "Ash Household")
    assert ash[4].date() == date(2026, 1, 31) and ash[5] == 2
    assert ash[11].date() == date(2027, 1, 31)  # 12 months, the default
    exports = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "export", AuditEvent.object_type == "carer_register")).all()
    assert [e.detail for e in exports] == [
        {"format": "csv", "rows": 3, "pathway": "connected_person"},
        {"format": "xlsx", "rows": 4}]


@pytest.mark.parametrize("role, status", [("agency_decision_maker", 200),
                                          ("panel_administrator", 200),
                                          ("assessing_social_worker", 403),
                                          ("administrator", 403)])
def test_only_the_register_readers_see_it(app, role, status):
    client = client_for(app, make_staff(role))
    assert client.get("/staff/records/register").status_code == status
