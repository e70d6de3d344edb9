from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from candidatex.ai.schemas import AnswerEvaluation, FinalReport
from candidatex.interviews.models import (
    InterviewSession,
    QuestionRecord,
    SessionMode,
    SessionStatus,
    SessionType,
)

# The spec writes levels as free text ("Senior", "mid-level", "Entry level"); the engine knows four.
_LEVEL_WORDS = {"entry": "entry", "junior": "entry", "graduate": "entry", "intern": "entry", "beginner": "entry",
                "mid": "mid", "middle": "mid", "intermediate": "mid", "regular": "mid",
                "senior": "senior", "experienced": "senior", "lead": "lead", "principal": "lead", "staff": "lead"}


def _experience_level(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    words = value.lower().replace("-", " ").replace("_", " ").split()
    words = [w for w in words if w not in ("level", "lvl")]
    return _LEVEL_WORDS.get(words[0], value) if words else value


ExperienceLevel = Annotated[Literal["entry", "mid", "senior", "lead"], BeforeValidator(_experience_level)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class CreateSessionIn(Strict):
    type: SessionType = SessionType.ai_mock
    mode: SessionMode = SessionMode.behavioral
    # the spec's own integration test creates a session with only type and mode
    job_title: str = Field(default="General interview", min_length=2, max_length=200)
    job_description: str = Field(default="", max_length=20_000)
    experience_level: ExperienceLevel = Field(default="mid", description="entry|mid|senior|lead, or the spec's "
                                              "free text: Senior, mid-level, Entry level, junior, principal...")
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
    """The spec's PrecheckResult plus our screen count and camera frame. The server decides `passed` itself:
    the client's `passed` and `warnings` are accepted and ignored; a check the client did not report is a warning."""

    camera: bool
    microphone: bool
    speaker: bool | None = None
    fullscreen: bool | None = None
    single_screen: bool | None = Field(default=None, description="the spec's form of `screens <= 1`")
    screens: int | None = Field(default=None, ge=0, le=16)
    passed: bool | None = Field(default=None, description="ignored: the server decides")
    warnings: list[str] = Field(default_factory=list, max_length=20, description="ignored: the server decides")
    camera_frame: str | None = Field(default=None, max_length=700_000,
                                     description="base64 JPEG/PNG from the camera test (at most 500 KB)")
    camera_frames: list[Annotated[str, Field(max_length=700_000)]] = Field(
        default_factory=list, max_length=5,
        description="2-5 base64 JPEG/PNG frames about half a second apart: the server checks that exactly one "
                    "live (moving) face is visible")

    def report(self) -> dict[str, Any]:
        """What the service checks: missing checks are passed as unknown (None)."""
        screens = self.screens if self.screens is not None else (
            None if self.single_screen is None else (1 if self.single_screen else 2))
        return {"camera": self.camera, "microphone": self.microphone, "speaker": self.speaker,
                "fullscreen": self.fullscreen, "screens": screens, "camera_frame": self.camera_frame,
                "camera_frames": list(self.camera_frames)}


class AnswerIn(Strict):
    question_id: str = Field(min_length=1, max_length=64)
    content: str = Field(min_length=1, max_length=20_000)
    type: Annotated[Literal["text", "voice", "code"], BeforeValidator(lambda v: "code" if v == "coding" else v)] = Field(
        default="text", description="text, voice, or code (the spec's `coding` is accepted)")


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
    content: str = Field(description="the spec's name for `text`")
    type: str = Field(default="text", description="the spec's answer modality: text, voice or coding")
    expected_concepts: list[str] | None = None  # shown to candidates only after the session ends

    @classmethod
    def of(cls, question: QuestionRecord, number: int, total: int, reveal: bool,
           answer_type: str | None = None) -> QuestionOut:
        return cls(id=question.id, text=question.text, content=question.text, kind=question.kind,
                   type=_SPEC_TYPES.get(answer_type or "text", "text"), category=question.category,
                   difficulty=question.difficulty, time_limit_seconds=question.time_limit_seconds,
                   speak_text=question.speak_text or question.text, is_follow_up=question.is_follow_up,
                   provider=question.provider, number=number, total=total,
                   expected_concepts=question.expected_concepts if reveal else None)


_SPEC_TYPES = {"text": "text", "voice": "voice", "code": "coding"}


def answer_view(answer: Any, hide_evaluation: bool = False) -> dict[str, Any]:
    """A stored answer with the spec's names (`timestamp`, `ai_feedback`) beside ours."""
    shown = answer.model_dump(mode="json")
    if hide_evaluation:
        shown["evaluation"] = None
    return {**shown, "timestamp": shown["submitted_at"], "ai_feedback": shown["evaluation"]}


def result_view(result: dict[str, Any] | None) -> dict[str, Any] | None:
    """The report with the spec's `feedback` (our `summary`) beside ours."""
    if result is None:
        return None
    return {**result, "feedback": result.get("feedback") or result.get("summary", "")}


class Lenient(BaseModel):
    """A stored sub-document on its way out: what older documents may lack has a default, and what the service
    adds beside the declared fields is passed on (so a typed response never rejects stored data)."""

    model_config = ConfigDict(extra="allow")


class SpeakingMetricsOut(Lenient):
    """speech/metrics.py SpeakingMetrics of one spoken answer, or their average over the report's answers."""

    word_count: float | None = None
    duration_s: float | None = None
    talk_time_s: float | None = None
    words_per_minute: float | None = None
    pause_count: float | None = None
    longest_pause_s: float | None = None
    filler_rate: float | None = None
    filler_words: dict[str, int] = Field(default_factory=dict)
    answers_spoken: int | None = Field(default=None, description="in the report: how many answers were spoken")


class EvaluationOut(AnswerEvaluation):
    """An answer's evaluation as stored: the follow-up question it asked for is one of the questions, not here."""

    follow_up_question: None = Field(default=None, exclude=True)


class AnswerView(Lenient):
    """A stored answer, with the spec's names (`timestamp`, `ai_feedback`) beside ours."""

    question_id: str
    content: str
    type: str = "text"
    submitted_at: datetime | None = None
    evaluation: EvaluationOut | None = None
    speaking_metrics: SpeakingMetricsOut | None = None
    provider: str = ""
    timestamp: datetime | None = None
    ai_feedback: EvaluationOut | None = None


class ReportOut(FinalReport):
    """The final report (ai FinalReport) plus what the engine adds, with the spec's `feedback` (our summary)."""

    model_config = ConfigDict(extra="allow")

    reason: str = ""
    answered: int | None = None
    asked: int | None = None
    speaking_metrics: SpeakingMetricsOut | None = None
    feedback: str = ""


class PrecheckFailureOut(BaseModel):
    check: str
    message: str


class PrecheckRecordOut(Lenient):
    """anticheat PrecheckResult.as_session_record plus what the judge adds (failures, camera_view)."""

    passed: bool = False
    warnings: list[str] = Field(default_factory=list)
    failures: list[PrecheckFailureOut] = Field(default_factory=list)
    camera: bool | None = None
    microphone: bool | None = None
    speaker: bool | None = None
    fullscreen: bool | None = None
    single_screen: bool | None = None
    checked_at: str | None = None
    camera_view: dict[str, Any] | None = None


class ChatMessageOut(BaseModel):
    sender_id: str
    sender_role: str
    text: str
    sent_at: datetime


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
    answers: list[AnswerView]
    current_question_index: int
    precheck_result: PrecheckRecordOut | None
    result: ReportOut | None
    terminated_reason: str | None
    started_at: datetime | None
    ends_at: datetime | None
    completed_at: datetime | None
    remaining_seconds: int | None
    created_at: datetime
    chat: list[ChatMessageOut] = Field(default_factory=list)
    strike_counts: dict[str, int] = Field(default_factory=dict)
    anti_cheat_policy: str = "terminate"
    candidate_name: str | None = Field(default=None, description="in the list of sessions: the candidate's name")

    @classmethod
    def of(cls, session: InterviewSession, viewer_is_candidate: bool, remaining: int | None) -> SessionOut:
        ended = session.status in (SessionStatus.completed, SessionStatus.terminated)
        reveal = ended or not viewer_is_candidate
        # as service.context_of: an interview for a job (a screening) shows its candidate no scores while it runs
        screening_running = viewer_is_candidate and not ended and session.job_id is not None
        total = len(session.questions)
        answer_types = {a.question_id: a.type for a in session.answers}
        return cls(
            session_id=str(session.id), id=str(session.id), candidate_id=session.candidate_id,
            recruiter_id=session.recruiter_id, job_id=session.job_id, type=session.type, mode=session.mode,
            status=session.status, job_title=session.job_title, job_description=session.job_description,
            experience_level=session.experience_level, question_count=session.question_count,
            duration_minutes=session.duration_minutes, focus_areas=session.focus_areas,
            scheduled_at=session.scheduled_at,
            questions=[QuestionOut.of(q, i + 1, total, reveal, answer_types.get(q.id))
                       for i, q in enumerate(session.questions) if reveal or i <= session.current_question_index],
            answers=[AnswerView.model_validate(answer_view(a, hide_evaluation=screening_running))
                     for a in session.answers],
            current_question_index=session.current_question_index,
            precheck_result=None if session.precheck_result is None else PrecheckRecordOut.model_validate(
                session.precheck_result),
            result=None if session.result is None else ReportOut.model_validate(result_view(session.result)), terminated_reason=session.terminated_reason, started_at=session.started_at,
            ends_at=session.ends_at, completed_at=session.completed_at, remaining_seconds=remaining,
            created_at=session.created_at, chat=[ChatMessageOut.model_validate(m.model_dump()) for m in session.chat],
            strike_counts=session.strike_counts, anti_cheat_policy=session.anti_cheat_policy)


class PrecheckOut(SessionOut):
    """The session, with the spec's `{passed, warnings}` (and what failed) beside its fields."""

    passed: bool
    warnings: list[str]
    failures: list[PrecheckFailureOut]


class StartOut(BaseModel):
    session: SessionOut
    anti_cheat_key: str | None = Field(default=None, description="HMAC key for signed browser signals (candidate only)")


class NextQuestionOut(BaseModel):
    """Ours (`question`, progress) with the spec's Question fields (`id`, `content`, `type`) at the top level."""

    question: QuestionOut | None
    remaining_seconds: int | None
    answered: int
    total: int
    done: bool
    id: str | None = None
    content: str | None = None
    type: str | None = None


class AnswerOut(BaseModel):
    """Ours with the spec's `{feedback, next_question_id}`: `feedback` is the evaluation (the answer's ai_feedback);
    both are null while a screening runs (its candidate sees no feedback)."""

    question_id: str
    evaluation: EvaluationOut | None
    next_question: QuestionOut | None
    done: bool
    feedback: EvaluationOut | None
    next_question_id: str | None


class HistoryPoint(BaseModel):
    session_id: str
    job_title: str
    mode: str
    completed_at: datetime | None
    total_score: float | None
    behavioral_score: float | None
    technical_score: float | None
    status: str
