"""Forms for the report editor: narrative sections, the recommendation, training, the
applicant's comments, and the plain buttons (sign off, new version)."""

from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovTextArea
from wtforms import HiddenField, TextAreaField
from wtforms.validators import Length, Optional

from carers.core.forms import (
    DateRequired,
    GovDateField,
    GovForm,
    NotInFuture,
    submit_button,
)
from carers.enquiries.forms import long_text, radios, text
from carers.pipeline import Recommendation
from carers.reports import structure

MAX_TERMS = 2000
MAX_COMMENTS = 20000


def _length_message(title: str) -> str:
    return f"{title} must be {structure.MAX_SECTION_CHARS:,} characters or fewer"


def sections_form(form_kind, applicants=()):
    """The report's narrative sections (one per applicant where the form has them), each
    with the revision it was read at."""

    class SectionsForm(GovForm):
        save_report = submit_button("Save the report")

    for entry in structure.entries(form_kind, applicants):
        setattr(SectionsForm, entry.key, TextAreaField(
            entry.title, validators=[Optional(), Length(max=structure.MAX_SECTION_CHARS,
                                                        message=_length_message(entry.title))],
            description=entry.hint, widget=GovTextArea()))
        setattr(SectionsForm, f"{entry.key}__revision", HiddenField())
    return SectionsForm


class AutosaveForm(GovForm):
    """One section, posted by the autosave script."""

    body = TextAreaField("Text", validators=[Optional(), Length(max=structure.MAX_SECTION_CHARS)])
    revision = HiddenField()


class RecommendationForm(GovForm):
    recommendation = radios(
        "What do you recommend?",
        [(r.value, r.label) for r in Recommendation],
        "Select what you recommend")
    terms = long_text("Proposed terms of approval (optional)", max_length=MAX_TERMS,
                      hint="Number of children, age range and types of fostering, or the "
                           "named child", subject="Terms of approval")
    save_recommendation = submit_button("Save the recommendation")


class TrainingForm(GovForm):
    course = text("Course", "Enter the course name", max_length=200,
                  hint="For example, Skills to Foster")
    provider = text("Provider (optional)", max_length=200, subject="Provider")
    attended_by = text("Who attended", "Enter who attended", max_length=300)
    completed_on = GovDateField(
        "Date completed", validators=[DateRequired("Enter the date the course was completed"),
                                      NotInFuture("Date completed must be today or in the past")],
        description="For example, 27 3 2026", subject="Date completed")
    add_training = submit_button("Add training")


class CommentsForm(GovForm):
    shared_on = GovDateField(
        "Date the report was shared with the applicants",
        validators=[DateRequired("Enter the date the report was shared"),
                    NotInFuture("Date shared must be today or in the past")],
        description="For example, 27 3 2026", subject="Date shared")
    comments_received_on = GovDateField(
        "Date their comments were received (optional)",
        validators=[NotInFuture("Date received must be today or in the past")],
        description="For example, 3 4 2026", subject="Date received")
    applicant_comments = long_text(
        "The applicants' comments (optional)", max_length=MAX_COMMENTS,
        hint="Their own words, as they gave them", subject="Comments")
    save_comments = submit_button("Save the applicants' comments")

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if ok and self.applicant_comments.data and not self.comments_received_on.data:
            self.comments_received_on.errors.append(
                "Enter the date the comments were received")
            return False
        if (ok and self.comments_received_on.data and self.shared_on.data
                and self.comments_received_on.data < self.shared_on.data):
            self.comments_received_on.errors.append(
                "Date received must be on or after the date shared")
            return False
        return ok


class ButtonForm(GovForm):
    """Sign off, start a new version, remove a training record: a CSRF token and a button."""


class ApplicantCommentsForm(GovForm):
    """The applicants' comments on the report shared with them: saved as a draft, or sent."""

    comments = TextAreaField(
        "Your comments on the report",
        validators=[Optional(), Length(max=MAX_COMMENTS, message=(
            f"Your comments must be {MAX_COMMENTS:,} characters or fewer"))],
        description="Say what you agree with, anything that is wrong or missing, and "
                    "anything you would like the panel to know.",
        widget=GovCharacterCount())
    version = HiddenField()
    save_draft = submit_button("Save as draft")
    send = submit_button("Send your comments")

    def seen_revision(self) -> int | None:
        raw = (self.version.data or "").strip()
        return int(raw) if raw.isdigit() and len(raw) < 10 else None

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if ok and self.send.data and not (self.comments.data or "").strip():
            self.comments.errors.append("Enter your comments before sending them")
            return False
        return ok
