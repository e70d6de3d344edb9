from __future__ import annotations

from datetime import datetime

from beanie import Document
from pydantic import Field
from pymongo import ASCENDING, IndexModel

from candidatex.core.timeutil import utcnow


class RefreshTokenFamily(Document):
    """One login session: its refresh tokens rotate; a reused old one revokes the whole family."""

    user_id: str
    current_hash: str
    used_hashes: list[str] = Field(default_factory=list)
    revoked: bool = False
    revoked_reason: str | None = None
    ip: str | None = None
    user_agent: str | None = None
    created_at: datetime = Field(default_factory=utcnow)
    last_used_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime

    class Settings:
        name = "refresh_token_families"
        indexes = [
            IndexModel([("user_id", ASCENDING), ("revoked", ASCENDING)]),
            IndexModel([("expires_at", ASCENDING)], expireAfterSeconds=0),
        ]


class ActionToken(Document):
    """Single-use tokens mailed to users (password reset, email verification); only their hash is stored."""

    purpose: str  # reset_password | verify_email
    token_hash: str
    user_id: str
    used_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime

    class Settings:
        name = "action_tokens"
        indexes = [
            IndexModel([("token_hash", ASCENDING)], unique=True),
            IndexModel([("expires_at", ASCENDING)], expireAfterSeconds=0),
        ]


class LoginThrottle(Document):
    """Failed sign-ins of one (email, client address) pair: the pair backs off, the owner elsewhere does not.

    Keyed by a hash of the email, so unknown emails back off exactly like real ones (nothing to tell apart).
    """

    key: str
    failures: int = 0
    blocked_until: datetime | None = None
    expires_at: datetime

    class Settings:
        name = "login_throttle"
        indexes = [
            IndexModel([("key", ASCENDING)], unique=True),
            IndexModel([("expires_at", ASCENDING)], expireAfterSeconds=0),
        ]
