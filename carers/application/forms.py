"""The application's forms: one per question page (its fields are named after the answer
keys they fill), one per item of a list ("add another"), and the forms of the task's
check-your-answers page, the declaration and a caseworker's reopening."""

from datetime import date

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import Email, Length, NumberRange, Optional, ValidationError

from carers.core.forms import (
    ChoiceRadioField,
    DateInPast,
    DateRequired,
    GovDateField,
    GovForm,
    InputRequired,
    NotBefore,
    NotInFuture,
    VersionedForm,
    WholeNumberField,
    submit_button,
)
from carers.enquiries.forms import long_text, normalise_postcode, phone_number, text, uk_postcode

YES_NO = [("yes", "Yes"), ("no", "No")]


class YesNoField(ChoiceRadioField):
    """Yes or no radios whose answer is stored as true or false."""

    def __init__(self, label, required_message, hint=None, **kwargs):
        super().__init__(label, choices=YES_NO, validators=[InputRequired(required_message)],
                         description=hint or "", widget=GovRadioInput(), **kwargs)

    @staticmethod
    def answer(value):
        return {"yes": True, "no": False}.get(value)

    @staticmethod
    def shown(value):
        return {True: "yes", False: "no"}.get(value)


def radios(label, options, required_message, hint=None):
    return ChoiceRadioField(label, choices=options, validators=[InputRequired(required_message)],
                            description=hint or "", widget=GovRadioInput())


def when(label, required_message, *rules, hint="For example, 27 3 2019", optional=False):
    checks = [] if optional else [DateRequired(required_message)]
    return GovDateField(label, validators=[*checks, NotBefore(date(1900, 1, 1), f"{label} "
                                                              "must be after 1900"), *rules],
                        description=hint, subject=label)


def email_field(label, required_message=None):
    checks = [InputRequired(required_message)] if required_message else [Optional()]
    return StringField(label, validators=[
        *checks, Length(max=254, message=f"{label.removesuffix(' (optional)')} must be 254 "
                                         "characters or fewer"),
        Email("Enter an email address in the correct format, like name@example.com")],
        widget=GovTextInput(),
        render_kw={"autocomplete": "off", "spellcheck": "false", "type": "email"})


def optional_phone(form, field):
    if field.data:
        phone_number(form, field)


def phone_field(label, required_message=None):
    checks = [InputRequired(required_message), phone_number] if required_message else \
        [Optional(), optional_phone]
    return StringField(label, validators=[*checks, Length(max=30, message="Telephone number "
                                                          "must be 30 characters or fewer")],
                       widget=GovTextInput(), render_kw={"type": "tel", "autocomplete": "off"})


def count(label, required_message, hint=None, most=50):
    return WholeNumberField(label, validators=[
        InputRequired(required_message),
        NumberRange(min=0, max=most, message=f"{label} must be between 0 and {most}")],
        description=hint or "")


class PageForm(VersionedForm):
    """One page of a task. Its fields (other than these) are the page's answers."""

    submit = submit_button("Continue")
    later = SubmitField("Save and come back later", widget=GovSubmitInput())
    CONTROL = frozenset({"csrf_token", "version", "submit", "later"})
    title = ""
    # Questions that apply only for one answer of a radio question on the same page, shown
    # under that answer (the GOV.UK radios' conditional reveal):
    # {radio field: {answer: (field, ...)}}. They are validated only when they apply.
    reveals: dict[str, dict[str, tuple[str, ...]]] = {}

    def answer_fields(self):
        return [f for f in self if f.name not in self.CONTROL]

    def revealed(self) -> frozenset[str]:
        """The fields shown inside a radio answer rather than on their own."""
        return frozenset(name for answers in self.reveals.values()
                         for names in answers.values() for name in names)

    def not_applying(self) -> frozenset[str]:
        """The revealed fields whose answer was not chosen: not asked, so not kept."""
        return frozenset(name for radio, answers in self.reveals.items()
                         for value, names in answers.items()
                         if self[radio].data != value for name in names)

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if not self.reveals:
            return valid
        for name in self.not_applying():
            self[name].errors = []
            self[name].data = None
        return not any(f.errors for f in self)


