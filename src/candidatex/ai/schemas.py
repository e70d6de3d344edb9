"""Structured data that every AI provider returns; validated so a malformed provider answer is caught."""

from __future__ import annotations

import hashlib
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

ExperienceLevel = Literal["entry", "mid", "senior", "lead"]
InterviewMode = Literal["behavioral", "technical"]
Difficulty = Literal["easy", "medium", "hard"]
QuestionKind = Literal["behavioral", "technical"]


class InterviewContext(BaseModel):
    """What the interviewer knows about the role and the candidate."""

    model_config = ConfigDict(frozen=True)

    job_title: str = Field(min_length=1, max_length=200)
    job_description: str = ""
    experience_level: ExperienceLevel = "mid"
    mode: InterviewMode = "technical"
    focus_areas: list[str] = Field(default_factory=list)
    resume_text: str | None = None
    question_count: int = Field(default=5, ge=1, le=25)
    # Practice (True) may coach during the interview; a screening (False) reveals nothing of the rubric
    # (no key points in feedback or follow-ups) until it ends.
    reveal_rubric: bool = True
    # Varies the question plan between sessions with the same set-up (the interview engine passes the session
    # id); empty means a fresh random plan on every call.
    seed: str = ""


class GeneratedQuestion(BaseModel):
    id: str = ""
    text: str = Field(min_length=5)
    kind: QuestionKind = "technical"
    category: str = "general"
    difficulty: Difficulty = "medium"
    expected_concepts: list[str] = Field(default_factory=list)
    time_limit_seconds: int = Field(default=180, ge=30, le=1800)
    # What a text-to-speech engine should read aloud: no code symbols or markdown.
    speak_text: str = ""
    is_follow_up: bool = False
    provider: str = ""

    @model_validator(mode="after")
    def _fill_derived_fields(self) -> GeneratedQuestion:
        if not self.id:
            self.id = "q-" + hashlib.sha256(self.text.encode()).hexdigest()[:12]
        if not self.speak_text:
            self.speak_text = speakable(self.text)
        return self


class AnswerEvaluation(BaseModel):
    score: float = Field(ge=0, le=100)
    # criterion -> 0..100; rubric_weights says how much each criterion counts toward `score`,
    # rubric_explanations says in plain words why the criterion got its value.
    rubric: dict[str, float] = Field(default_factory=dict)
    rubric_weights: dict[str, float] = Field(default_factory=dict)
    rubric_explanations: dict[str, str] = Field(default_factory=dict)
    strengths: list[str] = Field(default_factory=list)
    weaknesses: list[str] = Field(default_factory=list)
    recommendations: list[str] = Field(default_factory=list)
    needs_follow_up: bool = False
    follow_up_question: GeneratedQuestion | None = None
    # The evidence behind the score: which reference key points the answer covered and missed, the known
    # misconceptions it asserted, and the guards it tripped (off_topic, keyword_dump, other_language, ...).
    covered_key_points: list[str] = Field(default_factory=list)
    missed_key_points: list[str] = Field(default_factory=list)
    factual_errors: list[str] = Field(default_factory=list)
    guards: list[str] = Field(default_factory=list)
    language: str = "en"
    provider: str = ""

    @model_validator(mode="after")
    def _rubric_values_in_range(self) -> AnswerEvaluation:
        for criterion, value in self.rubric.items():
            if not 0 <= value <= 100:
                raise ValueError(f"rubric criterion {criterion!r} out of range: {value}")
        return self


class QuestionResult(BaseModel):
    question_id: str
    question_text: str
    kind: QuestionKind
    category: str
    score: float = Field(ge=0, le=100)
    is_follow_up: bool = False
    answered: bool = True
    provider: str = ""


class ReportScores(BaseModel):
    """A final report's scores and advice: what a remote model must return (prompts.ReportPayload) and what is kept."""

    total_score: float = Field(ge=0, le=100)
    behavioral_score: float | None = Field(default=None, ge=0, le=100)
    technical_score: float | None = Field(default=None, ge=0, le=100)
    communication_score: float = Field(ge=0, le=100)
    strengths: list[str] = Field(default_factory=list)
    weaknesses: list[str] = Field(default_factory=list)
    recommendations: list[str] = Field(default_factory=list)


class FinalReport(ReportScores):
    summary: str = ""
    per_question: list[QuestionResult] = Field(default_factory=list)
    provider: str = ""


def speakable(text: str) -> str:
    """A version of `text` that reads well aloud: drop markdown and code punctuation."""
    for symbol in ("`", "*", "_", "#"):
        text = text.replace(symbol, " " if symbol == "_" else "")
    replacements = {" e.g. ": " for example ", " i.e. ": " that is ", "&": " and "}
    for written, spoken in replacements.items():
        text = text.replace(written, spoken)
    return " ".join(text.split())
