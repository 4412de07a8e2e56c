"""Timing helpers shared by the benchmarks: samples, percentiles and a plain table."""

from __future__ import annotations

import dataclasses
import gc
import math
import time
from collections.abc import Callable, Sequence


@dataclasses.dataclass
class Samples:
    """Wall-clock durations of single calls, in seconds."""

    values: list[float]

    @property
    def median(self) -> float:
        return percentile(self.values, 50)

    @property
    def p95(self) -> float:
        return percentile(self.values, 95)

    def __len__(self) -> int:
        return len(self.values)


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (no interpolation): a duration that was measured."""
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def interleaved(
    calls: dict[str, Callable[[], object]], repetitions: int, warmup: int = 3
) -> dict[str, Samples]:
    """Time each call ``repetitions`` times, taking turns (a, b, a, b, ...) so that a
    slow spell of the machine hits every call alike rather than one of them."""
    for _ in range(warmup):
        for call in calls.values():
            call()
    gc.collect()
    clock = time.perf_counter
    results: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(repetitions):
        for name, call in calls.items():
            start = clock()
            call()
            results[name].append(clock() - start)
    return {name: Samples(values) for name, values in results.items()}


def once(call: Callable[[], object]) -> float:
    """Duration of a single call, in seconds."""
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def ms(seconds: float) -> str:
    """Seconds as milliseconds with three significant figures or so."""
    value = seconds * 1000
    if value >= 100:
        return f"{value:.0f}"
    if value >= 10:
        return f"{value:.1f}"
    if value >= 1:
        return f"{value:.2f}"
    return f"{value:.3f}"


def ratio(value: float, base: float) -> str:
    """How many times ``base`` a duration is, e.g. "3.2x"."""
    if base <= 0:
        return "-"
    times = value / base
    return f"{times:.0f}x" if times >= 100 else f"{times:.1f}x"


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A plain-text table: first column left-aligned, the others right-aligned."""
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: Sequence[str]) -> str:
        parts = [
            cell.ljust(width) if i == 0 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(cells[0]), rule, *(line(row) for row in cells[1:])])


def heading(text: str) -> str:
    """A section heading for the printed report."""
    return f"\n{text}\n{'=' * len(text)}"
