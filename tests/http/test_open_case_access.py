"""Opening a case from an enquiry: only those who may read the enquiry (the inbox's roles), and
every case belongs to a team."""

from sqlalchemy import func, select

from carers.cases.models import Household
from carers.extensions import db
from tests.factories import make_enquiry, make_staff, make_team
from tests.helpers import csrf_token, isolated_client, sign_in


def open_case(app, user, enquiry):
    client = isolated_client(app)
    sign_in(client, user)
    token = csrf_token(client.get("/staff/account").get_data(as_text=True))
    return client, client.post(f"/staff/enquiries/{enquiry.reference}/open-case",
                               data={"csrf_token": token})


def cases() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(Household.id)))


def test_a_panel_administrator_who_cannot_read_the_enquiry_cannot_open_a_case(app):
    enquiry = make_enquiry()
    panel_admin = make_staff("panel_administrator", team=make_team())
    client, response = open_case(app, panel_admin, enquiry)
    assert response.status_code == 403
    assert client.get(f"/staff/enquiries/{enquiry.reference}").status_code == 403
    assert cases() == 0


def test_someone_in_no_team_is_told_and_no_teamless_case_is_made(app):
    enquiry = make_enquiry()
    admin = make_staff("administrator")  # agency-wide, in no team
    assert admin.team_id is None
    client, response = open_case(app, admin, enquiry)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/staff/enquiries/{enquiry.reference}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Every case belongs to a team" in page
    assert cases() == 0


def test_a_case_opened_from_an_enquiry_belongs_to_the_openers_team(app):
    team = make_team()
    enquiry = make_enquiry()
    officer = make_staff("recruitment_officer", team=team)
    _, response = open_case(app, officer, enquiry)
    assert response.status_code == 302
    assert db.session.scalar(select(Household.team_id)) == team.id
