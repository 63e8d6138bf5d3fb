"""Dates and times as the fostering team lives them: in Europe/London."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def utcnow() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    """Today's date in England (not the server's time zone)."""
    return datetime.now(LONDON).date()


def london(dt: datetime) -> datetime:
    if dt.tzinfo is None:  # SQLite hands back naive datetimes that we stored as UTC
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(LONDON)


def format_date(d: date | datetime | None) -> str:
    if d is None:
        return ""
    if isinstance(d, datetime):
        d = london(d)
    return f"{d.day} {d:%B %Y}"


def format_datetime(dt: datetime | None) -> str:
    if dt is None:
        return ""
    local = london(dt)
    hour = local.strftime("%I").lstrip("0") or "12"
    return f"{local.day} {local:%B %Y} at {hour}:{local:%M}{local:%p}".replace("AM", "am").replace(
        "PM", "pm"
    )
