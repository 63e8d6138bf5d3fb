"""Documents: the team asks a household for documents, its applicants upload them, staff
see, download and accept them. Files are judged by their content, kept outside the web root
under random names, served only as downloads to those who may see them, and every view and
download is audited."""

import io
import re

import pytest
from sqlalchemy import select

from carers.audit.models import AuditEvent
from carers.core.database import transaction
from carers.extensions import db
from carers.uploads import inspection, storage
from carers.uploads.models import DocumentRequest, StoredFile, UploadedDocument
from tests import upload_files as files
from tests.factories import (
    make_applicant,
    make_household,
    make_member,
    make_staff,
    make_team,
    set_setting,
)
from tests.helpers import applicant_client, client_for, html_of, post_form

MB = 1024 * 1024


@pytest.fixture
def case(app):
    team = make_team("North team")
    worker = make_staff("assessing_social_worker", team=team)
    household = make_household("mainstream", "stage1", team=team, workers=[worker])
    partner = make_member(household, "Sam Shah", "partner", is_applicant=True)
    applicant = make_applicant(household)
    identity = ask(household, worker, household.members[0], "identity")
    insurance = ask(household, worker, partner, "pet_insurance", note="The dog's policy")
    return {"household": household, "worker": worker, "partner": partner,
            "applicant": applicant, "identity": identity, "insurance": insurance}


def ask(household, worker, member, kind, description=None, note=None) -> int:
    row = DocumentRequest(household_id=household.id, member_id=member.id, kind=kind,
                          description=description, note=note, requested_by_id=worker.id)
    db.session.add(row)
    db.session.commit()
    return row.id


def send(client, request_id, name, content, comment=""):
    """Upload ``content`` as ``name`` for the request, as the page's form does."""
    page = html_of(client.get("/apply/documents"))
    token = re.search(rf'name="request-{request_id}-csrf_token"[^>]*value="([^"]+)"', page)
    assert token, "the request has no upload form"
    return client.post(f"/apply/documents/{request_id}", content_type="multipart/form-data",
                       data={f"request-{request_id}-csrf_token": token.group(1),
                             f"request-{request_id}-document": (io.BytesIO(content), name),
                             f"request-{request_id}-comment": comment})


def stored(app) -> list[str]:
    """The keys of the files kept (their bytes are in the database)."""
    db.session.expire_all()
    return sorted(db.session.scalars(select(StoredFile.key)))


def uploads() -> list[UploadedDocument]:
    db.session.expire_all()
    return list(db.session.scalars(select(UploadedDocument).order_by(UploadedDocument.id)))


def assert_refused(app, response, *phrases):
    html = html_of(response)
    assert response.status_code == 200
    assert "There is a problem" in html and "<title>Error:" in html
    for phrase in phrases:
        assert phrase in html, phrase
    # Nothing was kept, and the rest of the page is still there.
    assert uploads() == [] and stored(app) == []
    assert "Proof of identity" in html and "Pet insurance" in html
    assert "The dog&#39;s policy" in html


# --- what is refused ---

def test_a_windows_program_renamed_pdf_is_refused_by_its_content(app, case):
    client = applicant_client(app, case["applicant"])
    response = send(client, case["identity"], "passport.pdf", files.EXECUTABLE)
    assert_refused(app, response,
                   "passport.pdf must be a PDF, JPEG, PNG or Word (.docx) file")
    # The error links to the file input it belongs to.
    assert f'href="#request-{case["identity"]}-document"' in html_of(response)


def test_an_empty_file_is_refused(app, case):
    client = applicant_client(app, case["applicant"])
    response = send(client, case["identity"], "scan.png", b"")
    assert_refused(app, response, "scan.png is empty")


def test_a_file_over_the_agencys_limit_is_refused_and_what_was_typed_is_kept(app, case):
    set_setting("upload_max_mb", 1)
    client = applicant_client(app, case["applicant"])
    big = files.pdf() + b"%" * (MB + 10)
    response = send(client, case["insurance"], "policy.pdf", big, comment="The renewal letter")
    assert_refused(app, response, "policy.pdf must be smaller than 1MB",
                   "The renewal letter")
    assert "up to 1MB" in html_of(response)


