"""Stored evidence: the JPEG thumbnail of the frame behind a vision strike (about 5 KB each)."""

from __future__ import annotations

from datetime import datetime

from beanie import Document
from pydantic import Field
from pymongo import ASCENDING, IndexModel

from candidatex.core.timeutil import utcnow


class AntiCheatSnapshot(Document):
    session_id: str
    kind: str
    content_type: str = "image/jpeg"
    data: bytes
    created_at: datetime = Field(default_factory=utcnow)

    class Settings:
        name = "anti_cheat_snapshots"
        indexes = [IndexModel([("session_id", ASCENDING), ("created_at", ASCENDING)])]
