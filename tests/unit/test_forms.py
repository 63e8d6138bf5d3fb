"""GovDateField, the form helpers in carers/core/forms.py, and the postcode rules."""

from datetime import date

import pytest
from flask import Flask
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict
from wtforms import StringField
from wtforms.validators import ValidationError

from carers.core.forms import (
    AtLeastAge,
    DateInPast,
    DateRequired,
    GovDateField,
    GovForm,
    InputRequired,
    NotBefore,
    WholeNumberField,
    age_on,
    strip_text,
)
from carers.enquiries.forms import POSTCODE, AddressForm, normalise_postcode, uk_postcode


@pytest.fixture(scope="module")
def app():
    app = Flask(__name__)
    app.config.update(SECRET_KEY="unit", WTF_CSRF_ENABLED=False)
    return app


class BirthForm(GovForm):
    born = GovDateField("Date of birth", subject="Date of birth", validators=[
        DateRequired("Enter your date of birth"),
        DateInPast("Date of birth must be in the past"),
        NotBefore(date(1900, 1, 1), "Date of birth must be after 1900"),
        AtLeastAge(18, "You must be 18 or over to foster"),
    ])
    name = StringField("Name", validators=[InputRequired("Enter your name")])
    children = WholeNumberField("Children", invalid_message="Children must be a number")


def post(app, pairs, form_class=BirthForm):
    """Validate a form as a POST with these (name, value) pairs."""
    with app.test_request_context(method="POST", data=MultiDict(pairs)):
        form = form_class()
        form.validate()
        return form


def born(app, *parts):
    return post(app, [("name", "Ann")] + [("born", p) for p in parts])


# --- GovDateField ---

def test_a_real_date_is_read(app):
    form = born(app, "14", "2", "1984")
    assert form.born.data == date(1984, 2, 14)
    assert form.born.errors == []


def test_spaces_and_leading_zeros_are_fine(app):
    assert born(app, " 04", "007 ", "1984").born.data == date(1984, 7, 4)


def test_nothing_typed_is_the_required_message(app):
    form = born(app, "", "", "")
    assert form.born.data is None
    assert form.born.errors == ["Enter your date of birth"]
    assert form.error_list()[0] == {"text": "Enter your date of birth", "href": "#born-day"}


def test_a_missing_field_is_the_required_message(app):
    form = post(app, [("name", "Ann")])
    assert form.born.errors == ["Enter your date of birth"]


@pytest.mark.parametrize(("parts", "message", "part"), [
    (("", "2", "1984"), "Date of birth must include a day", "day"),
    (("14", "", "1984"), "Date of birth must include a month", "month"),
    (("14", "2", ""), "Date of birth must include a year", "year"),
    (("", "", "1984"), "Date of birth must include a day and month", "day"),
    (("", "2", ""), "Date of birth must include a day and year", "day"),
    (("14",), "Date of birth must include a month and year", "month"),
    (("14", "2"), "Date of birth must include a year", "year"),
    (("x", "2", "1984"), "Date of birth must be a real date, in numbers", "day"),
    (("14", "February", "1984"), "Date of birth must be a real date, in numbers", "month"),
    (("14", "2", "1984a"), "Date of birth must be a real date, in numbers", "year"),
    (("²", "2", "1984"), "Date of birth must be a real date, in numbers", "day"),
    (("14", "٢", "1984"), "Date of birth must be a real date, in numbers", "month"),
    (("+1", "2", "1984"), "Date of birth must be a real date, in numbers", "day"),
    (("14", "2", "84"), "Year must include 4 numbers", "year"),
    (("14", "2", "19840"), "Year must include 4 numbers", "year"),
    (("14", "2", "9" * 5000), "Year must include 4 numbers", "year"),
    (("31", "2", "1984"), "Date of birth must be a real date", "day"),
    (("29", "2", "1983"), "Date of birth must be a real date", "day"),
    (("0", "2", "1984"), "Date of birth must be a real date", "day"),
    (("14", "0", "1984"), "Date of birth must be a real date", "month"),
    (("14", "13", "1984"), "Date of birth must be a real date", "month"),
    (("9" * 20, "2", "1984"), "Date of birth must be a real date", "day"),
    (("14", "9" * 20, "1984"), "Date of birth must be a real date", "month"),
    (("14", "2", "0000"), "Date of birth must be a real date", "day"),
    (("14", "2", "1984", "1"), "Date of birth must be a real date", "day"),
])
def test_each_wrong_date_has_its_own_message_and_part(app, parts, message, part):
    form = born(app, *parts)
    assert form.born.data is None
    assert form.born.errors == [message]
    assert form.born.first_error_part == part
    assert {"text": message, "href": f"#born-{part}"} in form.error_list()


