"""The signed-in user's own account: profile, password, second factor, sessions, erasure."""

from __future__ import annotations

import contextlib
from typing import Any

from beanie import Document
from gridfs import AsyncGridFSBucket
from gridfs.errors import NoFile

from candidatex.audit.models import AuditLog
from candidatex.audit.service import AuditService
from candidatex.auth import totp
from candidatex.auth.models import RefreshTokenFamily
from candidatex.auth.passwords import verify_password
from candidatex.auth.service import AuthService
from candidatex.core.errors import Conflict, InvalidInput, NotFound, Unauthorized
from candidatex.core.mailer import OutboxEmail
from candidatex.core.meta import RequestMeta
from candidatex.core.timeutil import utcnow
from candidatex.db.registry import document_models
from candidatex.interviews import store as interview_store
from candidatex.interviews.models import InterviewListing, InterviewSession, SessionEvent
from candidatex.users import store as user_store
from candidatex.users.models import User
from candidatex.users.schemas import UserOut

# never exported: credentials, token hashes, keys, and mailed bodies (which may hold live single-use links)
SECRET_FIELDS = {"password_hash", "totp_secret", "totp_pending_secret", "backup_code_hashes", "current_hash",
                 "used_hashes", "token_hash", "anti_cheat_key", "body"}
OWNED_BY = ("candidate_id", "user_id", "owner_id")  # a document with one of these fields equal to the user's id
ERASED_BY = ("candidate_id", "user_id", "owner_id")  # deleted on erasure (jobs are keyed by recruiter_id, kept)
RECORDINGS_BUCKET = "recordings"  # GridFS files with metadata.session_id (media/service.py)
EXPORT_LIMIT = 10_000


def _dump(doc: Document) -> dict[str, Any]:
    return doc.model_dump(mode="json", exclude=SECRET_FIELDS & set(type(doc).model_fields))


