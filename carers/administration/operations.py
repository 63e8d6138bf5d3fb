"""The administration pages' changes."""

from carers.cases.deadlines import refresh_deadlines
from carers.clocks.statutory import CLOCK_DEFAULTS
from carers.settings.operations import save_settings


def change_settings(values: dict, user) -> tuple[list[str], int | None]:
    """Save the agency's settings (audited, committed). A changed statutory clock moves
    every open case's next deadline, so those are recalculated at once. Returns the keys
    that changed and, when deadlines were recalculated, how many open cases moved."""
    changed = save_settings(values, user)
    if set(changed) & set(CLOCK_DEFAULTS):
        return changed, refresh_deadlines()
    return changed, None
