"""State changes for enquiries. Each is one transaction: the caller does nothing after."""

import secrets
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select, update

from carers.audit.operations import record as audit
from carers.cases.models import CaseEvent, Household, HouseholdDetails, HouseholdMember, Team
from carers.cases.operations import (
    REFERENCE_ALPHABET,
    NoTeam,
    _commit,
    _event,
    _touch,
    new_case_reference,
)
from carers.cases.queries import case_of_enquiry
from carers.core.changes import Changed
from carers.core.database import transaction
from carers.core.dates import london, utcnow
from carers.enquiries import choices, journey
from carers.enquiries.models import (
    KINSHIP,
    MAINSTREAM,
    Enquiry,
    EnquiryDraft,
    EnquiryPerson,
    response_working_days,
)
from carers.extensions import db
from carers.notifications.operations import public_url, queue_email
from carers.pipeline import Pathway, Stage
from carers.settings.registry import agency_settings

CONNECTED_PERSON = Pathway.CONNECTED_PERSON.value

NO_TEAM = ("Every case belongs to a team, and you are not in one. Ask an administrator to "
           "add you to a team, or ask someone in the fostering team to open the case.")


def new_reference() -> str:
    while True:
        chars = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
        reference = f"ENQ-{chars[:4]}-{chars[4:]}"
        if db.session.scalar(select(Enquiry.id).where(Enquiry.reference == reference)) is None:
            return reference


def enquiry_from_answers(answers: dict) -> Enquiry:
    about, contact, address = answers["about-you"], answers["contact"], answers["address"]
    home = answers["home"]
    kinship = journey.is_kinship(answers)
    details = answers.get("child-details", {}) if kinship else {}
    living = answers.get("child-living", {}) if kinship else {}
    lives_with_you = living.get("lives_with_you") == "yes" if living else None
    heard, consent = answers["heard"], answers["consent"]
    enquiry = Enquiry(
        reference=new_reference(),
        pathway=KINSHIP if kinship else MAINSTREAM,
        first_name=about["first_name"],
        last_name=about["last_name"],
        other_names=about.get("other_names") or None,
        date_of_birth=date.fromisoformat(about["date_of_birth"]),
        email=contact["email"],
        phone=contact["phone"],
        preferred_contact=contact["preferred_contact"],
        address_line_1=address["address_line_1"],
        address_line_2=address.get("address_line_2") or None,
        town=address["town"],
        county=address.get("county") or None,
        postcode=address["postcode"],
        property_type=home["property_type"],
        tenure=home["tenure"],
        bedrooms=home["bedrooms"],
        spare_bedrooms=home["spare_bedrooms"],
        has_pets=home["has_pets"] == "yes",
        pets_details=home.get("pets_details") or None,
        # The kinds of fostering are a mainstream question: a kinship carer is not asked.
        fostering_types=[] if kinship else answers["fostering"]["fostering_types"],
        knows_child=kinship,
        child_name=details.get("child_name"),
        child_relationship=details.get("child_relationship"),
        child_details=details.get("child_details") or None,
        child_lives_with_enquirer=lives_with_you,
        child_living_since=date.fromisoformat(living["living_since"])
        if lives_with_you and living.get("living_since") else None,
        child_age=living.get("child_age"),
        child_council=living.get("council") or None,
        heard_about=heard["heard_about"],
        heard_about_other=heard.get("heard_about_other") or None,
        privacy_consent_at=utcnow(),
        keep_in_touch=bool(consent.get("keep_in_touch")),
    )
    for position, person in enumerate(answers["household"].get("people", [])):
        enquiry.people.append(EnquiryPerson(
            position=position,
            name=person["name"],
            relationship_to_enquirer=person["relationship"],
            age=person["age"],
            applying=person["applying"] == "yes",
        ))
    return enquiry


def new_draft() -> EnquiryDraft:
    """Somewhere to keep a new enquirer's answers. Added to the session, written with the
    first page saved (``save_draft_page``)."""
    draft = EnquiryDraft(id=secrets.token_urlsafe(32), answers={}, raw={})
    db.session.add(draft)
    return draft


