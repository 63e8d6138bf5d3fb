"""A panel meeting saved over someone else's change: the form again, with what was typed."""

import re
from datetime import date

from markupsafe import escape

from carers.extensions import db
from carers.panel.models import PanelMeeting
from tests.factories import make_meeting, make_staff
from tests.helpers import csrf_token, isolated_client, sign_in


def test_the_second_to_save_a_meeting_keeps_what_they_typed(app):
    meeting = make_meeting(meets_on=date(2030, 3, 5))
    url = f"/staff/panel/meetings/{meeting.id}/edit"
    clients = []
    for _ in range(2):
        client = isolated_client(app)
        sign_in(client, make_staff("panel_administrator"))
        page = client.get(url).get_data(as_text=True)
        version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
        clients.append((client, {"csrf_token": csrf_token(page), "version": version}))
    (first, first_form), (second, second_form) = clients
    fields = {"meets_on": ["5", "3", "2030"], "starts_at": "10:00", "online_link": ""}
    response = first.post(url, data={**first_form, **fields, "place": "Council Chamber"})
    assert response.status_code == 302
    typed = "Committee Room 2, Town Hall, enter by the side door"
    response = second.post(url, data={**second_form, **fields, "place": typed})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    summary = re.search(r'<div class="govuk-error-summary".*?</ul>', html, re.S).group(0)
    assert "This meeting changed since you opened this page" in summary
    assert str(escape(typed)) in html
    db.session.expire_all()
    assert db.session.get(PanelMeeting, meeting.id).place == "Council Chamber"
