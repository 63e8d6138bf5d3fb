"""The staff navigation: the pages a signed-in person may open, in the order the app lists
them. The app factory sets the entries (it knows every feature); the access policy decides
which of them each person sees."""

from flask import current_app, request, url_for
from flask_login import current_user

from carers.auth.policy import may_use


def init_app(app, entries: list[tuple[str, str, frozenset]]) -> None:
    """``entries`` are (label, endpoint, roles that see it), the first one a person may open
    being their start page."""
    app.extensions["staff_navigation"] = list(entries)
    app.add_template_global(staff_navigation)


def staff_pages(user) -> list[tuple[str, str]]:
    """The navigation entries (label, endpoint) that ``user`` may open: their roles show the
    entry and the access policy lets them in (a panel member not on the panel list has no
    meetings page). The first is their start page."""
    if not user.is_authenticated:
        return []
    return [(label, endpoint)
            for label, endpoint, roles in current_app.extensions["staff_navigation"]
            if user.has_role(*roles) and may_use(user, endpoint)]


def staff_navigation() -> list[dict]:
    return [{"href": url_for(endpoint), "text": label, "active": request.endpoint == endpoint}
            for label, endpoint in staff_pages(current_user)]
