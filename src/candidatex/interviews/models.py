"""The InterviewSession document of the spec, and the stored event stream of each session."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from beanie import Document
from pydantic import BaseModel, Field
from pymongo import ASCENDING, DESCENDING, IndexModel

from candidatex.core.timeutil import utcnow


class SessionType(StrEnum):
    mock = "mock"
    live = "live"
    ai_mock = "ai_mock"


class SessionMode(StrEnum):
    behavioral = "behavioral"
    technical = "technical"


class SessionStatus(StrEnum):
    setup = "setup"
    precheck = "precheck"
    active = "active"
    paused = "paused"
    completed = "completed"
    terminated = "terminated"


class QuestionRecord(BaseModel):
    id: str
    text: str
    kind: str = "technical"
    category: str = "general"
    difficulty: str = "medium"
    expected_concepts: list[str] = Field(default_factory=list)
    time_limit_seconds: int = 180
    speak_text: str = ""
    is_follow_up: bool = False
    follows: str | None = None
    provider: str = ""
    asked_at: datetime | None = None


class AnswerRecord(BaseModel):
    question_id: str
    content: str
    type: str = "text"  # text | voice
    submitted_at: datetime = Field(default_factory=utcnow)
    evaluation: dict[str, Any] | None = None
    speaking_metrics: dict[str, Any] | None = None
    provider: str = ""


class ChatMessage(BaseModel):
    sender_id: str
    sender_role: str
    text: str
    sent_at: datetime = Field(default_factory=utcnow)


class InterviewSession(Document):
    candidate_id: str
    recruiter_id: str | None = None
    job_id: str | None = None
    # access (interviews/access.py): the owner of job_id, and whether the candidate's application to it was
    # rejected or withdrawn (recruiters' access then ends)
    job_recruiter_id: str | None = None
    application_closed: bool = False
    type: SessionType = SessionType.ai_mock
    mode: SessionMode = SessionMode.behavioral
    status: SessionStatus = SessionStatus.setup
    job_title: str
    job_description: str = ""
    experience_level: str = "mid"
    resume_text: str | None = None
    question_count: int = 5
    duration_minutes: int = 30
    focus_areas: list[str] = Field(default_factory=list)
    scheduled_at: datetime | None = None

    questions: list[QuestionRecord] = Field(default_factory=list)
    answers: list[AnswerRecord] = Field(default_factory=list)
    current_question_index: int = 0
    follow_ups_asked: int = 0
    result: dict[str, Any] | None = None
    precheck_result: dict[str, Any] | None = None
    chat: list[ChatMessage] = Field(default_factory=list)

    # anti-cheat: the per-session HMAC key for browser signals, the chained log and strike counts
    anti_cheat_key: str | None = None
    anti_cheat_log: list[dict[str, Any]] = Field(default_factory=list)
    strike_counts: dict[str, int] = Field(default_factory=dict)
    # what reaching a strike threshold does: end the interview, or mark it for a person to review
    anti_cheat_policy: Literal["terminate", "flag_for_review"] = "terminate"
    # Ed25519-signed (session, length, head) of the anti-cheat log, issued when the session ends
    integrity_checkpoints: list[dict[str, Any]] = Field(default_factory=list)
    # contests of anti-cheat flags: {index (in anti_cheat_log), appeal: {comment, at, by}, decision: None | {...}}
    flag_reviews: list[dict[str, Any]] = Field(default_factory=list)
    signal_last_seq: int = 0
    signal_tabs: dict[str, dict[str, int]] = Field(default_factory=dict)  # per-tab signal sequence (anti-cheat)
    # the candidate's agreement to the proctoring notice: {user_id, at, notice_version, retention_days}
    proctoring_consent: dict[str, Any] | None = None
    anti_cheat_purged_at: datetime | None = None  # the log and snapshots were deleted after the retention period
    terminated_reason: str | None = None

    event_seq: int = 0
    started_at: datetime | None = None
    ends_at: datetime | None = None
    paused_at: datetime | None = None
    completed_at: datetime | None = None
    last_activity_at: datetime = Field(default_factory=utcnow)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)

    class Settings:
        name = "interview_sessions"
        # a read asks for the whole document, not for each of the model's 45 fields by name: the same document,
        # and SecantusDB spends 2.5x the CPU on a point read that names every field (docs/performance.md)
        projection = None
        # no secondary index: SecantusDB rewrites every index entry of a document on every update, even when no
        # indexed field changed (half an answer write's cost with five); lists go through InterviewListing
        indexes: list[IndexModel] = []


# the fields lists and sweeps filter or sort sessions by; interviews/store.py copies them on every write that sets one
LISTED_FIELDS = ("candidate_id", "recruiter_id", "job_id", "job_recruiter_id", "application_closed", "type", "status",
                 "created_at", "started_at", "ends_at", "completed_at", "anti_cheat_purged_at")


class InterviewListing(Document):
    """A session's listed fields under the session's own `_id`, indexed for the lists (a candidate's, a recruiter's,
    a job's) and the sweeps (expired by ends_at, retention by completed_at): the answers, timers and anti-cheat
    writes then touch an InterviewSession that has no secondary index to rewrite. Its other fields are the
    session's LISTED_FIELDS, copied as stored (interviews/store.py writes and reads it with the driver only)."""

    listed_version: int = 0  # the session's when copied: of two copies, the higher one wins

    class Settings:
        name = "interview_listings"
        indexes = [
            IndexModel([("candidate_id", ASCENDING), ("created_at", DESCENDING)]),
            IndexModel([("recruiter_id", ASCENDING), ("status", ASCENDING)]),
            IndexModel([("status", ASCENDING), ("ends_at", ASCENDING)]),
            IndexModel([("job_id", ASCENDING), ("candidate_id", ASCENDING)]),
            IndexModel([("job_recruiter_id", ASCENDING), ("status", ASCENDING)]),
        ]


class SessionEvent(Document):
    """Every durable stream event, so a client that reconnects with its last seq gets what it missed."""

    session_id: str
    seq: int
    type: str
    data: dict[str, Any] = Field(default_factory=dict)
    created_at: datetime = Field(default_factory=utcnow)

    class Settings:
        name = "interview_events"
        indexes = [IndexModel([("session_id", ASCENDING), ("seq", ASCENDING)], unique=True)]