def test_29_february_in_a_leap_year_is_real(app):
    assert born(app, "29", "2", "1984").born.data == date(1984, 2, 29)


def test_what_was_typed_is_kept_to_show_again(app):
    form = born(app, "31", "2", "1984")
    assert form.born.raw_data == ["31", "2", "1984"]
    form = born(app, "14")
    assert form.born.raw_data == ["14", "", ""]
    form = born(app, "1", "2", "3", "4", "5")
    assert form.born.raw_data == ["1", "2", "3"]


MESSAGE_STARTS = ("Date of birth", "Enter your date of birth", "Year must include 4 numbers",
                  "You must be 18")


@given(parts=st.lists(st.text(max_size=30), max_size=6))
def test_any_parts_give_a_date_or_a_message_never_an_exception(app, parts):
    form = born(app, *parts)
    # The GOV.UK widget unpacks exactly three parts to show them again.
    assert len(form.born.raw_data) == 3
    assert all(message.startswith(MESSAGE_STARTS) for message in form.born.errors)
    assert form.born.first_error_part in ("day", "month", "year")
    if form.born.data is None:
        assert len(form.born.errors) == 1


@pytest.mark.parametrize(("parts", "message"), [
    (("1", "1", "2999"), "Date of birth must be in the past"),
    (("31", "12", "1899"), "Date of birth must be after 1900"),
])
def test_date_rules(app, parts, message):
    form = born(app, *parts)
    assert form.born.errors[0] == message
    assert form.born.first_error_part == "day"


def test_today_is_not_in_the_past(app, monkeypatch):
    monkeypatch.setattr("carers.core.forms.today", lambda: date(2026, 3, 10))
    assert born(app, "10", "3", "2026").born.errors[0] == "Date of birth must be in the past"


def test_the_18th_birthday_is_old_enough_and_the_day_before_is_not(app, monkeypatch):
    monkeypatch.setattr("carers.core.forms.today", lambda: date(2026, 3, 10))
    assert born(app, "10", "3", "2008").born.errors == []
    assert born(app, "11", "3", "2008").born.errors == ["You must be 18 or over to foster"]


def test_age_on():
    assert age_on(date(2000, 2, 29), date(2018, 2, 28)) == 17
    assert age_on(date(2000, 2, 29), date(2018, 3, 1)) == 18
    assert age_on(date(1984, 2, 14), date(2026, 2, 14)) == 42


def test_not_before_accepts_the_earliest_day(app):
    assert born(app, "1", "1", "1900").born.errors == []


def test_the_date_rules_leave_a_missing_date_to_date_required():
    class Field:
        data = None
        errors = []

    for rule in (DateInPast("past"), NotBefore(date(1900, 1, 1), "old"),
                 AtLeastAge(18, "young")):
        rule(None, Field())


# --- text and numbers ---

def test_text_is_trimmed_and_loses_control_characters(app):
    form = post(app, [("name", "  A\x00n\x1bn\x7f \t")])
    assert form.name.data == "Ann"
    assert strip_text("line one\r\nline two\ttab") == "line one\r\nline two\ttab"
    assert strip_text(None) is None


