"""One shape for a change that is refused.

An operation that will not make a change rolls its transaction back and raises a
``Refusal``. The view hands it to ``refused``, which shows the same page again with
everything the person typed still in the form and the reason at the top, in the GOV.UK
error summary. A refused change is never a redirect: a redirect would drop what was typed.
"""

from __future__ import annotations

from flask import render_template

# Said when someone else saved the record after the form was opened.
CHANGED_MESSAGE = ("This case changed since you opened it. Check the latest details below, "
                   "then make your change again.")


class Refusal(Exception):
    """A change the rules or the record's state do not allow. ``reasons`` are sentences for
    the error summary; ``status`` is the page's HTTP status when it is shown again (200, as
    for a form with errors, unless a subclass says otherwise)."""

    status = 200
    message = "This change could not be saved."

    def __init__(self, *reasons: str):
        self.reasons = [str(r) for r in reasons if r] or [self.message]
        super().__init__(*self.reasons)


class Changed(Refusal):
    """Someone else changed the record since the form was opened (its version moved on).
    ``version`` is the record's version now: the form carries it, so that saving again,
    after a look at the latest details, is a deliberate choice."""

    status = 409
    message = CHANGED_MESSAGE

    def __init__(self, *reasons: str, version: int | None = None):
        super().__init__(*reasons)
        self.version = version


def refused(refusal: Refusal, template: str, form=None, status: int | None = None,
            **context):
    """The page ``template`` again, with ``form`` as it was typed and the refusal's reasons
    at the top of its error summary (a Changed refusal also carries the record's version)."""
    if form is not None:
        form.form_errors.extend(r for r in refusal.reasons if r not in form.form_errors)
        version = getattr(refusal, "version", None)
        if version is not None and hasattr(form, "version"):
            form.version.data = str(version)
    return render_template(template, form=form, **context), status or refusal.status
