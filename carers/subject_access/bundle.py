"""The bundle: everything the service holds about a subject access request's person, item
by item, with each item's source (table and record), date and case, in the shape of
``docs/subject-access.schema.json`` (``SCHEMA`` names its version).

What is the person's is found from the records staff linked to the request: as a member of
a household (its member row, or an applicant's account), the whole case file they are part
of (their enquiry, their application answers and the household's shared ones, the documents
list, the messages, the case timeline with staff notes, visits, checks, references about the
household, the assessment report and the family tree); as a referee, their referee record
and the reference they wrote; as a person named in an enquiry, a family tree, an ecomap or
a note, that record.

Other people's information is marked ``third_party``: referees' identities and what they
wrote (when the person is not that referee), another household member's details and their
own application answers (health among them), and anything about the named child of a kinship
case. A marked item is withheld (its fields left out, its note "[withheld: third party]")
until a records officer releases it for this request. Titles never name the third party.

The files people uploaded are listed (name, type, size, date), never included: the person
sent them, and the files can be large; staff send a copy on request.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select

from carers.applicants.models import Applicant
from carers.application import rules as application_rules
from carers.application.models import Application, ApplicationTask
from carers.cases.models import CaseEvent, Household, HouseholdMember
from carers.checks.models import Check, Referee, ReferenceResponse
from carers.checks.rules import CheckKind
from carers.core.dates import utcnow
from carers.enquiries.models import Enquiry, EnquiryPerson
from carers.extensions import db
from carers.family.models import EcomapEntry, FamilyPerson
from carers.messages.models import Message
from carers.pipeline import Pathway, Stage
from carers.portal.information import field_label
from carers.reports import structure
from carers.reports.models import AssessmentReport
from carers.settings.registry import agency_settings
from carers.subject_access.models import SubjectAccessRequest
from carers.uploads import rules as upload_rules
from carers.uploads.models import DocumentRequest, UploadedDocument
from carers.visits.models import Visit
from carers.visits.rules import KINDS, STATUSES, format_when

SCHEMA = "carers.subject-access.v1"
WITHHELD = "[withheld: third party]"

SECTIONS = [
    ("records", "The person's records"),
    ("enquiry", "Enquiry"),
    ("application", "Application answers"),
    ("documents", "Documents (a list: the files are not included)"),
    ("messages", "Messages"),
    ("case_history", "Case history"),
    ("visits", "Visits"),
    ("checks", "Checks"),
    ("references", "References"),
    ("report", "Assessment report"),
    ("family", "Family tree and ecomap"),
]


@dataclass
class Item:
    section: str
    source: str
    record_id: int
    title: str
    on: date | datetime | None = None
    case: str | None = None
    fields: list[tuple[str, Any]] = field(default_factory=list)
    third_party: bool = False

    @property
    def key(self) -> str:
        return f"{self.source}:{self.record_id}"


def _text(value) -> str | None:
    if value is None:
        return None
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    if isinstance(value, datetime):
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _flatten(answers: dict, prefix: str = "") -> list[tuple[str, Any]]:
    """Answers of any shape as (label, value) rows: "Referees 1: Name"."""
    rows: list[tuple[str, Any]] = []
    for key, value in (answers or {}).items():
        label = f"{prefix}{field_label(key)}"
        if isinstance(value, dict):
            rows.extend(_flatten(value, f"{label}: "))
        elif isinstance(value, list) and any(isinstance(v, dict) for v in value):
            for number, entry in enumerate(value, 1):
                if isinstance(entry, dict):
                    rows.extend(_flatten(entry, f"{label} {number}: "))
                else:
                    rows.append((f"{label} {number}", entry))
        elif isinstance(value, list):
            rows.append((label, ", ".join(str(v) for v in value)))
        else:
            rows.append((label, value))
    return rows


@dataclass
class Subject:
    """Who the person is in the records, worked out from the request's links."""

    links: dict[str, set[int]]
    households: set[int] = field(default_factory=set)
    members: set[int] = field(default_factory=set)
    applicants: set[int] = field(default_factory=set)

    @classmethod
    def of(cls, request: SubjectAccessRequest) -> Subject:
        links: dict[str, set[int]] = {}
        for link in request.links or []:
            links.setdefault(str(link["source"]), set()).add(int(link["id"]))
        subject = cls(links)
        subject.households |= links.get("household", set())
        for member in _get_all(HouseholdMember, links.get("household_member")):
            subject.members.add(member.id)
            subject.households.add(member.household_id)
        for applicant in _get_all(Applicant, links.get("applicant")):
            subject.applicants.add(applicant.id)
            subject.households.add(applicant.household_id)
            if applicant.member_id:
                subject.members.add(applicant.member_id)
        for person in _get_all(FamilyPerson, links.get("family_person")):
            if person.member_id:
                subject.members.add(person.member_id)
        if subject.members:
            subject.applicants |= set(db.session.scalars(select(Applicant.id).where(
                Applicant.member_id.in_(subject.members))))
        return subject


