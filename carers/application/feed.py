"""Reading a submitted application's answers for the rest of the service: plain Python, no
Flask or database, so ``submission`` can check everything before it writes anything.

``Answers`` gives each task's answers (the shapes are the application's contract: dates as
"YYYY-MM-DD" text, a missing key means not answered); the helpers below turn them into
what the case, the checks ledger and the assessment report store.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from carers.application import rules

# The case's relationship words (carers.checks.forms.RELATIONSHIPS): the checks rules read
# "child" and "ex_partner", and the report prints their labels.
RELATIONSHIP_KEYS = frozenset({"applicant", "partner", "child", "parent", "relative", "lodger",
                               "ex_partner", "other"})
_RELATIONSHIP_WORDS = (
    ("relative", ("in-law", "in law")),  # before "mother": a mother-in-law is a relative
    ("ex_partner", ("ex partner", "ex-partner", "former partner", "ex husband", "ex-husband",
                    "ex wife", "ex-wife")),
    ("child", ("son", "daughter", "child", "stepson", "stepdaughter", "stepchild", "step son",
               "step daughter", "step child", "step-son", "step-daughter", "step-child")),
    ("partner", ("partner", "husband", "wife", "spouse", "civil partner", "boyfriend",
                 "girlfriend", "fiance", "fiancee", "fiancé", "fiancée")),
    ("parent", ("mother", "father", "mum", "dad", "parent", "stepmother", "stepfather",
                "step mother", "step father", "step-mother", "step-father")),
    ("relative", ("grandmother", "grandfather", "grandparent", "grandson", "granddaughter",
                  "grandchild", "brother", "sister", "sibling", "aunt", "uncle", "cousin",
                  "niece", "nephew", "in-law", "in law", "relative")),
    ("lodger", ("lodger", "tenant")),
)

KINDS_OF_EARLIER_APPLICATION = ("foster", "adopt", "childmind")


def name_key(name: str | None) -> str:
    """A name as compared: case and spacing do not matter."""
    return " ".join((name or "").casefold().split())


def relationship_key(text: str | None, default: str = "other") -> str:
    """The case's word for a relationship the applicants described: "Son" is "child",
    "Wife" is "partner"; something not recognised is ``default``."""
    value = (text or "").strip()
    if value in RELATIONSHIP_KEYS:
        return value
    words = name_key(value).replace("_", " ")
    for key, names in _RELATIONSHIP_WORDS:
        for name in names:
            if re.search(rf"(^|[^a-z]){re.escape(name)}($|[^a-z])", words):
                return key
    return default


def clean(value: Any, limit: int | None = None) -> str | None:
    """Text as stored: trimmed, empty as None, cut to the column's length."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    return text[:limit] if limit else text


