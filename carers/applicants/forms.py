from govuk_frontend_wtf.wtforms_widgets import GovTextInput
from wtforms import StringField
from wtforms.validators import Email, Length, Regexp

from carers.core.forms import GovForm, InputRequired, submit_button

EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.com"


def _email_field(label, required, description=None):
    return StringField(label, validators=[
        InputRequired(required),
        Length(max=254, message="Email address must be 254 characters or fewer"),
        Email(EMAIL_FORMAT)],
        widget=GovTextInput(), description=description,
        render_kw={"autocomplete": "email", "spellcheck": "false", "type": "email"})


class EmailForm(GovForm):
    email = _email_field("Email address", "Enter your email address",
                         "The address your invitation to apply was sent to.")
    submit = submit_button("Send me a code")


def _digits_only(value):
    # People paste "123 456" or "123-456" from the email: only the digits count.
    if isinstance(value, str):
        return "".join(ch for ch in value if ch not in " -")
    return value


class CodeForm(GovForm):
    code = StringField("Code", validators=[
        InputRequired("Enter the 6-digit code from the email"),
        Regexp(r"^[0-9]{6}$", message="Enter the 6-digit code from the email, like 123456")],
        filters=(_digits_only,), widget=GovTextInput(),
        description="The code is 6 digits, like 123456.",
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric",
                   "spellcheck": "false"})
    submit = submit_button("Sign in")


class SignOutForm(GovForm):
    submit = submit_button("Sign out")


class InviteForm(GovForm):
    email = _email_field("Email address", "Enter their email address",
                         "Their own email address: each person signs in separately.")
    submit = submit_button("Send the invitation")


class ResendForm(GovForm):
    submit = submit_button("Send the invitation again")
