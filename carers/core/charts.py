"""Charts drawn on the server as SVG: no chart library, no JavaScript, nothing fetched.

`bar_chart` draws one horizontal bar per row (label on the left, the bar, its value printed at
its end); `column_chart` draws a trend, one column per month with the month below and the
value above; `grouped_column_chart` draws several series per month, told apart by pattern and
a legend as well as colour. Each returns `Markup`, to be output in a template as it is:
``{{ chart }}``.

What keeps them accessible:
- the SVG is named by its own `<title>` and `<desc>` (``aria-labelledby``), written by the
  caller: say what the chart shows and what it means ("Enquiries rose from 12 in April to 30 in
  September");
- every value is printed as text, so nothing is told by colour alone, and the colours are
  GOV.UK's, with text at 4.5:1 or more and bars at 3:1 or more against white;
- a bar with an ``href`` is a link: focusable from the keyboard, named "label: value", with
  the GOV.UK yellow focus style (in application.css; the page's CSP allows no inline styles,
  so the SVG uses presentation attributes only);
- the chart scales to its container (``viewBox`` and ``width="100%"``). A chart cannot reflow
  as text does, so put the same figures in a table beside it (a GOV.UK details component
  or a download from `carers.core.spreadsheets`).

The same input always gives the same SVG, byte for byte.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from markupsafe import Markup, escape

TEXT = "#0b0c0c"  # GOV.UK text: 19:1 on white
SECONDARY_TEXT = "#505a5f"  # GOV.UK secondary text: 7:1 on white
BAR = "#1d70b8"  # GOV.UK blue: 5.2:1 on white
LINK = "#1d70b8"
AXIS = "#505a5f"
FONT = "Arial, sans-serif"  # the service's font; none is loaded

# Each series of a grouped chart differs by its fill pattern and its legend entry, not only
# its colour: solid blue, purple diagonal stripes, black checks. Every edge is 3:1 or more.
SERIES_STYLES = ("solid", "stripes", "checks")
SERIES_COLOURS = ("#1d70b8", "#4c2c92", "#0b0c0c")

FONT_SIZE = 16
SMALL_FONT_SIZE = 14
LINE_HEIGHT = 20
SMALL_LINE_HEIGHT = 18
# Arial's average letter is about half its size; 0.6 leaves room, so text never overruns.
CHARACTER_WIDTH = 0.6

CHART_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
# Characters XML 1.0 cannot hold at all: they would make the SVG unreadable.
NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

Number = int | float


@dataclass(frozen=True)
class Bar:
    """One bar (or column): its label, its value, where it links to (optional) and a note
    printed beside it (optional, such as "3 still in assessment")."""

    label: str
    value: Number
    href: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Series:
    """One series of a grouped column chart: its name (in the legend) and a value per
    column label."""

    name: str
    values: list[Number]


# Building blocks -------------------------------------------------------------------------


def _text(value: object) -> str:
    return str(escape(NOT_XML.sub("", str(value))))


def _n(x: float) -> str:
    """A coordinate, rounded so that the same chart is always the same text."""
    text = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def format_value(value: Number, unit: str = "") -> str:
    """A value as printed on a chart: thousands separated, at most two decimal places, and
    the unit after it ("50%", "12 households")."""
    if isinstance(value, float) and not value.is_integer():
        number = f"{value:,.2f}".rstrip("0").rstrip(".")
    else:
        number = f"{int(value):,}"
    if not unit:
        return number
    return f"{number}{unit}" if not unit[0].isalnum() else f"{number} {unit}"


def _text_width(text: str, size: int = FONT_SIZE) -> float:
    return len(text) * size * CHARACTER_WIDTH


def wrap(text: str, width: float, size: int = FONT_SIZE) -> list[str]:
    """``text`` in lines that fit ``width`` at ``size``, broken between words (a word too
    long for a line is broken where it must be)."""
    most = max(1, int(width / (size * CHARACTER_WIDTH)))
    lines: list[str] = []
    line = ""
    for word in text.split():
        while len(word) > most:
            if line:
                lines.append(line)
                line = ""
            lines.append(word[:most])
            word = word[most:]
        if not line:
            line = word
        elif len(line) + 1 + len(word) <= most:
            line = f"{line} {word}"
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines or [""]


def _check_values(values: list[Number]) -> None:
    for value in values:
        if isinstance(value, bool) or not isinstance(value, Number):
            raise TypeError(f"A chart's values are numbers, not {value!r}")
        if not math.isfinite(value) or value < 0:
            raise ValueError(f"A chart draws values of zero or more, not {value!r}")


def _check_href(href: str) -> str:
    """Links go to the service's own pages or to web addresses: never "javascript:"."""
    if urlsplit(href).scheme.lower() not in ("", "http", "https"):
        raise ValueError(f"A chart links only to web pages, not {href!r}")
    return href


