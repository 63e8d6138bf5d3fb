"""An administrator looks at the scheduled jobs and resends a failed message, in a real
browser with axe-core on both pages; the message then reaches the SMTP server."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from carers.extensions import db
from carers.notifications.dispatch import send_due
from carers.notifications.models import OutboxMessage
from carers.scheduler.jobs import job
from carers.scheduler.runner import run_job
from tests.browser.helpers import sign_in
from tests.factories import make_message

pytestmark = pytest.mark.browser


def test_an_administrator_sees_the_jobs_and_resends_a_failed_message(page, axe, make_user,
                                                                     mailbox):
    admin = make_user("administrator")
    run_job(job("retention"))
    run_job(job("send_outbox"))
    make_message("carer@example.com", idempotency_key="browser:1",
                 subject="Your initial visit", body_text="See you on Tuesday.",
                 status="failed", attempts=5, last_error="451 Temporary local problem")

    sign_in(page, admin.email)
    page.get_by_role("link", name="Jobs", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Scheduled jobs")
    retention = page.locator("#job-retention")
    expect(retention).to_contain_text("Every day at 03:00")
    expect(retention).to_contain_text("Nothing is deleted until a records officer confirms it")
    expect(page.locator("#job-send_outbox")).to_contain_text("Every 10 seconds")
    expect(page.locator("#job-clock_digest")).to_contain_text("Not run yet")
    axe(page)

    page.get_by_role("link", name="Outbox", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Outbox: messages not yet sent")
    expect(page.get_by_text("451 Temporary local problem (5 attempts)")).to_be_visible()
    axe(page)

    # The address was mistyped: correct it, then it is queued again.
    page.get_by_role("link", name="Correct the address carer@example.com").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Correct the address")
    page.get_by_label("Email address").fill("carer@@example")
    page.get_by_role("button", name="Correct the address and send again").click()
    expect(page.get_by_role("alert")).to_contain_text("correct format")
    expect(page.get_by_label("Email address")).to_have_value("carer@@example")
    axe(page)
    page.get_by_label("Email address").fill("carer2@example.com")
    page.get_by_role("button", name="Correct the address and send again").click()
    expect(page.get_by_text("Message to carer2@example.com queued to send again")).to_be_visible()
    expect(page.get_by_text("Waiting", exact=True)).to_be_visible()
    axe(page)

    assert send_due()["sent"] == 1
    assert [m["Subject"] for m in mailbox.messages] == ["Your initial visit"]
    assert [m["To"] for m in mailbox.messages] == ["carer2@example.com"]
    page.reload()
    expect(page.get_by_text("No messages waiting: everything has been sent.")).to_be_visible()
    message = db.session.scalar(select(OutboxMessage))
    db.session.refresh(message)
    assert message.status == "sent"
