"""Two people recording an enquiry's first response at the same moment: one is recorded, the
other is told and keeps their note on the page."""

import re

import pytest
from markupsafe import escape
from sqlalchemy import update

from carers.enquiries.models import Enquiry
from carers.enquiries.operations import FirstResponseRecorded, record_first_response
from carers.extensions import db
from tests.factories import make_enquiry, make_staff
from tests.helpers import client_for, csrf_token


def test_the_second_to_record_is_told_and_keeps_their_note(app):
    enquiry = make_enquiry()
    first, second = make_staff("recruitment_officer"), make_staff("recruitment_officer")
    url = f"/staff/enquiries/{enquiry.reference}"
    firsts, seconds = client_for(app, first), client_for(app, second)
    first_token = csrf_token(firsts.get(url).get_data(as_text=True))
    second_token = csrf_token(seconds.get(url).get_data(as_text=True))

    response = firsts.post(url, data={"csrf_token": first_token, "note": "Rang, left message"})
    assert response.status_code == 302
    response = seconds.post(url, data={"csrf_token": second_token,
                                       "note": "Spoke to Siân, booked a visit for Tuesday"})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    summary = re.search(r'<div class="govuk-error-summary".*?</ul>', html, re.S).group(0)
    assert "Someone else recorded the first response" in summary
    assert str(escape("Spoke to Siân, booked a visit for Tuesday")) in html

    db.session.expire_all()
    stored = db.session.get(Enquiry, enquiry.id)
    assert stored.first_response_note == "Rang, left message"
    assert stored.first_response_by_id == first.id


def test_a_response_recorded_between_reading_and_writing_is_not_overwritten(app):
    """The check and the write are one statement: a copy read before someone else's write
    (as two requests at the same moment have) cannot overwrite it."""
    enquiry = make_enquiry()
    first, second = make_staff("recruitment_officer"), make_staff("recruitment_officer")
    stale = db.session.get(Enquiry, enquiry.id)
    assert stale.first_response_at is None
    with db.engine.begin() as other:  # the other request, on its own connection
        other.execute(update(Enquiry).where(Enquiry.id == enquiry.id).values(
            first_response_at=db.func.now(), first_response_by_id=first.id,
            first_response_note="First!", status=Enquiry.CONTACTED))
    with pytest.raises(FirstResponseRecorded):
        record_first_response(stale, second, "Second")
    db.session.expire_all()
    stored = db.session.get(Enquiry, enquiry.id)
    assert (stored.first_response_note, stored.first_response_by_id) == ("First!", first.id)
