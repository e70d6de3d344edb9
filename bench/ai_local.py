"""How long the local AI provider takes per call (it runs inline on the event loop, so it must be quick).

Run: PYTHONPATH=src python bench/ai_local.py
"""

from __future__ import annotations

import asyncio
import statistics
import time

from candidatex.ai.providers.local import LocalProvider
from candidatex.ai.schemas import InterviewContext

ANSWER = (
    "First I would measure rather than guess: check the slow query log to confirm which query regressed. "
    "Then I would run EXPLAIN ANALYZE to see the plan. A sequential scan usually means a missing index; "
    "for example a composite index on (customer_id, created_at) avoids the sort. The trade-off is slower "
    "writes, so I add only what the plan proves we need. "
) * 3
CONTEXT = InterviewContext(
    job_title="Senior Backend Engineer",
    job_description="Python, FastAPI, PostgreSQL, Redis, Kubernetes. " * 20,
    experience_level="senior",
    resume_text="Python developer with Django, PostgreSQL, Docker, AWS and React experience. " * 40,
    focus_areas=["system design", "databases"],
    question_count=10,
)


def percentiles(samples: list[float]) -> str:
    ms = sorted(s * 1000 for s in samples)
    return f"median {statistics.median(ms):.2f} ms, p95 {ms[int(len(ms) * 0.95) - 1]:.2f} ms"


async def main(rounds: int = 200) -> None:
    local = LocalProvider()
    question_times, evaluation_times, report_times = [], [], []
    for n in range(rounds):
        ctx = CONTEXT.model_copy(update={"job_title": f"Senior Backend Engineer {n}"})
        start = time.perf_counter()
        questions = await local.generate_questions(ctx)
        question_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        evaluation = await local.evaluate_answer(ctx, questions[0], ANSWER)
        evaluation_times.append(time.perf_counter() - start)
        items = [(q, ANSWER, evaluation) for q in questions]
        start = time.perf_counter()
        await local.final_report(ctx, items)
        report_times.append(time.perf_counter() - start)
    print(f"generate_questions (10 questions): {percentiles(question_times)}")
    print(f"evaluate_answer (~200 words):      {percentiles(evaluation_times)}")
    print(f"final_report (10 answers):         {percentiles(report_times)}")


if __name__ == "__main__":
    asyncio.run(main())
