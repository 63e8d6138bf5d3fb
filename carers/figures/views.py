"""The managers' figures: the dashboard, the list behind each figure, the Ofsted return and
what stops it being complete, each downloadable as CSV and XLSX."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from carers.auth.models import User
from carers.cases.models import Team
from carers.core.dates import format_date, today, utcnow
from carers.core.pagination import paginate
from carers.core.spreadsheets import Table, csv_response, xlsx_response
from carers.extensions import db
from carers.figures import ofsted as ofsted_return
from carers.figures import snapshots
from carers.figures.access import sees_every_team, team_for
from carers.figures.dashboard import sections as dashboard_sections
from carers.figures.forms import FiguresFilterForm, YearForm
from carers.figures.lists import ENQUIRIES, UnknownFigure, figure_list
from carers.figures.measures import Scope
from carers.figures.periods import financial_year, period
from carers.figures.return_tables import return_grids
from carers.pipeline.stages import Pathway, Stage
from carers.settings.registry import agency_settings

bp = Blueprint("figures", __name__, url_prefix="/staff/figures")

FILTERS = ("period", "start", "end", "pathway", "team", "worker")
FORMATS = ("csv", "xlsx")
MAX_DOWNLOAD_ROWS = 100_000


def _whole(value) -> int | None:
    return int(value) if value and str(value).isdigit() and len(str(value)) < 10 else None


def _filters():
    """The filter form as sent, the period and scope it gives, and the arguments that carry
    them on every link."""
    form = FiguresFilterForm(request.args)
    every_team = sees_every_team(current_user)
    teams = db.session.execute(select(Team.id, Team.name).order_by(Team.name)).all()
    if every_team:
        form.team.choices = [("", "All teams")] + [(str(i), n) for i, n in teams]
    else:
        form.team.choices = [(str(i), n) for i, n in teams if i == current_user.team_id]
    staff = select(User.id, User.name).where(User.active.is_(True)).order_by(User.name)
    if not every_team:
        staff = staff.where(User.team_id == current_user.team_id)
    form.worker.choices = [("", "Anyone")] + [(str(i), n) for i, n in db.session.execute(staff)]
    if request.args:
        form.validate()
    team = team_for(current_user, _whole(request.args.get("team")))
    pathway = request.args.get("pathway") or None
    if pathway not in {p.value for p in Pathway}:
        pathway = None
    worker = _whole(request.args.get("worker"))
    if worker is not None and str(worker) not in {c[0] for c in form.worker.choices}:
        worker = None
    kind = form.period.data if form.period.data in {"month", "quarter", "year", "custom"} \
        else "year"
    if kind == "custom" and (form.start.errors or form.end.errors or not form.start.data
                             or not form.end.data):
        kind = "year"  # shown with its error; the figures stay on the year meanwhile
    chosen = period(kind, today(), form.start.data, form.end.data)
    args = {k: request.args.getlist(k) if k in ("start", "end") else request.args.get(k)
            for k in FILTERS if request.args.get(k)}
    return form, chosen, Scope(team, worker, pathway), args


def _link(args: dict):
    return snapshots.links(args)


@bp.get("/")
def dashboard():
    form, chosen, scope, args = _filters()
    html, as_of = snapshots.shown(snapshots.key_for(chosen, scope),
                                  lambda: snapshots.render(chosen, scope, args),
                                  live=bool(request.args.get("live")), now=utcnow())
    return render_template("figures/dashboard.html", form=form, period=chosen,
                           sections_html=html, args=args, as_of=as_of,
                           live_href=url_for("figures.dashboard", live=1, **args),
                           interval=snapshots.INTERVAL_MINUTES)


@bp.get("/download.<fmt>")
def dashboard_download(fmt):
    if fmt not in FORMATS:
        abort(404)
    _, chosen, scope, args = _filters()
    grids = [g for s in dashboard_sections(chosen, scope, today(), agency_settings(),
                                            snapshots.links(args),
                                            snapshots.board_links(scope)) for g in s.grids]
    if fmt == "xlsx":
        return xlsx_response([g.table() for g in grids], "recruitment-figures")
    grid = next((g for g in grids if g.key == request.args.get("table")), None)
    if grid is None:
        abort(404)
    return csv_response(grid.table(), f"recruitment-{grid.key}")


def _figure_list():
    form, chosen, scope, args = _filters()
    try:
        found = figure_list(request.args, chosen, scope, today(), agency_settings())
    except UnknownFigure:
        abort(404)
    return found, args


@bp.get("/cases")
def cases():
    found, args = _figure_list()
    page = paginate(found.rows(), found.count_query(), current_app.config["PAGE_SIZE"],
                    rows=True)
    here = {**args, **{k: v for k, v in request.args.items() if k not in FILTERS
                       and k != "page"}}
    return render_template("figures/cases.html", found=found, page=page, here=here,
                           enquiries=found.subject == ENQUIRIES,
                           stage_label=lambda s: Stage(s).label)


@bp.get("/cases.<fmt>")
def cases_download(fmt):
    if fmt not in FORMATS:
        abort(404)
    found, _ = _figure_list()
    rows = db.session.execute(found.rows().limit(MAX_DOWNLOAD_ROWS)).all()
    if found.subject == ENQUIRIES:
        table = Table(found.title[:100], ["Enquiry", "Name", "Received", "Pathway",
                                          "First response"],
                      [[e.reference, e.full_name, format_date(e.received_at), e.pathway,
                        format_date(e.first_response_at) if e.first_response_at else ""]
                       for e, _ in rows])
    else:
        table = Table(found.title[:100], ["Case", "Household", "Pathway", "Stage now",
                                          "Date"],
                      [[h.reference, h.name, Pathway(h.pathway).label, Stage(h.stage).label,
                        on] for h, on in rows])
    if fmt == "xlsx":
        return xlsx_response([table], "figure-list")
    return csv_response(table, "figure-list")


# --- the Ofsted annual fostering return ---

def _year():
    this = financial_year(today())
    years = list(range(this, this - 8, -1))
    form = YearForm(request.args)
    form.year.choices = [(str(y), f"{y} to {y + 1}") for y in years]
    year = _whole(request.args.get("year"))
    if year not in years:
        year = this - 1  # the last year that has ended
    form.year.data = str(year)
    scope = Scope(team_for(current_user, _whole(request.args.get("team"))))
    return form, year, scope


@bp.get("/ofsted")
def ofsted():
    form, year, scope = _year()
    html, as_of = snapshots.shown(snapshots.return_key(year, scope),
                                  lambda: snapshots.render_return(year, scope),
                                  live=bool(request.args.get("live")), now=utcnow())
    return render_template("figures/ofsted.html", form=form, year=year, return_html=html,
                           as_of=as_of, live_href=url_for("figures.ofsted", year=year, live=1),
                           interval=snapshots.INTERVAL_MINUTES)


@bp.get("/ofsted.<fmt>")
def ofsted_download(fmt):
    if fmt not in FORMATS:
        abort(404)
    _, year, scope = _year()
    grids = return_grids(year, scope, _link({}))
    if fmt == "xlsx":
        return xlsx_response([g.table() for g in grids], f"ofsted-return-{year}-{year + 1}")
    rows = [[g.title, *[c.value for c in row]] for g in grids for row in g.rows]
    width = max(len(r) for r in rows)
    table = Table(f"Ofsted return {year} to {year + 1}",
                  ["Table", "Figure", "Value", "Number"][:width],
                  [r + [""] * (width - len(r)) for r in rows])
    return csv_response(table, f"ofsted-return-{year}-{year + 1}")


@bp.get("/ofsted/gaps")
def ofsted_gaps():
    form, year, scope = _year()
    link = _link({})
    rows = [(gap, n, link(figure="gap", year=year, key=gap.key))
            for gap, n in ofsted_return.gaps(year, scope)]
    return render_template("figures/gaps.html", form=form, year=year, rows=rows)