def whole_number(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


@dataclass
class Problems:
    """What stops the application feeding the case, as sentences for the applicant."""

    found: list[str] = field(default_factory=list)

    def add(self, text: str) -> None:
        if text not in self.found:
            self.found.append(text)

    def date(self, value: Any, what: str, today: date, *, past: bool = True) -> date | None:
        """An answer's date, or None (a problem is noted if it is there but not a date)."""
        if value in (None, ""):
            return None
        try:
            parsed = date.fromisoformat(str(value))
        except ValueError:
            self.add(f"{what} is not a real date.")
            return None
        if past and parsed > today:
            self.add(f"{what} cannot be in the future.")
            return None
        return parsed


class Answers:
    """Each task's answers: a person's own (``mine``) or the household's (``shared``)."""

    def __init__(self, tasks: Iterable[Any]) -> None:
        self._personal: dict[tuple[int, str], dict] = {}
        self._household: dict[str, tuple[Any, dict]] = {}
        for task in tasks:
            answers = task.answers if isinstance(task.answers, dict) else {}
            if task.applicant_id is None:
                # A household task should have one row; if two were made, the later save
                # is what the household last said.
                seen = self._household.get(task.task)
                if seen is None or _later(task, seen[0]):
                    self._household[task.task] = (task, answers)
            else:
                self._personal[(task.applicant_id, task.task)] = answers

    def mine(self, applicant_id: int, task: str) -> dict | None:
        return self._personal.get((applicant_id, task))

    def shared(self, task: str) -> dict | None:
        found = self._household.get(task)
        return found[1] if found else None


def _later(task, other) -> bool:
    if task.updated_at and other.updated_at and task.updated_at != other.updated_at:
        return task.updated_at > other.updated_at
    return (task.id or 0) > (other.id or 0)


def items(answers: dict | None, key: str) -> list[dict]:
    """A list answer's entries that are dicts (anything else is ignored)."""
    value = (answers or {}).get(key)
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def contact_line(*parts: Any) -> str:
    return ", ".join(p for p in (clean(x) for x in parts) if p)


def period(start: Any, end: Any) -> str:
    """"2009 to 2015" from two dates or years as given ("from" and "to" answers)."""
    def show(value: Any) -> str:
        text = clean(value) or ""
        try:
            d = date.fromisoformat(text)
        except ValueError:
            return text
        return f"{d:%B %Y}"

    start_text, end_text = show(start), show(end)
    if start_text and end_text:
        return f"{start_text} to {end_text}"
    return start_text or (f"until {end_text}" if end_text else "")


def previous_fostering(applications: Iterable[dict]) -> str | None:
    """The agency of the latest approval to foster among earlier applications: FSR 26(1A)(b)
    asks that provider for a reference if the fostering was in the last 12 months."""
    approved = []
    for item in applications:
        outcome = name_key(clean(item.get("outcome")))
        if item.get("kind") != "foster" or not clean(item.get("agency")):
            continue
        if "approved" in outcome and "not approved" not in outcome \
                and "unapproved" not in outcome:
            approved.append((whole_number(item.get("year")) or 0, clean(item.get("agency"))))
    return max(approved)[1] if approved else None


def person_facts(name: str, role: str, about: dict | None, work: dict | None,
                 health: dict | None, relationships: dict | None,
                 earlier: dict | None, date_of_birth: date | None,
                 children_elsewhere: list[dict] | None = None) -> dict:
    """One person's part of the report's application facts
    (``carers.reports.models.ApplicationFacts``). ``children_elsewhere`` is the household's
    list (``children_elsewhere_facts``), given to each joint applicant."""
    about = about or {}
    previous = about.get("previous_names")
    religion = clean(about.get("religion"))
    disabled = about.get("registered_disabled")
    disabled = disabled if disabled in rules.DISABILITY_ANSWERS else None
    facts: dict[str, Any] = {
        "name": name, "role": role, "known_as": clean(about.get("known_as")),
        "previous_names": [n for n in (clean(x) for x in previous) if n]
        if isinstance(previous, list) else [],
        "date_of_birth": date_of_birth.isoformat() if date_of_birth else None,
        "place_of_birth": contact_line(about.get("birth_town"), about.get("birth_country"))
        or None,
        "sex": clean(about.get("sex")), "nationality": clean(about.get("nationality")),
        "languages": _text_or_list(about.get("languages")),
        "religion": religion, "practising": rules.practising(religion, about.get("practising")),
        "ethnicity": clean(about.get("ethnicity")),
        "registered_disabled": disabled,
        "disability_details": clean(about.get("disability_details")) if disabled == "yes"
        else None,
        "work": None, "health": None, "relationships": relationships is not None,
        "partnership": None, "current_partner": None, "past_partners": [],
        "earlier_applications": None,
        "children_elsewhere": list(children_elsewhere or []) if role == rules.APPLICANT
        else [],
    }
    if work is not None:
        facts["work"] = {
            "status": clean(work.get("status")), "job_title": clean(work.get("job_title")),
            "employer_name": clean(work.get("employer_name")), "hours": clean(work.get("hours")),
            "income_annual": whole_number(work.get("income_annual")),
            "other_income": clean(work.get("other_income")),
        }
    if health is not None:
        good = health.get("good_health")
        facts["health"] = {
            "good_health": good if isinstance(good, bool) else None,
            "conditions": clean(health.get("conditions")),
            "medication": clean(health.get("medication")),
            "gp_name": clean(health.get("gp_name")), "gp_address": clean(health.get("gp_address")),
        }
    if relationships is not None:
        current = relationships.get("current_partner")
        if isinstance(current, dict) and clean(current.get("name")):
            facts["current_partner"] = {"name": clean(current.get("name")),
                                        "since": period(current.get("since"), None)}
        has_partner = None if "current_partner" not in relationships \
            else isinstance(current, dict) and bool(clean(current.get("name")))
        facts["partnership"] = rules.partnership(
            has_partner, relationships.get("partnership_kind"),
            relationships.get("partnership_since"), clean(relationships.get("partnership_place")))
        facts["past_partners"] = [
            {"name": clean(p.get("name")), "period": period(p.get("from"), p.get("to")),
             "ended_on": _iso(p.get("to")),
             "children_together": p.get("children_together")
             if isinstance(p.get("children_together"), bool) else None}
            for p in items(relationships, "past_partners") if clean(p.get("name"))]
    if earlier is not None:
        facts["earlier_applications"] = [
            {"kind": clean(a.get("kind")), "agency": clean(a.get("agency")),
             "year": clean(a.get("year")), "outcome": clean(a.get("outcome"))}
            for a in items(earlier, "applications")] if earlier.get("any") else []
    return facts


def children_elsewhere_facts(household: dict | None) -> list[dict]:
    """The household's children (adult children too) who live elsewhere, for the report:
    [{name, date_of_birth, relationship, lives_with}]."""
    return [{"name": clean(c.get("name")), "date_of_birth": _iso(c.get("date_of_birth")),
             "relationship": clean(c.get("relationship")),
             "lives_with": clean(c.get("lives_with"))}
            for c in items(household, "children_elsewhere") if clean(c.get("name"))]


def _iso(value: Any) -> str | None:
    """A date answer as ISO text, or None if it is not a real date."""
    try:
        return date.fromisoformat(str(value)).isoformat() if value else None
    except ValueError:
        return None


def home_facts(home: dict | None) -> dict | None:
    if home is None:
        return None

    def yes_no(key: str) -> bool | None:
        value = home.get(key)
        return value if isinstance(value, bool) else None

    return {
        "tenure": clean(home.get("tenure")), "landlord_consent": yes_no("landlord_consent"),
        "bedrooms": whole_number(home.get("bedrooms")),
        "spare_bedrooms": whole_number(home.get("spare_bedrooms")),
        "spare_bedroom_details": clean(home.get("spare_bedroom_details")),
        "has_pets": yes_no("has_pets"), "pets_details": clean(home.get("pets_details")),
        "smoking": yes_no("smoking"), "smoking_details": clean(home.get("smoking_details")),
    }


def _text_or_list(value: Any) -> str | None:
    if isinstance(value, list):
        return ", ".join(v for v in (clean(x) for x in value) if v) or None
    return clean(value)
