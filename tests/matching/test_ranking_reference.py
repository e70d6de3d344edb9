"""The optimised ranking (vectorised TF-IDF, cached text analysis) gives exactly what the straightforward
per-candidate computation gave. The reference below is the pre-optimisation code, kept verbatim in spirit."""

from __future__ import annotations

import bisect
import math
import random
from collections import Counter
from datetime import date

import pytest

from candidatex.matching.scoring import (
    FULL_TENURE_MONTHS,
    PREFERRED_SKILL_WEIGHT,
    SIMILARITY_FOR_FULL_MARKS,
    CandidateProfile,
    JobProfile,
    MatchScore,
    MatchWeights,
    rank_candidates,
    recommend_jobs,
    recommendation_line,
    score_candidate,
    tfidf_cosine,
)
from candidatex.resumes.parsing import DEGREE_RANK, covered_years, parse_resume
from candidatex.resumes.taxonomy import STOPWORDS, default_taxonomy, document_terms, stem

_ROLE_SYNONYMS = {"developer": "engineer", "programmer": "engineer", "dev": "engineer", "swe": "engineer"}
_SENIORITY_WORDS = frozenset(
    "senior junior lead principal staff head chief intern sr jr associate mid level i ii iii iv".split()
)


# ------------------------------------------------------------------------------- reference (plain Python)


def ref_tfidf_cosine(query, documents, taxonomy):
    bags = [Counter(document_terms(text, taxonomy)) for text in (query, *documents)]
    doc_count = len(bags)
    document_frequency = Counter()
    for bag in bags:
        document_frequency.update(bag.keys())
    idf = {term: math.log((1 + doc_count) / (1 + df)) + 1 for term, df in document_frequency.items()}
    vectors = []
    for bag in bags:
        vector = {term: (1 + math.log(count)) * idf[term] for term, count in bag.items()}
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        vectors.append({term: v / norm for term, v in vector.items()})
    query_vector, *document_vectors = vectors
    return [sum(w * vector.get(term, 0.0) for term, w in query_vector.items()) for vector in document_vectors]


def ref_title_stems(title):
    words = (w.strip(".,/()-").lower() for w in title.split())
    words = (_ROLE_SYNONYMS.get(w, w) for w in words)
    return {stem(w) for w in words if w and w not in STOPWORDS and w not in _SENIORITY_WORDS}


def ref_is_related(job_words, position):
    return not job_words or bool(job_words & ref_title_stems(position.title or ""))


