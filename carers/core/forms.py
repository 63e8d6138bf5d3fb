"""Form building blocks on the GOV.UK Design System widgets.

Every field carries a GOV.UK widget and messages written for the public
("Enter your date of birth"), never WTForms' defaults ("Not a valid integer value").
"""

import re
from datetime import date

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovDateInput, GovSubmitInput, GovTextInput
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    validators,
)
from wtforms.validators import StopValidation, ValidationError

from carers.core.dates import today
from carers.core.numbers import DIGITS, plain_number
from carers.core.requests import UNREADABLE

# Characters that reorder text as shown (the right-to-left override U+202E and the other
# bidirectional controls): a name or file name "exe.pdf" can be made to show as "fdp.exe".
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
# Characters no person types: C0 controls other than tab and newlines, and the bidi controls.
_CONTROL = re.compile(f"[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f{_BIDI}]")
_FILE_NAME_UNSAFE = re.compile(f"[\\x00-\\x1f\\x7f{_BIDI}]")


def strip_text(value):
    if isinstance(value, str):
        return _CONTROL.sub("", value).strip()
    return value


def clean_file_name(raw: str, default: str = "document") -> str:
    """An uploaded file's name without its folders, control or bidi characters."""
    name = _FILE_NAME_UNSAFE.sub("", (raw or "").replace("\\", "/").rsplit("/", 1)[-1])
    return name.strip() or default


class InputRequired(validators.InputRequired):
    """WTForms' InputRequired looks at what was sent, so "   " counts as an answer even though
    the trimmed value is empty. This one also refuses text that trims to nothing."""

    def __call__(self, form, field):
        super().__call__(form, field)
        if isinstance(field.data, str) and not field.data:
            field.errors[:] = []
            raise StopValidation(self.message or field.gettext("This field is required."))


