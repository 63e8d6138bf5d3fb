"""The shape of the assessment report: which sections each form has, in order, which of them
the worker writes, and which are written once per applicant. Plain Python, no Flask.

Mainstream cases follow CoramBAAF Form F (England), revised 2014, updated 2017: a front
sheet (applicants, the service, worker and manager, key dates, the recommendation and a pen
picture); Section A, factual (Part 1 per applicant, the household, children and adults
elsewhere and former partners; Part 2 verification, statutory checks, the medical adviser's
summary, health and safety, employment and finances, previous applications); Section B,
description and analysis (each applicant's history, the family and lifestyle, fostering
capacity against the form's competence areas, preparation); Section C, supporting
information (referees' reports and interviews, former partners, the household's views, the
safer caring policy, the applicants' comments); appendices (family tree and chronology).

Kinship (connected person) cases follow Form C (England): a front sheet naming the subject
child, the summary and recommendation and the family tree; the viability assessment; the
child, their relationship to the carers and their needs; the birth family; the carers;
checks and references; capacity to meet the child's needs; the plan for contact; the
regulation 24 history; the applicants' comments; the chronology.

Keys stay stable across editions: a version written before a section was split (the joint
``history`` and ``capacity`` of earlier Form F versions) keeps its text, printed in its
place, and is never asked for again (``legacy``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from carers.pipeline import Pathway


class Form(StrEnum):
    F = "form_f"
    C = "form_c"

    @property
    def label(self) -> str:
        return {"form_f": "Form F (England)", "form_c": "Form C (England)"}[self.value]


class Kind(StrEnum):
    NARRATIVE = "narrative"  # written by the worker, autosaved
    RECOMMENDATION = "recommendation"
    APPLICANTS = "applicants"  # Section A Part 1, one block per applicant
    HOUSEHOLD = "household"  # the home, the people in and out of it, addresses
    CHILD = "child"  # the named child, from the case (kinship)
    VIABILITY = "viability"  # the viability assessment's dates (kinship)
    CHECKS = "checks"  # verification and statutory checks from the checks ledger
    EMPLOYMENT = "employment"  # employers and income, from the application
    EARLIER = "earlier"  # previous applications to foster, adopt or childmind
    HOME = "home"  # the home's facts, for health and safety
    HEALTH = "health"  # each applicant's own health declaration, from the application
    REFERENCES = "references"  # referees' reports, interview summaries, not taken up
    TRAINING = "training"
    REG24 = "reg24"  # temporary approval, nominated officers, visits (kinship)
    FAMILY_TREE = "family_tree"  # genogram and ecomap, with the same in words
    CHRONOLOGY = "chronology"  # the case's dated events
    COMMENTS = "comments"  # the applicant's comments, as recorded
    SIGN_OFF = "sign_off"


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    kind: Kind
    hint: str = ""
    front: bool = False  # on the front sheet, before the contents
    writes: str = ""  # a narrative key written within a factual section
    per_applicant: bool = False  # one narrative per applicant: keys "<key>_<member id>"
    optional: bool = False  # sign-off does not wait for it
    legacy: bool = False  # kept from an earlier edition: printed only when written

    @property
    def narrative_key(self) -> str | None:
        if self.kind is Kind.NARRATIVE:
            return self.key
        return self.writes or None


@dataclass(frozen=True)
class Entry:
    """One box the worker writes: a section's narrative, or one applicant's part of it."""

    key: str
    title: str
    hint: str
    section: Section
    name: str = ""  # the applicant, for one applicant's part


# An applicant as the structure needs them: the household member's id and name.
Applicant = tuple[int, str]

# Form F (England)'s competence areas for fostering capacity, each assessed with evidence.
COMPETENCES = (
    ("capacity_caring", "Caring for children",
     "Meeting a child's needs day to day: health, education, identity, play, routines, and "
     "helping a child who has experienced trauma and loss. Give evidence from the "
     "applicants' own experience."),
    ("capacity_safe", "Providing a safe and caring environment",
     "Keeping children safe at home and online, managing behaviour without physical "
     "punishment, and recognising and reporting abuse."),
    ("capacity_team", "Working as part of a team",
     "Working with the child's social worker, school and health services; supporting "
     "contact with the birth family; keeping records and sharing information."),
    ("capacity_development", "Own development",
     "Learning from training and experience, asking for support, managing the impact of "
     "fostering on themselves and their family."),
)

FORM_F = (
    Section("recommendation", "Recommendation", Kind.RECOMMENDATION, front=True),
    Section("pen_picture", "Pen picture", Kind.NARRATIVE, front=True,
            hint="Who the applicants are, in a few paragraphs a panel member can read first: "
                 "the household, what they offer and the fostering they are suited to."),
    Section("applicants", "Section A, Part 1: The applicants", Kind.APPLICANTS),
    Section("household", "Section A, Part 1: The household, children and former partners",
            Kind.HOUSEHOLD),
    Section("checks", "Section A, Part 2: Verification and statutory checks", Kind.CHECKS),
    Section("medical", "Section A, Part 2: Medical adviser's summary", Kind.HEALTH,
            writes="medical",
            hint="The agency medical adviser's summary of each applicant's health and what "
                 "it means for fostering."),
    Section("health_safety", "Section A, Part 2: Health and safety", Kind.HOME,
            writes="health_safety",
            hint="The home's health and safety check, pets, smoking, cars and anything "
                 "that needs doing before a child is placed."),
    Section("finances", "Section A, Part 2: Employment and finances", Kind.EMPLOYMENT,
            writes="finances",
            hint="Whether the household's income and outgoings allow for fostering, and "
                 "what employers have said about time off."),
    Section("earlier", "Section A, Part 2: Previous applications", Kind.EARLIER),
    Section("applicant_history", "Section B, Part 1: History", Kind.NARRATIVE,
            per_applicant=True,
            hint="Childhood, education, work, relationships and significant life events, "
                 "and how they shape this applicant's capacity to care for other children."),
    Section("history", "Section B, Part 1: History (both applicants)", Kind.NARRATIVE,
            legacy=True),
    Section("lifestyle", "Section B, Part 1: Family and lifestyle", Kind.NARRATIVE,
            hint="The family as it is now: daily life, the home and neighbourhood, the "
                 "applicants' own children, their support network."),
    *(Section(key, f"Section B, Part 2: Fostering capacity: {title}", Kind.NARRATIVE,
              hint=hint) for key, title, hint in COMPETENCES),
    Section("capacity", "Section B, Part 2: Fostering capacity (summary)", Kind.NARRATIVE,
            legacy=True),
    Section("preparation", "Section B, Part 3: Preparation for fostering", Kind.TRAINING,
            writes="preparation",
            hint="What the applicants learned in training, and what support they will "
                 "need."),
    Section("references", "Section C: Referees' reports and interviews", Kind.REFERENCES),
    Section("former_partners", "Section C: Former partners", Kind.NARRATIVE,
            hint="What former partners said, or why a former partner was not contacted."),
    Section("household_views", "Section C: Views of the household and the applicants' "
            "children", Kind.NARRATIVE,
            hint="The views of the applicants' children, at home or elsewhere, and of other "
                 "adults in the household, as they gave them."),
    Section("safer_caring", "Section C: Safer caring policy", Kind.NARRATIVE,
            hint="The household's safer caring policy, as agreed with the applicants."),
    Section("supporting", "Section C: Other supporting information", Kind.NARRATIVE,
            optional=True,
            hint="Anything else the panel should know (optional)."),
    Section("comments", "Section C: The applicants' comments on this report", Kind.COMMENTS),
    Section("family_tree", "Appendix: Family tree and ecomap", Kind.FAMILY_TREE),
    Section("chronology", "Appendix: Chronology", Kind.CHRONOLOGY),
    Section("sign_off", "Sign-off", Kind.SIGN_OFF),
)

FORM_C = (
    Section("recommendation", "Summary and recommendation", Kind.RECOMMENDATION, front=True,
            writes="summary",
            hint="The assessment's conclusions and the reasons for the recommendation."),
    Section("family_tree", "Family tree", Kind.FAMILY_TREE, front=True),
    Section("viability", "The viability assessment", Kind.VIABILITY, writes="viability",
            hint="What the viability assessment found and why a full assessment followed."),
    Section("child", "The child, their relationship to the carers and their needs",
            Kind.CHILD, writes="child",
            hint="The child's needs, wishes and feelings, health, education and identity, "
                 "and how they know the carers."),
    Section("birth_family", "The birth family", Kind.NARRATIVE,
            hint="The child's parents and wider family, and how the carers relate to them."),
    Section("applicant", "The carers", Kind.APPLICANTS, writes="applicant",
            hint="The carers' history, health, home and support network."),
    Section("household", "The household", Kind.HOUSEHOLD),
    Section("checks", "Checks", Kind.CHECKS),
    Section("references", "References and interviews", Kind.REFERENCES),
    Section("capacity", "The carers' capacity to meet the child's needs", Kind.NARRATIVE,
            hint="How the carers will meet this child's needs now and as they grow, and "
                 "keep them safe."),
    Section("contact", "The plan for contact with the birth family", Kind.NARRATIVE,
            hint="Who the child sees, how often, where, supervised or not, and how the "
                 "carers will manage it."),
    Section("reg24", "Regulation 24 history", Kind.REG24),
    Section("comments", "The applicants' comments on this report", Kind.COMMENTS),
    Section("chronology", "Appendix: Chronology", Kind.CHRONOLOGY),
    Section("sign_off", "Sign-off", Kind.SIGN_OFF),
)

FORMS = {Form.F: FORM_F, Form.C: FORM_C}
TITLES = {Form.F: "Prospective foster carer report (Form F)",
          Form.C: "Connected person report (Form C)"}


def form_for(pathway: str) -> Form:
    return Form.C if pathway == Pathway.CONNECTED_PERSON.value else Form.F


def sections(form: str | Form) -> tuple[Section, ...]:
    return FORMS[Form(form)]


def entries(form: str | Form, applicants: Sequence[Applicant] = ()) -> list[Entry]:
    """Every box the worker can write, in the report's order: a per-applicant section gives
    one box per applicant (or one joint box when the case names no applicant)."""
    return [entry for section in sections(form)
            for entry in section_entries(section, applicants)]


def narrative_keys(form: str | Form, applicants: Sequence[Applicant] = ()) -> tuple[str, ...]:
    return tuple(e.key for e in entries(form, applicants))


def current_keys(form: str | Form, applicants: Sequence[Applicant] = ()) -> tuple[str, ...]:
    """The boxes a report of this edition is written in (no legacy ones)."""
    return tuple(e.key for e in entries(form, applicants) if not e.section.legacy)


def narrative_entry(form: str | Form, key: str,
                    applicants: Sequence[Applicant] = ()) -> Entry | None:
    return next((e for e in entries(form, applicants) if e.key == key), None)


def written_entries(form: str | Form, texts: dict[str, str],
                    applicants: Sequence[Applicant] = ()) -> list[Entry]:
    """The boxes a version shows: legacy boxes only when they hold text."""
    return [e for e in entries(form, applicants)
            if not e.section.legacy or (texts.get(e.key) or "").strip()]


def section_entries(section: Section, applicants: Sequence[Applicant] = ()) -> list[Entry]:
    """The boxes one section prints (several for a per-applicant section)."""
    key = section.narrative_key
    if not key:
        return []
    if section.per_applicant and applicants:
        return [Entry(f"{key}_{member_id}", f"{section.title}: {name}", section.hint,
                      section, name) for member_id, name in applicants]
    return [Entry(key, section.title, section.hint, section)]


# Longest narrative section we keep: about 30 pages of text; far above any real section.
MAX_SECTION_CHARS = 100_000


def sign_off_problems(form: str | Form, texts: dict[str, str], recommendation: str | None,
                      applicants: Sequence[Applicant] = ()) -> list[tuple[str, str]]:
    """What stops a manager signing the report off: (section key, message) pairs."""
    problems = []
    if not recommendation:
        problems.append(("recommendation", "Record the recommendation before signing off"))
    for entry in entries(form, applicants):
        if entry.section.optional or entry.section.legacy:
            continue
        if not (texts.get(entry.key) or "").strip():
            problems.append((entry.key, f"Write “{entry.title}” before signing off"))
    return problems
