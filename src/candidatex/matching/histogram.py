"""Score histograms: ranks, percentiles and page windows of a job's ranking without sorting all its entries.

SecantusDB answers a sorted query by fetching every matching document and sorting them (even with an index on
the sort key and a hint: 10,000 entries, ~2 s), while a range filter on an indexed field touches only the
documents in the range (~50 entries in 0.01 s). Totals and components are rounded to 0.1, so a histogram with
one bin per 0.1 point gives exact competition ranks and percentiles, and tells which value range holds a page:
the page is then one indexed range query plus an in-memory sort of about ``limit`` entries.

A histogram is ``{bin: count}`` with bins ``str(round(value * 10))``; ``NONE_BIN`` counts entries without
the value (a component the job gives no basis for), which sort last.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

NONE_BIN = "none"
BINS_PER_POINT = 10


def bin_of(value: float | None) -> str:
    return NONE_BIN if value is None else str(int(round(value * BINS_PER_POINT)))


def sort_values(entry: Mapping[str, Any], fields: Iterable[str]) -> dict[str, float | None]:
    """The entry's value of each histogram field ("total" or a component name)."""
    breakdown = entry.get("breakdown") or {}
    return {name: entry.get("total") if name == "total" else breakdown.get(name) for name in fields}


def histograms_of(entries: Iterable[Mapping[str, Any]], fields: Iterable[str]) -> dict[str, dict[str, int]]:
    fields = list(fields)
    counters: dict[str, Counter[str]] = {name: Counter() for name in fields}
    for entry in entries:
        for name, value in sort_values(entry, fields).items():
            counters[name][bin_of(value)] += 1
    return {name: dict(counter) for name, counter in counters.items()}


def deltas(old: Mapping[str, Any] | None, new: Mapping[str, Any] | None, fields: Iterable[str]) -> Counter[str]:
    """``$inc`` paths (``"<field>.<bin>"``) that turn a histogram with ``old`` into one with ``new``."""
    fields = list(fields)
    change: Counter[str] = Counter()
    for entry, sign in ((old, -1), (new, 1)):
        if entry is not None:
            for name, value in sort_values(entry, fields).items():
                change[f"{name}.{bin_of(value)}"] += sign
    return Counter({path: n for path, n in change.items() if n})


def _numeric(histogram: Mapping[str, int]) -> list[tuple[int, int]]:
    return sorted((int(b), n) for b, n in histogram.items() if b != NONE_BIN and n > 0)


def count(histogram: Mapping[str, int]) -> int:
    return sum(n for n in histogram.values() if n > 0)


def rank_and_percentile(histogram: Mapping[str, int], total: float) -> tuple[int, float]:
    """Competition rank (1 + how many score strictly higher) and the share of the others scoring lower."""
    own = int(bin_of(total))
    higher = sum(n for b, n in _numeric(histogram) if b > own)
    lower = sum(n for b, n in _numeric(histogram) if b < own)
    everyone = count(histogram)
    return higher + 1, 100.0 if everyone <= 1 else round(100 * lower / (everyone - 1), 1)


@dataclass(frozen=True, slots=True)
class Window:
    """The value bins holding one page, and how many entries sort before the first of them."""

    low: float | None  # value range [low, high) to fetch; None when no numeric bin is needed
    high: float | None
    with_none: bool  # the page reaches the entries without a value
    before: int


def window(histogram: Mapping[str, int], skip: int, limit: int, descending: bool = True) -> Window | None:
    """The bins that hold positions [skip, skip + limit) in the order of the field; None past the end."""
    bins = _numeric(histogram)
    ordered: list[tuple[int | str, int]] = [*(reversed(bins) if descending else bins)]
    missing = histogram.get(NONE_BIN, 0)
    if missing > 0:
        ordered.append((NONE_BIN, missing))
    before = taken = 0
    chosen: list[int | str] = []
    for key, n in ordered:
        if before + n <= skip and not chosen:
            before += n
            continue
        chosen.append(key)
        taken += n
        if before + taken >= skip + limit:
            break
    if not chosen:
        return None
    numeric = [k for k in chosen if isinstance(k, int)]  # every bin but NONE_BIN
    if not numeric:
        return Window(None, None, True, before)
    half = 0.5 / BINS_PER_POINT
    low, high = min(numeric) / BINS_PER_POINT - half, max(numeric) / BINS_PER_POINT + half
    return Window(low, high, NONE_BIN in chosen, before)
