"""Ranking 10,000 candidates for one job (issue "Resumes, jobs and matching": goal under one second).

Run: PYTHONPATH=src python bench/matching/bench_rank.py [candidates] [repeats]

Synthetic resumes are parsed once, outside the timing. Each timed run gets freshly built
``CandidateProfile``s (as the service builds them from stored resumes on every request), so nothing
cached on a profile by an earlier run helps it ("cold"). A second figure re-ranks the same profile
objects for the job ("warm": the per-resume text analysis is then cached on the profiles).
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_matching import synthetic_resume  # noqa: E402

from candidatex.matching.scoring import CandidateProfile, JobProfile, rank_candidates  # noqa: E402
from candidatex.resumes.parsing import parse_resume  # noqa: E402
from candidatex.resumes.taxonomy import default_taxonomy  # noqa: E402

JOB = JobProfile.from_posting(
    "job", "Senior Backend Engineer",
    "Python, PostgreSQL, Kubernetes and Kafka; 5+ years of experience building REST APIs.",
    required_skills=["Python", "PostgreSQL", "Kubernetes", "Kafka"], education_level="bachelor",
)


def main(count: int, repeats: int) -> None:
    rng = random.Random(7)
    texts = [synthetic_resume(rng) for _ in range(count)]
    default_taxonomy()
    started = time.perf_counter()
    parsed = [parse_resume(text, today=date(2024, 6, 1)) for text in texts]
    print(f"parsed {count} resumes in {time.perf_counter() - started:.1f} s (outside the timing)")

    cold = []
    ranked = []
    for _ in range(repeats):
        profiles = [CandidateProfile.from_resume(i, p, t) for i, (p, t) in enumerate(zip(parsed, texts))]
        started = time.perf_counter()
        ranked = rank_candidates(JOB, profiles)
        cold.append(time.perf_counter() - started)
    warm = []
    for _ in range(repeats):
        started = time.perf_counter()
        rank_candidates(JOB, profiles)
        warm.append(time.perf_counter() - started)

    print(f"cpus: {os.cpu_count()}; load average: {os.getloadavg()[0]:.1f}")
    print(f"rank_candidates, {count} candidates, cold (fresh profiles): median {statistics.median(cold):.3f} s "
          f"min {min(cold):.3f} s max {max(cold):.3f} s over {repeats} runs")
    print(f"rank_candidates, {count} candidates, warm (same profiles):  median {statistics.median(warm):.3f} s "
          f"min {min(warm):.3f} s max {max(warm):.3f} s over {repeats} runs")
    top = ranked[0]
    print(f"top: candidate {top.candidate_id} total {top.score.total}; "
          f"checksum {sum(r.score.total for r in ranked):.1f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000, int(sys.argv[2]) if len(sys.argv) > 2 else 5)