def _get_all(model, ids: Iterable[int] | None):
    if not ids:
        return []
    return list(db.session.scalars(select(model).where(model.id.in_(sorted(ids)))))


def gather_items(request: SubjectAccessRequest) -> list[Item]:
    subject = Subject.of(request)
    items: dict[str, Item] = {}

    def add(item: Item):
        items.setdefault(item.key, item)

    households = {h.id: h for h in _get_all(Household, subject.households)}
    # Records linked by themselves first: a referee or an enquiry staff linked to the person
    # is theirs, even where their household's file would mark it as someone else's.
    for item in _direct_items(subject, households):
        add(item)
    for household in households.values():
        for item in _household_items(household, subject):
            add(item)
    order = {key: i for i, (key, _title) in enumerate(SECTIONS)}
    return sorted(items.values(), key=lambda i: order[i.section])


def _household_items(household: Household, subject: Subject) -> Iterable[Item]:
    case = household.reference
    kinship = household.pathway == Pathway.CONNECTED_PERSON.value
    members = list(db.session.scalars(select(HouseholdMember).where(
        HouseholdMember.household_id == household.id).order_by(HouseholdMember.position)))
    mine = {m.id for m in members} & subject.members
    first = members[0].id if members else None

    yield Item("records", "household", household.id, "The case", household.created_at, case, [
        ("Reference", household.reference), ("Household", household.name),
        ("Kind of assessment", _label(Pathway, household.pathway)),
        ("Stage", _label(Stage, household.stage)), ("Email", household.email),
        ("Telephone", household.phone), ("Address", household.address),
        ("Postcode", household.postcode)])
    for member in members:
        yours = member.id in mine
        yield Item("records", "household_member", member.id,
                   "Member of the household" if yours else "Another member of the household",
                   None, case, [("Name", member.name),
                                ("Relationship", member.relationship_to_applicant),
                                ("Date of birth", member.date_of_birth),
                                ("An applicant", member.is_applicant),
                                ("Employer", member.employer), ("School", member.school)],
                   third_party=not yours)
    for applicant in db.session.scalars(select(Applicant).where(
            Applicant.household_id == household.id).order_by(Applicant.id)):
        yours = applicant.id in subject.applicants
        yield Item("records", "applicant", applicant.id,
                   "Account to sign in" if yours else "Another person's account to sign in",
                   applicant.invited_at, case,
                   [("Name", applicant.name), ("Email", applicant.email),
                    ("Telephone", applicant.phone), ("Invited", applicant.invited_at),
                    ("Last signed in", applicant.last_sign_in_at)], third_party=not yours)
    if kinship:
        yield Item("records", "household_child", household.id, "The child in this case", None,
                   case, [("Name", household.child_name),
                          ("Date of birth", household.child_date_of_birth),
                          ("Local authority reference", household.child_la_reference),
                          ("Relationship", household.child_relationship),
                          ("Placing authority", household.child_placing_authority)],
                   third_party=True)
    if household.enquiry_id:
        enquirer_is_them = first in mine
        yield from _enquiry_items(db.session.get(Enquiry, household.enquiry_id), case,
                                  enquirer_is_them)
    yield from _application_items(household, subject, case)
    yield from _document_items(household, mine, case)
    for message in db.session.scalars(select(Message).where(
            Message.household_id == household.id).order_by(Message.id)):
        yield Item("messages", "message", message.id, "Message", message.sent_at, case,
                   [("From", message.author_name),
                    ("From the household", message.author_applicant_id is not None),
                    ("Sent", message.sent_at), ("Message", message.body)])
    for event in db.session.scalars(select(CaseEvent).where(
            CaseEvent.household_id == household.id).order_by(CaseEvent.at, CaseEvent.id)):
        yield Item("case_history", "case_event", event.id, _event_title(event), event.at, case,
                   [("On", event.happened_on), ("What happened", event.summary),
                    ("From stage", _label(Stage, event.from_stage) if event.from_stage else None),
                    ("To stage", _label(Stage, event.to_stage) if event.to_stage else None),
                    ("Note", event.body)])
    for visit in db.session.scalars(select(Visit).where(Visit.household_id == household.id)
                                    .order_by(Visit.starts_at, Visit.id)):
        yield Item("visits", "visit", visit.id, KINDS.get(visit.kind, "Visit"),
                   visit.starts_at_utc, case,
                   [("When", format_when(visit.starts_at_utc, visit.duration_minutes)),
                    ("Where", visit.location), ("Status", STATUSES.get(visit.status)),
                    ("Notes", visit.notes), ("Write-up", visit.write_up)])
    yield from _check_items(household, mine, case)
    for referee in db.session.scalars(select(Referee).where(
            Referee.household_id == household.id).order_by(Referee.id)):
        yield _referee_item(referee, case, third_party=referee.id not in
                            subject.links.get("referee", set()))
    yield from _report_items(household, members, mine, case, kinship)
    yield from _family_items(household, mine, subject, case)


