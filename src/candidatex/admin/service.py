from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from typing import Any

from candidatex.audit.models import AuditLog
from candidatex.audit.service import AuditService, RequestMeta
from candidatex.auth.service import AuthService
from candidatex.core.errors import Conflict, NotFound
from candidatex.core.pagination import paginate
from candidatex.core.timeutil import utcnow
from candidatex.users import store as user_store
from candidatex.users.models import Role, User, UserStatus

StatsSource = Callable[[], Awaitable[dict[str, Any]]]


class AdminService:
    def __init__(self, auth: AuthService, audit: AuditService, stats_sources: Sequence[StatsSource] = ()) -> None:
        self.auth = auth
        self.audit = audit
        self.stats_sources = list(stats_sources)  # other domains' counts on the dashboard (jobs, applications)

    async def list_users(self, q: str | None, role: Role | None, status: UserStatus | None,
                         page: int, limit: int) -> tuple[list[User], int]:
        query: dict[str, Any] = {}
        if q:
            pattern = re.escape(q.strip())  # user text is matched literally, never as a pattern or operator
            query["$or"] = [{"email": {"$regex": pattern, "$options": "i"}},
                            {"full_name": {"$regex": pattern, "$options": "i"}}]
        if role:
            query["role"] = role.value
        if status:
            query["status"] = status.value
        return await paginate(User.find(query), "-created_at", page, limit)

    async def get_user(self, user_id: str) -> User:
        user = await User.get(user_id) if len(user_id) == 24 and all(c in "0123456789abcdef" for c in user_id) else None
        if not user:
            raise NotFound("User not found")
        return user

    async def create_user(self, admin: User, email: str, password: str, full_name: str, role: Role,
                          meta: RequestMeta) -> User:
        user = await self.auth.create_user(email, password, full_name, role, email_verified=True)
        await self.audit.record("admin.user_create", meta=meta, actor_id=str(admin.id), actor_email=admin.email,
                                target_type="user", target_id=str(user.id), details={"role": role})
        return user

    async def update_user(self, admin: User, user_id: str, role: Role | None, status: str | None,
                          meta: RequestMeta) -> User:
        user = await self.get_user(user_id)
        if user.id == admin.id and ((role and role != Role.admin) or (status and status != "active")):
            raise Conflict("Admins cannot demote or deactivate themselves", code="self_lockout")
        if user.status == UserStatus.deleted:
            raise Conflict("This account was erased", code="user_erased")
        changes: dict[str, Any] = {}
        if role and role != user.role:
            changes["role"] = {"from": user.role, "to": role}
        if status and status != user.status:
            changes["status"] = {"from": user.status, "to": status}
        updated = await user_store.set_role_and_status(user.id, role if "role" in changes else None,
                                                       UserStatus(status) if status and "status" in changes else None)
        if updated is None:  # erased meanwhile
            raise Conflict("This account was erased", code="user_erased")
        user = updated
        if changes:
            # a role or status change takes effect now: existing sessions must sign in again
            await self.auth.tokens.revoke_all(str(user.id), "changed_by_admin")
        await self.audit.record("admin.user_update", meta=meta, actor_id=str(admin.id), actor_email=admin.email,
                                target_type="user", target_id=str(user.id), details=changes)
        return user

    async def stats(self) -> dict[str, Any]:
        users = User.get_pymongo_collection()
        by_role = {d["_id"]: d["n"] async for d in await users.aggregate([{"$group": {"_id": "$role", "n": {"$sum": 1}}}])}
        by_status = {d["_id"]: d["n"] async for d in await users.aggregate([{"$group": {"_id": "$status", "n": {"$sum": 1}}}])}
        day_ago, week_ago = utcnow() - timedelta(days=1), utcnow() - timedelta(days=7)
        logins = AuditLog.find({"action": "auth.login", "created_at": {"$gte": day_ago}})
        extra: dict[str, Any] = {}
        for source in self.stats_sources:
            extra.update(await source())
        return {
            "users_total": sum(by_role.values()),
            "users_by_role": by_role,
            "users_by_status": by_status,
            "signups_last_7_days": await User.find({"created_at": {"$gte": week_ago}}).count(),
            "logins_last_24h": await logins.find({"outcome": "success"}).count(),
            "failed_logins_last_24h": await AuditLog.find({"action": "auth.login", "outcome": "failure",
                                                            "created_at": {"$gte": day_ago}}).count(),
            "lockouts_last_24h": await AuditLog.find({"action": "auth.lockout", "created_at": {"$gte": day_ago}}).count(),
            "extra": extra,
        }
