"""Forms for the checks ledger: the household's people, addresses and referees, recording a
check, uploading evidence, the team list's filters and the referee's own form."""

import io
import zipfile

from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovTextInput,
)
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import (
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from carers.checks import rules
from carers.checks.rules import CheckKind, Outcome
from carers.core.dates import today as date_today
from carers.core.forms import (
    DateRequired,
    GovDateField,
    GovForm,
    NotInFuture,
    VersionedForm,
    WholeNumberField,
    clean_file_name,
    submit_button,
)
from carers.enquiries.choices import YES_NO
from carers.enquiries.forms import (
    GovRadioField,
    long_text,
    normalise_postcode,
    phone_number,
    radios,
    text,
    uk_postcode,
)

RELATIONSHIPS = [
    ("applicant", "The main applicant"),
    ("partner", "Partner, husband or wife"),
    ("child", "Son or daughter"),
    ("parent", "Parent"),
    ("relative", "Other relative"),
    ("lodger", "Lodger"),
    ("ex_partner", "Significant ex-partner"),
    ("other", "Someone else"),
]
RELATIONSHIP_LABELS = dict(RELATIONSHIPS)

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024  # product limit: a scanned certificate or letter
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOCUMENT_TYPES = {  # extension: (stored content type, does the content look right?)
    "pdf": ("application/pdf", lambda data: data.startswith(b"%PDF-")),
    "jpg": ("image/jpeg", lambda data: data.startswith(b"\xff\xd8\xff")),
    "jpeg": ("image/jpeg", lambda data: data.startswith(b"\xff\xd8\xff")),
    "png": ("image/png", lambda data: data.startswith(b"\x89PNG\r\n\x1a\n")),
    "docx": (DOCX, lambda data: _is_docx(data)),
}


def _is_docx(data: bytes) -> bool:
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, ValueError):
        return False


def _add_error(field, message) -> bool:
    """An error on an optional field that depends on another answer (an optional field's
    own validators stop at Optional when it is empty). Returns False, for ``valid``."""
    field.errors = [*field.errors, message]
    return False


def date_field(label, subject=None, required=None, hint="For example, 27 3 2027", past=True):
    validators = [DateRequired(required)] if required else []
    if past:
        validators.append(NotInFuture(f"{subject or label} must be today or in the past"))
    return GovDateField(label, validators=validators, description=hint, subject=subject or label)


class PersonForm(VersionedForm):
    name = text("Full name", "Enter their full name", max_length=200,
                render_kw={"spellcheck": "false"})
    relationship_to_applicant = radios("Relationship to the applicant", RELATIONSHIPS,
                                       "Select their relationship to the applicant")
    is_applicant = radios("Are they applying to foster?", YES_NO,
                          "Select yes if they are applying to foster")
    lives_in_household = radios("Do they live in the household?", YES_NO,
                                "Select yes if they live in the household",
                                hint="Select no for an ex-partner, or a son or daughter who "
                                     "has moved out.")
    date_of_birth = date_field("Date of birth", hint="For example, 27 3 1985")
    employer = text("Employer (optional)", max_length=200,
                    hint="For applicants: their current employer, for a reference")
    school = text("School, nursery or college (optional)", max_length=200,
                  hint="For the applicants' children")
    submit = submit_button("Save")

    def validate_date_of_birth(self, field):
        if field.data is None and not field.errors and self.lives_in_household.data == "yes":
            raise ValidationError("Enter their date of birth")
        if field.data is not None and field.data.year < 1900:
            raise ValidationError("Date of birth must be after 1900")

    def validate_is_applicant(self, field):
        if field.data == "yes" and self.relationship_to_applicant.data == "ex_partner":
            raise ValidationError("An ex-partner cannot be an applicant")

    def values(self) -> dict:
        return {
            "name": self.name.data,
            "relationship_to_applicant": self.relationship_to_applicant.data,
            "is_applicant": self.is_applicant.data == "yes",
            "lives_in_household": self.lives_in_household.data == "yes",
            "date_of_birth": self.date_of_birth.data,
            "employer": self.employer.data or None,
            "school": self.school.data or None,
        }


