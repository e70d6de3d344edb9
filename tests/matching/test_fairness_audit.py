from __future__ import annotations

import pytest

from candidatex.matching.fairness import fairness_audit


def applicants(group: str, total: int, selected: int) -> tuple[list[tuple[str, str]], set[str]]:
    ids = [f"{group}-{i}" for i in range(total)]
    return [(i, group) for i in ids], set(ids[:selected])


def test_a_shortlist_failing_the_four_fifths_rule_is_flagged() -> None:
    group_a, chosen_a = applicants("A", 10, 6)
    group_b, chosen_b = applicants("B", 10, 2)
    report = fairness_audit(chosen_a | chosen_b, group_a + group_b, "gender")

    assert report.groups["A"].selection_rate == 0.6
    assert report.groups["B"].selection_rate == 0.2
    assert report.disparate_impact_ratio == pytest.approx(1 / 3, abs=1e-3)  # 0.2 / 0.6
    assert report.demographic_parity_difference == pytest.approx(0.4)
    assert report.four_fifths_pass is False
    assert report.lowest_rate_group == "B" and report.highest_rate_group == "A"
    assert report.warning is not None and "'B'" in report.warning and "0.33" in report.warning


def test_a_balanced_shortlist_passes() -> None:
    group_a, chosen_a = applicants("A", 10, 5)
    group_b, chosen_b = applicants("B", 10, 4)
    report = fairness_audit(chosen_a | chosen_b, group_a + group_b, "ethnicity")
    assert report.disparate_impact_ratio == pytest.approx(0.8)
    assert report.four_fifths_pass is True
    assert report.demographic_parity_difference == pytest.approx(0.1)
    assert report.warning is None


def test_undisclosed_candidates_are_excluded_and_small_groups_suppressed() -> None:
    group_a, chosen_a = applicants("A", 10, 5)
    group_b, chosen_b = applicants("B", 10, 5)
    group_c, chosen_c = applicants("C", 2, 0)  # two people: their rate would be each one's outcome
    undisclosed = [("x1", None), ("x2", ""), ("x3", "Prefer not to say")]
    report = fairness_audit(chosen_a | chosen_b | chosen_c | {"x1"}, group_a + group_b + group_c + undisclosed,
                            "age_band")
    assert report.excluded_without_data == 3
    assert set(report.groups) == {"A", "B"}  # C is in no count, rate, ratio or warning
    assert report.suppressed_groups == 1 and report.suppressed_candidates is None  # 2 people: not even counted
    assert report.four_fifths_pass is True and report.warning is None  # 0.5 vs 0.5; C's 0.0 does not drive it
    assert "C" not in " ".join(report.notes)


def test_impact_ratios_per_category_and_scoring_rates() -> None:
    group_a, chosen_a = applicants("A", 10, 6)
    group_b, chosen_b = applicants("B", 10, 3)
    scores = {cid: (90.0 if cid.startswith("A") else 40.0) for cid, _ in group_a + group_b}
    report = fairness_audit(chosen_a | chosen_b, group_a + group_b, "gender", scores=scores)
    assert report.groups["A"].impact_ratio == 1.0 and report.groups["B"].impact_ratio == 0.5
    assert report.groups["A"].scoring_rate == 1.0 and report.groups["B"].scoring_rate == 0.0
    assert report.groups["B"].scoring_impact_ratio == 0.0


def test_the_minimum_group_size_never_goes_below_three() -> None:
    group_a, chosen_a = applicants("A", 2, 1)
    group_b, chosen_b = applicants("B", 2, 2)
    report = fairness_audit(chosen_a | chosen_b, group_a + group_b, "gender", min_group_size=1)
    assert report.min_group_size == 3 and report.groups == {}


def test_no_comparison_without_two_groups_or_any_selection() -> None:
    only_a, chosen = applicants("A", 10, 3)
    single = fairness_audit(chosen, only_a, "gender")
    assert single.disparate_impact_ratio is None and single.four_fifths_pass is None
    group_b, _ = applicants("B", 10, 0)
    nobody = fairness_audit(set(), only_a + group_b, "gender")
    assert nobody.disparate_impact_ratio is None
    assert nobody.demographic_parity_difference == 0.0
