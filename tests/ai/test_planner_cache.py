"""Sessions on one posting share the posting's family ranking (work done once per process and posting), and each
still gets its own draw of questions."""

from __future__ import annotations

from candidatex.ai.bank import load_bank
from candidatex.ai.planner import plan_questions
from candidatex.ai.schemas import InterviewContext
from tests.ai.test_scoring import CountingEmbedder


def posting(seed: str, title: str = "Payments Backend Engineer") -> InterviewContext:
    return InterviewContext(job_title=title, job_description="Python, PostgreSQL and Kafka for card payments.",
                            experience_level="mid", mode="technical", question_count=5, seed=seed)


def test_the_family_ranking_of_a_posting_is_embedded_once_for_all_its_sessions() -> None:
    embedder = CountingEmbedder()
    families = {f.description for f in load_bank().families}
    plans = [plan_questions(posting(f"session-{i}"), embedder) for i in range(6)]
    ranked = [t for t in embedder.texts if t in families]
    # the first session ranks every family of the bank; the next five reuse its ranking (the old code embedded
    # them again for each session: six times)
    assert len(ranked) == len(families), len(ranked)
    assert len({tuple(q.id for q in p.questions) for p in plans}) > 1  # each session still draws its own
    assert len({p.family.family for p in plans}) == 1
    # another posting is ranked on its own
    other = plan_questions(posting("session-0", "Registered Nurse, night shifts"), embedder)
    assert len([t for t in embedder.texts if t in families]) == 2 * len(families)
    assert other.family.family != plans[0].family.family
