"""The local interviewer: no network, explainable, the default and the fallback of every remote provider.

Questions come from the question bank in `ai/data/` through `planner.py`; answers are scored by key-point
coverage with sentence embeddings (`scoring.py`) and pass the guards in `guards.py`.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from candidatex.ai.bank import load_bank
from candidatex.ai.cues import load_cues
from candidatex.ai.planner import bank_texts, plan_questions
from candidatex.ai.providers.base import EvaluatedItem
from candidatex.ai.providers.scoring_processes import ScoringProcesses
from candidatex.ai.schemas import (
    AnswerEvaluation,
    FinalReport,
    GeneratedQuestion,
    InterviewContext,
    QuestionResult,
)
from candidatex.ai.scoring import FOLLOW_UP_SUFFIX, QuestionSpec, analyse, evaluation_from, spec_for
from candidatex.resumes.taxonomy import default_taxonomy

__all__ = ["FOLLOW_UP_SUFFIX", "LocalProvider", "build_report", "question_results"]
T = TypeVar("T")


class LocalProvider:
    name = "local"

    def __init__(self, embedder: Any = None, scoring_workers: int = 1) -> None:
        self._embedder = embedder
        # Answers are scored this many at a time, in threads of their own: a burst of answers waits here in turn
        # instead of taking every core from the event loop that acknowledges them (AI_SCORING_WORKERS).
        self.scoring_workers = max(1, scoring_workers)
        self._scoring_pool = ThreadPoolExecutor(self.scoring_workers, thread_name_prefix="ai-scoring",
                                                initializer=_name_native_thread, initargs=("ai-scoring",))
        # AI_SCORING_POOL=process: answers are scored in processes of their own instead (use_processes)
        self.processes: ScoringProcesses | None = None

    @property
    def embedder(self) -> Any:
        if self._embedder is None:
            from candidatex.embeddings import get_embedder

            self._embedder = get_embedder()
        return self._embedder

    def use_processes(self, nice: int) -> None:
        """Score answers in `scoring_workers` processes at niceness `nice` instead of threads of this process."""
        self.processes = ScoringProcesses(self.scoring_workers, self.embedder, nice, worker_scorer)

    def warm(self) -> None:
        """Load the model and embed the whole question bank once per process (a few hundred texts, cached by
        text): a session's plan and an answer's key points then cost no model call for bank texts. The
        scoring processes, if any, start and warm their own meanwhile."""
        starting = self.processes.launch() if self.processes is not None else []
        bank, cues = load_bank(), load_cues()
        # The subjects off-topic answers drift to, set in every profession (and in none, for behavioural ones).
        settings = ["", *(f.title for f in bank.families)]
        others = [t for s in settings for t in QuestionSpec("", "technical", (), setting=s).other_subjects(cues)]
        # …and set in every bank question itself.
        titles = {f.family: f.title for f in bank.families}
        others += [
            t
            for q in bank.all_questions()
            for t in QuestionSpec(q.text, q.kind, (), setting=titles.get(q.family, "")).task_subjects(cues)
        ]
        self.embedder.embed([*bank_texts(bank), *others])
        default_taxonomy()  # every plan reads the posting's skills: built here, not by the first interviews' plans
        for ready in starting:
            ready.result()

    def close(self) -> None:
        """Stop the scoring processes (application shutdown)."""
        if self.processes is not None:
            self.processes.close()

    # Embedding is CPU work: it runs in a worker thread, never on the event loop.
    async def generate_questions(self, ctx: InterviewContext) -> list[GeneratedQuestion]:
        return await asyncio.to_thread(self._plan, ctx)

    def _plan(self, ctx: InterviewContext) -> list[GeneratedQuestion]:
        questions = plan_questions(ctx, self.embedder).questions
        # Embed the key points and misconceptions now (cached per text), so scoring an answer embeds only it.
        specs = [spec_for(q) for q in questions]
        self.embedder.embed([text for s in specs for text in (*s.reference_texts(), *s.subject_texts())])
        return questions

    async def evaluate_answer(
        self,
        ctx: InterviewContext,
        question: GeneratedQuestion,
        answer_text: str,
        speaking_metrics: dict[str, Any] | None = None,
    ) -> AnswerEvaluation:
        if self.processes is not None:
            return await self.processes.evaluate(ctx, question, answer_text, speaking_metrics)
        return await self.in_scoring_pool(self.evaluate_sync, ctx, question, answer_text, speaking_metrics)

    async def in_scoring_pool(self, work: Callable[..., T], *args: Any) -> T:
        """Run answer-scoring work (embeddings, guards) in the bounded scoring pool."""
        return await asyncio.get_running_loop().run_in_executor(self._scoring_pool, work, *args)

    def evaluate_sync(
        self,
        ctx: InterviewContext,
        question: GeneratedQuestion,
        answer_text: str,
        speaking_metrics: dict[str, Any] | None = None,
    ) -> AnswerEvaluation:
        spec = spec_for(question)
        analysis = analyse(spec, answer_text, self.embedder, speaking_metrics)
        return evaluation_from(question, spec, analysis, answer_text, reveal_rubric=ctx.reveal_rubric)

    async def final_report(
        self,
        ctx: InterviewContext,
        items: list[EvaluatedItem],
        unanswered: list[GeneratedQuestion] | None = None,
    ) -> FinalReport:
        return build_report(ctx, items, unanswered)


def worker_scorer(model_dir: str | None, threads: int) -> LocalProvider:
    """A scoring process's own provider and embedder (see ScoringProcesses)."""
    from candidatex.embeddings import Embedder

    return LocalProvider(Embedder(Path(model_dir) if model_dir else None, threads=threads))


