"""Whole numbers: read from what a browser sends (page numbers, form versions, ids), and
stated in sentences."""

import re

DIGITS = re.compile(r"[0-9]+")

# Below PostgreSQL's integer ceiling, so a number read here is always a valid id or version.
INTEGER_LIMIT = 10**9


def plain_number(raw: str | None, below: int = INTEGER_LIMIT) -> int | None:
    """``raw`` as an int when it is ASCII digits and under ``below``; None otherwise.

    str.isdigit() is not enough: it also accepts "²" (which int() refuses) and "٣" (which
    int() reads as 3), and a 40-digit string overflows the database's integer columns."""
    if not raw or not DIGITS.fullmatch(raw) or len(raw) > len(str(below)):
        return None
    value = int(raw)
    return value if value < below else None
