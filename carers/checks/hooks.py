"""Extension points: what features above checks show on a case's checks ledger page,
without checks importing them (the same pattern as carers.cases.hooks).

The documents a household sent (carers.uploads) sit beside its checks: that feature
registers a provider here when the app is built (``carers.app``); the ledger page asks
whatever is registered.
"""

from collections.abc import Callable
from typing import Any

# Sections of the ledger page: each provider takes (household, user) and returns a
# (template name, context) pair to include, or None for nothing.
LedgerSection = Callable[[Any, Any], tuple[str, dict] | None]

ledger_page_sections: list[LedgerSection] = []


def register_ledger_section(provider: LedgerSection) -> None:
    # The app is built more than once in one process (tests, the scheduler): once is enough.
    if provider not in ledger_page_sections:
        ledger_page_sections.append(provider)


def ledger_sections(household, user) -> list[tuple[str, dict]]:
    """What each registered feature shows on the ledger page, in registration order."""
    return [section for provider in ledger_page_sections
            if (section := provider(household, user)) is not None]
