"""The administrator's audit search and CSV export, and each case's list of viewers."""

import csv
import io

from carers.audit.operations import record
from carers.core.spreadsheets import safe_cell
from carers.extensions import db
from tests.factories import make_household, make_staff, make_team
from tests.helpers import isolated_client, sign_in


def test_csv_cells_that_could_be_formulas_are_neutralised():
    for value in ("=HYPERLINK(\"http://x\")", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"):
        assert safe_cell(value) == "'" + value
    assert safe_cell("plain") == "plain" and safe_cell(None) == "" and safe_cell(3) == "3"


def test_an_administrator_searches_and_exports_the_trail(app):
    admin = make_staff("administrator", name="Ada Admin")
    worker = make_staff("assessing_social_worker", name="=cmd|' /C calc'!A0")
    record("view", "household", 42, {"why": "@evil"}, user=worker)
    record("update", "household", 43, user=worker)
    db.session.commit()
    client = isolated_client(app)
    sign_in(client, admin)
    page = client.get("/staff/admin/audit?action=view&object_type=household")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "=cmd|" in html and "household 42" in html and "household 43" not in html
    assert client.get("/staff/admin/audit?date_from=yesterday").status_code == 200
    assert "must be a date like" in client.get(
        "/staff/admin/audit?date_from=yesterday").get_data(as_text=True)

    export = client.get("/staff/admin/audit/export.csv?object_type=household")
    assert export.status_code == 200 and export.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(export.get_data(as_text=True))))
    assert rows[0][0] == "Position"
    names = {row[2] for row in rows[1:]}
    assert "'=cmd|' /C calc'!A0" in names
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@")), row
    # The search and the export are themselves in the trail.
    trail = client.get("/staff/admin/audit?object_type=audit_trail").get_data(as_text=True)
    assert "export" in trail


def test_only_administrators_see_the_trail(app):
    client = isolated_client(app)
    sign_in(client, make_staff("team_manager"))
    assert client.get("/staff/admin/audit").status_code == 403
    assert client.get("/staff/admin/audit/export.csv").status_code == 403


def test_a_case_lists_who_has_looked_at_it(app):
    team = make_team()
    worker = make_staff("assessing_social_worker", name="Wyn Worker", team=team)
    manager = make_staff("team_manager", name="Mari Manager", team=team)
    household = make_household("mainstream", "stage1", team=team, workers=[worker])
    for person in (worker, manager):
        client = isolated_client(app)
        sign_in(client, person)
        assert client.get(f"/staff/cases/{household.reference}").status_code == 200
    client.get(f"/staff/cases/{household.reference}")
    page = client.get(f"/staff/cases/{household.reference}/viewers")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Wyn Worker" in html and "Mari Manager" in html
    assert html.index("Mari Manager") < html.index("Wyn Worker")  # most recent first
    outsider = isolated_client(app)
    sign_in(outsider, make_staff("assessing_social_worker", team=make_team()))
    assert outsider.get(f"/staff/cases/{household.reference}/viewers").status_code == 403
