"""Work cached once per process is done once even when its first callers arrive together from worker threads
(40 interviews starting at once used to build the skill taxonomy and the family ranking once per thread)."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from candidatex.ai import planner
from candidatex.ai.bank import load_bank
from candidatex.core.lru import single_flight
from candidatex.resumes import taxonomy
from tests.ai.test_scoring import CountingEmbedder


def test_concurrent_first_calls_compute_a_value_once_and_share_it() -> None:
    calls: list[str] = []
    gate = threading.Barrier(8)

    @single_flight(4)
    def slow(key: str) -> list[str]:
        calls.append(key)
        time.sleep(0.05)  # long enough for every other thread to miss the cache meanwhile
        return [key]

    def call(key: str) -> list[str]:
        gate.wait()
        return slow(key)

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(call, ["a"] * 6 + ["b"] * 2))
    assert sorted(calls) == ["a", "b"]
    assert slow.computed == 2
    assert all(r is results[0] for r in results[:6])  # the one value, not copies
    assert slow("a") is results[0] and slow.computed == 2


def test_a_failed_computation_is_not_cached_and_the_next_call_tries_again() -> None:
    attempts: list[int] = []

    @single_flight(2)
    def flaky() -> int:
        attempts.append(1)
        if len(attempts) == 1:
            raise RuntimeError("first attempt fails")
        return 7

    with pytest.raises(RuntimeError):
        flaky()
    assert flaky() == 7 and flaky() == 7
    assert len(attempts) == 2


def test_the_least_recently_used_value_is_dropped_past_the_size() -> None:
    @single_flight(2)
    def square(n: int) -> int:
        return n * n

    for n in (1, 2, 3, 1):
        square(n)
    assert square.computed == 4  # 1 was dropped when 3 came in, so it was computed again


def test_the_skill_taxonomy_is_built_once_when_many_plans_need_it_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    taxonomy.default_taxonomy.cache_clear()
    built: list[int] = []
    original = taxonomy.SkillTaxonomy.from_json

    def counted(text: str) -> taxonomy.SkillTaxonomy:
        built.append(1)
        time.sleep(0.02)
        return original(text)

    monkeypatch.setattr(taxonomy.SkillTaxonomy, "from_json", staticmethod(counted))
    gate = threading.Barrier(6)

    def plan_skills(_: int) -> list[str]:
        gate.wait()
        return taxonomy.extract_skills("Backend engineer: Python, Redis and Kafka")

    with ThreadPoolExecutor(6) as pool:
        found = list(pool.map(plan_skills, range(6)))
    assert len(built) == 1, len(built)  # lru_cache built it in each of the 6 threads
    assert all(f == found[0] and "Python" in f for f in found)


def test_one_posting_is_ranked_once_when_its_interviews_start_together() -> None:
    embedder = CountingEmbedder()
    families = {f.description for f in load_bank().families}
    gate = threading.Barrier(6)

    def rank(_: int) -> tuple[str, ...]:
        gate.wait()
        ctx = planner.InterviewContext(job_title="Ledger Platform Engineer", job_description="Go and Postgres.",
                                       experience_level="mid", mode="technical", question_count=3)
        return tuple(f.family for f, _ in planner.rank_families(ctx, embedder, load_bank()))

    with ThreadPoolExecutor(6) as pool:
        rankings = list(pool.map(rank, range(6)))
    assert len(set(rankings)) == 1
    assert len([t for t in embedder.texts if t in families]) == len(families)  # embedded once, not 6 times
