"""The administration forms: one field per agency setting, and the audit trail's search."""

from datetime import datetime

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
    GovTextInput,
)
from wtforms import SelectField, SelectMultipleField, StringField
from wtforms.validators import Email, Length, NumberRange, Optional, ValidationError

from carers.core.forms import (
    ChoiceRadioField,
    GovForm,
    InputRequired,
    WholeNumberField,
    submit_button,
)
from carers.settings.registry import SETTINGS


class YesNoField(ChoiceRadioField):
    """A yes-or-no setting, held as a boolean."""

    def __init__(self, label, **kwargs):
        kwargs.setdefault("widget", GovRadioInput())
        super().__init__(label, choices=[("yes", "Yes"), ("no", "No")],
                         validators=[InputRequired(f"Select yes or no for {label.lower()}")],
                         **kwargs)

    def process_data(self, value):
        self.data = "yes" if value else "no"

    def process_formdata(self, valuelist):
        if valuelist:
            self.data = valuelist[0]

    def pre_validate(self, form):
        super().pre_validate(form)

    @property
    def value(self) -> bool:
        return self.data == "yes"


class ChoicesField(SelectMultipleField):
    """A setting that is a list of known values, as checkboxes; anything else is refused
    with a message, not WTForms' "'x' is not a valid choice"."""

    def __init__(self, label, **kwargs):
        kwargs.setdefault("widget", GovCheckboxesInput())
        super().__init__(label, **kwargs)

    def pre_validate(self, form):
        known = {value for value, _ in self.choices}
        if any(value not in known for value in self.data or []):
            raise ValidationError(f"Select from the options for {self.label.text.lower()}")

    @property
    def value(self) -> list[str]:
        return list(self.data or [])


def settings_form(current: dict):
    """A form with one field per agency setting, filled with the current values."""

    class SettingsForm(GovForm):
        submit = submit_button("Save settings")

    for s in SETTINGS:
        hint = " ".join(part for part in (s.hint, f"Default {s.default}. Evidence: {s.evidence}.")
                        if part)
        if s.choices:
            known = {value for value, _ in s.choices}
            field = ChoicesField(s.label, choices=list(s.choices), description=hint.replace(
                f"Default {s.default}", "Default " + ", ".join(
                    label for value, label in s.choices if value in s.default)),
                default=[v for v in current[s.key] if v in known])
        elif isinstance(s.default, bool):
            field = YesNoField(s.label, description=hint, default=current[s.key])
        elif isinstance(s.default, int):
            field = WholeNumberField(s.label, validators=[
                InputRequired(f"Enter a number for {s.label.lower()}"),
                NumberRange(min=s.minimum, max=1000,
                            message=f"{s.label} must be between {s.minimum} and 1000")],
                description=hint, default=current[s.key])
        else:
            validators = [
                InputRequired(f"Enter {s.label.lower()}"),
                Length(max=200, message=f"{s.label} must be 200 characters or fewer")]
            if s.key.endswith("_email"):
                validators.append(Email(f"Enter {s.label.lower()} in the correct format, like "
                                        "fostering@example.gov.uk"))
            field = StringField(s.label, validators=validators, description=hint,
                                default=current[s.key], widget=GovTextInput())
        setattr(SettingsForm, s.key, field)
    return SettingsForm


# The actions the audit trail's search offers.
ACTIONS = ["view", "create", "update", "download", "export", "sign_in", "sign_out",
           "sign_in_failed", "transition", "restore"]


def _day(form, field):
    if field.data:
        try:
            datetime.strptime(field.data, "%Y-%m-%d")
        except ValueError:
            raise ValidationError(f"{field.label.text} must be a date like 2027-03-01") from None


class AuditSearchForm(GovForm):
    class Meta:
        csrf = False

    person = StringField("Person (name or email)", validators=[Optional(), Length(max=254)],
                         widget=GovTextInput())
    action = SelectField("Action", coerce=str, widget=GovSelect(), validators=[Optional()],
                         choices=[("", "Any")] + [(a, a.replace("_", " ")) for a in ACTIONS])
    object_type = StringField("Record type", validators=[Optional(), Length(max=40)],
                              widget=GovTextInput(), description="For example, household")
    object_id = StringField("Record number", validators=[Optional(), Length(max=40)],
                            widget=GovTextInput())
    date_from = StringField("From", validators=[Optional(), _day], widget=GovTextInput(),
                            description="A date like 2027-03-01")
    date_to = StringField("To", validators=[Optional(), _day], widget=GovTextInput(),
                          description="A date like 2027-03-31")
    submit = submit_button("Search")
