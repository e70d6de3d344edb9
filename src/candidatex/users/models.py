from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from beanie import Document, Indexed, Insert, Replace, Save, SaveChanges, before_event
from pydantic import Field
from pymongo import ASCENDING, IndexModel

from candidatex.core.crypto import BSON_ENCODERS, EncryptedStr, mark_sensitive
from candidatex.core.timeutil import utcnow


class Role(StrEnum):
    candidate = "candidate"
    recruiter = "recruiter"
    admin = "admin"


class UserStatus(StrEnum):
    active = "active"
    suspended = "suspended"
    deactivated = "deactivated"
    deleted = "deleted"


class User(Document):
    email: Indexed(str, unique=True)  # type: ignore[valid-type]
    full_name: str
    role: Role = Role.candidate
    status: UserStatus = UserStatus.active
    password_hash: str
    email_verified: bool = False
    phone: EncryptedStr | None = None  # AES-GCM at rest (core/crypto.py)
    headline: str | None = None
    location: str | None = None
    # security state
    failed_login_attempts: int = 0
    locked_until: datetime | None = None
    password_changed_at: datetime = Field(default_factory=utcnow)
    totp_secret: EncryptedStr | None = None  # sealed like phone: a database dump does not hand out second factors
    totp_pending_secret: EncryptedStr | None = None
    totp_enabled: bool = False
    totp_last_step: int = 0
    backup_code_hashes: list[str] = Field(default_factory=list)
    last_login_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)

    @before_event(Insert, Replace, Save, SaveChanges)
    def _seal_sensitive(self) -> None:
        mark_sensitive(self, ("phone", "totp_secret", "totp_pending_secret"))  # assigned values are plain str until they are marked for sealing

    class Settings:
        name = "users"
        projection = None  # the whole document, not each field by name (as InterviewSession's reads)
        bson_encoders = BSON_ENCODERS
        indexes = [
            IndexModel([("role", ASCENDING), ("status", ASCENDING)]),
            IndexModel([("created_at", ASCENDING)]),
        ]


def own_side(user: User) -> dict[str, str]:
    """The query filter for documents between a candidate and a recruiter (applications, screenings): a candidate
    or a recruiter sees the ones naming them; an admin sees all."""
    if user.role == Role.candidate:
        return {"candidate_id": str(user.id)}
    if user.role == Role.recruiter:
        return {"recruiter_id": str(user.id)}
    return {}
