"""A table of figures as the page shows it (numbers that link to their lists) and as a
download gives it (the same numbers, plain)."""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import escape

from carers.core.spreadsheets import Table


@dataclass(frozen=True)
class Cell:
    value: object
    href: str | None = None
    numeric: bool = False

    @property
    def text(self) -> str:
        if isinstance(self.value, float):
            return f"{self.value:,.1f}"
        if isinstance(self.value, int) and not isinstance(self.value, bool):
            return f"{self.value:,}"
        return "" if self.value is None else str(self.value)


def number(value, href: str | None = None) -> Cell:
    return Cell(value, href, numeric=True)


@dataclass
class Grid:
    key: str  # names the table in downloads and ids on the page
    title: str
    columns: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    numeric_from: int = 1  # columns from here on are figures, aligned right

    def table(self) -> Table:
        return Table(self.title, list(self.columns),
                     [[c.value for c in row] for row in self.rows])

    def govuk(self) -> dict:
        """The GOV.UK table's head and rows; a figure with a list is a link to it."""
        head = [{"text": c, **({"format": "numeric"} if i >= self.numeric_from else {})}
                for i, c in enumerate(self.columns)]
        rows = []
        for row in self.rows:
            cells = []
            for cell in row:
                item = {"format": "numeric"} if cell.numeric else {}
                if cell.href:
                    item["html"] = f'<a class="govuk-link" href="{escape(cell.href)}">' \
                                   f"{escape(cell.text)}</a>"
                else:
                    item["text"] = cell.text
                cells.append(item)
            rows.append(cells)
        return {"head": head, "rows": rows}

