"""A refused change shows the same page again with what was typed still in the form and the
reason at the top; it is never a redirect that drops the typing."""

import re
from datetime import date, datetime

import pytest
import time_machine
from markupsafe import escape

from carers.cases.models import CaseEvent
from carers.core.changes import CHANGED_MESSAGE
from carers.core.dates import LONDON
from tests.factories import make_household, make_staff, make_team
from tests.helpers import client_for, csrf_token


@pytest.fixture(autouse=True)
def tuesday_1_june_2027():
    with time_machine.travel(datetime(2027, 6, 1, 10, 0, tzinfo=LONDON), tick=True):
        yield


@pytest.fixture
def team():
    return make_team("North team")


def opened(client, url: str) -> dict:
    page = client.get(url).get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    return {"csrf_token": csrf_token(page), "version": version}


def summary_of(page: str) -> str:
    match = re.search(r'<div class="govuk-error-summary".*?</ul>', page, re.S)
    assert match, "no error summary"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(0)).split())


def test_a_move_the_pipeline_refuses_keeps_the_typed_reason(app, team):
    sam = make_staff("assessing_social_worker", name="Sam Jones", team=team)
    case = make_household("mainstream", "stage1", team=team, workers=[sam],
                          stage_since=date(2027, 2, 3),
                          application_received_on=date(2027, 2, 1),
                          stage1_last_item_on=date(2027, 5, 3))
    client = client_for(app, sam)
    url = f"/staff/cases/{case.reference}/move/stage1_unsuitable"
    typed = "References from two schools raised concerns about the home"
    response = client.post(url, data={**opened(client, url), "on": ["1", "6", "2027"],
                                      "confirm": "y", "reason": typed})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "A Stage 1 notice had to be given by" in summary_of(page)
    assert str(escape(typed)) in page
    assert not CaseEvent.query.filter_by(household_id=case.id,
                                         kind=CaseEvent.TRANSITION).count()


def test_saving_a_childs_details_over_someone_elses_change_keeps_the_typed_name(app, team):
    sam = make_staff("assessing_social_worker", name="Sam Jones", team=team)
    alex = make_staff("assessing_social_worker", name="Alex Green", team=team)
    case = make_household("connected_person", "referral", team=team, workers=[sam, alex])
    sams, alexs = client_for(app, sam), client_for(app, alex)
    url = f"/staff/cases/{case.reference}/child"
    sams_form, alexs_form = opened(sams, url), opened(alexs, url)
    child = {"child_date_of_birth": ["2", "5", "2019"], "child_la_reference": "LA-12345",
             "child_relationship": "Maternal grandmother"}
    saved = sams.post(url, data={**sams_form, **child, "child_name": "Amy Smith-Jones"})
    assert saved.status_code == 302
    refused = alexs.post(url, data={**alexs_form, **child, "child_name": "Amelia Rose Smith"})
    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    assert CHANGED_MESSAGE.split(".")[0] in summary_of(page)
    assert 'value="Amelia Rose Smith"' in page
    # The form now carries the case's latest version: saving again is a deliberate choice.
    assert f'name="version" type="hidden" value="{int(alexs_form["version"]) + 1}"' in page
