"""One form per page of the public enquiry journey."""

import copy
import re
from datetime import date

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import (
    Email,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from carers.core.forms import (
    AtLeastAge,
    DateInPast,
    DateRequired,
    GovDateField,
    GovForm,
    InputRequired,
    NotBefore,
    NotInFuture,
    WholeNumberField,
    submit_button,
)
from carers.enquiries import choices

# The Royal Mail format, from the government's bulk data standard; checked after removing
# spaces and upper-casing, so "sw1a1aa" is accepted as "SW1A 1AA".
POSTCODE = re.compile(
    r"^(GIR0AA|[A-PR-UWYZ]([0-9]{1,2}|[A-HK-Y][0-9][0-9ABEHMNPRV-Y]?|[0-9][A-HJKPS-UW])"
    r"[0-9][ABD-HJLNP-UW-Z]{2})$"
)


# British Forces Post Office addresses (forces families): "BFPO" and 1 to 4 digits.
BFPO = re.compile(r"^BFPO([0-9]{1,4})$")


def normalise_postcode(value):
    if not isinstance(value, str):
        return value
    compact = re.sub(r"\s+", "", value).upper()
    if POSTCODE.match(compact):
        return f"{compact[:-3]} {compact[-3:]}"
    if bfpo := BFPO.match(compact):
        return f"BFPO {bfpo.group(1)}"
    return value.strip()


def is_postcode(value: str) -> bool:
    """A UK postcode or a BFPO number, as normalise_postcode leaves it."""
    compact = value.replace(" ", "")
    return bool(POSTCODE.match(compact) or BFPO.match(compact))


def uk_postcode(form, field):
    if field.data and not is_postcode(field.data):
        raise ValidationError("Enter a real postcode, like SW1A 1AA")


def phone_number(form, field):
    digits = re.sub(r"[\s\-().]", "", field.data or "")
    if not re.fullmatch(r"\+?\d{10,15}", digits):
        raise ValidationError("Enter a telephone number, like 01632 960 001 or 07700 900 982")


def _too_long(label, subject, max_length):
    """ "Town or city must be 100 characters or fewer": named without "(optional)"."""
    subject = subject or label.removesuffix(" (optional)")
    return Length(max=max_length, message=f"{subject} must be {max_length} characters or fewer")


def text(label, required_message=None, max_length=100, hint=None, subject=None, **kw):
    validators = [InputRequired(required_message)] if required_message else [Optional()]
    validators.append(_too_long(label, subject, max_length))
    return StringField(label, validators=validators, description=hint or "",
                       widget=GovTextInput(), **kw)


def long_text(label, required_message=None, max_length=2000, hint=None, subject=None):
    validators = [InputRequired(required_message)] if required_message else [Optional()]
    validators.append(_too_long(label, subject, max_length))
    return TextAreaField(label, validators=validators, description=hint or "",
                         widget=GovTextArea())


def _unknown_choice_message(field) -> str:
    return next((v.message for v in field.validators if isinstance(v, InputRequired)),
                "Select one of the options")


class GovRadioField(RadioField):
    """Radios whose unknown value (only a tampered form sends one) gets the question's own
    message, not WTForms' "Not a valid choice"."""

    def pre_validate(self, form):
        try:
            super().pre_validate(form)
        except ValidationError:
            raise ValidationError(_unknown_choice_message(self)) from None


class GovCheckboxesField(SelectMultipleField):
    """Checkboxes, likewise: never "'x' is not a valid choice for this field". A value sent
    twice (only a tampered form does) counts once."""

    def process_formdata(self, valuelist):
        super().process_formdata(list(dict.fromkeys(valuelist)))

    def pre_validate(self, form):
        try:
            super().pre_validate(form)
        except ValidationError:
            raise ValidationError(_unknown_choice_message(self)) from None


# What is kept of a field with no length limit of its own (a choice, a number, a date part).
STORED_LENGTH = 100


def stored_length(field) -> int:
    limits = [v.max for v in field.validators if isinstance(v, Length) and v.max >= 0]
    return min(limits) if limits else STORED_LENGTH


def stored_values(field) -> int:
    if isinstance(field, SelectMultipleField):
        return len(field.choices or ())
    if isinstance(field, GovDateField):
        return 3
    return 1


def radios(label, options, required_message, hint=None):
    return GovRadioField(label, choices=options, validators=[InputRequired(required_message)],
                         description=hint or "", widget=GovRadioInput(), validate_choice=True)


class QuestionForm(GovForm):
    """A page of the journey. The honeypot is a field people never see or fill in."""

    title = ""
    website = StringField("Leave this field empty", widget=GovTextInput())
    submit = submit_button("Continue")

    # Extra GOV.UK macro parameters per field, for the template.
    field_params: dict = {}

    def params_for(self, field) -> dict:
        """GOV.UK macro parameters for a field. A fieldset given here still needs its legend
        text: the widget only adds the label as legend when no fieldset is passed."""
        params = copy.deepcopy(self.field_params.get(field.name, {}))
        if "fieldset" in params:
            params["fieldset"].setdefault("legend", {}).setdefault("text", field.label.text)
        return params

    def typed(self) -> dict[str, list[str]]:
        """What was typed into this page's own fields, to keep in the draft: never more values
        than a field takes, nor any value longer than its limit (so an invalid answer is kept
        for the person to correct, but a script cannot store megabytes)."""
        out = {}
        for field in self:
            if field.name in {"csrf_token", "website", "submit"} or not field.raw_data:
                continue
            limit = stored_length(field)
            out[field.name] = [str(v)[:limit] for v in field.raw_data[:stored_values(field)]]
        return out

    def answers(self) -> dict:
        """The valid answers of this page, in a form that can be stored as JSON."""
        skip = {"csrf_token", "website", "submit"}
        out = {}
        for field in self:
            if field.name in skip:
                continue
            value = field.data
            if isinstance(value, date):
                value = value.isoformat()
            out[field.name] = value
        return out


class AboutYouForm(QuestionForm):
    title = "About you"
    first_name = text("First name", "Enter your first name",
                      render_kw={"autocomplete": "given-name", "spellcheck": "false"})
    last_name = text("Last name", "Enter your last name",
                     render_kw={"autocomplete": "family-name", "spellcheck": "false"})
    other_names = text("Any other names you have been known by (optional)", max_length=200,
                       hint="For example, a name before marriage", subject="Other names")
    date_of_birth = GovDateField(
        "Date of birth",
        validators=[
            DateRequired("Enter your date of birth"),
            DateInPast("Date of birth must be in the past"),
            NotBefore(date(1900, 1, 1), "Date of birth must be after 1900"),
            AtLeastAge(18, "You must be 18 or over to foster"),
        ],
        description="For example, 27 3 1985",
        subject="Date of birth",
    )
    field_params = {
        "first_name": {"classes": "govuk-input--width-20"},
        "last_name": {"classes": "govuk-input--width-20"},
        "date_of_birth": {"fieldset": {"legend": {"classes": "govuk-fieldset__legend--s"}}},
    }


class ContactForm(QuestionForm):
    title = "Your contact details"
    email = StringField(
        "Email address",
        validators=[
            InputRequired("Enter your email address"),
            Length(max=254, message="Email address must be 254 characters or fewer"),
            Email("Enter an email address in the correct format, like name@example.com"),
        ],
        description="We will send you a copy of your enquiry",
        widget=GovTextInput(),
        render_kw={"autocomplete": "email", "spellcheck": "false", "type": "email"},
    )
    phone = StringField(
        "Telephone number",
        validators=[InputRequired("Enter a telephone number"),
                    Length(max=30, message="Telephone number must be 30 characters or fewer"),
                    phone_number],
        widget=GovTextInput(),
        render_kw={"autocomplete": "tel", "type": "tel"},
    )
    preferred_contact = radios("How would you like us to contact you?", choices.CONTACT_METHODS,
                               "Select how you would like us to contact you")
    field_params = {
        "phone": {"classes": "govuk-input--width-20"},
        "preferred_contact": {"classes": "govuk-radios--inline",
                              "fieldset": {"legend": {"classes": "govuk-fieldset__legend--s"}}},
    }


class AddressForm(QuestionForm):
    title = "Your address"
    address_line_1 = text("Address line 1", "Enter address line 1, typically the building and "
                          "street", max_length=200, render_kw={"autocomplete": "address-line1"})
    address_line_2 = text("Address line 2 (optional)", max_length=200,
                          render_kw={"autocomplete": "address-line2"})
    town = text("Town or city", "Enter town or city",
                render_kw={"autocomplete": "address-level2"})
    county = text("County (optional)")
    postcode = StringField(
        "Postcode",
        validators=[InputRequired("Enter postcode"), Length(max=10, message="Enter a real "
                    "postcode, like SW1A 1AA"), uk_postcode],
        filters=[normalise_postcode],
        widget=GovTextInput(),
        render_kw={"autocomplete": "postal-code"},
    )
    field_params = {
        "town": {"classes": "govuk-!-width-two-thirds"},
        "county": {"classes": "govuk-!-width-two-thirds"},
        "postcode": {"classes": "govuk-input--width-10"},
    }


class HouseholdQuestionForm(QuestionForm):
    """On the 'who lives with you' list page: add someone else, or carry on."""

    title = "Who lives with you"
    add_person = radios("Does anyone else live with you?", choices.YES_NO,
                        "Select yes if anyone else lives with you")
    field_params = {"add_person": {
        "classes": "govuk-radios--inline",
        "fieldset": {"legend": {"classes": "govuk-fieldset__legend--m"}},
    }}


class PersonForm(QuestionForm):
    title = "Someone who lives with you"
    name = text("Their full name", "Enter their full name", max_length=200,
                render_kw={"spellcheck": "false"})
    relationship = radios("How are they related to you?", choices.RELATIONSHIPS,
                          "Select how they are related to you")
    age = WholeNumberField("Their age in years", validators=[
        InputRequired("Enter their age in years"),
        NumberRange(min=0, max=120, message="Age must be between 0 and 120"),
    ], invalid_message="Age must be a whole number of years, like 7")
    applying = radios("Will they apply to foster with you?", choices.YES_NO,
                      "Select yes if they will apply to foster with you",
                      hint="Usually a partner. Everyone applying must be 18 or over.")
    field_params = {
        "age": {"classes": "govuk-input--width-3"},
        "relationship": {"fieldset": {"legend": {"classes": "govuk-fieldset__legend--s"}}},
        "applying": {"classes": "govuk-radios--inline",
                     "fieldset": {"legend": {"classes": "govuk-fieldset__legend--s"}}},
    }

    def validate_applying(self, field):
        if field.data == "yes" and self.age.data is not None and self.age.data < 18:
            raise ValidationError("Everyone applying to foster must be 18 or over")


class HomeForm(QuestionForm):
    title = "Your home"
    property_type = radios("What type of home do you live in?", choices.PROPERTY_TYPES,
                           "Select the type of home you live in")
    tenure = radios("Do you own or rent your home?", choices.TENURES,
                    "Select whether you own or rent your home")
    bedrooms = WholeNumberField("How many bedrooms does your home have?", validators=[
        InputRequired("Enter how many bedrooms your home has"),
        NumberRange(min=1, max=30, message="Number of bedrooms must be between 1 and 30"),
    ], invalid_message="Number of bedrooms must be a whole number, like 3")
    spare_bedrooms = WholeNumberField(
        "How many of these bedrooms are spare?",
        validators=[
            InputRequired("Enter how many spare bedrooms you have"),
            NumberRange(min=0, max=30, message="Spare bedrooms must be between 0 and 30"),
        ],
        description="A spare bedroom is one nobody sleeps in now. Enter 0 if you have none.",
        invalid_message="Spare bedrooms must be a whole number, like 1",
    )
    has_pets = radios("Do you have any pets?", choices.YES_NO,
                      "Select yes if you have any pets")
    pets_details = long_text("Tell us about your pets (optional)", max_length=1000,
                             hint="For example, 2 cats and a dog", subject="Details of your pets")
    field_params = {
        "property_type": {"fieldset": {"legend": {"classes": "govuk-fieldset__legend--s"}}},
        "tenure": {"fieldset": {"legend": {"classes": "govuk-fieldset__legend--s"}}},
        "bedrooms": {"classes": "govuk-input--width-3",
                     "label": {"classes": "govuk-label--s"}},
        "spare_bedrooms": {"classes": "govuk-input--width-3",
                           "label": {"classes": "govuk-label--s"}},
        "has_pets": {"classes": "govuk-radios--inline",
                     "fieldset": {"legend": {"classes": "govuk-fieldset__legend--s"}}},
    }

    def validate_spare_bedrooms(self, field):
        if (field.data is not None and self.bedrooms.data is not None
                and field.data > self.bedrooms.data):
            raise ValidationError("Spare bedrooms cannot be more than the number of bedrooms")


class FosteringTypeForm(QuestionForm):
    title = "What kind of fostering interests you?"
    single_question = True
    fostering_types = GovCheckboxesField(
        "What kind of fostering interests you?",
        choices=[(k, label) for k, label, _ in choices.FOSTERING_TYPES],
        validators=[InputRequired("Select the kinds of fostering that interest you, or "
                                  "'I'm not sure yet'")],
        description="Select all that apply.",
        widget=GovCheckboxesInput(),
    )
    field_params = {"fostering_types": {
        "fieldset": {"legend": {"isPageHeading": True, "classes": "govuk-fieldset__legend--l"}},
        "items": [{"hint": {"text": hint}} for _, _, hint in choices.FOSTERING_TYPES],
    }}

    def validate_fostering_types(self, field):
        if "not_sure" in (field.data or []) and len(field.data) > 1:
            raise ValidationError("Select the kinds of fostering that interest you, or "
                                  "'I'm not sure yet', not both")


class KnowsChildForm(QuestionForm):
    title = "Do you already care for, or know, a child who needs a home?"
    single_question = True
    knows_child = radios(
        "Do you already care for, or know, a child who needs a home?", choices.YES_NO,
        "Select yes if you already care for, or know, a child who needs a home",
        hint="For example, a grandchild, niece or nephew, or a friend's child who cannot live "
             "with their parents. This is called kinship care.",
    )
    field_params = {"knows_child": {
        "classes": "govuk-radios--inline",
        "fieldset": {"legend": {"isPageHeading": True, "classes": "govuk-fieldset__legend--l"}},
    }}


class ChildForm(QuestionForm):
    title = "About the child"
    child_name = text("The child's full name", "Enter the child's full name", max_length=200,
                      render_kw={"spellcheck": "false"})
    child_relationship = radios("How do you know the child?", choices.CHILD_RELATIONSHIPS,
                                "Select how you know the child")
    child_details = long_text(
        "Tell us about the child's situation (optional)", max_length=2000,
        hint="For example, why they cannot live with their parents",
        subject="The child's situation",
    )
    field_params = {"child_relationship": {
        "fieldset": {"legend": {"classes": "govuk-fieldset__legend--s"}}}}


class ChildLivingForm(QuestionForm):
    """Kinship only: where the child lives now, their age and the council involved."""

    title = "Where the child lives now"
    lives_with_you = radios("Is the child living with you now?", choices.YES_NO,
                            "Select yes if the child is living with you now")
    living_since = GovDateField(
        "When did they come to live with you?",
        validators=[NotInFuture("The date they came to live with you must be today or in the "
                                "past"),
                    NotBefore(date(1990, 1, 1), "The date they came to live with you must "
                                                "be after 1990")],
        description="Only if they live with you now. For example, 27 3 2026",
        subject="The date they came to live with you",
    )
    child_age = WholeNumberField("How old is the child?", validators=[
        InputRequired("Enter the child's age in years"),
        NumberRange(min=0, max=17, message="The child's age must be between 0 and 17"),
    ], description="In years. Enter 0 for a baby under 1.",
        invalid_message="The child's age must be a whole number of years, like 6")
    council = text("Which council is involved with the child?",
                   "Enter the council involved with the child, or 'not known'",
                   hint="The council whose social worker works with the child, if there is "
                        "one. Otherwise the council where the child lives.",
                   subject="The council")
    field_params = {
        "lives_with_you": {"classes": "govuk-radios--inline",
                           "fieldset": {"legend": {"classes": "govuk-fieldset__legend--s"}}},
        "living_since": {"fieldset": {"legend": {"classes": "govuk-fieldset__legend--s"}}},
        "child_age": {"classes": "govuk-input--width-3",
                      "label": {"classes": "govuk-label--s"}},
        "council": {"classes": "govuk-!-width-two-thirds",
                    "label": {"classes": "govuk-label--s"}},
    }

    def validate_living_since(self, field):
        if self.lives_with_you.data == "yes" and field.data is None and not field.errors:
            raise ValidationError("Enter the date they came to live with you")


class HeardForm(QuestionForm):
    title = "How did you hear about fostering with us?"
    single_question = True
    heard_about = radios("How did you hear about fostering with us?", choices.HEARD_ABOUT,
                         "Select how you heard about fostering with us")
    heard_about_other = text("If other, tell us where (optional)", max_length=200,
                             subject="Where you heard about us")
    field_params = {"heard_about": {
        "fieldset": {"legend": {"isPageHeading": True, "classes": "govuk-fieldset__legend--l"}},
    }}


class ConsentForm(QuestionForm):
    title = "How we use your information"
    privacy_consent = BooleanField(
        "I have read the privacy notice and agree to you using my information to respond to my "
        "enquiry",
        validators=[InputRequired("Confirm you have read the privacy notice to continue")],
        widget=GovCheckboxInput(),
    )
    keep_in_touch = BooleanField(
        "You can keep in touch with me about fostering if I decide not to go ahead (optional)",
        widget=GovCheckboxInput(),
    )


class SubmitForm(GovForm):
    """The 'check your answers' page."""

    website = StringField("Leave this field empty", widget=GovTextInput())
    submit = submit_button("Send enquiry")


class RecordResponseForm(GovForm):
    note = long_text("What happened (optional)", max_length=2000,
                     hint="For example, spoke on the phone and booked an initial visit",
                     subject="What happened")
    submit = submit_button("Record first response")


class CorrectEnquirerForm(GovForm):
    """Staff correct an enquirer's details, with a reason kept beside the old values."""

    first_name = text("First name", "Enter the enquirer's first name")
    last_name = text("Last name", "Enter the enquirer's last name")
    date_of_birth = GovDateField("Date of birth", validators=[
        DateRequired("Enter the enquirer's date of birth"),
        DateInPast("Date of birth must be in the past"),
        NotBefore(date(1900, 1, 1), "Date of birth must be after 1900")],
        description="For example, 27 3 1985", subject="Date of birth")
    email = ContactForm.email
    phone = ContactForm.phone
    address_line_1 = text("Address line 1", "Enter address line 1", max_length=200)
    address_line_2 = text("Address line 2 (optional)", max_length=200)
    town = text("Town or city", "Enter town or city")
    county = text("County (optional)")
    postcode = AddressForm.postcode
    reason = long_text("Why are you correcting these details?",
                       "Give a reason for the correction",
                       hint="The reason is kept with the old details.", subject="Reason")
    submit = submit_button("Save the correction")

    FIELDS = ("first_name", "last_name", "date_of_birth", "email", "phone", "address_line_1",
              "address_line_2", "town", "county", "postcode")

    def changes(self) -> dict:
        return {name: (value.strip() or None) if isinstance(value := getattr(self, name).data,
                                                           str) else value
                for name in self.FIELDS}
