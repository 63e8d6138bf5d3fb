"""Forms for document requests (the team asks) and uploads (the applicant sends)."""

from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovFileInput
from wtforms.validators import ValidationError

from carers.core.forms import GovForm, clean_file_name, submit_button
from carers.enquiries.forms import long_text, radios, text
from carers.uploads.rules import KIND_LABELS, DocumentKind

KIND_CHOICES = [(kind.value, KIND_LABELS[kind]) for kind in DocumentKind]


class RequestForm(GovForm):
    """Ask the household for a document about one person (the choices are the case's
    people, set by the view)."""

    member = radios("Who is it about?", [], "Select who the document is about")
    kind = radios("Which document?", KIND_CHOICES, "Select which document you need")
    description = text("If something else, which document?", max_length=200,
                       hint="For example, a gas safety certificate")
    note = long_text("Note to the household (optional)", max_length=2000,
                     hint="The household sees this beside the request")
    submit = submit_button("Ask for this document")

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        # An optional field's own validators stop at Optional when it is empty.
        if self.kind.data == DocumentKind.OTHER and not self.description.data \
                and not self.description.errors:
            self.description.errors = [*self.description.errors, "Enter which document you need"]
            valid = False
        return valid


class UploadForm(GovForm):
    """One file for one request. Which file types are accepted, and the size limit, are
    checked on the file's content by the operation (``carers.uploads.inspection``)."""

    document = FileField("Upload a file", widget=GovFileInput())
    comment = text("Anything the team should know about this file (optional)",
                   max_length=500, hint="For example, 'the back of my driving licence'")
    submit = submit_button("Upload file")

    def validate_document(self, field):
        upload = field.data
        if upload is None or not getattr(upload, "filename", ""):
            raise ValidationError("Select a file to upload")

    @property
    def file_name(self) -> str:
        upload = self.document.data
        return clean_file_name(getattr(upload, "filename", "") or "")[-255:]


class ActionForm(GovForm):
    """A button that changes a request (accept, cancel): only its CSRF token."""
