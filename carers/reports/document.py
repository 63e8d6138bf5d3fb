"""The assessment report as a printed document, and decision letters.

- ``report_body_html(household, *, draft=None)``: one case's report as an HTML fragment for a
  document extending ``documents/_document.html`` (a panel pack includes one per case);
- ``report_html`` / ``report_pdf``: the report on its own, with a front sheet and contents;
  ``report_pdf`` keeps every PDF it renders, keyed by the SHA-256 of the HTML, and serves an
  unchanged report from there;
- ``letter_pdf(household, kind, **ctx)``: a decision letter to the applicants.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime
from types import SimpleNamespace

from flask import render_template
from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import selectinload

from carers.checks.forms import RELATIONSHIP_LABELS
from carers.checks.ledger import case_ledger, report_lines
from carers.checks.models import Address
from carers.core.dates import today
from carers.corrections.queries import household_disputes
from carers.documents.pdf import render_pdf
from carers.extensions import db
from carers.family.figures import family_facts, figures_html, has_family
from carers.pipeline import Pathway, Recommendation
from carers.reports import structure
from carers.reports.models import (
    ApplicationFacts,
    AssessmentReport,
    StoredPdf,
    TrainingRecord,
)
from carers.reports.parts import (
    age_on,
    applicant_parts,
    children_and_adults,
    chronology,
    former_partners,
    front_sheet,
    reg24_facts,
)
from carers.settings.registry import agency_settings

LETTER_KINDS = {
    "approval": ("documents/letters/approval.html", "Your approval as foster carers"),
    "qualifying_determination": ("documents/letters/qualifying_determination.html",
                                 "Our proposal not to approve you as foster carers"),
}


def latest_report(household) -> AssessmentReport | None:
    return db.session.scalar(
        select(AssessmentReport).where(AssessmentReport.household_id == household.id)
        .order_by(AssessmentReport.number.desc()).limit(1))


def signed_off_report(household) -> AssessmentReport | None:
    """The latest version a manager signed off (what a panel pack should print), if any."""
    return db.session.scalar(
        select(AssessmentReport).where(AssessmentReport.household_id == household.id,
                                       AssessmentReport.signed_off_at.is_not(None))
        .order_by(AssessmentReport.number.desc()).limit(1))


def report_title(household) -> str:
    return structure.TITLES[structure.form_for(household.pathway)]


def _anchor_prefix(household) -> str:
    return "r-" + re.sub(r"[^A-Za-z0-9_-]", "-", household.reference)


def applicants_of(household) -> list[structure.Applicant]:
    """The case's applicants as the report's per-applicant sections name them."""
    return [(m.id, m.name) for m in household.members if m.is_applicant]


def printed_sections(form, report: AssessmentReport | None) -> list[structure.Section]:
    """The sections a version prints: a section kept from an earlier edition only when this
    version has its text."""
    return [s for s in structure.sections(form)
            if not s.legacy or (report is not None and report.text(s.key).strip())]


def report_outline(household, report: AssessmentReport | None = None) -> list[dict]:
    """The report's sections as contents entries: ``{"id", "title"}``; ids are unique within
    a pack (they start with the case reference)."""
    form = report.form if report else structure.form_for(household.pathway)
    prefix = _anchor_prefix(household)
    return [{"id": f"{prefix}-{s.key}", "title": s.title}
            for s in printed_sections(form, report)]


@dataclass
class Facts:
    """What the factual sections print, read from the case, the checks ledger and training;
    or, for a signed-off version, as they stood when it was signed off."""

    household: object
    people: list
    addresses: list
    checks: list
    referees: list
    training: list
    workers: str
    # What the household said in its application (``ApplicationFacts``), or None.
    application: object = None
    # The front sheet's service, manager and key dates; the chronology; the family tree
    # (plain JSON for carers.family.figures); the regulation 24 history (kinship). Versions
    # signed off before these were kept have None.
    front: object = None
    chronology: list | None = None
    family: dict | None = None
    reg24: object = None
    # Live facts only: the application, front sheet, chronology and regulation 24 history as
    # plain JSON, as a signed-off version keeps them.
    plain: dict | None = None


# What each factual row prints: the frozen copy keeps exactly these (dates as ISO text).
_HOUSEHOLD_FIELDS = ("name", "address", "postcode", "phone", "email", "application_received_on",
                     "child_name", "child_date_of_birth", "child_la_reference",
                     "child_relationship", "enquiry_received_on", "referral_received_on",
                     "viability_started_on", "viability_completed_on", "stage1_completed_on",
                     "assessment_completed_on", "panel_date", "child_placed_on",
                     "child_placing_authority")
_PERSON_FIELDS = ("id", "name", "is_applicant", "relationship_to_applicant", "date_of_birth",
                  "age_at_enquiry", "lives_in_household", "employer", "school")
_ADDRESS_FIELDS = ("one_line", "local_authority", "lived_from", "lived_to", "person_name")
_CHECK_FIELDS = ("kind", "subject", "label", "requested_on", "received_on", "interviewed_on",
                 "expires_on", "standing", "dbs_certificate_number", "dbs_issued_on",
                 "dbs_update_service")
_REFEREE_FIELDS = ("name", "relationship_to_applicant", "is_family", "interviewed_on",
                   "standing", "interview_notes", "withdrawn_on", "withdrawn_reason")
_TRAINING_FIELDS = ("course", "provider", "attended_by", "completed_on")


def _facts(household) -> Facts:
    ledger = case_ledger(household, today(), agency_settings())
    # A personal reference stands the same way in the checks table and the references table.
    checks, referees = report_lines(ledger, household)
    addresses = list(db.session.scalars(
        select(Address).where(Address.household_id == household.id)
        .options(selectinload(Address.member))
        .order_by(Address.lived_to.is_(None).desc(), Address.lived_to.desc(), Address.id)))
    training = list(db.session.scalars(
        select(TrainingRecord).where(TrainingRecord.household_id == household.id)
        .order_by(TrainingRecord.completed_on, TrainingRecord.id)))
    # Read once as plain JSON: printed thawed, and kept as they are when signed off.
    plain = {"application": _application_facts(household), "front": front_sheet(household),
             "chronology": chronology(household, checks), "reg24": reg24_facts(household)}
    return Facts(
        household=household, people=list(household.members), addresses=addresses,
        checks=checks, referees=referees, training=training,
        workers=", ".join(w.name for w in household.workers),
        application=_thaw(plain["application"]) if plain["application"] else None,
        front=_thaw(plain["front"]), chronology=_thaw(plain["chronology"]),
        family=family_facts(household), reg24=_thaw(plain["reg24"]), plain=plain)


def _application_facts(household) -> dict | None:
    """The application's facts as plain JSON, with the date it was submitted, or None."""
    row = db.session.get(ApplicationFacts, household.id)
    if row is None:
        return None
    return {**row.facts, "submitted_on": _plain(row.submitted_on)}