def _name_native_thread(name: str) -> None:
    """Name the OS thread (Linux prctl PR_SET_NAME), so per-thread CPU (/proc/<pid>/task/*/comm, `top -H`,
    bench/load.py) tells the scoring thread apart from the event loop and the other threads."""
    with contextlib.suppress(Exception):
        ctypes.CDLL(None).prctl(15, name.encode()[:15], 0, 0, 0)


# --- final report -------------------------------------------------------------------------------

# A follow-up probes the same ground as its question, so it counts for half.
FOLLOW_UP_WEIGHT = 0.5


def question_results(
    items: list[EvaluatedItem], unanswered: list[GeneratedQuestion] | None = None
) -> list[QuestionResult]:
    answered = [
        QuestionResult(
            question_id=q.id,
            question_text=q.text,
            kind=q.kind,
            category=q.category,
            score=e.score,
            is_follow_up=q.is_follow_up,
            provider=e.provider,
        )
        for q, _, e in items
    ]
    missing = [
        QuestionResult(
            question_id=q.id,
            question_text=q.text,
            kind=q.kind,
            category=q.category,
            score=0.0,
            is_follow_up=q.is_follow_up,
            answered=False,
        )
        for q in unanswered or []
    ]
    return answered + missing


def weighted_mean(results: list[QuestionResult], kind: str | None = None) -> float | None:
    chosen = [r for r in results if kind is None or r.kind == kind]
    if not chosen:
        return None
    weights = [FOLLOW_UP_WEIGHT if r.is_follow_up else 1.0 for r in chosen]
    return round(sum(r.score * w for r, w in zip(chosen, weights, strict=True)) / sum(weights), 1)


def build_report(
    ctx: InterviewContext, items: list[EvaluatedItem], unanswered: list[GeneratedQuestion] | None = None
) -> FinalReport:
    per_question = question_results(items, unanswered)
    total = weighted_mean(per_question)
    communication = [e.rubric.get("clarity", e.score) for _, _, e in items]
    strengths = _most_common(s for _, _, e in items for s in e.covered_key_points)
    weaknesses = _most_common(w for _, _, e in items for w in e.weaknesses)
    by_weakness = sorted(items, key=lambda item: item[2].score)
    recommendations = list(dict.fromkeys(r for _, _, e in by_weakness for r in e.recommendations))[:6]
    report = FinalReport(
        total_score=total or 0.0,
        behavioral_score=weighted_mean(per_question, "behavioral"),
        technical_score=weighted_mean(per_question, "technical"),
        communication_score=round(sum(communication) / len(communication), 1) if communication else 0.0,
        strengths=[f"Covered: {s}" for s in strengths],
        weaknesses=weaknesses,
        recommendations=recommendations,
        per_question=per_question,
    )
    report.summary = _summary(ctx, report, len(items), len(unanswered or []))
    return report


def _most_common(texts: Any, limit: int = 4) -> list[str]:
    return [text for text, _ in Counter(texts).most_common(limit)]


def _band(score: float) -> str:
    if score >= 80:
        return "a strong performance"
    if score >= 65:
        return "a solid performance with room to sharpen"
    if score >= 45:
        return "a developing performance"
    return "an early-stage performance that needs focused practice"


def _summary(ctx: InterviewContext, report: FinalReport, answered: int, unanswered: int) -> str:
    if not answered:
        return f"No answers were recorded for the {ctx.job_title} interview, so there is nothing to score."
    parts = [
        f"{answered} answers for the {ctx.job_title} interview ({ctx.experience_level} level): "
        f"{report.total_score:.0f}/100, {_band(report.total_score)}."
    ]
    if unanswered:
        parts.append(f"{unanswered} question{'s' if unanswered > 1 else ''} went unanswered and count as 0.")
    if report.behavioral_score is not None and report.technical_score is not None:
        parts.append(
            f"Behavioral {report.behavioral_score:.0f}/100, technical {report.technical_score:.0f}/100."
        )
    scored = [r for r in report.per_question if r.answered]
    by_category: dict[str, list[float]] = {}
    for r in scored:
        by_category.setdefault(r.category, []).append(r.score)
    if len(by_category) > 1:
        means = {c: sum(s) / len(s) for c, s in by_category.items()}
        best, worst = max(means, key=means.__getitem__), min(means, key=means.__getitem__)
        parts.append(f"Strongest on {best} ({means[best]:.0f}); weakest on {worst} ({means[worst]:.0f}).")
    if report.recommendations:
        parts.append(f"Next step: {report.recommendations[0]}")
    return " ".join(parts)