@pytest.mark.parametrize("blank", ["", " ", "\x00\x01 ", "\t\u00a0\u2003"])
def test_text_that_trims_to_nothing_is_no_answer(app, blank):
    form = post(app, [("name", blank)])
    assert form.name.errors == ["Enter your name"]
    assert form.name.flags.required


def test_a_missing_text_field_is_no_answer(app):
    assert post(app, []).name.errors == ["Enter your name"]


@pytest.mark.parametrize(("typed", "value", "errors"), [
    ("3", 3, []),
    (" 12 ", 12, []),
    ("", None, []),
    ("1.5", None, ["Children must be a number"]),
    ("-1", None, ["Children must be a number"]),
    ("three", None, ["Children must be a number"]),
    ("9" * 7, None, ["Children must be a number"]),
    ("9" * 10000, None, ["Children must be a number"]),
])
def test_whole_numbers(app, typed, value, errors):
    form = post(app, [("name", "Ann"), ("children", typed)])
    assert form.children.data == value
    assert form.children.errors == errors
    if errors:
        assert form.children._value() == typed


# --- postcodes ---

@pytest.mark.parametrize(("typed", "normalised"), [
    ("sw1a1aa", "SW1A 1AA"),
    ("SW1A 1AA", "SW1A 1AA"),
    (" sw1a  1aa ", "SW1A 1AA"),
    ("sw1a\t1aa", "SW1A 1AA"),
    ("m11ae", "M1 1AE"),
    ("B338TH", "B33 8TH"),
    ("cr2 6xh", "CR2 6XH"),
    ("DN551PT", "DN55 1PT"),
    ("w1a0ax", "W1A 0AX"),
    ("ec1a1bb", "EC1A 1BB"),
    ("gir0aa", "GIR 0AA"),
])
def test_a_real_postcode_is_normalised(typed, normalised):
    assert normalise_postcode(typed) == normalised
    assert normalise_postcode(normalised) == normalised


@pytest.mark.parametrize("typed", ["", "  12345 ", "SW1A", "SW1A 1AAA", "QV1 1AA", "SW1A-1AA",
                                   "not a postcode", "1AA SW1A", "SW1A 1CA"])
def test_anything_else_is_only_trimmed(typed):
    assert normalise_postcode(typed) == typed.strip()


def test_non_text_is_left_alone():
    assert normalise_postcode(None) is None


@given(st.text())
def test_normalising_never_fails_and_is_idempotent(typed):
    once = normalise_postcode(typed)
    assert normalise_postcode(once) == once
    if POSTCODE.match(once.replace(" ", "")):
        assert once == once.upper() and once[-4] == " "


class _Field:
    def __init__(self, data):
        self.data = data


@pytest.mark.parametrize("data", ["SW1A 1AA", "M1 1AE", "GIR 0AA", "", None])
def test_the_postcode_validator_accepts_real_postcodes_and_leaves_empty_to_others(data):
    uk_postcode(None, _Field(data))


@pytest.mark.parametrize("data", ["SW1A", "12345", "SW1A 1AAA", "ZZ99 9ZZ", "sw1a 1aa"])
def test_the_postcode_validator_refuses_anything_else(data):
    with pytest.raises(ValidationError, match="Enter a real postcode"):
        uk_postcode(None, _Field(data))


def test_the_address_form_stores_a_normalised_postcode(app):
    form = post(app, [("address_line_1", "1 High St"), ("town", "Leeds"),
                      ("postcode", "ls11ur")], AddressForm)
    assert form.errors == {}
    assert form.postcode.data == "LS1 1UR"


def test_the_address_form_refuses_a_bad_postcode(app):
    form = post(app, [("address_line_1", "1 High St"), ("town", "Leeds"),
                      ("postcode", "LS1")], AddressForm)
    assert form.postcode.errors == ["Enter a real postcode, like SW1A 1AA"]
