"""The agency settings: every [S] or [U] figure from docs/domain.md, with its default.

A [V] figure (fixed by legislation) is a constant in the code that uses it, never a setting.
"""

from dataclasses import dataclass

from flask import has_request_context, request

from carers.checks.rules import (
    CHECK_DEFAULTS,
    REG24_CHECKS_DEFAULT,
    REG24_CHECKS_SETTING,
    CheckKind,
)
from carers.clocks.statutory import (
    CLOCK_DEFAULTS,
    RETENTION_APPROVED_CARER_YEARS,
    RETENTION_CONNECTED_PERSON_YEARS,
    RETENTION_REFUSED_WITHDRAWN_YEARS,
)
from carers.extensions import db
from carers.panel.rules import PANEL_DEFAULTS
from carers.register.rules import FIRST_REVIEW_MAX_MONTHS, FIRST_REVIEW_SETTING
from carers.retention.rules import ENQUIRY_MONTHS_DEFAULT, KEEP_IN_TOUCH_MONTHS_DEFAULT
from carers.settings.models import AgencySetting


@dataclass(frozen=True)
class Setting:
    key: str
    label: str
    default: object
    evidence: str  # [S] practice, [U] unverified, or "product" for our own choices
    hint: str = ""
    minimum: int = 0  # a figure set in law is the floor an agency may not go below
    # For a setting that is a list: the values it may hold, as (value, label).
    choices: tuple[tuple[str, str], ...] = ()


SETTINGS = [
    Setting("agency_name", "Agency name", "Northmoor Council Fostering", "product",
            "Shown in the header of every page and in emails."),
    Setting("service_name", "Service name", "Foster with us", "product"),
    Setting("team_email", "Fostering team email", "fostering.team@example.gov.uk", "product",
            "New enquiry alerts go here."),
    Setting("team_phone", "Fostering team phone", "0300 123 4567", "product"),
    Setting("dbs_renewal_years", "DBS renewal (years)", 3, "[S]"),
    Setting("enquiry_retention_months", "Keep enquiries that never became applications (months)",
            ENQUIRY_MONTHS_DEFAULT, "[U]",
            "No regulation covers enquiry-only records: a local policy. Counted from the day "
            "the enquiry came; then it is proposed for deletion.", minimum=1),
    Setting("enquiry_keep_in_touch_months",
            "Keep enquiries longer when the enquirer agreed to stay in touch (months more)",
            KEEP_IN_TOUCH_MONTHS_DEFAULT, "[U]",
            "Added to the period above for enquirers who asked the agency to keep in touch."),
    Setting("team_read_access", "Other staff in a case's team may read it", True, "product",
            "Read-only. The allocated workers and the team manager can always see and change "
            "it."),
]
# Sign-in: who must use two-step sign in besides administrators and decision makers.
SETTINGS += [
    Setting("second_factor_for_case_readers",
            "Everyone who reads case records must use two-step sign in", True, "product",
            "Administrators and agency decision makers always must. With this on, so must "
            "every other role: fostering staff, panel administrators and panel members, who "
            "all read families' records."),
]
# Applicants' own pages: signed out after this long without using them, warned before.
SETTINGS += [
    Setting("applicant_session_minutes", "Sign applicants out after (minutes without use)", 30,
            "product", "Applicants are warned 5 minutes before and can stay signed in. "
            "Everything they have saved is kept.", minimum=10),
]
# The public enquiry form: answers of an enquiry never sent are deleted after this long.
SETTINGS += [
    Setting("enquiry_draft_days", "Delete unsent enquiry forms after (days)", 30, "product",
            "Answers saved while someone fills in the enquiry form, if they never send it, "
            "are deleted this many days after they last changed them.", minimum=1),
]
# Visits: reminders and the office, where sessions at the office take place.
SETTINGS += [
    Setting("visit_reminder_hours", "Visit reminders: hours before the visit", 24, "product",
            "The household and the attending workers are reminded this long before a visit."),
    Setting("office_address", "Office address for visits",
            "Fostering Team, Town Hall, Market Street, Northmoor NM1 1AA", "product",
            "Where visits booked 'at the office' take place."),
]
# The applicants' own pages: what they ask of the team becomes a task due this soon.
SETTINGS += [
    Setting("applicant_request_working_days",
            "Answer a household's request or change within (working days)", 2, "product",
            "When a household asks for a visit to be rearranged or tells the team of a change "
            "at home, their allocated workers get a task due this many working days later.",
            minimum=1),
]
# The statutory clocks' agency-settable figures, defined beside the clocks themselves.
SETTINGS += [
    Setting(key, f"{cs.label} ({cs.unit})", cs.default, f"[{cs.evidence}]", cs.source,
            minimum=cs.minimum)
    for key, cs in CLOCK_DEFAULTS.items()
]
# The checks ledger's settings, defined beside its rules (dbs_renewal_years is above).
SETTINGS += [
    Setting(key, cs.label, cs.default, cs.evidence, cs.hint, minimum=cs.minimum)
    for key, cs in CHECK_DEFAULTS.items() if key not in {s.key for s in SETTINGS}
]
# Regulation 24: which checks must be back before temporary approval.
SETTINGS += [
    Setting(REG24_CHECKS_SETTING, "Checks needed before regulation 24 temporary approval",
            list(REG24_CHECKS_DEFAULT), "[S]",
            "Many councils place on the police checks with the DBS certificate still to come.",
            choices=tuple((k.value, k.label) for k in CheckKind)),
]

