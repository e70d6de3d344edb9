"""Local answer scoring in worker processes (`AI_SCORING_POOL=process`).

In threads (the default), scoring shares the server's GIL: a 300 ms evaluation holds it in slices, and every
acknowledgement the event loop sends waits for its turn at it. Here each worker process loads its own embedder
once, embeds the question bank once, runs at a lower CPU priority (`AI_SCORING_NICE`), and is handed plain data
(the context, the question and the answer as dicts) and returns plain data: the same `LocalProvider.evaluate_sync`
runs on the same inputs, so the evaluation is the same one. A process that dies is replaced, and the answer it
held is scored again in new ones.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Protocol

from candidatex.ai.schemas import AnswerEvaluation, GeneratedQuestion, InterviewContext


class Scorer(Protocol):
    """What a worker process needs from the provider that built it (the local provider, built in the child)."""

    def warm(self) -> None: ...

    def evaluate_sync(self, ctx: InterviewContext, question: GeneratedQuestion, answer_text: str,
                      speaking_metrics: dict[str, Any] | None) -> AnswerEvaluation: ...


# builds a worker's scorer from (model directory, onnxruntime threads); a module-level function, so that it
# pickles by reference and this module never imports the provider that uses it
ScorerFactory = Callable[[str | None, int], Scorer]

logger = logging.getLogger(__name__)

# In a worker process: its own provider and embedder (set by the initializer, once per process).
_worker_provider: Scorer | None = None


def _start_worker(make_scorer: ScorerFactory, model_dir: str | None, threads: int, nice: int) -> None:
    global _worker_provider
    os.nice(nice)  # whatever scoring costs, the server's event loop is scheduled first
    _worker_provider = make_scorer(model_dir, threads)
    _worker_provider.warm()


def _worker_identity() -> tuple[int, int]:
    """(pid, niceness) of the worker that runs this."""
    return os.getpid(), os.getpriority(os.PRIO_PROCESS, 0)


def _evaluate(ctx: dict[str, Any], question: dict[str, Any], answer_text: str,
              speaking_metrics: dict[str, Any] | None) -> dict[str, Any]:
    assert _worker_provider is not None, "the scoring process's initializer did not run"
    evaluation = _worker_provider.evaluate_sync(InterviewContext.model_validate(ctx),
                                                GeneratedQuestion.model_validate(question), answer_text,
                                                speaking_metrics)
    return evaluation.model_dump()


class ScoringProcesses:
    """`workers` scoring processes started with `spawn` (a fork of a server with running threads is unsafe)."""

    def __init__(self, workers: int, embedder: Any, nice: int, make_scorer: ScorerFactory) -> None:
        self.workers = max(1, workers)
        model_dir = getattr(embedder, "model_dir", None)
        self._initargs = (make_scorer, str(model_dir) if model_dir else None, getattr(embedder, "threads", 1), nice)
        self._pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_start_worker, initargs=self._initargs)

    def launch(self) -> list[Future[tuple[int, int]]]:
        """Start every worker (each loads its model and bank); the futures resolve to their (pid, niceness)."""
        return [self._pool.submit(_worker_identity) for _ in range(self.workers)]

    def start(self) -> set[tuple[int, int]]:
        """Start every worker and wait until each is ready (blocking: run it in a thread)."""
        return {future.result() for future in self.launch()}

    async def evaluate(self, ctx: InterviewContext, question: GeneratedQuestion, answer_text: str,
                       speaking_metrics: dict[str, Any] | None) -> AnswerEvaluation:
        args = (ctx.model_dump(), question.model_dump(), answer_text, speaking_metrics)
        loop = asyncio.get_running_loop()
        pool = self._pool
        try:
            data = await loop.run_in_executor(pool, _evaluate, *args)
        except BrokenProcessPool:
            if self._pool is pool:  # the first caller to see it replaces the pool; the others reuse the new one
                logger.warning("a scoring process died; starting new ones")
                self._pool = self._new_pool()
            data = await loop.run_in_executor(self._pool, _evaluate, *args)
        return AnswerEvaluation.model_validate(data)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
