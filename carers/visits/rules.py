"""Visit rules as plain Python: kinds, statuses, London local times across the clock
changes, and clashes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# The team's wall clock. Defined here rather than taken from carers.core.dates because the
# domain rules are plain Python and import nothing of the app.
LONDON = ZoneInfo("Europe/London")

KINDS = {
    "initial_home_visit": "Initial home visit",
    "assessment_session": "Assessment session",
    "health_and_safety_check": "Home health and safety check",
    "regulation_24_visit": "Regulation 24 visit",
    "unannounced_visit": "Unannounced visit",
    "other": "Other visit",
}

STATUSES = {
    "booked": "Booked",
    "rearranged": "Rearranged",
    "cancelled": "Cancelled",
    "took_place": "Took place",
    "did_not_take_place": "Did not take place",
}

STATUS_TAGS = {
    "booked": "govuk-tag--blue",
    "rearranged": "govuk-tag--yellow",
    "cancelled": "govuk-tag--grey",
    "took_place": "govuk-tag--green",
    "did_not_take_place": "govuk-tag--red",
}

PLACES = {
    "home": "The household's home",
    "office": "The office",
    "online": "Online meeting",
}

DEFAULT_REMINDER_HOURS = 24
MIN_MINUTES, MAX_MINUTES = 5, 12 * 60

_TIME = re.compile(r"^([0-9]{1,2})(?:[:.]([0-9]{2}))?\s*([ap]\.?m\.?)?$", re.IGNORECASE)


class TimeProblem(ValueError):
    """A time as typed that is not a time on the clock (the message says why)."""


def parse_time(text: str) -> time:
    """'14:30', '14.30', '9:05', '2pm', '2:30pm', '12am' -> a time. Raises TimeProblem."""
    text = (text or "").strip().replace(" ", "")
    match = _TIME.match(text)
    if not match:
        raise TimeProblem("Enter the start time in the format 14:30 or 2:30pm")
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    suffix = (match.group(3) or "").lower().replace(".", "")
    if suffix:
        if not 1 <= hour <= 12:
            raise TimeProblem("Enter a real time, like 9:30am or 2pm")
        hour = hour % 12 + (12 if suffix == "pm" else 0)
    elif match.group(2) is None:
        raise TimeProblem("Enter the start time in the format 14:30 or 2:30pm")
    if hour > 23 or minute > 59:
        raise TimeProblem("Enter a real time, like 09:30 or 14:00")
    return time(hour, minute)


FIRST, SECOND = "first", "second"  # which of a time repeated when the clocks go back


class AmbiguousTime(TimeProblem):
    """A time that happens twice on the day the clocks go back: ask which one."""

    def __init__(self, at: time):
        self.at = at
        super().__init__(f"{at:%H:%M} happens twice that night because the clocks go back an "
                         "hour: select which one you mean")


def repeated_choices(at: time) -> list[tuple[str, str]]:
    """The two answers to 'which 01:30?' on the night the clocks go back."""
    return [(FIRST, f"{at:%H:%M} BST (first time)"), (SECOND, f"{at:%H:%M} GMT (second time)")]


def _london(dt: datetime) -> datetime:
    """``dt`` on the London clock; a naive value is UTC (as SQLite hands it back)."""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(LONDON)


def _repeated(local: datetime) -> bool:
    """This London wall-clock time happens twice (the hour before the clocks go back)."""
    return local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset()


def local_start(day: date, at: time, which: str | None = None) -> datetime:
    """The UTC instant of a London wall-clock time. A time skipped when the clocks go
    forward does not exist and is refused. A time repeated when they go back needs ``which``
    (FIRST, British Summer Time, or SECOND, GMT); without it AmbiguousTime is raised."""
    wall = datetime.combine(day, at)
    aware = wall.replace(tzinfo=LONDON, fold=0)
    instant = aware.astimezone(UTC)
    if instant.astimezone(LONDON).replace(tzinfo=None) != wall:
        raise TimeProblem(f"{at:%H:%M} does not exist on that day because the clocks go "
                          "forward an hour: choose another time")
    if _repeated(aware):
        if which not in (FIRST, SECOND):
            raise AmbiguousTime(at)
        instant = wall.replace(tzinfo=LONDON, fold=int(which == SECOND)).astimezone(UTC)
    return instant


def which_time(dt: datetime) -> str | None:
    """FIRST or SECOND for an instant in the repeated hour, else None."""
    local = _london(dt)
    return (SECOND if local.fold else FIRST) if _repeated(local) else None


def _utc(dt: datetime) -> datetime:
    return _london(dt).astimezone(UTC)


def format_time(dt: datetime, zone: bool = False) -> str:
    """'10:00am' in London time ('1:30am GMT' with ``zone``)."""
    local = _london(dt)
    hour = local.strftime("%I").lstrip("0") or "12"
    text = f"{hour}:{local:%M}{local:%p}".lower()
    return f"{text} {local.tzname()}" if zone else text


def format_span(dt: datetime, minutes: int) -> str:
    """'10:00am to 11:30am'; across or inside the hour the clocks go back, each time with its
    zone ('1:30am BST to 1:30am GMT'). The end is ``minutes`` of real time after the start."""
    start = _utc(dt)
    end = start + timedelta(minutes=minutes)
    zone = (_london(start).utcoffset() != _london(end).utcoffset()
            or _repeated(_london(start)) or _repeated(_london(end)))
    return f"{format_time(start, zone)} to {format_time(end, zone)}"


def format_when(dt: datetime, minutes: int | None = None) -> str:
    """'Monday 30 March 2026, 10:00am to 11:30am' in London time."""
    local = _london(dt)
    if minutes:
        return f"{local:%A} {local.day} {local:%B %Y}, {format_span(dt, minutes)}"
    return f"{local:%A} {local.day} {local:%B %Y}, {format_time(dt, _repeated(local))}"


def week_start(day: date) -> date:
    """The Monday of the week holding ``day``."""
    return day - timedelta(days=day.weekday())


def week_bounds(monday: date) -> tuple[datetime, datetime]:
    """The UTC instants at which a London week (Monday 00:00 to the next Monday) starts and
    ends; a week holding a clock change is 167 or 169 hours long."""
    start = datetime.combine(monday, time(0), LONDON).astimezone(UTC)
    end = datetime.combine(monday + timedelta(days=7), time(0), LONDON).astimezone(UTC)
    return start, end


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The UTC instants at which a London day starts and ends (23 or 25 hours long on the
    days the clocks change)."""
    start = datetime.combine(day, time(0), LONDON).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), LONDON).astimezone(UTC)
    return start, end


def reminder_due(starts_at: datetime, hours: int) -> datetime:
    return starts_at - timedelta(hours=hours)


@dataclass(frozen=True)
class Clash:
    worker: str
    kind: str
    starts_at: datetime
    minutes: int
    household: str

    @property
    def text(self) -> str:
        return (f"{self.worker} already has {KINDS.get(self.kind, 'a visit').lower()} "
                f"({self.household}) on {format_when(self.starts_at, self.minutes)}")
