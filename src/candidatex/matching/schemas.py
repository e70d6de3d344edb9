from __future__ import annotations

import re
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

YesNo = Literal["yes", "no", "prefer_not_to_say"]
AgeBand = Literal["under_25", "25_34", "35_44", "45_54", "55_64", "65_plus", "prefer_not_to_say"]


def _label(value: str | None) -> str | None:
    """Self-described groups are compared case- and spacing-insensitively."""
    if value is None:
        return None
    cleaned = " ".join(value.split()).lower()
    if cleaned in {"prefer not to say", "prefer_not_to_say"}:
        return "prefer_not_to_say"
    return cleaned or None


class DemographicsIn(BaseModel):
    """Voluntary. Never used in scoring; read only, in aggregate, by the fairness audit."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    gender: str | None = Field(default=None, max_length=50)
    ethnicity: str | None = Field(default=None, max_length=80)
    age_band: AgeBand | None = None
    disability: YesNo | None = None
    veteran: YesNo | None = None

    @field_validator("gender", "ethnicity")
    @classmethod
    def label(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"[\w .,'()/&+-]*", value):
            raise ValueError("letters, digits, spaces and simple punctuation only")
        return _label(value)


class DemographicsOut(BaseModel):
    gender: str | None = None
    ethnicity: str | None = None
    age_band: str | None = None
    disability: str | None = None
    veteran: str | None = None
    updated_at: datetime | None = None


class Reason(BaseModel):
    component: str
    text: str
    evidence: str | None = None  # the resume line the reason rests on


class Flag(BaseModel):
    code: str  # hidden_text | copied_job_description | keyword_list | unbacked_years | repeated_lines
    message: str


class MatchFields(BaseModel):
    total: float
    breakdown: dict[str, float]
    weights: dict[str, float]
    matched_skills: list[str]
    missing_skills: list[str]
    missing_required: list[str] = Field(default_factory=list)
    missing_preferred: list[str] = Field(default_factory=list)
    explanation: list[str]
    reasons: list[Reason] = Field(default_factory=list)
    flags: list[Flag] = Field(default_factory=list)
    recommendation: str


class RankedCandidate(MatchFields):
    application_id: str
    candidate_id: str
    resume_id: str
    rank: int
    percentile: float
    interview_session_id: str | None = None
    application_status: str
    candidate_name: str | None = None
    candidate_email: str | None = None


class Unscored(BaseModel):
    application_id: str
    candidate_id: str
    reason: str  # resume_pending | resume_unreadable | resume_deleted


class Progress(BaseModel):
    run_id: str
    done: int
    total: int
    percent: float
    eta_seconds: float | None = None
    updated_at: datetime | None = None


class RankingOut(BaseModel):
    job_id: str
    status: Literal["ready", "pending", "running"]
    computed_at: datetime | None
    applicants: int
    weights: dict[str, float]
    items: list[RankedCandidate]
    unscored: list[Unscored]
    total: int
    page: int
    limit: int
    pages: int
    sort: str
    progress: Progress | None = None


class RecommendedJob(MatchFields):
    job_id: str
    rank: int
    title: str
    company: str
    location: str
    remote: bool


class RecommendationsOut(BaseModel):
    resume_id: str
    status: Literal["ready", "pending"]
    computed_at: datetime | None
    items: list[RecommendedJob]


class GroupOut(BaseModel):
    selected: int
    total: int
    selection_rate: float
    impact_ratio: float | None = None
    scoring_rate: float | None = None
    scoring_impact_ratio: float | None = None


class AuditSection(BaseModel):
    attribute: str
    groups: dict[str, GroupOut]
    disparate_impact_ratio: float | None
    four_fifths_pass: bool | None
    demographic_parity_difference: float | None
    highest_rate_group: str | None
    lowest_rate_group: str | None
    excluded_without_data: int
    min_group_size: int
    suppressed_groups: int
    suppressed_candidates: int | None
    warning: str | None
    notes: list[str]


class FairnessOut(AuditSection):
    job_id: str
    job_title: str
    shortlist: str
    pool_size: int
    selected: int
    top_n_requested: int | None = None
    top_n_used: int | None = None
    intersectional: AuditSection | None = None