# --- about you ---

class FullNameForm(PageForm):
    full_name = text("What is your full name?", "Enter your full name", max_length=200,
                     render_kw={"autocomplete": "name", "spellcheck": "false"})


class KnownAsForm(PageForm):
    known_as = text("What name do you like to be called? (optional)", max_length=200,
                    hint="If it is not your full name. For example, Liz for Elizabeth Ann "
                         "Smith", subject="The name you like to be called",
                    render_kw={"spellcheck": "false"})


class PreviousNameForm(PageForm):
    name = text("Previous name", "Enter the name", max_length=200,
                hint="For example, a name before marriage")


class DateOfBirthForm(PageForm):
    date_of_birth = when("What is your date of birth?", "Enter your date of birth",
                         DateInPast("Date of birth must be in the past"),
                         hint="For example, 27 3 1985")


class PlaceOfBirthForm(PageForm):
    title = "Where were you born?"
    birth_town = text("Town or city", "Enter the town or city where you were born",
                      max_length=100, subject="Town or city")
    birth_country = text("Country", "Enter the country where you were born",
                         max_length=100, hint="For example, England, Scotland or Poland",
                         subject="Country")


class SexForm(PageForm):
    sex = radios("What is your sex?", [("female", "Female"), ("male", "Male")],
                 "Select your sex")


class NationalityForm(PageForm):
    nationality = text("What is your nationality?", "Enter your nationality",
                       hint="For example, British, Irish or Polish")


class LanguagesForm(PageForm):
    languages = text("Which languages do you speak?", "Enter the languages you speak",
                     max_length=300, hint="For example, English and Welsh")


class ReligionForm(PageForm):
    religion = text("What is your religion, if you have one? (optional)", max_length=200,
                    subject="Religion")


class PractisingForm(PageForm):
    practising = YesNoField("Do you practise your religion?",
                            "Select yes if you practise your religion",
                            hint="For example, you go to a place of worship, or keep its "
                                 "customs at home")


class EthnicityForm(PageForm):
    ethnicity = text("What is your ethnic group? (optional)", max_length=200,
                     hint="For example, White British, Black Caribbean or Indian",
                     subject="Ethnic group")


class DisabilityForm(PageForm):
    reveals = {"registered_disabled": {"yes": ("disability_details",)}}
    registered_disabled = radios(
        "Are you registered as disabled?",
        [("yes", "Yes"), ("no", "No"), ("prefer_not", "I prefer not to say")],
        "Select yes if you are registered as disabled",
        hint="For example, on your council's register of disabled people, or registered "
             "as sight impaired")
    disability_details = long_text("Tell us about your disability (optional)",
                                   max_length=1000, subject="Your disability",
                                   hint="Anything that would help us support you")


class EmailForm(PageForm):
    email = email_field("What is your email address?", "Enter your email address")


class PhoneForm(PageForm):
    phone = phone_field("What is your telephone number?", "Enter your telephone number")


# --- your household ---

RELATIONSHIPS = [("son", "Son"), ("daughter", "Daughter"), ("partner", "Partner"),
                 ("parent", "Parent"), ("brother_or_sister", "Brother or sister"),
                 ("grandchild", "Grandchild"), ("lodger", "Lodger"), ("other", "Other")]


class PersonForm(PageForm):
    name = text("Full name", "Enter their full name", max_length=200)
    date_of_birth = when("Date of birth", "Enter their date of birth",
                         NotInFuture("Date of birth must be today or in the past"),
                         hint="For example, 27 3 2010")
    relationship = radios("How are they related to you?", RELATIONSHIPS,
                          "Select how they are related to you")


