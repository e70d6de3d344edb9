"""Litestar's JWT auth, taught to read `?token=` on WebSockets (browsers cannot set headers there)."""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException
from litestar.middleware import AuthenticationResult
from litestar.security.jwt import JWTAuth, JWTAuthenticationMiddleware, Token

from candidatex.auth.keys import ALGORITHM, SigningKeys
from candidatex.auth.tokens import ACCESS_AUDIENCE, ISSUER, TokenService
from candidatex.core.middleware import DEFERRED_CHECK, DeferredCheck, shared_windows_redis
from candidatex.users import store as user_store
from candidatex.users.models import User, UserStatus

PUBLIC_PATHS = ["^/health", "^/.well-known", "^/metrics", "^/schema", "^/$", "^/assets", "^/static", "^/manifest", "^/sw.js",
                "^/favicon", "^/icons"]


class HeaderOrQueryTokenMiddleware(JWTAuthenticationMiddleware):
    async def authenticate_request(self, connection: ASGIConnection[Any, Any, Any, Any]) -> AuthenticationResult:
        if connection.scope["type"] == "websocket" and not connection.headers.get(self.auth_header):
            token = connection.query_params.get("token")
            if not token:
                raise NotAuthorizedException("No token: pass ?token=<access token>")
            return await self.authenticate_token(encoded_token=token, connection=connection)
        return await super().authenticate_request(connection)

    async def authenticate_token(self, encoded_token: str,
                                 connection: ASGIConnection[Any, Any, Any, Any]) -> AuthenticationResult:
        """Litestar's checks, with the signature verified once per token and process (TokenService.decode); the
        user and the revocation are still looked up on every request."""
        tokens: TokenService = connection.app.state.tokens
        token = tokens.decode(encoded_token, ACCESS_AUDIENCE)
        user = await retrieve_user(token, connection)
        if user is None:
            raise NotAuthorizedException()
        # the denylist is read on every request: here, or by the rate limiter's Redis script in the same round
        # trip that spends the request's budgets (core/middleware.py), before any handler runs
        keys = tokens.denylist_redis_keys(token, shared_windows_redis(connection.scope))
        if keys is not None:
            async def settle(present: int | None) -> None:
                if await tokens.is_revoked(token, denied=None if present is None else present > 0):
                    raise NotAuthorizedException()

            connection.scope.setdefault("state", {})[DEFERRED_CHECK] = DeferredCheck(keys, settle)
        elif await tokens.is_revoked(token):
            raise NotAuthorizedException()
        return AuthenticationResult(user=user, auth=token)


async def retrieve_user(token: Token, connection: ASGIConnection[Any, Any, Any, Any]) -> User | None:
    if not token.sub or len(token.sub) != 24:
        return None
    user = await user_store.get_for_request(token.sub, str(token.jti or ""))
    if user is None or user.status != UserStatus.active:
        return None
    return user


def build_jwt_auth(keys: SigningKeys) -> JWTAuth[User, Token]:
    async def is_revoked(token: Token, connection: ASGIConnection[Any, Any, Any, Any]) -> bool:
        tokens: TokenService = connection.app.state.tokens
        return await tokens.is_revoked(token)

    return JWTAuth[User, Token](
        token_secret=keys.public_pem,  # verification needs only the public key
        algorithm=ALGORITHM,
        accepted_issuers=[ISSUER],
        retrieve_user_handler=retrieve_user,
        revoked_token_handler=is_revoked,
        accepted_audiences=[ACCESS_AUDIENCE],
        require_claims=["exp", "sub", "jti", "iss"],
        authentication_middleware_class=HeaderOrQueryTokenMiddleware,
        exclude=PUBLIC_PATHS,
        description="Access token from /auth/login or /auth/register",
    )
