"""Visit forms: booking and rearranging (date, start time, duration, place, attendees, and
confirming a clash), cancelling and writing up."""

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, RadioField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from carers.core.forms import (
    ChoiceCheckboxesField,
    ChoiceRadioField,
    DateRequired,
    GovDateField,
    GovForm,
    VersionedForm,
    WholeNumberField,
    submit_button,
)
from carers.visits.rules import KINDS, MAX_MINUTES, MIN_MINUTES, PLACES, TimeProblem, parse_time


class VisitForm(VersionedForm):
    kind = ChoiceRadioField("Type of visit", choices=list(KINDS.items()),
                            validators=[InputRequired("Select the type of visit")],
                            widget=GovRadioInput())
    day = GovDateField("Date", validators=[DateRequired("Enter the date of the visit")],
                       description="For example, 27 3 2027", subject="Date of the visit")
    start_time = StringField("Start time", validators=[
        DataRequired("Enter the start time"),
        Length(max=20, message="Enter the start time in the format 14:30 or 2:30pm")],
        description="UK time. For example, 10:00, 14:30 or 2:30pm",
        widget=GovTextInput(), render_kw={"autocomplete": "off", "spellcheck": "false",
                                          "class": "govuk-input--width-5"})
    # Asked only when the start time happens twice (the night the clocks go back).
    which_time = RadioField("Which time do you mean?", choices=[], validate_choice=False,
                            widget=GovRadioInput(), validators=[Optional()])
    duration = WholeNumberField(
        "Length in minutes", validators=[
            InputRequired("Enter how long the visit will take, in minutes"),
            NumberRange(min=MIN_MINUTES, max=MAX_MINUTES,
                        message=f"Length must be between {MIN_MINUTES} and {MAX_MINUTES} "
                                "minutes")],
        invalid_message="Length must be a whole number of minutes, like 90",
        description="For example, 90 for an hour and a half")
    place = ChoiceRadioField("Where", choices=list(PLACES.items()),
                             validators=[InputRequired("Select where the visit takes place")],
                             widget=GovRadioInput())
    meeting_link = StringField("Online meeting link", validators=[
        Length(max=500, message="Meeting link must be 500 characters or fewer")],
        description="Only for an online meeting. It starts with https://",
        widget=GovTextInput(), render_kw={"spellcheck": "false"})
    workers = ChoiceCheckboxesField("Workers attending", coerce=str,
                                    widget=GovCheckboxesInput(),
                                    validators=[InputRequired("Select who is attending")])
    members = ChoiceCheckboxesField("Household members attending (optional)", coerce=str,
                                    widget=GovCheckboxesInput(), validators=[Optional()])
    notes = TextAreaField("Notes for the invitation (optional)", validators=[
        Optional(), Length(max=2000, message="Notes must be 2,000 characters or fewer")],
        widget=GovTextArea())
    confirm_clash = BooleanField("Book it anyway: I have checked the clash with the worker",
                                 widget=GovCheckboxInput())
    submit = submit_button("Book visit")

    def validate_start_time(self, field):
        if field.data:
            try:
                field.parsed = parse_time(field.data)
            except TimeProblem as problem:
                raise ValidationError(str(problem)) from None

    def validate_meeting_link(self, field):
        if self.place.data == "online":
            link = (field.data or "").strip()
            if not link:
                raise ValidationError("Enter the link to the online meeting")
            if not link.lower().startswith("https://") or any(c.isspace() for c in link):
                raise ValidationError("Enter a meeting link that starts with https://")


class CancelForm(VersionedForm):
    reason = TextAreaField("Why is the visit cancelled?", validators=[
        DataRequired("Enter why the visit is cancelled"),
        Length(max=2000, message="Reason must be 2,000 characters or fewer")],
        description="Everyone attending is told, and the household sees this reason.",
        widget=GovTextArea())
    submit = submit_button("Cancel visit")


class WriteUpForm(VersionedForm):
    outcome = ChoiceRadioField("Did the visit take place?", choices=[
        ("took_place", "Yes, it took place"), ("did_not_take_place", "No, it did not")],
        validators=[InputRequired("Select whether the visit took place")],
        widget=GovRadioInput())
    write_up = TextAreaField("Write-up", validators=[
        DataRequired("Enter the write-up"),
        Length(max=20000, message="Write-up must be 20,000 characters or fewer")],
        description="What happened, who you saw, what was agreed and anything to follow up.",
        widget=GovTextArea())
    submit = submit_button("Save write-up")


class FeedForm(GovForm):
    submit = submit_button("Create a new calendar address")


class RevokeForm(GovForm):
    submit = submit_button("Turn off my calendar address")