def ref_score(job, candidate, weights, similarity, taxonomy):
    components, explanation = {}, []
    skill_weights = {}
    for skill in job.required_skills:
        skill_weights[taxonomy.normalize(skill)] = 1.0
    for skill in [*job.preferred_skills, *taxonomy.extract(job.text)]:
        skill_weights.setdefault(taxonomy.normalize(skill), PREFERRED_SKILL_WEIGHT)
    have = {taxonomy.normalize(s).casefold() for s in candidate.skills}
    have.update(s.casefold() for s in taxonomy.extract(candidate.resume_text))
    matched = [s for s in skill_weights if s.casefold() in have]
    missing = sorted((s for s in skill_weights if s.casefold() not in have), key=lambda s: -skill_weights[s])
    if skill_weights:
        components["skills"] = 100 * sum(skill_weights[s] for s in matched) / sum(skill_weights.values())
        required_total = sum(1 for w in skill_weights.values() if w == 1.0)
        required_hit = sum(1 for s in matched if skill_weights[s] == 1.0)
        explanation.append(
            f"Skills: {len(matched)} of {len(skill_weights)} job skills"
            + (f" ({required_hit} of {required_total} required)" if required_total else "")
            + (f"; missing {', '.join(missing[:5])}" if missing else "")
        )
    job_words = ref_title_stems(job.title)
    if job.min_years_experience:
        dated = [p for p in candidate.positions if p.months]
        if not dated:
            years = candidate.years_experience or 0.0
            shown = f"{years:g} years stated" if candidate.years_experience else "no dated experience"
        else:
            years = covered_years([p for p in dated if ref_is_related(job_words, p)]) or 0.0
            shown = f"{years:g} years in related roles (of {covered_years(dated):g} dated)"
        components["experience"] = 100 * min(1.0, years / job.min_years_experience)
        explanation.append(f"Experience: {shown} against {job.min_years_experience:g} required")
    required_rank = DEGREE_RANK[job.education_level]
    if required_rank:
        shortfall = required_rank - DEGREE_RANK[candidate.education_level]
        components["education"] = 100.0 if shortfall <= 0 else 50.0 if shortfall == 1 else 0.0
        explanation.append(f"Education: {candidate.education_level} against {job.education_level} required")
    components["text_similarity"] = 100 * min(1.0, similarity / SIMILARITY_FOR_FULL_MARKS)
    explanation.append(f"Text similarity: cosine {similarity:.2f} between resume and job description")
    dated = [p for p in candidate.positions if p.months]
    if dated:
        tenure = sum(min(1.0, p.months / FULL_TENURE_MONTHS) for p in dated) / len(dated)
        related = [p for p in dated if job_words and ref_is_related(job_words, p)]
        relevance = len(related) / len(dated) if job_words else tenure
        average_months = sum(p.months for p in dated) / len(dated)
        components["career_consistency"] = 100 * (tenure + relevance) / 2
        explanation.append(f"Career consistency: average tenure {average_months:.0f} months; "
                           f"{len(related)} of {len(dated)} past titles relate to the role")
    if candidate.interview_score is not None:
        components["interview"] = max(0.0, min(100.0, candidate.interview_score))
        explanation.append(f"Interview: {components['interview']:g}/100")
    effective = weights.effective(components)
    total = sum(components[name] * w for name, w in effective.items())
    return MatchScore(round(total, 1), {n: round(v, 1) for n, v in components.items()},
                      {n: round(w, 4) for n, w in effective.items()}, matched, missing, explanation)


def ref_rank(job, candidates, weights, taxonomy):
    similarities = ref_tfidf_cosine(job.text, [c.resume_text for c in candidates], taxonomy)
    scored = [(c, ref_score(job, c, weights, sim, taxonomy)) for c, sim in zip(candidates, similarities)]
    scored.sort(key=lambda item: (-item[1].total, str(item[0].candidate_id)))
    totals = sorted(score.total for _, score in scored)
    required = [taxonomy.normalize(s) for s in job.required_skills]
    ranked = []
    for position, (candidate, score) in enumerate(scored):
        better = sum(1 for _, other in scored[:position] if other.total > score.total)
        lower = bisect.bisect_left(totals, score.total)
        percentile = 100.0 if len(scored) == 1 else round(100 * lower / (len(scored) - 1), 1)
        ranked.append((candidate.candidate_id, score, better + 1, percentile, recommendation_line(score, required)))
    return ranked


# ------------------------------------------------------------------------------- data

TITLES = ["Backend Engineer", "Senior Software Developer", "Data Scientist", "Registered Nurse", "Barista", ""]
JOBS = [
    JobProfile.from_posting("backend", "Senior Backend Engineer",
                            "Python, PostgreSQL, Kubernetes and Kafka; 5+ years of experience building REST APIs.",
                            required_skills=["python", "postgres", "k8s", "Kafka"], preferred_skills=["Docker"],
                            education_level="bachelor"),
    JobProfile.from_posting("data", "Data Scientist", "Machine learning with pandas and SQL; 3 years.",
                            education_level="master"),
    JobProfile.from_posting("plain", "Lead", "Any role, no skills named at all."),
]