def _length(value: Number, largest: Number, room: float) -> float:
    """The length of a bar: in proportion to its value, and at least 1 when it is above zero,
    so that a small value still shows."""
    if value <= 0 or largest <= 0:
        return 0.0
    return max(room * value / largest, 1.0)


def _tspans(lines: list[str], x: float, line_height: int) -> str:
    return "".join(
        f'<tspan x="{_n(x)}" dy="{0 if i == 0 else line_height}">{_text(line)}</tspan>'
        for i, line in enumerate(lines))


def _svg(chart_id: str, title: str, description: str, width: float, height: float,
         body: str, *, interactive: bool, defs: str = "") -> Markup:
    """The SVG around a chart's body, named by its title and description.

    A chart with links is a group (role="group"): an image's content is hidden from
    assistive technology, links and all. Without links it is one image (role="img")."""
    if not CHART_ID.fullmatch(chart_id):
        raise ValueError(f"chart_id must be a letter then letters, digits, - or _: {chart_id!r}")
    role = "group" if interactive else "img"
    # Every text and attribute value in body went through _text (escaped): safe as it is.
    return Markup(  # noqa: S704
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" id="{chart_id}" '
        f'viewBox="0 0 {_n(width)} {_n(height)}" width="100%" role="{role}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'font-family="{FONT}" font-size="{FONT_SIZE}">'
        f'<title id="{chart_id}-title">{_text(title)}</title>'
        f'<desc id="{chart_id}-desc">{_text(description)}</desc>'
        f"{defs}{body}</svg>")


def _no_data(chart_id: str, title: str, description: str, width: float) -> Markup:
    body = (f'<text x="{_n(width / 2)}" y="36" text-anchor="middle" fill="{TEXT}">'
            f"No data</text>")
    return _svg(chart_id, title, description, width, 60, body, interactive=False)


def _link(bar: Bar, unit: str, focus: str, content: str) -> str:
    """``content`` as a link named "label: value" by its `<title>` (which is also its
    tooltip), with a rectangle that application.css fills yellow when the link has focus.

    No aria-label or aria-labelledby: the title names an SVG link by itself, and with either
    of them axe holds the printed texts against the name word for word (WCAG 2.5.3)."""
    name = f"{bar.label}: {format_value(bar.value, unit)}"
    if bar.note:
        name += f" ({bar.note})"
    return (f'<a href="{_text(_check_href(bar.href))}" class="app-chart__link">'
            f"<title>{_text(name)}</title>{focus}{content}</a>")


def _focus_rect(x: float, y: float, width: float, height: float) -> str:
    return (f'<rect class="app-chart__focus" x="{_n(x)}" y="{_n(y)}" width="{_n(width)}" '
            f'height="{_n(height)}" fill="none"/>')


# Horizontal bars -------------------------------------------------------------------------

BAR_CHART_WIDTH = 640
LABEL_WIDTH = 200  # the labels' column; a longer label wraps onto more lines
GAP = 8
BAR_HEIGHT = 24
ROW_GAP = 16


def bar_chart(title: str, description: str, bars: list[Bar], *, unit: str = "",
              chart_id: str) -> Markup:
    """Horizontal bars, one row per bar: the label on the left (wrapped when long), the
    bar, and its value printed at its end; a note goes under the bar.

    ``unit`` follows every value ("%" directly, a word after a space). Values must be zero
    or more; an empty list draws a chart that says "No data"."""
    if not bars:
        return _no_data(chart_id, title, description, BAR_CHART_WIDTH)
    _check_values([bar.value for bar in bars])
    interactive = any(bar.href for bar in bars)
    largest = max(bar.value for bar in bars)
    value_room = max(_text_width(format_value(bar.value, unit)) for bar in bars) + GAP
    bar_x = LABEL_WIDTH + GAP
    room = BAR_CHART_WIDTH - bar_x - GAP - value_room

    rows = []
    y = GAP
    for bar in bars:
        label_lines = wrap(bar.label, LABEL_WIDTH - GAP)
        note_lines = (wrap(bar.note, BAR_CHART_WIDTH - bar_x, SMALL_FONT_SIZE)
                      if bar.note else [])
        height = max(len(label_lines) * LINE_HEIGHT, BAR_HEIGHT
                     + len(note_lines) * SMALL_LINE_HEIGHT + (4 if note_lines else 0))
        length = _length(bar.value, largest, room)
        baseline = y + 17
        # Inside a link the texts are hidden from assistive technology: the link's name
        # says them once.
        hidden = ' aria-hidden="true"' if bar.href else ""
        label_style = (f' fill="{LINK}" text-decoration="underline" class="app-chart__link-text"'
                       if bar.href else f' fill="{TEXT}"')
        parts = [
            f'<text x="0" y="{_n(baseline)}"{label_style}{hidden}>'
            f"{_tspans(label_lines, 0, LINE_HEIGHT)}</text>",
            f'<rect class="app-chart__bar" x="{_n(bar_x)}" y="{_n(y)}" width="{_n(length)}" '
            f'height="{BAR_HEIGHT}" fill="{BAR}"/>',
            f'<text x="{_n(bar_x + length + GAP)}" y="{_n(baseline)}" fill="{TEXT}"{hidden}>'
            f"{_text(format_value(bar.value, unit))}</text>",
        ]
        if note_lines:
            parts.append(
                f'<text x="{_n(bar_x)}" y="{_n(y + BAR_HEIGHT + SMALL_LINE_HEIGHT)}" '
                f'font-size="{SMALL_FONT_SIZE}" fill="{SECONDARY_TEXT}"{hidden}>'
                f"{_tspans(note_lines, bar_x, SMALL_LINE_HEIGHT)}</text>")
        content = "".join(parts)
        if bar.href:
            focus = _focus_rect(-4, y - 4, BAR_CHART_WIDTH + 8, height + 8)
            content = _link(bar, unit, focus, content)
        rows.append(f'<g class="app-chart__row">{content}</g>')
        y += height + ROW_GAP

    height = y - ROW_GAP + GAP
    axis = (f'<line x1="{_n(bar_x)}" y1="0" x2="{_n(bar_x)}" y2="{_n(height)}" '
            f'stroke="{AXIS}" stroke-width="1"/>')
    # The focus rectangles reach 4 beyond the drawing on each side: the view box holds them.
    return _svg(chart_id, title, description, BAR_CHART_WIDTH + 8, height,
                f'<g transform="translate(4 0)">{axis}{"".join(rows)}</g>',
                interactive=interactive)