class AddressForm(VersionedForm):
    line_1 = text("Address line 1", "Enter address line 1", max_length=200)
    line_2 = text("Address line 2 (optional)", max_length=200)
    town = text("Town or city", "Enter the town or city", max_length=100)
    # Optional (an address abroad has none), but checked when given.
    postcode = StringField("Postcode (optional)", filters=[normalise_postcode],
                           validators=[Optional(), Length(max=10, message="Postcode must be 10 "
                                                          "characters or fewer"), uk_postcode],
                           widget=GovTextInput())
    local_authority = text("Local authority", "Enter the local authority for this address",
                           max_length=100, hint="The council area, for example Leeds City "
                           "Council. Each area lived in needs a local authority check.")
    lived_from = date_field("Lived there from", required="Enter the date they moved in",
                            subject="Date they moved in")
    lived_to = date_field("Lived there until (leave blank if they live there now)",
                          subject="Date they moved out")
    submit = submit_button("Save address")

    def validate_lived_to(self, field):
        if field.data and self.lived_from.data and field.data < self.lived_from.data:
            raise ValidationError("Date they moved out must be after the date they moved in")

    def values(self) -> dict:
        return {name: getattr(self, name).data or None for name in (
            "line_1", "line_2", "town", "postcode", "local_authority", "lived_from",
            "lived_to")}


class DetailsForm(VersionedForm):
    has_pets = radios("Does the household have any pets?", YES_NO,
                      "Select yes if the household has any pets")
    pets_details = long_text("Pets (optional)", max_length=1000,
                             hint="For example, 2 cats and a dog", subject="Pets")
    fostered_before = radios(
        "Have the applicants fostered for another fostering service?", YES_NO,
        "Select yes if the applicants have fostered for another fostering service")
    previous_provider = text("Name of the other fostering service", max_length=200,
                             subject="Name of the other fostering service")
    fostered_until = date_field(
        "When did they stop fostering for them?", subject="Date they stopped fostering",
        hint="Leave blank if they still foster for them. For example, 27 3 2026")
    submit = submit_button("Save")

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.fostered_before.data == "yes" and not self.previous_provider.data:
            valid = _add_error(self.previous_provider,
                               "Enter the name of the other fostering service")
        return valid

    def values(self) -> dict:
        fostered = self.fostered_before.data == "yes"
        return {
            "has_pets": self.has_pets.data == "yes",
            "pets_details": self.pets_details.data or None,
            "previous_provider": self.previous_provider.data if fostered else None,
            "fostered_until": self.fostered_until.data if fostered else None,
        }


class RefereeForm(VersionedForm):
    name = text("Referee's full name", "Enter the referee's full name", max_length=200,
                render_kw={"spellcheck": "false"})
    email = text("Email address (optional)", max_length=254, subject="Email address",
                 hint="Needed to send them the online reference form",
                 render_kw={"spellcheck": "false", "autocomplete": "off"})
    phone = text("Telephone number (optional)", max_length=30, subject="Telephone number")
    relationship_to_applicant = text(
        "How do they know the applicant?", "Enter how they know the applicant", max_length=100,
        hint="For example, friend, neighbour or sister")
    is_family = radios("Are they a member of the applicant's family?", YES_NO,
                       "Select yes if they are a member of the applicant's family")
    known_since_years = WholeNumberField(
        "How many years have they known the applicant? (optional)",
        validators=[Optional(), NumberRange(min=0, max=100,
                                            message="Years known must be between 0 and 100")],
        invalid_message="Years known must be a whole number, like 5")
    submit = submit_button("Save referee")

    def validate_email(self, field):
        if field.data:
            Email("Enter an email address in the correct format, like name@example.com")(
                self, field)

    def validate_phone(self, field):
        if field.data:
            phone_number(self, field)

    def values(self) -> dict:
        return {"name": self.name.data, "email": (self.email.data or "").lower() or None,
                "phone": self.phone.data or None,
                "relationship_to_applicant": self.relationship_to_applicant.data,
                "is_family": self.is_family.data == "yes",
                "known_since_years": self.known_since_years.data}


class WithdrawRefereeForm(VersionedForm):
    reason = long_text(
        "Why is their reference not being taken up? (optional)", max_length=500,
        subject="Reason",
        hint="For example, they declined to give a reference, or another referee replaces "
             "them. The assessment report prints this.")
    submit = submit_button("Remove referee")