def save_draft_page(draft: EnquiryDraft, raw_key: str, typed: dict,
                    answers_key: str | None = None, value=None,
                    forget: str | None = None) -> None:
    """Keep what was typed on a page under ``raw_key`` and, when it was valid, the answer
    under ``answers_key``; ``forget`` drops another page's typed text (a person's page, once
    they are added). JSON columns are replaced, not mutated, so SQLAlchemy sees the change."""
    with transaction():
        raw = dict(draft.raw or {})
        if forget is not None:
            raw.pop(forget, None)
        raw[raw_key] = typed
        draft.raw = raw
        if answers_key is not None:
            answers = dict(draft.answers or {})
            answers[answers_key] = value
            draft.answers = answers


def remove_household_person(draft: EnquiryDraft, index: int) -> None:
    """Take the ``index``th person off the household the enquirer described."""
    people = list(draft.answers.get("household", {}).get("people", []))
    if not 0 <= index < len(people):
        return
    with transaction():
        people.pop(index)
        answers = dict(draft.answers)
        answers["household"] = {"people": people}
        draft.answers = answers


def discard_draft(draft: EnquiryDraft) -> None:
    """Drop a draft (a bot's): nothing of it is kept."""
    with transaction():
        db.session.delete(draft)


def kinship_team_email() -> str | None:
    """The inbox of the team that takes kinship (connected person) enquiries, if one has
    been given."""
    return db.session.scalar(
        select(Team.email).where(Team.pathway == CONNECTED_PERSON, Team.email.is_not(None))
        .order_by(Team.id).limit(1))


def submit_enquiry(draft: EnquiryDraft) -> Enquiry:
    """Turn a complete draft into an enquiry, queue both emails and drop the draft."""
    enquiry = enquiry_from_answers(draft.answers)
    db.session.add(enquiry)
    db.session.flush()
    settings = agency_settings()
    context = {"enquiry": enquiry, "settings": settings}
    kinship = enquiry.pathway == KINSHIP
    queue_email(enquiry.email, "kinship_enquiry_received" if kinship else "enquiry_received",
                f"enquiry-received:{enquiry.reference}", **context)
    team_address = (kinship and kinship_team_email()) or \
        current_app.config.get("TEAM_ALERT_EMAIL") or settings["team_email"]
    queue_email(
        team_address, "enquiry_alert", f"enquiry-alert:{enquiry.reference}",
        inbox_url=public_url("inbox.detail", reference=enquiry.reference),
        **context,
    )
    audit("create", "enquiry", enquiry.id, {"reference": enquiry.reference})
    db.session.delete(draft)
    db.session.commit()
    return enquiry


class FirstResponseRecorded(Changed):
    """Someone else recorded the enquiry's first response first: nothing was written."""

    message = ("Someone else recorded the first response since you opened this page. "
               "Your note below has not been saved.")


