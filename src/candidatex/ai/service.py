"""AIService: one entry point for the interview engine, with deadlines, retries, fallback and a cache.

Each call tries the configured provider within a deadline, retries failures (not timeouts) with exponential
backoff, validates the reply and falls back to the local provider when all attempts fail. A provider that
failed is skipped for a cooling-off period (a circuit breaker), so a hanging provider costs one timeout, not
one per call. Successful remote replies are cached for a week under a hash of the provider, the method and
the exact inputs; a question plan is cached only per session seed, so users do not all get the same
questions. Whatever the provider, every evaluation passes the local answer guards and factual-error check,
and a report's totals are computed from its per-question scores, unanswered questions counting 0. Every
returned item records which provider produced it.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from litestar.stores.base import Store
from pydantic import TypeAdapter

from candidatex.ai.providers.base import AIProvider, EvaluatedItem, ProviderError
from candidatex.ai.providers.local import LocalProvider, question_results, weighted_mean
from candidatex.ai.schemas import AnswerEvaluation, FinalReport, GeneratedQuestion, InterviewContext
from candidatex.ai.scoring import analyse, enforce, spec_for

logger = logging.getLogger(__name__)

WEEK_SECONDS = 7 * 24 * 3600
ResultT = TypeVar("ResultT", list[GeneratedQuestion], AnswerEvaluation, FinalReport)

QUESTIONS_ADAPTER: TypeAdapter[list[GeneratedQuestion]] = TypeAdapter(list[GeneratedQuestion])
EVALUATION_ADAPTER: TypeAdapter[AnswerEvaluation] = TypeAdapter(AnswerEvaluation)
REPORT_ADAPTER: TypeAdapter[FinalReport] = TypeAdapter(FinalReport)


class AIService:
    def __init__(
        self,
        primary: AIProvider,
        fallback: LocalProvider | None = None,
        cache: Store | None = None,
        timeout_seconds: float = 20.0,
        retries: int = 2,
        backoff_base_seconds: float = 0.5,
        cache_ttl_seconds: int = WEEK_SECONDS,
        circuit_cooldown_seconds: float = 60.0,
    ) -> None:
        self.primary = primary
        self.fallback = fallback or (primary if isinstance(primary, LocalProvider) else LocalProvider())
        self.cache = cache
        self.timeout_seconds = timeout_seconds
        self.retries = retries
        self.backoff_base_seconds = backoff_base_seconds
        self.cache_ttl_seconds = cache_ttl_seconds
        self.circuit_cooldown_seconds = circuit_cooldown_seconds
        # monotonic time until which the primary provider is skipped (0: closed, calls go through)
        self.circuit_open_until = 0.0

    @property
    def provider_name(self) -> str:
        return self.primary.name

    async def aclose(self) -> None:
        """Close the remote provider's HTTP client (call on application shutdown)."""
        close = getattr(self.primary, "aclose", None)
        if close is not None:
            await close()

    @property
    def circuit_open(self) -> bool:
        return time.monotonic() < self.circuit_open_until

    async def generate_questions(self, ctx: InterviewContext) -> list[GeneratedQuestion]:
        return await self._run(
            "generate_questions",
            {"context": ctx.model_dump(mode="json")},
            lambda provider: provider.generate_questions(ctx),
            QUESTIONS_ADAPTER,
            # Without a session seed every plan is meant to be new: a cached one would repeat for everyone.
            cacheable=bool(ctx.seed),
        )

    async def evaluate_answer(
        self,
        ctx: InterviewContext,
        question: GeneratedQuestion,
        answer_text: str,
        speaking_metrics: dict[str, Any] | None = None,
    ) -> AnswerEvaluation:
        evaluation = await self._run(
            "evaluate_answer",
            {
                "context": ctx.model_dump(mode="json"),
                "question": question.model_dump(mode="json", exclude={"provider"}),
                "answer": answer_text,
                "speaking_metrics": speaking_metrics,
            },
            lambda provider: provider.evaluate_answer(ctx, question, answer_text, speaking_metrics),
            EVALUATION_ADAPTER,
        )
        if evaluation.provider == self.fallback.name:
            return evaluation  # the local scorer already applied the guards
        # No provider may skip the guards: a remote model can be talked into praising a keyword list.
        return await self.fallback.in_scoring_pool(self._guard, question, answer_text, evaluation)

    def _guard(
        self, question: GeneratedQuestion, answer: str, evaluation: AnswerEvaluation
    ) -> AnswerEvaluation:
        spec = spec_for(question)
        return enforce(evaluation, spec, analyse(spec, answer, self.fallback.embedder), answer)

    async def final_report(
        self,
        ctx: InterviewContext,
        items: list[EvaluatedItem],
        unanswered: list[GeneratedQuestion] | None = None,
    ) -> FinalReport:
        """The report; `unanswered` are questions asked or planned but never answered (they count as 0)."""
        unanswered = unanswered or []
        report = await self._run(
            "final_report",
            {
                "context": ctx.model_dump(mode="json"),
                "items": [
                    [q.model_dump(mode="json"), answer, e.model_dump(mode="json")] for q, answer, e in items
                ],
                "unanswered": [q.id for q in unanswered],
            },
            lambda provider: (
                provider.final_report(ctx, items, unanswered)
                if isinstance(provider, LocalProvider)
                else provider.final_report(ctx, items)
            ),
            REPORT_ADAPTER,
        )
        # The totals come from the per-question scores, whatever a model wrote about them.
        per_question = question_results(items, unanswered)
        return report.model_copy(
            update={
                "per_question": per_question,
                "total_score": weighted_mean(per_question) or 0.0,
                "behavioral_score": weighted_mean(per_question, "behavioral"),
                "technical_score": weighted_mean(per_question, "technical"),
            }
        )

    def cache_key(self, method: str, inputs: dict[str, Any]) -> str:
        canonical = json.dumps(
            {
                "provider": self.primary.name,
                "model": getattr(self.primary, "model", ""),
                "method": method,
                "inputs": inputs,
            },
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
        )
        return "ai:" + hashlib.sha256(canonical.encode()).hexdigest()

    async def _run(
        self,
        method: str,
        inputs: dict[str, Any],
        invoke: Callable[[AIProvider], Awaitable[ResultT]],
        adapter: TypeAdapter[ResultT],
        cacheable: bool = True,
    ) -> ResultT:
        if self.primary is self.fallback or self.primary.name == self.fallback.name:
            # The local provider needs no network: nothing to retry, cache or fall back from.
            return _stamp(await invoke(self.fallback), self.fallback.name)

        key = self.cache_key(method, inputs)
        cached = await self._cache_get(key, adapter) if cacheable else None
        if cached is not None:
            return _stamp(cached, self.primary.name)
        if self.circuit_open:
            logger.info(
                "AI provider %s is cooling off after a failure; using %s",
                self.primary.name,
                self.fallback.name,
            )
            return _stamp(await invoke(self.fallback), self.fallback.name)

        for attempt in range(self.retries + 1):
            try:
                async with asyncio.timeout(self.timeout_seconds):
                    result = await invoke(self.primary)
                # Re-validate: a provider bug must not leak an invalid model into a session.
                result = adapter.validate_python(adapter.dump_python(result))
            except Exception as exc:  # noqa: BLE001 - any failure of a remote provider means "fall back"
                retryable = not isinstance(exc, ProviderError) or exc.retryable
                logger.warning(
                    "AI provider %s failed on %s (attempt %d of %d): %s: %s",
                    self.primary.name,
                    method,
                    attempt + 1,
                    self.retries + 1,
                    type(exc).__name__,
                    exc if not isinstance(exc, TimeoutError) else "deadline exceeded",
                )
                # A timeout is not retried: waiting again for a hanging provider only doubles the wait.
                if not retryable or isinstance(exc, TimeoutError):
                    break
                if attempt < self.retries:
                    await asyncio.sleep(self.backoff_base_seconds * 2**attempt)
                continue
            result = _stamp(result, self.primary.name)
            if cacheable:
                await self._cache_set(key, adapter.dump_json(result))
            return result

        self.circuit_open_until = time.monotonic() + self.circuit_cooldown_seconds
        logger.warning(
            "AI provider %s unavailable for %s; using %s for the next %.0f s",
            self.primary.name,
            method,
            self.fallback.name,
            self.circuit_cooldown_seconds,
        )
        return _stamp(await invoke(self.fallback), self.fallback.name)

    async def _cache_get(self, key: str, adapter: TypeAdapter[ResultT]) -> ResultT | None:
        if self.cache is None:
            return None
        try:
            raw = await self.cache.get(key)
            return adapter.validate_json(raw) if raw is not None else None
        except Exception as exc:  # noqa: BLE001 - a broken cache entry or store must not break an interview
            logger.warning("AI cache read failed for %s: %s", key, type(exc).__name__)
            return None

    async def _cache_set(self, key: str, value: bytes) -> None:
        if self.cache is None:
            return
        try:
            await self.cache.set(key, value, expires_in=self.cache_ttl_seconds)
        except Exception as exc:  # noqa: BLE001 - the answer is still good without the cache
            logger.warning("AI cache write failed for %s: %s", key, type(exc).__name__)


