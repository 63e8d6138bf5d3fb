"""The one form of the messages: a message, with the GOV.UK character count."""

from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount
from wtforms import TextAreaField
from wtforms.validators import Length

from carers.core.forms import GovForm, InputRequired, submit_button
from carers.messages.rules import MAX_MESSAGE_CHARS


class MessageForm(GovForm):
    body = TextAreaField(
        "Your message",
        validators=[InputRequired("Enter your message"),
                    Length(max=MAX_MESSAGE_CHARS,
                           message=f"Your message must be {MAX_MESSAGE_CHARS:,} characters "
                                   "or fewer")],
        widget=GovCharacterCount())
    send = submit_button("Send message")