def _event_title(event: CaseEvent) -> str:
    return {CaseEvent.TRANSITION: "Stage change", CaseEvent.NOTE: "Case note",
            CaseEvent.ALLOCATION: "Allocation", CaseEvent.OVERSIGHT: "Management oversight",
            CaseEvent.TASK: "Task", CaseEvent.CREATED: "Case opened"}.get(event.kind, "Event")


def _enquiry_items(enquiry: Enquiry, case: str | None, theirs: bool) -> Iterable[Item]:
    yield Item("enquiry", "enquiry", enquiry.id,
               "Enquiry" if theirs else "Enquiry made by another person",
               enquiry.received_at, case, [
                   ("Reference", enquiry.reference), ("Name", enquiry.full_name),
                   ("Other names", enquiry.other_names),
                   ("Date of birth", enquiry.date_of_birth), ("Email", enquiry.email),
                   ("Telephone", enquiry.phone), ("Address", ", ".join(filter(None, [
                       enquiry.address_line_1, enquiry.address_line_2, enquiry.town,
                       enquiry.county, enquiry.postcode]))),
                   ("Home", f"{enquiry.property_type}, {enquiry.tenure}, "
                            f"{enquiry.bedrooms} bedrooms"),
                   ("Pets", enquiry.pets_details if enquiry.has_pets else enquiry.has_pets),
                   ("Kinds of fostering", ", ".join(enquiry.fostering_types or [])),
                   ("Heard about us", enquiry.heard_about),
                   ("Received", enquiry.received_at),
                   ("First response", enquiry.first_response_at)], third_party=not theirs)
    if enquiry.child_name or enquiry.child_details:
        yield Item("enquiry", "enquiry_child", enquiry.id, "The child named in the enquiry",
                   enquiry.received_at, case, [
                       ("Name", enquiry.child_name),
                       ("Relationship", enquiry.child_relationship),
                       ("Age", enquiry.child_age), ("Details", enquiry.child_details),
                       ("Council", enquiry.child_council)], third_party=True)
    for person in enquiry.people:
        yield _enquiry_person_item(person, case, third_party=True)


def _enquiry_person_item(person: EnquiryPerson, case, third_party: bool) -> Item:
    return Item("enquiry", "enquiry_person", person.id,
                "Another person named in the enquiry" if third_party
                else "Named in an enquiry", None, case,
                [("Name", person.name), ("Relationship", person.relationship_to_enquirer),
                 ("Age", person.age), ("Applying", person.applying)],
                third_party=third_party)


# Household tasks that are about other people: who lives there, and the referees.
_OTHERS_TASKS = {"household", "referees"}


def _application_items(household: Household, subject: Subject, case) -> Iterable[Item]:
    application = db.session.scalar(select(Application).where(
        Application.household_id == household.id))
    if application is None:
        return
    order = {task.key: i for i, task in enumerate(application_rules.TASKS)}
    rows = sorted(application.tasks, key=lambda r: (order.get(r.task, len(order)), r.id))
    for row in rows:
        task = application_rules.BY_KEY.get(row.task)
        title = task.title_for(application.form) if task else row.task
        if row.applicant_id is None:
            others = row.task in _OTHERS_TASKS
            title = f"{title} (the household's answers)"
        else:
            others = row.applicant_id not in subject.applicants
            title = f"Another applicant's answers: {title}" if others else title
        if not row.answers and row.status == ApplicationTask.NOT_STARTED:
            continue
        yield Item("application", "application_task", row.id, title, row.updated_at, case,
                   [("Status", application_rules.STATUS_LABELS.get(row.status, row.status)),
                    *_flatten(row.answers), ("Reopened because", row.reopened_reason)],
                   third_party=others)


