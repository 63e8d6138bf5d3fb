"""The ecomap as plain Python: the household in a circle at the centre, the people and
places in its life around it, each joined to it by a line whose style (never its colour
alone) says how strong the connection is; and the same map as sentences.

Conventions: a thick solid line for a strong connection, a plain solid line for a moderate
one, a dashed line for a tenuous one, and a zig-zag line for a stressful one.
"""

from __future__ import annotations

import math
from html import escape

from carers.family.genogram import svg_element

KINDS = {
    "family": "Family",
    "friends": "Friends",
    "school": "School or nursery",
    "work": "Work",
    "health": "Health",
    "faith": "Faith",
    "community": "Community",
    "services": "Services",
    "other": "Other",
}
STRENGTHS = {
    "strong": "Strong",
    "moderate": "Moderate",
    "tenuous": "Tenuous",
    "stressful": "Stressful",
}
STRENGTH_WORDS = {
    "strong": "a strong connection",
    "moderate": "a moderate connection",
    "tenuous": "a tenuous connection",
    "stressful": "a stressful connection",
}

CENTRE_R = 62
ENTRY_R = 56
MAX_LABEL = 17


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _short(text: str) -> str:
    return text if len(text) <= MAX_LABEL else text[:MAX_LABEL - 1].rstrip() + "…"


def _zigzag(x1, y1, x2, y2) -> str:
    """A zig-zag path from one point to another (a stressful connection)."""
    length = math.hypot(x2 - x1, y2 - y1)
    steps = max(4, int(length // 10))
    ux, uy = (x2 - x1) / length, (y2 - y1) / length
    nx, ny = -uy, ux
    points = [f"M {_fmt(x1)} {_fmt(y1)}"]
    for i in range(1, steps):
        t = i / steps
        side = 5 if i % 2 else -5
        points.append(f"L {_fmt(x1 + ux * length * t + nx * side)} "
                      f"{_fmt(y1 + uy * length * t + ny * side)}")
    points.append(f"L {_fmt(x2)} {_fmt(y2)}")
    return " ".join(points)


# Line styles by strength: the width and dashes say it, never the colour alone.
LINE = {
    "strong": ' stroke-width="5"',
    "moderate": ' stroke-width="2"',
    "tenuous": ' stroke-width="2" stroke-dasharray="6 5"',
    "stressful": ' stroke-width="2"',
}
SHAPE = ' fill="#ffffff" stroke="#0b0c0c" stroke-width="2"'


def _entry_list(family: dict) -> list[dict]:
    return [e for e in family.get("ecomap") or [] if e.get("name")]


def draw(family: dict, title: str, centre_label: str = "The household",
         id_prefix: str = "ecomap", max_width: float | None = None) -> str:
    """The ecomap as a standalone SVG element: role="img", a title and a description."""
    entries = _entry_list(family)
    count = len(entries)
    ring = 0 if not count else max(190, 60 + count * 22)
    size = 2 * (ring + ENTRY_R + 40)
    cx = cy = size / 2
    lines, circles = [], []
    for index, entry in enumerate(entries):
        angle = -math.pi / 2 + 2 * math.pi * index / count
        ex, ey = cx + ring * math.cos(angle), cy + ring * math.sin(angle)
        strength = entry.get("strength") if entry.get("strength") in STRENGTHS else "moderate"
        kind = entry.get("kind") if entry.get("kind") in KINDS else "other"
        # From the centre circle's edge to the entry circle's edge.
        x1, y1 = cx + CENTRE_R * math.cos(angle), cy + CENTRE_R * math.sin(angle)
        x2, y2 = ex - ENTRY_R * math.cos(angle), ey - ENTRY_R * math.sin(angle)
        if strength == "stressful":
            shape = (f'<path class="connection stressful" d="{_zigzag(x1, y1, x2, y2)}"'
                     f'{LINE[strength]}/>')
        else:
            shape = (f'<line class="connection {strength}" x1="{_fmt(x1)}" y1="{_fmt(y1)}" '
                     f'x2="{_fmt(x2)}" y2="{_fmt(y2)}"{LINE[strength]}/>')
        lines.append(shape)
        circles.append(
            f'<g class="entry {kind} {strength}" data-kind="{kind}" '
            f'data-strength="{strength}" data-entry="{index}">'
            f'<circle cx="{_fmt(ex)}" cy="{_fmt(ey)}" r="{ENTRY_R}"{SHAPE}/>'
            f'<text class="name" x="{_fmt(ex)}" y="{_fmt(ey)}">'
            f'{escape(_short(str(entry["name"])))}</text>'
            f'<text class="kind" font-size="10" x="{_fmt(ex)}" y="{_fmt(ey + 14)}">'
            f'{escape(KINDS[kind])}</text></g>')
    description = (f"{count} connection{'s' if count != 1 else ''} around the household. "
                   "A thick line is a strong connection, a thin line a moderate one, a dashed "
                   "line a tenuous one and a zig-zag line a stressful one. Each connection "
                   "is also listed in words.")
    return svg_element(
        "ecomap", id_prefix, title, description, size, size, max_width,
        f'<g class="connections" fill="none" stroke="#0b0c0c">{"".join(lines)}</g>'
        '<g class="figures" font-family="Arial, Helvetica, sans-serif" font-size="12" '
        'text-anchor="middle" fill="#0b0c0c">'
        f'<g class="centre"><circle cx="{_fmt(cx)}" cy="{_fmt(cy)}" r="{CENTRE_R}"'
        ' fill="#ffffff" stroke="#0b0c0c" stroke-width="3"/>'
        f'<text class="name" x="{_fmt(cx)}" y="{_fmt(cy + 4)}">'
        f'{escape(_short(centre_label))}</text></g>'
        f'<g class="entries">{"".join(circles)}</g></g>')


def text_list(family: dict) -> list[str]:
    """One sentence per connection: "School (school or nursery): a strong connection"."""
    sentences = []
    for entry in _entry_list(family):
        kind = KINDS.get(entry.get("kind"), KINDS["other"])
        strength = STRENGTH_WORDS.get(entry.get("strength"), STRENGTH_WORDS["moderate"])
        sentences.append(f"{entry['name']} ({kind[0].lower() + kind[1:]}): {strength}")
    return sentences
