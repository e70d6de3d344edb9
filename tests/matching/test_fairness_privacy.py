"""Audits protect individuals: the differencing attack (top k against top k-1) learns nobody's group."""

from __future__ import annotations

import random

from candidatex.matching.fairness import audit_report, snap_top_n


def _audit(ranked: list[str], groups: dict[str, str], top_n: int, min_group_size: int = 5) -> dict:
    used = snap_top_n(top_n, min_group_size)
    return audit_report(set(ranked[:used]), [(cid, groups[cid]) for cid in ranked], "gender", min_group_size)


def test_comparing_top_k_with_top_k_minus_one_never_reveals_one_persons_group() -> None:
    rng = random.Random(7)
    ranked = [f"c{i}" for i in range(40)]
    groups = {cid: rng.choice(["female", "male"]) for cid in ranked}
    revealed = 0
    for k in range(2, len(ranked) + 1):
        now, before = _audit(ranked, groups, k), _audit(ranked, groups, k - 1)
        grown = {name: now["groups"][name]["selected"] - before["groups"][name]["selected"] for name in now["groups"]}
        if sum(grown.values()) == 1:  # exactly one more person selected: their group would be the one that grew
            revealed += 1
        assert sum(grown.values()) in (0, 5)
    assert revealed == 0


def test_without_snapping_the_same_attack_recovers_each_person() -> None:
    """The attack the snapping defeats: with exact top_n, every top-k person's group falls out."""
    ranked = [f"c{i}" for i in range(10)]
    groups = {cid: ("female" if i % 3 else "male") for i, cid in enumerate(ranked)}
    candidates = [(cid, groups[cid]) for cid in ranked]
    for k in range(2, 8):
        now = audit_report(set(ranked[:k]), candidates, "gender", 3)["groups"]
        before = audit_report(set(ranked[:k - 1]), candidates, "gender", 3)["groups"]
        grown = [name for name in now if now[name]["selected"] > before[name]["selected"]]
        assert grown == [groups[ranked[k - 1]]]


def test_small_intersectional_groups_are_suppressed() -> None:
    people = [(f"w{i}", "female", "white") for i in range(6)] + [(f"b{i}", "female", "black") for i in range(2)]
    people += [(f"m{i}", "male", "white") for i in range(6)]
    report = audit_report({"w0", "b0", "m0", "m1"}, [(cid, sex) for cid, sex, _ in people], "gender", 5,
                          intersection=people)
    crossed = report["intersectional"]
    assert set(crossed["groups"]) == {"female \u00d7 white", "male \u00d7 white"}
    assert crossed["suppressed_groups"] == 1 and crossed["suppressed_candidates"] is None  # two people: hidden
    assert report["groups"]["female"]["total"] == 8