class ChildElsewhereForm(PageForm):
    name = text("Full name", "Enter their full name", max_length=200)
    date_of_birth = when("Date of birth", "Enter their date of birth",
                         NotInFuture("Date of birth must be today or in the past"),
                         hint="For example, 27 3 2010")
    relationship = radios("How are they related to you?", RELATIONSHIPS[:2] + [
        ("grandchild", "Grandchild"), ("stepchild", "Stepchild"), ("other", "Other")],
        "Select how they are related to you")
    lives_with = text("Who do they live with?", "Enter who they live with", max_length=200,
                      hint="For example, their mother, or on their own")


# --- your home ---

class TenureForm(PageForm):
    tenure = radios("Do you own or rent your home?",
                    [("owned", "We own it"), ("rented", "We rent it"), ("other", "Other")],
                    "Select whether you own or rent your home")


class LandlordConsentForm(PageForm):
    landlord_consent = YesNoField("Has your landlord agreed to you fostering?",
                                  "Select yes if your landlord has agreed",
                                  hint="Most tenancies need the landlord's agreement")


class BedroomsForm(PageForm):
    bedrooms = count("How many bedrooms does your home have?", "Enter how many bedrooms "
                     "your home has")


class SpareBedroomsForm(PageForm):
    spare_bedrooms = count("How many spare bedrooms do you have?", "Enter how many spare "
                           "bedrooms you have", hint="A spare bedroom is one nobody sleeps in now")
    spare_bedroom_details = long_text("Tell us about the spare bedrooms (optional)",
                                      hint="Their size, and what they are used for now",
                                      subject="Spare bedroom details")


class PetsForm(PageForm):
    reveals = {"has_pets": {"yes": ("pets_details",)}}
    has_pets = YesNoField("Do you have any pets?", "Select yes if you have pets")
    pets_details = long_text("Tell us about your pets", "Tell us about your pets",
                             hint="What they are, how many, and how they are with children")


class SmokingForm(PageForm):
    reveals = {"smoking": {"yes": ("smoking_details",)}}
    smoking = YesNoField("Does anyone in your home smoke or vape?",
                         "Select yes if anyone in your home smokes or vapes")
    smoking_details = long_text("Who smokes or vapes, and where?",
                                "Tell us who smokes or vapes, and where")


# --- work and income ---

WORK = [("employed", "Employed"), ("self_employed", "Self-employed"),
        ("not_working", "Not working"), ("retired", "Retired"), ("student", "Student")]


class WorkStatusForm(PageForm):
    status = radios("What is your work situation?", WORK, "Select your work situation")


class JobForm(PageForm):
    title = "Your job"
    job_title = text("Job title", "Enter your job title", max_length=200)
    employer_name = text("Employer or business name", "Enter your employer or business name",
                         max_length=200)
    hours = text("Hours you work (optional)", max_length=200,
                 hint="For example, 9am to 5pm Monday to Friday, or shifts", subject="Hours")


class EmployerContactForm(PageForm):
    title = "Your employer's contact details"
    employer_email = email_field("Email address (optional)")
    employer_phone = phone_field("Telephone number (optional)")
    employer_address = long_text("Address", "Enter your employer's address", max_length=500)

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if valid and not (self.employer_email.data or self.employer_phone.data):
            self.employer_email.errors.append("Enter an email address or telephone number "
                                              "for your employer")
            return False
        return valid


class IncomeForm(PageForm):
    title = "Your income"
    income_annual = WholeNumberField(
        "Your yearly income before tax, in pounds (optional)",
        validators=[Optional(), NumberRange(max=10_000_000, message="Yearly income must be "
                                            "a number of pounds, like 28000")],
        description="For example, 28000", invalid_message="Yearly income must be a whole "
        "number of pounds, like 28000")
    other_income = long_text("Other income (optional)", max_length=1000,
                             hint="For example, benefits, a pension or rent",
                             subject="Other income")


# --- health ---

class GoodHealthForm(PageForm):
    reveals = {"good_health": {"no": ("conditions",)}}
    good_health = YesNoField("Would you say you are in good health?",
                             "Select yes if you are in good health")
    conditions = long_text("Tell us about any health conditions or disabilities",
                           "Tell us about your health conditions",
                           hint="Include mental health, and anything you are waiting to "
                                "be seen about")


