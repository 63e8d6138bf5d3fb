"""Where the header's service name takes each kind of staff user, and which links an
enquiry page offers to its case."""

import re

import pytest

from carers.auth.roles import RoleKey
from carers.panel.rules import PanelRole
from tests.factories import (
    make_enquiry,
    make_household,
    make_panel_member,
    make_staff,
    make_team,
)
from tests.helpers import isolated_client, sign_in

SERVICE_LINK = re.compile(r'<a href="([^"]+)" class="govuk-service-navigation__link">')


def on_the_panel_list(user):
    make_panel_member(PanelRole.INDEPENDENT, user)
    return user


KINDS = {role.value: (lambda role=role: make_staff(role)) for role in RoleKey}
KINDS["panel member on the panel list"] = lambda: on_the_panel_list(make_staff("panel_member"))


@pytest.mark.parametrize("kind", KINDS)
def test_the_service_name_takes_every_kind_of_staff_to_a_page_they_may_open(app, kind):
    client = isolated_client(app)
    sign_in(client, KINDS[kind]())
    account = client.get("/staff/account").get_data(as_text=True)
    service_url = SERVICE_LINK.search(account).group(1)
    response = client.get(service_url, follow_redirects=True)
    assert response.status_code == 200, (kind, service_url, response.request.path)
    # Each navigation link the page offers opens too.
    for href in re.findall(r'class="govuk-service-navigation__link" href="([^"]+)"', account):
        assert client.get(href).status_code == 200, (kind, href)


def test_panel_members_start_at_their_meetings(app):
    client = isolated_client(app)
    sign_in(client, on_the_panel_list(make_staff("panel_member")))
    response = client.get("/staff/", follow_redirects=True)
    assert response.request.path == "/panel/meetings"


def test_an_enquiry_links_to_its_case_only_for_those_who_may_read_the_case(app):
    team, other_team = make_team(), make_team()
    worker = make_staff("assessing_social_worker", team=team)
    enquiry = make_enquiry()
    household = make_household("mainstream", "stage1", team=team, workers=[worker],
                               enquiry_id=enquiry.id)
    case_link = f'href="/staff/cases/{household.reference}"'
    for reader, may_read in [(worker, True),
                             (make_staff("recruitment_officer", team=other_team), False)]:
        client = isolated_client(app)
        sign_in(client, reader)
        page = client.get(f"/staff/enquiries/{enquiry.reference}")
        html = page.get_data(as_text=True)
        assert page.status_code == 200
        assert household.reference in html
        assert (case_link in html) is may_read, reader.roles
        if may_read:
            assert client.get(f"/staff/cases/{household.reference}").status_code == 200
