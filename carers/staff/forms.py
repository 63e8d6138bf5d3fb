from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovSelect, GovTextInput
from wtforms import SelectField, StringField
from wtforms.validators import Email, Length

from carers.auth.roles import ROLE_NAMES
from carers.core.forms import ChoiceCheckboxesField, GovForm, InputRequired, submit_button

ROLE_CHOICES = [(key.value, name) for key, name in ROLE_NAMES.items()]


class RolesField(ChoiceCheckboxesField):
    unknown_message = "Select roles from the list"


class StaffForm(GovForm):
    roles = RolesField("Roles", choices=ROLE_CHOICES, widget=GovCheckboxesInput(),
                       validators=[InputRequired("Select at least one role")])
    team = SelectField("Team", coerce=str, widget=GovSelect(), choices=[("", "No team")],
                       validate_choice=False)
    submit = submit_button("Save")

    def validate_team(self, field):
        if field.data not in {c[0] for c in field.choices}:
            field.data = ""  # no team, or one that no longer exists


class InviteForm(StaffForm):
    name = StringField("Full name", validators=[
        InputRequired("Enter their full name"),
        Length(max=200, message="Name must be 200 characters or fewer")],
        widget=GovTextInput(), render_kw={"autocomplete": "off", "spellcheck": "false"})
    email = StringField("Email address", validators=[
        InputRequired("Enter their email address"),
        Length(max=254, message="Email address must be 254 characters or fewer"),
        Email("Enter an email address in the correct format, like name@example.gov.uk")],
        widget=GovTextInput(), render_kw={"autocomplete": "off", "spellcheck": "false",
                                          "type": "email"})
    submit = submit_button("Send invitation")

