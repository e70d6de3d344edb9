"""Pages, ranks and percentiles read from score histograms equal those of sorting every entry."""

from __future__ import annotations

import random

import pytest

from candidatex.matching import histogram

FIELDS = ("total", "interview")


def entries(seed: int, n: int) -> list[dict]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        total = round(rng.choice([rng.uniform(0, 100), 50.0, 72.3]), 1)  # heavy ties on purpose
        breakdown = {"interview": round(rng.uniform(0, 100), 1)} if rng.random() < 0.6 else {}
        out.append({"application_id": f"{i:06d}", "total": total, "breakdown": breakdown})
    return out


def by_range(all_entries: list[dict], name: str, window: histogram.Window) -> list[dict]:
    """What the range query on the indexed field returns."""
    def value(e: dict) -> float | None:
        return e["total"] if name == "total" else e["breakdown"].get(name)
    return [e for e in all_entries
            if (window.low is not None and value(e) is not None and window.low <= value(e) < window.high)
            or (window.with_none and value(e) is None)]


@pytest.mark.parametrize("seed", range(4))
def test_pages_and_ranks_equal_a_full_sort(seed: int) -> None:
    all_entries = entries(seed, 700)
    hists = histogram.histograms_of(all_entries, FIELDS)
    best_first = sorted(all_entries, key=lambda e: (-e["total"], e["application_id"]))
    by_interview = sorted(best_first, key=lambda e: (e["breakdown"].get("interview") is None,
                                                     -(e["breakdown"].get("interview") or 0.0)))
    for name, descending, expected in (("total", True, best_first), ("total", False, best_first[::-1]),
                                       ("interview", True, by_interview)):
        for skip, limit in ((0, 50), (50, 50), (650, 50), (690, 20), (333, 7)):
            found = histogram.window(hists[name], skip, limit, descending)
            fetched = by_range(all_entries, name, found)
            assert len(fetched) < 300  # a page and its ties, not everything
            fetched.sort(key=lambda e: (-e["total"], e["application_id"]))
            if name == "total" and not descending:
                fetched.reverse()
            elif name != "total":
                fetched.sort(key=lambda e: (e["breakdown"].get(name) is None, -(e["breakdown"].get(name) or 0.0)))
            page = fetched[skip - found.before:skip - found.before + limit]
            assert page == expected[skip:skip + limit], (name, descending, skip)
        assert histogram.window(hists[name], 700, 50, descending) is None
    totals = sorted(e["total"] for e in all_entries)
    for e in all_entries[:100]:
        rank, percentile = histogram.rank_and_percentile(hists["total"], e["total"])
        assert rank == 1 + sum(t > e["total"] for t in totals)
        assert percentile == round(100 * sum(t < e["total"] for t in totals) / (len(totals) - 1), 1)


def test_deltas_keep_the_histogram_equal_to_a_recount() -> None:
    all_entries = entries(9, 200)
    hists = histogram.histograms_of(all_entries, FIELDS)
    changed = [{**e, "total": round(100 - e["total"], 1), "breakdown": {}} for e in all_entries[:50]]
    added = entries(10, 30)
    for old, new in [*zip(all_entries[:50], changed, strict=True), *((None, a) for a in added),
                     (all_entries[60], None)]:
        for path, n in histogram.deltas(old, new, FIELDS).items():
            name, key = path.split(".")
            hists[name][key] = hists[name].get(key, 0) + n
    now = changed + all_entries[50:60] + all_entries[61:] + added
    recount = histogram.histograms_of(now, FIELDS)
    assert {n: {k: v for k, v in h.items() if v} for n, h in hists.items()} == recount
