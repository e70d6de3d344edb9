from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from bson.errors import InvalidDocument

from candidatex.audit.models import AuditLog
from candidatex.core.meta import RequestMeta
from candidatex.core.pagination import paginate
from candidatex.core.timeutil import utcnow

logger = logging.getLogger(__name__)


class AuditService:
    def __init__(self, retention_days: int) -> None:
        self.retention = timedelta(days=retention_days)

    async def record(self, action: str, *, meta: RequestMeta | None = None, actor_id: str | None = None,
                     actor_email: str | None = None, target_type: str | None = None, target_id: str | None = None,
                     outcome: str = "success", details: dict[str, Any] | None = None) -> AuditLog:
        now = utcnow()
        entry = AuditLog(action=action, actor_id=actor_id, actor_email=actor_email, target_type=target_type,
                         target_id=target_id, outcome=outcome, ip=meta.ip if meta else None,
                         user_agent=(meta.user_agent or "")[:256] if meta else None, details=details or {},
                         created_at=now, expires_at=now + self.retention)
        try:
            # the document as AuditLog declares it, without the ODM's per-insert encoding and validation work
            # (half of an interview create's CPU on the event loop)
            result = await AuditLog.get_pymongo_collection().insert_one(entry.model_dump(exclude={"id", "revision_id"}))
            entry.id = result.inserted_id
        except InvalidDocument:  # details BSON cannot take as they are (enums, models): the ODM's encoder
            await entry.insert()
        logger.info("audit", extra={"action": action, "outcome": outcome, "actor_id": actor_id, "target_id": target_id})
        return entry

    async def search(self, *, actor_id: str | None = None, action: str | None = None, outcome: str | None = None,
                     target_id: str | None = None, since: datetime | None = None, until: datetime | None = None,
                     page: int = 1, limit: int = 50) -> tuple[list[AuditLog], int]:
        query: dict[str, Any] = {}
        if actor_id:
            query["actor_id"] = actor_id
        if action:
            query["action"] = action
        if outcome:
            query["outcome"] = outcome
        if target_id:
            query["target_id"] = target_id
        if since or until:
            query["created_at"] = {k: v for k, v in (("$gte", since), ("$lte", until)) if v}
        return await paginate(AuditLog.find(query), "-created_at", page, limit)
