from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, delete, get, post, put
from litestar.security.jwt import Token

from candidatex.auth.guards import requires
from candidatex.auth.schemas import SessionOut
from candidatex.core.request import meta_of
from candidatex.core.schemas import ObjectIdPath, Envelope, ok
from candidatex.users.models import User
from candidatex.users.schemas import (
    BackupCodesOut,
    ChangePasswordIn,
    DeleteMeIn,
    TwoFactorCodeIn,
    TwoFactorDisableIn,
    TwoFactorSetupOut,
    UpdateMeIn,
    UserOut,
)
from candidatex.account.service import AccountService

AuthedRequest = Request[User, Token, Any]


class MeController(Controller):
    path = "/users/me"
    tags = ["users"]
    guards = [requires("profile")]

    @get("/")
    async def read_me(self, request: AuthedRequest) -> Envelope[UserOut]:
        return ok(UserOut.of(request.user))

    @put("/")
    async def update_me(self, request: AuthedRequest, data: UpdateMeIn, account_service: AccountService) -> Envelope[UserOut]:
        user = await account_service.update_profile(request.user, data.model_dump(exclude_unset=True), meta_of(request))
        return ok(UserOut.of(user), "Profile saved")

    @get("/export")
    async def export_me(self, request: AuthedRequest,
                        account_service: AccountService) -> Response[Envelope[dict[str, Any]]]:
        """Everything stored about you, as a JSON download (data portability)."""
        data = await account_service.export(request.user, meta_of(request))
        return Response(ok(data, "Your data export"), headers={
            "Content-Disposition": f'attachment; filename="candidatex-export-{request.user.id}.json"',
            "Cache-Control": "no-store"})

    @delete("/", status_code=200)
    async def delete_me(self, request: AuthedRequest, data: DeleteMeIn, account_service: AccountService) -> Envelope[None]:
        await account_service.erase(request.user, data.password, meta_of(request))
        return ok(None, "Your account and personal data were erased")

    @put("/password")
    async def change_password(self, request: AuthedRequest, data: ChangePasswordIn,
                              account_service: AccountService) -> Envelope[None]:
        await account_service.change_password(request.user, data.current_password, data.new_password, meta_of(request))
        return ok(None, "Password changed; other sessions were signed out")

    @post("/2fa/setup", status_code=200)
    async def two_factor_setup(self, request: AuthedRequest, account_service: AccountService) -> Envelope[TwoFactorSetupOut]:
        secret, uri, qr = await account_service.start_two_factor(request.user, meta_of(request))
        return ok(TwoFactorSetupOut(secret=secret, otpauth_uri=uri, qr_code=qr), "Scan the code, then confirm a code")

    @post("/2fa/enable", status_code=200)
    async def two_factor_enable(self, request: AuthedRequest, data: TwoFactorCodeIn,
                                account_service: AccountService) -> Envelope[BackupCodesOut]:
        codes = await account_service.enable_two_factor(request.user, data.code, meta_of(request))
        return ok(BackupCodesOut(backup_codes=codes), "Two-factor authentication is on; keep the backup codes safe")

    @post("/2fa/disable", status_code=200)
    async def two_factor_disable(self, request: AuthedRequest, data: TwoFactorDisableIn,
                                 account_service: AccountService) -> Envelope[None]:
        await account_service.disable_two_factor(request.user, data.password, data.code, meta_of(request))
        return ok(None, "Two-factor authentication is off")

    @get("/sessions")
    async def list_sessions(self, request: AuthedRequest, account_service: AccountService) -> Envelope[list[SessionOut]]:
        current = request.auth.extras.get("sid")
        families = await account_service.sessions(request.user)
        return ok([SessionOut(id=str(f.id), ip=f.ip, user_agent=f.user_agent, created_at=f.created_at,
                              last_used_at=f.last_used_at, current=str(f.id) == current) for f in families])

    @delete("/sessions/{session_id:str}", status_code=200)
    async def revoke_session(self, request: AuthedRequest, session_id: ObjectIdPath,
                             account_service: AccountService) -> Envelope[None]:
        await account_service.revoke_session(request.user, session_id, meta_of(request))
        return ok(None, "Session ended")