def test_a_body_far_over_the_limit_is_refused_unread_with_the_page_not_a_413(app, case):
    set_setting("upload_max_mb", 1)
    client = applicant_client(app, case["applicant"])
    response = send(client, case["insurance"], "video.pdf", b"%PDF-" + b"0" * (3 * MB))
    assert_refused(app, response, "The selected file must be smaller than 1MB")


@pytest.mark.parametrize("name, content, message", [
    ("form.pdf", files.pdf(script="app.alert('hello');"), "contains JavaScript"),
    ("hidden.pdf", files.pdf_with_script_in_object_stream(), "contains JavaScript"),
    ("bundle.pdf", files.pdf(attachment=b"another file"), "has other files attached"),
    ("broken.pdf", b"%PDF-1.7\nthis is not really a PDF at all\n", "could not be opened"),
    ("letter.docx", files.plain_zip(), "must be a PDF, JPEG, PNG or Word (.docx) file"),
])
def test_unsafe_or_false_files_are_refused_naming_the_file(app, case, name, content, message):
    client = applicant_client(app, case["applicant"])
    response = send(client, case["identity"], name, content)
    assert_refused(app, response, f"{name} {message}")


def test_a_script_in_a_compressed_object_stream_is_found_by_reading_the_pdf():
    hidden = files.pdf_with_script_in_object_stream()
    assert not inspection.raw_names(hidden) & {"JavaScript", "JS"}  # the raw scan misses it
    with pytest.raises(inspection.Unacceptable) as refused:
        inspection.inspect(hidden)
    assert refused.value.template == inspection.SCRIPT


def test_choosing_no_file_says_so(app, case):
    client = applicant_client(app, case["applicant"])
    page = html_of(client.get("/apply/documents"))
    token = re.search(r'name="request-\d+-csrf_token"[^>]*value="([^"]+)"', page).group(1)
    item = case["identity"]
    response = client.post(f"/apply/documents/{item}", content_type="multipart/form-data",
                           data={f"request-{item}-csrf_token": token,
                                 f"request-{item}-comment": "Front page"})
    assert "Select a file to upload" in html_of(response)
    assert "Front page" in html_of(response)


def test_an_upload_without_the_forms_token_is_refused(app, case):
    client = applicant_client(app, case["applicant"])
    item = case["identity"]
    response = client.post(f"/apply/documents/{item}", content_type="multipart/form-data",
                           data={f"request-{item}-document": (io.BytesIO(files.pdf()), "a.pdf")})
    assert response.status_code == 400
    assert uploads() == []


# --- what is accepted, and where it is kept ---

@pytest.mark.parametrize("name, content, content_type", [
    ("passport.pdf", files.pdf(), "application/pdf"),
    ("photo.jpg", files.image("JPEG"), "image/jpeg"),
    ("licence.png", files.image("PNG"), "image/png"),
    ("letter.docx", files.docx(), inspection.DOCX),
    ("IMG_0042.pdf", files.image("JPEG"), "image/jpeg"),  # named wrongly, judged by content
])
def test_real_files_are_accepted_and_stored_under_a_random_name(app, case, name, content,
                                                                 content_type):
    client = applicant_client(app, case["applicant"])
    response = send(client, case["identity"], name, content, comment="Front and back")
    assert response.status_code == 302
    [row] = uploads()
    assert (row.original_name, row.content_type, row.size) == (name, content_type, len(content))
    assert row.household_id == case["household"].id and row.comment == "Front and back"
    assert row.uploaded_by_id == case["applicant"].id
    # Random, never the applicant's name; the bytes are in the database, as sent.
    assert re.fullmatch(r"[0-9a-f]{32}", row.stored_name)
    assert stored(app) == [row.stored_name]
    assert storage.read(row.stored_name) == content
    kept = db.session.get(StoredFile, row.stored_name)
    assert (kept.size, kept.sha256) == (len(content), row.sha256)
    page = html_of(client.get("/apply/documents"))
    assert name in page and "Sent" in page


