from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from candidatex.core.schemas import PersonName
from candidatex.users.schemas import UserOut


class Strict(BaseModel):
    # unknown fields are refused, and strings never coerce from objects: {"$ne": null} is a 422, not a query
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class RegisterIn(Strict):
    email: EmailStr = Field(max_length=254)
    password: str = Field(min_length=1, max_length=128)
    full_name: PersonName
    role: Literal["candidate", "recruiter"] = "candidate"


class LoginIn(Strict):
    email: EmailStr | None = Field(default=None, max_length=254)
    username: EmailStr | None = Field(default=None, max_length=254)
    password: str = Field(min_length=1, max_length=128)
    totp_code: str | None = Field(default=None, max_length=32)


class TwoFactorLoginIn(Strict):
    challenge_token: str = Field(min_length=10, max_length=2048)
    code: str = Field(min_length=6, max_length=32, description="a 6-digit TOTP code or a backup code")


class RefreshIn(Strict):
    refresh_token: str = Field(min_length=10, max_length=512)


class LogoutIn(Strict):
    refresh_token: str | None = Field(default=None, max_length=512)


class ForgotPasswordIn(Strict):
    email: EmailStr = Field(max_length=254)


class ResetPasswordIn(Strict):
    token: str = Field(min_length=10, max_length=256)
    new_password: str = Field(min_length=1, max_length=128)


class UnlockIn(Strict):
    token: str = Field(min_length=10, max_length=256)


class VerifyEmailIn(Strict):
    token: str = Field(min_length=10, max_length=256)


class TokensOut(BaseModel):
    access_token: str
    refresh_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth2 token type, not a secret
    expires_in: int
    user: UserOut


class TwoFactorChallengeOut(BaseModel):
    two_factor_required: Literal[True] = True
    challenge_token: str


class SessionOut(BaseModel):
    id: str
    ip: str | None
    user_agent: str | None
    created_at: datetime
    last_used_at: datetime
    current: bool