# Vertical columns ------------------------------------------------------------------------

PLOT_HEIGHT = 200
PLOT_TOP = 28  # room for the tallest column's value above it
MIN_SLOT = 48
COLUMN_LABEL_LINES = 3


def _column_labels(labels: list[str], slot: float
                   ) -> tuple[list[tuple[int, float, list[str]]], int]:
    """Each label's index, centre and lines (at most three), and the most lines of any."""
    texts = []
    for index, label in enumerate(labels):
        lines = wrap(label, slot - 4, SMALL_FONT_SIZE)[:COLUMN_LABEL_LINES]
        texts.append((index, index * slot + slot / 2, lines))
    return texts, max(len(lines) for _, _, lines in texts)


def column_chart(title: str, description: str, columns: list[Bar], *, chart_id: str,
                 unit: str = "") -> Markup:
    """Vertical columns, one per period (such as 12 months): the label under each column
    and the value above it. Columns with an ``href`` are links, as in `bar_chart`."""
    if not columns:
        return _no_data(chart_id, title, description, MIN_SLOT * 12)
    _check_values([c.value for c in columns])
    interactive = any(c.href for c in columns)
    largest = max(c.value for c in columns)
    values_text = [format_value(c.value, unit) for c in columns]
    widest_value = max(_text_width(t, SMALL_FONT_SIZE) for t in values_text)
    slot = max(MIN_SLOT, widest_value + 12)
    column_width = min(slot * 0.6, 40)
    labels, most_lines = _column_labels([c.label for c in columns], slot)
    base = PLOT_TOP + PLOT_HEIGHT
    height = base + 8 + most_lines * SMALL_LINE_HEIGHT + 8
    width = slot * len(columns)

    parts = []
    for (index, centre, lines), column, value_text in zip(labels, columns, values_text,
                                                          strict=True):
        length = _length(column.value, largest, PLOT_HEIGHT)
        hidden = ' aria-hidden="true"' if column.href else ""
        label_style = (f' fill="{LINK}" text-decoration="underline" class="app-chart__link-text"'
                       if column.href else f' fill="{TEXT}"')
        content = (
            f'<rect class="app-chart__bar" x="{_n(centre - column_width / 2)}" '
            f'y="{_n(base - length)}" width="{_n(column_width)}" height="{_n(length)}" '
            f'fill="{BAR}"/>'
            f'<text x="{_n(centre)}" y="{_n(base - length - 6)}" text-anchor="middle" '
            f'font-size="{SMALL_FONT_SIZE}" fill="{TEXT}"{hidden}>{_text(value_text)}</text>'
            f'<text x="{_n(centre)}" y="{_n(base + 8 + 14)}" text-anchor="middle" '
            f'font-size="{SMALL_FONT_SIZE}"{label_style}{hidden}>'
            f"{_tspans(lines, centre, SMALL_LINE_HEIGHT)}</text>")
        if column.href:
            focus = _focus_rect(index * slot + 1, 1, slot - 2, height - 2)
            content = _link(column, unit, focus, content)
        parts.append(f'<g class="app-chart__column">{content}</g>')

    axis = (f'<line x1="0" y1="{_n(base)}" x2="{_n(width)}" y2="{_n(base)}" '
            f'stroke="{AXIS}" stroke-width="1"/>')
    return _svg(chart_id, title, description, width, height, axis + "".join(parts),
                interactive=interactive)