# The scheduler's morning digest of deadlines.
SETTINGS += [
    Setting("digest_working_days", "Morning digest: deadlines due within (working days)", 5,
            "product", "Each worker and team manager is emailed at 7am about deadlines due "
            "within this many working days, and any overdue."),
]

# Management oversight: how often a manager records their oversight of each open case.
SETTINGS += [
    Setting("oversight_interval_working_days",
            "Management oversight: open cases need a record at least every (working days)", 20,
            "product", "Inspectors look for a manager's recorded oversight throughout an "
            "assessment, not only at its decisions. Open cases with no record for longer are "
            "listed for their team manager on the Oversight due page.", minimum=1),
]

# The fostering panel's settings (quorum, access period), defined beside its rules.
SETTINGS += [
    Setting(key, ps.label, ps.default, ps.evidence, ps.hint, minimum=ps.minimum)
    for key, ps in PANEL_DEFAULTS.items()
]

# Other [S] and [U] figures from docs/domain.md, and how long records are kept. The retention
# minimums are set in law (FSR 30-32) [V]: an agency may keep records longer, never less.
SETTINGS += [
    Setting("assessment_typical_months", "Usual length of a mainstream assessment (months)", 6,
            "[S]", "Typical 4 to 6 months, 8 at most. Used to warn about slow cases."),
    Setting("assessment_longest_months", "Longest a mainstream assessment should take (months)",
            8, "[S]"),
    Setting("preparation_training_days", "Preparation training, such as Skills to Foster (days)",
            3, "[S]"),
    Setting("decision_told_orally_working_days",
            "Tell the applicant the decision by phone or in person within (working days)", 2,
            "[S/U]", "Reported by one agency; not found in regulations."),
    Setting("decision_in_writing_working_days",
            "Send the decision in writing within (working days)", 5, "[S/U]"),
    Setting("carer_resignation_days", "A carer's resignation takes effect after (days)", 28,
            "[S]"),
    Setting(FIRST_REVIEW_SETTING, "First review of a new carer's approval (months after approval)",
            FIRST_REVIEW_MAX_MONTHS, "[V] maximum",
            f"The register shows the first review this long after approval. The law allows "
            f"at most {FIRST_REVIEW_MAX_MONTHS} months (FSR 2011 reg 28(2)): a longer setting "
            f"is read as {FIRST_REVIEW_MAX_MONTHS}.", minimum=1),
    Setting("retention_approved_carer_years",
            "Keep an approved carer's records after approval ends (years)",
            RETENTION_APPROVED_CARER_YEARS, "[V] minimum",
            f"At least {RETENTION_APPROVED_CARER_YEARS} years from the end of approval (FSR 32).",
            minimum=RETENTION_APPROVED_CARER_YEARS),
    Setting("retention_connected_person_years",
            "Keep a regulation 24 carer's records after the placement ends (years)",
            RETENTION_CONNECTED_PERSON_YEARS, "[V] minimum",
            f"At least {RETENTION_CONNECTED_PERSON_YEARS} years from the end of the placement "
            "(FSR 32).", minimum=RETENTION_CONNECTED_PERSON_YEARS),
    Setting("retention_refused_withdrawn_years",
            "Keep refused or withdrawn applicants' records (years)",
            RETENTION_REFUSED_WITHDRAWN_YEARS, "[V] minimum",
            f"At least {RETENTION_REFUSED_WITHDRAWN_YEARS} years from refusal or withdrawal "
            "(FSR 32).", minimum=RETENTION_REFUSED_WITHDRAWN_YEARS),
    Setting("retention_audit_years", "Keep the audit trail (years)", 10, "product",
            "As long as the longest record it describes.", minimum=1),
]

# Applicants' uploads (carers.uploads): a phone photo or a scanned letter is well under it.
SETTINGS += [
    Setting("upload_max_mb", "Largest file applicants may upload (MB)", 10, "product",
            "Applicants are told the limit beside each upload, and a larger file is refused "
            "before it is read.", minimum=1),
]

BY_KEY = {s.key: s for s in SETTINGS}


def load_settings() -> dict:
    values = {s.key: s.default for s in SETTINGS}
    for row in db.session.scalars(db.select(AgencySetting)):
        if row.key in values:
            values[row.key] = row.value
    return values


def agency_settings() -> dict:
    """Settings for this request, read once (kept in the request's environ rather than
    ``g``, which outlives the request when an app context was already pushed)."""
    if not has_request_context():
        return load_settings()
    key = "carers.agency_settings"
    if key not in request.environ:
        request.environ[key] = load_settings()
    return request.environ[key]


def setting(key: str):
    return agency_settings()[key]


def init_app(app) -> None:
    """Every template can state the agency's figures: ``agency`` is its settings."""

    @app.context_processor
    def agency_globals():
        return {"agency": agency_settings()}
