"""What erasure does to every table: the registry that makes its coverage explicit.

Every table in the metadata is classified here, and a test fails when one is not, so a new
table cannot hold a family's personal data out of erasure's reach. The classes:

- ``Erased``: its rows about the household (or the enquiry) are deleted. ``owner`` says
  whose rows they are (``EITHER``: a household's or an enquiry's); ``via`` how to find
  them when the table has no ``household_id`` (``enquiry_id``): (its column, the parent
  table, the parent's column), the parent's rows being the owner's.
- ``Scrubbed``: the rows stay, for the figures, with the personal columns set to the values
  given (the rest hold dates, stages and codes).
- ``Matched``: no link to the household, so rows naming its people (their email addresses
  or names, or its reference) are found by content: ``delete`` deletes them, otherwise the
  names in ``columns`` are replaced by the reference.
- ``Tombstone``: kept on purpose and holds no personal data (why is said).
- ``NoHouseholdData``: holds no personal data of households or enquirers (staff accounts,
  settings, the audit trail's ids and codes).

To classify a new table, add one line to ``REGISTRY`` (or ``register`` it from a feature's
module).
"""

from dataclasses import dataclass, field

HOUSEHOLD = "household"
ENQUIRY = "enquiry"
EITHER = "either"  # rows about a household or an enquiry (household_id or enquiry_id)
ERASED_NAME = "Erased record"


@dataclass(frozen=True)
class Erased:
    owner: str = HOUSEHOLD
    via: tuple[str, str, str] | None = None


@dataclass(frozen=True)
class Scrubbed:
    owner: str
    columns: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Matched:
    columns: tuple[str, ...]
    delete: bool = False


@dataclass(frozen=True)
class Tombstone:
    why: str


@dataclass(frozen=True)
class NoHouseholdData:
    why: str


Coverage = Erased | Scrubbed | Matched | Tombstone | NoHouseholdData

H = Erased(HOUSEHOLD)

