"""The documents on the staff case page and the checks ledger: registered by the app
factory with carers.cases.hooks and carers.checks.hooks."""

from carers.uploads import queries

SECTION = "uploads/_section.html"


def case_section(household, user) -> tuple[str, dict]:
    items = queries.household_requests(household.id)
    return SECTION, {"household": household, "groups": queries.by_person(items),
                     "count": len(items), "id": "case-documents"}


def ledger_section(household, user) -> tuple[str, dict]:
    template, context = case_section(household, user)
    return template, {**context, "id": "ledger-documents"}
