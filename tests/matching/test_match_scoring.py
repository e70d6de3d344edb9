from __future__ import annotations

from datetime import date

import pytest

from candidatex.matching.scoring import (
    CandidateProfile,
    JobProfile,
    MatchWeights,
    rank_candidates,
    recommend_jobs,
    score_candidate,
    tfidf_cosine,
)
from candidatex.resumes.parsing import parse_resume

TODAY = date(2024, 6, 15)

BACKEND_JOB = JobProfile.from_posting(
    "backend",
    "Senior Backend Engineer",
    "Build and scale payment APIs in Python with FastAPI, PostgreSQL and Kafka, deployed on Kubernetes. "
    "5+ years of experience designing REST APIs and distributed systems.",
    required_skills=["python", "postgres", "k8s", "kafka"],
    education_level="bachelor",
)
NURSING_JOB = JobProfile.from_posting(
    "nurse",
    "Registered Nurse",
    "Provide patient care on a busy surgical ward, administer medication, and support families. "
    "Associate degree in nursing and 2 years of hospital experience.",
    education_level="associate",
)

STRONG = """Priya Natarajan
Experience
Senior Backend Engineer, PayFlow — Jan 2018 – Present
Designed REST APIs in Python/FastAPI on postgres; Kafka event pipelines; ran services on k8s.
Backend Engineer, ShopCo — 2015 - 2018
Python services, distributed systems, payment integrations.
Education
BSc in Computer Science, University of Manchester, 2015"""

MIDDLING = """Tom Baker
Experience
Backend developer, Agency — 2021 - 2024
Python and PostgreSQL web backends with Django.
Education
BSc in Physics, University of Bristol, 2020"""

JUNIOR = """Ana Costa
Experience
Junior backend developer, Startup — 2022 - 2024
Python and Flask APIs.
Education
BSc in Mathematics, University of Porto, 2021"""

WEAK = """Lena Fischer
Experience
Barista, Bean There — 2019 - 2024
Customer service, latte art, opening and closing the shop."""


def candidate(candidate_id: str, text: str, interview: float | None = None) -> CandidateProfile:
    return CandidateProfile.from_resume(candidate_id, parse_resume(text, today=TODAY), text, interview)


def test_a_strong_candidate_ranks_above_weaker_ones() -> None:
    ranked = rank_candidates(BACKEND_JOB, [candidate("weak", WEAK), candidate("strong", STRONG), candidate("mid", MIDDLING)])

    assert [r.candidate_id for r in ranked] == ["strong", "mid", "weak"]
    assert [r.rank for r in ranked] == [1, 2, 3]
    assert [r.percentile for r in ranked] == [100.0, 50.0, 0.0]
    strong, mid, weak = ranked
    assert strong.score.total >= 80 and strong.recommendation.startswith("Strong match")
    assert weak.recommendation.startswith("Weak match")
    assert strong.score.matched_skills[:4] == ["Python", "PostgreSQL", "Kubernetes", "Apache Kafka"]
    assert {"Kubernetes", "Apache Kafka"} <= set(mid.score.missing_skills)
    assert set(strong.score.breakdown) == {"skills", "experience", "education", "text_similarity", "career_consistency"}
    assert all(0 <= value <= 100 for value in strong.score.breakdown.values())
    assert strong.score.breakdown["experience"] == 100.0
    assert weak.score.breakdown["skills"] == 0.0


def test_total_is_the_weighted_sum_of_the_breakdown() -> None:
    score = score_candidate(BACKEND_JOB, candidate("mid", MIDDLING))
    assert sum(score.weights.values()) == pytest.approx(1.0)
    expected = sum(score.breakdown[name] * weight for name, weight in score.weights.items())
    assert score.total == pytest.approx(expected, abs=0.1)
    assert score.weights["skills"] == pytest.approx(0.35)


def test_equal_candidates_share_a_rank() -> None:
    ranked = rank_candidates(BACKEND_JOB, [candidate("a", MIDDLING), candidate("b", MIDDLING), candidate("c", WEAK)])
    assert [r.rank for r in ranked] == [1, 1, 3]
    assert ranked[0].percentile == ranked[1].percentile == 50.0


def test_an_interview_score_joins_the_ranking_and_can_change_the_order() -> None:
    without = rank_candidates(BACKEND_JOB, [candidate("mid", MIDDLING), candidate("junior", JUNIOR)])
    assert [r.candidate_id for r in without] == ["mid", "junior"]
    assert "interview" not in without[0].score.breakdown

    with_interviews = rank_candidates(
        BACKEND_JOB, [candidate("mid", MIDDLING, interview=40), candidate("junior", JUNIOR, interview=95)]
    )
    assert [r.candidate_id for r in with_interviews] == ["junior", "mid"]
    top = with_interviews[0].score
    assert top.breakdown["interview"] == 95
    assert top.weights["interview"] == pytest.approx(0.2)
    assert sum(top.weights.values()) == pytest.approx(1.0)
    # The other components keep their configured proportions.
    assert top.weights["skills"] / top.weights["experience"] == pytest.approx(0.35 / 0.20)
    assert "Interview: 95/100" in top.explanation


def test_the_interview_share_is_configurable() -> None:
    score = score_candidate(BACKEND_JOB, candidate("strong", STRONG, interview=10), MatchWeights(interview=0.6))
    assert score.weights["interview"] == pytest.approx(0.6)
    others = sum(score.breakdown[name] * w for name, w in score.weights.items() if name != "interview")
    assert score.total == pytest.approx(others + 0.6 * 10, abs=0.1)
    assert score.total < 50  # a poor interview now outweighs a perfect resume


def test_components_the_job_gives_no_basis_for_are_left_out() -> None:
    job = JobProfile("open", "Engineer", "Any engineer welcome.")
    score = score_candidate(job, candidate("mid", MIDDLING))
    assert "experience" not in score.breakdown and "education" not in score.breakdown
    assert sum(score.weights.values()) == pytest.approx(1.0)


def test_invalid_weights_are_refused() -> None:
    with pytest.raises(ValueError):
        MatchWeights(skills=-1)
    with pytest.raises(ValueError):
        MatchWeights(interview=1.0)


def test_recommended_jobs_for_a_candidate() -> None:
    picks = recommend_jobs(candidate("strong", STRONG), [NURSING_JOB, BACKEND_JOB], limit=2)
    assert [p.job_id for p in picks] == ["backend", "nurse"]
    assert picks[0].score.total > picks[1].score.total
    assert [p.job_id for p in recommend_jobs(candidate("strong", STRONG), [NURSING_JOB, BACKEND_JOB], limit=1)] == [
        "backend"
    ]


def test_tfidf_cosine_orders_documents_by_shared_vocabulary() -> None:
    same, related, unrelated = tfidf_cosine(
        "python backend engineer building payment apis",
        [
            "python backend engineer building payment apis",
            "backend engineer writing apis in java",
            "pastry chef baking croissants",
        ],
    )
    assert same == pytest.approx(1.0)
    assert 0 < related < same
    assert unrelated == 0.0


def test_experience_counts_related_roles_only() -> None:
    career_changer = candidate(
        "changer",
        "Barista, Bean There — 2012 - 2020\nSoftware Developer, Initech — 2020 - 2023\nPython, PostgreSQL",
    )
    score = score_candidate(BACKEND_JOB, career_changer)
    # Three years as a developer count towards the five required; eight years as a barista do not.
    assert score.breakdown["experience"] == pytest.approx(60.0)
    assert "3 years in related roles (of 11 dated)" in " ".join(score.explanation)