class InterviewForm(GovForm):
    interviewed_on = date_field("Date of the interview", required="Enter the date of the "
                                "interview", subject="Date of the interview")
    notes = long_text("Write-up of the interview", "Enter the write-up of the interview",
                      max_length=20000, subject="Write-up")
    submit = submit_button("Record interview")


class ActionForm(VersionedForm):
    """A button that changes something: CSRF and the case version, nothing else."""

    submit = submit_button("Confirm")


class CheckForm(GovForm):
    requested_on = date_field("Date requested (optional)", subject="Date requested")
    requested_from = text("Requested from (optional)", max_length=200,
                          subject="Requested from",
                          hint="Who it was asked of, for example the DBS or Leeds City Council")
    received_on = date_field("Date received (optional)", subject="Date received")
    outcome = GovRadioField("Outcome (optional)",
                            choices=[(o.value, o.label) for o in Outcome],
                            validators=[Optional()], widget=GovRadioInput(),
                            validate_choice=True)
    verified = BooleanField("I have seen the original and verified this check",
                            widget=GovCheckboxInput())
    expires_on = date_field("Expiry or renewal date (optional)", subject="Expiry date",
                            past=False, hint="Leave blank to work it out from the agency's "
                            "renewal period. For example, 27 3 2030")
    notes = long_text("Notes (optional)", max_length=10000, subject="Notes")
    submit = submit_button("Save check")

    def validate_received_on(self, field):
        if field.data and self.requested_on.data and field.data < self.requested_on.data:
            raise ValidationError("Date received must be on or after the date requested")

    def validate_outcome(self, field):
        if field.data and not self.received_on.data and not self.received_on.errors:
            raise ValidationError("Enter the date received before recording the outcome")

    def validate_verified(self, field):
        if field.data and not self.outcome.data:
            raise ValidationError("Record the outcome before verifying the check")

    def validate_expires_on(self, field):
        if field.data and self.received_on.data and field.data <= self.received_on.data:
            raise ValidationError("Expiry date must be after the date received")


class DbsCheckForm(CheckForm):
    """Recording an enhanced DBS check: with the certificate, once it is received."""

    dbs_certificate_number = text(
        "Certificate number", max_length=20, subject="Certificate number",
        hint="The 12-digit number at the top right of the certificate. Needed once the "
             "certificate is received.",
        render_kw={"spellcheck": "false", "autocomplete": "off", "inputmode": "numeric"})
    dbs_issued_on = date_field("Date of issue", subject="Date of issue",
                               hint="As printed on the certificate. For example, 27 3 2026",
                               past=False)
    dbs_update_service = GovRadioField(
        "Do they use the DBS Update Service?", choices=YES_NO, validators=[Optional()],
        widget=GovRadioInput(), validate_choice=True,
        description="Needed once the certificate is received.")
    dbs_update_checked_on = date_field(
        "Date their status was last checked online (optional)",
        subject="Date their status was last checked")

    # Where the person's date of birth is entered: the error summary links there.
    date_of_birth_url: str = ""

    def validate_dbs_certificate_number(self, field):
        problem = rules.dbs_certificate_number_problem(field.data)
        if problem:
            raise ValidationError(problem)

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        issued = self.dbs_issued_on
        if issued.data and not issued.errors:
            problem = rules.dbs_issue_date_problem(
                issued.data, self.requested_on.data, date_today())
            if problem:
                valid = _add_error(issued, problem)
        if not self.received_on.errors:
            missing = rules.dbs_details_problems(
                received_on=self.received_on.data,
                certificate_number=self.dbs_certificate_number.data,
                issued_on=issued.data, update_service=self.update_service())
            for name, message in missing.items():
                field = getattr(self, f"dbs_{name}")
                if not field.errors:
                    valid = _add_error(field, message)
        return valid

    def update_service(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.dbs_update_service.data or "")

    def dbs_values(self) -> dict:
        uses = self.update_service()
        return {
            "certificate_number": rules.normalise_dbs_certificate_number(
                self.dbs_certificate_number.data) or None,
            "issued_on": self.dbs_issued_on.data,
            "update_service": uses,
            "update_checked_on": self.dbs_update_checked_on.data if uses else None,
        }

    def error_list(self):
        items = super().error_list()
        if self.date_of_birth_url:
            for item in items:
                if "href" not in item and "date of birth" in item["text"]:
                    item["href"] = self.date_of_birth_url
        return items


