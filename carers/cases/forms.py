"""Forms for caseworkers: moving a case on, notes, tasks, allocation, oversight, filters."""

from datetime import date

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    HiddenField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)

from carers.clocks.statutory import REG25_EXTENSION_MAX_WEEKS
from carers.core.dates import today
from carers.core.forms import (
    ChoiceCheckboxesField,
    ChoiceRadioField,
    ChoiceSelectField,
    DateRequired,
    GovDateField,
    GovForm,
    NotInFuture,
    VersionedForm,
    WholeNumberField,
    submit_button,
)
from carers.core.numbers import plain_number
from carers.pipeline import WITHDRAWAL_REASONS, Action, ChildDetails, Recommendation

# Text answers use DataRequired, which looks at the answer after trimming: a note of spaces
# is no note. Choices use InputRequired, which looks at what was sent.


def _reason(required: bool, label="Reason", hint="This is kept on the case record."):
    validators = [DataRequired("Give a reason")] if required else [Optional()]
    validators.append(Length(max=5000, message="Reason must be 5,000 characters or fewer"))
    return TextAreaField(label, validators=validators, description=hint, widget=GovTextArea())


def _nominated_officer(what: str) -> dict:
    """The nominated officer who approved (CPPCR regs 24 and 25), and when."""
    return {
        "nominated_officer": StringField(
            "Nominated officer's name", validators=[
                DataRequired("Enter the nominated officer's name"),
                Length(max=200, message="Nominated officer's name must be 200 characters or "
                                        "fewer")],
            description=f"The senior officer who approved {what}", widget=GovTextInput()),
        "nominated_officer_on": GovDateField(
            "Date the nominated officer approved", validators=[
                DateRequired("Enter the date the nominated officer approved"),
                NotInFuture("The date the nominated officer approved cannot be in the "
                            "future")],
            description="For example, 27 3 2027",
            subject="The date the nominated officer approved"),
    }


def transition_form(action: Action, needs_reason: bool, is_manager: bool):
    """A form class for one transition: the date, a reason and what that action needs."""

    class TransitionForm(VersionedForm):
        on = GovDateField("Date it happened", validators=[DateRequired("Enter the date")],
                          description="For example, 27 3 2027", subject="Date")
        reason = _reason(needs_reason)
        confirm = BooleanField("I have checked these details are correct",
                               validators=[InputRequired("Confirm the details are correct")],
                               widget=GovCheckboxInput())
        submit = submit_button("Confirm")

    extra = {}
    if action is Action.WITHDRAW:
        extra["withdrawal_code"] = ChoiceRadioField(
            "Reason for withdrawing (Ofsted code)",
            choices=[(code, f"{code}: {label}") for code, label in WITHDRAWAL_REASONS.items()],
            validators=[InputRequired("Select the reason for withdrawing")],
            widget=GovRadioInput())
    if action is Action.EXTEND_REG24:
        extra["extension_weeks"] = WholeNumberField(
            "Extension in weeks", validators=[
                InputRequired("Enter the length of the extension in weeks"),
                NumberRange(min=1, max=52, message="Extension must be between 1 and 52 weeks")],
            description="Regulation 25 allows one extension of up to "
                        f"{REG25_EXTENSION_MAX_WEEKS} weeks.")
        for name, label in [
            ("placement_reconsidered", "The placement was reconsidered and is still the most "
             "appropriate"),
            ("panel_views_sought", "The fostering panel's views were sought"),
            ("iro_informed", "The independent reviewing officer was informed"),
        ]:
            extra[name] = BooleanField(label, widget=GovCheckboxInput())
        extra |= _nominated_officer("the extension")
    if action is Action.RECORD_INITIAL_VISIT:
        # The choices are the case's booked visits, set by the view.
        extra["visit"] = ChoiceRadioField(
            "Which visit was it?", choices=[],
            validators=[InputRequired("Select the visit, or that it is not on the system")],
            description="Its date is filled in above. Change it if the visit took place on "
                        "another day.", widget=GovRadioInput())
    if action is Action.GRANT_REG24:
        extra["household_assessed"] = BooleanField(
            "The carer, the home and every adult aged 18 or over in the household have been "
            "assessed (CPPCR Schedule 4)", widget=GovCheckboxInput())
        extra["placed_on"] = GovDateField(
            "Date the child was placed with the carer", validators=[
                DateRequired("Enter the date the child was placed with the carer"),
                NotInFuture("The date the child was placed cannot be in the future")],
            description="For example, 27 3 2027",
            subject="The date the child was placed")
        extra |= _nominated_officer("temporary approval")
    if action is Action.BOOK_PANEL:
        extra["panel_date"] = GovDateField("Panel meeting date", validators=[
            DateRequired("Enter the panel meeting date")], subject="Panel meeting date")
        if is_manager:
            extra["override_reason"] = _reason(
                False, "Manager's override: go to panel with checks outstanding (optional)",
                "Only if required checks are still outstanding. Shown on the timeline and in "
                "the panel report.")
    if action is Action.RECORD_RECOMMENDATION:
        extra["recommendation"] = ChoiceRadioField(
            "Panel recommendation", choices=[(r.value, r.label) for r in Recommendation],
            validators=[InputRequired("Select the panel's recommendation")],
            widget=GovRadioInput())
    for name, field in extra.items():
        setattr(TransitionForm, name, field)
    return TransitionForm