def test_a_file_saved_in_a_transaction_that_fails_is_not_kept(app, case):
    # save() takes part in the caller's transaction: if what names the file is not
    # written, neither is the file.
    with pytest.raises(RuntimeError), transaction():
        key = storage.save(b"%PDF-1.4 half an upload")
        assert storage.read(key) == b"%PDF-1.4 half an upload"
        raise RuntimeError("the row naming it could not be written")
    assert stored(app) == []
    with pytest.raises(storage.Missing):
        storage.read(key)


def test_the_applicant_downloads_their_file_as_an_attachment(app, case):
    client = applicant_client(app, case["applicant"])
    content = files.image("JPEG")
    send(client, case["identity"], "scan.pdf", content)
    [row] = uploads()
    response = client.get(f"/apply/documents/files/{row.id}")
    assert response.status_code == 200 and response.data == content
    assert response.headers["Content-Type"] == "image/jpeg"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "scan.jpg" in response.headers["Content-Disposition"]  # its real type
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response.headers["Cache-Control"]
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "download", AuditEvent.object_type == "uploaded_document")).one()
    assert event.object_id == str(row.id)
    assert event.detail["applicant"] == case["applicant"].id


# --- another household ---

def test_an_applicant_cannot_reach_another_households_requests_or_files(app, case):
    client = applicant_client(app, case["applicant"])
    send(client, case["identity"], "passport.pdf", files.pdf())
    [theirs] = uploads()
    other = make_household("mainstream", "stage1")
    stranger = make_applicant(other)
    other_request = ask(other, case["worker"], other.members[0], "car_insurance")
    intruder = applicant_client(app, stranger)
    # Their own list shows nothing of the first household.
    page = html_of(intruder.get("/apply/documents"))
    assert "passport.pdf" not in page and "Pet insurance" not in page
    assert "Car insurance" in page
    # Changing the id in the address reaches nothing.
    assert intruder.get(f"/apply/documents/files/{theirs.id}").status_code == 403
    assert intruder.get(f"/apply/documents/files/{theirs.id + 100}").status_code == 404
    response = intruder.post(f"/apply/documents/{case['identity']}",
                             content_type="multipart/form-data",
                             data={f"request-{case['identity']}-document":
                                   (io.BytesIO(files.pdf()), "mine.pdf")})
    assert response.status_code == 403
    assert len(uploads()) == 1
    # And the first applicant cannot upload to the other household's request either.
    assert client.post(f"/apply/documents/{other_request}").status_code == 403


def test_staff_cannot_use_the_applicants_pages_and_applicants_not_the_staffs(app, case):
    staff = client_for(app, case["worker"])
    assert staff.get("/apply/documents").status_code == 302
    applicant = applicant_client(app, case["applicant"])
    reference = case["household"].reference
    response = applicant.get(f"/staff/cases/{reference}/documents")
    assert response.status_code == 302 and "/staff/sign-in" in response.headers["Location"]


# --- staff ---

def test_staff_ask_for_a_document_and_the_household_sees_it(app, case):
    staff = client_for(app, case["worker"])
    household = case["household"]
    url = f"/staff/cases/{household.reference}/documents"
    refused = post_form(staff, url, {"member": str(case["partner"].id), "kind": "other",
                                     "note": "Please send the gas certificate"})
    assert refused.status_code == 200
    assert "Enter which document you need" in html_of(refused)
    assert "Please send the gas certificate" in html_of(refused)
    done = post_form(staff, url, {"member": str(case["partner"].id), "kind": "other",
                                  "description": "Gas safety certificate",
                                  "note": "Please send the gas certificate"})
    assert done.status_code == 302
    page = html_of(applicant_client(app, case["applicant"]).get("/apply/documents"))
    assert "Gas safety certificate" in page and "Please send the gas certificate" in page
    # Someone else's person is not one of the case's.
    other = make_household("mainstream", "stage1")
    wrong = post_form(staff, url, {"member": str(other.members[0].id), "kind": "identity"})
    assert wrong.status_code == 200 and "Select who the document is about" in html_of(wrong)


