"""What the public can store: the enquiry draft keeps only what each field can hold, a body
can be only so large, and drafts never sent are deleted after the agency's period."""

import json
from datetime import timedelta

from markupsafe import escape
from sqlalchemy import func, select

from carers.core.dates import utcnow
from carers.enquiries.models import EnquiryDraft
from carers.extensions import db
from carers.scheduler.jobs import job
from carers.scheduler.models import JobRun
from carers.scheduler.runner import run_job
from tests.factories import make_draft, set_setting
from tests.helpers import isolated_client
from tests.http.journey import CONTACT


def drafts() -> list[EnquiryDraft]:
    db.session.expire_all()
    return list(db.session.scalars(select(EnquiryDraft)))


def test_an_invalid_answer_is_kept_only_up_to_its_fields_limit(forms):
    long_phone = "0" * 200_000
    response = forms.submit("/enquiry/contact", {**CONTACT, "phone": long_phone,
                                                 "extra": "x" * 100_000})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Telephone number must be 30 characters or fewer" in html
    [draft] = drafts()
    assert draft.raw["contact"]["phone"] == ["0" * 30]
    assert draft.raw["contact"]["email"] == [CONTACT["email"]]
    assert "extra" not in draft.raw["contact"]
    assert len(json.dumps(draft.raw)) < 2000
    # What was kept is still there when the page is opened again.
    again = forms.client.get("/enquiry/contact").get_data(as_text=True)
    assert 'value="' + "0" * 30 + '"' in again


def test_a_body_of_megabytes_gets_a_too_large_page_and_stores_nothing(forms):
    response = forms.submit("/enquiry/contact", {**CONTACT, "phone": "0" * (2 * 1024 * 1024)})
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "<title>What you sent is too large" in html and "govuk-template" in html
    assert drafts() == []


def test_a_document_upload_may_still_be_large(app):
    """The small limit is for bodies without a file: an upload keeps its 12MB limit."""
    client = isolated_client(app)
    response = client.post("/staff/sign-in", content_type="multipart/form-data",
                           data={"email": "a@example.gov.uk", "file": (b"x" * 2_000_000,
                                                                       "big.pdf")})
    assert response.status_code != 413


def test_unsent_drafts_are_deleted_after_the_agencys_period(app, forms):
    forms.submit("/enquiry/contact", CONTACT)
    other = isolated_client(app)
    other.get("/enquiry/contact")
    make_draft("old")
    make_draft("recent")
    now = utcnow()
    db.session.execute(EnquiryDraft.__table__.update().where(EnquiryDraft.id == "old")
                       .values(updated_at=now - timedelta(days=31)))
    db.session.execute(EnquiryDraft.__table__.update().where(EnquiryDraft.id == "recent")
                       .values(updated_at=now - timedelta(days=29)))
    db.session.commit()

    run = run_job(job("enquiry_drafts"), now)
    assert run.error is None and "1" in run.summary
    assert "old" not in {d.id for d in drafts()}
    assert "recent" in {d.id for d in drafts()}

    # The agency shortens the period: the 29-day-old draft goes too; today's stays.
    set_setting("enquiry_draft_days", 7)
    run_job(job("enquiry_drafts"), now)
    left = drafts()
    assert "recent" not in {d.id for d in left} and len(left) == 1
    assert db.session.scalar(select(func.count(JobRun.id))
                             .where(JobRun.job_name == "enquiry_drafts")) == 2


def test_a_body_that_is_not_utf8_gets_a_clear_error_and_keeps_the_other_answers(client):
    from tests.helpers import csrf_token
    from tests.http.journey import ABOUT_YOU

    token = csrf_token(client.get("/enquiry/about-you").get_data(as_text=True))
    fields = {**ABOUT_YOU, "first_name": "SIAN-MARK", "csrf_token": token}
    body = "&".join(f"{k}={v}" for k, values in fields.items()
                    for v in (values if isinstance(values, list) else [values])).encode()
    body = body.replace(b"SIAN-MARK", b"Si\xe2n \xff")  # Latin-1, not UTF-8
    response = client.post("/enquiry/about-you", data=body,
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "timed out" not in html
    assert "govuk-error-summary" in html
    assert "First name has characters that could not be read" in html
    assert f'value="{escape(ABOUT_YOU["last_name"])}"' in html
    [draft] = drafts()
    assert draft.raw["about-you"]["last_name"] == [ABOUT_YOU["last_name"]]
    assert "about-you" not in draft.answers