def synthetic_profiles(count: int, seed: int) -> list[CandidateProfile]:
    rng = random.Random(seed)
    names = [s.name for s in default_taxonomy().skills]
    profiles = []
    for i in range(count):
        skills = rng.sample(names, rng.randint(0, 10))
        lines = [f"Person {i}", "Experience"]
        year = 2024
        for _ in range(rng.randint(0, 3)):
            start = year - rng.randint(0, 4)
            lines.append(f"{rng.choice(TITLES)}, Acme — {start} - {year}")
            lines.append("Worked with " + ", ".join(skills[:4]) + " and k8s on REST APIs.")
            year = start
        if rng.random() < 0.3:
            lines.append(f"{rng.randint(1, 12)}+ years of experience")
        lines += ["Education", rng.choice(["BSc in Physics, Leeds, 2012", "MSc in Statistics, Oslo, 2015", ""]),
                  "Skills", ", ".join(skills)]
        text = "\n".join(lines)
        profile = CandidateProfile.from_resume(f"c{i}", parse_resume(text, today=date(2024, 6, 1)), text,
                                               interview_score=rng.choice([None, None, 35.0, 88.5]))
        if rng.random() < 0.3:
            profile.skills.append(rng.choice(["Golang", "k8s", "Underwater basket weaving"]))
        profiles.append(profile)
    return profiles


def as_tuples(ranked):
    return [(r.candidate_id, r.score, r.rank, r.percentile, r.recommendation) for r in ranked]


# ------------------------------------------------------------------------------- tests


@pytest.mark.parametrize("job", JOBS, ids=lambda j: j.job_id)
def test_ranking_matches_the_reference_computation(job: JobProfile) -> None:
    taxonomy = default_taxonomy()
    profiles = synthetic_profiles(60, seed=3)
    weights = MatchWeights()
    expected = ref_rank(job, profiles, weights, taxonomy)
    assert as_tuples(rank_candidates(job, profiles, weights)) == expected
    # a second ranking reuses the analysis cached on the profiles and still agrees
    assert as_tuples(rank_candidates(job, profiles, weights)) == expected
    assert any(rank for _, _, rank, _, _ in expected if rank > 1)


def test_tfidf_cosine_matches_the_reference() -> None:
    taxonomy = default_taxonomy()
    texts = [p.resume_text for p in synthetic_profiles(40, seed=5)] + ["", "the and of"]
    got = tfidf_cosine(JOBS[0].text, texts, taxonomy)
    expected = ref_tfidf_cosine(JOBS[0].text, texts, taxonomy)
    assert got == pytest.approx(expected, rel=1e-12, abs=1e-15)
    assert tfidf_cosine(JOBS[0].text, []) == []


def test_single_scores_and_job_recommendations_match_the_reference() -> None:
    taxonomy = default_taxonomy()
    weights = MatchWeights(skills=0.5, interview=0.3)
    for profile in synthetic_profiles(15, seed=9):
        for job in JOBS:
            similarity = ref_tfidf_cosine(job.text, [profile.resume_text], taxonomy)[0]
            assert score_candidate(job, profile, weights) == ref_score(job, profile, weights, similarity, taxonomy)
        recommended = recommend_jobs(profile, JOBS, weights=weights)
        bare = CandidateProfile(profile.candidate_id, profile.resume_text, profile.skills, profile.years_experience,
                                profile.education_level, profile.positions, None)
        sims = ref_tfidf_cosine(profile.resume_text, [job.text for job in JOBS], taxonomy)
        expected = sorted(((job, ref_score(job, bare, weights, s, taxonomy)) for job, s in zip(JOBS, sims)),
                          key=lambda item: (-item[1].total, str(item[0].job_id)))
        assert [(r.job_id, r.score) for r in recommended] == [(job.job_id, score) for job, score in expected]


def test_editing_a_profile_after_ranking_is_seen_by_the_next_ranking() -> None:
    taxonomy = default_taxonomy()
    profiles = synthetic_profiles(20, seed=11)
    job = JOBS[0]
    rank_candidates(job, profiles)  # fills the caches
    profiles[0].resume_text = "Senior Backend Engineer\nPython, PostgreSQL, Kafka and Kubernetes REST APIs."
    profiles[1].skills = ["Python", "postgres", "Kafka", "k8s"]
    profiles[2].positions = []
    profiles[3].skills.append("Docker")
    assert as_tuples(rank_candidates(job, profiles)) == ref_rank(job, profiles, MatchWeights(), taxonomy)
