"""The applicant's own forms: asking for a visit to be rearranged, withdrawing, their contact
details and the changes in their household they tell the team about."""

from datetime import date

from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSelect,
    GovTextArea,
    GovTextInput,
)
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import Email, Length, Optional

from carers.core.forms import (
    AtLeastAge,
    ChoiceRadioField,
    ChoiceSelectField,
    DateInPast,
    DateRequired,
    GovDateField,
    GovForm,
    InputRequired,
    NotBefore,
    submit_button,
)
from carers.enquiries.forms import normalise_postcode, phone_number, uk_postcode
from carers.portal.words import WITHDRAWAL_CHOICES


def _text(label, message=None, max_length=200, **kwargs):
    checks = [InputRequired(message)] if message else [Optional()]
    subject = label.removesuffix(" (optional)")
    checks.append(Length(max=max_length,
                         message=f"{subject} must be {max_length:,} characters or fewer"))
    return StringField(label, validators=checks, widget=GovTextInput(), **kwargs)


def _long_text(label, message=None, max_length=2000, **kwargs):
    checks = [InputRequired(message)] if message else [Optional()]
    subject = label.removesuffix(" (optional)")
    checks.append(Length(max=max_length,
                         message=f"{subject} must be {max_length:,} characters or fewer"))
    return TextAreaField(label, validators=checks, widget=GovTextArea(), **kwargs)


class RearrangeForm(GovForm):
    reason = _long_text("Why do you need to change this visit?",
                        "Enter why you need to change this visit", max_length=1000,
                        description="Your social worker will see this.")
    preferred_times = _long_text("When would suit you instead?",
                                 "Enter some days and times that would suit you",
                                 max_length=1000,
                                 description="For example, weekday mornings, or any time on "
                                             "Tuesday 9 March")
    submit = submit_button("Ask to rearrange")


class WithdrawForm(GovForm):
    reason = ChoiceRadioField(
        "Why are you withdrawing?",
        choices=[(code, label) for code, (label, _hint) in WITHDRAWAL_CHOICES.items()],
        validators=[InputRequired("Select why you are withdrawing")], widget=GovRadioInput())
    details = _long_text("Anything else you would like to tell us (optional)",
                         max_length=2000)
    submit = submit_button("Continue")


class ConfirmWithdrawForm(GovForm):
    """The confirm step carries the answers of the first in hidden fields."""

    reason = HiddenField()
    details = HiddenField()
    submit = submit_button("Withdraw my application")


class ContactDetailsForm(GovForm):
    email = StringField(
        "Email address", validators=[
            InputRequired("Enter your email address"),
            Length(max=254, message="Email address must be 254 characters or fewer"),
            Email("Enter an email address in the correct format, like name@example.com")],
        description="We send your sign-in codes here", widget=GovTextInput(),
        render_kw={"autocomplete": "email", "spellcheck": "false", "type": "email"})
    phone = StringField(
        "Telephone number", validators=[
            InputRequired("Enter a telephone number"),
            Length(max=30, message="Telephone number must be 30 characters or fewer"),
            phone_number],
        widget=GovTextInput(), render_kw={"autocomplete": "tel", "type": "tel"})
    submit = submit_button("Save contact details")


CHANGES = [
    ("moving_in", "Someone aged 18 or over is moving in"),
    ("moving_out", "Someone is moving out"),
    ("moving_house", "We are moving house"),
]


class ChangeKindForm(GovForm):
    kind = ChoiceRadioField("What has changed?", choices=CHANGES,
                            validators=[InputRequired("Select what has changed")],
                            widget=GovRadioInput())
    submit = submit_button("Continue")


class MovingInForm(GovForm):
    name = _text("Their full name", "Enter their full name",
                 render_kw={"spellcheck": "false", "autocomplete": "off"})
    relationship = _text("How are they related to you?",
                         "Enter how they are related to you", max_length=40,
                         description="For example, son, mother, partner or lodger")
    date_of_birth = GovDateField(
        "Their date of birth", validators=[
            DateRequired("Enter their date of birth"),
            DateInPast("Their date of birth must be in the past"),
            NotBefore(date(1900, 1, 1), "Their date of birth must be after 1900"),
            AtLeastAge(18, "They must be 18 or over. Tell your social worker about a child "
                           "moving in by phone or message")],
        description="For example, 27 3 1985", subject="Their date of birth")
    moved_on = GovDateField(
        "When did they move in, or when will they?",
        validators=[DateRequired("Enter when they moved in or will move in"),
                    NotBefore(date(2000, 1, 1), "The date they moved in must be after 2000")],
        description="For example, 1 4 2027", subject="The date they moved in")
    submit = submit_button("Tell the team")


class MovingOutForm(GovForm):
    member = ChoiceSelectField("Who is moving out?", choices=[], widget=GovSelect(),
                               validators=[InputRequired("Select who is moving out")])
    moved_on = GovDateField(
        "When did they move out, or when will they?",
        validators=[DateRequired("Enter when they moved out or will move out"),
                    NotBefore(date(2000, 1, 1), "The date they moved out must be after 2000")],
        description="For example, 1 4 2027", subject="The date they moved out")
    submit = submit_button("Tell the team")


class MovingHouseForm(GovForm):
    line_1 = _text("Address line 1", "Enter address line 1, typically the building and street",
                   render_kw={"autocomplete": "address-line1"})
    line_2 = _text("Address line 2 (optional)", render_kw={"autocomplete": "address-line2"})
    town = _text("Town or city", "Enter town or city", max_length=100,
                 render_kw={"autocomplete": "address-level2"})
    postcode = StringField(
        "Postcode", validators=[InputRequired("Enter postcode"),
                                Length(max=10, message="Enter a real postcode, like SW1A 1AA"),
                                uk_postcode],
        filters=[normalise_postcode], widget=GovTextInput(),
        render_kw={"autocomplete": "postal-code"})
    local_authority = _text("Council area (optional)", max_length=100,
                            description="The council for the new address, for example "
                                        "Northmoor Council. Leave it blank if you are not sure.")
    moved_on = GovDateField(
        "When did you move, or when will you?",
        validators=[DateRequired("Enter when you moved or will move"),
                    NotBefore(date(2000, 1, 1), "The date you moved must be after 2000")],
        description="For example, 1 4 2027", subject="The date you moved")
    submit = submit_button("Tell the team")
