"""Cached match results, and voluntarily disclosed demographics (kept apart from everything scored)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from beanie import Document, Insert, Replace, Save, SaveChanges, before_event
from pydantic import Field
from pymongo import ASCENDING, IndexModel

from candidatex.core.crypto import BSON_ENCODERS, EncryptedStr, mark_sensitive
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
