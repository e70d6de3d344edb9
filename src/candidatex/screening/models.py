"""The Screening document: one per application, beside the interview session it starts on consent."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from beanie import Document
from pydantic import BaseModel, Field
from pymongo import ASCENDING, DESCENDING, IndexModel

from candidatex.core.timeutil import utcnow


class ScreeningStatus(StrEnum):
    invited = "invited"  # sent; the candidate has not answered the notice yet
    declined = "declined"  # the candidate declined the AI interview: the recruiter is offered a human one
    started = "started"  # consented: the interview session exists (its own status says how far it got)
    expired = "expired"  # the deadline passed before the candidate consented


class Consent(BaseModel):
    accepted: bool
    at: datetime = Field(default_factory=utcnow)
    notice_version: str
    comment: str | None = None


class Note(BaseModel):
    by: str
    by_name: str = ""
    text: str
    at: datetime = Field(default_factory=utcnow)


class Decision(BaseModel):
    """A person's decision, with what the AI recommended at that moment (the audit compares the two)."""

    by: str
    by_email: str = ""
    at: datetime = Field(default_factory=utcnow)
    outcome: Literal["advance", "reject"]
    reason: str
    ai_recommendation: str | None = None  # advance | do_not_advance | None (no AI evaluation: declined, no answers)
    ai_total_score: float | None = None


class Screening(Document):
    application_id: str
    job_id: str
    candidate_id: str
    recruiter_id: str  # the job's owner
    sent_by: str
    job_title: str
    mode: str = "technical"
    question_count: int = 5
    duration_minutes: int = 30
    anti_cheat_policy: Literal["terminate", "flag_for_review"] = "flag_for_review"
    deadline: datetime
    status: ScreeningStatus = ScreeningStatus.invited
    consent: Consent | None = None
    session_id: str | None = None
    human_interview_requested: bool = False
    reminded_at: datetime | None = None
    # copied from the session's report when it ends: total, per-competency scores and the AI's recommendation
    ai_result: dict[str, Any] | None = None
    notes: list[Note] = Field(default_factory=list)
    decision: Decision | None = None
    decision_log: list[Decision] = Field(default_factory=list)
    human_review_requests: list[dict[str, Any]] = Field(default_factory=list)
    content_erased_at: datetime | None = None  # answers, events, recording and notes deleted at retention's end
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)

    class Settings:
        name = "screenings"
        indexes = [
            IndexModel([("application_id", ASCENDING)], unique=True),
            IndexModel([("job_id", ASCENDING), ("created_at", DESCENDING)]),
            IndexModel([("candidate_id", ASCENDING), ("created_at", DESCENDING)]),
            IndexModel([("session_id", ASCENDING)]),
            IndexModel([("status", ASCENDING), ("deadline", ASCENDING)]),
        ]
