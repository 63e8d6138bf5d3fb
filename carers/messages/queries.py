"""Looking up a household's thread and its unread counts."""

from sqlalchemy import func, select

from carers.extensions import db
from carers.messages.models import Message, MessageReader

# The thread page shows this many of the latest messages (the rest are in "download my
# information"): a page stays quick however long a case runs.
SHOWN = 200


def _is_applicant(reader) -> bool:
    return bool(getattr(reader, "is_applicant", False))


def thread(household_id: int, limit: int = SHOWN) -> tuple[list[Message], int]:
    """The latest ``limit`` messages, oldest first, and how many there are in all."""
    total = db.session.scalar(select(func.count(Message.id))
                              .where(Message.household_id == household_id)) or 0
    latest = list(db.session.scalars(
        select(Message).where(Message.household_id == household_id)
        .order_by(Message.id.desc()).limit(limit)))
    return list(reversed(latest)), total


def unread_count(household_id: int, reader) -> int:
    """Messages in the thread after the reader's last read, not written by the reader: one
    query."""
    applicant = _is_applicant(reader)
    column = MessageReader.applicant_id if applicant else MessageReader.user_id
    read_up_to = select(MessageReader.last_read_message_id).where(
        MessageReader.household_id == household_id, column == reader.id).scalar_subquery()
    author = Message.author_applicant_id if applicant else Message.author_user_id
    return db.session.scalar(select(func.count(Message.id)).where(
        Message.household_id == household_id,
        Message.id > func.coalesce(read_up_to, 0),
        func.coalesce(author, 0) != reader.id)) or 0


def latest_id(household_id: int) -> int | None:
    return db.session.scalar(select(func.max(Message.id))
                             .where(Message.household_id == household_id))


def last_read(household_id: int, reader) -> int:
    """The last message the reader had read (0: none)."""
    column = MessageReader.applicant_id if _is_applicant(reader) else MessageReader.user_id
    return db.session.scalar(select(MessageReader.last_read_message_id).where(
        MessageReader.household_id == household_id, column == reader.id)) or 0


def unread_by_case(household_ids: list[int], user) -> dict[int, int]:
    """A member of staff's unread count for each of these cases (a page of them), in one
    query."""
    cursor = select(MessageReader.household_id, MessageReader.last_read_message_id).where(
        MessageReader.user_id == user.id,
        MessageReader.household_id.in_(household_ids)).subquery()
    rows = db.session.execute(
        select(Message.household_id, func.count(Message.id))
        .outerjoin(cursor, cursor.c.household_id == Message.household_id)
        .where(Message.household_id.in_(household_ids),
               Message.id > func.coalesce(cursor.c.last_read_message_id, 0),
               func.coalesce(Message.author_user_id, 0) != user.id)
        .group_by(Message.household_id))
    return {household_id: count for household_id, count in rows}
