"""The address history and household details pages are in the audit trail (who looked, who
changed what), and a change saved over someone else's keeps what was typed."""

import re

from markupsafe import escape
from sqlalchemy import select

from carers.audit.models import AuditEvent
from carers.checks.models import Address
from carers.extensions import db
from tests.factories import make_staff, make_team
from tests.helpers import client_for, csrf_token
from tests.http.test_checks import make_case

ADDRESS = {"line_1": "9 Low Road", "line_2": "", "town": "Leeds", "postcode": "ls1 4ap",
           "local_authority": "Leeds City Council", "lived_from": ["1", "5", "2014"],
           "lived_to": ["28", "2", "2023"]}
DETAILS = {"has_pets": "yes", "pets_details": "A dog", "fostered_before": "no",
           "previous_provider": "", "fostered_until": ["", "", ""]}


def trail(user, object_type):
    db.session.expire_all()
    return [(e.action, e.object_id, e.detail) for e in db.session.scalars(
        select(AuditEvent).where(AuditEvent.user_id == user.id,
                                 AuditEvent.object_type == object_type)
        .order_by(AuditEvent.seq))]


def open_form(client, url) -> dict:
    page = client.get(url).get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    return {"csrf_token": csrf_token(page), "version": version}


def test_looking_at_and_changing_addresses_and_household_details_is_audited(app):
    worker = make_staff("assessing_social_worker", team=make_team())
    household = make_case(worker, team=worker.team)
    client = client_for(app, worker)
    base = f"/staff/cases/{household.reference}"

    response = client.post(f"{base}/addresses/new",
                           data={**open_form(client, f"{base}/addresses/new"), **ADDRESS})
    assert response.status_code == 302
    address = db.session.scalars(select(Address)).one()
    url = f"{base}/addresses/{address.id}"
    assert client.get(url).status_code == 200
    response = client.post(url, data={**open_form(client, url), **ADDRESS, "town": "York"})
    assert response.status_code == 302
    assert trail(worker, "address") == [
        ("create", str(address.id), {"household": household.id}),
        ("view", str(address.id), {"household": household.id}),
        ("view", str(address.id), {"household": household.id}),
        ("update", str(address.id), {"household": household.id, "changed": ["town"]}),
    ]

    url = f"{base}/household-details"
    response = client.post(url, data={**open_form(client, url), **DETAILS})
    assert response.status_code == 302
    actions = [(action, detail) for action, _, detail in trail(worker, "household_details")]
    assert actions[0] == ("view", None) and actions[-1][0] == "update"
    assert "has_pets" in actions[-1][1]["changed"]
    # The case's list of viewers counts the household details page.
    viewers = client.get(f"{base}/viewers").get_data(as_text=True)
    assert worker.name in viewers


def test_household_details_saved_over_someone_elses_change_keep_what_was_typed(app):
    team = make_team()
    first = make_staff("assessing_social_worker", team=team)
    second = make_staff("assessing_social_worker", team=team)
    household = make_case(first, team=team)
    household.workers.append(second)
    db.session.commit()
    url = f"/staff/cases/{household.reference}/household-details"
    firsts, seconds = client_for(app, first), client_for(app, second)
    first_form, second_form = open_form(firsts, url), open_form(seconds, url)
    assert firsts.post(url, data={**first_form, **DETAILS}).status_code == 302
    typed = "Three rescue greyhounds, all good with children"
    response = seconds.post(url, data={**second_form, **DETAILS, "pets_details": typed})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    summary = re.search(r'<div class="govuk-error-summary".*?</ul>', html, re.S).group(0)
    assert "This case changed since you opened it" in summary
    assert str(escape(typed)) in html
