"""The managers' recruitment figures at scale: the dashboard and the Ofsted return, signed
in as the service manager (every team), and a team's dashboard."""

from __future__ import annotations

import time

from carers.core.dates import today, utcnow
from carers.figures import snapshots
from carers.figures.periods import financial_year

TARGET_P95_MS = 300.0  # the dashboard and the return, each page


def figure_pages(team_id: int, count: int, warmup: int) -> list[tuple[str, list[str]]]:
    total = warmup + count
    year = financial_year(today()) - 1
    return [(name, [url] * total) for name, url in (
        ("figures: dashboard, this year", "/staff/figures/"),
        ("figures: dashboard, one team", f"/staff/figures/?team={team_id}"),
        ("figures: dashboard worked out now", "/staff/figures/?live=1"),
        ("figures: dashboard, one team, now", f"/staff/figures/?team={team_id}&live=1"),
        ("figures: Ofsted return", f"/staff/figures/ofsted?year={year}"),
        ("figures: Ofsted return, now", f"/staff/figures/ofsted?year={year}&live=1"),
        ("figures: what the return misses", f"/staff/figures/ofsted/gaps?year={year}"),
        ("figures: the list behind a figure", "/staff/figures/cases?figure=funnel&"
         "step_pathway=mainstream&step=applications"),
    )]


def work_out_views(log=print) -> None:
    """The scheduler's figures job, as it runs every few minutes: the standard views the
    dashboard then shows."""
    started = time.perf_counter()
    done = snapshots.refresh(utcnow())
    log(f"figures job: {done['views worked out']} standard views worked out in "
        f"{time.perf_counter() - started:.1f} s (every {snapshots.INTERVAL_MINUTES} minutes, "
        "off the request path)")
