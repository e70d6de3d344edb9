"""The only module that writes Screening documents: each write is one conditional, atomic update of the fields
it changes (as interviews/store.py does for sessions), returning the document after it or None when the
precondition failed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bson import ObjectId
from pymongo.errors import DuplicateKeyError

from candidatex.core.timeutil import utcnow
from candidatex.core.writes import update_then_read
from candidatex.screening.models import Consent, Decision, Note, Screening, ScreeningStatus


def _collection() -> Any:
    return Screening.get_pymongo_collection()


async def _update(screening_id: str | ObjectId, where: dict[str, Any], update: dict[str, Any]) -> Screening | None:
    oid = ObjectId(screening_id) if isinstance(screening_id, str) else screening_id
    update.setdefault("$set", {})["updated_at"] = utcnow()
    doc = await update_then_read(_collection(), {"_id": oid, **where}, update)
    return Screening.model_validate(doc) if doc else None


async def get(screening_id: str) -> Screening | None:
    return await Screening.get(ObjectId(screening_id)) if ObjectId.is_valid(screening_id) else None


async def create(screening: Screening) -> Screening | None:
    """None: the application already has a screening (a unique index decides between racing requests)."""
    try:
        await screening.insert()
    except DuplicateKeyError:
        return None
    return screening


async def record_consent(screening_id: str, consent: Consent, now: datetime) -> Screening | None:
    """The candidate's answer to the notice, once, before the deadline."""
    status = ScreeningStatus.started if consent.accepted else ScreeningStatus.declined
    return await _update(screening_id, {"status": ScreeningStatus.invited.value, "deadline": {"$gt": now}},
                         {"$set": {"consent": consent.model_dump(), "status": status.value,
                                   "human_interview_requested": not consent.accepted}})


async def attach_session(screening_id: str, session_id: str) -> Screening | None:
    return await _update(screening_id, {"session_id": None}, {"$set": {"session_id": session_id}})


async def undo_consent(screening_id: str) -> Screening | None:
    """The interview could not be created: the candidate may answer the notice again."""
    return await _update(screening_id, {"session_id": None, "status": ScreeningStatus.started.value},
                         {"$set": {"status": ScreeningStatus.invited.value, "consent": None}})


async def set_ai_result(session_id: str, ai_result: dict[str, Any]) -> Screening | None:
    found = await _collection().find_one({"session_id": session_id}, {"_id": 1})  # by its index, then by _id
    return await _update(found["_id"], {"session_id": session_id}, {"$set": {"ai_result": ai_result}}) \
        if found else None


async def push_note(screening_id: str, note: Note) -> Screening | None:
    return await _update(screening_id, {}, {"$push": {"notes": note.model_dump()}})


async def claim_decision(screening_id: str, decision: Decision) -> Screening | None:
    """The one decision of a screening, and its line in the log; None: someone decided first."""
    record = decision.model_dump()
    return await _update(screening_id, {"decision": None}, {"$set": {"decision": record},
                                                           "$push": {"decision_log": record}})


async def release_decision(screening_id: str, decision: Decision) -> Screening | None:
    """The application refused the move (it changed meanwhile): the decision did not happen."""
    return await _update(screening_id, {"decision.at": decision.at},
                         {"$set": {"decision": None}, "$pull": {"decision_log": {"at": decision.at}}})


async def push_review_request(screening_id: str, request: dict[str, Any]) -> Screening | None:
    return await _update(screening_id, {}, {"$push": {"human_review_requests": request}})


async def claim_reminder(screening_id: ObjectId, now: datetime) -> bool:
    return await _update(screening_id, {"reminded_at": None, "status": ScreeningStatus.invited.value},
                         {"$set": {"reminded_at": now}}) is not None


async def expire_overdue(now: datetime) -> int:
    """Invitations nobody answered by the deadline. Expiry closes the invitation, never the application."""
    result = await _collection().update_many({"status": ScreeningStatus.invited.value, "deadline": {"$lte": now}},
                                             {"$set": {"status": ScreeningStatus.expired.value, "updated_at": now}})
    return result.modified_count


async def mark_content_erased(screening_id: ObjectId, now: datetime) -> bool:
    """Notes and human-review comments go with the answers; the decision log stays for bias audits."""
    return await _update(screening_id, {"content_erased_at": None},
                         {"$set": {"content_erased_at": now, "notes": [], "human_review_requests": []}}) is not None
