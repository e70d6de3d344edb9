from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from candidatex.screening.models import Screening


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class SendScreeningIn(Strict):
    mode: Literal["behavioral", "technical"] = "technical"
    question_count: int = Field(default=5, ge=1, le=20)
    duration_minutes: int = Field(default=30, ge=5, le=180)
    anti_cheat_policy: Literal["terminate", "flag_for_review"] = Field(
        default="flag_for_review", description="flag_for_review: integrity flags go to a person; the interview "
                                               "is never ended by a detector")
    deadline: datetime | None = Field(default=None, description="when the invitation expires (UTC)")
    deadline_days: int = Field(default=7, ge=1, le=60, description="used when `deadline` is not given")


class ConsentIn(Strict):
    accept: bool = Field(description="true: take the AI interview; false: ask for an interview with a person")
    comment: str | None = Field(default=None, max_length=1000)


class NoteIn(Strict):
    text: str = Field(min_length=1, max_length=4000)


class DecisionIn(Strict):
    outcome: Literal["advance", "reject"]
    reason: str = Field(min_length=10, max_length=2000, description="why: shown in the decision log and audit")


class HumanReviewIn(Strict):
    comment: str = Field(min_length=5, max_length=2000)


class DecisionOut(BaseModel):
    by: str
    by_email: str
    at: datetime
    outcome: str
    reason: str
    ai_recommendation: str | None
    ai_total_score: float | None


class ScreeningOut(BaseModel):
    id: str
    application_id: str
    job_id: str
    job_title: str
    candidate_id: str
    recruiter_id: str
    status: str
    mode: str
    question_count: int
    duration_minutes: int
    anti_cheat_policy: str
    deadline: datetime
    session_id: str | None
    consent: dict[str, Any] | None
    human_interview_requested: bool
    human_review_requested: bool
    decision: DecisionOut | None
    created_at: datetime
    # staff only
    ai_result: dict[str, Any] | None = None
    notes: list[dict[str, Any]] = Field(default_factory=list)
    decision_log: list[DecisionOut] = Field(default_factory=list)
    human_review_requests: list[dict[str, Any]] = Field(default_factory=list)

    @classmethod
    def of(cls, screening: Screening, staff: bool) -> ScreeningOut:
        decision = DecisionOut(**screening.decision.model_dump()) if screening.decision else None
        if decision is not None and not staff:  # the candidate is told the outcome, not the internal notes
            decision = decision.model_copy(update={"by": "", "by_email": "", "reason": "",
                                                   "ai_recommendation": None, "ai_total_score": None})
        shown = cls(id=str(screening.id), application_id=screening.application_id, job_id=screening.job_id,
                    job_title=screening.job_title, candidate_id=screening.candidate_id,
                    recruiter_id=screening.recruiter_id, status=screening.status.value, mode=screening.mode,
                    question_count=screening.question_count, duration_minutes=screening.duration_minutes,
                    anti_cheat_policy=screening.anti_cheat_policy, deadline=screening.deadline,
                    session_id=screening.session_id,
                    consent=screening.consent.model_dump(mode="json") if screening.consent else None,
                    human_interview_requested=screening.human_interview_requested,
                    human_review_requested=bool(screening.human_review_requests), decision=decision,
                    created_at=screening.created_at)
        if staff:
            shown.ai_result = screening.ai_result
            shown.notes = [n.model_dump(mode="json") for n in screening.notes]
            shown.decision_log = [DecisionOut(**d.model_dump()) for d in screening.decision_log]
            shown.human_review_requests = screening.human_review_requests
        return shown


class ScreeningNoticeOut(BaseModel):
    version: str
    title: str
    ai_evaluates: list[str]
    not_ai_evaluated: list[str]
    recorded: list[str]
    who_sees_it: list[str]
    your_rights: list[str]
    retention: str


class CandidateScreeningOut(BaseModel):
    screening: ScreeningOut
    notice: ScreeningNoticeOut
    answers: list[dict[str, Any]]
    flags: list[dict[str, Any]]
    session_status: str | None
    outcome: str | None
    decided_at: datetime | None


class ReviewOut(BaseModel):
    screening: ScreeningOut
    candidate_name: str
    session: dict[str, Any] | None
    questions: list[dict[str, Any]]
    flags: list[dict[str, Any]]
    recording: dict[str, Any] | None
    result: dict[str, Any] | None
    withheld: bool = Field(description="true: the application closed, so the answers are no longer shown")


class CompareRow(BaseModel):
    screening_id: str
    application_id: str
    candidate_name: str
    application_status: str
    status: str
    session_id: str | None
    total_score: float | None
    competencies: dict[str, float]
    behavioral_score: float | None
    technical_score: float | None
    communication_score: float | None
    ai_recommendation: str | None
    open_flags: int | None
    human_interview_requested: bool
    decision: str | None


class CompareOut(BaseModel):
    job_id: str
    competencies: list[str]
    rows: list[CompareRow]


class ScreeningAuditOut(BaseModel):
    job_id: str
    job_title: str
    attribute: str
    since: datetime | None
    until: datetime | None
    decisions: int
    with_ai_recommendation: int
    overrides: int
    override_rate: float | None
    min_group_size: int
    sections: dict[str, dict[str, Any]]