def _plain(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def _row(obj, fields) -> dict:
    return {name: _plain(getattr(obj, name)) for name in fields}


def freeze_facts(household) -> dict:
    """The factual sections as they stand now, as plain JSON: kept on a version when it is
    signed off, so the signed-off report never changes with the case."""
    facts = _facts(household)
    return {
        "household": _row(household, _HOUSEHOLD_FIELDS),
        "people": [_row(p, _PERSON_FIELDS) for p in facts.people],
        "addresses": [_row(a, _ADDRESS_FIELDS) for a in facts.addresses],
        "checks": [{**_row(c, _CHECK_FIELDS),
                    "outcome": {"label": c.outcome.label} if c.outcome else None}
                   for c in facts.checks],
        "referees": [{**_row(r, _REFEREE_FIELDS), "response": {
            "submitted_at": _plain(r.response.submitted_at),
            "has_concerns": bool(r.response.has_concerns),
            "years_known": r.response.years_known,
            "observations": r.response.observations,
            "concerns": r.response.concerns} if r.response else None}
            for r in facts.referees],
        "training": [_row(t, _TRAINING_FIELDS) for t in facts.training],
        "workers": facts.workers,
        "family": facts.family,
        **facts.plain,
    }


def _thaw(value, key: str = ""):
    if isinstance(value, dict):
        return SimpleNamespace(**{k: _thaw(v, k) for k, v in value.items()})
    if isinstance(value, list):
        return [_thaw(v) for v in value]
    if isinstance(value, str) and key.endswith("_at"):
        return datetime.fromisoformat(value)
    if isinstance(value, str) and (key.endswith(("_on", "_due")) or key == "on"
                                   or key.endswith("date_of_birth")
                                   or key.startswith("lived_")):
        return date.fromisoformat(value)
    return value


def thaw_facts(frozen: dict) -> Facts:
    facts = _thaw(frozen)
    # Versions signed off before a fact was kept lack it: read a missing one as None.
    return Facts(household=facts.household, people=facts.people, addresses=facts.addresses,
                 checks=facts.checks, referees=facts.referees, training=facts.training,
                 workers=facts.workers, application=getattr(facts, "application", None),
                 front=getattr(facts, "front", None),
                 chronology=getattr(facts, "chronology", None),
                 # The figures read the family as plain JSON, not thawed.
                 family=frozen.get("family"), reg24=getattr(facts, "reg24", None))


def address_rows(addresses) -> list[SimpleNamespace]:
    """The addresses table's rows: joint applicants who lived somewhere together share one
    row, with both their names."""
    rows: dict[tuple, SimpleNamespace] = {}
    for a in addresses:
        key = (a.one_line.casefold(), a.local_authority, a.lived_from, a.lived_to)
        row = rows.setdefault(key, SimpleNamespace(
            one_line=a.one_line, local_authority=a.local_authority, lived_from=a.lived_from,
            lived_to=a.lived_to, people=[]))
        name = getattr(a, "person_name", "")  # versions signed off before it was kept
        if name and name not in row.people:
            row.people.append(name)
    return list(rows.values())


def shared_report(household_id: int) -> AssessmentReport | None:
    """The latest version shared with the applicants in their portal, if any."""
    return db.session.scalar(
        select(AssessmentReport).where(AssessmentReport.household_id == household_id,
                                       AssessmentReport.shared_at.is_not(None))
        .order_by(AssessmentReport.number.desc()).limit(1))


def applicants_copy(household, report: AssessmentReport) -> dict:
    """What the applicants read when ``report`` is shared with them, as plain JSON kept on
    the version: its text and the facts about their own household as they stand now (or as
    signed off). Never third parties' data: no referee's words or concerns, no check's
    outcome (a check may hold what someone else said), no interview notes, no panel."""
    facts = report.facts if report.facts is not None else freeze_facts(household)
    return {
        "number": report.number,
        "form": report.form,
        "recommendation": report.recommendation,
        "terms": report.terms,
        "sections": {key: report.text(key) for key in structure.narrative_keys(
            report.form, frozen_applicants(_thaw(facts["people"])))},
        "household": facts["household"],
        "people": facts["people"],
        "addresses": facts["addresses"],
        "checks": [{"label": c["label"], "received_on": c["received_on"]}
                   for c in facts["checks"]],
        "referees": [{"name": r["name"], "relationship_to_applicant":
                      r["relationship_to_applicant"]} for r in facts["referees"]],
        "training": facts["training"],
        "workers": facts["workers"],
    }


def thaw_copy(copy: dict):
    """The applicants' copy with its dates as dates, for the page."""
    return _thaw(copy)


def outstanding_checks(household) -> list[str]:
    """The required checks and references not yet complete, by name: warned about wherever a
    report is signed off or goes to panel."""
    return list(case_ledger(household, today(), agency_settings()).outstanding)


def frozen_applicants(people) -> list[structure.Applicant]:
    """The applicants a version's per-applicant sections name, from its people (versions
    signed off before members' ids were kept have none: their history was one joint
    section)."""
    return [(p.id, p.name) for p in people
            if p.is_applicant and getattr(p, "id", None) is not None]


def report_facts(household, report: AssessmentReport | None) -> Facts:
    """What a version's factual sections print: frozen at sign-off, else read live."""
    if report is not None and report.facts is not None:
        return thaw_facts(report.facts)
    return _facts(household)


def report_body_html(household, *, draft: bool | None = None,
                     report: AssessmentReport | None = None, contents: bool = False) -> str:
    """One case's assessment report as an HTML fragment (no ``<html>``): its title (bookmark
    level 1), front sheet, sections (level 2) with anchors from ``report_outline``, and the
    case reference for the page headers. ``draft`` None: a DRAFT watermark unless the latest
    version is signed off. ``contents``: add the report's own contents page."""
    report = report or latest_report(household)
    form = structure.Form(report.form) if report else structure.form_for(household.pathway)
    if draft is None:
        draft = report is None or report.is_draft
    outline = report_outline(household, report)
    sections = printed_sections(form, report)
    anchors = {s.key: entry["id"] for s, entry in zip(sections, outline, strict=True)}
    facts = report_facts(household, report)
    prefix = _anchor_prefix(household)
    return render_template(
        "reports/_body.html", household=household, report=report, form=form,
        sections=sections, anchors=anchors, outline=outline, draft=draft,
        title=f"{structure.TITLES[form]}: {household.name}", doc_id=prefix,
        facts=facts, applicants=frozen_applicants(facts.people),
        section_entries=structure.section_entries,
        family_figures=lambda: figures_html(facts.family, prefix),
        has_family=has_family(facts.family),
        relationship_labels=RELATIONSHIP_LABELS, with_contents=contents,
        address_rows=address_rows, parts=applicant_parts(facts),
        people_lists=children_and_adults(facts, today()), partners=former_partners(facts),
        age_on=age_on, today=today(),
        recommendation_label=(Recommendation(report.recommendation).label
                              if report and report.recommendation else ""),
        kinship=household.pathway == Pathway.CONNECTED_PERSON.value,
        disputes=household_disputes(household.id))


def report_html(household, report: AssessmentReport | None = None) -> str:
    """The whole report document (front sheet, contents, sections)."""
    report = report or latest_report(household)
    body = report_body_html(household, report=report, contents=True)
    return render_template(
        "reports/document.html", body=body, doc_title=report_title(household),
        doc_author=_author(household, report))


def _author(household, report) -> str:
    if report is not None and report.author is not None:
        return report.author.name
    return ", ".join(w.name for w in household.workers) or agency_settings()["agency_name"]


def stored_or_rendered(html: str, *, title: str, author: str, kind: str,
                       household_id: int | None) -> tuple[bytes, bool]:
    """The PDF for this exact HTML: from the store if rendered before (True), else rendered
    now and stored (False). Commits nothing: the caller's transaction keeps it."""
    digest = hashlib.sha256(html.encode()).hexdigest()
    content = db.session.scalar(select(StoredPdf.content).where(StoredPdf.html_sha256 == digest))
    if content is not None:
        return content, True
    pdf = render_pdf(html, title=title, author=author)
    # Rendered at the same moment by another request? Theirs is the same PDF: keep theirs.
    insert = postgresql.insert if db.session.get_bind().dialect.name == "postgresql" \
        else sqlite.insert
    if household_id is not None and kind == "report":
        # Only the latest report is downloaded: earlier renderings are of no further use.
        db.session.execute(delete(StoredPdf).where(StoredPdf.household_id == household_id,
                                                   StoredPdf.kind == kind))
    db.session.execute(insert(StoredPdf).values(
        html_sha256=digest, household_id=household_id, kind=kind, size=len(pdf), content=pdf,
    ).on_conflict_do_nothing(index_elements=["html_sha256"]))
    return pdf, False


def report_pdf(household, report: AssessmentReport | None = None) -> tuple[bytes, bool]:
    """The report as a PDF, and whether it came from the store."""
    report = report or latest_report(household)
    html = report_html(household, report)
    return stored_or_rendered(html, title=f"{report_title(household)}: {household.reference}",
                              author=_author(household, report), kind="report",
                              household_id=household.id)


def letter_html(household, kind: str, **ctx) -> str:
    if kind not in LETTER_KINDS:
        raise ValueError(f"No letter template for {kind!r}")
    template, title = LETTER_KINDS[kind]
    settings = agency_settings()
    applicants = [m.name for m in household.members if m.is_applicant] or [household.name]
    context = {"letter_date": today(), "signed_by": settings["agency_name"], **ctx}
    return render_template(
        template, household=household, applicants=applicants, agency=settings,
        doc_title=title, doc_author=settings["agency_name"], doc_reference=household.reference,
        **context)


def letter_pdf(household, kind: str, **ctx) -> bytes:
    """A decision letter as a PDF. ``kind``: "approval" (ctx: ``terms``, ``decided_on``,
    ``first_review_by``, ``signed_by``) or "qualifying_determination" (ctx: ``reasons``,
    ``decided_on``, ``respond_by``, ``signed_by``). ``letter_date`` defaults to today."""
    html = letter_html(household, kind, **ctx)
    return render_pdf(html, title=LETTER_KINDS[kind][1],
                      author=ctx.get("signed_by") or agency_settings()["agency_name"])