class MedicationForm(PageForm):
    medication = long_text("What medication do you take, if any? (optional)",
                           subject="Medication")


class DoctorForm(PageForm):
    title = "Your GP"
    gp_name = text("GP surgery name", "Enter your GP surgery's name", max_length=200)
    gp_address = long_text("GP surgery address", "Enter your GP surgery's address",
                           max_length=500)


# --- relationships ---

class PartnerForm(PageForm):
    title = "Your partner"
    reveals = {"has_partner": {"yes": ("partner_name", "partner_since")}}
    has_partner = YesNoField("Do you have a partner?", "Select yes if you have a partner",
                             hint="A husband, wife, civil partner or someone you live with "
                                  "or have a relationship with")
    partner_name = text("Your partner's full name", max_length=200,
                        subject="Partner's name")
    partner_since = when("When did your relationship start?",
                         "Enter when your relationship started",
                         NotInFuture("The date your relationship started must be in the past"),
                         optional=True)

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.has_partner.data == "yes":
            if not self.partner_name.data and not self.partner_name.errors:
                self.partner_name.errors.append("Enter your partner's full name")
                valid = False
            if not self.partner_since.data and not self.partner_since.errors:
                self.partner_since.errors.append("Enter when your relationship started")
                valid = False
        return valid


class PartnershipForm(PageForm):
    title = "Your relationship"
    partnership_kind = radios("Which describes your relationship?", [
        ("married", "We are married"),
        ("civil_partnership", "We are in a civil partnership"),
        ("cohabiting", "We live together but are not married or in a civil partnership"),
        ("living_apart_together", "We are in a relationship but do not live together")],
        "Select which describes your relationship")
    partnership_since = GovDateField(
        "When did you marry, register your civil partnership or start living together?",
        validators=[DateRequired("Enter the date you married, registered your civil "
                                 "partnership or started living together"),
                    NotBefore(date(1900, 1, 1), "The date must be after 1900"),
                    NotInFuture("The date must be today or in the past")],
        description="If you live apart, the date your relationship started. For example, "
                    "27 3 2015", subject="The date")
    partnership_place = text("Where did you marry or register your civil partnership? "
                             "(optional)", max_length=200, subject="Where you married",
                             hint="The town, and the country if it was outside the UK. "
                                  "Leave it blank if you are not married or in a civil "
                                  "partnership")

    def validate(self, extra_validators=None):
        super().validate(extra_validators)
        registered = self.partnership_kind.data in ("married", "civil_partnership")
        if self.partnership_kind.data and not registered:
            # Only a marriage or civil partnership has a place.
            self.partnership_place.errors = []
        valid = not any(f.errors for f in self)
        if valid and not registered:
            self.partnership_place.data = None  # nothing stale is kept
        return valid


class PastPartnerForm(PageForm):
    name = text("Full name", "Enter their full name", max_length=200)
    lived_from = when("When did the relationship start?", "Enter when the relationship "
                      "started", NotInFuture("The start must be in the past"))
    lived_to = when("When did it end?", "Enter when the relationship ended",
                    NotInFuture("The end must be in the past"))
    email = email_field("Email address (optional)")
    phone = phone_field("Telephone number (optional)")
    address = long_text("Address (optional)", max_length=500, subject="Address")
    children_together = YesNoField("Did you have children together?",
                                   "Select yes if you had children together")

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if valid and self.lived_to.data < self.lived_from.data:
            self.lived_to.errors.append("The end must be after the start")
            return False
        return valid


# --- where you have lived ---

