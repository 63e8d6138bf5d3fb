"""The dashboard's standard views (this month, quarter and financial year, for the whole
agency and for each team) and the Ofsted return for the last two years, worked out by the
scheduler every few minutes and kept as the pages show them. A view with other filters (a
pathway, a worker, dates of one's own) is worked out when asked, as is any view whose
snapshot is missing or older than twice the interval. The lists behind the figures are
always live."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import current_app, render_template, url_for
from markupsafe import Markup
from sqlalchemy import delete, select

from carers.cases.models import Team
from carers.core.dates import today
from carers.extensions import db
from carers.figures import ofsted
from carers.figures.dashboard import sections
from carers.figures.measures import Scope
from carers.figures.models import FiguresSnapshot
from carers.figures.periods import Period, financial_year, period
from carers.figures.return_tables import return_grids
from carers.settings.registry import agency_settings

INTERVAL_MINUTES = 15
STANDARD_PERIODS = ("month", "quarter", "year")


def key_for(chosen: Period, scope: Scope) -> str | None:
    """The snapshot that holds this view, or None when its filters are not a standard
    view's."""
    if scope.pathway or scope.worker_id is not None:
        return None
    team = "all" if scope.team_id is None else str(scope.team_id)
    return f"{chosen.start.isoformat()}:{chosen.end.isoformat()}:{team}"


def links(args: dict):
    def link(**figure) -> str:
        return url_for("figures.cases", **{**args, **figure})
    return link


def board_links(scope: Scope):
    def board(**where) -> str:
        if scope.pathway:
            where.setdefault("pathway", scope.pathway)
        return url_for("cases.board", **where)
    return board


def render(chosen: Period, scope: Scope, args: dict) -> str:
    """The dashboard's sections as HTML, worked out now."""
    found = sections(chosen, scope, today(), agency_settings(), links(args),
                     board_links(scope))
    return render_template("figures/_sections.html", sections=found, args=args)


def return_key(year: int, scope: Scope) -> str:
    team = "all" if scope.team_id is None else str(scope.team_id)
    return f"ofsted:{year}:{team}"


def render_return(year: int, scope: Scope) -> str:
    """The Ofsted return's tables as HTML, worked out now."""
    grids = return_grids(year, scope, links({}))
    missing = sum(n for _, n in ofsted.gaps(year, scope))
    return render_template("figures/_return.html", grids=grids, missing=missing, year=year)


def shown(key: str | None, work_out, *, live: bool, now: datetime
          ) -> tuple[Markup, datetime | None]:
    """A page's figures as HTML and when they were worked out: the kept view if it is
    fresh and ``live`` is not asked for (None: worked out now, by ``work_out()``)."""
    snapshot = None if live else fresh(key, now)
    html = snapshot.html if snapshot else work_out()
    # Rendered by our own templates (now or by the scheduler), every value escaped there.
    return Markup(html), snapshot.computed_at if snapshot else None  # noqa: S704


def fresh(key: str | None, now: datetime) -> FiguresSnapshot | None:
    if key is None:
        return None
    snapshot = db.session.get(FiguresSnapshot, key)
    oldest = now - timedelta(minutes=2 * INTERVAL_MINUTES)
    if snapshot is None or _aware(snapshot.computed_at) < oldest:
        return None
    return snapshot


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes that were stored as UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def refresh(now: datetime) -> dict:
    """Work out every standard view again and keep it; drop views of past periods."""
    teams = [None, *db.session.scalars(select(Team.id).order_by(Team.id))]
    kept = []
    with current_app.test_request_context("/staff/figures/"):
        for kind in STANDARD_PERIODS:
            chosen = period(kind, today())
            for team in teams:
                scope = Scope(team_id=team)
                args = {"period": kind, **({"team": team} if team is not None else {})}
                key = key_for(chosen, scope)
                html = render(chosen, scope, args)
                db.session.merge(FiguresSnapshot(key=key, computed_at=now, html=html))
                kept.append(key)
        this = financial_year(today())
        for year in (this - 1, this):
            for team in teams:
                scope = Scope(team_id=team)
                key = return_key(year, scope)
                db.session.merge(FiguresSnapshot(key=key, computed_at=now,
                                                 html=render_return(year, scope)))
                kept.append(key)
    db.session.execute(delete(FiguresSnapshot).where(FiguresSnapshot.key.not_in(kept)))
    db.session.commit()
    return {"views worked out": len(kept)}
