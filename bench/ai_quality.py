"""Answer-scoring quality of the AI interviewer on the labelled set in tests/data/ai_answers.

For every question, each strong answer is compared with every answer of the other families: a pair counts as
ordered when the strong answer scores higher (for "wrong", at least 25 points higher). Prints pairwise ordering
accuracy and mean score per family, the misses, latency per answer and the question-plan time.

Run: PYTHONPATH=src python bench/ai_quality.py [--split tune|holdout|all] [--features] [--latency]

`--latency` adds the scoring latency per answer length (every answer is scored once, cold: its sentences are
not in the embedding cache; the question's key points are, as after the session plan).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from candidatex.ai.providers.local import LocalProvider  # noqa: E402
from candidatex.ai.schemas import InterviewContext  # noqa: E402
from candidatex.ai.scoring import spec_for  # noqa: E402
from tests.ai.labelled import FAMILIES, TARGETS, WRONG_MARGIN, load_labelled, question_for  # noqa: E402

PLAN_CONTEXTS = [
    InterviewContext(
        job_title="Senior Backend Engineer (Go, Kubernetes operators)",
        job_description="Build Kubernetes operators in Go. Requirements: Go, Kubernetes, PostgreSQL, gRPC.",
        experience_level="senior",
        resume_text="Led the Kubernetes migration at Acme, moving 40 services.",
        question_count=6,
    ),
    InterviewContext(
        job_title="Nurse Manager",
        job_description="Lead a 30-bed surgical ward. Experience with Epic charting.",
        experience_level="lead",
        question_count=5,
        mode="behavioral",
    ),
    InterviewContext(
        job_title="Senior Accountant",
        job_description="Month-end close, reconciliations, ASC 606, NetSuite.",
        experience_level="senior",
        question_count=5,
    ),
]


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--split", default="all", choices=["tune", "holdout", "all"])
    parser.add_argument("--features", action="store_true", help="print every answer's score and guards")
    parser.add_argument("--latency", action="store_true", help="latency per answer length")
    args = parser.parse_args()
    provider = LocalProvider()
    ctx = InterviewContext(job_title="Interview", experience_level="mid")
    await provider.evaluate_answer(ctx, question_for("be-caching", ctx), "warm up the model.")

    scores: dict[str, dict[str, list[float]]] = {}
    latencies: list[float] = []
    cpu_times: list[float] = []
    lengths: list[int] = []
    details: list[str] = []
    for item in load_labelled(args.split):
        question = question_for(item.question, ctx)
        # As in an interview: the plan embedded the question's key points and misconceptions (not timed here,
        # the plan time below includes it), so an answer's latency is the answer's own work.
        spec = spec_for(question)
        provider.embedder.embed([question.text, *spec.reference_texts(), *spec.subject_texts()])
        per_family = scores.setdefault(item.question, {})
        for family, answers in item.answers.items():
            for answer in answers:
                start, cpu_start = time.perf_counter(), _cpu_seconds()
                evaluation = await provider.evaluate_answer(ctx, question, answer)
                latencies.append((time.perf_counter() - start) * 1000)
                cpu_times.append((_cpu_seconds() - cpu_start) * 1000)
                lengths.append(len(answer.split()))
                per_family.setdefault(family, []).append(evaluation.score)
                if args.features:
                    details.append(
                        f"{item.question:28} {family:15} {evaluation.score:5.1f} {','.join(evaluation.guards) or '-':20}"
                        f" {','.join(e[:30] for e in evaluation.factual_errors)} | {answer[:70]}"
                    )

    print(
        f"AI answer scoring on tests/data/ai_answers, split={args.split}: "
        f"{sum(len(v) for fam in scores.values() for v in fam.values())} answers to {len(scores)} questions"
    )
    print(
        f"{'family':16} {'answers':>7} {'mean':>6} {'min':>6} {'max':>6} {'target':>8} {'in target':>9} {'ordered':>12}"
    )
    total_pairs = total_ok = 0
    misses: list[str] = []
    for family in FAMILIES:
        values = [s for fam in scores.values() for s in fam.get(family, [])]
        if not values:
            continue
        low, high = TARGETS.get(family, (0, 100))
        in_target = sum(low <= v <= high for v in values)
        pairs = ok = 0
        if family != "strong":
            for key, fam in scores.items():
                for strong in fam.get("strong", []):
                    for other in fam.get(family, []):
                        pairs += 1
                        margin = WRONG_MARGIN if family == "wrong" else 0.0
                        if strong - other > margin:
                            ok += 1
                        else:
                            misses.append(f"  {key}: strong {strong:.1f} vs {family} {other:.1f}")
        total_pairs += pairs
        total_ok += ok
        ordered = f"{ok}/{pairs} {100 * ok / pairs:5.1f}%" if pairs else "-"
        print(
            f"{family:16} {len(values):7d} {statistics.mean(values):6.1f} {min(values):6.1f} {max(values):6.1f}"
            f" {f'{low}-{high}':>8} {in_target:4d}/{len(values):<4d} {ordered:>12}"
        )
    print(f"{'all pairs':16} {total_ok}/{total_pairs} ordered = {100 * total_ok / max(1, total_pairs):.1f}%")
    for family in FAMILIES:
        low, high = TARGETS.get(family, (0, 100))
        out = [(k, v) for k, fam in scores.items() for v in fam.get(family, []) if not low <= v <= high]
        for key, value in out:
            misses.append(f"  {key}: {family} scored {value:.1f}, outside {low}-{high}")
    if misses:
        print("misses:")
        print("\n".join(misses))
    print(
        f"latency per answer (wall): p50 {percentile(latencies, 0.5):.0f} ms, p95 {percentile(latencies, 0.95):.0f} ms, "
        f"max {max(latencies):.0f} ms; CPU per answer: p50 {percentile(cpu_times, 0.5):.0f} ms, "
        f"p95 {percentile(cpu_times, 0.95):.0f} ms ({len(latencies)} answers, load average {os.getloadavg()[0]:.1f})"
    )
    if args.latency:
        print(f"{'answer words':>12} {'answers':>7} {'wall p50':>9} {'wall p95':>9} {'CPU p50':>8} {'CPU p95':>8}  (ms)")
        for low, high in ((0, 30), (31, 80), (81, 10_000)):
            chosen = [i for i, n in enumerate(lengths) if low <= n <= high]
            if chosen:
                wall, cpu = [latencies[i] for i in chosen], [cpu_times[i] for i in chosen]
                print(f"{f'{low}-{high}' if high < 10_000 else f'> {low - 1}':>12} {len(chosen):7d}"
                      f" {percentile(wall, 0.5):9.0f} {percentile(wall, 0.95):9.0f}"
                      f" {percentile(cpu, 0.5):8.0f} {percentile(cpu, 0.95):8.0f}")
    plan_times = []
    for plan_ctx in PLAN_CONTEXTS:
        start = time.perf_counter()
        await provider.generate_questions(plan_ctx)
        plan_times.append((time.perf_counter() - start) * 1000)
    print(
        "question plan: "
        + ", ".join(f"{c.job_title[:24]} {t:.0f} ms" for c, t in zip(PLAN_CONTEXTS, plan_times, strict=True))
    )
    if details:
        print("\n".join(details))


if __name__ == "__main__":
    asyncio.run(main())
