"""Forms for the panel administrator, the chair and the agency decision maker."""

import re
from datetime import time

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
    GovTextArea,
    GovTextInput,
)
from wtforms import StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from carers.clocks.statutory import clock_setting
from carers.clocks.words import plural
from carers.core.forms import (
    ChoiceCheckboxesField,
    ChoiceRadioField,
    ChoiceSelectField,
    DateRequired,
    GovDateField,
    GovForm,
    NotInFuture,
    VersionedForm,
    WholeNumberField,
    submit_button,
)
from carers.panel.models import FOSTERING_TYPE_LABELS, PanelDecision
from carers.panel.rules import (
    IRM_RECOMMENDATIONS,
    SOCIAL_WORKER_MEMBER_YEARS,
    PanelRole,
    ResponseKind,
)
from carers.pipeline import Recommendation
from carers.settings.registry import agency_settings

ROLE_CHOICES = [(r.value, r.label) for r in PanelRole]
_TIME = re.compile(r"([01]?\d|2[0-3])[:.]([0-5]\d)")


class FosteringTypesField(ChoiceCheckboxesField):
    unknown_message = "Select types of fostering from the list"


class MembersField(ChoiceCheckboxesField):
    """Members chosen from the central list; none chosen is allowed. Blank values are
    dropped, and anything else not on the list is a field error (never passed on)."""

    unknown_message = "Select members from the central list"

    def process_formdata(self, valuelist):
        super().process_formdata([v for v in valuelist if v != ""])


class TimeText(StringField):
    """A time typed as 14:30 (or 14.30); anything else is a field error."""

    widget = GovTextInput()

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {"inputmode": "numeric", "spellcheck": "false",
                                        "class": "govuk-input--width-5"})
        super().__init__(label, validators, **kwargs)
        self.time = None

    def post_validate(self, form, validation_stopped):
        if self.errors or not self.data:
            return
        match = _TIME.fullmatch(self.data)
        if not match:
            self.errors.append(f"{self.label.text} must be a time in hours and minutes, "
                               "like 14:30")
            return
        self.time = time(int(match.group(1)), int(match.group(2)))

    def _value(self):
        if isinstance(self.data, time):
            return self.data.strftime("%H:%M")
        return self.data or ""


class MemberForm(GovForm):
    user = ChoiceSelectField("Person", coerce=str, validators=[
        InputRequired("Select the person to add")], widget=GovSelect())
    panel_role = ChoiceRadioField("Role on the panel", choices=ROLE_CHOICES, validators=[
        InputRequired("Select their role on the panel")], widget=GovRadioInput())
    qualified_on = GovDateField("Date they qualified as a social worker", subject="The date "
                                "they qualified",
                                description="For social worker members: at least "
                                f"{SOCIAL_WORKER_MEMBER_YEARS} years' post-qualifying experience "
                                "is needed. For example, 27 3 2015")
    joined_on = GovDateField("Date they joined the central list", subject="The date they "
                             "joined", validators=[DateRequired("Enter the date they joined "
                                                                "the central list")])
    submit = submit_button("Add to the central list")


class MemberEditForm(GovForm):
    panel_role = ChoiceRadioField("Role on the panel", choices=ROLE_CHOICES, validators=[
        InputRequired("Select their role on the panel")], widget=GovRadioInput())
    qualified_on = GovDateField("Date they qualified as a social worker", subject="The date "
                                "they qualified")
    left_on = GovDateField("Date they leave the list", subject="The date they leave",
                           description="Members give one month's notice (FSR 23). Leave "
                           "blank while they stay on the list.")
    submit = submit_button("Save")


class MeetingForm(VersionedForm):
    meets_on = GovDateField("Date of the meeting", subject="The date of the meeting",
                            validators=[DateRequired("Enter the date of the meeting")],
                            description="For example, 27 3 2027")
    starts_at = TimeText("Start time", validators=[DataRequired("Enter the start time")],
                         description="For example, 10:00")
    place = StringField("Place", validators=[Length(max=300, message="Place must be 300 "
                                                    "characters or fewer")],
                        widget=GovTextInput(), description="Leave blank for an online meeting")
    online_link = StringField("Online meeting link", validators=[Length(
        max=500, message="The link must be 500 characters or fewer")], widget=GovTextInput(),
        description="Starts with https://")
    submit = submit_button("Save meeting")

    def validate_online_link(self, field):
        if field.data and not re.fullmatch(r"https://[^\s<>\"']+", field.data):
            raise ValidationError("Enter a link starting with https://")

    def validate_place(self, field):
        if not field.data and not self.online_link.data:
            raise ValidationError("Enter the place, or an online meeting link")


