"""The one interface every AI provider implements."""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from candidatex.ai.schemas import AnswerEvaluation, FinalReport, GeneratedQuestion, InterviewContext

# One answered question as the final report sees it.
EvaluatedItem = tuple[GeneratedQuestion, str, AnswerEvaluation]


class ProviderError(Exception):
    """A provider could not produce a usable answer (HTTP error, refusal, malformed output)."""

    def __init__(self, message: str, *, retryable: bool = True) -> None:
        super().__init__(message)
        # False when asking again cannot help (a bad API key, a model that does not exist).
        self.retryable = retryable


class MalformedOutputError(ProviderError):
    """The provider answered, but not with the structured data we asked for."""


@runtime_checkable
class AIProvider(Protocol):
    name: str

    async def generate_questions(self, ctx: InterviewContext) -> list[GeneratedQuestion]: ...

    async def evaluate_answer(
        self,
        ctx: InterviewContext,
        question: GeneratedQuestion,
        answer_text: str,
        speaking_metrics: dict[str, Any] | None = None,
    ) -> AnswerEvaluation: ...

    async def final_report(self, ctx: InterviewContext, items: list[EvaluatedItem]) -> FinalReport: ...
