"""The Resume document: the uploaded file lives in GridFS (bucket "resumes"), the parse results here."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from beanie import Document, PydanticObjectId
from pydantic import Field
from pymongo import ASCENDING, DESCENDING, IndexModel

from candidatex.core.timeutil import utcnow


class ResumeStatus(StrEnum):
    pending = "pending"
    processed = "processed"
    failed = "failed"


class Resume(Document):
    owner_id: str
    filename: str
    content_type: str
    kind: str  # pdf | docx | txt, decided from the bytes
    size: int
    gridfs_id: PydanticObjectId  # the GridFS file
    status: ResumeStatus = ResumeStatus.pending
    error: dict[str, str] | None = None  # {code, message} when parsing failed
    text: str | None = None
    parsed: dict[str, Any] | None = None  # skills, skill_evidence, years_experience, education, contact, positions...
    skills: list[str] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)  # normalised search terms, multikey-indexed
    ats_report: dict[str, Any] | None = None  # the latest /analyze result (private to the owner)
    # what ranking reads: evidence lines, positions, sentence vectors, gaming flags (matching/profile.py)
    profile: dict[str, Any] | None = None
    applied_job_ids: list[str] = Field(default_factory=list)  # jobs it was sent to: ranking queries this
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    processed_at: datetime | None = None

    class Settings:
        name = "resumes"
        indexes = [
            IndexModel([("owner_id", ASCENDING), ("created_at", DESCENDING)]),
            IndexModel([("keywords", ASCENDING)]),
            IndexModel([("status", ASCENDING)]),
            IndexModel([("applied_job_ids", ASCENDING)]),
        ]
