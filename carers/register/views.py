"""The register of approved foster carers (FSR 2011 reg 30), with its CSV and XLSX
downloads."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request

from carers.audit.operations import record_view
from carers.core.dates import today
from carers.core.pagination import paginate
from carers.core.spreadsheets import Table, csv_response, xlsx_response
from carers.extensions import db
from carers.panel.models import FOSTERING_TYPE_LABELS
from carers.panel.operations import terms_text
from carers.pipeline import Pathway
from carers.register.forms import RegisterFilterForm
from carers.register.queries import PATHWAYS, STATUSES, Filters, register_entry, register_query
from carers.register.rules import first_review_months
from carers.settings.registry import agency_settings

bp = Blueprint("register", __name__, url_prefix="/staff/records/register")

FORMATS = ("csv", "xlsx")
MAX_DOWNLOAD_ROWS = 100_000
TEMPORARY_TERMS = "Temporary approval as a connected person for the named child"
COLUMNS = ["Case", "Carers", "Pathway", "Approval", "Approved on", "Children", "Ages",
           "Types of care", "Terms of approval", "Named child", "Child's reference",
           "First review due", "Temporary approval lapses", "Status"]


def _filters() -> tuple[RegisterFilterForm, Filters, dict]:
    form = RegisterFilterForm(request.args)
    pathway = request.args.get("pathway") or None
    status = request.args.get("status") or None
    chosen = Filters(pathway if pathway in PATHWAYS else None,
                     status if status in STATUSES else None)
    form.pathway.data, form.status.data = chosen.pathway or "", chosen.status or ""
    args = {k: v for k, v in (("pathway", chosen.pathway), ("status", chosen.status)) if v}
    return form, chosen, args


def _rows(items, settings) -> list[dict]:
    """What the register shows of each household, worked out once for the page and files."""
    out = []
    for household, decision in items:
        found = register_entry(household, settings)
        terms = (decision.terms or {}) if decision is not None and not found.temporary else {}
        kinship = household.pathway == Pathway.CONNECTED_PERSON.value
        out.append({
            "household": household, "entry": found,
            "pathway": Pathway(household.pathway).label,
            "approval": ("Temporary approval (regulation 24)" if found.temporary
                         else "Approval"),
            "children": terms.get("children"),
            "ages": (f"{terms.get('age_from')} to {terms.get('age_to')}"
                     if terms.get("age_from") is not None else None),
            "types": ", ".join(FOSTERING_TYPE_LABELS.get(t, t)
                               for t in terms.get("fostering_types") or []) or None,
            "terms": (terms_text(terms) if terms else
                      TEMPORARY_TERMS if found.temporary else "Not recorded"),
            "child": household.child_name if kinship else None,
            "child_reference": household.child_la_reference if kinship else None,
        })
    return out


@bp.get("")
def index():
    form, chosen, args = _filters()
    rows, count = register_query(chosen)
    page = paginate(rows, count, current_app.config["PAGE_SIZE"], rows=True)
    settings = agency_settings()
    html = render_template("register/index.html", form=form, page=page, args=args,
                           entries=_rows(page.items, settings),
                           review_months=first_review_months(settings))
    record_view("view", "carer_register", None, args or None)
    return html


@bp.get("/download.<fmt>")
def download(fmt):
    if fmt not in FORMATS:
        abort(404)
    _, chosen, args = _filters()
    rows, _ = register_query(chosen)
    settings = agency_settings()
    entries = _rows(db.session.execute(rows.limit(MAX_DOWNLOAD_ROWS)).all(), settings)
    table = Table("Register of approved foster carers", COLUMNS, [[
        e["household"].reference, e["household"].name, e["pathway"], e["approval"],
        e["entry"].approved_on, e["children"], e["ages"], e["types"], e["terms"], e["child"],
        e["child_reference"], e["entry"].next_review_on, e["entry"].temporary_until,
        e["entry"].status.label] for e in entries])
    # An export of personal data: who took it, which part, and how many rows; never names.
    record_view("export", "carer_register", None,
                {"format": fmt, "rows": len(entries), **args})
    filename = f"register-of-approved-carers-{today().isoformat()}"
    if fmt == "xlsx":
        return xlsx_response([table], filename)
    return csv_response(table, filename)
