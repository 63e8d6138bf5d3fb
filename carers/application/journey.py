"""The pages of each task, declared rather than written one view each.

A task is a run of pages. A ``Question`` is one page whose form's fields are named after
the answer keys they fill (dates stored as "YYYY-MM-DD", yes/no as true/false); a
``ListQuestion`` is the GOV.UK "add another" pattern for a list of things (previous names,
people, addresses, referees, past partners) with a page per item. A page may apply only
when earlier answers say so (landlord consent only for a rented home); when it does not,
its answers are set to their "does not apply" values so that nothing stale is left.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput
from wtforms import BooleanField, RadioField

from carers.application import forms, rules
from carers.core.forms import GovDateField


def always(answers: dict) -> bool:
    return True


def _value_for_form(fld, value):
    if isinstance(fld, forms.YesNoField):
        return forms.YesNoField.shown(value)
    if isinstance(fld, GovDateField):
        return rules.parse_day(value)
    return value


def _value_for_answers(fld):
    value = fld.data
    if isinstance(fld, forms.YesNoField):
        return forms.YesNoField.answer(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return value or None
    return value


def shown(fld, value) -> str:
    """An answer as the person reads it."""
    if value is None or value == "" or value == []:
        return "Not given"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(fld, GovDateField):
        day = rules.parse_day(value)
        return rules.in_words(day) if day else str(value)
    if isinstance(fld, RadioField):
        return dict(fld.choices).get(value, str(value))
    return str(value)


def label_of(fld) -> str:
    return str(fld.label.text)


@dataclass(frozen=True)
class Question:
    slug: str
    form: type[forms.PageForm]
    when: Callable[[dict], bool] = always
    # Custom mapping for a page whose fields are not its answer keys one to one.
    load: Callable[[dict], dict] | None = None
    dump: Callable[[forms.PageForm], dict] | None = None
    keys_: tuple[str, ...] = ()
    skipped_: dict | None = None
    is_list = False

    def keys(self) -> tuple[str, ...]:
        if self.keys_:
            return self.keys_
        return tuple(f.name for f in self.form(meta={"csrf": False}).answer_fields())

    def skipped(self) -> dict:
        return self.skipped_ if self.skipped_ is not None else {k: None for k in self.keys()}

    def answered(self, answers: dict) -> bool:
        return all(k in answers for k in self.keys())

    def form_data(self, answers: dict) -> dict:
        if self.load is not None:
            return self.load(answers)
        blank = self.form(meta={"csrf": False})
        return {f.name: _value_for_form(f, answers.get(f.name)) for f in blank.answer_fields()
                if f.name in answers}

    def changes(self, form) -> dict:
        if self.dump is not None:
            return self.dump(form)
        return {f.name: _value_for_answers(f) for f in form.answer_fields()}

    def title(self) -> str:
        blank = self.form(meta={"csrf": False})
        fields = blank.answer_fields()
        return blank.title or (label_of(fields[0]) if fields else "")

    def rows(self, answers: dict) -> list[tuple[str, str]]:
        blank = self.form(meta={"csrf": False})
        if self.load is not None:
            data = self.load(answers)
            return [(label_of(f).split(" (")[0], shown(f, _value_for_answers_raw(f, data)))
                    for f in blank.answer_fields()]
        # A question revealed by another's answer is listed only when it was asked.
        blank.process(data=self.form_data(answers))
        asked = [f for f in blank.answer_fields() if f.name not in blank.not_applying()]
        return [(label_of(f).removesuffix(" (optional)"), shown(f, answers.get(f.name)))
                for f in asked]


def _value_for_answers_raw(fld, data):
    value = data.get(fld.name)
    if isinstance(fld, forms.YesNoField):
        return forms.YesNoField.answer(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


@dataclass(frozen=True)
class ListQuestion:
    slug: str
    key: str
    item_form: type[forms.PageForm]
    title_: str  # the list page's heading, e.g. "Previous names"
    first: str  # asked when the list is empty: "Have you been known by any other names?"
    another: str  # asked after: "Do you need to add another name?"
    noun: str  # "name", "person", "address"
    label: Callable[[dict], str]
    when: Callable[[dict], bool] = always
    scalar: str | None = None  # a list of strings: the item form's one field
    rename: dict = field(default_factory=dict)  # form field -> item key
    fixed: dict = field(default_factory=dict)  # stored on every item
    hint: str = ""
    is_list = True

    def keys(self) -> tuple[str, ...]:
        return (self.key,)

    def skipped(self) -> dict:
        return {self.key: []}

    def answered(self, answers: dict) -> bool:
        return self.key in answers

    def title(self) -> str:
        return self.title_

    def items(self, answers: dict) -> list:
        return list(answers.get(self.key) or [])

    def item_data(self, item) -> dict:
        if self.scalar:
            return {self.scalar: item}
        blank = self.item_form(meta={"csrf": False})
        return {f.name: _value_for_form(f, item.get(self.rename.get(f.name, f.name)))
                for f in blank.answer_fields()}

    def item_value(self, form):
        if self.scalar:
            return getattr(form, self.scalar).data
        item = {self.rename.get(f.name, f.name): _value_for_answers(f)
                for f in form.answer_fields()}
        return {**item, **self.fixed}

    def rows(self, answers: dict) -> list[tuple[str, str]]:
        items = self.items(answers)
        return [(self.title_, "\n".join(self.label(i) for i in items) if items else "None")]


# --- custom mappings ---

def _partner_load(answers: dict) -> dict:
    if "current_partner" not in answers:
        return {}
    partner = answers["current_partner"]
    if not partner:
        return {"has_partner": "no"}
    return {"has_partner": "yes", "partner_name": partner.get("name"),
            "partner_since": rules.parse_day(partner.get("since"))}


def _partner_dump(form) -> dict:
    if form.has_partner.data != "yes":
        return {"current_partner": None}
    return {"current_partner": {"name": form.partner_name.data,
                                "since": form.partner_since.data.isoformat()}}


def _consents_load(answers: dict) -> dict:
    return {k: bool(v) for k, v in answers.items() if k in rules.CONSENT_LABELS}


def _person(item) -> str:
    born = rules.parse_day(item.get("date_of_birth"))
    return f"{item.get('name')}, born {rules.in_words(born)}" if born else str(item.get("name"))


def _address(item) -> str:
    start, end = rules.parse_day(item.get("lived_from")), rules.parse_day(item.get("lived_to"))
    span = f"{rules.in_words(start) if start else '?'} to " \
           f"{rules.in_words(end) if end else 'now'}"
    return f"{item.get('line_1')}, {item.get('town')} {item.get('postcode') or ''} ({span})"


def _past_partner(item) -> str:
    start, end = rules.parse_day(item.get("from")), rules.parse_day(item.get("to"))
    if start and end:
        return f"{item.get('name')}, {start.year} to {end.year}"
    return str(item.get("name"))


def _referee(item) -> str:
    relative = ", a relative" if item.get("is_relative") else ""
    return f"{item.get('name')} ({item.get('relationship')}{relative})"


def _earlier(item) -> str:
    kinds = {"foster": "To foster", "adopt": "To adopt", "childmind": "To be a childminder"}
    return f"{kinds.get(item.get('kind'), item.get('kind'))}, {item.get('agency')}, " \
           f"{item.get('year')}: {item.get('outcome')}"


def _rented(a):
    return a.get("tenure") == "rented"


def _working(a):
    return a.get("status") in rules.EMPLOYED


def _employed(a):
    return a.get("status") == "employed"


def _names_a_religion(a):
    return rules.names_a_religion(a.get("religion"))


def _has_partner(a):
    return bool(a.get("current_partner"))


def _applied_before(a):
    return a.get("any") is True


CONSENTS = Question("consents", forms.ConsentsForm, load=_consents_load,
                    keys_=("consented_on",), skipped_={})

PAGES: dict[str, list] = {
    "about_you": [
        Question("full-name", forms.FullNameForm),
        Question("known-as", forms.KnownAsForm),
        ListQuestion("previous-names", "previous_names", forms.PreviousNameForm,
                     "Previous names", "Have you been known by any other names?",
                     "Do you need to add another name?", "name", str, scalar="name",
                     hint="For example, a name before marriage or a name you changed"),
        Question("date-of-birth", forms.DateOfBirthForm),
        Question("place-of-birth", forms.PlaceOfBirthForm),
        Question("sex", forms.SexForm),
        Question("nationality", forms.NationalityForm),
        Question("languages", forms.LanguagesForm),
        Question("religion", forms.ReligionForm),
        Question("practising", forms.PractisingForm, when=_names_a_religion),
        Question("ethnicity", forms.EthnicityForm),
        Question("disability", forms.DisabilityForm),
        Question("email", forms.EmailForm),
        Question("phone", forms.PhoneForm),
    ],
    "household": [
        ListQuestion("people", "people", forms.PersonForm, "People who live with you",
                     "Does anyone else live with you?", "Does anyone else live with you?",
                     "person", _person, fixed={"lives_here": True},
                     hint="Everyone who lives in your home apart from the people applying, "
                          "including children and adults"),
        ListQuestion("children-elsewhere", "children_elsewhere", forms.ChildElsewhereForm,
                     "Children who live elsewhere", "Do you have children who do not live "
                     "with you?", "Do you have another child who does not live with you?",
                     "child", _person, hint="Include adult children"),
    ],
    "home": [
        Question("tenure", forms.TenureForm),
        Question("landlord-consent", forms.LandlordConsentForm, when=_rented),
        Question("bedrooms", forms.BedroomsForm),
        Question("spare-bedrooms", forms.SpareBedroomsForm),
        Question("pets", forms.PetsForm),
        Question("smoking", forms.SmokingForm),
    ],
    "work": [
        Question("status", forms.WorkStatusForm),
        Question("job", forms.JobForm, when=_working),
        Question("employer", forms.EmployerContactForm, when=_employed),
        Question("income", forms.IncomeForm),
    ],
    "health": [
        Question("good-health", forms.GoodHealthForm),
        Question("medication", forms.MedicationForm),
        Question("doctor", forms.DoctorForm),
    ],
    "relationships": [
        Question("partner", forms.PartnerForm, load=_partner_load, dump=_partner_dump,
                 keys_=("current_partner",)),
        Question("partnership", forms.PartnershipForm, when=_has_partner),
        ListQuestion("past-partners", "past_partners", forms.PastPartnerForm,
                     "Significant past partners", "Have you had any significant past "
                     "partners?", "Do you need to add another past partner?", "past partner",
                     _past_partner, rename={"lived_from": "from", "lived_to": "to"},
                     hint="Someone you lived with, were married to or had a child with"),
    ],
    "addresses": [
        ListQuestion("addresses", "addresses", forms.AddressForm, "Your addresses",
                     "Add the addresses you have lived at in the last 10 years",
                     "Do you need to add another address?", "address", _address,
                     hint="Start with where you live now. Your addresses must cover the "
                          "last 10 years with no gaps"),
    ],
    "referees": [
        ListQuestion("referees", "referees", forms.RefereeForm, "Your referees",
                     "Add a referee", "Do you need to add another referee?", "referee",
                     _referee, hint="Add at least 3 people who know you well, and at least "
                                    "1 of them a relative. We will contact them"),
    ],
    "earlier_applications": [
        Question("any", forms.EarlierAnyForm),
        ListQuestion("applications", "applications", forms.EarlierApplicationForm,
                     "Your earlier applications", "Add an earlier application",
                     "Do you need to add another application?", "application", _earlier,
                     when=_applied_before),
    ],
    "consents": [CONSENTS],
}


def page(task_key: str, slug: str):
    return next((p for p in PAGES.get(task_key, ()) if p.slug == slug), None)


def pages_for(task_key: str, answers: dict) -> list:
    return [p for p in PAGES[task_key] if p.when(answers)]


def first_unanswered(task_key: str, answers: dict):
    return next((p for p in pages_for(task_key, answers) if not p.answered(answers)), None)


def next_page(task_key: str, slug: str, answers: dict):
    """The page after ``slug``, or None for the check-your-answers page."""
    slugs = [p.slug for p in pages_for(task_key, answers)]
    later = slugs[slugs.index(slug) + 1:] if slug in slugs else []
    return page(task_key, later[0]) if later else None


def previous_page(task_key: str, slug: str, answers: dict):
    slugs = [p.slug for p in pages_for(task_key, answers)]
    if slug not in slugs or slugs.index(slug) == 0:
        return None
    return page(task_key, slugs[slugs.index(slug) - 1])


def tidy(task_key: str, answers: dict) -> dict:
    """The answers with every page that no longer applies set to its "does not apply"
    values (landlord consent None once the home is owned, say). A question page that
    applies again (the home is rented after all) and still holds only those values is asked
    again: its questions need an answer that "does not apply" is not."""
    out = dict(answers)
    for p in PAGES[task_key]:
        if not p.when(out):
            out.update(p.skipped())
        elif p.when is not always and not p.is_list and p.answered(out):
            skipped = p.skipped()
            if all(out[k] == v for k, v in skipped.items()):
                for key in skipped:
                    del out[key]
    return out


def unanswered(task_key: str, answers: dict) -> list:
    return [p for p in pages_for(task_key, answers) if not p.answered(answers)]


def consents_form_class(needed: list[str]):
    class Consents(forms.ConsentsForm):
        pass

    for key in needed:
        setattr(Consents, key, BooleanField(rules.CONSENT_LABELS[key],
                                            widget=GovCheckboxInput()))
    return Consents


def consents_changes(form, needed: list[str], today: date) -> dict:
    return {**{k: bool(getattr(form, k).data) for k in needed},
            "consented_on": today.isoformat()}
