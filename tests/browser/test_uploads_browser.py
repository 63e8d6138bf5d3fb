"""An applicant uploads documents in a real browser: a program renamed .pdf and a PDF with
JavaScript are refused with the error beside the file and the page kept, a real PDF is
accepted; the caseworker asks for a document and accepts what came. axe checks each page,
its error states included."""

import pytest
from playwright.sync_api import expect

from carers.extensions import db
from carers.uploads.models import DocumentRequest
from tests import upload_files as files
from tests.browser.helpers import sign_in, sign_in_applicant_cookie
from tests.factories import (
    make_applicant,
    make_household,
    make_member,
    make_staff,
    set_setting,
)

pytestmark = pytest.mark.browser


def test_an_applicant_uploads_good_and_bad_files_and_the_team_accepts_one(
        app, page, live_server, axe, tmp_path):
    worker = make_staff("assessing_social_worker")
    household = make_household("mainstream", "stage1", workers=[worker])
    partner = make_member(household, "Sam Shah", "partner", is_applicant=True)
    applicant = make_applicant(household)
    for member, kind in ((household.members[0], "identity"), (partner, "pet_insurance")):
        db.session.add(DocumentRequest(household_id=household.id, member_id=member.id,
                                       kind=kind, requested_by_id=worker.id))
    db.session.commit()

    sign_in_applicant_cookie(page, app, live_server, applicant)
    page.goto("/apply/documents")
    expect(page.get_by_role("heading", level=1)).to_have_text("Documents")
    expect(page.get_by_role("link", name="Documents")).to_be_visible()  # their navigation
    axe(page)

    # A Windows program renamed .pdf: refused, named, with the error beside the file.
    program = tmp_path / "passport.pdf"
    program.write_bytes(files.EXECUTABLE)
    identity = page.get_by_label("Upload a file: Proof of identity (such as a passport)")
    identity.set_input_files(str(program))
    page.locator("form").filter(has=identity).get_by_label(
        "Anything the team should know").fill("The photo page")
    page.locator("form").filter(has=identity).get_by_role("button", name="Upload file").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "passport.pdf must be a PDF, JPEG, PNG or Word (.docx) file")
    expect(page).to_have_title("Error: Documents – Foster with us – Northmoor Council Fostering")
    expect(page.get_by_role("heading", name="Pet insurance")).to_be_visible()  # the rest
    expect(page.locator("form").filter(has=identity).get_by_label(
        "Anything the team should know")).to_have_value("The photo page")
    axe(page)

    # A PDF with JavaScript: refused too.
    scripted = tmp_path / "form.pdf"
    scripted.write_bytes(files.pdf(script="app.alert('hello');"))
    page.get_by_label("Upload a file: Pet insurance").set_input_files(str(scripted))
    page.locator("form").filter(has=page.get_by_label("Upload a file: Pet insurance")) \
        .get_by_role("button", name="Upload file").click()
    expect(page.get_by_role("alert")).to_contain_text("form.pdf contains JavaScript")
    axe(page)

    # A file far over the agency's limit: refused before it is read, with the same page.
    set_setting("upload_max_mb", 1)
    huge = tmp_path / "video.pdf"
    huge.write_bytes(b"%PDF-" + b"0" * (3 * 1024 * 1024))
    page.get_by_label("Upload a file: Pet insurance").set_input_files(str(huge))
    page.locator("form").filter(has=page.get_by_label("Upload a file: Pet insurance")) \
        .get_by_role("button", name="Upload file").click()
    expect(page.get_by_role("alert")).to_contain_text("The selected file must be smaller than 1MB")
    axe(page)
    set_setting("upload_max_mb", 10)

    # A real PDF: accepted, listed, and downloadable.
    real = tmp_path / "insurance.pdf"
    real.write_bytes(files.pdf())
    page.get_by_label("Upload a file: Pet insurance").set_input_files(str(real))
    page.locator("form").filter(has=page.get_by_label("Upload a file: Pet insurance")) \
        .get_by_role("button", name="Upload file").click()
    expect(page.get_by_text("insurance.pdf sent for pet insurance")).to_be_visible()
    expect(page.get_by_role("link", name="insurance.pdf")).to_be_visible()
    axe(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="insurance.pdf").click()
    assert download.value.suggested_filename == "insurance.pdf"

    # The caseworker sees it on the documents page, accepts it and asks for another.
    page.context.clear_cookies()
    sign_in(page, worker)
    page.goto(f"/staff/cases/{household.reference}/documents")
    expect(page.get_by_role("link", name="insurance.pdf")).to_be_visible()
    axe(page)
    page.get_by_role("button", name="Mark received and accepted for Pet insurance (Sam Shah)") \
        .click()
    expect(page.get_by_text("Pet insurance (Sam Shah) marked received and accepted")) \
        .to_be_visible()
    page.get_by_role("group", name="Who is it about?").get_by_label("Sam Shah").check()
    page.get_by_role("group", name="Which document?").get_by_label("Something else").check()
    page.get_by_role("button", name="Ask for this document").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter which document you need")
    axe(page)
    page.get_by_label("If something else, which document?").fill("Gas safety certificate")
    page.get_by_role("button", name="Ask for this document").click()
    expect(page.get_by_role("heading", name="Gas safety certificate")).to_be_visible()
    page.goto(f"/staff/cases/{household.reference}")
    expect(page.get_by_role("heading", name="Documents from the household")).to_be_visible()
    axe(page)
    page.goto(f"/staff/cases/{household.reference}/checks")
    expect(page.get_by_role("heading", name="Documents from the household")).to_be_visible()
    axe(page)
