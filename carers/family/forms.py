"""Forms for the family tree and the ecomap: a person, a parent and their child, two
partners, and a connection of the household."""

from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovSelect
from wtforms import BooleanField
from wtforms.validators import InputRequired, NumberRange, Optional

from carers.core.dates import today
from carers.core.forms import ChoiceSelectField, GovForm, WholeNumberField, submit_button
from carers.enquiries.forms import radios, text
from carers.family import ecomap, genogram

EARLIEST_YEAR = 1850


def _year(label, subject):
    return WholeNumberField(
        label, validators=[Optional(), NumberRange(
            min=EARLIEST_YEAR, max=9999,
            message=f"{subject} must be a year between {EARLIEST_YEAR} and this year")],
        invalid_message=f"{subject} must be a year, like 1975",
        description="For example, 1975", render_kw={"inputmode": "numeric",
                                                   "spellcheck": "false"})


class PersonForm(GovForm):
    name = text("Full name", "Enter the person's full name", max_length=200,
                render_kw={"spellcheck": "false"})
    sex = radios("Sex", list(genogram.SEXES.items()), "Select the person's sex")
    birth_year = _year("Year of birth (optional)", "Year of birth")
    died = BooleanField("This person has died", widget=GovCheckboxInput())
    died_year = _year("Year they died (optional)", "Year they died")
    in_household = BooleanField("Lives in the household", widget=GovCheckboxInput())
    subject_child = BooleanField("This is the child the assessment is about",
                                 widget=GovCheckboxInput())
    member_id = ChoiceSelectField("Who they are on the case (optional)", coerce=str,
                                  widget=GovSelect(), validators=[Optional()], choices=[])
    submit = submit_button("Save person")

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        this_year = today().year
        for field, subject in ((self.birth_year, "Year of birth"),
                               (self.died_year, "Year they died")):
            if field.data is not None and not field.errors and field.data > this_year:
                field.errors = [*field.errors, f"{subject} must be this year or before"]
                valid = False
        if self.died_year.data is not None and not self.died.data and not \
                self.died_year.errors:
            self.died_year.errors = [*self.died_year.errors,
                                     "Tick that this person has died, or leave the year "
                                     "they died blank"]
            valid = False
        if (self.birth_year.data and self.died_year.data and not self.died_year.errors
                and self.died_year.data < self.birth_year.data):
            self.died_year.errors = [*self.died_year.errors,
                                     "Year they died must be the same as or after the year "
                                     "of birth"]
            valid = False
        return valid

    def fields(self) -> dict:
        return {"name": self.name.data, "sex": self.sex.data,
                "birth_year": self.birth_year.data, "died": bool(self.died.data),
                "died_year": self.died_year.data, "in_household": bool(self.in_household.data),
                "subject_child": bool(self.subject_child.data),
                "member_id": int(self.member_id.data) if self.member_id.data else None}


def _person_select(label, message):
    return ChoiceSelectField(label, coerce=str, widget=GovSelect(),
                             validators=[InputRequired(message)], choices=[])


class ParentForm(GovForm):
    parent = _person_select("Parent", "Select the parent")
    child = _person_select("Their child", "Select the child")
    submit = submit_button("Add parent and child")


class PartnersForm(GovForm):
    first = _person_select("First partner", "Select the first partner")
    second = _person_select("Second partner", "Select the second partner")
    status = radios("Their relationship", list(genogram.PARTNER_STATUSES.items()),
                    "Select their relationship")
    submit = submit_button("Add partners")


class EntryForm(GovForm):
    name = text("Name", "Enter the name of the person, group or place", max_length=200,
                hint='For example, "Oak Lane Primary School", "Grandmother Sue" or "Church"')
    kind = radios("What kind of connection is it?", list(ecomap.KINDS.items()),
                  "Select what kind of connection it is")
    strength = radios("How strong is the connection?", list(ecomap.STRENGTHS.items()),
                      "Select how strong the connection is")
    submit = submit_button("Save connection")

    def fields(self) -> dict:
        return {"name": self.name.data, "kind": self.kind.data,
                "strength": self.strength.data}


def person_choices(people) -> list[tuple[str, str]]:
    """Choices for picking a person: "" first (nothing chosen), then each person by name."""
    return [("", "Select a person"), *((str(p.id), _label(p)) for p in people)]


def _label(person) -> str:
    return f"{person.name} (born {person.birth_year})" if person.birth_year else person.name