class SeatsForm(VersionedForm):
    invited = MembersField("Invited", coerce=str, widget=GovCheckboxesInput())
    attended = MembersField("Attended", coerce=str, widget=GovCheckboxesInput())
    submit = submit_button("Save members")


class AgendaForm(VersionedForm):
    household = ChoiceSelectField("Case", coerce=str, validators=[
        InputRequired("Select a case that is ready for panel")], widget=GovSelect())
    slot_at = TimeText("Time slot", validators=[DataRequired("Enter the time slot")],
                       description="For example, 10:30")
    minutes_slot = WholeNumberField("Length (minutes)", validators=[
        InputRequired("Enter the length of the slot in minutes"),
        NumberRange(min=5, max=240, message="The slot must be between 5 and 240 minutes")],
        default=45)
    submit = submit_button("Add to the agenda")


class ConfirmForm(VersionedForm):
    submit = submit_button("Issue the papers")


class _Terms:
    children = WholeNumberField("Number of children", validators=[
        Optional(), NumberRange(min=1, max=10, message="The number of children must be "
                                "between 1 and 10")], render_kw={"class": "govuk-input--width-2",
                                                                 "inputmode": "numeric"})
    age_from = WholeNumberField("Youngest age (years)", validators=[
        Optional(), NumberRange(min=0, max=17, message="The youngest age must be between 0 "
                                "and 17")], render_kw={"class": "govuk-input--width-2",
                                                       "inputmode": "numeric"})
    age_to = WholeNumberField("Oldest age (years)", validators=[
        Optional(), NumberRange(min=0, max=21, message="The oldest age must be between 0 and "
                                "21")], render_kw={"class": "govuk-input--width-2",
                                                   "inputmode": "numeric"})
    fostering_types = FosteringTypesField(
        "Types of fostering", coerce=str, choices=list(FOSTERING_TYPE_LABELS.items()),
        widget=GovCheckboxesInput(), validators=[Optional()])


class RecommendationForm(_Terms, VersionedForm):
    recommendation = ChoiceRadioField(
        "The panel's recommendation", choices=[(r.value, r.label) for r in Recommendation],
        validators=[InputRequired("Select the panel's recommendation")],
        widget=GovRadioInput())
    reasons = TextAreaField("Reasons", validators=[
        DataRequired("Enter the panel's reasons"),
        Length(max=20000, message="Reasons must be 20,000 characters or fewer")],
        widget=GovTextArea())
    submit = submit_button("Record the recommendation")


class MinutesForm(VersionedForm):
    minutes = TextAreaField("Minutes", validators=[
        DataRequired("Enter the minutes"),
        Length(max=100000, message="Minutes must be 100,000 characters or fewer")],
        widget=GovTextArea(), render_kw={"rows": 15})
    final = ChoiceRadioField("Are these minutes final?", choices=[
        ("draft", "No, save as a draft"),
        ("final", "Yes, they are final: send the recommendations to the decision maker")],
        validators=[InputRequired("Select whether the minutes are final")],
        widget=GovRadioInput(), default="draft")
    submit = submit_button("Save minutes")


def _decisions() -> list[tuple[str, str]]:
    """The choices, stating the agency's time for representations (a setting)."""
    days = plural(clock_setting(agency_settings(), "qd_response_days"), "day")
    return [
        (PanelDecision.APPROVE, "Approve"),
        (PanelDecision.QUALIFYING_DETERMINATION,
         f"Propose not to approve (qualifying determination: {days} for representations or "
         "the Independent Review Mechanism)"),
        (PanelDecision.NOT_APPROVE, f"Final decision not to approve (after the {days}, the "
                                    "applicant's representations or the IRM panel's "
                                    "recommendation)"),
        (PanelDecision.REFER_BACK, "Refer the case back to the fostering panel for further "
                                   "consideration (after a qualifying determination)"),
    ]


