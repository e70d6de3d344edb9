"""Shared logic of the LLM-backed providers: build the prompt, ask for JSON, validate it into our models."""

from __future__ import annotations

import json
import re
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from candidatex.ai import prompts
from candidatex.ai.providers.base import EvaluatedItem, MalformedOutputError
from candidatex.ai.providers.local import FOLLOW_UP_SUFFIX, question_results
from candidatex.ai.schemas import AnswerEvaluation, FinalReport, GeneratedQuestion, InterviewContext
from candidatex.ai.scoring import spec_for

PayloadT = TypeVar("PayloadT", bound=BaseModel)
CODE_FENCE = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.DOTALL)


def parse_payload(raw: str, model: type[PayloadT]) -> PayloadT:
    """Validate a model's JSON reply; some models wrap JSON in a markdown fence despite being told not to."""
    fenced = CODE_FENCE.match(raw)
    text = fenced.group(1) if fenced else raw
    try:
        return model.model_validate(json.loads(text))
    except (json.JSONDecodeError, ValidationError) as exc:
        raise MalformedOutputError(f"reply is not a valid {model.__name__}: {exc}") from exc


class RemoteJSONProvider:
    """Base for providers that send a system and a user prompt and get one JSON object back."""

    name: str = "remote"
    model: str = ""

    async def complete_json(self, system: str, user: str) -> str:
        raise NotImplementedError

    async def generate_questions(self, ctx: InterviewContext) -> list[GeneratedQuestion]:
        raw = await self.complete_json(prompts.SYSTEM_PROMPT, prompts.questions_prompt(ctx))
        payload = parse_payload(raw, prompts.QuestionsPayload)
        unique = {" ".join(d.text.lower().split()): d for d in payload.questions}
        if len(unique) < ctx.question_count:
            raise MalformedOutputError(
                f"asked for {ctx.question_count} distinct questions, got {len(unique)}"
            )
        drafts = list(unique.values())[: ctx.question_count]
        return [
            GeneratedQuestion(
                text=draft.text,
                kind=draft.kind or ctx.mode,
                category=draft.category,
                difficulty=draft.difficulty,
                expected_concepts=draft.expected_concepts,
                time_limit_seconds=draft.time_limit_seconds,
            )
            for draft in drafts
        ]

    async def evaluate_answer(
        self,
        ctx: InterviewContext,
        question: GeneratedQuestion,
        answer_text: str,
        speaking_metrics: dict[str, Any] | None = None,
    ) -> AnswerEvaluation:
        spec = spec_for(question)
        prompt = prompts.evaluation_prompt(
            ctx, question, answer_text, speaking_metrics,
            key_points=[p.text for p in spec.key_points], misconceptions=list(spec.misconceptions),
        )
        payload = parse_payload(
            await self.complete_json(prompts.SYSTEM_PROMPT, prompt), prompts.EvaluationPayload
        )
        follow_up = None
        # One follow-up per question: probing a follow-up again would loop.
        if payload.needs_follow_up and payload.follow_up_question and not question.is_follow_up:
            follow_up = GeneratedQuestion(
                id=question.id + FOLLOW_UP_SUFFIX,
                text=payload.follow_up_question,
                kind=question.kind,
                category=question.category,
                difficulty=question.difficulty,
                time_limit_seconds=max(60, question.time_limit_seconds // 2),
                is_follow_up=True,
            )
        try:
            return AnswerEvaluation(
                score=payload.score,
                rubric=payload.rubric,
                rubric_weights=payload.rubric_weights,
                strengths=payload.strengths,
                weaknesses=payload.weaknesses,
                recommendations=payload.recommendations,
                needs_follow_up=follow_up is not None,
                follow_up_question=follow_up,
            )
        except ValidationError as exc:
            raise MalformedOutputError(f"evaluation out of range: {exc}") from exc

    async def final_report(self, ctx: InterviewContext, items: list[EvaluatedItem]) -> FinalReport:
        raw = await self.complete_json(prompts.SYSTEM_PROMPT, prompts.report_prompt(ctx, items))
        payload = parse_payload(raw, prompts.ReportPayload)
        # Per-question scores come from the evaluations themselves, not from the model's retelling.
        return FinalReport(**payload.model_dump(), per_question=question_results(items))
