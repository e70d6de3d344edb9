from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.background_tasks import BackgroundTask
from litestar.security.jwt import Token
from pydantic import ValidationError

from candidatex.auth.schemas import (
    ForgotPasswordIn,
    LoginIn,
    LogoutIn,
    RefreshIn,
    RegisterIn,
    ResetPasswordIn,
    TokensOut,
    TwoFactorChallengeOut,
    TwoFactorLoginIn,
    UnlockIn,
    VerifyEmailIn,
)
from candidatex.auth.service import AuthService
from candidatex.auth.tokens import TokenPair
from candidatex.core.errors import InvalidInput
from candidatex.core.request import meta_of
from candidatex.core.schemas import Envelope, ok
from candidatex.users.models import Role, User
from candidatex.users.schemas import UserOut

PUBLIC = {"exclude_from_auth": True}


def tokens_out(user: User, pair: TokenPair) -> TokensOut:
    return TokensOut(access_token=pair.access_token, refresh_token=pair.refresh_token, token_type=pair.token_type,
                     expires_in=pair.expires_in, user=UserOut.of(user))


def validation_details(error: ValidationError) -> list[dict[str, str]]:
    return [{"field": ".".join(str(p) for p in e["loc"]) or "body", "message": e["msg"]} for e in error.errors()]


class AuthController(Controller):
    path = "/auth"
    tags = ["auth"]

    @post("/register", opt=PUBLIC, status_code=201)
    async def register(self, request: Request, data: RegisterIn, auth_service: AuthService) -> Envelope[TokensOut]:
        user, pair = await auth_service.register(data.email, data.password, data.full_name, Role(data.role),
                                                 meta_of(request))
        return ok(tokens_out(user, pair), "Account created; check your email to confirm it")

    @post("/login", opt=PUBLIC, status_code=200,
          description="JSON {email, password, totp_code?} or an OAuth2 password form (username, password).")
    async def login(self, request: Request, auth_service: AuthService) -> Envelope[TokensOut | TwoFactorChallengeOut]:
        try:
            if request.content_type[0] in ("application/x-www-form-urlencoded", "multipart/form-data"):
                raw: Any = {k: v for k, v in (await request.form()).items() if k in {"username", "password", "totp_code"}}
            else:
                raw = await request.json()
        except Exception as error:  # noqa: BLE001 - any undecodable body is the client's mistake
            raise InvalidInput("The request body is not valid JSON or form data") from error
        try:
            data = LoginIn.model_validate(raw if isinstance(raw, dict) else {})
        except ValidationError as error:
            raise InvalidInput("Check the highlighted fields", details=validation_details(error)) from error
        email = data.email or data.username
        if not email:
            raise InvalidInput("Email is required", details=[{"field": "email", "message": "Field required"}])
        user, result = await auth_service.login(email, data.password, meta_of(request), data.totp_code)
        if isinstance(result, str):
            return ok(TwoFactorChallengeOut(challenge_token=result), "Enter the code from your authenticator app")
        return ok(tokens_out(user, result), "Signed in")

    @post("/login/2fa", opt=PUBLIC, status_code=200)
    async def login_second_factor(self, request: Request, data: TwoFactorLoginIn,
                                  auth_service: AuthService) -> Envelope[TokensOut]:
        user, pair = await auth_service.login_second_factor(data.challenge_token, data.code, meta_of(request))
        return ok(tokens_out(user, pair), "Signed in")

    @post("/refresh", opt=PUBLIC, status_code=200,
          description="The refresh token as `Authorization: Bearer <refresh_token>` (the spec) or in the body.")
    async def refresh(self, request: Request, auth_service: AuthService,
                      data: RefreshIn | None = None) -> Envelope[TokensOut]:
        scheme, _, bearer = request.headers.get("authorization", "").partition(" ")
        refresh_token = data.refresh_token if data else (bearer.strip() if scheme.lower() == "bearer" else "")
        if not refresh_token:
            raise InvalidInput("Send the refresh token as a Bearer header or in the body",
                               details=[{"field": "refresh_token", "message": "Field required"}])
        user, pair = await auth_service.refresh(refresh_token[:512], meta_of(request))
        return ok(tokens_out(user, pair))

    @post("/logout", status_code=200)
    async def logout(self, request: Request[User, Token, Any], auth_service: AuthService,
                     data: LogoutIn | None = None) -> Envelope[None]:
        await auth_service.tokens.deny_access_token(request.auth)
        await auth_service.logout(request.user, request.auth.extras.get("sid"),
                                  data.refresh_token if data else None, meta_of(request))
        return ok(None, "Signed out")

    @post("/forgot-password", opt=PUBLIC, status_code=200)
    async def forgot_password(self, request: Request, data: ForgotPasswordIn,
                              auth_service: AuthService) -> Response[Envelope[None]]:
        # answered before any lookup: the time to answer is the same whether the email has an account
        return Response(ok(None, "If an account exists for this email, a reset link is on its way"),
                        background=BackgroundTask(auth_service.forgot_password, data.email, meta_of(request)))

    @post("/unlock", opt=PUBLIC, status_code=200, description="The link mailed after many failed sign-ins.")
    async def unlock(self, request: Request, data: UnlockIn, auth_service: AuthService) -> Envelope[None]:
        await auth_service.unlock(data.token, meta_of(request))
        return ok(None, "Your account is unlocked; sign in again")

    @post("/reset-password", opt=PUBLIC, status_code=200)
    async def reset_password(self, request: Request, data: ResetPasswordIn, auth_service: AuthService) -> Envelope[None]:
        await auth_service.reset_password(data.token, data.new_password, meta_of(request))
        return ok(None, "Password changed; sign in with the new one")

    @post("/verify-email", opt=PUBLIC, status_code=200)
    async def verify_email(self, request: Request, data: VerifyEmailIn, auth_service: AuthService) -> Envelope[UserOut]:
        user = await auth_service.verify_email(data.token, meta_of(request))
        return ok(UserOut.of(user), "Email confirmed")


@get("/.well-known/jwks.json", opt=PUBLIC, tags=["auth"], sync_to_thread=False,
     description="Public keys that verify our access tokens (RS256), for other services.")
def jwks(request: Request) -> dict[str, Any]:
    return request.app.state.tokens.keys.jwks()
