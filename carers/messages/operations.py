"""Sending and reading a household's messages. Each change is one transaction: the message,
the sender's place in the thread, the emails to the other side (never with the text, only
that there is a message) and the audit entry are saved together or not at all.

A reader is an Applicant (``is_applicant``) or a member of staff (a User)."""

from __future__ import annotations

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from carers.applicants.models import Applicant
from carers.audit.operations import record as audit
from carers.auth.models import User
from carers.auth.roles import RoleKey
from carers.core.database import transaction
from carers.core.dates import utcnow
from carers.extensions import db
from carers.messages import rules
from carers.messages.models import Message, MessageReader
from carers.notifications.operations import public_url, queue_email
from carers.settings.registry import agency_settings


def _is_applicant(reader) -> bool:
    return bool(getattr(reader, "is_applicant", False))


def _reader_column(reader):
    return MessageReader.applicant_id if _is_applicant(reader) else MessageReader.user_id


def _cursor(household_id: int, reader) -> MessageReader:
    """The reader's row for this thread, made the first time it is needed."""
    column = _reader_column(reader)
    row = db.session.scalar(select(MessageReader).where(
        MessageReader.household_id == household_id, column == reader.id))
    if row is not None:
        return row
    fields = {"applicant_id" if _is_applicant(reader) else "user_id": reader.id}
    try:
        with db.session.begin_nested():  # another request may make it at the same moment
            row = MessageReader(household_id=household_id, last_read_message_id=0, **fields)
            db.session.add(row)
    except IntegrityError:
        row = db.session.scalar(select(MessageReader).where(
            MessageReader.household_id == household_id, column == reader.id))
    return row


def _read_up_to(household_id: int, reader, message_id: int) -> None:
    row = _cursor(household_id, reader)
    db.session.execute(update(MessageReader).where(
        MessageReader.id == row.id, MessageReader.last_read_message_id < message_id).values(
        last_read_message_id=message_id, last_read_at=utcnow()))


def _claim_notice(household_id: int, reader, now) -> bool:
    """Whether ``reader`` may be emailed about this thread now (the coalescing rule), taken
    with one conditional update so two messages at once send one email."""
    row = _cursor(household_id, reader)
    result = db.session.execute(update(MessageReader).where(
        MessageReader.id == row.id,
        or_(MessageReader.last_notified_at.is_(None),
            MessageReader.last_notified_at <= now - rules.NOTIFY_AT_MOST_EVERY))
        .values(last_notified_at=now).execution_options(synchronize_session=False))
    return result.rowcount == 1


def staff_to_tell(household) -> list[User]:
    """Who on the staff side hears of an applicant's message: the allocated workers, or the
    case's team managers while nobody is allocated."""
    workers = [w for w in household.workers if w.active]
    if workers or household.team_id is None:
        return workers
    team = db.session.scalars(select(User).where(User.team_id == household.team_id,
                                                 User.active.is_(True)).order_by(User.id))
    return [u for u in team if u.has_role(RoleKey.TEAM_MANAGER)]


def applicants_to_tell(household_id: int) -> list[Applicant]:
    return list(db.session.scalars(select(Applicant).where(
        Applicant.household_id == household_id, Applicant.active.is_(True))
        .order_by(Applicant.id)))


def _notify(household, message: Message, author) -> None:
    now = message.sent_at
    if _is_applicant(author):
        for user in staff_to_tell(household):
            if _claim_notice(household.id, user, now):
                queue_email(user.email, "new_message_staff",
                            f"message-notice:{message.id}:user:{user.id}",
                            reference=household.reference,
                            link=public_url("messages.staff_thread",
                                            reference=household.reference))
    else:
        for person in applicants_to_tell(household.id):
            if _claim_notice(household.id, person, now):
                queue_email(person.email, "new_message_applicant",
                            f"message-notice:{message.id}:applicant:{person.id}",
                            name=person.name, link=public_url("applicants.sign_in"),
                            settings=agency_settings())


def send(household, author, body: str) -> Message:
    """``author`` (an applicant of the household, or a member of staff who may change the
    case: the access policy has checked) writes to the household's thread."""
    with transaction():
        applicant = _is_applicant(author)
        message = Message(household_id=household.id, body=body.replace("\r\n", "\n"),
                          author_applicant_id=author.id if applicant else None,
                          author_user_id=None if applicant else author.id,
                          author_name=author.name, sent_at=utcnow())
        db.session.add(message)
        db.session.flush()
        # Whoever writes has read the thread up to their own message.
        _read_up_to(household.id, author, message.id)
        _notify(household, message, author)
        detail = {"household": household.id}
        if applicant:
            detail["applicant"] = author.id
        audit("create", "message", message.id, detail, user=None if applicant else author)
    return message


def read_thread(household, reader, up_to: int | None) -> None:
    """The reader has seen the thread up to message ``up_to``; a member of staff's reading
    is in the audit trail (it is a case record)."""
    with transaction():
        if up_to:
            _read_up_to(household.id, reader, up_to)
        if not _is_applicant(reader):
            audit("view", "message_thread", household.id, {"household": household.id},
                  user=reader)