class GovForm(FlaskForm):
    """Base form: trims text and knows how to show its errors in a GOV.UK error summary."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            filters = unbound_field.kwargs.get("filters", ())
            if unbound_field.field_class in (StringField,) or issubclass(
                unbound_field.field_class, StringField
            ):
                unbound_field.kwargs["filters"] = (strip_text, *filters)
            return unbound_field.bind(form=form, **options)

        def render_field(self, field, render_kw):
            # Hidden fields and buttons are never named by a label or linked from an error
            # summary; without an id, a page with several forms does not repeat "csrf_token"
            # or "submit".
            if isinstance(field, (HiddenField, SubmitField)):
                render_kw = {"id": False, **render_kw}
            return super().render_field(field, render_kw)

    def validate(self, extra_validators=None):
        """As WTForms, and an answer with characters that could not be read (bytes that were
        not UTF-8) is refused with its own message; every other answer is kept as sent."""
        valid = super().validate(extra_validators)
        for field in self:
            if any(isinstance(v, str) and UNREADABLE in v for v in field.raw_data or ()):
                name = str(field.label.text).removesuffix(" (optional)")
                field.errors = [f"{name} has characters that could not be read. Check it "
                                "and type it again", *field.errors]
                valid = False
        return valid

    def error_list(self):
        """Errors as the GOV.UK error summary wants them, each linked to its input."""
        items = [{"text": str(message)} for message in self.form_errors]
        for field in self:
            if not field.errors:
                continue
            # Radios and checkboxes give their first input the field's id; a date links
            # to the part (day, month or year) that is wrong.
            anchor = field.id
            if isinstance(field, GovDateField):
                anchor = f"{field.id}-{field.first_error_part}"
            messages = field.errors if isinstance(field.errors, list) else [field.errors]
            items.append({"text": str(messages[0]), "href": f"#{anchor}"})
        return items


def submit_button(label="Continue"):
    return SubmitField(label, widget=GovSubmitInput())


class WholeNumberField(IntegerField):
    """An integer field with plain-English errors and a numeric keypad on phones."""

    def __init__(self, label=None, validators=None, invalid_message=None, **kwargs):
        kwargs.setdefault("widget", GovTextInput())
        kwargs.setdefault("render_kw", {"inputmode": "numeric", "spellcheck": "false"})
        super().__init__(label, validators, **kwargs)
        self.invalid_message = invalid_message or f"{label} must be a whole number, like 2"

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        raw = (valuelist[0] or "").strip()
        if raw == "":
            self.data = None
            return
        if not re.fullmatch(r"\d{1,6}", raw):
            self.data = None
            raise ValueError(self.invalid_message)
        self.data = int(raw)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else str(self.data)


class GovDateField(DateField):
    """A day/month/year date in three inputs that turns any missing or wrong part into a
    GOV.UK-style error message instead of an exception."""

    widget = GovDateInput()
    PARTS = ("day", "month", "year")

    def __init__(self, label=None, validators=None, subject=None, **kwargs):
        kwargs.setdefault("format", "%d %m %Y")
        super().__init__(label, validators, **kwargs)
        self.subject = subject or label
        self.first_error_part = "day"

    def process_formdata(self, valuelist):
        parts = [(v or "").strip() for v in valuelist]
        # A browser sends exactly three parts; more is a tampered form, not a date.
        too_many = len(parts) > 3
        parts = parts[:3] + [""] * (3 - len(parts[:3]))
        self.raw_data = parts
        self.data = None
        if too_many:
            raise ValueError(f"{self.subject} must be a real date")
        if not any(parts):
            return
        missing = [name for name, value in zip(self.PARTS, parts, strict=True) if not value]
        if missing:
            self.first_error_part = missing[0]
            raise ValueError(f"{self.subject} must include a {' and '.join(missing)}")
        # ASCII digits only: str.isdigit() also accepts "²", which int() then refuses.
        not_numbers = [n for n, v in zip(self.PARTS, parts, strict=True)
                       if not DIGITS.fullmatch(v)]
        if not_numbers:
            self.first_error_part = not_numbers[0]
            raise ValueError(f"{self.subject} must be a real date, in numbers")
        if len(parts[2]) != 4:
            self.first_error_part = "year"
            raise ValueError("Year must include 4 numbers")
        # Checked before date(), which overflows (not ValueError) on a 20-digit day.
        too_long = [n for n, v in zip(self.PARTS[:2], parts[:2], strict=True)
                    if len(v.lstrip("0")) > 2]
        if too_long:
            self.first_error_part = too_long[0]
            raise ValueError(f"{self.subject} must be a real date")
        day, month, year = (int(p) for p in parts)
        try:
            self.data = date(year, month, day)
        except ValueError:
            self.first_error_part = "day" if 1 <= month <= 12 else "month"
            raise ValueError(f"{self.subject} must be a real date") from None

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        return self.data.strftime(self.format[0]) if self.data else ""


class DateRequired:
    def __init__(self, message):
        self.message = message

    def __call__(self, form, field):
        if field.data is None and not field.errors:
            field.errors[:] = []
            raise StopValidation(self.message)


def age_on(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


class DateInPast:
    def __init__(self, message):
        self.message = message

    def __call__(self, form, field):
        if field.data and field.data >= today():
            raise ValidationError(self.message)


class NotInFuture:
    def __init__(self, message):
        self.message = message

    def __call__(self, form, field):
        if field.data and field.data > today():
            raise ValidationError(self.message)


class AtLeastAge:
    def __init__(self, years, message):
        self.years = years
        self.message = message

    def __call__(self, form, field):
        if field.data and age_on(field.data, today()) < self.years:
            raise ValidationError(self.message)


class NotBefore:
    def __init__(self, earliest: date, message):
        self.earliest = earliest
        self.message = message

    def __call__(self, form, field):
        if field.data and field.data < self.earliest:
            raise ValidationError(self.message)


# Choices and versions

class _KnownChoice:
    """A value that is not one of the choices (only a tampered form or a stale page sends
    one) gets the question's own message, not WTForms' "Not a valid choice"."""

    unknown_message = "Select one of the options"

    def pre_validate(self, form):
        try:
            super().pre_validate(form)
        except ValidationError:
            required = [v.message for v in self.validators
                        if isinstance(v, validators.InputRequired)]
            raise ValidationError(required[0] if required else self.unknown_message) from None


class ChoiceRadioField(_KnownChoice, RadioField):
    pass


class ChoiceSelectField(_KnownChoice, SelectField):
    pass


class ChoiceCheckboxesField(_KnownChoice, SelectMultipleField):
    unknown_message = "Select workers from the list"

    def process_formdata(self, valuelist):
        super().process_formdata(list(dict.fromkeys(valuelist)))  # a value sent twice is one


class VersionedForm(GovForm):
    """Carries the case version the worker saw, to refuse changes made over someone else's."""

    version = HiddenField()

    def seen_version(self) -> int | None:
        return plain_number(self.version.data)

    def changed_since_opened(self, message: str, current_version: int) -> None:
        """Someone else saved first: keep everything typed, say so in the error summary, and
        carry the latest version so that saving again (after a look) is a deliberate choice."""
        self.form_errors.append(message)
        self.version.data = str(current_version)
