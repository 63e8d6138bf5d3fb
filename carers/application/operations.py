"""Changes to an application, each one transaction: making it (with every task row at
once), saving a page's answers, completing a task, declaring and sending, and a
caseworker reopening a task.

A household task is shared by the joint applicants. Every save carries the version of the
row the person saw; a save against a row someone else has changed since is refused
(``Changed``) and nothing is overwritten. SQLAlchemy's version column also refuses the
second of two saves that race past the check.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from carers.applicants.models import Applicant
from carers.application import journey, queries, rules, submission
from carers.application.models import Application, ApplicationTask, Declaration
from carers.audit.operations import record
from carers.core.changes import Changed, Refusal
from carers.core.database import transaction
from carers.core.dates import today, utcnow
from carers.extensions import db


class Conflict(Changed):
    """A joint applicant saved this task after the page was opened."""

    def __init__(self, row: ApplicationTask, viewer: Applicant):
        who = row.updated_by_id
        if who == viewer.id:
            message = ("You changed this in another window while you were editing; here is "
                       "what was saved; your answer is kept below")
        else:
            other = db.session.get(Applicant, who) if who else None
            name = other.name if other else "Someone else"
            message = (f"{name} changed this while you were editing; here is what they "
                       "saved; your answer is kept below")
        super().__init__(message, version=row.version)
        self.row = row


class ReadOnly(Refusal):
    status = 409
    message = ("Your application has been sent, so you cannot change your answers. Contact "
               "your social worker if something needs to change")


def _sync_rows(application: Application) -> None:
    """Add the rows of anyone in the household who has none yet (an adult invited later)."""
    have = {(t.task, t.applicant_id) for t in application.tasks}
    everyone = [(p.id, p.role) for p in queries.people(application.household_id)]
    for key, person in rules.rows_needed(everyone):
        if (key, person) not in have:
            application.tasks.append(ApplicationTask(task=key, applicant_id=person,
                                                     answers={}))


def prepare_application(applicant: Applicant) -> None:
    """On an invitation, in its transaction: the household's application and the new
    person's task rows, so they are there before anyone signs in."""
    db.session.flush()  # the new applicant is one of the household's people
    application = queries.application_for(applicant.household_id)
    if application is None:
        application = Application(household_id=applicant.household_id,
                                  form=queries.form_for_pathway(applicant.household.pathway))
        db.session.add(application)
    _sync_rows(application)


def ensure_application(applicant: Applicant) -> Application:
    """The household's application, made (with all its task rows) the first time one of
    its people opens it; rows are added for people invited since. Two first visits at once
    make one application: the loser of the race reads the winner's."""
    for _attempt in range(3):
        application = queries.application_for(applicant.household_id)
        missing = application is None or any(
            (k, p) not in {(t.task, t.applicant_id) for t in application.tasks}
            for k, p in rules.rows_needed([(x.id, x.role) for x in
                                            queries.people(applicant.household_id)]))
        if not missing:
            return application
        try:
            with transaction():
                if application is None:
                    application = Application(
                        household_id=applicant.household_id,
                        form=queries.form_for_pathway(applicant.household.pathway))
                    db.session.add(application)
                _sync_rows(application)
        except IntegrityError:
            continue  # someone else made it (or the rows) first: read theirs
    application = queries.application_for(applicant.household_id)
    if application is None:
        raise Refusal("Your application could not be opened. Try again")
    return application


def _check(row: ApplicationTask, applicant: Applicant, seen_version: int | None) -> None:
    application = row.application
    if not rules.editable(application.submitted_at is not None,
                          row.reopened_at is not None, row.status):
        raise ReadOnly()
    if seen_version != row.version:  # a page always carries it: None is a tampered form
        raise Conflict(row, applicant)


def _save(row: ApplicationTask, applicant: Applicant, seen_version: int | None,
          change) -> ApplicationTask:
    """Apply ``change(answers) -> answers`` to the row, as a save in progress."""
    row_id = row.id
    try:
        with transaction():
            _check(row, applicant, seen_version)
            answers = journey.tidy(row.task, change(dict(row.answers or {})))
            row.answers = answers
            row.status = rules.IN_PROGRESS
            row.updated_at = utcnow()
            row.updated_by_id = applicant.id
    except StaleDataError:
        db.session.rollback()
        fresh = db.session.get(ApplicationTask, row_id, populate_existing=True)
        raise Conflict(fresh, applicant) from None
    return row


def save_page(row, applicant, seen_version, changes: dict) -> ApplicationTask:
    return _save(row, applicant, seen_version, lambda a: {**a, **changes})


