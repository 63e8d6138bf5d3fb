"""Changes to a case's assessment report. Each function is one transaction: it changes the
rows, adds the audit entries and commits; or it rolls back and raises a refusal. The one
exception, ``record_application_facts``, works inside its caller's transaction."""

from sqlalchemy import delete, select

from carers.applicants.models import Applicant
from carers.audit.operations import record as audit
from carers.cases.models import CaseEvent
from carers.clocks.statutory import final_report_comments_clock
from carers.core.changes import Changed, Refusal
from carers.core.database import transaction
from carers.core.dates import format_date, today, utcnow
from carers.extensions import db
from carers.notifications.operations import public_url, queue_email
from carers.reports import structure
from carers.reports.document import (
    applicants_copy,
    applicants_of,
    freeze_facts,
    latest_report,
    shared_report,
)
from carers.reports.models import (
    ApplicationFacts,
    AssessmentReport,
    CarerCharacteristics,
    ReportSection,
    TrainingRecord,
)
from carers.settings.registry import agency_settings


class ReportLocked(Refusal):
    """The latest version is signed off: start a new version to change it."""

    status = 409
    message = ("This version has been signed off and can no longer be changed. Start a new "
               "version to change the report.")


class SectionChanged(Changed):
    """Someone saved this section after the page was opened."""

    def __init__(self, section: ReportSection):
        entry = structure.narrative_entry(section.report.form, section.key,
                                          applicants_of(section.report.household))
        title = entry.title if entry else "this section"
        super().__init__(f"Someone else saved “{title}” after you opened this page, so your "
                         "text for it was not saved. Copy your text, reload the page and add "
                         "it again.", version=section.revision)
        self.section = section


class NotReady(Refusal):
    """The report cannot be signed off yet: ``problems`` are (section key, message)."""

    def __init__(self, problems):
        super().__init__(*(m for _, m in problems))
        self.problems = problems


def _event(household, user, summary):
    db.session.add(CaseEvent(household_id=household.id, happened_on=today(),
                             user_id=user.id if user is not None else None,
                             kind=CaseEvent.NOTE, summary=summary))


class NotShareable(Refusal):
    """The report cannot be shared with the applicants as it stands."""


class CommentsChanged(Changed):
    """Another applicant of the household saved the comments after this page was opened."""

    message = ("Someone else in your household saved these comments after you opened this "
               "page, so your text was not saved. Your text is below: check the comments "
               "saved now, then save again.")


class CommentsAlreadySent(Refusal):
    status = 409
    message = "Your household has already sent its comments on this report."


def comments_clock(report: AssessmentReport | None, settings=None):
    """The applicants' comments clock for a version shared with them: from the share date,
    met on the day their comments were received."""
    return final_report_comments_clock(
        report.shared_on if report is not None and report.is_shared else None, today(),
        report.comments_received_on if report is not None else None,
        settings if settings is not None else agency_settings())


def draft_for_change(household, user) -> AssessmentReport:
    """The draft to write into: the latest version, or a new first version."""
    report = latest_report(household)
    if report is None:
        report = AssessmentReport(household_id=household.id, number=1,
                                  form=structure.form_for(household.pathway).value,
                                  author_id=user.id)
        db.session.add(report)
        db.session.flush()
        audit("create", "assessment_report", report.id, {"number": 1}, user=user)
    elif not report.is_draft:
        raise ReportLocked
    return report


def _write(report, key, body, seen_revision, user) -> ReportSection | None:
    """Write one section; None when nothing changed."""
    section = report.section(key)
    if section is None:
        section = ReportSection(report=report, key=key, body="", revision=0)
        db.session.add(section)
    if seen_revision is not None and seen_revision != section.revision:
        raise SectionChanged(section)
    body = body.replace("\r\n", "\n")
    if body == (section.body or ""):
        return None
    section.body = body
    section.revision = (section.revision or 0) + 1
    section.updated_at = utcnow()
    section.updated_by_id = user.id
    report.updated_at = utcnow()
    return section


