from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from candidatex.core.schemas import DisplayText, PersonName
from candidatex.users.models import Role, User, UserStatus


class UserOut(BaseModel):
    id: str
    email: str
    full_name: str
    role: Role
    status: UserStatus
    email_verified: bool
    two_factor_enabled: bool
    phone: str | None = None
    headline: str | None = None
    location: str | None = None
    created_at: datetime
    last_login_at: datetime | None = None

    @classmethod
    def of(cls, user: User) -> UserOut:
        return cls(id=str(user.id), email=user.email, full_name=user.full_name, role=user.role, status=user.status,
                   email_verified=user.email_verified, two_factor_enabled=user.totp_enabled, phone=user.phone,
                   headline=user.headline, location=user.location, created_at=user.created_at,
                   last_login_at=user.last_login_at)


class UpdateMeIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    full_name: PersonName | None = None
    phone: str | None = Field(default=None, max_length=32, pattern=r"^\+?[0-9 ()\-]{5,32}$")
    headline: DisplayText | None = Field(default=None, max_length=160)
    location: DisplayText | None = Field(default=None, max_length=120)


class ChangePasswordIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    current_password: str = Field(min_length=1, max_length=128)
    new_password: str = Field(min_length=1, max_length=128)


class DeleteMeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    password: str = Field(min_length=1, max_length=128)


class TwoFactorSetupOut(BaseModel):
    secret: str
    otpauth_uri: str
    qr_code: str = Field(description="data: URL of an SVG QR code")


class TwoFactorCodeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(min_length=6, max_length=32)


class TwoFactorDisableIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    password: str = Field(min_length=1, max_length=128)
    code: str = Field(min_length=6, max_length=32)


class BackupCodesOut(BaseModel):
    backup_codes: list[str]