def test_staff_see_the_files_on_the_case_and_the_ledger_download_them_audited_and_accept(
        app, case):
    applicant = applicant_client(app, case["applicant"])
    content = files.pdf()
    send(applicant, case["identity"], "passport.pdf", content)
    [row] = uploads()
    staff = client_for(app, case["worker"])
    reference = case["household"].reference
    download = f"/staff/cases/{reference}/documents/files/{row.id}"
    for page in (f"/staff/cases/{reference}", f"/staff/cases/{reference}/checks",
                 f"/staff/cases/{reference}/documents"):
        html = html_of(staff.get(page))
        assert "Documents from the household" in html or "Ask for a document" in html, page
        assert "passport.pdf" in html and download in html, page
        assert "Sent, to check" in html and "Pet insurance" in html, page
    response = staff.get(download)
    assert response.status_code == 200 and response.data == content
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response.headers["Cache-Control"]
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "download", AuditEvent.object_type == "uploaded_document")).one()
    assert (event.object_id, event.user_id) == (str(row.id), case["worker"].id)
    viewed = db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == "household_documents")).all()
    assert {e.user_id for e in viewed} >= {case["worker"].id}
    # Accepting the request: the household sees it, and can send no more for it.
    accepted = post_form(staff, f"/staff/cases/{reference}/documents/requests/"
                         f"{case['identity']}/accept", {},
                         page=f"/staff/cases/{reference}/documents")
    assert accepted.status_code == 302
    db.session.expire_all()
    assert db.session.get(DocumentRequest, case["identity"]).fulfilled_by_id == \
        case["worker"].id
    page = html_of(applicant.get("/apply/documents"))
    assert "Accepted" in page
    assert f'name="request-{case["identity"]}-csrf_token"' not in page


def test_a_file_of_another_case_is_not_found_under_this_case(app, case):
    applicant = applicant_client(app, case["applicant"])
    send(applicant, case["identity"], "passport.pdf", files.pdf())
    [row] = uploads()
    worker = case["worker"]
    mine = make_household("mainstream", "stage1", workers=[worker])
    staff = client_for(app, worker)
    assert staff.get(f"/staff/cases/{mine.reference}/documents/files/{row.id}"
                     ).status_code == 404


def test_staff_who_may_not_read_the_case_cannot_download(app, case):
    applicant = applicant_client(app, case["applicant"])
    send(applicant, case["identity"], "passport.pdf", files.pdf())
    [row] = uploads()
    outsider = make_staff("assessing_social_worker", team=make_team("South team"))
    staff = client_for(app, outsider)
    reference = case["household"].reference
    assert staff.get(f"/staff/cases/{reference}/documents/files/{row.id}").status_code == 403
    assert staff.get(f"/staff/cases/{reference}/documents").status_code == 403


def test_upgrading_copies_the_files_from_the_old_upload_folder_into_the_database(tmp_path,
                                                                                 capsys):
    """An installation that kept uploads on disk: the migration to stored files copies each
    file its rows name from UPLOAD_FOLDER; a file that is not there is reported, and the
    upgrade still finishes."""
    from flask_migrate import downgrade, upgrade

    from carers import create_app

    folder = tmp_path / "uploads"
    folder.mkdir()
    url = f"sqlite:///{tmp_path / 'upgrade.sqlite'}"
    app = create_app({"SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": url, "TESTING": True,
                      "UPLOAD_FOLDER": str(folder)})
    with app.app_context():
        try:
            upgrade()
            worker = make_staff("assessing_social_worker")
            household = make_household("mainstream", "stage1", workers=[worker])
            request_id = ask(household, worker, household.members[0], "identity")
            kept, lost = "a" * 32, "b" * 32
            for key in (kept, lost):
                db.session.add(UploadedDocument(
                    household_id=household.id, request_id=request_id, original_name="id.pdf",
                    stored_name=key, content_type=inspection.PDF, size=3, sha256="0" * 64))
            db.session.commit()
            db.session.remove()
            downgrade(revision="0032")  # as it was: rows in the database, files on disk
            (folder / kept).write_bytes(b"%PDF-1.4 kept on disk")

            upgrade()
            assert storage.read(kept) == b"%PDF-1.4 kept on disk"
            with pytest.raises(storage.Missing):
                storage.read(lost)
            assert lost in capsys.readouterr().out  # named, for the operator to put back
            assert len(uploads()) == 2  # both rows are still there
        finally:
            db.session.remove()
            db.engine.dispose()