def save_item(row, applicant, seen_version, page, index: int, value) -> ApplicationTask:
    """Add (``index`` past the end) or change one item of a list."""

    def change(answers):
        items = list(answers.get(page.key) or [])
        if index >= len(items):
            items.append(value)
        else:
            items[index] = value
        return {**answers, page.key: items}

    return _save(row, applicant, seen_version, change)


def remove_item(row, applicant, seen_version, page, index: int) -> ApplicationTask:
    def change(answers):
        items = list(answers.get(page.key) or [])
        if 0 <= index < len(items):
            del items[index]
        return {**answers, page.key: items}

    return _save(row, applicant, seen_version, change)


def finish_list(row, applicant, seen_version, page) -> ApplicationTask:
    """No more to add: an empty list is an answer too ("no previous names")."""
    return _save(row, applicant, seen_version,
                 lambda a: {**a, page.key: list(a.get(page.key) or [])})


def completion_problems(row: ApplicationTask, applicant: Applicant) -> list[str]:
    answers = queries.answers_of(row.application, applicant)
    own = dict(row.answers or {})
    answers[row.task] = own
    problems = [f"Answer the question “{p.title()}”" for p in journey.unanswered(row.task, own)]
    return problems or rules.task_problems(row.task, applicant.role, answers, today())


def mark(row, applicant, seen_version, completed: bool) -> ApplicationTask:
    """The answer to "Have you completed this section?". A task a caseworker reopened after
    submission, completed again, feeds the case what it drives, in the same transaction
    (``submission.refeed_task``)."""
    row_id = row.id
    try:
        with transaction():
            _check(row, applicant, seen_version)
            if completed:
                problems = completion_problems(row, applicant)
                if problems:
                    raise Refusal(*problems)
            row.status = rules.COMPLETED if completed else rules.IN_PROGRESS
            row.updated_at = utcnow()
            row.updated_by_id = applicant.id
            application = row.application
            if completed and application.submitted_at is not None \
                    and row.reopened_at is not None:
                submission.refeed_task(application, row, applicant)
    except StaleDataError:
        db.session.rollback()
        fresh = db.session.get(ApplicationTask, row_id, populate_existing=True)
        if fresh is not None and fresh.version == seen_version:
            # Not this task: the case changed at the same moment (a worker saved it).
            raise Refusal("Your changes could not be saved because your case changed at "
                          "the same moment. Try again") from None
        raise Conflict(fresh, applicant) from None
    return row


def _declared(application_id: int) -> set[int]:
    return set(db.session.scalars(select(Declaration.applicant_id).where(
        Declaration.application_id == application_id)))


def declare(applicant: Applicant) -> Application:
    """Record this joint applicant's declaration. When every joint applicant has declared
    and every required task of everyone is complete, the last declaration sends the
    application (``submission.submit_application``), all in one transaction. Two joint
    applicants declaring at once queue on the application's row, so one of them sends it."""
    for _attempt in range(2):
        try:
            return _declare(applicant)
        except IntegrityError:
            continue  # the same person's declaration, sent twice at once: look again
    raise Refusal("Your declaration could not be saved. Try again")


def _declare(applicant: Applicant) -> Application:
    with transaction():
        application = db.session.scalar(
            select(Application).where(Application.household_id == applicant.household_id)
            .with_for_update().execution_options(populate_existing=True))
        if application is None:
            raise Refusal("Start your application first")
        if not applicant.is_joint_applicant:
            raise Refusal("Only the people applying make the declaration")
        if application.submitted_at is not None:
            raise ReadOnly("Your application has already been sent")
        db.session.refresh(application, ["tasks"])
        missing = queries.missing_for_submission(application)
        if missing:
            raise Refusal(*(f"Complete “{m}” first" for m in missing))
        if applicant.id not in _declared(application.id):
            db.session.add(Declaration(application_id=application.id,
                                       applicant_id=applicant.id))
            db.session.flush()
        joint = {p.id for p in queries.joint_applicants(application.household_id)}
        if joint <= _declared(application.id):
            submission.submit_application(application, applicant)
    return application


def reopen(household, user, row_id: int, reason: str) -> ApplicationTask:
    """A caseworker reopens one completed task of a sent application so that its person can
    change it; they see the reason."""
    with transaction():
        row = db.session.scalar(select(ApplicationTask).join(Application).where(
            ApplicationTask.id == row_id, Application.household_id == household.id))
        if row is None:
            raise Refusal("Select the task to reopen")
        if row.application.submitted_at is None:
            raise Refusal("The application has not been sent yet: the applicants can "
                          "still change every task")
        row.status = rules.IN_PROGRESS
        row.reopened_reason = reason
        row.reopened_at = utcnow()
        row.reopened_by_id = user.id
        # The reason is free text about the household: it stays on the task, not in the trail.
        record("reopen", "application_task", row.id, {"task": row.task}, user=user)
    return row
