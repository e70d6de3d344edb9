"""Access tokens (short-lived JWT), 2FA challenge tokens and rotating refresh tokens with reuse detection."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

from litestar.exceptions import ImproperlyConfiguredException, NotAuthorizedException
from litestar.security.jwt import Token
from litestar.stores.base import Store

from candidatex.auth.models import RefreshTokenFamily
from candidatex.core.timeutil import as_utc, utcnow

ALGORITHM = "HS256"
ACCESS_AUDIENCE = "candidatex:access"
CHALLENGE_AUDIENCE = "candidatex:2fa"


def sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


@dataclass
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int
    session_id: str
    token_type: str = "bearer"


class RefreshReuse(Exception):
    """A rotated refresh token came back: the family is revoked."""


class TokenService:
    def __init__(self, secret: str, access_minutes: int, refresh_days: int, denylist: Store) -> None:
        self.secret = secret
        self.access_ttl = timedelta(minutes=access_minutes)
        self.refresh_ttl = timedelta(days=refresh_days)
        self.denylist = denylist

    def access_token(self, user_id: str, role: str, session_id: str) -> str:
        return Token(sub=user_id, exp=utcnow() + self.access_ttl, aud=ACCESS_AUDIENCE, jti=uuid.uuid4().hex,
                     extras={"role": role, "sid": session_id}).encode(self.secret, ALGORITHM)

    def challenge_token(self, user_id: str) -> str:
        return Token(sub=user_id, exp=utcnow() + timedelta(minutes=5), aud=CHALLENGE_AUDIENCE,
                     jti=uuid.uuid4().hex).encode(self.secret, ALGORITHM)

    def decode(self, encoded: str, audience: str) -> Token:
        try:
            return Token.decode(encoded, self.secret, ALGORITHM, audience=audience, require_claims=["exp", "sub", "jti"])
        except (NotAuthorizedException, ImproperlyConfiguredException) as exc:
            raise NotAuthorizedException("Invalid or expired token") from exc

    # refresh tokens: "<family id>.<secret>"; only the hash of the current secret is stored
    async def start_family(self, user_id: str, ip: str | None, user_agent: str | None) -> tuple[RefreshTokenFamily, str]:
        secret = secrets.token_urlsafe(32)
        family = RefreshTokenFamily(user_id=user_id, current_hash=sha256(secret), ip=ip,
                                    user_agent=(user_agent or "")[:256], expires_at=utcnow() + self.refresh_ttl)
        await family.insert()
        return family, f"{family.id}.{secret}"

    async def rotate(self, refresh_token: str) -> tuple[RefreshTokenFamily, str]:
        family, secret = await self._family_of(refresh_token)
        presented = sha256(secret)
        if family.revoked or as_utc(family.expires_at) <= utcnow():
            raise NotAuthorizedException("Session has ended; log in again")
        if not hmac.compare_digest(presented, family.current_hash):
            if presented in family.used_hashes:
                await self.revoke_family(family, "refresh_token_reuse")
                raise RefreshReuse(str(family.id))
            raise NotAuthorizedException("Invalid refresh token")
        new_secret = secrets.token_urlsafe(32)
        family.used_hashes = [*family.used_hashes[-49:], presented]
        family.current_hash = sha256(new_secret)
        family.last_used_at = utcnow()
        await family.save()
        return family, f"{family.id}.{new_secret}"

    async def family_of(self, refresh_token: str) -> RefreshTokenFamily:
        family, secret = await self._family_of(refresh_token)
        if not hmac.compare_digest(sha256(secret), family.current_hash):
            raise NotAuthorizedException("Invalid refresh token")
        return family

    async def _family_of(self, refresh_token: str) -> tuple[RefreshTokenFamily, str]:
        family_id, _, secret = (refresh_token or "").partition(".")
        family = None
        if secret and len(family_id) == 24 and all(c in "0123456789abcdef" for c in family_id):
            family = await RefreshTokenFamily.get(family_id)
        if family is None:
            raise NotAuthorizedException("Invalid refresh token")
        return family, secret

    async def revoke_family(self, family: RefreshTokenFamily, reason: str) -> None:
        if not family.revoked:
            family.revoked, family.revoked_reason = True, reason
            await family.save()
        # access tokens of this session stop working now, not when they expire
        await self.denylist.set(f"sid:{family.id}", "1", expires_in=int(self.access_ttl.total_seconds()) + 60)

    async def revoke_all(self, user_id: str, reason: str) -> int:
        families = await RefreshTokenFamily.find({"user_id": user_id, "revoked": False}).to_list()
        for family in families:
            await self.revoke_family(family, reason)
        return len(families)

    async def deny_access_token(self, token: Token) -> None:
        remaining = int((as_utc(token.exp) - utcnow()).total_seconds()) + 1
        if remaining > 0 and token.jti:
            await self.denylist.set(f"jti:{token.jti}", "1", expires_in=remaining)

    async def is_revoked(self, token: Token) -> bool:
        sid = token.extras.get("sid")
        if token.jti and await self.denylist.exists(f"jti:{token.jti}"):
            return True
        return bool(sid) and await self.denylist.exists(f"sid:{sid}")