class NoteForm(GovForm):
    text = TextAreaField("Add a case note", validators=[
        DataRequired("Enter the note"),
        Length(max=10000, message="Case note must be 10,000 characters or fewer")],
        widget=GovTextArea())
    submit = submit_button("Add note")


class TaskForm(GovForm):
    title = StringField("Task", validators=[
        DataRequired("Enter the task"),
        Length(max=200, message="Task must be 200 characters or fewer")], widget=GovTextInput())
    owner = ChoiceSelectField("Who will do it", coerce=str, validators=[
        InputRequired("Select who will do it")], widget=GovSelect())
    due_on = GovDateField("Due date", validators=[DateRequired("Enter the due date")],
                          subject="Due date")
    submit = submit_button("Add task")


class DoneForm(GovForm):
    submit = submit_button("Mark as done")


class AllocationForm(VersionedForm):
    workers = ChoiceCheckboxesField("Allocated workers", coerce=str,
                                    widget=GovCheckboxesInput(),
                                  description="Select everyone working on this case.")
    submit = submit_button("Save allocation")


OVERSIGHT_ACTIONS = 5  # the most actions one oversight record sets
OVERSIGHT_ROWS_SHOWN = 3  # blank action rows on a new form


class OversightForm(VersionedForm):
    """A manager's oversight: what they reviewed, the decision and its reasons, then up to
    five actions in numbered rows (``action_1``, ``owner_1``, ``due_on_1``...), each its own
    top-level field so that every error links to its input. A row left blank is ignored; a
    row partly filled says what is missing. The owners' choices are set by the view."""

    reviewed = TextAreaField("What did you review?", validators=[
        DataRequired("Enter what you reviewed"),
        Length(max=10000, message="What you reviewed must be 10,000 characters or fewer")],
        description="For example, the case file, the checks ledger, supervision notes and "
                    "the latest visit write-up", widget=GovTextArea())
    decision = StringField("Decision", validators=[
        DataRequired("Enter the decision"),
        Length(max=300, message="Decision must be 300 characters or fewer")],
        widget=GovTextInput(), description="For example, proceed to Stage 2")
    reasons = TextAreaField("Reasons", validators=[
        DataRequired("Enter the reasons for the decision"),
        Length(max=10000, message="Reasons must be 10,000 characters or fewer")],
        widget=GovTextArea())
    # How many action rows the page shows; "Add another action" raises it.
    rows = HiddenField()
    add_action = SubmitField("Add another action", widget=GovSubmitInput())
    submit = submit_button("Record oversight")

    def action_row(self, n: int) -> tuple:
        """Row ``n``'s fields: (action, owner, due date)."""
        return self[f"action_{n}"], self[f"owner_{n}"], self[f"due_on_{n}"]

    def _row_typed(self, n: int) -> bool:
        title, owner, due_on = self.action_row(n)
        return bool(title.data or owner.data or any(due_on.raw_data or ()) or title.errors
                    or owner.errors or due_on.errors)

    @property
    def rows_shown(self) -> int:
        """The rows on the page: as many as asked for (3 to begin with), and never fewer than
        the last row with anything typed in it."""
        asked = plain_number(self.rows.data) or OVERSIGHT_ROWS_SHOWN
        typed = max((n for n in range(1, OVERSIGHT_ACTIONS + 1) if self._row_typed(n)),
                    default=0)
        return max(1, min(OVERSIGHT_ACTIONS, max(asked, typed)))

    def show_another_row(self) -> None:
        self.rows.data = str(min(OVERSIGHT_ACTIONS, self.rows_shown + 1))

    def set_owner_choices(self, choices: list[tuple[str, str]]) -> None:
        for n in range(1, OVERSIGHT_ACTIONS + 1):
            owner = self[f"owner_{n}"]
            owner.choices = [("", "Select a person"), *choices]
            # Only a tampered form or a stale page sends someone not on the list.
            owner.unknown_message = f"Choose who will do action {n} from the list"

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        for n in range(1, OVERSIGHT_ACTIONS + 1):
            title, owner, due_on = self.action_row(n)
            if not self._row_typed(n):
                continue  # a blank row is no action
            if not title.data and not title.errors:
                title.errors.append(f"Enter action {n}")
            if not owner.data and not owner.errors:
                owner.errors.append(f"Enter who will do action {n}")
            if due_on.data is None and not due_on.errors:
                due_on.first_error_part = "day"
                due_on.errors.append(f"Enter the due date for action {n}")
            elif due_on.data is not None and due_on.data < today():
                due_on.errors.append(f"The due date for action {n} must be today or later")
            valid = valid and not (title.errors or owner.errors or due_on.errors)
        return valid

    def actions(self) -> list[tuple[str, str, date]]:
        """The actions typed, in order: (action, owner's choice key, due date)."""
        found = []
        for n in range(1, OVERSIGHT_ACTIONS + 1):
            title, owner, due_on = self.action_row(n)
            if title.data and owner.data and due_on.data:
                found.append((title.data, owner.data, due_on.data))
        return found


