"""Account flows: register, login (with lockout and 2FA), refresh rotation, logout, password reset, verification."""

from __future__ import annotations

import secrets
from datetime import timedelta

from litestar.exceptions import NotAuthorizedException

from candidatex.audit.service import AuditService, RequestMeta
from candidatex.auth import totp
from candidatex.auth.models import ActionToken, RefreshTokenFamily
from candidatex.auth.passwords import hash_password, password_problems, verify_password
from candidatex.auth.tokens import CHALLENGE_AUDIENCE, RefreshReuse, TokenPair, TokenService, sha256
from candidatex.config import Settings
from candidatex.core.errors import Conflict, InvalidInput, TooMany, Unauthorized
from candidatex.core.mailer import Mailer
from candidatex.core.timeutil import as_utc, utcnow
from candidatex.users.models import Role, User, UserStatus

BAD_CREDENTIALS = "Email or password is incorrect"


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_password_policy(password: str, email: str, field: str = "password") -> None:
    problems = password_problems(password, email)
    if problems:
        raise InvalidInput("Password is too weak", code="weak_password",
                           details=[{"field": field, "message": "Password " + p} for p in problems])


class AuthService:
    def __init__(self, settings: Settings, tokens: TokenService, audit: AuditService, mailer: Mailer) -> None:
        self.settings = settings
        self.tokens = tokens
        self.audit = audit
        self.mailer = mailer

    async def create_user(self, email: str, password: str, full_name: str, role: Role,
                          email_verified: bool = False) -> User:
        email = normalise_email(email)
        check_password_policy(password, email)
        if await User.find_one(User.email == email):
            raise Conflict("An account with this email already exists", code="email_taken")
        user = User(email=email, full_name=full_name, role=role, password_hash=await hash_password(password),
                    email_verified=email_verified)
        await user.insert()
        return user

    async def register(self, email: str, password: str, full_name: str, role: Role, meta: RequestMeta) -> tuple[User, TokenPair]:
        if role == Role.admin:  # admins come only from the CLI or another admin
            raise InvalidInput("Role must be candidate or recruiter", details=[{"field": "role", "message": "not allowed"}])
        user = await self.create_user(email, password, full_name, role)
        await self.audit.record("user.register", meta=meta, actor_id=str(user.id), actor_email=user.email,
                                target_type="user", target_id=str(user.id), details={"role": role})
        await self.send_verification(user)
        return user, await self._issue(user, meta)

    async def login(self, email: str, password: str, meta: RequestMeta, totp_code: str | None = None) -> tuple[User, TokenPair | str]:
        """Returns tokens, or a challenge token when the account has 2FA and no code was given."""
        user = await User.find_one(User.email == normalise_email(email))
        now = utcnow()
        if user and user.locked_until and as_utc(user.locked_until) > now:
            await self.audit.record("auth.login", meta=meta, actor_id=str(user.id), actor_email=user.email,
                                    outcome="denied", details={"reason": "locked"})
            retry = int((as_utc(user.locked_until) - now).total_seconds()) + 1
            raise TooMany("Too many failed attempts; the account is locked for a while", code="account_locked",
                          headers={"Retry-After": str(retry)}, details={"retry_after_seconds": retry})
        valid = await verify_password(user.password_hash if user else None, password)
        if not user or not valid:
            await self._failed_login(user, email, meta)
            raise Unauthorized(BAD_CREDENTIALS, code="invalid_credentials")
        if user.status != UserStatus.active:
            await self.audit.record("auth.login", meta=meta, actor_id=str(user.id), outcome="denied",
                                    details={"reason": user.status})
            raise Unauthorized("This account is not active", code="account_inactive")
        if user.totp_enabled:
            if not totp_code:
                return user, self.tokens.challenge_token(str(user.id))
            await self._check_second_factor(user, totp_code, meta)
        return user, await self._complete_login(user, meta)

    async def login_second_factor(self, challenge_token: str, code: str, meta: RequestMeta) -> tuple[User, TokenPair]:
        try:
            token = self.tokens.decode(challenge_token, CHALLENGE_AUDIENCE)
        except NotAuthorizedException as exc:
            raise Unauthorized("The sign-in step expired; enter your password again", code="challenge_invalid") from exc
        user = await User.get(token.sub)
        if not user or user.status != UserStatus.active or not user.totp_enabled:
            raise Unauthorized("The sign-in step expired; enter your password again", code="challenge_invalid")
        if user.locked_until and as_utc(user.locked_until) > utcnow():
            raise TooMany("Too many failed attempts; the account is locked for a while", code="account_locked")
        await self._check_second_factor(user, code, meta)
        return user, await self._complete_login(user, meta)

    async def _check_second_factor(self, user: User, code: str, meta: RequestMeta) -> None:
        step = totp.matching_step(user.totp_secret or "", code, user.totp_last_step)
        if step is not None:
            # atomic compare-and-set: the same code presented twice at once is accepted only once
            result = await User.get_pymongo_collection().update_one(
                {"_id": user.id, "totp_last_step": {"$lt": step}}, {"$set": {"totp_last_step": step}})
            if result.modified_count == 1:
                user.totp_last_step = step
                return
        code_hash = totp.hash_backup_code(code, self.settings.secret_key)
        if code_hash in user.backup_code_hashes:
            result = await User.get_pymongo_collection().update_one(
                {"_id": user.id, "backup_code_hashes": code_hash}, {"$pull": {"backup_code_hashes": code_hash}})
            if result.modified_count == 1:
                user.backup_code_hashes.remove(code_hash)
                await self.audit.record("auth.backup_code_used", meta=meta, actor_id=str(user.id))
                return
        await self._failed_login(user, user.email, meta, reason="bad_second_factor")
        raise Unauthorized("The code is wrong or was already used", code="invalid_2fa_code")

    async def _failed_login(self, user: User | None, email: str, meta: RequestMeta, reason: str = "bad_password") -> None:
        if user:
            user.failed_login_attempts += 1
            if user.failed_login_attempts >= self.settings.login_max_attempts:
                user.locked_until = utcnow() + timedelta(minutes=self.settings.lockout_minutes)
                user.failed_login_attempts = 0
                await self.audit.record("auth.lockout", meta=meta, actor_id=str(user.id), actor_email=user.email,
                                        target_type="user", target_id=str(user.id), outcome="denied")
            await user.save()
        await self.audit.record("auth.login", meta=meta, actor_id=str(user.id) if user else None,
                                actor_email=normalise_email(email)[:254], outcome="failure", details={"reason": reason})

    async def _complete_login(self, user: User, meta: RequestMeta) -> TokenPair:
        user.failed_login_attempts, user.locked_until, user.last_login_at = 0, None, utcnow()
        await user.save()
        await self.audit.record("auth.login", meta=meta, actor_id=str(user.id), actor_email=user.email)
        return await self._issue(user, meta)

    async def _issue(self, user: User, meta: RequestMeta) -> TokenPair:
        family, refresh = await self.tokens.start_family(str(user.id), meta.ip, meta.user_agent)
        return TokenPair(access_token=self.tokens.access_token(str(user.id), user.role, str(family.id)),
                         refresh_token=refresh, expires_in=int(self.tokens.access_ttl.total_seconds()),
                         session_id=str(family.id))

    async def refresh(self, refresh_token: str, meta: RequestMeta) -> tuple[User, TokenPair]:
        try:
            family, new_refresh = await self.tokens.rotate(refresh_token)
        except RefreshReuse as reuse:
            await self.audit.record("auth.refresh_reuse", meta=meta, target_type="session", target_id=str(reuse),
                                    outcome="denied")
            raise Unauthorized("This session was ended because a used refresh token was presented again",
                               code="refresh_token_reused") from reuse
        except NotAuthorizedException as exc:
            raise Unauthorized(exc.detail, code="invalid_refresh_token") from exc
        user = await User.get(family.user_id)
        if not user or user.status != UserStatus.active:
            await self.tokens.revoke_family(family, "user_inactive")
            raise Unauthorized("This account is not active", code="account_inactive")
        return user, TokenPair(access_token=self.tokens.access_token(str(user.id), user.role, str(family.id)),
                               refresh_token=new_refresh, expires_in=int(self.tokens.access_ttl.total_seconds()),
                               session_id=str(family.id))

    async def logout(self, user: User, session_id: str | None, refresh_token: str | None, meta: RequestMeta) -> None:
        family = await RefreshTokenFamily.get(session_id) if session_id else None
        if refresh_token:
            try:
                family = await self.tokens.family_of(refresh_token)
            except NotAuthorizedException:
                pass
        if family and family.user_id == str(user.id):
            await self.tokens.revoke_family(family, "logout")
        await self.audit.record("auth.logout", meta=meta, actor_id=str(user.id), actor_email=user.email)

    async def _new_action_token(self, user: User, purpose: str, ttl: timedelta) -> str:
        raw = secrets.token_urlsafe(32)
        await ActionToken(purpose=purpose, token_hash=sha256(raw), user_id=str(user.id),
                          expires_at=utcnow() + ttl).insert()
        return raw

    async def _use_action_token(self, raw: str, purpose: str) -> User:
        # find-and-mark in one step, so a token works exactly once even under concurrent use
        doc = await ActionToken.get_pymongo_collection().find_one_and_update(
            {"token_hash": sha256(raw), "purpose": purpose, "used_at": None, "expires_at": {"$gt": utcnow()}},
            {"$set": {"used_at": utcnow()}})
        user = await User.get(doc["user_id"]) if doc else None
        if not user:
            raise InvalidInput("This link is invalid, expired or already used", code="invalid_token",
                               details=[{"field": "token", "message": "invalid, expired or already used"}])
        return user

    async def send_verification(self, user: User) -> None:
        raw = await self._new_action_token(user, "verify_email", timedelta(hours=self.settings.email_verify_expire_hours))
        await self.mailer.send(user.email, "Confirm your CandidateX email",
                               f"Hello {user.full_name},\n\nConfirm your email: {self.settings.public_url}/verify-email?token={raw}\n")

    async def verify_email(self, raw: str, meta: RequestMeta) -> User:
        user = await self._use_action_token(raw, "verify_email")
        user.email_verified = True
        await user.save()
        await self.audit.record("user.verify_email", meta=meta, actor_id=str(user.id), target_id=str(user.id))
        return user

    async def forgot_password(self, email: str, meta: RequestMeta) -> None:
        """Always succeeds from the caller's view, so the endpoint does not reveal which emails have accounts."""
        user = await User.find_one(User.email == normalise_email(email))
        if not user or user.status != UserStatus.active:
            await self.audit.record("auth.forgot_password", meta=meta, outcome="failure",
                                    details={"reason": "unknown_email"})
            return
        raw = await self._new_action_token(user, "reset_password",
                                           timedelta(minutes=self.settings.password_reset_expire_minutes))
        await self.mailer.send(user.email, "Reset your CandidateX password",
                               f"Hello {user.full_name},\n\nReset your password within "
                               f"{self.settings.password_reset_expire_minutes} minutes: "
                               f"{self.settings.public_url}/reset-password?token={raw}\n\n"
                               "If you did not ask for this, ignore this email.\n")
        await self.audit.record("auth.forgot_password", meta=meta, actor_id=str(user.id), target_id=str(user.id))

    async def reset_password(self, raw: str, new_password: str, meta: RequestMeta) -> None:
        # validate the policy before spending the token, so a weak password does not burn the link
        token_doc = await ActionToken.find_one({"token_hash": sha256(raw), "purpose": "reset_password"})
        owner = await User.get(token_doc.user_id) if token_doc else None
        check_password_policy(new_password, owner.email if owner else "", field="new_password")
        user = await self._use_action_token(raw, "reset_password")
        await self.set_password(user, new_password)
        await self.audit.record("auth.reset_password", meta=meta, actor_id=str(user.id), target_id=str(user.id))

    async def set_password(self, user: User, new_password: str) -> None:
        check_password_policy(new_password, user.email, field="new_password")
        user.password_hash = await hash_password(new_password)
        user.password_changed_at = utcnow()
        user.failed_login_attempts, user.locked_until = 0, None
        await user.save()
        await self.tokens.revoke_all(str(user.id), "password_changed")
