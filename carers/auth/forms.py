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