def save_section(household, key: str, body: str, seen_revision: int | None,
                 user) -> ReportSection:
    with transaction():
        report = draft_for_change(household, user)
        if key not in structure.narrative_keys(report.form, applicants_of(household)):
            raise KeyError(key)
        section = _write(report, key, body, seen_revision, user)
        if section is not None:
            db.session.flush()
            audit("update", "report_section", section.id,
                  {"report": report.id, "key": key, "revision": section.revision}, user=user)
    return section or report.section(key)


def save_sections(household, texts: dict[str, tuple[str, int | None]],
                  user) -> list[SectionChanged]:
    """Save every section posted (the form without JavaScript). Sections changed by someone
    else since the page was opened are not saved, the rest are: the refusals of those not
    saved are returned."""
    with transaction():
        report = draft_for_change(household, user)
        conflicts, changed = [], []
        for key in structure.narrative_keys(report.form, applicants_of(household)):
            if key not in texts:
                continue
            body, revision = texts[key]
            try:
                section = _write(report, key, body, revision, user)
            except SectionChanged as conflict:
                conflicts.append(conflict)
                continue
            if section is not None:
                changed.append(section)
        db.session.flush()
        for section in changed:
            audit("update", "report_section", section.id,
                  {"report": report.id, "key": section.key, "revision": section.revision},
                  user=user)
    return conflicts


def set_recommendation(household, recommendation: str, terms: str | None, user):
    with transaction():
        report = draft_for_change(household, user)
        report.recommendation = recommendation
        report.terms = terms or None
        report.updated_at = utcnow()
        audit("update", "assessment_report", report.id,
              {"recommendation": recommendation}, user=user)
    return report


def record_comments(household, shared_on, received_on, comments, user):
    """The applicants' comments: allowed on a signed-off version too (they are the
    applicants' words, kept beside the report, not a change to it)."""
    with transaction():
        report = latest_report(household)
        if report is None:
            report = draft_for_change(household, user)
        report.shared_on = shared_on
        report.comments_received_on = received_on
        report.applicant_comments = comments or None
        audit("update", "assessment_report", report.id, {"applicant_comments": True},
              user=user)
    return report


def share_with_applicants(household, user) -> AssessmentReport:
    """Share the latest version with the household's applicants in their portal: a copy of
    it as it stands now (what they read, whatever is written after), the comments clock
    starting today, a case event and an email to each applicant saying it is ready (never
    any of the report's text). Sharing again, before they have commented, shares the
    version as it stands then and starts the clock again."""
    with transaction():
        report = latest_report(household)
        if report is None:
            raise NotShareable("Write the report before sharing it with the applicants")
        problems = structure.sign_off_problems(
            report.form, {s.key: s.body for s in report.sections}, report.recommendation,
            applicants_of(household))
        if problems:
            raise NotShareable(*(f"Before sharing: {m[0].lower()}{m[1:]}" for _, m in problems))
        if report.comments_submitted_at is not None:
            raise NotShareable("The applicants have already sent their comments on this "
                               "version: start a new version to share the report again")
        report.shared_content = applicants_copy(household, report)
        report.shared_at = utcnow()
        report.shared_on = today()
        report.shared_by_id = user.id
        due = comments_clock(report).due
        audit("update", "assessment_report", report.id, {"shared": True,
                                                         "number": report.number}, user=user)
        _event(household, user, f"Assessment report version {report.number} shared with the "
                                f"applicants; their comments are due by {format_date(due)}")
        stamp = report.shared_at.strftime("%Y%m%d%H%M%S%f")
        for person in db.session.scalars(select(Applicant).where(
                Applicant.household_id == household.id, Applicant.active.is_(True),
                Applicant.role == Applicant.APPLICANT).order_by(Applicant.id)):
            queue_email(person.email, "report_shared",
                        f"report-shared:{report.id}:{stamp}:{person.id}", name=person.name,
                        link=public_url("shared_report.read"), due=format_date(due),
                        settings=agency_settings())
    return report


