"""The list behind each figure: from the figure's name and its arguments (the same the
dashboard or the return links with), the query that figure counts and a title for it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, select

from carers.cases.models import Household
from carers.enquiries.choices import HEARD_ABOUT
from carers.enquiries.choices import label as choice_label
from carers.enquiries.models import Enquiry
from carers.figures import measures, ofsted
from carers.figures.measures import FUNNELS, Scope
from carers.figures.periods import Period, last_months
from carers.panel.models import FOSTERING_TYPE_LABELS
from carers.pipeline.stages import WITHDRAWAL_REASONS, Pathway, Stage

HOUSEHOLDS, ENQUIRIES = "households", "enquiries"


@dataclass(frozen=True)
class FigureList:
    title: str
    subject: str  # HOUSEHOLDS or ENQUIRIES
    query: Select  # (id, on)

    def count(self) -> int:
        return measures.count(self.query)

    def rows(self):
        """The query joined to what the list shows, newest first (a query, to paginate)."""
        sub = self.query.subquery()
        key, on = sub.c[0], sub.c[1]
        if self.subject == ENQUIRIES:
            return select(Enquiry, on.label("on")).join(sub, key == Enquiry.id) \
                .order_by(on.desc(), Enquiry.id.desc())
        return select(Household, on.label("on")).join(sub, key == Household.id) \
            .order_by(on.desc(), Household.id.desc())

    def count_query(self):
        return select(func.count()).select_from(self.query.subquery())


class UnknownFigure(ValueError):
    """The arguments name no figure: the page says so (404)."""


def _stage(value: str | None) -> Stage:
    try:
        return Stage(value)
    except ValueError:
        raise UnknownFigure(value) from None


def _pathway(value: str | None) -> Pathway:
    try:
        return Pathway(value)
    except ValueError:
        raise UnknownFigure(value) from None


def _year(value: str | None) -> int:
    if not value or not value.isdigit() or not 2000 <= int(value) <= 2100:
        raise UnknownFigure(value)
    return int(value)


def figure_list(args, period: Period, scope: Scope, today: date, settings) -> FigureList:
    """The list for the figure named in ``args`` (a request's arguments)."""
    figure = args.get("figure", "")
    within = f" in {period.words}"
    if figure == "funnel":
        pathway = _pathway(args.get("step_pathway"))
        step = next((s for s in FUNNELS[pathway] if s.key == args.get("step")), None)
        if step is None:
            raise UnknownFigure(figure)
        if step.stage is None:
            return FigureList(f"{pathway.label}: {step.label}{within}", ENQUIRIES,
                              measures.enquiries(period, scope, pathway.value))
        return FigureList(f"{pathway.label}: {step.label}{within}", HOUSEHOLDS,
                          measures.households_entering(step, pathway, period, scope))
    if figure == "stage_time":
        stage = _stage(args.get("stage"))
        return FigureList(f"Cases that left '{stage.label}'{within}", HOUSEHOLDS,
                          measures.left_stage(stage, period, scope))
    if figure == "approval_time":
        wanted = {"yes": True, "no": False}.get(args.get("within", ""))
        words = {True: " within 8 months of the application",
                 False: " more than 8 months after the application"}.get(wanted, "")
        return FigureList(f"Approvals{words}{within}", HOUSEHOLDS,
                          measures.approvals(period, scope, wanted))
    if figure == "response":
        status = args.get("status", "")
        words = {"in_time": "answered within the target", "late": "answered late",
                 "waiting": "not answered yet, still within the target",
                 "overdue": "not answered, past the target"}
        if status not in words:
            raise UnknownFigure(status)
        target = int(settings["first_response_working_days"])
        return FigureList(f"Enquiries {words[status]}{within}", ENQUIRIES,
                          measures.responses(period, scope, status, today, target))
    if figure == "source":
        source = args.get("source", "")
        if source not in {key for key, _ in HEARD_ABOUT}:
            raise UnknownFigure(source)
        query = measures.enquiries(period, scope).where(Enquiry.heard_about == source)
        return FigureList(f"Enquiries who heard through '{choice_label(HEARD_ABOUT, source)}'"
                          f"{within}", ENQUIRIES, query)
    if figure == "withdrawn":
        code, from_stage = args.get("code") or None, args.get("from_stage") or None
        if code and code != "none" and code not in WITHDRAWAL_REASONS:
            raise UnknownFigure(code)
        if from_stage:
            _stage(from_stage)
        words = ("no reason code" if code == "none" else
                 f"{code}: {WITHDRAWAL_REASONS[code]}" if code else
                 f"from '{Stage(from_stage).label}'" if from_stage else "all")
        return FigureList(f"Withdrawals ({words}){within}", HOUSEHOLDS,
                          measures.withdrawals(period, scope, code, from_stage))
    if figure == "approvals":
        kind = args.get("type", "")
        if kind != "none" and kind not in FOSTERING_TYPE_LABELS:
            raise UnknownFigure(kind)
        words = "with no terms recorded" if kind == "none" else \
            f"for {FOSTERING_TYPE_LABELS[kind].lower()} fostering"
        return FigureList(f"Approvals {words}{within}", HOUSEHOLDS,
                          measures.approvals_of_type(period, scope, kind))
    if figure == "open":
        return FigureList("Open cases", HOUSEHOLDS, measures.open_cases(scope))
    if figure == "month":
        months = {m.start.strftime("%Y-%m"): m for m in last_months(today)}
        month, series = months.get(args.get("month", "")), args.get("series")
        if month is None:
            raise UnknownFigure(args.get("month"))
        words = f" in {month.start:%B %Y}"
        if series == "enquiries":
            return FigureList(f"Enquiries{words}", ENQUIRIES, measures.enquiries(month, scope))
        if series == "applications":
            return FigureList(f"Applications{words}", HOUSEHOLDS, measures.entries(
                [Stage.APPLICATION_RECEIVED, Stage.FULL_ASSESSMENT], month, scope))
        if series == "approvals":
            return FigureList(f"Approvals{words}", HOUSEHOLDS,
                              measures.entries([Stage.APPROVED], month, scope))
        raise UnknownFigure(series)
    if figure == "ofsted":
        year, pathway = _year(args.get("year")), _pathway(args.get("step_pathway"))
        key = args.get("key", "")
        entry = next((f for f in ofsted.figures() if f.key == key), None)
        if entry is None:
            raise UnknownFigure(key)
        subject = ENQUIRIES if ofsted.is_enquiry_figure(key, pathway) else HOUSEHOLDS
        return FigureList(f"Ofsted return {year} to {year + 1}, {pathway.label}: "
                          f"{entry.label}", subject,
                          ofsted.figure_query(key, year, pathway, scope))
    if figure == "gap":
        year = _year(args.get("year"))
        gap = next((g for g in ofsted.GAPS if g.key == args.get("key")), None)
        if gap is None:
            raise UnknownFigure(args.get("key"))
        return FigureList(f"Ofsted return {year} to {year + 1}: {gap.label}", HOUSEHOLDS,
                          ofsted.gap_query(gap.key, year, scope))
    raise UnknownFigure(figure)
