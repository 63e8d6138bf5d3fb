"""The outbox admin's form: correcting a refused address before sending again."""

from govuk_frontend_wtf.wtforms_widgets import GovTextInput
from wtforms import StringField
from wtforms.validators import Email, InputRequired, Length

from carers.core.forms import GovForm, submit_button


class AddressForm(GovForm):
    to_address = StringField("Email address", validators=[
        InputRequired("Enter the email address to send it to"),
        Length(max=254, message="Email address must be 254 characters or fewer"),
        Email("Enter an email address in the correct format, like name@example.com")],
        widget=GovTextInput(), render_kw={"autocomplete": "off", "spellcheck": "false",
                                          "type": "email"})
    submit = submit_button("Correct the address and send again")