class AddressForm(PageForm):
    line_1 = text("Building and street", "Enter the building and street", max_length=200,
                  render_kw={"autocomplete": "off"})
    town = text("Town or city", "Enter the town or city")
    postcode = StringField("Postcode (leave it blank for an address outside the UK)",
                           validators=[Optional(), Length(max=10, message="Enter a real "
                                                          "postcode, like SW1A 1AA"),
                                       uk_postcode],
                           filters=(normalise_postcode,), widget=GovTextInput(),
                           render_kw={"autocomplete": "off"})
    local_authority = text("Council area", "Enter the council area, or the country if "
                           "outside the UK", hint="For example, Leeds City Council. For an "
                           "address outside the UK, the country")
    lived_from = when("When did you move in?", "Enter the date you moved in",
                      NotInFuture("The date you moved in must be today or in the past"))
    lived_to = when("When did you move out? (leave it blank if you live there now)",
                    "Enter the date you moved out", optional=True)

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if valid and self.lived_to.data and self.lived_to.data < self.lived_from.data:
            self.lived_to.errors.append("The date you moved out must be after the date "
                                        "you moved in")
            return False
        return valid


# --- referees ---

class RefereeForm(PageForm):
    name = text("Full name", "Enter the referee's full name", max_length=200)
    relationship = text("How do they know you?", "Enter how they know you", max_length=200,
                        hint="For example, my sister, or a friend from work")
    is_relative = YesNoField("Are they a relative?", "Select yes if they are a relative")
    email = email_field("Email address (optional)")
    phone = phone_field("Telephone number (optional)")
    address = long_text("Address", "Enter the referee's address", max_length=500)
    known_years = count("How many years have they known you?", "Enter how many years they "
                        "have known you", most=100)

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if valid and not (self.email.data or self.phone.data):
            self.email.errors.append("Enter an email address or telephone number for the "
                                     "referee")
            return False
        return valid


# --- earlier applications ---

class EarlierAnyForm(PageForm):
    any = YesNoField("Have you applied before to foster, adopt or be a childminder?",
                     "Select yes if you have applied before",
                     hint="Include applications that you withdrew or that were refused")


class EarlierApplicationForm(PageForm):
    kind = radios("What did you apply for?", [("foster", "To foster"), ("adopt", "To adopt"),
                                              ("childmind", "To be a childminder")],
                  "Select what you applied for")
    agency = text("Which agency or council?", "Enter the agency or council", max_length=200)
    year = WholeNumberField("Year you applied", validators=[
        InputRequired("Enter the year you applied"),
        NumberRange(min=1900, max=2100, message="Enter a real year, like "
                    "2015")], description="For example, 2015")
    outcome = text("What happened?", "Enter what happened", max_length=300,
                   hint="For example, approved, withdrawn or refused")


# --- consents ---

class ConsentsForm(PageForm):
    title = "Consent to checks"
    # The checkboxes are added per person: journey.consents_form_class.


# --- lists, completing a task, declaring, reopening ---

class AddAnotherForm(VersionedForm):
    add = YesNoField("Do you need to add another?", "Select yes if you need to add another")
    remove = HiddenField()
    submit = submit_button("Continue")


class RemoveForm(VersionedForm):
    pass


class CompletedForm(VersionedForm):
    completed = radios("Have you completed this section?",
                       [("yes", "Yes, I've completed this section"),
                        ("no", "No, I'll come back to it later")],
                       "Select whether you have completed this section")
    submit = submit_button("Continue")


class DeclarationForm(GovForm):
    confirm = BooleanField("I confirm that the answers I have given are true and complete, "
                           "to the best of my knowledge", widget=GovCheckboxInput())
    submit = submit_button("Accept and send")

    def validate_confirm(self, field):
        if not field.data:
            raise ValidationError("Confirm that your answers are true and complete")


class ReopenForm(GovForm):
    task = ChoiceRadioField("Which task should the applicant change?",
                            validators=[InputRequired("Select the task to reopen")],
                            widget=GovRadioInput())
    reason = TextAreaField("Why? The applicant sees this", validators=[
        InputRequired("Enter why the task is reopened"),
        Length(max=1000, message="The reason must be 1000 characters or fewer")],
        widget=GovTextArea())
    submit = submit_button("Reopen the task")
