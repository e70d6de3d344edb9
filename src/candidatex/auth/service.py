"""Account flows: register, login (with backoff and 2FA), refresh rotation, logout, password reset, verification.

Nothing here tells whether an email has an account: registration of a taken email mails its owner and answers
like a new one, login of an unknown email checks a dummy hash and backs off like a real one, forgot-password
answers before doing any work (the controller runs it after the response).
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta

from bson import ObjectId
from litestar.exceptions import NotAuthorizedException
from pymongo.errors import DuplicateKeyError

from candidatex.audit.service import AuditService, RequestMeta
from candidatex.auth import store, totp
from candidatex.auth.models import ActionToken
from candidatex.auth.passwords import hash_password, password_problems, verify_password
from candidatex.auth.tokens import CHALLENGE_AUDIENCE, RefreshReuse, TokenPair, TokenService, sha256
from candidatex.config import Settings
from candidatex.core.errors import Conflict, InvalidInput, TooMany, Unauthorized
from candidatex.core.mailer import Mailer
from candidatex.core.middleware import endpoint_budgets
from candidatex.core.timeutil import as_utc, utcnow
from candidatex.users import store as user_store
from candidatex.users.models import Role, User, UserStatus

logger = logging.getLogger(__name__)
BAD_CREDENTIALS = "Email or password is incorrect"
LOCKED = "Too many failed attempts; wait a little, or use the unlock link we emailed to the account's owner"
THROTTLE_MEMORY = timedelta(days=1)  # how long failed attempts of an (email, address) pair are remembered


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_password_policy(password: str, email: str, field: str = "password") -> None:
    problems = password_problems(password, email)
    if problems:
        raise InvalidInput("Password is too weak", code="weak_password",
                           details=[{"field": field, "message": "Password " + p} for p in problems])


def backoff_until(now: datetime, failures: int, threshold: int, cap_minutes: int, base_seconds: int = 30) -> datetime | None:
    """Exponential backoff once `failures` reaches `threshold`: base, 2x base, 4x base ... up to the cap."""
    if failures < threshold:
        return None
    return now + timedelta(seconds=min(base_seconds * 2 ** min(failures - threshold, 20), cap_minutes * 60))


def _pair_key(email: str, ip: str | None) -> str:
    return "pair:" + sha256(f"{email}|{ip or 'unknown'}")


def _account_key(email: str) -> str:
    """Account-wide failures of an email that has no account, counted like a real account's."""
    return "account:" + sha256(email)


