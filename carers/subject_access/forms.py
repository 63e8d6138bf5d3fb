"""Forms for subject access: the search, opening a request, extending it, releasing an item
and completing it."""

from datetime import date

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional

from carers.core.forms import (
    ChoiceCheckboxesField,
    ChoiceRadioField,
    DateRequired,
    GovDateField,
    GovForm,
    NotBefore,
    NotInFuture,
    submit_button,
)
from carers.subject_access.rules import MAX_EXTENSION_MONTHS

EARLIEST = date(1900, 1, 1)


class SearchForm(GovForm):
    """A GET form: what to look for. At least one of the three."""

    class Meta:
        csrf = False

    name = StringField("Name", validators=[Optional(), Length(
        max=200, message="Name must be 200 characters or fewer")],
        description="Part of a name is enough", widget=GovTextInput())
    email = StringField("Email address", validators=[Optional(), Length(
        max=254, message="Email address must be 254 characters or fewer")],
        widget=GovTextInput(), render_kw={"spellcheck": "false", "autocomplete": "off"})
    born = GovDateField("Date of birth (optional)", subject="Date of birth",
                        validators=[Optional(), NotBefore(EARLIEST, "Date of birth must be "
                                                          "after 1 January 1900"),
                                    NotInFuture("Date of birth must be today or in the past")],
                        description="For example, 27 3 1980")
    submit = submit_button("Search")

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if valid and not (self.name.data or self.email.data or self.born.data):
            self.name.errors = ["Enter a name, an email address or a date of birth"]
            return False
        if valid and self.name.data and len(self.name.data) < 2:
            self.name.errors = ["Name must be at least 2 characters"]
            return False
        return valid


class OpenRequestForm(GovForm):
    # What was searched for, so the same matches can be shown again.
    q_name = HiddenField()
    q_email = HiddenField()
    q_born = HiddenField()
    links = ChoiceCheckboxesField(
        "Records about the person", choices=[], widget=GovCheckboxesInput(),
        validators=[InputRequired("Select at least one record that is about the person")])
    requester_name = StringField("The person's name", validators=[
        DataRequired("Enter the person's name"),
        Length(max=200, message="Name must be 200 characters or fewer")],
        widget=GovTextInput())
    requester_email = StringField("Their email address (optional)", validators=[
        Optional(), Email("Enter an email address in the correct format, like "
                          "name@example.com"),
        Length(max=254, message="Email address must be 254 characters or fewer")],
        widget=GovTextInput(), render_kw={"spellcheck": "false"})
    received_on = GovDateField(
        "Date the request was received", subject="Date the request was received",
        validators=[DateRequired("Enter the date the request was received"),
                    NotBefore(date(2018, 5, 25), "Date the request was received must be "
                              "after 25 May 2018"),
                    NotInFuture("Date the request was received must be today or in the past")],
        description="The month to answer starts on this day")
    submit = submit_button("Open the request")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.links.unknown_message = "Select records from the list"


class ExtendForm(GovForm):
    months = ChoiceRadioField(
        "How many more months", coerce=str, widget=GovRadioInput(),
        choices=[(str(n), f"{n} more month{'s' if n > 1 else ''}")
                 for n in range(1, MAX_EXTENSION_MONTHS + 1)],
        validators=[InputRequired("Select how many more months")])
    reason = TextAreaField("Why more time is needed", validators=[
        DataRequired("Enter why more time is needed"),
        Length(max=2000, message="Reason must be 2,000 characters or fewer")],
        description="For example, the request is complex or the person made several. "
                    "Tell the person this reason within the first month.",
        widget=GovTextArea())
    submit = submit_button("Extend the deadline")


class ReleaseForm(GovForm):
    item = HiddenField()
    reason = TextAreaField("Why it can be released", validators=[
        DataRequired("Enter why this item can be released"),
        Length(max=2000, message="Reason must be 2,000 characters or fewer")],
        description="For example, the third party consented, or it is reasonable to "
                    "release it without their consent",
        widget=GovTextArea())
    submit = submit_button("Release this item")


class CompleteForm(GovForm):
    submit = submit_button("Mark as completed")
