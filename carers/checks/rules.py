"""Which statutory checks and references a household needs, and where each one stands.

Plain Python: no Flask, no database. The web layer describes the household with the
dataclasses below, asks ``required_checks`` what is needed today, and describes each stored
check as a ``CheckState`` to ask the ledger helpers (status, Stage 1 complete, outstanding,
expiring, lapsed).

Sources (docs/domain.md section 4). [V] figures are constants here with their source; [S] figures
are agency settings whose defaults live in ``CHECK_DEFAULTS``.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

from carers.clocks.statutory import add_months
from carers.clocks.workdays import fmt_day

__all__ = [
    "CHECK_DEFAULTS",
    "MIN_PERSONAL_REFEREES",
    "PREVIOUS_PROVIDER_MONTHS",
    "AddressPeriod",
    "CheckKind",
    "CheckSetting",
    "CheckState",
    "HouseholdFacts",
    "Outcome",
    "Person",
    "RefereeInfo",
    "RequiredCheck",
    "Requirements",
    "Status",
    "add_years",
    "dbs_certificate_number_problem",
    "dbs_date_of_birth_needed",
    "dbs_details_problems",
    "dbs_issue_date_problem",
    "normalise_dbs_certificate_number",
    "reference_standing",
    "attention_on",
    "check_setting",
    "check_status",
    "done_on",
    "expiring",
    "expiry_for",
    "lapsed",
    "last_stage1_received_on",
    "next_action",
    "outstanding",
    "required_checks",
    "stage1_complete",
    "reg24_check_kinds",
    "reg24_outstanding",
    "stage1_outstanding",
]

# --- [V] constants ---
MIN_PERSONAL_REFEREES = 2  # FSR 2011 reg 26(1A)(c): interview at least 2 personal referees
PREVIOUS_PROVIDER_MONTHS = 12  # FSR 2011 reg 26(1A)(b): fostered for another provider in 12 months
ADULT_AGE = 18  # Schedule 3 Part 1 and CPPCR Schedule 4: every household member aged 18+

MAINSTREAM = "mainstream"
CONNECTED_PERSON = "connected_person"
EX_PARTNER = "ex_partner"
CHILD = "child"


@dataclass(frozen=True)
class CheckSetting:
    default: int
    label: str
    evidence: str
    hint: str = ""
    minimum: int = 0


CHECK_DEFAULTS: dict[str, CheckSetting] = {
    "personal_referees_required": CheckSetting(
        2, "Personal referees to interview", "[V] at least 2; more is local practice [S]",
        "FSR 26(1A)(c) requires at least 2. A lower number here still means 2."),
    "family_referee_required": CheckSetting(
        0, "One referee must be a family member (1 for yes, 0 for no)", "[S]",
        "Many services take one reference from a family member."),
    "reference_link_days": CheckSetting(
        28, "A referee's link works for (calendar days)", "product", minimum=1),
    "reference_reminder_days": CheckSetting(
        10, "Remind a referee who has not replied after (calendar days)", "product", minimum=1),
    "dbs_renewal_years": CheckSetting(3, "DBS renewal (years)", "[S]"),
    "dbs_warning_months": CheckSetting(
        3, "Warn this many months before a household member turns 18", "[S]",
        "Start their enhanced DBS check at about 17 years 9 months."),
    "la_check_years": CheckSetting(
        10, "Local authority checks cover every area lived in during the last (years)", "[S]"),
    "la_check_renewal_years": CheckSetting(
        3, "Local authority check renewal (years, 0 for never)", "[S]",
        "Some independent agencies renew every 3 years."),
    "medical_renewal_years": CheckSetting(
        3, "Medical report renewal (years, 0 for never)", "[S]",
        "Often every 3 years, or when health changes."),
    "home_check_renewal_years": CheckSetting(
        1, "Home health and safety and pets assessment renewal (years, 0 for never)", "[S]",
        "Looked at again at the annual review."),
    "checks_expiring_warning_days": CheckSetting(
        120, "Show checks as expiring this many days ahead", "product",
        "120 days is about 4 months."),
    "require_employer_reference": CheckSetting(
        1, "Ask applicants' employers for a reference (1 for yes, 0 for no)", "[S]"),
    "require_ex_partner_references": CheckSetting(
        1, "Ask significant ex-partners for a reference (1 for yes, 0 for no)", "[S]"),
    "require_school_references": CheckSetting(
        1, "Ask the schools or nurseries of applicants' children (1 for yes, 0 for no)", "[S]"),
    "require_home_safety_check": CheckSetting(
        1, "Home health and safety check (1 for yes, 0 for no)", "[S]"),
    "require_pets_assessment": CheckSetting(
        1, "Pets assessment when there are pets (1 for yes, 0 for no)", "[S]"),
}


def check_setting(settings: Mapping[str, object] | None, key: str) -> int:
    value = (settings or {}).get(key, CHECK_DEFAULTS[key].default)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"Check setting {key!r} must be a whole number of 0 or more.")
    return value


class CheckKind(StrEnum):
    DBS = "dbs"
    LA_CHECK = "la_check"
    MEDICAL = "medical"
    PERSONAL_REFERENCE = "personal_reference"
    PREVIOUS_PROVIDER = "previous_provider"
    EMPLOYER = "employer"
    EX_PARTNER = "ex_partner"
    SCHOOL = "school"
    HOME_SAFETY = "home_safety"
    PETS = "pets"
    ACCOMMODATION = "accommodation"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]


# The checks that must be back before regulation 24 temporary approval [S]: CPPCR Schedule 4
# asks for checks on every adult and the home, and many councils place on the police checks
# with the DBS certificate still to come. The agency chooses; these are the default.
REG24_CHECKS_SETTING = "reg24_required_checks"
REG24_CHECKS_DEFAULT = ("dbs", "accommodation")


def reg24_check_kinds(settings: Mapping[str, object] | None) -> frozenset[CheckKind]:
    """The kinds of check temporary approval waits for, from the agency setting."""
    value = (settings or {}).get(REG24_CHECKS_SETTING, REG24_CHECKS_DEFAULT)
    if isinstance(value, str):
        value = [part.strip() for part in value.split(",") if part.strip()]
    known = {k.value for k in CheckKind}
    if not isinstance(value, (list, tuple)) or any(v not in known for v in value):
        raise ValueError(f"Check setting {REG24_CHECKS_SETTING!r} must list known check kinds.")
    return frozenset(CheckKind(v) for v in value)


_KIND_LABELS = {
    CheckKind.DBS: "Enhanced DBS with children's barred list",
    CheckKind.LA_CHECK: "Local authority check",
    CheckKind.MEDICAL: "Medical report",
    CheckKind.PERSONAL_REFERENCE: "Personal reference",
    CheckKind.PREVIOUS_PROVIDER: "Previous fostering provider",
    CheckKind.EMPLOYER: "Employer reference",
    CheckKind.EX_PARTNER: "Ex-partner reference",
    CheckKind.SCHOOL: "School or nursery reference",
    CheckKind.HOME_SAFETY: "Home health and safety check",
    CheckKind.PETS: "Pets assessment",
    CheckKind.ACCOMMODATION: "Accommodation (regulation 24)",
}


class Outcome(StrEnum):
    CLEAR = "clear"
    TO_CONSIDER = "information_to_consider"
    NOT_CLEAR = "not_clear"

    @property
    def label(self) -> str:
        return {"clear": "Clear", "information_to_consider": "Information to consider",
                "not_clear": "Not clear"}[self.value]


# --- describing the household ---

@dataclass(frozen=True)
class Person:
    id: int | str
    name: str
    date_of_birth: date | None = None
    age: int | None = None  # only when the date of birth is not known (age given at enquiry)
    is_applicant: bool = False
    relationship: str = ""  # to the applicant: partner, child, parent, lodger, ex_partner, ...
    lives_in_household: bool = True
    employer: str = ""
    school: str = ""  # school, nursery or college, for children

    def age_on(self, on: date) -> int | None:
        if self.date_of_birth is None:
            return self.age
        born = self.date_of_birth
        return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


@dataclass(frozen=True)
class AddressPeriod:
    local_authority: str
    lived_from: date | None = None
    lived_to: date | None = None  # None: lives there now


@dataclass(frozen=True)
class RefereeInfo:
    id: int | str
    name: str
    is_family: bool = False


@dataclass(frozen=True)
class HouseholdFacts:
    pathway: str = MAINSTREAM
    people: tuple[Person, ...] = ()
    addresses: tuple[AddressPeriod, ...] = ()
    referees: tuple[RefereeInfo, ...] = ()
    has_pets: bool = False
    previous_provider: str = ""  # another fostering provider the applicants fostered for
    fostered_until: date | None = None  # None with a provider: fostering for them now


@dataclass(frozen=True)
class RequiredCheck:
    kind: CheckKind
    key: str  # stable across changes to the household: "dbs:p12", "la:northmoor", ...
    subject: str  # who or what it is about, for people to read
    person_id: int | str | None = None
    referee_id: int | str | None = None
    stage1: bool = False  # a Stage 1 item (FSR 26(1A)); mainstream only
    reg24: bool = False  # needed before regulation 24 temporary approval (CPPCR Sch 4)
    renewal_years: int | None = None
    required_from: date | None = None  # not needed before this date (someone turning 18)

    @property
    def label(self) -> str:
        return f"{self.kind.label}: {self.subject}"


@dataclass(frozen=True)
class Requirements:
    checks: tuple[RequiredCheck, ...]
    warnings: tuple[str, ...] = ()

    def by_key(self) -> dict[str, RequiredCheck]:
        return {c.key: c for c in self.checks}


# --- the rules ---

def add_years(d: date, years: int) -> date:
    """Calendar years; 29 February becomes 28 February in a year that is not a leap year."""
    year = d.year + years
    return date(year, d.month, min(d.day, calendar.monthrange(year, d.month)[1]))


def _area_key(name: str) -> str:
    return " ".join(name.casefold().split())


def required_checks(household: HouseholdFacts, today: date,
                    settings: Mapping[str, object] | None = None) -> Requirements:
    """Every check this household needs today, and warnings about what is coming or missing."""

    def setting(key: str) -> int:
        return check_setting(settings, key)

    def renewal(key: str) -> int | None:
        return setting(key) or None

    kinship = household.pathway == CONNECTED_PERSON
    stage1 = not kinship  # the connected-person pathway has no Stage 1
    checks: list[RequiredCheck] = []
    warnings: list[str] = []

    # Enhanced DBS: applicants and every household member aged 18 or over (Schedule 3 Part 1;
    # CPPCR Schedule 4 for regulation 24). Someone nearing 18 is warned about in advance.
    for p in household.people:
        if not (p.lives_in_household or p.is_applicant):
            continue
        check = RequiredCheck(CheckKind.DBS, f"dbs:p{p.id}", p.name, person_id=p.id,
                              stage1=stage1, reg24=kinship,
                              renewal_years=renewal("dbs_renewal_years"))
        age = p.age_on(today)
        if p.is_applicant or (age is not None and age >= ADULT_AGE):
            checks.append(check)
            if p.date_of_birth is None:
                warnings.append(f"Record {p.name}'s date of birth: the DBS check needs it.")
        elif p.date_of_birth is not None:
            eighteen = add_years(p.date_of_birth, ADULT_AGE)
            if today >= add_months(eighteen, -setting("dbs_warning_months")):
                checks.append(replace(check, required_from=eighteen))
                warnings.append(f"{p.name} turns 18 on {fmt_day(eighteen)}: request an "
                                "enhanced DBS check.")
        elif age is None:
            if p.relationship == CHILD:
                warnings.append(f"Record {p.name}'s date of birth: everyone in the household "
                                "aged 18 or over needs an enhanced DBS check.")
            else:  # a partner, parent or lodger of unknown age: assume an adult
                checks.append(check)
                warnings.append(f"Record {p.name}'s date of birth: the DBS check needs it.")
        elif age >= ADULT_AGE - 1:
            warnings.append(f"Record {p.name}'s date of birth: they were {age} when the "
                            "family enquired and may turn 18 during the assessment.")

    # Local authority checks: the home area, and every area lived in during the last N years.
    years = setting("la_check_years")
    since = add_years(today, -years)
    relevant = [a for a in household.addresses
                if a.local_authority.strip() and (a.lived_to is None or a.lived_to >= since)]
    relevant.sort(key=lambda a: (a.lived_to is not None, -(a.lived_to or today).toordinal()))
    la_renewal = renewal("la_check_renewal_years")
    if not any(a.lived_to is None for a in relevant):
        checks.append(RequiredCheck(CheckKind.LA_CHECK, "la:home",
                                    "home area (record the current address)", stage1=stage1,
                                    renewal_years=la_renewal))
    seen: set[str] = set()
    for a in relevant:
        key = _area_key(a.local_authority)
        if key not in seen:
            seen.add(key)
            checks.append(RequiredCheck(CheckKind.LA_CHECK, f"la:{key}",
                                        a.local_authority.strip(), stage1=stage1,
                                        renewal_years=la_renewal))
    if not household.addresses:
        warnings.append(f"Record the addresses the household has lived at in the last {years} "
                        "years: each area needs a local authority check.")
    else:
        starts = [a.lived_from for a in relevant if a.lived_from is not None]
        earliest = min(starts) if starts else None
        if earliest is None or earliest > since:
            back_to = f" back to {fmt_day(since)}" if earliest else ""
            warnings.append(f"The addresses recorded do not cover the last {years} years: "
                            f"record where the household lived{back_to}.")

    applicants = [p for p in household.people if p.is_applicant]
    # Medical report for each applicant (Schedule 3: health supported by a medical report).
    for p in applicants:
        checks.append(RequiredCheck(CheckKind.MEDICAL, f"medical:p{p.id}", p.name,
                                    person_id=p.id, stage1=stage1,
                                    renewal_years=renewal("medical_renewal_years")))

    # Personal references: at least 2 interviewed (FSR 26(1A)(c)); the agency may ask for more,
    # including one from a family member.
    needed = max(MIN_PERSONAL_REFEREES, setting("personal_referees_required"))
    for r in household.referees:
        subject = f"{r.name} (family)" if r.is_family else r.name
        checks.append(RequiredCheck(CheckKind.PERSONAL_REFERENCE, f"reference:r{r.id}", subject,
                                    referee_id=r.id, stage1=stage1))
    placeholders = []
    family_missing = bool(setting("family_referee_required")) and not any(
        r.is_family for r in household.referees)
    if family_missing:
        placeholders.append(("reference:family", "a family member (not yet named)"))
    for n in range(len(household.referees) + len(placeholders) + 1, needed + 1):
        placeholders.append((f"reference:slot{n}", f"referee {n} (not yet named)"))
    for key, subject in placeholders:
        checks.append(RequiredCheck(CheckKind.PERSONAL_REFERENCE, key, subject, stage1=stage1))
    if placeholders:
        more = len(placeholders)
        family = ", including one family member" if family_missing else ""
        warnings.append(f"Name {more} more personal {'referee' if more == 1 else 'referees'}"
                        f" (at least {needed} are interviewed{family}).")

    # Previous fostering provider, if the applicants fostered in the last 12 months.
    provider = household.previous_provider.strip()
    if provider and (household.fostered_until is None or household.fostered_until
                     >= add_months(today, -PREVIOUS_PROVIDER_MONTHS)):
        checks.append(RequiredCheck(CheckKind.PREVIOUS_PROVIDER, "previous_provider", provider,
                                    stage1=stage1))

    # Practice and guidance [S]: each can be switched off in the agency settings.
    if setting("require_employer_reference"):
        for p in applicants:
            if p.employer.strip():
                checks.append(RequiredCheck(CheckKind.EMPLOYER, f"employer:p{p.id}",
                                            f"{p.employer.strip()} for {p.name}",
                                            person_id=p.id))
    if setting("require_ex_partner_references"):
        for p in household.people:
            if p.relationship == EX_PARTNER:
                checks.append(RequiredCheck(CheckKind.EX_PARTNER, f"ex_partner:p{p.id}", p.name,
                                            person_id=p.id))
    if setting("require_school_references"):
        for p in household.people:
            age = p.age_on(today)
            if p.relationship != CHILD or (age is not None and age >= ADULT_AGE):
                continue
            if p.school.strip():
                checks.append(RequiredCheck(CheckKind.SCHOOL, f"school:p{p.id}",
                                            f"{p.school.strip()} for {p.name}", person_id=p.id))
            elif age is not None and 4 <= age < 17:
                warnings.append(f"Record the school or nursery {p.name} goes to.")
    home_renewal = renewal("home_check_renewal_years")
    if kinship:
        checks.append(RequiredCheck(CheckKind.ACCOMMODATION, "accommodation", "the home",
                                    reg24=True))
    if setting("require_home_safety_check"):
        checks.append(RequiredCheck(CheckKind.HOME_SAFETY, "home_safety", "the home",
                                    renewal_years=home_renewal))
    if household.has_pets and setting("require_pets_assessment"):
        checks.append(RequiredCheck(CheckKind.PETS, "pets", "the household's pets",
                                    renewal_years=home_renewal))
    # Which of them temporary approval under regulation 24 waits for: an agency setting.
    reg24_kinds = reg24_check_kinds(settings) if kinship else frozenset()
    checks = [replace(c, reg24=c.kind in reg24_kinds) for c in checks]
    return Requirements(tuple(checks), tuple(warnings))


def expiry_for(received_on: date | None, renewal_years: int | None) -> date | None:
    if received_on is None or not renewal_years:
        return None
    return add_years(received_on, renewal_years)


# --- where each check stands ---

@dataclass(frozen=True)
class CheckState:
    """One stored check (or one required check not stored yet), as the ledger sees it."""

    kind: CheckKind
    subject: str
    stage1: bool = False
    reg24: bool = False
    required: bool = True
    required_from: date | None = None
    requested_on: date | None = None
    requested_from: str = ""
    received_on: date | None = None
    interviewed_on: date | None = None  # personal references: the referee interview
    outcome: Outcome | None = None
    verified: bool = False
    expires_on: date | None = None
    superseded: bool = False  # replaced by a renewal that has been received
    key: str = ""
    # Enhanced DBS only: the certificate (see ``dbs_details_problems``).
    dbs_certificate_number: str = ""
    dbs_issued_on: date | None = None
    dbs_update_service: bool | None = None
    # Personal references: where it stands, as the report prints it (``reference_standing``).
    standing: str = ""
    extra: Mapping[str, object] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{CheckKind(self.kind).label}: {self.subject}"


class Status(StrEnum):
    NOT_NEEDED = "not_needed"
    UPCOMING = "upcoming"
    TO_REQUEST = "to_request"
    REQUESTED = "requested"
    INTERVIEW_TO_RECORD = "interview_to_record"
    RECEIVED = "received"
    COMPLETE = "complete"
    EXPIRING = "expiring"
    LAPSED = "lapsed"

    @property
    def label(self) -> str:
        return _STATUS[self][0]

    @property
    def tag_class(self) -> str:
        return _STATUS[self][1]


_STATUS = {
    Status.NOT_NEEDED: ("No longer needed", "govuk-tag--grey"),
    Status.UPCOMING: ("Not due yet", "govuk-tag--grey"),
    Status.TO_REQUEST: ("Not requested", "govuk-tag--red"),
    Status.REQUESTED: ("Requested", "govuk-tag--yellow"),
    Status.INTERVIEW_TO_RECORD: ("Interview to record", "govuk-tag--blue"),
    Status.RECEIVED: ("Received", "govuk-tag--blue"),
    Status.COMPLETE: ("Complete", "govuk-tag--green"),
    Status.EXPIRING: ("Expires soon", "govuk-tag--orange"),
    Status.LAPSED: ("Lapsed", "govuk-tag--red"),
}


def done_on(check: CheckState) -> date | None:
    """When the check was complete enough to count: received, and for a personal reference
    also the referee interviewed (FSR 26(1A)(c)). None while it is outstanding."""
    if check.received_on is None:
        return None
    if check.kind == CheckKind.PERSONAL_REFERENCE:
        if check.interviewed_on is None:
            return None
        return max(check.received_on, check.interviewed_on)
    return check.received_on


def _current(check: CheckState) -> bool:
    return check.required and not check.superseded


def _due(check: CheckState, today: date) -> bool:
    return check.required_from is None or check.required_from <= today


def check_status(check: CheckState, today: date, within_days: int = 120) -> Status:
    if not _current(check):
        return Status.NOT_NEEDED
    finished = done_on(check)
    if finished is None:
        if not _due(check, today) and check.requested_on is None:
            return Status.UPCOMING
        if check.received_on is not None:
            return Status.INTERVIEW_TO_RECORD
        if check.requested_on is not None or check.interviewed_on is not None:
            return Status.REQUESTED
        return Status.TO_REQUEST
    if check.expires_on is not None:
        if check.expires_on < today:
            return Status.LAPSED
        if (check.expires_on - today).days <= within_days:
            return Status.EXPIRING
    if check.outcome is None or not check.verified:
        return Status.RECEIVED
    return Status.COMPLETE


def next_action(check: CheckState, today: date, within_days: int = 120) -> str:
    status = check_status(check, today, within_days)
    match status:
        case Status.NOT_NEEDED:
            return "None: no longer needed"
        case Status.UPCOMING:
            assert check.required_from is not None
            return f"Needed from {fmt_day(check.required_from)}: request it now"
        case Status.TO_REQUEST:
            if check.key.startswith("reference:") and not check.extra.get("named", True):
                return "Name the referee"
            return "Request it"
        case Status.REQUESTED:
            if check.kind == CheckKind.PERSONAL_REFERENCE and check.interviewed_on:
                return "Waiting for the written reference"
            sent = f"requested {fmt_day(check.requested_on)}" if check.requested_on else ""
            source = f" from {check.requested_from}" if check.requested_from else ""
            return f"Chase if needed ({sent}{source})" if sent else "Waiting for it"
        case Status.INTERVIEW_TO_RECORD:
            return "Record the referee interview"
        case Status.LAPSED:
            assert check.expires_on is not None
            return f"Lapsed on {fmt_day(check.expires_on)}: renew it now"
        case Status.EXPIRING:
            assert check.expires_on is not None
            return f"Renew by {fmt_day(check.expires_on)}"
        case Status.RECEIVED:
            return "Record the outcome" if check.outcome is None else "Verify it"
    if check.expires_on:
        return f"None until renewal by {fmt_day(check.expires_on)}"
    return "None"


def attention_on(check: CheckState, since: date) -> date | None:
    """The date a team list sorts this check by, or None if nobody needs to act on it: when an
    outstanding check became (or becomes) due, or when a finished one expires."""
    if not _current(check):
        return None
    if done_on(check) is None:
        return check.required_from or since
    return check.expires_on


def _stage1_items(checks: Iterable[CheckState], today: date) -> list[CheckState]:
    return [c for c in checks if _current(c) and c.stage1 and _due(c, today)]


def stage1_outstanding(checks: Iterable[CheckState], today: date) -> list[str]:
    return [c.label for c in _stage1_items(checks, today) if done_on(c) is None]


def reg24_outstanding(checks: Iterable[CheckState], today: date) -> list[str]:
    """Connected-person checks (every adult, the home) not yet received: temporary approval
    under regulation 24 waits for them."""
    return [c.label for c in checks if _current(c) and c.reg24 and _due(c, today)
            and done_on(c) is None]


def stage1_complete(checks: Iterable[CheckState], today: date) -> bool:
    """Every Stage 1 item is received (and every personal referee interviewed)."""
    items = _stage1_items(checks, today)
    return bool(items) and all(done_on(c) is not None for c in items)


def last_stage1_received_on(checks: Iterable[CheckState], today: date) -> date | None:
    """The date the last Stage 1 item arrived, once all have: it starts the Stage 1 clock."""
    items = _stage1_items(checks, today)
    if not items or any(done_on(c) is None for c in items):
        return None
    return max(d for d in (done_on(c) for c in items) if d is not None)


def outstanding(checks: Iterable[CheckState], today: date) -> list[CheckState]:
    """Required checks that stop a case going to panel: not yet complete, or lapsed."""
    found = []
    for c in checks:
        if not _current(c) or not _due(c, today):
            continue
        if done_on(c) is None or (c.expires_on is not None and c.expires_on < today):
            found.append(c)
    return found


def expiring(checks: Iterable[CheckState], today: date, within_days: int) -> list[CheckState]:
    """Complete checks that expire within ``within_days`` (not those already lapsed)."""
    return [c for c in checks if _current(c) and done_on(c) is not None
            and c.expires_on is not None and 0 <= (c.expires_on - today).days <= within_days]


def lapsed(checks: Iterable[CheckState], today: date) -> list[CheckState]:
    """Complete checks past their expiry with no renewal received yet."""
    return [c for c in checks if _current(c) and done_on(c) is not None
            and c.expires_on is not None and c.expires_on < today]


# --- referee placeholders ---

PLACEHOLDER_KEYS = ("reference:slot", "reference:family")


def is_placeholder(key: str) -> bool:
    """A personal reference slot held open until a referee is named."""
    return key.startswith(PLACEHOLDER_KEYS)


def superseded_placeholder(check: CheckState) -> bool:
    """A placeholder no longer needed because a referee was named in its place: nothing can
    be recorded on it and it never prints."""
    return is_placeholder(check.key) and not check.required


# --- the DBS certificate ---

DBS_CERTIFICATE_DIGITS = 12  # an enhanced DBS certificate number is 12 digits


def normalise_dbs_certificate_number(raw: str | None) -> str:
    """The number as printed, without the spaces or dashes people type between groups."""
    return "".join(ch for ch in (raw or "") if ch not in " -")


def dbs_certificate_number_problem(raw: str | None) -> str | None:
    """Why this is not a DBS certificate number, or None (empty is for the caller)."""
    number = normalise_dbs_certificate_number(raw)
    if not number:
        return None
    if not (number.isascii() and number.isdigit()):
        return "Certificate number must only include numbers 0 to 9"
    if len(number) != DBS_CERTIFICATE_DIGITS:
        return (f"Certificate number must be {DBS_CERTIFICATE_DIGITS} digits, like "
                "001234567890")
    return None


def dbs_issue_date_problem(issued_on: date | None, requested_on: date | None,
                           today: date) -> str | None:
    """A certificate is issued after it is applied for, and not in the future."""
    if issued_on is None:
        return None
    if issued_on > today:
        return "Date of issue must be today or in the past"
    if requested_on is not None and issued_on < requested_on:
        return "Date of issue must be on or after the date requested"
    return None


def dbs_details_problems(*, received_on: date | None, certificate_number: str | None,
                         issued_on: date | None, update_service: bool | None,
                         ) -> dict[str, str]:
    """What a DBS check recorded as received still needs, by field: the certificate's number,
    its date of issue, and whether the person uses the Update Service."""
    if received_on is None:
        return {}
    problems = {}
    if not normalise_dbs_certificate_number(certificate_number):
        problems["certificate_number"] = "Enter the certificate number"
    if issued_on is None:
        problems["issued_on"] = "Enter the certificate's date of issue"
    if update_service is None:
        problems["update_service"] = "Select yes if they use the DBS Update Service"
    return problems


def dbs_date_of_birth_needed(name: str, date_of_birth: date | None, *,
                             requested_on: date | None, received_on: date | None) -> str | None:
    """A DBS check is applied for with the person's date of birth: it cannot be recorded as
    requested or received for someone whose date of birth the case does not hold."""
    if date_of_birth is not None or (requested_on is None and received_on is None):
        return None
    return f"Enter {name}'s date of birth on the household page before recording their DBS check"


# --- personal references: one answer for the checks table and the references table ---

def reference_standing(*, received_on: date | None, interviewed_on: date | None,
                       withdrawn_on: date | None, withdrawn_reason: str = "",
                       fmt: Callable[[date], str] = fmt_day) -> str:
    """Where a personal reference stands, in the words both of the report's tables print
    (the checks table and the references table never disagree). ``fmt`` writes a date."""
    if withdrawn_on is not None:
        reason = (withdrawn_reason or "").strip() or "no longer used as a referee"
        return f"Not taken up: {reason}"
    if received_on is not None and interviewed_on is not None:
        return f"Received {fmt(received_on)}, interviewed {fmt(interviewed_on)}"
    if received_on is not None:
        return f"Received {fmt(received_on)}, interview outstanding"
    if interviewed_on is not None:
        return f"Interviewed {fmt(interviewed_on)}, written reference outstanding"
    return "Outstanding"