def _stamp(result: ResultT, provider: str) -> ResultT:
    """Record which provider produced each item (a session shows this beside every question and score)."""
    items = result if isinstance(result, list) else [result]
    for item in items:
        item.provider = provider
        if isinstance(item, AnswerEvaluation) and item.follow_up_question is not None:
            item.follow_up_question.provider = provider
    return result


def build_ai_service(
    provider_name: str = "local",
    gemini_api_key: str | None = None,
    openai_api_key: str | None = None,
    openai_base_url: str | None = None,
    openai_model: str | None = None,
    gemini_model: str | None = None,
    gemini_base_url: str | None = None,
    timeout: float = 20.0,
    store: Store | None = None,
    retries: int = 2,
    cache_ttl_seconds: int = WEEK_SECONDS,
    circuit_cooldown_seconds: float = 60.0,
    embedder: Any = None,
    scoring_workers: int = 1,
) -> AIService:
    """Build the service from settings. `auto` (the default) picks Gemini, then OpenAI, by which key is set."""
    from candidatex.ai.providers.gemini import DEFAULT_GEMINI_MODEL, GeminiProvider
    from candidatex.ai.providers.openai import DEFAULT_OPENAI_MODEL, OpenAIProvider

    name = provider_name.strip().lower()
    if name == "auto":
        name = "gemini" if gemini_api_key else "openai" if (openai_api_key or openai_base_url) else "local"

    primary: AIProvider
    if name == "gemini" and gemini_api_key:
        primary = GeminiProvider(
            gemini_api_key, gemini_model or DEFAULT_GEMINI_MODEL, gemini_base_url, timeout_seconds=timeout
        )
    elif name == "openai" and (openai_api_key or openai_base_url):
        # Self-hosted OpenAI-compatible servers often need no key, but the SDK insists on one.
        primary = OpenAIProvider(
            openai_api_key or "not-needed",
            openai_model or DEFAULT_OPENAI_MODEL,
            openai_base_url,
            timeout_seconds=timeout,
        )
    else:
        if name != "local":
            logger.warning("AI provider %r is not configured (missing key); using the local provider", name)
        primary = LocalProvider(embedder, scoring_workers)
    return AIService(
        primary,
        primary if isinstance(primary, LocalProvider) else LocalProvider(embedder, scoring_workers),
        cache=store,
        timeout_seconds=timeout,
        retries=retries,
        cache_ttl_seconds=cache_ttl_seconds,
        circuit_cooldown_seconds=circuit_cooldown_seconds,
    )
