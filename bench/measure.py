"""Time staff pages through the Flask test client and count the SQL each one runs."""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import event

TARGET_P95_MS = 150.0


def p95(values: list[float]) -> float:
    """Nearest-rank 95th percentile: of 50 requests, the 48th fastest."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


class QueryCounter:
    """Counts statements sent to the database (``before_cursor_execute``)."""

    def __init__(self, engine):
        self.count = 0
        self.statements: list[str] = []
        self.keep = False
        event.listen(engine, "before_cursor_execute", self._on_execute)

    def _on_execute(self, conn, cursor, statement, parameters, context, executemany):
        self.count += 1
        if self.keep:
            self.statements.append(statement)

    def reset(self) -> None:
        self.count = 0
        self.statements = []


@dataclass
class Result:
    page: str
    example: str
    times_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    target_ms: float = TARGET_P95_MS  # the page's p95 target

    @property
    def median(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu_ms)

    @property
    def p95(self) -> float:
        return p95(self.times_ms)

    @property
    def cpu_p95(self) -> float:
        return p95(self.cpu_ms)

    @property
    def queries_text(self) -> str:
        low, high = min(self.queries), max(self.queries)
        if low == high:
            return str(low)
        return f"{low}-{high} (mean {statistics.mean(self.queries):.1f})"

    @property
    def missed(self) -> bool:
        return self.p95 >= self.target_ms


def sign_in(client, email: str, password: str) -> None:
    response = client.post("/staff/sign-in", data={"email": email, "password": password})
    assert response.status_code == 302, f"sign-in gave {response.status_code}"


def time_page(client, counter: QueryCounter, page: str, urls: list[str], warmup: int,
              before: Callable[[int], None] | None = None,
              target_ms: float = TARGET_P95_MS) -> Result:
    """GET ``urls[:warmup]`` untimed, then time each of the rest. ``before(n)``, if given,
    runs untimed before the n-th request (to sign in as that request's user, say)."""
    result = Result(page, urls[warmup] if len(urls) > warmup else urls[0], target_ms=target_ms)
    for number, url in enumerate(urls):
        if before is not None:
            before(number)
        counter.reset()
        cpu = time.process_time()
        started = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
        cpu = (time.process_time() - cpu) * 1000
        assert response.status_code == 200, f"GET {url} gave {response.status_code}"
        if number >= warmup:
            result.times_ms.append(elapsed)
            result.cpu_ms.append(cpu)
            result.queries.append(counter.count)
    return result


def table(results: list[Result]) -> str:
    head = ("page", "example", "requests", "median ms", "p95 ms", "CPU median/p95 ms",
            "queries/request", "p95 target")
    rows = [head]
    for r in results:
        rows.append((r.page, r.example, str(len(r.times_ms)), f"{r.median:.1f}", f"{r.p95:.1f}",
                     f"{r.cpu_median:.1f} / {r.cpu_p95:.1f}", r.queries_text,
                     f"{'MISSED' if r.missed else 'ok'} (< {r.target_ms:.0f} ms)"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    right = {2, 3, 4, 5}
    lines = []
    for index, row in enumerate(rows):
        cells = [cell.rjust(w) if i in right else cell.ljust(w)
                 for i, (cell, w) in enumerate(zip(row, widths, strict=True))]
        lines.append("  ".join(cells).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)
