from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovTextInput
from wtforms import PasswordField, StringField
from wtforms.validators import InputRequired, Length

from carers.core.forms import GovForm, submit_button


class SignInForm(GovForm):
    email = StringField("Email address", validators=[
        InputRequired("Enter your email address"),
        Length(max=254, message="Email address must be 254 characters or fewer")],
        widget=GovTextInput(), render_kw={"autocomplete": "username", "spellcheck": "false",
                                          "type": "email"})
    password = PasswordField("Password", validators=[
        InputRequired("Enter your password"),
        Length(max=1000, message="Password must be 1000 characters or fewer")],
        widget=GovPasswordInput(), render_kw={"autocomplete": "current-password"})
    submit = submit_button("Sign in")


class SignOutForm(GovForm):
    submit = submit_button("Sign out")


class CodeForm(GovForm):
    code = StringField("Code from your authenticator app", validators=[
        InputRequired("Enter the 6-digit code from your authenticator app"),
        Length(max=20, message="Enter the 6-digit code from your authenticator app")],
        widget=GovTextInput(),
        description="Open the app on your phone and type the 6 digits it shows for this service.",
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric",
                   "spellcheck": "false"})
    submit = submit_button("Continue")


class RecoveryCodeForm(GovForm):
    code = StringField("Recovery code", validators=[
        InputRequired("Enter one of your recovery codes"),
        Length(max=40, message="Enter a recovery code like abcd-efgh-ijkl-mnop")],
        widget=GovTextInput(), description="For example, abcd-efgh-ijkl-mnop. Each works once.",
        render_kw={"autocomplete": "off", "spellcheck": "false"})
    submit = submit_button("Continue")


class ConfirmIdentityForm(GovForm):
    """Asked before a change to how the account signs in: the current password and, when the
    account has two-step sign in, a current code (the view asks for it)."""

    current_password = PasswordField("Current password", validators=[
        InputRequired("Enter your current password"),
        Length(max=1000, message="Password must be 1000 characters or fewer")],
        widget=GovPasswordInput(), render_kw={"autocomplete": "current-password"})
    current_code = StringField("Code from your authenticator app", validators=[
        Length(max=20, message="Enter the 6-digit code from your authenticator app")],
        widget=GovTextInput(),
        description="The 6 digits the app shows now for this service.",
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric",
                   "spellcheck": "false"})
    submit = submit_button("Continue")


class SetUpForm(ConfirmIdentityForm):
    current_code = StringField("Code from the authenticator app you use now", validators=[
        Length(max=20, message="Enter the 6-digit code from the app you use now")],
        widget=GovTextInput(),
        description="You are moving two-step sign in to a new app: the old one shows this.",
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric",
                   "spellcheck": "false"})
    code = StringField("Code from your authenticator app", validators=[
        InputRequired("Enter the 6-digit code from your authenticator app"),
        Length(max=20, message="Enter the 6-digit code from your authenticator app")],
        widget=GovTextInput(),
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric",
                   "spellcheck": "false"})
    submit = submit_button("Turn on two-step sign in")


class NewRecoveryCodesForm(ConfirmIdentityForm):
    submit = submit_button("Get new recovery codes")


class TurnOffForm(ConfirmIdentityForm):
    submit = submit_button("Turn off two-step sign in")


def _new_password_field(label="New password"):
    return PasswordField(label, validators=[
        InputRequired("Enter a new password"),
        Length(max=1000, message="Password must be 1000 characters or fewer")],
        widget=GovPasswordInput(),
        description="At least 10 characters. Three random words make a good password. "
                    "You can paste it from a password manager.",
        render_kw={"autocomplete": "new-password"})


class ChangePasswordForm(ConfirmIdentityForm):
    new_password = _new_password_field()
    submit = submit_button("Change password")


class SetPasswordForm(GovForm):
    new_password = _new_password_field("Choose a password")
    submit = submit_button("Set password")


class ConfirmForm(GovForm):
    submit = submit_button("Continue")