def save_applicant_comments(applicant, text: str, seen_revision: int | None,
                            send: bool) -> AssessmentReport:
    """An applicant saves the household's comments on the shared report as a draft, or
    sends them: sent, they become the applicants' own section of the report (as
    ``record_comments`` records comments given on paper), received today."""
    with transaction():
        report = shared_report(applicant.household_id)
        if report is None:
            raise NotShareable("The report has not been shared with you")
        if report.comments_submitted_at is not None:
            raise CommentsAlreadySent
        if seen_revision != (report.comments_revision or 0):
            raise CommentsChanged(version=report.comments_revision or 0)
        report.comments_draft = text.replace("\r\n", "\n")
        report.comments_revision = (report.comments_revision or 0) + 1
        detail = {"applicant": applicant.id, "sent": send}
        if send:
            report.applicant_comments = report.comments_draft
            report.comments_received_on = today()
            report.comments_submitted_at = utcnow()
            report.comments_submitted_by_id = applicant.id
            _event(applicant.household, None,
                   f"{applicant.name} sent the applicants' comments on the assessment report "
                   f"(version {report.number})")
        audit("update", "assessment_report", report.id, detail, user=None)
    return report


def add_training(household, user, **fields) -> TrainingRecord:
    with transaction():
        item = TrainingRecord(household_id=household.id, **fields)
        db.session.add(item)
        db.session.flush()
        audit("create", "training_record", item.id, {"household": household.id}, user=user)
    return item


def remove_training(household, item: TrainingRecord, user):
    with transaction():
        audit("delete", "training_record", item.id, {"household": household.id}, user=user)
        db.session.delete(item)


def sign_off(household, user) -> AssessmentReport:
    with transaction():
        report = latest_report(household)
        if report is None:
            raise NotReady([("recommendation", "Write the report before signing it off")])
        if not report.is_draft:
            raise ReportLocked("This version is already signed off")
        texts = {s.key: s.body for s in report.sections}
        problems = structure.sign_off_problems(report.form, texts, report.recommendation,
                                               applicants_of(household))
        if problems:
            raise NotReady(problems)
        report.signed_off_at = utcnow()
        report.signed_off_by_id = user.id
        report.facts = freeze_facts(household)
        audit("update", "assessment_report", report.id, {"signed_off": True}, user=user)
        _event(household, user, f"Assessment report version {report.number} signed off")
    return report


def new_version(household, user) -> AssessmentReport:
    """A new draft copied from the signed-off version, which stays as it was."""
    with transaction():
        old = latest_report(household)
        if old is None or old.is_draft:
            raise ReportLocked("The report is still a draft: change it directly")
        report = AssessmentReport(
            household_id=household.id, number=old.number + 1, form=old.form,
            recommendation=old.recommendation, terms=old.terms, author_id=user.id,
            shared_on=None, comments_received_on=None, applicant_comments=None)
        db.session.add(report)
        for section in old.sections:
            report.sections.append(ReportSection(key=section.key, body=section.body,
                                                 revision=0,
                                                 updated_by_id=section.updated_by_id))
        db.session.flush()
        audit("create", "assessment_report", report.id, {"number": report.number}, user=user)
        _event(household, user, f"Assessment report version {report.number} started")
    return report


def record_application_facts(household, facts: dict, submitted_on) -> None:
    """Keep what the household's application says for the report's factual sections (the
    shape is ``ApplicationFacts``'s), in the caller's transaction: the application feature
    calls this when an application is submitted, and the caller commits."""
    row = db.session.get(ApplicationFacts, household.id)
    if row is None:
        row = ApplicationFacts(household_id=household.id)
        db.session.add(row)
    row.facts = facts
    row.submitted_on = submitted_on
    row.updated_at = utcnow()
    _record_characteristics(household, facts)


def _record_characteristics(household, facts: dict) -> None:
    """The applicants' characteristics for the Ofsted return, from the same facts."""
    db.session.execute(delete(CarerCharacteristics)
                       .where(CarerCharacteristics.household_id == household.id))
    for row in CarerCharacteristics.rows_from(household.id, facts):
        db.session.add(CarerCharacteristics(**row))
