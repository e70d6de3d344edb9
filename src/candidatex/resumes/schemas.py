from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from candidatex.resumes.models import Resume


class AnalyzeIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    job_id: str | None = Field(default=None, pattern=r"^[0-9a-f]{24}$")
    job_title: str | None = Field(default=None, min_length=2, max_length=200)
    job_description: str | None = Field(default=None, max_length=20_000)

    # Neither given (or no body at all, as the spec sends it): the candidate's most recent application's job,
    # else a general ATS check of the resume's structure and contents.

    @model_validator(mode="after")
    def description_needs_title(self) -> AnalyzeIn:
        if self.job_description and not self.job_title and not self.job_id:
            raise ValueError("a job_description needs its job_title")
        return self


class SectionCheckOut(BaseModel):
    name: str
    passed: bool
    detail: str


class AtsReportOut(BaseModel):
    """The owner's latest ATS self-check (resumes/ats.py)."""

    score: int
    keyword_matches: list[str]
    missing_keywords: list[str]
    matched_skills: list[str]
    missing_skills: list[str]
    missing_required: list[str] = Field(default_factory=list)
    missing_preferred: list[str] = Field(default_factory=list)
    section_checks: list[SectionCheckOut]
    suggestions: list[str]
    score_breakdown: dict[str, float] = Field(default_factory=dict)
    experience_years: float | None = None
    highest_degree: str = "none"
    flags: list[dict[str, str]] = Field(default_factory=list)
    job_id: str | None = None
    job_title: str | None = None
    analyzed_at: str | None = None


class ResumeOut(BaseModel):
    id: str
    owner_id: str
    filename: str
    content_type: str
    kind: str
    size: int
    status: str
    error: dict[str, str] | None
    skills: list[str]
    parsed: dict[str, Any] | None
    ats_report: AtsReportOut | None  # the owner's own ATS self-check; None for anyone else
    flags: list[dict[str, str]] = Field(default_factory=list)  # {code, message}: hidden text, keyword lists...
    text: str | None = None
    created_at: datetime
    processed_at: datetime | None

    @classmethod
    def of(cls, resume: Resume, with_text: bool = False, owner_view: bool = True) -> ResumeOut:
        return cls(id=str(resume.id), owner_id=resume.owner_id, filename=resume.filename,
                   content_type=resume.content_type, kind=resume.kind, size=resume.size, status=resume.status,
                   error=resume.error, skills=resume.skills, parsed=resume.parsed, ats_report=resume.ats_report if owner_view else None,
                   flags=list((resume.profile or {}).get("flags", [])),
                   text=resume.text if with_text else None, created_at=resume.created_at,
                   processed_at=resume.processed_at)
