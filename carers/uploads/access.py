"""Who may use the document pages: applicants for their own household's requests and files;
staff as the case (carers.cases.access)."""

from sqlalchemy import select
from werkzeug.exceptions import NotFound

from carers.applicants.access import OWN
from carers.auth.policy import applicant, record_rule, staff
from carers.auth.roles import CASE_READERS
from carers.cases.access import CASE, CASE_CHANGE
from carers.extensions import db
from carers.uploads.models import DocumentRequest, UploadedDocument

# A request or a file named in the URL of an applicant's page: theirs only if it belongs to
# their own household (another household's id is refused, as if changing it reached nothing).
OWN_REQUEST = "own_document_request"
OWN_UPLOAD = "own_uploaded_document"


def _household_of(model, object_id) -> int:
    household_id = db.session.scalar(select(model.household_id).where(model.id == object_id))
    if household_id is None:
        raise NotFound()
    return household_id


@record_rule(OWN_REQUEST)
def _own_request(person, args) -> bool:
    return _household_of(DocumentRequest, args.get("request_id")) == person.household_id


@record_rule(OWN_UPLOAD)
def _own_upload(person, args) -> bool:
    return _household_of(UploadedDocument, args.get("upload_id")) == person.household_id


ROUTES = {
    # applicants: their household's requests and files
    "uploads.index": applicant(record=OWN),
    "uploads.upload": applicant(record=OWN_REQUEST),
    "uploads.download": applicant(record=OWN_UPLOAD),
    # staff, as the case
    "uploads.case_documents": staff(CASE_READERS, record=CASE),
    "uploads.ask": staff(CASE_READERS, record=CASE_CHANGE),
    "uploads.accept": staff(CASE_READERS, record=CASE_CHANGE),
    "uploads.cancel": staff(CASE_READERS, record=CASE_CHANGE),
    "uploads.staff_download": staff(CASE_READERS, record=CASE),
}