def check_form_for(item, **kwargs) -> CheckForm:
    """The form for recording ``item``: a DBS check asks for its certificate too."""
    return (DbsCheckForm if item.kind == CheckKind.DBS.value else CheckForm)(**kwargs)


class DocumentForm(GovForm):
    document = FileField("Upload a document", widget=GovFileInput(),
                         description="A PDF, JPEG, PNG or Word (.docx) file, up to 10MB")
    submit = submit_button("Upload")

    content: bytes = b""
    content_type: str = ""
    file_name: str = ""

    def validate_document(self, field):
        upload = field.data
        if upload is None or not getattr(upload, "filename", ""):
            raise ValidationError("Select a file to upload")
        name = clean_file_name(upload.filename)
        extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if extension not in DOCUMENT_TYPES:
            raise ValidationError("The selected file must be a PDF, JPEG, PNG or Word (.docx) "
                                  "file")
        data = upload.stream.read(MAX_DOCUMENT_BYTES + 1)
        if len(data) > MAX_DOCUMENT_BYTES:
            raise ValidationError("The selected file must be smaller than 10MB")
        if not data:
            raise ValidationError("The selected file is empty")
        content_type, looks_right = DOCUMENT_TYPES[extension]
        if not looks_right(data):
            raise ValidationError(f"The selected file is not a real .{extension} file")
        self.content, self.content_type, self.file_name = data, content_type, name[-255:]


KIND_CHOICES = [(k.value, k.label) for k in CheckKind]
STATUS_CHOICES = [("", "Outstanding or expiring"), ("outstanding", "Not yet received"),
                  ("expiring", "Expiring"), ("lapsed", "Lapsed")]


class TeamFilterForm(GovForm):
    class Meta:
        csrf = False

    kind = SelectField("Check", coerce=str, widget=GovSelect(), validators=[Optional()])
    status = SelectField("Status", coerce=str, widget=GovSelect(), validators=[Optional()],
                         choices=STATUS_CHOICES)
    worker = SelectField("Worker", coerce=str, widget=GovSelect(), validators=[Optional()])
    team = SelectField("Team", coerce=str, widget=GovSelect(), validators=[Optional()])
    submit = submit_button("Apply filters")


class ReferenceForm(GovForm):
    """The referee's own form, reached from the link in their email."""

    relationship_to_applicant = text(
        "How do you know them?", "Enter how you know them", max_length=200,
        hint="For example, a friend from work, a neighbour or their sister")
    years_known = WholeNumberField("How many years have you known them?", validators=[
        InputRequired("Enter how many years you have known them"),
        NumberRange(min=0, max=100, message="Years must be between 0 and 100")],
        description="Enter 0 if it is less than a year",
        invalid_message="Years must be a whole number, like 5")
    observations = long_text(
        "What have you seen of them with children?",
        "Enter what you have seen of them with children", max_length=10000,
        hint="For example, with their own children, family or friends' children, or at work",
        subject="Your answer about children")
    has_concerns = radios("Do you have any concerns about them caring for children?", YES_NO,
                          "Select yes if you have any concerns about them caring for children")
    concerns = long_text("If yes, tell us about your concerns", max_length=10000,
                         subject="Your concerns")
    declaration = BooleanField(
        "The information I have given is true to the best of my knowledge",
        validators=[InputRequired("Confirm the information you have given is true")],
        widget=GovCheckboxInput())
    submit = submit_button("Send reference")

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.has_concerns.data == "yes" and not self.concerns.data:
            valid = _add_error(self.concerns, "Tell us about your concerns")
        return valid

    def values(self) -> dict:
        concerns = self.has_concerns.data == "yes"
        return {"relationship_to_applicant": self.relationship_to_applicant.data,
                "years_known": self.years_known.data,
                "observations": self.observations.data, "has_concerns": concerns,
                "concerns": self.concerns.data if concerns else None}