for _n in range(1, OVERSIGHT_ACTIONS + 1):
    setattr(OversightForm, f"action_{_n}", StringField("Action", validators=[
        Optional(),
        Length(max=200, message=f"Action {_n} must be 200 characters or fewer")],
        widget=GovTextInput()))
    setattr(OversightForm, f"owner_{_n}", ChoiceSelectField(
        "Who will do it", coerce=str, choices=[("", "Select a person")], default="", validators=[],
        widget=GovSelect()))
    setattr(OversightForm, f"due_on_{_n}", GovDateField(
        "Due date", validators=[], description="For example, 27 3 2027",
        subject=f"The due date for action {_n}"))


class ReferralForm(GovForm):
    carer_name = StringField("Carer's full name", validators=[
        DataRequired("Enter the carer's full name"),
        Length(max=200, message="Carer's full name must be 200 characters or fewer")],
        widget=GovTextInput())
    phone = StringField("Carer's telephone number (optional)", validators=[
        Optional(), Length(max=30, message="Telephone number must be 30 characters or fewer")],
        widget=GovTextInput())
    child_name = StringField("Child's full name", validators=[
        DataRequired("Enter the child's full name"),
        Length(max=200, message="Child's full name must be 200 characters or fewer")],
        widget=GovTextInput())
    child_date_of_birth = GovDateField("Child's date of birth", validators=[
        DateRequired("Enter the child's date of birth"),
        NotInFuture("Child's date of birth cannot be in the future")],
        subject="Child's date of birth")
    child_la_reference = StringField("Local authority's reference for the child", validators=[
        DataRequired("Enter the local authority's reference for the child"),
        Length(max=50, message="The local authority's reference must be 50 characters or "
                               "fewer")], widget=GovTextInput())
    child_relationship = StringField("Carer's relationship to the child", validators=[
        DataRequired("Enter the carer's relationship to the child"),
        Length(max=100, message="Carer's relationship to the child must be 100 characters or "
                                "fewer")],
        description="For example, maternal grandmother", widget=GovTextInput())
    received_on = GovDateField("Date the referral was received", validators=[
        DateRequired("Enter the date the referral was received"),
        NotInFuture("The date the referral was received cannot be in the future")],
        subject="Date")
    submit = submit_button("Create referral")


class ChildDetailsForm(VersionedForm):
    child_name = ReferralForm.child_name
    child_date_of_birth = ReferralForm.child_date_of_birth
    child_la_reference = ReferralForm.child_la_reference
    child_relationship = ReferralForm.child_relationship
    child_placed_on = GovDateField(
        "When did the child come to live with the carer? (optional)", validators=[
            NotInFuture("The date the child came to live with the carer cannot be in the "
                        "future")],
        description="Leave blank if the child does not live with them yet. For example, "
                    "27 3 2027", subject="The date the child came to live with the carer")
    child_placing_authority = StringField(
        "Placing local authority (optional)", validators=[
            Optional(), Length(max=100, message="Placing local authority must be 100 "
                                                "characters or fewer")],
        description="The council whose social worker is responsible for the child",
        widget=GovTextInput())
    child_first_review_on = GovDateField(
        "Date of the child's first review (optional)", validators=[],
        description="The child's first looked-after review. Regulation 24 visits are weekly "
                    "until then, and every 4 weeks after. If you leave it blank, 20 working "
                    "days after the placement is used. For example, 27 3 2027",
        subject="The date of the child's first review")
    submit = submit_button("Save child's details")

    def child(self) -> ChildDetails:
        return ChildDetails(
            name=self.child_name.data or "", date_of_birth=self.child_date_of_birth.data,
            la_reference=self.child_la_reference.data or "",
            relationship=self.child_relationship.data or "",
            placed_on=self.child_placed_on.data,
            placing_authority=self.child_placing_authority.data or "",
            first_review_on=self.child_first_review_on.data)