def record_first_response(enquiry: Enquiry, user, note: str | None) -> None:
    """Record the first response, once: of two people recording it at the same moment, the
    second gets FirstResponseRecorded (one conditional UPDATE, so neither note is lost)."""
    now = utcnow()
    took = response_working_days(enquiry.received_at, now)
    recorded = db.session.execute(
        update(Enquiry)
        .where(Enquiry.id == enquiry.id, Enquiry.first_response_at.is_(None))
        .values(first_response_at=now, first_response_by_id=user.id,
                first_response_note=note or None, status=Enquiry.CONTACTED,
                first_response_working_days=took)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not recorded:
        db.session.rollback()
        raise FirstResponseRecorded
    audit("update", "enquiry", enquiry.id, {"first_response": True}, user=user)
    db.session.commit()
    db.session.refresh(enquiry)


def open_case_from_enquiry(enquiry: Enquiry, user) -> Household:
    """Start a case from a public enquiry: mainstream, or a kinship referral to complete."""
    existing = case_of_enquiry(enquiry.id)
    if existing is not None:
        return existing
    if user.team_id is None:
        raise NoTeam(NO_TEAM)
    received = london(enquiry.received_at).date()
    kinship = enquiry.pathway == KINSHIP
    responded = london(enquiry.first_response_at).date() if enquiry.first_response_at else None
    applicants = [p.name for p in enquiry.people if p.applying]
    household = Household(
        reference=new_case_reference(),
        name=" and ".join([enquiry.full_name, *applicants]),
        pathway=Pathway.CONNECTED_PERSON.value if kinship else Pathway.MAINSTREAM.value,
        stage=Stage.REFERRAL.value if kinship else Stage.ENQUIRY.value,
        stage_since=received,
        first_response_on=None if kinship else responded,
        enquiry_id=enquiry.id,
        team_id=user.team_id,
        email=enquiry.email,
        phone=enquiry.phone,
        address=", ".join(p for p in (enquiry.address_line_1, enquiry.address_line_2,
                                      enquiry.town) if p),
        postcode=enquiry.postcode,
        enquiry_received_on=None if kinship else received,
        referral_received_on=received if kinship else None,
        child_name=enquiry.child_name if kinship else None,
        child_relationship=choices.label(choices.CHILD_RELATIONSHIPS, enquiry.child_relationship)
        if kinship else None,
        child_placed_on=enquiry.child_living_since
        if kinship and enquiry.child_lives_with_enquirer else None,
        child_placing_authority=enquiry.child_council if kinship else None,
    )
    if responded and not kinship:
        # The first response recorded on the enquiry is the case's first contact.
        household.stage = Stage.INITIAL_CONTACT.value
        household.stage_since = responded
    household.members.append(HouseholdMember(
        position=0, name=enquiry.full_name, relationship_to_applicant="applicant",
        date_of_birth=enquiry.date_of_birth, is_applicant=True))
    for position, person in enumerate(enquiry.people, start=1):
        household.members.append(HouseholdMember(
            position=position, name=person.name,
            relationship_to_applicant=person.relationship_to_enquirer,
            age_at_enquiry=person.age, is_applicant=person.applying))
    household.workers.append(user)
    db.session.add(household)
    db.session.flush()
    db.session.add(HouseholdDetails(household_id=household.id, has_pets=enquiry.has_pets,
                                    pets_details=enquiry.pets_details))
    _touch(household, None)
    _event(household, user, CaseEvent.CREATED,
           f"Case opened from enquiry {enquiry.reference}", on=received,
           opened_in=Stage.REFERRAL if kinship else Stage.ENQUIRY,
           body=_what_the_enquiry_said(enquiry) if kinship else None)
    if responded and not kinship:
        by = enquiry.first_response_by
        _event(household, by, CaseEvent.TRANSITION,
               f"First contact recorded on enquiry {enquiry.reference}", on=responded,
               action="record_first_contact", from_stage=Stage.ENQUIRY.value,
               to_stage=Stage.INITIAL_CONTACT.value, body=enquiry.first_response_note)
    audit("create", "household", household.id, {"from_enquiry": enquiry.reference}, user=user)
    _commit()
    return household


def _what_the_enquiry_said(enquiry: Enquiry) -> str:
    """The kinship enquirer's own words about the child, kept on the case's first event."""
    lines = []
    if enquiry.child_lives_with_enquirer is not None:
        lives = "Yes" if enquiry.child_lives_with_enquirer else "No"
        if enquiry.child_lives_with_enquirer and enquiry.child_living_since:
            lives += f", since {enquiry.child_living_since:%-d %B %Y}"
        lines.append(f"The child lives with the enquirer now: {lives}")
    if enquiry.child_age is not None:
        lines.append(f"The child's age: {enquiry.child_age}")
    if enquiry.child_council:
        lines.append(f"The council involved: {enquiry.child_council}")
    if enquiry.child_details:
        lines.append(f"The child's situation: {enquiry.child_details}")
    return "\n".join(lines) or None


def delete_abandoned_drafts(now: datetime) -> int:
    """Delete the saved answers of enquiries never sent and left alone for the agency's
    period. One statement: a draft changed meanwhile is newer than the cut-off and stays."""
    cutoff = now - timedelta(days=agency_settings()["enquiry_draft_days"])
    deleted = db.session.execute(
        delete(EnquiryDraft).where(EnquiryDraft.updated_at < cutoff)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return deleted
