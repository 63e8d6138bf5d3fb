"""The applicants' navigation: their pages in the order the app lists them. The app factory
sets the entries (it knows every feature); the access policy decides which each applicant
sees (another adult of the household has no application to fill in, say). A label may be a
function of the signed-in applicant, for a count in it ("Messages (2 unread)")."""

from collections.abc import Callable

from flask import current_app, request, url_for

from carers.applicants.sessions import current_applicant
from carers.auth.policy import may_use

Label = str | Callable[[object], str]


def init_app(app, entries: list[tuple[Label, str]]) -> None:
    """``entries`` are (label, endpoint); the first is the applicant's home page."""
    app.extensions["applicant_navigation"] = list(entries)
    app.add_template_global(applicant_navigation)


def applicant_pages(person) -> list[tuple[str, str]]:
    if person is None:
        return []
    return [(label(person) if callable(label) else label, endpoint)
            for label, endpoint in current_app.extensions.get("applicant_navigation", [])
            if may_use(person, endpoint)]


def applicant_navigation() -> list[dict]:
    return [{"href": url_for(endpoint), "text": label,
             "active": request.endpoint == endpoint}
            for label, endpoint in applicant_pages(current_applicant())]
