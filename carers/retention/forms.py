"""Forms for retention: choosing proposals to delete, legal holds, the end of approval."""

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovTextArea, GovTextInput
from wtforms import SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from carers.core.forms import (
    ChoiceRadioField,
    DateRequired,
    GovDateField,
    GovForm,
    NotInFuture,
    VersionedForm,
    submit_button,
)
from carers.retention.models import LegalHold
from carers.retention.rules import APPROVAL_ENDINGS

NONE_CHOSEN = "Select the records to delete"


class ChooseForm(GovForm):
    """The proposals ticked on the review page (choices: the proposals that exist)."""

    proposals = SelectMultipleField("Records to delete", coerce=int, validators=[
        InputRequired(NONE_CHOSEN)])
    submit = submit_button("Continue")

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.proposals.errors:
            # A stale or tampered choice reads as none chosen.
            self.proposals.errors = [NONE_CHOSEN]
        return valid


class DeleteForm(ChooseForm):
    submit = submit_button("Delete these records")


class HoldForm(GovForm):
    reference = StringField("Reference of the household or enquiry", validators=[
        DataRequired("Enter the reference of the household or enquiry"),
        Length(max=20, message="Reference must be 20 characters or fewer")],
        widget=GovTextInput())
    reason = ChoiceRadioField("Why is the record held?", choices=list(LegalHold.REASONS.items()),
                              validators=[InputRequired("Select why the record is held")],
                              widget=GovRadioInput())
    details = TextAreaField("What the hold is for", validators=[
        DataRequired("Enter what the hold is for"),
        Length(max=2000, message="What the hold is for must be 2,000 characters or fewer")],
        description="For example, the complaint's or the court's reference. Use references, "
                    "not people's names.", widget=GovTextArea())
    submit = submit_button("Put on legal hold")


class LiftForm(GovForm):
    submit = submit_button("Lift the hold")


class ApprovalEndForm(VersionedForm):
    ended_on = GovDateField("Day approval ended", validators=[
        DateRequired("Enter the day approval ended"),
        NotInFuture("The day approval ended must be today or in the past")],
        subject="The day approval ended",
        description="The day the resignation took effect or the termination was decided.")
    reason = ChoiceRadioField("How did approval end?", choices=list(APPROVAL_ENDINGS.items()),
                              validators=[InputRequired("Select how approval ended")],
                              widget=GovRadioInput())
    submit = submit_button("Record the end of approval")
