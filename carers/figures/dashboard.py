"""The dashboard's sections: for each, a chart drawn on the server and the same figures as a
table, every figure a link to the cases or enquiries it counts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup

from carers.clocks.workdays import add_working_days
from carers.core.charts import Bar, Series, bar_chart, grouped_column_chart
from carers.enquiries.choices import HEARD_ABOUT
from carers.figures import measures
from carers.figures.grids import Cell, Grid, number
from carers.figures.measures import Scope
from carers.figures.periods import Period, last_months
from carers.panel.models import FOSTERING_TYPE_LABELS
from carers.pipeline.stages import WITHDRAWAL_REASONS, Pathway, Stage

Link = Callable[..., str]  # figure arguments -> the list's address


@dataclass
class Section:
    key: str
    title: str
    grids: list[Grid]
    chart: Markup | None = None
    intro: str = ""


def _percent(part: int, whole: int | None) -> str:
    return "" if not whole else f"{100 * part / whole:.0f}%"


def funnel_section(period: Period, scope: Scope, link: Link) -> Section:
    grids, charts = [], []
    pathways = [Pathway(scope.pathway)] if scope.pathway else list(Pathway)
    for pathway in pathways:
        steps = measures.funnel(pathway, period, scope)
        grid = Grid(f"funnel_{pathway.value}", f"{pathway.label}: from first contact to "
                    "approval", ["Step", "Households", "Of the step before"])
        bars = []
        for item in steps:
            step = item["step"]
            href = link(figure="funnel", step_pathway=pathway.value, step=step.key)
            conversion = "" if item["conversion"] is None else \
                f"{100 * item['conversion']:.0f}%"
            grid.rows.append([Cell(step.label), number(item["count"], href),
                              Cell(conversion or "–", numeric=True)])
            bars.append(Bar(step.label, item["count"], href,
                            note=f"{conversion} of the step before" if conversion else None))
        grids.append(grid)
        charts.append(bar_chart(
            grid.title, f"How many households reached each step in {period.words}, and "
            "what share of the step before went on to it.", bars,
            chart_id=f"chart-funnel-{pathway.value}".replace("_", "-")))
    return Section("funnel", "Households reaching each step", grids,
                   Markup("").join(charts),
                   "Each household counts once a step, on the first day it got there in the "
                   "period. Enquiries are the enquiries received.")


def stage_time_section(period: Period, scope: Scope, link: Link) -> Section:
    times = measures.stage_times(period, scope)
    grid = Grid("time_in_stage", "Time in each stage, for cases that left it in the period",
                ["Stage", "Cases", "Median (working days)", "90th percentile (working days)",
                 "Median (weeks)", "90th percentile (weeks)"])
    for item in times:
        href = link(figure="stage_time", stage=item["stage"].value)
        grid.rows.append([Cell(item["stage"].label), number(item["count"], href),
                          number(item.get("wd50")), number(item.get("wd90")),
                          number(item.get("weeks50")), number(item.get("weeks90"))])
    approval = measures.application_to_approval(period, scope)
    target = Grid("application_to_approval", "From application to approval (target: 8 months)",
                  ["Approvals", "Within 8 months", "Over 8 months", "Median (weeks)",
                   "90th percentile (weeks)"], numeric_from=0)
    late = approval["count"] - approval["within"]
    target.rows.append([
        number(approval["count"], link(figure="approval_time")),
        number(approval["within"], link(figure="approval_time", within="yes")),
        number(late, link(figure="approval_time", within="no")),
        number(approval.get("weeks50")), number(approval.get("weeks90"))])
    chart = bar_chart(
        "Median working days in each stage",
        f"The median time cases that left each stage in {period.words} spent in it, in "
        "working days.", [Bar(i["stage"].label, i.get("wd50") or 0,
                              link(figure="stage_time", stage=i["stage"].value),
                              note=f"90th percentile {i.get('wd90')}") for i in times],
        unit="days", chart_id="chart-stage-time")
    return Section("time", "Time in stage", [grid, target], chart,
                   "Medians and 90th percentiles are the nearest ranked case's; a working "
                   "day is a weekday that is not a bank holiday in England.")


def clocks_section(scope: Scope, soon_days: int, by_team: list[dict], by_worker: list[dict],
                   board: Link) -> Section:
    statuses = ("overdue", "due_soon", "on_track")
    grids = []
    for group, title, rows in (("team", "Team", by_team), ("worker", "Worker", by_worker)):
        grid = Grid(f"clocks_{group}", f"Open deadlines by {title.lower()}",
                    [title, "Overdue", f"Due within {soon_days} working days", "On track"])
        for row in rows:
            where = {group: row["id"]}
            if group == "worker" and scope.team_id is not None:
                where["team"] = scope.team_id
            if not any(row[s] for s in statuses):
                continue
            grid.rows.append([Cell(row["name"])] + [
                number(row[status] or 0, board(clock=status, **where)) for status in statuses])
        grids.append(grid)
    totals = {s: sum(row[s] or 0 for row in by_team) for s in statuses}
    team = {"team": scope.team_id} if scope.team_id is not None else {}
    words = {"overdue": "Overdue", "due_soon": f"Due within {soon_days} working days",
             "on_track": "On track"}
    chart = bar_chart(
        "Open deadlines by status",
        "Each case's next statutory or practice deadline: overdue, due soon, or on track.",
        [Bar(words[s], totals[s], board(clock=s, **team)) for s in statuses],
        chart_id="chart-clocks")
    return Section("clocks", "Open deadlines", grids, chart,
                   "Each case's next deadline, today. Each number opens the pipeline list "
                   "of those cases.")


def enquiries_section(period: Period, scope: Scope, today: date, target: int,
                      link: Link) -> Section:
    responses = measures.first_responses(period, scope, today, target)
    grid = Grid("first_response", f"First response (target: {target} working "
                f"{'day' if target == 1 else 'days'})", ["Enquiries", "Number"])
    for status, words in (("in_time", "Answered within the target"),
                          ("late", "Answered late"),
                          ("waiting", "Not answered yet, still within the target"),
                          ("overdue", "Not answered, past the target")):
        grid.rows.append([Cell(words), number(responses[status],
                                              link(figure="response", status=status))])
    counted = measures.sources(period, scope)
    sources = Grid("sources", "How enquirers heard about fostering", ["Source", "Enquiries"])
    bars = []
    for key, words in HEARD_ABOUT:
        href = link(figure="source", source=key)
        sources.rows.append([Cell(words), number(counted.get(key, 0), href)])
        bars.append(Bar(words, counted.get(key, 0), href))
    chart = bar_chart("How enquirers heard about fostering",
                      f"Enquiries received in {period.words} by what the enquirer said.",
                      bars, chart_id="chart-sources")
    return Section("enquiries", "Enquiries", [grid, sources], chart)


def outcomes_section(period: Period, scope: Scope, link: Link) -> Section:
    by_code, by_stage = measures.withdrawals_by(period, scope)
    codes = Grid("withdrawals_by_code", "Withdrawals by Ofsted reason", ["Reason", "Withdrawals"])
    bars = []
    for code in ("AW1", "AW2", "AW3", "AW4", "AW5", "AW0", "none"):
        words = "No reason code recorded" if code == "none" else \
            f"{code}: {WITHDRAWAL_REASONS[code]}"
        href = link(figure="withdrawn", code=code)
        codes.rows.append([Cell(words), number(by_code.get(code, 0), href)])
        bars.append(Bar(words, by_code.get(code, 0), href))
    stages = Grid("withdrawals_by_stage", "Withdrawals by the stage left",
                  ["Stage", "Withdrawals"])
    for stage in Stage:
        if by_stage.get(stage.value):
            stages.rows.append([Cell(stage.label), number(
                by_stage[stage.value], link(figure="withdrawn", from_stage=stage.value))])
    types = list(FOSTERING_TYPE_LABELS)
    approved = measures.approvals_by_type(period, scope, types)
    kinds = Grid("approvals_by_type", "Approvals by type of fostering",
                 ["Type of fostering", "Approvals"])
    for kind in types:
        kinds.rows.append([Cell(FOSTERING_TYPE_LABELS[kind]), number(
            approved["types"][kind], link(figure="approvals", type=kind))])
    kinds.rows.append([Cell("No terms of approval recorded"),
                       number(approved["none"], link(figure="approvals", type="none"))])
    places = Grid("approvals", "Approvals and places", ["Approvals", "Places approved"],
                  numeric_from=0)
    places.rows.append([number(approved["approvals"], link(figure="approval_time")),
                        number(approved["places"])])
    chart = bar_chart("Withdrawals by Ofsted reason",
                      f"Households that withdrew in {period.words}, by the reason code "
                      "recorded.", bars, chart_id="chart-withdrawals")
    return Section("outcomes", "Withdrawals and approvals", [codes, stages, places, kinds],
                   chart, "An approval can name several types of fostering.")


def caseload_section(by_worker: list[dict], link: Link) -> Section:
    grid = Grid("caseload", "Caseload by worker", ["Worker", "Open cases", "Overdue deadlines"])
    for row in sorted(by_worker, key=lambda r: (-r["open"], r["name"])):
        if row["open"]:
            grid.rows.append([Cell(row["name"]), number(row["open"], link(
                figure="open", worker=row["id"])), number(row["open_overdue"])])
    return Section("caseload", "Caseload", [grid], None,
                   "Open cases allocated to each worker, for allocation.")


def trends_section(scope: Scope, today: date, link: Link) -> Section:
    months = last_months(today)
    counts = measures.monthly(months, scope)
    labels = [f"{m.start:%b %Y}" for m in months]
    grid = Grid("trends", "By month, the last 12 months",
                ["Month", "Enquiries", "Applications", "Approvals"])
    for index, month in enumerate(months):
        key = month.start.strftime("%Y-%m")
        grid.rows.append([Cell(labels[index])] + [
            number(counts[series][index], link(figure="month", month=key, series=series))
            for series in ("enquiries", "applications", "approvals")])
    chart = grouped_column_chart(
        "Enquiries, applications and approvals by month",
        "The last 12 months; the table below gives the same figures.", labels,
        [Series("Enquiries", counts["enquiries"]),
         Series("Applications", counts["applications"]),
         Series("Approvals", counts["approvals"])], chart_id="chart-trends")
    return Section("trends", "Trends", [grid], chart)


def sections(period: Period, scope: Scope, today: date, settings, link: Link,
             board: Link) -> list[Section]:
    soon_days = int(settings["due_soon_working_days"])
    soon = add_working_days(today, soon_days)
    by_worker = measures.workers(scope, today, soon)
    return [
        funnel_section(period, scope, link),
        stage_time_section(period, scope, link),
        clocks_section(scope, soon_days, measures.clocks_by_team(scope, today, soon),
                       by_worker, board),
        enquiries_section(period, scope, today, int(settings["first_response_working_days"]),
                          link),
        outcomes_section(period, scope, link),
        caseload_section(by_worker, link),
        trends_section(scope, today, link),
    ]