class AccountService:
    def __init__(self, auth: AuthService, audit: AuditService) -> None:
        self.auth = auth
        self.audit = audit
        # other domains add `async def erase(user_id, email)` for data the registry rules below do not cover
        self.erasers: list[Any] = []

    async def update_profile(self, user: User, changes: dict, meta: RequestMeta) -> User:
        user = await user_store.set_fields(user.id, changes) or user  # only the fields sent
        await self.audit.record("user.update", meta=meta, actor_id=str(user.id), target_id=str(user.id),
                                details={"fields": sorted(changes)})
        return user

    async def _require_password(self, user: User, password: str, meta: RequestMeta, action: str) -> None:
        if not await verify_password(user.password_hash, password):
            await self.audit.record(action, meta=meta, actor_id=str(user.id), outcome="failure",
                                    details={"reason": "bad_password"})
            raise Unauthorized("Your current password is incorrect", code="invalid_credentials")

    async def change_password(self, user: User, current: str, new: str, meta: RequestMeta) -> None:
        await self._require_password(user, current, meta, "user.change_password")
        await self.auth.set_password(user, new)
        await self.audit.record("user.change_password", meta=meta, actor_id=str(user.id), target_id=str(user.id))

    async def start_two_factor(self, user: User, meta: RequestMeta) -> tuple[str, str, str]:
        if user.totp_enabled:
            raise Conflict("Two-factor authentication is already on", code="2fa_already_enabled")
        secret = totp.new_secret()
        if await user_store.start_two_factor(user.id, secret) is None:
            raise Conflict("Two-factor authentication is already on", code="2fa_already_enabled")
        uri = totp.provisioning_uri(secret, user.email)
        await self.audit.record("user.2fa_setup", meta=meta, actor_id=str(user.id))
        return secret, uri, totp.qr_data_url(uri)

    async def enable_two_factor(self, user: User, code: str, meta: RequestMeta) -> list[str]:
        if user.totp_enabled:
            raise Conflict("Two-factor authentication is already on", code="2fa_already_enabled")
        if not user.totp_pending_secret:
            raise Conflict("Start the setup first", code="2fa_not_started")
        step = totp.matching_step(user.totp_pending_secret, code, 0)
        if step is None:
            raise InvalidInput("The code does not match; check your authenticator's clock",
                               code="invalid_2fa_code", details=[{"field": "code", "message": "does not match"}])
        codes = totp.new_backup_codes()
        # the enabling code's step is spent: it cannot be replayed at login
        if await user_store.enable_two_factor(user.id, user.totp_pending_secret, step,
                                              [self.auth.backup_code_hash(c) for c in codes]) is None:
            raise Conflict("Two-factor authentication is already on", code="2fa_already_enabled")
        await self.audit.record("user.2fa_enable", meta=meta, actor_id=str(user.id), target_id=str(user.id))
        return codes

    async def disable_two_factor(self, user: User, password: str, code: str, meta: RequestMeta) -> None:
        if not user.totp_enabled:
            raise Conflict("Two-factor authentication is not on", code="2fa_not_enabled")
        await self._require_password(user, password, meta, "user.2fa_disable")
        await self.auth._check_second_factor(user, code, meta)  # noqa: SLF001 - same rule as at login
        await user_store.disable_two_factor(user.id)
        await self.audit.record("user.2fa_disable", meta=meta, actor_id=str(user.id), target_id=str(user.id))

    async def sessions(self, user: User) -> list[RefreshTokenFamily]:
        return await RefreshTokenFamily.find({"user_id": str(user.id), "revoked": False,
                                              "expires_at": {"$gt": utcnow()}}).sort("-last_used_at").to_list()

    async def revoke_session(self, user: User, session_id: str, meta: RequestMeta) -> None:
        family = await RefreshTokenFamily.get(session_id) if len(session_id) == 24 else None
        if not family or family.user_id != str(user.id):
            raise NotFound("Session not found")
        await self.auth.tokens.revoke_family(family, "revoked_by_user")
        await self.audit.record("user.session_revoke", meta=meta, actor_id=str(user.id), target_type="session",
                                target_id=session_id)

    async def export(self, user: User, meta: RequestMeta) -> dict[str, Any]:
        """Data portability: everything stored about the user, found through the document registry."""
        user_id = str(user.id)
        data: dict[str, Any] = {"format": "candidatex-export-v1", "exported_at": utcnow().isoformat(),
                                "profile": UserOut.of(user).model_dump(mode="json")}
        session_ids: list[str] = []
        for model in document_models():
            name = model.get_collection_name()
            fields = set(model.model_fields)
            if model in (User, InterviewListing):  # the listing: a copy of the sessions' own fields
                continue
            if model is AuditLog:
                query: dict[str, Any] = {"$or": [{"actor_id": user_id}, {"target_id": user_id}]}
            elif model is OutboxEmail:
                query = {"to": user.email}
            elif model is SessionEvent:
                continue  # after the sessions, below
            else:
                owned = [f for f in OWNED_BY if f in fields]
                if not owned:
                    continue
                query = {"$or": [{f: user_id} for f in owned]}
            if model is InterviewSession:  # by the listing's index (the sessions have none but `_id`)
                docs: list[Any] = await interview_store.listed({"candidate_id": user_id}, limit=EXPORT_LIMIT)
            else:
                docs = await model.find(query).limit(EXPORT_LIMIT).to_list()
            data[name] = [_dump(d) for d in docs]
            if name == "interview_sessions":
                session_ids = [str(d.id) for d in docs]
        if session_ids:
            events = await SessionEvent.find({"session_id": {"$in": session_ids}}).sort("seq").limit(EXPORT_LIMIT).to_list()
            data[SessionEvent.get_collection_name()] = [_dump(e) for e in events]
        await self.audit.record("user.export", meta=meta, actor_id=user_id, target_type="user", target_id=user_id)
        return data

    async def _erase_related(self, user_id: str, email: str) -> None:
        # practice interviews are the candidate's alone: gone; a recruiter's interview keeps its frame only
        session_ids = await interview_store.erase_candidate(user_id)
        await SessionEvent.get_pymongo_collection().delete_many({"session_id": {"$in": session_ids}})
        database = InterviewSession.get_pymongo_collection().database
        for model in document_models():
            if model in (User, AuditLog, InterviewSession, InterviewListing, SessionEvent):
                continue
            collection = model.get_pymongo_collection()
            fields = set(model.model_fields)
            owned = [f for f in ERASED_BY if f in fields]
            if owned:
                query: dict[str, Any] = {"$or": [{f: user_id} for f in owned]}
                if "gridfs_id" in fields:  # the stored file goes with its document (résumés: bucket = collection)
                    bucket = AsyncGridFSBucket(database, bucket_name=model.get_collection_name())
                    async for doc in collection.find(query, {"gridfs_id": 1}):
                        with contextlib.suppress(NoFile):
                            await bucket.delete(doc["gridfs_id"])
                await collection.delete_many(query)
            elif "session_id" in fields and session_ids:  # per-interview data (anti-cheat snapshots, ...)
                await collection.delete_many({"session_id": {"$in": session_ids}})
        recordings = AsyncGridFSBucket(database, bucket_name=RECORDINGS_BUCKET)
        async for file in recordings.find({"metadata.session_id": {"$in": session_ids}}):
            with contextlib.suppress(NoFile):
                await recordings.delete(file._id)
        await OutboxEmail.get_pymongo_collection().delete_many({"to": email})
        # the audit trail stays (security record, bounded by AUDIT_RETENTION_DAYS) without identifying details
        await AuditLog.get_pymongo_collection().update_many(
            {"$or": [{"actor_id": user_id}, {"target_id": user_id}]},
            {"$set": {"actor_email": None, "ip": None, "user_agent": None}})
        for eraser in self.erasers:
            await eraser(user_id, email)

    async def erase(self, user: User, password: str, meta: RequestMeta) -> None:
        """Right to erasure: personal fields are wiped, sessions end, the account can no longer sign in;
        interview answers, résumé text, events, mail and owned documents are deleted or anonymised."""
        await self._require_password(user, password, meta, "user.erase")
        await self.auth.tokens.revoke_all(str(user.id), "account_erased")
        user_id = str(user.id)
        await self._erase_related(user_id, user.email)
        await user_store.erase(user.id)
        # the record of the erasure itself carries no address or browser: nothing that identifies the person
        await self.audit.record("user.erase", actor_id=user_id, target_type="user", target_id=user_id)