def _document_items(household: Household, mine: set[int], case) -> Iterable[Item]:
    requests = list(db.session.scalars(select(DocumentRequest).where(
        DocumentRequest.household_id == household.id).order_by(DocumentRequest.id)))
    others = {r.id for r in requests if r.member_id is not None and r.member_id not in mine}
    for r in requests:
        yield Item("documents", "document_request", r.id, "Document asked for", r.requested_at,
                   case, [("Document", r.title),
                          ("Status", upload_rules.STAFF_LABELS.get(r.status)),
                          ("Note", r.note)], third_party=r.id in others)
    for f in db.session.scalars(select(UploadedDocument).where(
            UploadedDocument.household_id == household.id).order_by(UploadedDocument.id)):
        yield Item("documents", "uploaded_document", f.id, "Document sent", f.uploaded_at, case,
                   [("File name", f.original_name), ("Type", f.content_type),
                    ("Size (bytes)", f.size), ("Sent", f.uploaded_at),
                    ("Comment", f.comment)], third_party=f.request_id in others)


def _check_items(household: Household, mine: set[int], case) -> Iterable[Item]:
    for check in db.session.scalars(select(Check).where(
            Check.household_id == household.id, Check.superseded.is_(False))
            .order_by(Check.member_id.is_(None), Check.kind, Check.id)):
        theirs = check.member_id is None or check.member_id in mine
        about_referee = check.referee_id is not None
        yield Item("checks", "household_check", check.id,
                   "A reference check" if about_referee else (
                       f"Check: {_label(CheckKind, check.kind)}" if theirs
                       else "A check about another person"),
                   check.created_at, case,
                   [("Check", check.subject), ("Requested", check.requested_on),
                    ("Received", check.received_on), ("Outcome", check.outcome),
                    ("Done", check.done_on), ("Expires", check.expires_on),
                    ("Notes", check.notes)], third_party=about_referee or not theirs)


def _referee_item(referee: Referee, case, third_party: bool) -> Item:
    response = db.session.scalar(select(ReferenceResponse).where(
        ReferenceResponse.referee_id == referee.id).order_by(ReferenceResponse.id.desc()))
    rows = [("Referee", referee.name), ("Email", referee.email), ("Telephone", referee.phone),
            ("Relationship", referee.relationship_to_applicant),
            ("Known for (years)", referee.known_since_years),
            ("Interviewed on", referee.interviewed_on),
            ("Interview notes", referee.interview_notes)]
    if response is not None:
        rows += [("Reference sent", response.submitted_at),
                 ("Observations", response.observations),
                 ("Concerns", response.concerns if response.has_concerns else None)]
    return Item("references", "referee", referee.id,
                "A referee and their reference" if third_party else "Referee",
                referee.created_at, case, rows, third_party=third_party)


def _report_items(household, members, mine, case, kinship) -> Iterable[Item]:
    report = db.session.scalar(select(AssessmentReport).where(
        AssessmentReport.household_id == household.id)
        .order_by(AssessmentReport.number.desc()).limit(1))
    if report is None:
        return
    applicants = [(m.id, m.name) for m in members if m.is_applicant]
    titles = {e.key: e.title for e in structure.entries(report.form, applicants)}
    per_applicant = {f"_{m.id}": m.id for m in members}
    for section in report.sections:
        if not (section.body or "").strip():
            continue
        owner = next((mid for suffix, mid in per_applicant.items()
                      if section.key.endswith(suffix)), None)
        about_child = kinship and "child" in section.key
        others = about_child or (owner is not None and owner not in mine)
        title = titles.get(section.key, section.key.replace("_", " ").capitalize())
        if others:
            title = "A report section about another person"
        yield Item("report", "report_section", section.id, title, section.updated_at, case,
                   [("Section", titles.get(section.key, section.key)),
                    ("Text", section.body)], third_party=others)


