"""Access tokens (short-lived RS256 JWT), 2FA challenge tokens and rotating refresh tokens with reuse detection.

Revocation is durable: a session (refresh-token family) revoked in MongoDB stays revoked; the denylist store
(Redis or memory) is only a cache in front of it, so neither an app restart nor a Redis that lost its data
brings a logged-out token back.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta

import jwt
from bson import ObjectId
from litestar.exceptions import ImproperlyConfiguredException, NotAuthorizedException
from litestar.security.jwt import Token
from litestar.stores.base import Store

from candidatex.auth import store
from candidatex.auth.keys import ALGORITHM, SigningKeys
from candidatex.auth.models import ActionToken, RefreshTokenFamily
from candidatex.core.resilience import exists_any
from candidatex.core.timeutil import as_utc, utcnow

ISSUER = "candidatex-api"
ACCESS_AUDIENCE = "candidatex:access"
CHALLENGE_AUDIENCE = "candidatex:2fa"
LIVE_FAMILY_TTL_SECONDS = 2.0
VERIFIED_TOKENS_MAX = 20_000  # a bound on the per-process cache of verified signatures, not an eviction policy
CHALLENGE_PURPOSE = "2fa_challenge"  # a spent challenge is an ActionToken (unique hash: spent once)


def _stored_id(family: RefreshTokenFamily) -> ObjectId:
    """A family read from the database has its id; one that was never stored cannot be rotated or revoked."""
    if family.id is None:
        raise NotAuthorizedException("Invalid refresh token")
    return family.id


def _own_copy(token: Token) -> Token:
    """A copy the caller may change without changing the cached claims (no re-validation: it was verified)."""
    mine = copy.copy(token)
    mine.extras = dict(token.extras)
    return mine


def sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


@dataclass
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int
    session_id: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth2 token type, not a secret


class RefreshReuse(Exception):
    """A rotated refresh token came back: the family is revoked."""


class TokenService:
    def __init__(self, keys: SigningKeys, access_minutes: int, refresh_days: int, denylist: Store) -> None:
        self.keys = keys
        self.access_ttl = timedelta(minutes=access_minutes)
        self.refresh_ttl = timedelta(days=refresh_days)
        self.denylist = denylist
        self._live_families: dict[str, float] = {}  # session family id -> when MongoDB last said it is live
        # (audience, exact token text) -> (its claims, expiry as a timestamp): a token's signature, issuer and
        # audience cannot change, so each is verified once per process; expiry is checked on every use and
        # revocation is not cached here (is_revoked runs for every request)
        self._verified: dict[tuple[str, str], tuple[Token, float]] = {}

    def _sign(self, claims: dict) -> str:
        now = utcnow()
        payload = {"iss": ISSUER, "iat": int(now.timestamp()), "jti": uuid.uuid4().hex, **claims}
        return jwt.encode(payload, self.keys.signing_key, algorithm=ALGORITHM, headers={"kid": self.keys.kid})

    def access_token(self, user_id: str, role: str, session_id: str, email: str) -> str:
        # the spec's claims (sub, email, role, iss) at the top; `extras` keeps what our own readers use
        return self._sign({"sub": user_id, "email": email, "role": role, "aud": ACCESS_AUDIENCE,
                           "exp": int((utcnow() + self.access_ttl).timestamp()),
                           "extras": {"role": role, "sid": session_id}})

    def challenge_token(self, user_id: str) -> str:
        return self._sign({"sub": user_id, "aud": CHALLENGE_AUDIENCE,
                           "exp": int((utcnow() + timedelta(minutes=5)).timestamp())})

    def decode(self, encoded: str, audience: str) -> Token:
        key = (audience, encoded)
        hit = self._verified.get(key)
        if hit is not None:
            if hit[1] > time.time():  # PyJWT's rule: valid while exp is in the future
                return _own_copy(hit[0])
            del self._verified[key]
        try:
            # the parsed key: PyJWT would otherwise parse the PEM again for every token
            token = Token.decode(encoded, self.keys.verifying_key, ALGORITHM, audience=audience,  # type: ignore[arg-type]
                                 issuer=ISSUER, require_claims=["exp", "sub", "jti", "iss"])
        except (NotAuthorizedException, ImproperlyConfiguredException) as exc:
            raise NotAuthorizedException("Invalid or expired token") from exc
        if len(self._verified) >= VERIFIED_TOKENS_MAX:
            self._verified.clear()
        self._verified[key] = (token, as_utc(token.exp).timestamp())
        return _own_copy(token)

    async def challenge_spent(self, token: Token) -> bool:
        return await ActionToken.find_one({"token_hash": sha256(str(token.jti or "")),
                                           "purpose": CHALLENGE_PURPOSE}) is not None

    async def spend_challenge(self, token: Token) -> bool:
        """True for the first use of a challenge token; the unique hash index refuses every later one."""
        return await store.insert_action_token(CHALLENGE_PURPOSE, sha256(str(token.jti or "")), token.sub or "",
                                               as_utc(token.exp) + timedelta(minutes=1), used_at=utcnow())

    # refresh tokens: "<family id>.<secret>"; only the hash of the current secret is stored
    async def start_family(self, user_id: str, ip: str | None, user_agent: str | None) -> tuple[RefreshTokenFamily, str]:
        secret = secrets.token_urlsafe(32)
        family = RefreshTokenFamily(user_id=user_id, current_hash=sha256(secret), ip=ip,
                                    user_agent=(user_agent or "")[:256], expires_at=utcnow() + self.refresh_ttl)
        await store.insert_family(family)
        return family, f"{family.id}.{secret}"

    async def rotate(self, refresh_token: str) -> tuple[RefreshTokenFamily, str]:
        family, secret = await self._family_of(refresh_token)
        presented = sha256(secret)
        new_secret = secrets.token_urlsafe(32)
        rotated = await store.rotate_family(_stored_id(family), presented, sha256(new_secret))
        if rotated is not None:
            return rotated, f"{family.id}.{new_secret}"
        # not rotated: find out why from the family as it is now (another request may have just rotated it)
        current = await RefreshTokenFamily.get(family.id)
        if current is None or current.revoked or as_utc(current.expires_at) <= utcnow():
            raise NotAuthorizedException("Session has ended; log in again")
        if presented in current.used_hashes:
            await self.revoke_family(current, "refresh_token_reuse")
            raise RefreshReuse(str(family.id))
        raise NotAuthorizedException("Invalid refresh token")

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

    async def _cache_revoked(self, family_id: str) -> None:
        self._live_families.pop(family_id, None)
        await self.denylist.set(f"sid:{family_id}", "1", expires_in=int(self.access_ttl.total_seconds()) + 60)

    async def revoke_family(self, family: RefreshTokenFamily, reason: str) -> None:
        await self.revoke_family_id(_stored_id(family), reason)
        family.revoked = True

    async def revoke_family_id(self, family_id: ObjectId, reason: str) -> None:
        await store.revoke_family(family_id, reason)  # durable first: the cache below can be lost
        await self._cache_revoked(str(family_id))

    async def revoke_all(self, user_id: str, reason: str) -> int:
        family_ids = await store.live_family_ids(user_id)
        for family_id in family_ids:
            await self.revoke_family_id(family_id, reason)
        return len(family_ids)

    async def deny_access_token(self, token: Token) -> None:
        remaining = int((as_utc(token.exp) - utcnow()).total_seconds()) + 1
        if remaining > 0 and token.jti:
            await self.denylist.set(f"jti:{token.jti}", "1", expires_in=remaining)

    @staticmethod
    def _denylist_keys(token: Token) -> list[str]:
        """The token itself (logged out) and its whole session (revoked)."""
        sid = token.extras.get("sid")
        return [f"jti:{token.jti}", f"sid:{sid}"] if token.jti else [f"sid:{sid}"]

    def denylist_redis_keys(self, token: Token, redis: object) -> list[str] | None:
        """The token's denylist entries as keys of ``redis`` (for a script that reads them in a round trip it
        makes anyway), or None when the denylist is not kept on that client."""
        store_redis = getattr(self.denylist, "_redis", None)
        if store_redis is None or store_redis is not redis or not token.extras.get("sid"):
            return None
        return [self.denylist._make_key(key) for key in self._denylist_keys(token)]  # type: ignore[attr-defined]  # noqa: SLF001

    async def is_revoked(self, token: Token, denied: bool | None = None) -> bool:
        """``denied``: whether the token's denylist entries exist, already read by the caller's own round trip
        (denylist_redis_keys); None: read them here."""
        sid = token.extras.get("sid")
        if not sid:
            return True  # every access token we issue belongs to a session
        # the token itself (logged out) or its whole session (revoked): both keys in one round trip
        if denied is None:
            denied = await exists_any(self.denylist, self._denylist_keys(token))
        if denied:
            return True
        # the durable check behind the denylist, at most once per LIVE_FAMILY_TTL_SECONDS per process: a
        # revocation writes the denylist first, so only a lost denylist entry waits that long to be seen again
        checked = self._live_families.get(str(sid))
        if checked is not None and time.monotonic() - checked < LIVE_FAMILY_TTL_SECONDS:
            return False
        if not await store.family_is_live(str(sid)):
            self._live_families.pop(str(sid), None)
            await self._cache_revoked(str(sid))  # the cache had lost it (restart, Redis flush): refill
            return True
        if len(self._live_families) >= 50_000:
            self._live_families.clear()
        self._live_families[str(sid)] = time.monotonic()
        return False