class DecisionForm(_Terms, VersionedForm):
    decision = ChoiceRadioField("Decision", choices=_decisions, validators=[
        InputRequired("Select the decision")], widget=GovRadioInput())
    on = GovDateField("Date of the decision", subject="The date of the decision", validators=[
        DateRequired("Enter the date of the decision"),
        NotInFuture("The date of the decision cannot be in the future")])
    reasons = TextAreaField("Reasons", validators=[
        DataRequired("Enter the reasons for the decision"),
        Length(max=20000, message="Reasons must be 20,000 characters or fewer")],
        widget=GovTextArea(),
        description="If you depart from the panel's recommendation, say why.")
    departure_reasons = TextAreaField(
        "Reasons for departing from the IRM panel's recommendation", validators=[
            Length(max=20000, message="Reasons for departing from the IRM panel's "
                   "recommendation must be 20,000 characters or fewer")],
        widget=GovTextArea(),
        description="Only if the applicant went to the IRM and your final decision differs "
                    "from its recommendation.")
    submit = submit_button("Record the decision")

    def validate(self, extra_validators=None) -> bool:
        """An approval needs its terms: the number of children, their ages and the types of
        fostering (each optional on its own, since other decisions have none)."""
        if not super().validate(extra_validators):
            return False
        if self.decision.data == PanelDecision.APPROVE:
            if not self.children.data:
                self.children.errors.append("Enter the number of children")
            if self.age_from.data is None or self.age_to.data is None:
                self.age_from.errors.append("Enter the age range")
            elif self.age_from.data > self.age_to.data:
                self.age_from.errors.append("The youngest age must not be more than the oldest")
            if not self.fostering_types.data:
                self.fostering_types.errors.append("Choose the types of fostering")
        return not self.errors

    def terms(self) -> dict | None:
        """The terms of approval as typed (None for the other decisions)."""
        if self.decision.data != PanelDecision.APPROVE:
            return None
        return {"children": self.children.data, "age_from": self.age_from.data,
                "age_to": self.age_to.data,
                "fostering_types": list(self.fostering_types.data or [])}



# --- after a qualifying determination ---

class QdResponseForm(VersionedForm):
    kind = ChoiceRadioField("What did the applicant do?",
                            choices=[(k.value, k.label) for k in ResponseKind],
                            validators=[InputRequired("Select what the applicant did")],
                            widget=GovRadioInput())
    received_on = GovDateField(
        "Date received", subject="The date received",
        description="The day the representations reached us, or the day the applicant applied "
                    "to the IRM. For example, 11 3 2027",
        validators=[DateRequired("Enter the date received"),
                    NotInFuture("The date received cannot be in the future")])
    summary = TextAreaField("Summary of what the applicant said", validators=[
        Length(max=20000, message="The summary must be 20,000 characters or fewer")],
        widget=GovTextArea(), description="Needed for representations.")
    submit = submit_button("Record the response")


class IrmPapersForm(VersionedForm):
    sent_on = GovDateField(
        "Date the papers were sent to the IRM", subject="The date the papers were sent",
        description="For example, 15 3 2027",
        validators=[DateRequired("Enter the date the papers were sent"),
                    NotInFuture("The date the papers were sent cannot be in the future")])
    submit = submit_button("Record the papers sent")


class IrmRecommendationForm(VersionedForm):
    on = GovDateField(
        "Date of the IRM panel's recommendation", subject="The date of the recommendation",
        description="For example, 12 7 2027",
        validators=[DateRequired("Enter the date of the recommendation"),
                    NotInFuture("The date of the recommendation cannot be in the future")])
    recommendation = ChoiceRadioField(
        "The IRM panel's recommendation", choices=list(IRM_RECOMMENDATIONS.items()),
        validators=[InputRequired("Select the IRM panel's recommendation")],
        widget=GovRadioInput())
    terms = TextAreaField("Terms it recommended", validators=[
        Length(max=5000, message="The terms must be 5,000 characters or fewer")],
        widget=GovTextArea(), description="If it found the applicant suitable.")
    reasons = TextAreaField("The IRM panel's reasons", validators=[
        DataRequired("Enter the IRM panel's reasons"),
        Length(max=20000, message="The reasons must be 20,000 characters or fewer")],
        widget=GovTextArea())
    submit = submit_button("Record the recommendation")