def _family_items(household, mine, subject: Subject, case) -> Iterable[Item]:
    linked = subject.links.get("family_person", set())
    for person in db.session.scalars(select(FamilyPerson).where(
            FamilyPerson.household_id == household.id).order_by(FamilyPerson.position)):
        theirs = person.id in linked or (person.member_id in mine if person.member_id else False)
        yield _family_person_item(person, case, third_party=not theirs or person.subject_child)
    for entry in db.session.scalars(select(EcomapEntry).where(
            EcomapEntry.household_id == household.id).order_by(EcomapEntry.position)):
        yield _ecomap_item(entry, case, third_party=entry.id not in
                           subject.links.get("ecomap_entry", set()))


def _family_person_item(person: FamilyPerson, case, third_party: bool) -> Item:
    return Item("family", "family_person", person.id,
                "Another person in the family tree" if third_party else "In the family tree",
                None, case, [("Name", person.name), ("Born", person.birth_year),
                             ("Died", person.died_year if person.died else None),
                             ("In the household", person.in_household)],
                third_party=third_party)


def _ecomap_item(entry: EcomapEntry, case, third_party: bool) -> Item:
    return Item("family", "ecomap_entry", entry.id,
                "A connection in the ecomap", None, case,
                [("Name", entry.name), ("Kind", entry.kind), ("Strength", entry.strength)],
                third_party=third_party)


def _direct_items(subject: Subject, households: dict[int, Household]) -> Iterable[Item]:
    """Records linked by themselves, outside a household the person belongs to."""
    links = subject.links

    def case_of(household_id):
        household = households.get(household_id) or db.session.get(Household, household_id)
        return household.reference if household is not None else None

    for enquiry in _get_all(Enquiry, links.get("enquiry")):
        yield from _enquiry_items(enquiry, None, theirs=True)
    for person in _get_all(EnquiryPerson, links.get("enquiry_person")):
        yield _enquiry_person_item(person, None, third_party=False)
    for referee in _get_all(Referee, links.get("referee")):
        yield _referee_item(referee, case_of(referee.household_id), third_party=False)
    for response in _get_all(ReferenceResponse, links.get("reference_response")):
        referee = db.session.get(Referee, response.referee_id)
        theirs = referee.id in links.get("referee", set())
        yield _referee_item(referee, case_of(referee.household_id), third_party=not theirs)
    for person in _get_all(FamilyPerson, links.get("family_person")):
        yield _family_person_item(person, case_of(person.household_id), third_party=False)
    for entry in _get_all(EcomapEntry, links.get("ecomap_entry")):
        yield _ecomap_item(entry, case_of(entry.household_id), third_party=False)
    for event in _get_all(CaseEvent, links.get("case_event")):
        yield Item("case_history", "case_event", event.id, _event_title(event), event.at,
                   case_of(event.household_id),
                   [("On", event.happened_on), ("What happened", event.summary),
                    ("Note", event.body)])


def text_of(value) -> str | None:
    """A field's value as the pages and the JSON show it."""
    return _text(value)


def _label(enum, value):
    try:
        return enum(value).label
    except ValueError:
        return value


def build(request: SubjectAccessRequest, items: list[Item] | None = None) -> dict[str, Any]:
    """The bundle in its documented shape: marked items not released are withheld."""
    items = gather_items(request) if items is None else items
    released = {r.item_key for r in request.releases}
    sections = []
    for key, title in SECTIONS:
        rows = []
        for item in (i for i in items if i.section == key):
            withheld = item.third_party and item.key not in released
            rows.append({
                "key": item.key, "source": item.source, "record_id": item.record_id,
                "title": item.title, "date": _text(item.on), "case": item.case,
                "third_party": item.third_party,
                "released": item.third_party and not withheld, "withheld": withheld,
                "note": WITHHELD if withheld else None,
                "fields": [] if withheld else [
                    {"label": label, "value": _text(value)} for label, value in item.fields
                    if value not in (None, "")],
            })
        sections.append({"key": key, "title": title, "items": rows})
    return {
        "schema": SCHEMA,
        "generated_at": _text(utcnow()),
        "agency": agency_settings().get("agency_name"),
        "request": {"reference": request.reference, "received_on": _text(request.received_on),
                    "due_on": _text(request.due_on),
                    "extended": request.extension_months is not None},
        "subject": {"name": request.requester_name},
        "withheld": sum(1 for s in sections for i in s["items"] if i["withheld"]),
        "sections": sections,
    }
