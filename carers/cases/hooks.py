"""Extension points: what features above cases tell a case, without cases importing them.

Cases sit below checks and visits, yet a case moving on needs to know whether its checks
are in (checks) and which initial visit a stage records (visits). Those features register
a provider here when the app is built (``carers.app``); cases asks whatever is registered.
"""

from collections.abc import Callable
from datetime import date
from typing import Any

# Facts other features know about whether a case may move on: each provider takes
# (household, today, settings) and returns some of TransitionFacts' fields by name.
Readiness = Callable[[Any, date, Any], dict]
# The initial home visits a case's "initial visit" stage can record, earliest first: each
# provider takes the household and returns (visit, label) pairs.
InitialVisits = Callable[[Any], list[tuple[Any, str]]]

# Sections of the staff case page that features above cases fill (the applicants'
# invitations, their application, documents, messages): each provider takes (household,
# user) and returns a (template name, context) pair to include, or None for nothing.
CaseSection = Callable[[Any, Any], tuple[str, dict] | None]

# Short notes beside each case in a list of someone's cases ("2 unread messages" on My
# work): each provider takes (household ids, user) and returns {household id: note}, in one
# query for the whole page of cases.
CaseListNotes = Callable[[list[int], Any], dict[int, str]]

# What other features do when a case moves (the panel takes a case off its list): each
# handler takes (household, transition record, user) and works in the mover's transaction.
OnMoved = Callable[[Any, Any, Any], None]
# Next actions other features know of (the panel: the applicant's response to a qualifying
# determination): each provider takes (household, today) and returns plain sentences.
NextSteps = Callable[[Any, date], list[str]]

readiness: list[Readiness] = []
on_moved_handlers: list[OnMoved] = []
next_step_providers: list[NextSteps] = []
initial_visit_options: list[InitialVisits] = []
case_page_sections: list[CaseSection] = []
case_list_notes: list[CaseListNotes] = []

# With nothing registered, a case is held where it is: Stage 1 is not complete and the
# required checks count as outstanding, so no gate opens on facts nobody has checked.
UNKNOWN = ("the required checks",)
SAFE_READINESS = {
    "stage1_items_complete": False,
    "stage1_outstanding": (),
    "outstanding_checks": UNKNOWN,
    "reg24_outstanding": UNKNOWN,
}


def _register(providers: list, provider) -> None:
    # The app is built more than once in one process (tests, the scheduler): once is enough.
    if provider not in providers:
        providers.append(provider)


def register_readiness(provider: Readiness) -> None:
    _register(readiness, provider)


def register_initial_visits(provider: InitialVisits) -> None:
    _register(initial_visit_options, provider)


def register_case_section(provider: CaseSection) -> None:
    _register(case_page_sections, provider)


def register_case_list_notes(provider: CaseListNotes) -> None:
    _register(case_list_notes, provider)


def register_on_moved(handler: OnMoved) -> None:
    _register(on_moved_handlers, handler)


def register_next_steps(provider: NextSteps) -> None:
    _register(next_step_providers, provider)


def moved(household, record, user) -> None:
    """Tell every registered feature the case has moved (inside the mover's transaction)."""
    for handler in on_moved_handlers:
        handler(household, record, user)


def next_steps(household, today: date) -> list[str]:
    return [step for provider in next_step_providers for step in provider(household, today)]


def notes_for_cases(household_ids: list[int], user) -> dict[int, list[str]]:
    """Every registered feature's notes for these cases, by household id."""
    notes: dict[int, list[str]] = {}
    if not household_ids:
        return notes
    for provider in case_list_notes:
        for household_id, note in provider(household_ids, user).items():
            notes.setdefault(household_id, []).append(note)
    return notes


def case_sections(household, user) -> list[tuple[str, dict]]:
    """What each registered feature shows on the case page, in registration order."""
    return [section for provider in case_page_sections
            if (section := provider(household, user)) is not None]


def readiness_facts(household, today: date, settings) -> dict:
    """Every registered provider's facts about the case, over the safe ones."""
    facts = dict(SAFE_READINESS)
    for provider in readiness:
        facts.update(provider(household, today, settings))
    return facts


def initial_visits(household) -> list[tuple[Any, str]]:
    """The case's initial visits, as (visit, label), from every registered provider."""
    return [option for provider in initial_visit_options for option in provider(household)]
