from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from candidatex.jobs.models import Application, ApplicationStatus, Job, JobStatus, StatusChange

ExperienceLevel = Literal["entry", "mid", "senior", "lead"]
EducationLevel = Literal["none", "associate", "bachelor", "master", "phd"]
EmploymentType = Literal["full_time", "part_time", "contract", "internship", "temporary"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _skills(values: list[str]) -> list[str]:
    cleaned = [v.strip() for v in values if v and v.strip()]
    if any(len(v) > 60 for v in cleaned):
        raise ValueError("each skill must be at most 60 characters")
    return cleaned


class JobIn(Strict):
    title: str = Field(min_length=2, max_length=200)
    company: str = Field(default="", max_length=200)
    description: str = Field(default="", max_length=20_000)
    location: str = Field(default="", max_length=200)
    remote: bool = False
    employment_type: EmploymentType = "full_time"
    experience_level: ExperienceLevel = "mid"
    required_skills: list[str] = Field(default_factory=list, max_length=50)
    preferred_skills: list[str] = Field(default_factory=list, max_length=50)
    min_years_experience: float | None = Field(default=None, ge=0, le=50)
    education_level: EducationLevel = "none"
    salary_min: int | None = Field(default=None, ge=0, le=100_000_000)
    salary_max: int | None = Field(default=None, ge=0, le=100_000_000)
    salary_currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")
    publish: bool = Field(default=False, description="publish at once instead of saving a draft")

    @field_validator("required_skills", "preferred_skills")
    @classmethod
    def clean(cls, values: list[str]) -> list[str]:
        return _skills(values)

    @model_validator(mode="after")
    def salary_range(self) -> JobIn:
        if self.salary_min is not None and self.salary_max is not None and self.salary_min > self.salary_max:
            raise ValueError("salary_min must not exceed salary_max")
        return self


class JobUpdateIn(Strict):
    title: str | None = Field(default=None, min_length=2, max_length=200)
    company: str | None = Field(default=None, max_length=200)
    description: str | None = Field(default=None, max_length=20_000)
    location: str | None = Field(default=None, max_length=200)
    remote: bool | None = None
    employment_type: EmploymentType | None = None
    experience_level: ExperienceLevel | None = None
    required_skills: list[str] | None = Field(default=None, max_length=50)
    preferred_skills: list[str] | None = Field(default=None, max_length=50)
    min_years_experience: float | None = Field(default=None, ge=0, le=50)
    education_level: EducationLevel | None = None
    salary_min: int | None = Field(default=None, ge=0, le=100_000_000)
    salary_max: int | None = Field(default=None, ge=0, le=100_000_000)
    salary_currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")

    @field_validator("required_skills", "preferred_skills")
    @classmethod
    def clean(cls, values: list[str] | None) -> list[str] | None:
        return None if values is None else _skills(values)


class JobOut(BaseModel):
    id: str
    recruiter_id: str
    title: str
    company: str
    description: str
    location: str
    remote: bool
    employment_type: str
    experience_level: str
    required_skills: list[str]
    preferred_skills: list[str]
    min_years_experience: float | None
    education_level: str
    salary_min: int | None
    salary_max: int | None
    salary_currency: str
    status: JobStatus
    published_at: datetime | None
    closed_at: datetime | None
    created_at: datetime
    updated_at: datetime
    applications_count: int | None = None  # in the recruiter's own list

    @classmethod
    def of(cls, job: Job, applications_count: int | None = None) -> JobOut:
        return cls(id=str(job.id), applications_count=applications_count,
                   **job.model_dump(include=set(cls.model_fields) - {"id", "applications_count"}))


class ApplyIn(Strict):
    resume_id: str = Field(pattern=r"^[0-9a-f]{24}$")
    cover_letter: str | None = Field(default=None, max_length=10_000)


class StatusIn(Strict):
    status: ApplicationStatus
    note: str | None = Field(default=None, max_length=1000)


class ApplicationOut(BaseModel):
    id: str
    job_id: str
    job_title: str | None = None
    company: str | None = None
    candidate_id: str
    candidate_name: str | None = None
    candidate_email: str | None = None
    resume_id: str
    cover_letter: str | None
    status: ApplicationStatus
    status_history: list[StatusChange]
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, application: Application, job: Job | None = None, candidate: object | None = None,
           for_candidate: bool = False) -> ApplicationOut:
        """``for_candidate``: the recruiter's private notes on status changes are left out."""
        history = ([change.model_copy(update={"note": None}) for change in application.status_history]
                   if for_candidate else application.status_history)
        return cls(id=str(application.id), job_id=application.job_id, job_title=job.title if job else None,
                   company=job.company if job else None, candidate_id=application.candidate_id,
                   candidate_name=getattr(candidate, "full_name", None),
                   candidate_email=getattr(candidate, "email", None), resume_id=application.resume_id,
                   cover_letter=application.cover_letter, status=application.status,
                   status_history=history, created_at=application.created_at,
                   updated_at=application.updated_at)
