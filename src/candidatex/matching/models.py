"""Cached match results, and voluntarily disclosed demographics (kept apart from everything scored)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from beanie import Document
from pydantic import Field
from pymongo import ASCENDING, IndexModel

from candidatex.core.timeutil import utcnow


class MatchResult(Document):
    """One computed ranking: kind "job" (applicants of subject_id) or "candidate" (jobs for subject_id)."""

    kind: str
    subject_id: str
    fingerprint: str  # a hash of every input; a different hash means the result is stale
    items: list[dict[str, Any]] = Field(default_factory=list)
    unscored: list[dict[str, Any]] = Field(default_factory=list)
    weights: dict[str, float] = Field(default_factory=dict)
    computed_at: datetime = Field(default_factory=utcnow)
    duration_ms: float = 0.0

    class Settings:
        name = "match_results"
        indexes = [IndexModel([("kind", ASCENDING), ("subject_id", ASCENDING)], unique=True)]


class Demographics(Document):
    """Self-reported and optional; read only by the fairness audit, never by scoring or recruiters' views."""

    user_id: str
    gender: str | None = None
    ethnicity: str | None = None
    age_band: str | None = None
    disability: str | None = None
    veteran: str | None = None
    updated_at: datetime = Field(default_factory=utcnow)

    class Settings:
        name = "demographics"
        indexes = [IndexModel([("user_id", ASCENDING)], unique=True)]