class AuthService:
    def __init__(self, settings: Settings, tokens: TokenService, audit: AuditService, mailer: Mailer) -> None:
        self.settings = settings
        self.tokens = tokens
        self.audit = audit
        self.mailer = mailer
        # backup codes were hashed with the SECRET_KEY of their day: every key of the keyring still checks them
        self.peppers = [settings.secret_key, *settings.secret_key_previous]
        self.forgot_budget = endpoint_budgets(settings.rate_limits)["forgot_password_email"]

    def backup_code_hash(self, code: str) -> str:
        return totp.hash_backup_code(code, self.peppers[0])

    async def create_user(self, email: str, password: str, full_name: str, role: Role,
                          email_verified: bool = False) -> User:
        """For admins and the CLI, who may be told that an email is taken."""
        email = normalise_email(email)
        check_password_policy(password, email)
        if await User.find_one(User.email == email):
            raise Conflict("An account with this email already exists", code="email_taken")
        user = User(email=email, full_name=full_name, role=role, password_hash=await hash_password(password),
                    email_verified=email_verified)
        try:
            await user_store.insert(user)
        except DuplicateKeyError as exc:  # registered at the same moment by another request
            raise Conflict("An account with this email already exists", code="email_taken") from exc
        return user

    async def register(self, email: str, password: str, full_name: str, role: Role, meta: RequestMeta) -> tuple[User, TokenPair]:
        if role == Role.admin:  # admins come only from the CLI or another admin
            raise InvalidInput("Role must be candidate or recruiter", details=[{"field": "role", "message": "not allowed"}])
        try:
            user = await self.create_user(email, password, full_name, role)
        except Conflict:
            await hash_password(password)  # the work a new account costs, so the answer takes as long
            return await self._register_taken(normalise_email(email), full_name, role, meta)
        await self.audit.record("user.register", meta=meta, actor_id=str(user.id), actor_email=user.email,
                                target_type="user", target_id=str(user.id), details={"role": role})
        await self.send_verification(user)
        return user, await self._issue(user, meta)

    async def _register_taken(self, email: str, full_name: str, role: Role,
                              meta: RequestMeta) -> tuple[User, TokenPair]:
        """The answer looks like a new account's; the owner gets an email instead of the caller a 409."""
        owner = await User.find_one(User.email == email)
        if owner and owner.status == UserStatus.active:
            await self.mailer.send(owner.email, "Someone tried to register with your CandidateX email",
                                   f"Hello {owner.full_name},\n\nSomeone (maybe you) tried to create a new account "
                                   f"with this email. You already have one: sign in at {self.settings.public_url}/login"
                                   f" or reset your password at {self.settings.public_url}/forgot-password.\n\n"
                                   "If it was not you, you can ignore this email; nothing was changed.\n")
        await self.audit.record("user.register", meta=meta, actor_id=str(owner.id) if owner else None,
                                outcome="denied", details={"reason": "email_taken"})
        # a stand-in that is never stored; its tokens name no session, so they open nothing
        decoy = User(id=ObjectId(), email=email, full_name=full_name, role=role, password_hash="!")  # noqa: S106 - "!" matches no password
        session_id = str(ObjectId())
        return decoy, TokenPair(access_token=self.tokens.access_token(str(decoy.id), role, session_id, email),
                                refresh_token=f"{session_id}.{secrets.token_urlsafe(32)}",
                                expires_in=int(self.tokens.access_ttl.total_seconds()), session_id=session_id)

    async def login(self, email: str, password: str, meta: RequestMeta, totp_code: str | None = None) -> tuple[User, TokenPair | str]:
        """Returns tokens, or a challenge token when the account has 2FA and no code was given."""
        email = normalise_email(email)
        user = await User.find_one(User.email == email)
        await self._refuse_if_backing_off(user, email, meta)
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
        expired = Unauthorized("The sign-in step expired; enter your password again", code="challenge_invalid")
        try:
            token = self.tokens.decode(challenge_token, CHALLENGE_AUDIENCE)
        except NotAuthorizedException as exc:
            raise expired from exc
        if await self.tokens.challenge_spent(token):
            raise expired
        user = await User.get(token.sub) if ObjectId.is_valid(token.sub) else None
        if not user or user.status != UserStatus.active or not user.totp_enabled:
            raise expired
        await self._refuse_if_backing_off(user, user.email, meta)
        await self._check_second_factor(user, code, meta)
        if not await self.tokens.spend_challenge(token):  # two codes raced on one challenge: one sign-in
            raise expired
        return user, await self._complete_login(user, meta)

    async def _check_second_factor(self, user: User, code: str, meta: RequestMeta) -> None:
        step = totp.matching_step(user.totp_secret or "", code, user.totp_last_step)
        if step is not None and await user_store.use_totp_step(user.id, step):
            return
        for pepper in self.peppers:
            code_hash = totp.hash_backup_code(code, pepper)
            if code_hash in user.backup_code_hashes and await user_store.spend_backup_code(user.id, code_hash):
                await self.audit.record("auth.backup_code_used", meta=meta, actor_id=str(user.id))
                return
        await self._failed_login(user, user.email, meta, reason="bad_second_factor")
        raise Unauthorized("The code is wrong or was already used", code="invalid_2fa_code")

    async def _refuse_if_backing_off(self, user: User | None, email: str, meta: RequestMeta) -> None:
        """429 while this (email, address) pair or the whole account backs off; the same for unknown emails."""
        now = utcnow()
        pair = await store.throttle_of(_pair_key(email, meta.ip))
        if user:
            account_until = user.locked_until
        else:
            account = await store.throttle_of(_account_key(email))
            account_until = account.blocked_until if account else None
        ends = [as_utc(t) for t in (pair.blocked_until if pair else None, account_until) if t and as_utc(t) > now]
        if not ends:
            return
        # counted against the pair only: hammering from one address must not lock the owner out elsewhere
        await store.record_throttled_failure(_pair_key(email, meta.ip), THROTTLE_MEMORY)
        await self.audit.record("auth.login", meta=meta, actor_id=str(user.id) if user else None,
                                actor_email=email[:254], outcome="denied", details={"reason": "backoff"})
        retry = int((max(ends) - now).total_seconds()) + 1
        raise TooMany(LOCKED, code="account_locked", headers={"Retry-After": str(retry)},
                      details={"retry_after_seconds": retry})

    async def _failed_login(self, user: User | None, email: str, meta: RequestMeta, reason: str = "bad_password") -> None:
        settings, now = self.settings, utcnow()
        pair_key = _pair_key(email, meta.ip)
        pair_failures = await store.record_throttled_failure(pair_key, THROTTLE_MEMORY)
        pair_until = backoff_until(now, pair_failures, settings.login_max_attempts, settings.lockout_minutes)
        if pair_until:
            await store.block_throttle_until(pair_key, pair_until)
        # the account-wide count: $inc, and the backoff decided from the count it returned
        if user:
            updated = await user_store.record_failed_login(user.id)
            account_failures = updated.failed_login_attempts if updated else 0
        else:
            account_failures = await store.record_throttled_failure(_account_key(email), THROTTLE_MEMORY)
        account_until = backoff_until(now, account_failures, settings.login_account_max_attempts,
                                      settings.lockout_minutes)
        if account_until:
            if user:
                await user_store.lock_until(user.id, account_until)
            else:
                await store.block_throttle_until(_account_key(email), account_until)
            if account_failures == settings.login_account_max_attempts:  # exactly one request sees this count
                await self.audit.record("auth.lockout", meta=meta, actor_id=str(user.id) if user else None,
                                        actor_email=email[:254], target_type="user",
                                        target_id=str(user.id) if user else None, outcome="denied")
                if user:
                    await self.send_unlock_link(user)
        await self.audit.record("auth.login", meta=meta, actor_id=str(user.id) if user else None,
                                actor_email=email[:254], outcome="failure", details={"reason": reason})

    async def _complete_login(self, user: User, meta: RequestMeta) -> TokenPair:
        now, pair_key = utcnow(), _pair_key(user.email, meta.ip)
        pair = await store.throttle_of(pair_key)
        pair_blocked = bool(pair and pair.blocked_until and as_utc(pair.blocked_until) > now)
        # compare-and-set: the right password counts only if no concurrent failure locked the account meanwhile
        if pair_blocked or await user_store.complete_login(user.id, now) is None:
            await self._refuse_if_backing_off(await User.get(user.id), user.email, meta)
            raise TooMany(LOCKED, code="account_locked")
        await store.clear_throttle(pair_key, now)
        await self.audit.record("auth.login", meta=meta, actor_id=str(user.id), actor_email=user.email)
        return await self._issue(user, meta)

    async def _issue(self, user: User, meta: RequestMeta) -> TokenPair:
        family, refresh = await self.tokens.start_family(str(user.id), meta.ip, meta.user_agent)
        return TokenPair(access_token=self.tokens.access_token(str(user.id), user.role, str(family.id), user.email),
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
        return user, TokenPair(access_token=self.tokens.access_token(str(user.id), user.role, str(family.id),
                                                                     user.email),
                               refresh_token=new_refresh, expires_in=int(self.tokens.access_ttl.total_seconds()),
                               session_id=str(family.id))

    async def logout(self, user: User, session_id: str | None, refresh_token: str | None, meta: RequestMeta) -> None:
        family_ids = {session_id} if session_id else set()
        if refresh_token:
            try:
                family = await self.tokens.family_of(refresh_token)
                if family.user_id == str(user.id):
                    family_ids.add(str(family.id))
            except NotAuthorizedException:
                pass
        for family_id in family_ids:
            if ObjectId.is_valid(family_id):
                await self.tokens.revoke_family_id(ObjectId(family_id), "logout")
        await self.audit.record("auth.logout", meta=meta, actor_id=str(user.id), actor_email=user.email)

    async def _new_action_token(self, user: User, purpose: str, ttl: timedelta) -> str:
        raw = secrets.token_urlsafe(32)
        await store.insert_action_token(purpose, sha256(raw), str(user.id), utcnow() + ttl)
        return raw

    async def _use_action_token(self, raw: str, purpose: str) -> User:
        doc = await store.use_action_token(sha256(raw), purpose)
        user = await User.get(doc.user_id) if doc else None
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
        user = await user_store.mark_email_verified(user.id) or user
        await self.audit.record("user.verify_email", meta=meta, actor_id=str(user.id), target_id=str(user.id))
        return user

    async def send_unlock_link(self, user: User) -> None:
        raw = await self._new_action_token(user, "unlock_account", timedelta(hours=24))
        await self.mailer.send(user.email, "Unlock your CandidateX account",
                               f"Hello {user.full_name},\n\nThere were many failed attempts to sign in to your "
                               "account, so sign-in is slowed down for a while. If it was you, unlock it now: "
                               f"{self.settings.public_url}/unlock-account?token={raw}\n\n"
                               "If it was not you, consider changing your password.\n")

    async def unlock(self, raw: str, meta: RequestMeta) -> None:
        user = await self._use_action_token(raw, "unlock_account")
        await user_store.unlock(user.id)
        await self.audit.record("auth.unlock", meta=meta, actor_id=str(user.id), target_id=str(user.id))

    async def forgot_password(self, email: str, meta: RequestMeta) -> None:
        """Run after the response is sent (see the controller): what happens here never shows to the caller."""
        try:
            await self._forgot_password(normalise_email(email), meta)
        except Exception:  # noqa: BLE001 - the caller already has its answer; keep the failure in the log
            logger.warning("forgot-password processing failed", exc_info=True)

    async def _forgot_password(self, email: str, meta: RequestMeta) -> None:
        user = await User.find_one(User.email == email)
        if not user or user.status != UserStatus.active:
            await self.audit.record("auth.forgot_password", meta=meta, outcome="failure",
                                    details={"reason": "unknown_email"})
            return
        unit_seconds, limit = self.forgot_budget
        since = utcnow() - timedelta(seconds=unit_seconds)
        if limit and await store.count_recent_action_tokens(str(user.id), "reset_password", since) >= limit:
            await self.audit.record("auth.forgot_password", meta=meta, actor_id=str(user.id), outcome="denied",
                                    details={"reason": "per_email_limit"})
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
        await user_store.set_password_hash(user.id, await hash_password(new_password))
        await store.spend_all_action_tokens(str(user.id), "reset_password")  # every other reset link dies too
        await self.tokens.revoke_all(str(user.id), "password_changed")
