"""Percentiles from a histogram: the figures count durations in the database (GROUP BY) and
pick the median and 90th percentile from the counts. Plain Python."""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["nearest_rank"]


def nearest_rank(histogram: Iterable[tuple[int, int]], percent: int) -> int | None:
    """The nearest-rank ``percent``th percentile of values given as (value, how many): the
    smallest value with at least ``percent``% of all values at or below it (of 5 values,
    the median is the 3rd and the 90th percentile the 5th). None when there are none."""
    ordered = sorted((value, n) for value, n in histogram if n > 0)
    total = sum(n for _, n in ordered)
    if not total:
        return None
    rank = -(-total * percent // 100)  # ceiling, in whole numbers
    seen = 0
    for value, n in ordered:
        seen += n
        if seen >= rank:
            return value
    return ordered[-1][0]
