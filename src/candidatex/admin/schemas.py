from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, model_validator

from candidatex.audit.models import AuditLog
from candidatex.core.schemas import PersonName
from candidatex.users.models import Role, UserStatus


class AdminCreateUserIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    email: EmailStr = Field(max_length=254)
    password: str = Field(min_length=1, max_length=128)
    full_name: PersonName
    role: Role


class AdminUpdateUserIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Role | None = None
    status: Literal["active", "suspended", "deactivated"] | None = None
    is_active: bool | None = Field(default=None, description="the spec's form: false deactivates, true reactivates")

    @model_validator(mode="after")
    def one_status(self) -> AdminUpdateUserIn:
        if self.is_active is not None:
            implied: Literal["active", "deactivated"] = "active" if self.is_active else "deactivated"
            if self.status is not None and self.status != implied:
                raise ValueError("status and is_active disagree")
            self.status = implied
        return self


class AuditLogOut(BaseModel):
    id: str
    actor_id: str | None
    actor_email: str | None
    action: str
    target_type: str | None
    target_id: str | None
    outcome: str
    ip: str | None
    user_agent: str | None
    details: dict[str, Any]
    created_at: datetime

    @classmethod
    def of(cls, entry: AuditLog) -> AuditLogOut:
        return cls(id=str(entry.id), **entry.model_dump(include={"actor_id", "actor_email", "action", "target_type",
                                                                 "target_id", "outcome", "ip", "user_agent",
                                                                 "details", "created_at"}))


class DashboardStats(BaseModel):
    users_total: int
    users_by_role: dict[str, int]
    users_by_status: dict[str, int]
    signups_last_7_days: int
    logins_last_24h: int
    failed_logins_last_24h: int
    lockouts_last_24h: int
    extra: dict[str, Any] = Field(default_factory=dict, description="counts from other domains (interviews, jobs)")


UserStatusFilter = UserStatus
