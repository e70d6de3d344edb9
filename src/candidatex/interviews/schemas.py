from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from candidatex.interviews.models import InterviewSession, QuestionRecord, SessionMode, SessionStatus, SessionType


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class CreateSessionIn(Strict):
    type: SessionType = SessionType.ai_mock
    mode: SessionMode = SessionMode.behavioral
    job_title: str = Field(min_length=2, max_length=200)
    job_description: str = Field(default="", max_length=20_000)
    experience_level: Literal["entry", "mid", "senior", "lead"] = "mid"
    resume_text: str | None = Field(default=None, max_length=50_000)
    question_count: int = Field(default=5, ge=1, le=20)
    duration_minutes: int = Field(default=30, ge=1, le=180)
    focus_areas: list[str] = Field(default_factory=list, max_length=10)
    candidate_id: str | None = Field(default=None, pattern=r"^[0-9a-f]{24}$",
                                     description="recruiters scheduling a live interview name the candidate")
    job_id: str | None = Field(default=None, pattern=r"^[0-9a-f]{24}$")
    scheduled_at: datetime | None = None
    anti_cheat_policy: Literal["terminate", "flag_for_review"] = Field(
        default="terminate", description="what reaching an anti-cheat threshold does: end the interview (the "
                                         "spec's behaviour) or let it finish and mark it for review")

    @field_validator("focus_areas")
    @classmethod
    def short_areas(cls, areas: list[str]) -> list[str]:
        cleaned = [a.strip() for a in areas if a and a.strip()]
        if any(len(a) > 60 for a in cleaned):
            raise ValueError("each focus area must be at most 60 characters")
        return cleaned


class PrecheckIn(Strict):
    camera: bool
    microphone: bool
    speaker: bool
    fullscreen: bool
    screens: int = Field(default=1, ge=0, le=16)
    camera_frame: str | None = Field(default=None, max_length=700_000,
                                     description="base64 JPEG/PNG from the camera test (at most 500 KB)")
    camera_frames: list[Annotated[str, Field(max_length=700_000)]] = Field(
        default_factory=list, max_length=5,
        description="2-5 base64 JPEG/PNG frames about half a second apart: the server checks that exactly one "
                    "live (moving) face is visible")


class AnswerIn(Strict):
    question_id: str = Field(min_length=1, max_length=64)
    content: str = Field(min_length=1, max_length=20_000)
    type: Literal["text", "voice", "code"] = "text"


class EndSessionIn(Strict):
    reason: str = Field(default="ended_by_recruiter", max_length=200)


class QuestionOut(BaseModel):
    id: str
    text: str
    kind: str
    category: str
    difficulty: str
    time_limit_seconds: int
    speak_text: str
    is_follow_up: bool
    provider: str
    number: int
    total: int
    expected_concepts: list[str] | None = None  # shown to candidates only after the session ends

    @classmethod
    def of(cls, question: QuestionRecord, number: int, total: int, reveal: bool) -> "QuestionOut":
        return cls(id=question.id, text=question.text, kind=question.kind, category=question.category,
                   difficulty=question.difficulty, time_limit_seconds=question.time_limit_seconds,
                   speak_text=question.speak_text or question.text, is_follow_up=question.is_follow_up,
                   provider=question.provider, number=number, total=total,
                   expected_concepts=question.expected_concepts if reveal else None)


class SessionOut(BaseModel):
    session_id: str
    id: str
    candidate_id: str
    recruiter_id: str | None
    job_id: str | None
    type: SessionType
    mode: SessionMode
    status: SessionStatus
    job_title: str
    job_description: str
    experience_level: str
    question_count: int
    duration_minutes: int
    focus_areas: list[str]
    scheduled_at: datetime | None
    questions: list[QuestionOut]
    answers: list[dict[str, Any]]
    current_question_index: int
    precheck_result: dict[str, Any] | None
    result: dict[str, Any] | None
    terminated_reason: str | None
    started_at: datetime | None
    ends_at: datetime | None
    completed_at: datetime | None
    remaining_seconds: int | None
    created_at: datetime
    chat: list[dict[str, Any]] = Field(default_factory=list)
    strike_counts: dict[str, int] = Field(default_factory=dict)
    anti_cheat_policy: str = "terminate"

    @classmethod
    def of(cls, session: InterviewSession, viewer_is_candidate: bool, remaining: int | None) -> "SessionOut":
        ended = session.status in (SessionStatus.completed, SessionStatus.terminated)
        reveal = ended or not viewer_is_candidate
        total = len(session.questions)
        return cls(
            session_id=str(session.id), id=str(session.id), candidate_id=session.candidate_id,
            recruiter_id=session.recruiter_id, job_id=session.job_id, type=session.type, mode=session.mode,
            status=session.status, job_title=session.job_title, job_description=session.job_description,
            experience_level=session.experience_level, question_count=session.question_count,
            duration_minutes=session.duration_minutes, focus_areas=session.focus_areas,
            scheduled_at=session.scheduled_at,
            questions=[QuestionOut.of(q, i + 1, total, reveal) for i, q in enumerate(session.questions)
                       if reveal or i <= session.current_question_index],
            answers=[a.model_dump(mode="json") for a in session.answers],
            current_question_index=session.current_question_index, precheck_result=session.precheck_result,
            result=session.result, terminated_reason=session.terminated_reason, started_at=session.started_at,
            ends_at=session.ends_at, completed_at=session.completed_at, remaining_seconds=remaining,
            created_at=session.created_at, chat=[m.model_dump(mode="json") for m in session.chat],
            strike_counts=session.strike_counts, anti_cheat_policy=session.anti_cheat_policy)


class StartOut(BaseModel):
    session: SessionOut
    anti_cheat_key: str | None = Field(default=None, description="HMAC key for signed browser signals (candidate only)")


class NextQuestionOut(BaseModel):
    question: QuestionOut | None
    remaining_seconds: int | None
    answered: int
    total: int
    done: bool


class AnswerOut(BaseModel):
    question_id: str
    evaluation: dict[str, Any]
    next_question: QuestionOut | None
    done: bool


class HistoryPoint(BaseModel):
    session_id: str
    job_title: str
    mode: str
    completed_at: datetime | None
    total_score: float | None
    behavioral_score: float | None
    technical_score: float | None
    status: str
