"""Cached match results, and voluntarily disclosed demographics (kept apart from everything scored)."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from beanie import Document, Insert, Replace, Save, SaveChanges, before_event
from pydantic import Field
from pymongo import ASCENDING, IndexModel

from candidatex.core.crypto import BSON_ENCODERS, EncryptedStr, mark_sensitive
from candidatex.core.timeutil import utcnow
from candidatex.jobs.models import Application

RANKING_COMPONENTS = ("skills", "experience", "education", "text_similarity", "career_consistency", "interview")


class MatchResult(Document):
    """One computed ranking: kind "job" (applicants of subject_id) or "candidate" (jobs for subject_id).

    A job's ranked applicants are RankingEntry documents of the run named ``run_id`` (so a ranking has no
    16 MB ceiling); ``items`` holds only a candidate's recommended jobs (at most a few dozen).
    """

    kind: str
    subject_id: str
    fingerprint: str = ""  # a hash of every input; a different hash means the result is stale
    items: list[dict[str, Any]] = Field(default_factory=list)
    unscored: list[dict[str, Any]] = Field(default_factory=list)
    weights: dict[str, float] = Field(default_factory=dict)
    computed_at: datetime | None = None
    duration_ms: float = 0.0
    run_id: str | None = None  # the run whose RankingEntry documents are current
    scored: int = 0
    applicants: int = 0
    inputs_version: int = 0  # bumped by every application and resume change (bump_ranking_inputs)
    synced_version: int = 0  # the inputs_version the entries reflect
    pending_after: int = 0  # applications marked (rank_pending, time_ns) after this are scored by the next sync
    context_key: str = ""  # a hash of what every score depends on (the job's matching fields, weights, model)
    interview_sessions: dict[str, str] = Field(default_factory=dict)  # candidate -> interview scored
    # per sort field ("total" and each component), {bin of 0.1 point: entries}: ranks and pages (histogram.py)
    histograms: dict[str, dict[str, int]] = Field(default_factory=dict)
    # the sync under way, which also holds the job's ranking lease: {run_id, done, total, percent, eta_seconds}
    progress: dict[str, Any] | None = None
    # a full run scored but still being written: {run_id, context_key, histograms, applicants, orders: per sort
    # the first PREVIEW_ENTRIES application ids, entries: those by id}, so the first pages of the new ranking
    # are served before its entries are stored
    preview: dict[str, Any] | None = None

    class Settings:
        name = "match_results"
        indexes = [IndexModel([("kind", ASCENDING), ("subject_id", ASCENDING)], unique=True)]


class RankingEntry(Document):
    """One applicant's score in one ranking run of a job, written when they apply (or their resume or the
    job changes). Stored slim (total, breakdown, flag codes); the rank and percentile come from the run's
    histograms and the reasons of a page are worked out again from the prepared profiles when it is read."""

    job_id: str
    run_id: str
    application_id: str
    candidate_id: str
    resume_id: str
    total: float
    rank: int = 0  # not stored: ranks move with every new applicant
    percentile: float = 0.0
    recommendation: str
    breakdown: dict[str, float] = Field(default_factory=dict)
    weights: dict[str, float] = Field(default_factory=dict)
    matched_skills: list[str] = Field(default_factory=list)
    missing_skills: list[str] = Field(default_factory=list)
    missing_required: list[str] = Field(default_factory=list)
    missing_preferred: list[str] = Field(default_factory=list)
    explanation: list[str] = Field(default_factory=list)
    reasons: list[dict[str, Any]] = Field(default_factory=list)  # {component, text, evidence: resume line}
    flags: list[dict[str, Any]] = Field(default_factory=list)  # {code, message}: hidden text, copied lines...
    flag_codes: list[str] = Field(default_factory=list)
    interview_session_id: str | None = None
    interview_score: float | None = None

    class Settings:
        name = "ranking_entries"
        # range filters on these (never sorts: histogram.py) serve a page
        indexes = [
            IndexModel([("job_id", ASCENDING), ("run_id", ASCENDING), ("application_id", ASCENDING)]),
            IndexModel([("job_id", ASCENDING), ("run_id", ASCENDING), ("total", ASCENDING)]),
            *(IndexModel([("job_id", ASCENDING), ("run_id", ASCENDING), (f"breakdown.{name}", ASCENDING)])
              for name in RANKING_COMPONENTS),
        ]  # every index costs each insert ~0.25 ms on SecantusDB: older runs are deleted by the first's prefix


class Demographics(Document):
    """Self-reported and optional; read only by the fairness audit, never by scoring or recruiters' views."""

    user_id: str
    # sealed at rest with AES-GCM (core/crypto.py); the fairness audit reads them through the model
    gender: EncryptedStr | None = None
    ethnicity: EncryptedStr | None = None
    age_band: EncryptedStr | None = None
    disability: EncryptedStr | None = None
    veteran: EncryptedStr | None = None
    updated_at: datetime = Field(default_factory=utcnow)

    @before_event(Insert, Replace, Save, SaveChanges)
    def _seal_sensitive(self) -> None:
        mark_sensitive(self, ("gender", "ethnicity", "age_band", "disability", "veteran"))

    class Settings:
        name = "demographics"
        bson_encoders = BSON_ENCODERS
        indexes = [IndexModel([("user_id", ASCENDING)], unique=True)]


async def bump_ranking_inputs(job_ids: list[str], applications: dict[str, Any] | None = None) -> None:
    """An input of these jobs' rankings changed (an application, a resume): their rankings are stale, and
    the ``applications`` matching that filter are marked to be scored again by the next sync."""
    if applications is not None:
        await Application.get_pymongo_collection().update_many(applications, {"$set": {"rank_pending": time.time_ns()}})
    for job_id in job_ids:
        await MatchResult.get_pymongo_collection().update_one(
            {"kind": "job", "subject_id": job_id}, {"$inc": {"inputs_version": 1}}, upsert=True)
