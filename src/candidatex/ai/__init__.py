"""AI layer: one provider protocol (local, OpenAI-compatible, Gemini), a response cache and fallback."""

from candidatex.ai.schemas import (
    AnswerEvaluation,
    FinalReport,
    GeneratedQuestion,
    InterviewContext,
    QuestionResult,
)
from candidatex.ai.service import AIService, build_ai_service

__all__ = [
    "AIService",
    "AnswerEvaluation",
    "FinalReport",
    "GeneratedQuestion",
    "InterviewContext",
    "QuestionResult",
    "build_ai_service",
]
