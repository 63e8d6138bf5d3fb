"""What the report's factual sections print beyond the case's own rows, shaped for Form F
and Form C: the front sheet's service and manager, the regulation 24 history, the chronology,
and, from a version's facts (live or frozen), each applicant's Section A Part 1, the form's
four lists of children and adults, and former partners with their references."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from sqlalchemy import select

from carers.auth.models import Role, User
from carers.cases.models import CaseEvent
from carers.checks.forms import RELATIONSHIP_LABELS
from carers.core.dates import london, today
from carers.extensions import db
from carers.pipeline import Pathway
from carers.settings.registry import agency_settings
from carers.visits.models import Visit
from carers.visits.reg24 import reg24_history
from carers.visits.rules import KINDS as VISIT_KINDS


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value


def front_sheet(household) -> dict:
    """The front sheet's service and manager: the agency and the case's team manager."""
    settings = agency_settings()
    manager = None
    if household.team_id is not None:
        manager = db.session.scalar(
            select(User.name).join(User.roles).where(
                User.team_id == household.team_id, User.active.is_(True),
                Role.key == "team_manager").order_by(User.id).limit(1))
    return {"service": settings["agency_name"],
            "team": household.team.name if household.team else "",
            "team_manager": manager or ""}


def reg24_facts(household) -> dict | None:
    if household.pathway != Pathway.CONNECTED_PERSON.value or not household.reg24_approved_on:
        return None
    return reg24_history(household, today())


# What the chronology takes from the timeline: the case's moves and its creation; notes stay
# in the case record (they may hold what a third party said).
_CHRONOLOGY_EVENTS = (CaseEvent.TRANSITION, CaseEvent.CREATED)


def chronology(household, checks) -> list[dict]:
    """The case's events as a dated list, oldest first: stage changes and decisions from the
    timeline, visits that took place, checks received and references interviewed."""
    lines = [{"on": e.happened_on, "what": e.summary} for e in db.session.scalars(
        select(CaseEvent).where(CaseEvent.household_id == household.id,
                                CaseEvent.kind.in_(_CHRONOLOGY_EVENTS))
        .order_by(CaseEvent.happened_on, CaseEvent.id))]
    lines += [{"on": london(v.starts_at).date(), "what": VISIT_KINDS.get(v.kind, "Visit")}
              for v in db.session.scalars(
                  select(Visit).where(Visit.household_id == household.id,
                                      Visit.status == Visit.TOOK_PLACE)
                  .order_by(Visit.starts_at))]
    for check in checks:
        if check.received_on:
            outcome = f": {check.outcome.label.lower()}" if check.outcome else ""
            lines.append({"on": check.received_on, "what": f"{check.label} received{outcome}"})
        elif check.interviewed_on:
            lines.append({"on": check.interviewed_on, "what": f"{check.label}: interviewed"})
    lines.sort(key=lambda line: line["on"])
    return [{"on": _plain(line["on"]), "what": line["what"]} for line in lines]


def age_on(born: date | None, on: date) -> int | None:
    if born is None:
        return None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def applicant_parts(facts) -> list[SimpleNamespace]:
    """Section A Part 1, one entry per applicant: the case's member (``person``) and what
    they said in their application (``told``, None without an online application)."""
    told = {}
    if facts.application is not None:
        told = {(a.name or "").casefold(): a for a in facts.application.applicants
                if getattr(a, "role", "applicant") == "applicant"}
    return [SimpleNamespace(person=p, told=told.get(p.name.casefold()))
            for p in facts.people if p.is_applicant]


def children_and_adults(facts, on: date) -> SimpleNamespace:
    """Form F's four lists: children under 18 and other adults in the household, children
    under 18 and adult children living elsewhere (from the case and the application)."""
    home = [p for p in facts.people if not p.is_applicant and p.lives_in_household is not False]
    # On the case but living elsewhere: only the applicants' children belong in these lists
    # (a former partner or a relative living elsewhere does not).
    away = [SimpleNamespace(name=p.name, date_of_birth=p.date_of_birth,
                            relationship=RELATIONSHIP_LABELS.get(p.relationship_to_applicant,
                                                                 p.relationship_to_applicant),
                            lives_with="")
            for p in facts.people if not p.is_applicant and p.lives_in_household is False
            and p.relationship_to_applicant == "child"]
    if facts.application is not None:
        named = {a.name.casefold() for a in away}
        away += [c for c in getattr(facts.application, "children_elsewhere", None) or []
                 if (c.name or "").casefold() not in named]

    def child(p) -> bool:
        age = age_on(p.date_of_birth, on)
        if age is None:
            age = getattr(p, "age_at_enquiry", None)
        return age is not None and age < 18

    return SimpleNamespace(children=[p for p in home if child(p)],
                           adults=[p for p in home if not child(p)],
                           children_elsewhere=[c for c in away if child(c)],
                           adult_children_elsewhere=[c for c in away if not child(c)])


def former_partners(facts) -> list[SimpleNamespace]:
    """Each applicant's former partners with the date the relationship ended and the date
    of their reference (the former partner check received, if any)."""
    references = {(c.subject or "").casefold(): c.received_on for c in facts.checks
                  if getattr(c, "kind", "") == "ex_partner"}
    rows = []
    for part in applicant_parts(facts):
        for partner in (getattr(part.told, "past_partners", None) or []) if part.told else []:
            rows.append(SimpleNamespace(
                applicant=part.person.name, name=partner.name, period=partner.period,
                ended_on=getattr(partner, "ended_on", None),
                reference_on=references.get((partner.name or "").casefold())))
    return rows
