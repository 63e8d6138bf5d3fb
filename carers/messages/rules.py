"""The messages' rules, plain Python: how long a message may be and how often a reader is
emailed about new ones."""

from datetime import timedelta

# Long enough for a real letter, short enough to read on a phone; a longer message is
# refused with the GOV.UK character count's own wording.
MAX_MESSAGE_CHARS = 5000

# A product choice: at most one "you have a new message" email per recipient per household
# per hour, however many messages are written in that hour. A busy exchange is one email,
# not one per line; the thread itself always shows everything.
NOTIFY_AT_MOST_EVERY = timedelta(hours=1)


def unread_label(label: str, unread: int) -> str:
    """A navigation label with its unread count: "Messages (2 unread)"."""
    return f"{label} ({unread} unread)" if unread else label