class BoardFilterForm(GovForm):
    class Meta:
        csrf = False

    worker = SelectField("Worker", coerce=str, widget=GovSelect(), validators=[Optional()])
    team = SelectField("Team", coerce=str, widget=GovSelect(), validators=[Optional()])
    pathway = SelectField("Pathway", coerce=str, widget=GovSelect(), validators=[Optional()])
    stage = SelectField("Stage", coerce=str, widget=GovSelect(), validators=[Optional()])
    clock = SelectField("Deadlines", coerce=str, widget=GovSelect(), validators=[Optional()],
                        choices=[("", "Any"), ("overdue", "Overdue"), ("due_soon", "Due soon"),
                                 ("on_track", "On track"), ("none", "No deadline running")])
    submit = submit_button("Apply filters")


# --- corrections to a person's details, and disputes ---

def _correction_reason():
    return TextAreaField("Why are you correcting these details?", validators=[
        DataRequired("Give a reason for the correction"),
        Length(max=2000, message="Reason must be 2,000 characters or fewer")],
        description="For example, the person told us their date of birth was recorded wrongly. "
                    "The reason is kept with the old details.", widget=GovTextArea())


class CorrectPersonForm(GovForm):
    name = StringField("Full name", validators=[
        DataRequired("Enter the person's full name"),
        Length(max=200, message="Full name must be 200 characters or fewer")],
        widget=GovTextInput())
    date_of_birth = GovDateField("Date of birth (optional)", validators=[
        NotInFuture("Date of birth cannot be in the future")],
        description="For example, 27 3 1985", subject="Date of birth")
    reason = _correction_reason()
    submit = submit_button("Save the correction")


class CorrectContactForm(GovForm):
    email = StringField("Email address (optional)", validators=[
        Optional(), Length(max=254, message="Email address must be 254 characters or fewer"),
        Email("Enter an email address in the correct format, like name@example.com")],
        widget=GovTextInput(), render_kw={"spellcheck": "false"})
    phone = StringField("Telephone number (optional)", validators=[
        Optional(), Length(max=30, message="Telephone number must be 30 characters or fewer")],
        widget=GovTextInput(), render_kw={"type": "tel"})
    address = TextAreaField("Address (optional)", validators=[
        Optional(), Length(max=400, message="Address must be 400 characters or fewer")],
        widget=GovTextArea())
    postcode = StringField("Postcode (optional)", validators=[
        Optional(), Length(max=10, message="Enter a real postcode, like SW1A 1AA")],
        filters=[lambda v: v.strip().upper() if isinstance(v, str) else v],
        widget=GovTextInput())
    reason = _correction_reason()
    submit = submit_button("Save the correction")


class DisputeForm(GovForm):
    record = ChoiceSelectField("Which record do they dispute?", coerce=str, validators=[
        InputRequired("Select the record they dispute")], widget=GovSelect())
    disputed_by = StringField("Who disputes it?", validators=[
        DataRequired("Enter who disputes the record"),
        Length(max=200, message="Who disputes it must be 200 characters or fewer")],
        description="Their name", widget=GovTextInput())
    what = TextAreaField("What do they dispute?", validators=[
        DataRequired("Enter what they dispute"),
        Length(max=2000, message="What they dispute must be 2,000 characters or fewer")],
        widget=GovTextArea())
    account = TextAreaField("Their account, in their own words", validators=[
        DataRequired("Enter their account"),
        Length(max=10000, message="Their account must be 10,000 characters or fewer")],
        description="This is shown beside the record wherever it is shown, including the "
                    "assessment report.", widget=GovTextArea())
    submit = submit_button("Record the dispute")


class ResolveDisputeForm(GovForm):
    outcome = TextAreaField("Outcome", validators=[
        DataRequired("Enter the outcome"),
        Length(max=5000, message="Outcome must be 5,000 characters or fewer")],
        description="What was decided, for example the record was corrected, or kept with "
                    "their account beside it. The dispute stays on the record.",
        widget=GovTextArea())
    submit = submit_button("Mark as resolved")
