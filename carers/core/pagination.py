"""Offset pagination with one count query and one page query, whatever the table size."""

from dataclasses import dataclass

from flask import request, url_for
from sqlalchemy import func, select

from carers.core.numbers import plain_number
from carers.extensions import db


@dataclass
class Page:
    items: list
    number: int
    per_page: int
    total: int
    # True when the list holds more than ``total`` (see ``count_up_to``): the heading
    # says "more than", and the pages go no further than the counted rows.
    more: bool = False

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    def govuk_params(self, endpoint: str, **args) -> dict | None:
        """Parameters for the govukPagination macro, or None for a single page."""
        last = self.pages
        if last <= 1:
            return None

        def href(n):
            return url_for(endpoint, page=n, **args)

        # The first, the last and the current page with its neighbours; gaps become '…'.
        # When the list was counted only so far, its last counted page is not its last, so
        # it is not offered: a gap ends the list instead.
        ends = {1} if self.more else {1, last}
        shown = sorted({*ends, *range(max(1, self.number - 1), min(last, self.number + 1) + 1)})
        items = []
        for n in shown:
            if items and n - items[-1]["number"] > 1:
                items.append({"ellipsis": True, "number": n - 1})
            items.append({"number": n, "href": href(n), "current": n == self.number})
        if self.more and shown[-1] < last:
            items.append({"ellipsis": True, "number": last})
        items = [{"ellipsis": True} if i.get("ellipsis") else i for i in items]
        params = {"items": items}
        if self.number > 1:
            params["previous"] = {"href": href(self.number - 1)}
        if self.number < last:
            params["next"] = {"href": href(self.number + 1)}
        return params


def page_number() -> int:
    return plain_number(request.args.get("page"), below=1_000_000) or 1


def count_up_to(rows_query, most: int) -> tuple[int, bool]:
    """How many rows ``rows_query`` gives, counting no further than ``most``; and whether it
    gives more. For a work list whose exact length past a few dozen pages helps no one and
    whose full count would read a large part of a table on every request: the page says
    "more than", pages no further, and its filters narrow it."""
    found = rows_query.order_by(None).limit(most + 1).subquery()
    total = db.session.scalar(select(func.count()).select_from(found)) or 0
    return min(total, most), total > most


def paginate(query, count_query, per_page: int, rows: bool = False,
             more: bool = False) -> Page:
    """One page of ``query``'s results: the first column of each (a model), or with ``rows``
    the whole row (a model and figures worked out beside it). ``count_query`` counts them
    (or is their number, when it is known already); ``more``: there are more than that
    (``count_up_to``)."""
    total = count_query if isinstance(count_query, int) else (
        db.session.scalar(count_query) or 0)
    number = min(page_number(), max(1, -(-total // per_page)))
    page = query.limit(per_page).offset((number - 1) * per_page)
    items = list(db.session.execute(page).all() if rows else db.session.scalars(page))
    return Page(items=items, number=number, per_page=per_page, total=total, more=more)
