"""How the engine combines components: weights, an interview's share, components left out, shared ranks.
(Folded in from the tests of the retired TF-IDF scorer; these run without the embedding model.)"""

from __future__ import annotations

import pytest

from candidatex.matching.engine import JobContext, rank, score_profiles
from candidatex.matching.weights import MatchWeights
from tests.matching.test_semantic_matching import ACCOUNTANT, ENGINEER, NURSE, profile_of

JOB = dict(title="Senior Accountant", description="Lead the month-end close and reconciliations under GAAP.",
           required=["GAAP", "Account Reconciliation"], preferred=["NetSuite"], min_years=4, education_level="bachelor")


def scores(items, weights: MatchWeights = MatchWeights(), **job):
    job = {**JOB, **job}
    context = JobContext.build(job["title"], job["description"], job["required"], job["preferred"], job["min_years"],
                               job["education_level"], None)
    return {s.key: s for s in score_profiles(context, items, weights)}


def test_the_total_is_the_weighted_sum_of_the_breakdown() -> None:
    score = scores([("acc", profile_of(ACCOUNTANT, None), None)])["acc"]
    assert sum(score.weights.values()) == pytest.approx(1.0, abs=1e-3)
    assert score.total == pytest.approx(sum(score.breakdown[n] * w for n, w in score.weights.items()), abs=0.2)
    assert score.weights["skills"] / score.weights["experience"] == pytest.approx(0.35 / 0.20, rel=1e-3)


def test_an_interview_joins_with_its_share_and_can_change_the_order() -> None:
    accountant, nurse = profile_of(ACCOUNTANT, None), profile_of(NURSE, None)
    without = scores([("acc", accountant, None), ("nurse", nurse, None)])
    assert without["acc"].total > without["nurse"].total and "interview" not in without["acc"].breakdown
    weights = MatchWeights(interview=0.6)
    both = scores([("acc", accountant, 5.0), ("nurse", nurse, 100.0)], weights)
    assert both["nurse"].total > both["acc"].total
    assert both["acc"].weights["interview"] == pytest.approx(0.6)
    assert any(r.text == "Interview: 5/100" for r in both["acc"].reasons)


def test_components_the_job_gives_no_basis_for_are_left_out() -> None:
    score = scores([("acc", profile_of(ACCOUNTANT, None), None)], min_years=None, education_level="none")["acc"]
    assert "experience" not in score.breakdown and "education" not in score.breakdown
    assert sum(score.weights.values()) == pytest.approx(1.0, abs=1e-3)


def test_equal_resumes_share_a_rank_and_invalid_weights_are_refused() -> None:
    items = [("a", profile_of(ACCOUNTANT, None), None), ("b", profile_of(ACCOUNTANT, None), None),
             ("c", profile_of(ENGINEER, None), None)]
    ranked = rank(list(scores(items).values()))
    assert [(s.key, position) for s, position, _ in ranked] == [("a", 1), ("b", 1), ("c", 3)]
    assert ranked[0][2] == ranked[1][2] == 50.0
    with pytest.raises(ValueError):
        MatchWeights(skills=-1)
    with pytest.raises(ValueError):
        MatchWeights(interview=1.0)


def test_titles_in_spanish_french_and_german_name_the_same_work() -> None:
    from candidatex.matching.weights import title_stems

    assert title_stems("Comptable Senior") & title_stems("Senior Accountant")
    assert title_stems("Enfermera de Cuidados Intensivos") & title_stems("ICU Registered Nurse")
    assert title_stems("Krankenpflegerin Intensivstation") & title_stems("ICU Registered Nurse")
    assert title_stems("Softwareentwickler") & title_stems("Senior Backend Engineer")
    assert title_stems("Enseignante de mathématiques") & title_stems("Mathematics Teacher")
    assert not title_stems("Comptable Senior") & title_stems("Account Executive")  # a shared word is no match
    assert not title_stems("Jefe de Ventas") & title_stems("ICU Registered Nurse")
