"""The application's tasks and their rules: plain Python, the domain core.

Which tasks a household's application has, in order; whose each one is (every joint
applicant does their own personal tasks, the household tasks are shared, and another adult
of the household gives only their own details and consents); which cannot start until
others are done; and the rules an answer must meet before a task can be completed (ten
years of addresses with no gap or overlap, enough referees, every consent a person needs).

Other features read this module for the task keys and the consents each person gives
(submission, the portal): it is the one source of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

# Forms (Application.form)
FOSTER = "foster"  # mainstream: "Apply to foster"
KINSHIP = "kinship"  # connected person: "Kinship carer assessment"
FORM_TITLES = {FOSTER: "Apply to foster", KINSHIP: "Kinship carer assessment"}

# Who does a task
PERSONAL = "personal"  # one row per person
HOUSEHOLD = "household"  # one row the joint applicants share
APPLICANT = "applicant"  # a joint applicant (Applicant.role)
ADULT = "adult"  # another adult of the household
BOTH = frozenset({APPLICANT, ADULT})
APPLICANTS = frozenset({APPLICANT})

# Statuses (ApplicationTask.status) and how a person sees them
NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
COMPLETED = "completed"
CANNOT_START = "cannot_start"
STATUS_LABELS = {NOT_STARTED: "Not started", IN_PROGRESS: "In progress",
                 COMPLETED: "Completed", CANNOT_START: "Cannot start yet"}


@dataclass(frozen=True)
class Task:
    key: str
    title: str
    scope: str
    roles: frozenset = APPLICANTS
    # Tasks (of the same person, or the household's) that must be completed first.
    after: tuple[str, ...] = ()
    kinship_title: str | None = None
    hint: str = ""

    def title_for(self, form: str) -> str:
        return self.kinship_title if form == KINSHIP and self.kinship_title else self.title

    @property
    def personal(self) -> bool:
        return self.scope == PERSONAL


TASKS: tuple[Task, ...] = (
    Task("about_you", "About you", PERSONAL, BOTH,
         hint="Your name, date of birth and contact details"),
    Task("household", "Your household", HOUSEHOLD,
         hint="Everyone who lives with you, and children who live elsewhere"),
    Task("home", "Your home", HOUSEHOLD,
         hint="Bedrooms, pets and smoking"),
    Task("work", "Work and income", PERSONAL),
    Task("health", "Your health", PERSONAL),
    Task("relationships", "Relationships", PERSONAL,
         hint="Your partner, and significant past partners"),
    Task("addresses", "Where you have lived", PERSONAL, hint="The last 10 years"),
    Task("referees", "Referees", HOUSEHOLD, hint="At least 3 people who know you well"),
    Task("earlier_applications", "Earlier applications to foster, adopt or childmind",
         PERSONAL),
    Task("consents", "Consent to checks", PERSONAL, BOTH,
         after=("about_you", "work", "relationships", "addresses"),
         hint="The checks we make on you"),
)
BY_KEY = {task.key: task for task in TASKS}


def tasks_for_role(role: str) -> list[Task]:
    """The tasks a person in this role does (their own personal tasks, and for a joint
    applicant the household's shared ones), in order."""
    return [task for task in TASKS if role in task.roles]


def rows_needed(people: list[tuple[int, str]]) -> list[tuple[str, int | None]]:
    """Every (task key, applicant id or None) row an application needs, for the household's
    people given as (applicant id, role)."""
    rows: list[tuple[str, int | None]] = []
    for task in TASKS:
        if task.personal:
            rows.extend((task.key, person) for person, role in people if role in task.roles)
        else:
            rows.append((task.key, None))
    return rows


def prerequisites(task: Task, role: str) -> list[str]:
    """The tasks that must be completed before this one, for a person in ``role``."""
    return [key for key in task.after if role in BY_KEY[key].roles]


def shown_status(task: Task, role: str, status: str, completed: set[str]) -> str:
    """The status to show: "cannot start yet" while a task this one follows is not done
    (``completed`` are the keys the person has completed, theirs and the household's)."""
    if status == NOT_STARTED and any(k not in completed for k in prerequisites(task, role)):
        return CANNOT_START
    return status


def can_start(task: Task, role: str, completed: set[str]) -> bool:
    return all(k in completed for k in prerequisites(task, role))


def editable(submitted: bool, reopened: bool, status: str) -> bool:
    """Whether an applicant may change a task's answers: until the application is sent, and
    after that only a task a caseworker has reopened, until it is completed again."""
    if not submitted:
        return True
    return reopened and status != COMPLETED


# --- dates, in words (the domain core has no Flask, so its own small formatter) ---

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


def in_words(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def parse_day(value) -> date | None:
    if isinstance(value, date):
        return value
    if not value:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


# --- where you have lived ---

ADDRESS_YEARS = 10  # the local authority checks look back 10 years (practice, domain.md §4)


def address_problems(addresses: list[dict], today: date) -> list[str]:
    """What is wrong with an address history: it must run from 10 years ago to today with
    no gap or overlap. A move-out date and the next move-in date may be the same day or the
    day after. Each problem names its dates."""
    if not addresses:
        return ["Add the addresses you have lived at in the last 10 years"]
    spans = []
    for address in addresses:
        start, end = parse_day(address.get("lived_from")), parse_day(address.get("lived_to"))
        label = address.get("line_1") or "an address"
        if start is None:
            return [f"Add the date you moved in to {label}"]
        if end is not None and end < start:
            return [f"The date you moved out of {label} must be after the date you moved in"]
        spans.append((start, end, label))
    spans.sort(key=lambda s: (s[0], s[1] or date.max))
    problems = []
    current = [s for s in spans if s[1] is None]
    if not current:
        problems.append("Add the address where you live now (an address with no date you "
                        "moved out)")
    elif len(current) > 1:
        problems.append("Only one address can be where you live now: add the date you "
                        "moved out of the others")
    earliest = years_before(today, ADDRESS_YEARS)
    if spans[0][0] > earliest:
        problems.append(f"Your addresses must go back 10 years, to {in_words(earliest)}. "
                        f"The earliest starts on {in_words(spans[0][0])}")
    for (_, end, _), (next_start, next_end, _) in zip(spans, spans[1:], strict=False):
        end_or_today = end or today
        if next_start > end_or_today + timedelta(days=1):
            problems.append(f"There is a gap between {in_words(end_or_today)} and "
                            f"{in_words(next_start)}")
        elif next_start < end_or_today:
            overlap_end = min(end_or_today, next_end or today)
            problems.append(f"Your addresses overlap between {in_words(next_start)} and "
                            f"{in_words(overlap_end)}")
    last_end = max(s[1] for s in spans) if not current else None
    if last_end is not None and last_end + timedelta(days=1) < today:
        problems.append(f"There is a gap between {in_words(last_end)} and "
                        f"{in_words(today)}")
    for _, end, label in spans:
        if end is not None and end > today:
            problems.append(f"The date you moved out of {label}, {in_words(end)}, is in "
                            "the future")
    return problems


def lived_abroad(addresses: list[dict]) -> bool:
    """An address with no UK postcode counts as one outside the UK."""
    return any(not (a.get("postcode") or "").strip() for a in addresses or ())


# --- referees ---

MIN_REFEREES = 3
MIN_RELATIVES = 1


def referee_problems(referees: list[dict]) -> list[str]:
    """At least 3 personal referees, at least 1 a relative, each with contact details."""
    referees = referees or []
    problems = []
    if len(referees) < MIN_REFEREES:
        problems.append(f"Add at least {MIN_REFEREES} referees. You have added "
                        f"{len(referees)}")
    if sum(1 for r in referees if r.get("is_relative")) < MIN_RELATIVES:
        problems.append("At least 1 referee must be a relative")
    for referee in referees:
        name = referee.get("name") or "A referee"
        if not (referee.get("email") or referee.get("phone")):
            problems.append(f"Add an email address or phone number for {name}")
        if not referee.get("address"):
            problems.append(f"Add an address for {name}")
    return problems


# --- about you: religion, disability ---

# Answers to "What is your religion?" that name none: whether someone practises is asked
# only of someone who names a religion.
NO_RELIGION = frozenset({"none", "no", "no religion", "not religious", "nil", "n/a", "na",
                         "not applicable", "nothing", "atheist", "agnostic", "humanist",
                         "prefer not to say", "-"})
DISABILITY_ANSWERS = {"yes": "Yes", "no": "No", "prefer_not": "I prefer not to say"}


def names_a_religion(religion) -> bool:
    """Whether an answer to "What is your religion?" names one ("No religion" does not)."""
    words = " ".join(str(religion or "").casefold().replace(".", "").split())
    return bool(words) and words not in NO_RELIGION


def practising(religion, answer) -> bool | None:
    """Whether someone practises their religion, as the report gives it: only for someone
    who names a religion, and only a yes or no."""
    if not names_a_religion(religion) or not isinstance(answer, bool):
        return None
    return answer


# --- relationships: partnership and past partners ---

# The partnership a person with a partner is in (Form F Section A: marital status). Someone
# with no partner is single.
PARTNERSHIP_KINDS = {
    "married": "Married",
    "civil_partnership": "Civil partnership",
    "cohabiting": "Living together",
    "living_apart_together": "In a relationship, living apart",
}
SINGLE = "single"
REGISTERED = frozenset({"married", "civil_partnership"})  # a place of marriage or registration


def partnership(has_partner: bool | None, kind, since, place) -> dict | None:
    """The partnership as the report gives it: {kind, since, place}, "single" for someone
    with no partner, None when not answered. A place is kept only for a marriage or civil
    partnership."""
    if has_partner is False:
        return {"kind": SINGLE, "since": None, "place": None}
    if has_partner is not True or kind not in PARTNERSHIP_KINDS:
        return None
    day = parse_day(since)
    text = str(place).strip() if place and kind in REGISTERED else ""
    return {"kind": kind, "since": day.isoformat() if day else None, "place": text or None}


def partnership_problems(kind, since, born, relationship_started, today: date) -> list[str]:
    """A partnership's date must be a real past date, after the person was born and not
    before their relationship started."""
    day = parse_day(since)
    if kind not in PARTNERSHIP_KINDS or day is None:
        return []
    what = {"married": "The date you married",
            "civil_partnership": "The date you registered your civil partnership",
            "cohabiting": "The date you started living together"}.get(
        kind, "The date your relationship started")
    born, started = parse_day(born), parse_day(relationship_started)
    if day > today:
        return [f"{what} must be today or in the past"]
    if born is not None and day <= born:
        return [f"{what} must be after your date of birth, {in_words(born)}"]
    if started is not None and day < started and kind != "living_apart_together":
        return [f"{what} must be on or after the date your relationship started, "
                f"{in_words(started)}"]
    return []


def past_partner_problems(past_partners: list[dict], today: date) -> list[str]:
    """Each past relationship has a real end date, not in the future and not before it
    started: the past partner is contacted for a reference (FSR 26(1A))."""
    problems = []
    for partner in past_partners or ():
        name = partner.get("name") or "a past partner"
        start, end = parse_day(partner.get("from")), parse_day(partner.get("to"))
        if end is None:
            problems.append(f"Add the date your relationship with {name} ended")
        elif end > today:
            problems.append(f"The date your relationship with {name} ended must be today "
                            "or in the past")
        elif start is not None and end < start:
            problems.append(f"The date your relationship with {name} ended must be after "
                            "it started")
    return problems


def relationships_problems(answers: dict[str, dict], today: date) -> list[str]:
    own = answers.get("relationships") or {}
    partner = own.get("current_partner") if isinstance(own.get("current_partner"), dict) \
        else {}
    born = (answers.get("about_you") or {}).get("date_of_birth")
    return partnership_problems(own.get("partnership_kind"), own.get("partnership_since"),
                                born, partner.get("since"), today) \
        + past_partner_problems(own.get("past_partners") or [], today)


# --- consents ---

CONSENT_LABELS = {
    "dbs": "An enhanced DBS check, with the children's barred list",
    "local_authority": "Checks with the local authorities where you have lived",
    "health": "A medical report from your GP",
    "references": "Contacting and interviewing your referees",
    "previous_partners": "Contacting your significant past partners",
    "employers": "Contacting your employer",
    "overseas": "Checks with countries you have lived in outside the UK",
}
EMPLOYED = ("employed", "self_employed")


def consents_needed(role: str, answers: dict[str, dict]) -> list[str]:
    """The consent keys a person must give, from their role and their answers (``answers``
    by task key: their own work, relationships and addresses)."""
    if role != APPLICANT:
        return ["dbs", "local_authority"]
    needed = ["dbs", "local_authority", "health", "references"]
    if (answers.get("relationships") or {}).get("past_partners"):
        needed.append("previous_partners")
    if (answers.get("work") or {}).get("status") == "employed":
        needed.append("employers")
    if lived_abroad((answers.get("addresses") or {}).get("addresses") or []):
        needed.append("overseas")
    return needed


def _mid_sentence(label: str) -> str:
    """A label as words in a sentence: its first letter small, the rest (DBS, GP, UK) kept."""
    return label[:1].lower() + label[1:]


def consent_problems(role: str, answers: dict[str, dict]) -> list[str]:
    given = answers.get("consents") or {}
    missing = [k for k in consents_needed(role, answers) if given.get(k) is not True]
    if missing:
        return ["We cannot assess you without your consent to every check. Confirm "
                + "; ".join(_mid_sentence(CONSENT_LABELS[k]) for k in missing)]
    return []


def task_problems(key: str, role: str, answers: dict[str, dict], today: date) -> list[str]:
    """What stops a task from being completed (beyond its unanswered questions)."""
    own = answers.get(key) or {}
    if key == "addresses":
        return address_problems(own.get("addresses") or [], today)
    if key == "referees":
        return referee_problems(own.get("referees") or [])
    if key == "consents":
        return consent_problems(role, answers)
    if key == "relationships":
        return relationships_problems(answers, today)
    return []