REGISTRY: dict[str, Coverage] = {
    # The case and everything recorded on it.
    "household": Scrubbed(HOUSEHOLD, {
        "name": ERASED_NAME, "email": None, "phone": None, "address": None, "postcode": None,
        "reg24_officer_name": None, "reg25_officer_name": None, "child_name": None,
        "child_date_of_birth": None, "child_la_reference": None, "child_relationship": None,
        "child_placing_authority": None, "next_due_on": None, "next_due_label": None}),
    "household_member": Scrubbed(HOUSEHOLD, {
        "name": "", "relationship_to_applicant": "", "date_of_birth": None,
        "age_at_enquiry": None, "employer": None, "school": None}),
    "household_details": H,
    "case_event": H,
    "oversight_record": H,
    "task": H,
    "address": H,
    "training_record": H,
    "family_person": H,
    "family_link": H,
    "ecomap_entry": H,
    # The applicants' accounts and their application.
    "applicant": H,
    "applicant_session": Erased(HOUSEHOLD, ("applicant_id", "applicant", "id")),
    "applicant_sign_in_code": Erased(HOUSEHOLD, ("applicant_id", "applicant", "id")),
    "application": H,
    "application_task": Erased(HOUSEHOLD, ("application_id", "application", "id")),
    "application_declaration": Erased(HOUSEHOLD, ("application_id", "application", "id")),
    # Checks and references (referees' responses go with the case).
    "household_check": H,
    "check_document": Erased(HOUSEHOLD, ("check_id", "household_check", "id")),
    "referee": H,
    "reference_response": Erased(HOUSEHOLD, ("referee_id", "referee", "id")),
    # Visits, messages and documents (an uploaded file's stored bytes go with its row).
    "visit": H,
    "visit_member": Erased(HOUSEHOLD, ("visit_id", "visit", "id")),
    "visit_worker": Erased(HOUSEHOLD, ("visit_id", "visit", "id")),
    "message": H,
    "message_reader": H,
    "document_request": H,
    "uploaded_document": H,
    "stored_file": Erased(HOUSEHOLD, ("key", "uploaded_document", "stored_name")),
    # The assessment report, its stored PDFs and the facts from the application.
    "assessment_report": H,
    "report_section": Erased(HOUSEHOLD, ("report_id", "assessment_report", "id")),
    "report_application_facts": H,
    "stored_pdf": H,
    # The panel: its papers and packs go; the agency's decision stays for the figures (its
    # kind, day and terms of approval), without its reasons and letter.
    "agenda_item": H,
    "pack_job": Erased(HOUSEHOLD, ("meeting_id", "agenda_item", "meeting_id")),
    "pack_copy": Erased(HOUSEHOLD, ("job_id", "pack_job", "id")),
    "panel_recommendation": H,
    "qd_response": H,
    "panel_decision": Scrubbed(HOUSEHOLD, {"reasons": "", "letter_pdf": None,
                                          "letter_size": None, "departure_reasons": None}),
    "panel_meeting": Matched(("minutes",)),
    # Corrections to people's details (old and new values) and disputes go with the record.
    "detail_change": Erased(EITHER),
    "record_dispute": Erased(EITHER),
    # Subject access requests hold the requester's name, email and date of birth, and no key
    # to the records: found by the people's names and emails and deleted, their releases
    # with them (ON DELETE CASCADE; a release's reason naming them is deleted too).
    "subject_access_request": Matched(("requester_name", "requester_email"), delete=True),
    "subject_access_release": Matched(("reason",), delete=True),
    # Retention's own rows about the record.
    "legal_hold": Erased(EITHER),
    "retention_proposal": Erased(EITHER),
    # The enquiry (a household's enquiry goes with its case).
    "enquiry": Scrubbed(ENQUIRY, {
        "first_name": "", "last_name": "", "other_names": None, "date_of_birth": None,
        "email": "", "phone": "", "address_line_1": "", "address_line_2": None, "town": "",
        "county": None, "postcode": "", "pets_details": None, "child_name": None,
        "child_relationship": None, "child_details": None, "child_living_since": None,
        "child_age": None, "child_council": None, "heard_about_other": None,
        "first_response_note": None}),
    "enquiry_person": Erased(ENQUIRY),
    # Kept for the figures, with no personal data.
    "stage_spell": Tombstone("Stages and their dates, pathway and Ofsted withdrawal codes: "
                             "the dashboard and past Ofsted returns."),
    "carer_characteristics": Tombstone(
        "The Ofsted return's aggregates of approved carers: the 31 March after each carer's "
        "birth (never the date), sex, ethnic group, disability, religion, relationship status; "
        "no name, contact or date of birth."),
    "case_worker": Tombstone("Which staff worked on the case: the figures by worker."),
    "erased_record": Tombstone("The tombstone: reference, pathway, class, dates and codes."),
    # Rebuilt by the scheduler from the tables above; emptied on every erasure.
    "figures_snapshot": Matched(("html",), delete=True),
    # Emails to and about the household's people.
    "outbox_message": Matched(("to_address", "subject", "body_text", "body_html"),
                              delete=True),
    # No personal data of households or enquirers.
    "enquiry_draft": NoHouseholdData("Unsent enquiry forms, deleted after the agency's days "
                                     "(enquiry_draft_days) by their own job."),
    "agency_setting": NoHouseholdData("The agency's settings."),
    "audit_chain": NoHouseholdData("The audit chain's head: hashes."),
    "audit_event": NoHouseholdData("Ids and codes only (docs/records.md); kept for the "
                                   "retention_audit_years setting."),
    "job_run": NoHouseholdData("The scheduler's log: counts."),
    "scheduler_lease": NoHouseholdData("Which scheduler process leads, and its heartbeat."),
    "role": NoHouseholdData("Staff roles."),
    "user": NoHouseholdData("Staff accounts."),
    "user_role": NoHouseholdData("Staff roles."),
    "team": NoHouseholdData("Teams."),
    "board_count": NoHouseholdData("The number of cases per team, pathway and stage."),
    "staff_session": NoHouseholdData("Staff sessions."),
    "recovery_code": NoHouseholdData("Staff recovery codes (hashed)."),
    "calendar_feed": NoHouseholdData("Staff calendar feed tokens (hashed)."),
    "sign_in_throttle": NoHouseholdData("Hashed sign-in keys, short-lived."),
    "panel_member": NoHouseholdData("The central list: staff and independent members."),
    "meeting_seat": NoHouseholdData("Who sat on a panel."),
}


def register(table: str, coverage: Coverage) -> None:
    """A feature classifies its own table (when it would rather not edit REGISTRY)."""
    REGISTRY[table] = coverage


def unclassified(table_names) -> set[str]:
    return set(table_names) - set(REGISTRY)


def depth(table: str) -> int:
    """How far a table is from its owner's rows: children are deleted before parents."""
    coverage = REGISTRY[table]
    if not isinstance(coverage, Erased) or coverage.via is None:
        return 0
    return 1 + depth(coverage.via[1])


def erased_tables(owner: str) -> list[str]:
    """The owner's erased tables, children first."""
    tables = [t for t, c in REGISTRY.items()
              if isinstance(c, Erased) and c.owner in (owner, EITHER)]
    return sorted(tables, key=depth, reverse=True)
