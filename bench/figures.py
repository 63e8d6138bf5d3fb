"""The managers' recruitment figures at scale: the dashboard and the Ofsted return, signed
in as the service manager (every team), and a team's dashboard."""

from __future__ import annotations

from carers.core.dates import today
from carers.figures.periods import financial_year

TARGET_P95_MS = 300.0  # the dashboard and the return, each page


def figure_pages(team_id: int, count: int, warmup: int) -> list[tuple[str, list[str]]]:
    total = warmup + count
    year = financial_year(today()) - 1
    return [(name, [url] * total) for name, url in (
        ("figures: dashboard, this year", "/staff/figures/"),
        ("figures: dashboard, one team", f"/staff/figures/?team={team_id}"),
        ("figures: Ofsted return", f"/staff/figures/ofsted?year={year}"),
        ("figures: what the return misses", f"/staff/figures/ofsted/gaps?year={year}"),
        ("figures: the list behind a figure", "/staff/figures/cases?figure=funnel&"
         "step_pathway=mainstream&step=applications"),
    )]