def _patterns(chart_id: str) -> str:
    """The fills of the second and third series: purple stripes and black checks, on white."""
    stripes, checks = SERIES_COLOURS[1], SERIES_COLOURS[2]
    return (
        "<defs>"
        f'<pattern id="{chart_id}-stripes" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/>'
        f'<rect width="3" height="6" fill="{stripes}"/></pattern>'
        f'<pattern id="{chart_id}-checks" width="8" height="8" patternUnits="userSpaceOnUse">'
        f'<rect width="8" height="8" fill="#ffffff"/><rect width="4" height="4" fill="{checks}"/>'
        f'<rect x="4" y="4" width="4" height="4" fill="{checks}"/></pattern>'
        "</defs>")


def _series_fill(chart_id: str, index: int) -> str:
    style = SERIES_STYLES[index]
    colour = SERIES_COLOURS[index]
    fill = colour if style == "solid" else f"url(#{chart_id}-{style})"
    return f'fill="{fill}" stroke="{colour}" stroke-width="2"'


def grouped_column_chart(title: str, description: str, labels: list[str],
                         series: list[Series], *, chart_id: str, unit: str = "") -> Markup:
    """Columns for up to three series side by side for each label (such as enquiries,
    applications and approvals by month), with a legend above. Each series has its own
    pattern as well as its own colour, and every value is printed above its column."""
    if not 1 <= len(series) <= len(SERIES_STYLES):
        raise ValueError(f"A grouped chart draws 1 to {len(SERIES_STYLES)} series")
    for one in series:
        if len(one.values) != len(labels):
            raise ValueError(f"Series {one.name!r} has {len(one.values)} values for "
                             f"{len(labels)} labels")
    if not labels:
        return _no_data(chart_id, title, description, MIN_SLOT * 12)
    _check_values([v for one in series for v in one.values])
    largest = max(v for one in series for v in one.values)
    size = 12
    values_text = [format_value(v, unit) for one in series for v in one.values]
    column_width = max(14, max(_text_width(t, size) for t in values_text) + 2)
    # As wide as a year of single columns at least, so text is the same size in both.
    slot = max(len(series) * column_width + 16, MIN_SLOT * 12 / len(labels))
    width = slot * len(labels)

    # The legend: a swatch of each series' pattern beside its name, one series a line.
    legend = []
    y = 4
    for index, one in enumerate(series):
        lines = wrap(one.name, width - 28)
        legend.append(
            f'<g class="app-chart__legend-item">'
            f'<rect x="1" y="{_n(y + 1)}" width="16" height="16" '
            f'{_series_fill(chart_id, index)}/>'
            f'<text x="26" y="{_n(y + 15)}" fill="{TEXT}">'
            f"{_tspans(lines, 26, LINE_HEIGHT)}</text></g>")
        y += len(lines) * LINE_HEIGHT + 8
    base = y + PLOT_TOP + PLOT_HEIGHT

    label_texts, most_lines = _column_labels(labels, slot)
    parts = []
    for index, centre, lines in label_texts:
        start = index * slot + (slot - len(series) * column_width) / 2
        for s_index, one in enumerate(series):
            value = one.values[index]
            length = _length(value, largest, PLOT_HEIGHT)
            x = start + s_index * column_width
            parts.append(
                f'<rect class="app-chart__bar" x="{_n(x + 1)}" y="{_n(base - length)}" '
                f'width="{_n(column_width - 2)}" height="{_n(length)}" '
                f'{_series_fill(chart_id, s_index)}/>'
                f'<text x="{_n(x + column_width / 2)}" y="{_n(base - length - 5)}" '
                f'text-anchor="middle" font-size="{size}" fill="{TEXT}">'
                f"{_text(format_value(value, unit))}</text>")
        parts.append(
            f'<text x="{_n(centre)}" y="{_n(base + 8 + 14)}" text-anchor="middle" '
            f'font-size="{SMALL_FONT_SIZE}" fill="{TEXT}">'
            f"{_tspans(lines, centre, SMALL_LINE_HEIGHT)}</text>")

    height = base + 8 + most_lines * SMALL_LINE_HEIGHT + 8
    axis = (f'<line x1="0" y1="{_n(base)}" x2="{_n(width)}" y2="{_n(base)}" '
            f'stroke="{AXIS}" stroke-width="1"/>')
    body = (f'<g class="app-chart__legend">{"".join(legend)}</g>'
            f'{axis}{"".join(parts)}')
    return _svg(chart_id, title, description, width, height, body, interactive=False,
                defs=_patterns(chart_id))
