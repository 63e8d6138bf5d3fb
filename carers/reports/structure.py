"""The shape of the assessment report: which sections each form has, in order, and which of
them the worker writes. Plain Python, no Flask.

Mainstream cases follow CoramBAAF Form F (England): a front sheet with the recommendation
and a pen picture; Section A, factual (Part 1 the Stage 1 information, Part 2 checks and
verification); Section B, analysis; Section C, supporting information. Kinship (connected
person) cases follow Form C, 2011 edition, Section B: B1 the child, B2 the birth family, B3
the applicants, B4 capacity to care for this child, B6 the applicant's report (their
comments), B7 summary and recommendation (docs/domain.md section 2).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from carers.pipeline import Pathway


class Form(StrEnum):
    F = "form_f"
    C = "form_c"

    @property
    def label(self) -> str:
        return {"form_f": "Form F", "form_c": "Form C"}[self.value]


class Kind(StrEnum):
    NARRATIVE = "narrative"  # written by the worker, autosaved
    RECOMMENDATION = "recommendation"
    HOUSEHOLD = "household"  # household, people and addresses from the case
    CHILD = "child"  # the named child, from the case (kinship)
    CHECKS = "checks"  # checks and references from the checks ledger
    TRAINING = "training"
    COMMENTS = "comments"  # the applicant's comments, as recorded
    SIGN_OFF = "sign_off"


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    kind: Kind
    hint: str = ""
    front: bool = False  # on the front sheet, before the contents
    writes: str = ""  # a narrative key written within a factual section (kinship B1, B3)

    @property
    def narrative_key(self) -> str | None:
        if self.kind is Kind.NARRATIVE:
            return self.key
        return self.writes or None


FORM_F = (
    Section("recommendation", "Recommendation", Kind.RECOMMENDATION, front=True),
    Section("pen_picture", "Pen picture", Kind.NARRATIVE, front=True,
            hint="Who the applicants are, in a few paragraphs a panel member can read first: "
                 "the household, what they offer and the fostering they are suited to."),
    Section("household", "Section A, Part 1: The household", Kind.HOUSEHOLD),
    Section("checks", "Section A, Part 2: Checks and references", Kind.CHECKS),
    Section("training", "Section A, Part 2: Preparation training", Kind.TRAINING),
    Section("history", "Section B: History and relationships", Kind.NARRATIVE,
            hint="Childhood, education, work, relationships and significant life events, "
                 "and how they shape the applicants' capacity to care for other children."),
    Section("lifestyle", "Section B: Lifestyle and home", Kind.NARRATIVE,
            hint="Daily life, health, the home and neighbourhood, pets, support network."),
    Section("capacity", "Section B: Capacity to foster", Kind.NARRATIVE,
            hint="Evidence of each competence: caring for children, working with others, "
                 "contact with birth families, safer caring, managing behaviour."),
    Section("preparation", "Section B: Preparation for fostering", Kind.NARRATIVE,
            hint="Training, what the applicants learned, and what support they will need."),
    Section("supporting", "Section C: Supporting information", Kind.NARRATIVE,
            hint="Anything else the panel should know: health reports, references' views, "
                 "the views of the applicants' own children."),
    Section("comments", "The applicants' comments on this report", Kind.COMMENTS),
    Section("sign_off", "Sign-off", Kind.SIGN_OFF),
)

FORM_C = (
    Section("recommendation", "Recommendation", Kind.RECOMMENDATION, front=True),
    Section("child", "B1: The child", Kind.CHILD, writes="child",
            hint="The child's needs, wishes and feelings, health, education and identity."),
    Section("birth_family", "B2: The birth family", Kind.NARRATIVE,
            hint="The child's parents and wider family, the plan for contact, and how the "
                 "applicants relate to them."),
    Section("applicant", "B3: The applicants", Kind.HOUSEHOLD, writes="applicant",
            hint="The applicants' history, relationship with the child, health and home."),
    Section("checks", "B3: Checks and references", Kind.CHECKS),
    Section("capacity", "B4: Capacity to care for this child", Kind.NARRATIVE,
            hint="How the applicants will meet this child's needs now and as they grow, "
                 "keep them safe, and manage contact."),
    Section("summary", "B7: Summary and recommendation", Kind.NARRATIVE,
            hint="The assessment's conclusions and the reasons for the recommendation."),
    Section("comments", "B6: The applicants' comments on this report", Kind.COMMENTS),
    Section("sign_off", "Sign-off", Kind.SIGN_OFF),
)

FORMS = {Form.F: FORM_F, Form.C: FORM_C}
TITLES = {Form.F: "Assessment report (Form F)", Form.C: "Connected person assessment (Form C)"}


def form_for(pathway: str) -> Form:
    return Form.C if pathway == Pathway.CONNECTED_PERSON.value else Form.F


def sections(form: str | Form) -> tuple[Section, ...]:
    return FORMS[Form(form)]


def narrative_keys(form: str | Form) -> tuple[str, ...]:
    return tuple(s.narrative_key for s in sections(form) if s.narrative_key)


def narrative_section(form: str | Form, key: str) -> Section | None:
    return next((s for s in sections(form) if s.narrative_key == key), None)


# Longest narrative section we keep: about 30 pages of text; far above any real section.
MAX_SECTION_CHARS = 100_000


def sign_off_problems(form: str | Form, texts: dict[str, str],
                      recommendation: str | None) -> list[tuple[str, str]]:
    """What stops a manager signing the report off: (section key, message) pairs."""
    problems = []
    if not recommendation:
        problems.append(("recommendation", "Record the recommendation before signing off"))
    for section in sections(form):
        key = section.narrative_key
        if key and not (texts.get(key) or "").strip():
            problems.append((key, f"Write “{section.title}” before signing off"))
    return problems
