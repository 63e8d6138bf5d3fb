"""Offset pagination with one count query and one page query, whatever the table size."""

from dataclasses import dataclass

from flask import request, url_for

from carers.core.numbers import plain_number
from carers.extensions import db


@dataclass
class Page:
    items: list
    number: int
    per_page: int
    total: int

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
        shown = sorted({1, last, *range(max(1, self.number - 1), min(last, self.number + 1) + 1)})
        items = []
        for n in shown:
            if items and n - items[-1]["number"] > 1:
                items.append({"ellipsis": True, "number": n - 1})
            items.append({"number": n, "href": href(n), "current": n == self.number})
        items = [{"ellipsis": True} if i.get("ellipsis") else i for i in items]
        params = {"items": items}
        if self.number > 1:
            params["previous"] = {"href": href(self.number - 1)}
        if self.number < last:
            params["next"] = {"href": href(self.number + 1)}
        return params


def page_number() -> int:
    return plain_number(request.args.get("page"), below=1_000_000) or 1


def paginate(query, count_query, per_page: int, rows: bool = False) -> Page:
    """One page of ``query``'s results: the first column of each (a model), or with ``rows``
    the whole row (a model and figures worked out beside it). ``count_query`` counts them
    (or is their number, when it is known already)."""
    total = count_query if isinstance(count_query, int) else (
        db.session.scalar(count_query) or 0)
    number = min(page_number(), max(1, -(-total // per_page)))
    page = query.limit(per_page).offset((number - 1) * per_page)
    items = list(db.session.execute(page).all() if rows else db.session.scalars(page))
    return Page(items=items, number=number, per_page=per_page, total=total)
