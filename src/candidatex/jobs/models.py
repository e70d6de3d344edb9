"""Job postings and applications (with their status pipeline and history)."""

from __future__ import annotations

import time
from datetime import datetime
from enum import StrEnum

from beanie import Document
from pydantic import BaseModel, Field
from pymongo import ASCENDING, DESCENDING, IndexModel

from candidatex.core.timeutil import utcnow


class JobStatus(StrEnum):
    draft = "draft"
    published = "published"
    closed = "closed"


class Job(Document):
    recruiter_id: str
    title: str
    company: str = ""
    description: str = ""
    location: str = ""
    remote: bool = False
    employment_type: str = "full_time"
    experience_level: str = "mid"  # entry | mid | senior | lead
    required_skills: list[str] = Field(default_factory=list)  # canonical names (taxonomy-normalised)
    preferred_skills: list[str] = Field(default_factory=list)
    min_years_experience: float | None = None
    education_level: str = "none"
    salary_min: int | None = None
    salary_max: int | None = None
    salary_currency: str = "USD"
    status: JobStatus = JobStatus.draft
    keywords: list[str] = Field(default_factory=list)  # normalised search terms, multikey-indexed
    location_key: str = ""
    published_at: datetime | None = None
    closed_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)

    class Settings:
        name = "jobs"
        indexes = [
            IndexModel([("keywords", ASCENDING)]),
            IndexModel([("status", ASCENDING), ("published_at", DESCENDING)]),
            IndexModel([("recruiter_id", ASCENDING), ("created_at", DESCENDING)]),
        ]


class ApplicationStatus(StrEnum):
    applied = "applied"
    screening = "screening"
    interview = "interview"
    offer = "offer"
    rejected = "rejected"
    withdrawn = "withdrawn"  # by the candidate


# The pipeline: each stage may move one step forward or to rejected; offer and rejected are final.
TRANSITIONS: dict[ApplicationStatus, frozenset[ApplicationStatus]] = {
    ApplicationStatus.applied: frozenset({ApplicationStatus.screening, ApplicationStatus.rejected}),
    ApplicationStatus.screening: frozenset({ApplicationStatus.interview, ApplicationStatus.rejected}),
    ApplicationStatus.interview: frozenset({ApplicationStatus.offer, ApplicationStatus.rejected}),
    ApplicationStatus.offer: frozenset(),
    ApplicationStatus.rejected: frozenset(),
    ApplicationStatus.withdrawn: frozenset(),
}
# the recruiter's access to what the candidate sent (résumé, interviews tied to the job) ends here
CLOSED = frozenset({ApplicationStatus.rejected, ApplicationStatus.withdrawn})
STAGE_ORDER = [ApplicationStatus.applied, ApplicationStatus.screening, ApplicationStatus.interview,
               ApplicationStatus.offer]


class StatusChange(BaseModel):
    status: ApplicationStatus
    at: datetime = Field(default_factory=utcnow)
    by: str | None = None  # user id; None for the candidate's own application
    note: str | None = None


class Application(Document):
    job_id: str
    candidate_id: str
    recruiter_id: str  # the job's owner, copied so "applications for my jobs" is one indexed query
    resume_id: str
    cover_letter: str | None = None
    status: ApplicationStatus = ApplicationStatus.applied
    status_history: list[StatusChange] = Field(default_factory=list)
    # when it was last marked to be (re)scored for the job's ranking (time_ns; see matching/service.py)
    rank_pending: int = Field(default_factory=time.time_ns)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)

    class Settings:
        name = "applications"
        indexes = [
            IndexModel([("job_id", ASCENDING), ("rank_pending", ASCENDING)]),
            IndexModel([("job_id", ASCENDING), ("candidate_id", ASCENDING)], unique=True),
            IndexModel([("candidate_id", ASCENDING), ("created_at", DESCENDING)]),
            IndexModel([("recruiter_id", ASCENDING), ("status", ASCENDING)]),
            IndexModel([("recruiter_id", ASCENDING), ("candidate_id", ASCENDING)]),
            IndexModel([("resume_id", ASCENDING)]),
        ]
