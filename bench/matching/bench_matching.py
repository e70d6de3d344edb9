"""Throughput of resume parsing and candidate ranking on synthetic but realistic resumes.

Run: PYTHONPATH=src python bench/matching/bench_matching.py [candidates]
"""

from __future__ import annotations

import random
import sys
import time
from datetime import date

from candidatex.matching.scoring import CandidateProfile, JobProfile, rank_candidates
from candidatex.resumes.parsing import parse_resume
from candidatex.resumes.taxonomy import default_taxonomy

TITLES = ["Backend Engineer", "Data Scientist", "Frontend Developer", "DevOps Engineer", "Product Manager"]
COMPANIES = ["Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark Industries"]


def synthetic_resume(rng: random.Random) -> str:
    skills = rng.sample([s.name for s in default_taxonomy().skills], 12)
    lines = [f"Candidate {rng.randint(1, 10**6)}", f"c{rng.randint(1, 999)}@example.com | +1 415 555 {rng.randint(1000, 9999)}"]
    lines += ["Summary", f"Engineer with {rng.randint(1, 15)}+ years of experience.", "Experience"]
    year = 2024
    for _ in range(rng.randint(1, 4)):
        start = year - rng.randint(1, 4)
        lines.append(f"{rng.choice(TITLES)}, {rng.choice(COMPANIES)} — {start} - {year}")
        lines.append("Built services with " + ", ".join(rng.sample(skills, 4)) + ". " * 3)
        year = start
    lines += ["Education", "BSc in Computer Science, University of Leeds, 2012", "Skills", ", ".join(skills)]
    return "\n".join(lines)


def main(count: int) -> None:
    rng = random.Random(7)
    texts = [synthetic_resume(rng) for _ in range(count)]
    default_taxonomy()  # compile the skill patterns outside the timing

    started = time.perf_counter()
    parsed = [parse_resume(text, today=date(2024, 6, 1)) for text in texts]
    parse_seconds = time.perf_counter() - started

    job = JobProfile.from_posting(
        "job", "Senior Backend Engineer",
        "Python, PostgreSQL, Kubernetes and Kafka; 5+ years of experience building REST APIs.",
        required_skills=["Python", "PostgreSQL", "Kubernetes", "Kafka"], education_level="bachelor",
    )
    candidates = [CandidateProfile.from_resume(i, p, t) for i, (p, t) in enumerate(zip(parsed, texts))]
    started = time.perf_counter()
    ranked = rank_candidates(job, candidates)
    rank_seconds = time.perf_counter() - started

    print(f"parse_resume: {count} resumes in {parse_seconds:.2f}s ({1000 * parse_seconds / count:.1f} ms each)")
    print(f"rank_candidates: {count} candidates in {rank_seconds:.2f}s; top score {ranked[0].score.total}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
