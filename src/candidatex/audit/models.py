from __future__ import annotations

from datetime import datetime
from typing import Any

from beanie import Document
from pydantic import Field
from pymongo import ASCENDING, DESCENDING, IndexModel

from candidatex.core.timeutil import utcnow


class AuditLog(Document):
    actor_id: str | None = None
    actor_email: str | None = None
    action: str
    target_type: str | None = None
    target_id: str | None = None
    outcome: str = "success"  # success | failure | denied
    ip: str | None = None
    user_agent: str | None = None
    details: dict[str, Any] = Field(default_factory=dict)
    created_at: datetime = Field(default_factory=utcnow)
    # the TTL index removes the entry at this time; retention is a setting (AUDIT_RETENTION_DAYS)
    expires_at: datetime

    class Settings:
        name = "audit_logs"
        indexes = [
            IndexModel([("created_at", DESCENDING)]),
            IndexModel([("actor_id", ASCENDING), ("created_at", DESCENDING)]),
            IndexModel([("action", ASCENDING), ("created_at", DESCENDING)]),
            IndexModel([("expires_at", ASCENDING)], expireAfterSeconds=0),
        ]
