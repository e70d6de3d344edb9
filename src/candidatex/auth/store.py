"""The only writer of sign-in documents: refresh-token families, mailed action tokens, login throttles.

Every write is one conditional update (compare-and-set on the field that decides), so concurrent requests
cannot rotate one refresh token twice, spend one link twice, or lose a failed attempt. None is a findAndModify:
SecantusDB scans the whole collection for each one (core/writes.py), and these collections grow with every sign-in.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bson import ObjectId
from pymongo.errors import DuplicateKeyError

from candidatex.auth.models import ActionToken, LoginThrottle, RefreshTokenFamily
from candidatex.core.timeutil import utcnow
from candidatex.core.writes import update_then_read

USED_HASHES_KEPT = 50  # rotated refresh secrets remembered for reuse detection
THROTTLE_CAS_ATTEMPTS = 100  # compare-and-set rounds for one failure while others are counted (a burst of them)


def _family(doc: dict[str, Any] | None) -> RefreshTokenFamily | None:
    return RefreshTokenFamily.model_validate(doc) if doc else None


# --- refresh-token families ------------------------------------------------------------------------------

async def insert_family(family: RefreshTokenFamily) -> RefreshTokenFamily:
    await family.insert()
    return family


async def rotate_family(family_id: ObjectId, presented_hash: str, new_hash: str) -> RefreshTokenFamily | None:
    """Moves the family to a new secret only if `presented_hash` is still its current one and it is live."""
    now = utcnow()
    doc = await update_then_read(
        RefreshTokenFamily.get_pymongo_collection(),
        {"_id": family_id, "current_hash": presented_hash, "revoked": False, "expires_at": {"$gt": now}},
        {"$set": {"current_hash": new_hash, "last_used_at": now},
         "$push": {"used_hashes": {"$each": [presented_hash], "$slice": -USED_HASHES_KEPT}}})
    return _family(doc)


async def revoke_family(family_id: ObjectId, reason: str) -> bool:
    """True when this call ended the session (it was live)."""
    result = await RefreshTokenFamily.get_pymongo_collection().update_one(
        {"_id": family_id, "revoked": False}, {"$set": {"revoked": True, "revoked_reason": reason}})
    return result.modified_count == 1


async def live_family_ids(user_id: str) -> list[ObjectId]:
    cursor = RefreshTokenFamily.get_pymongo_collection().find({"user_id": user_id, "revoked": False}, {"_id": 1})
    return [doc["_id"] async for doc in cursor]


async def family_is_live(family_id: str) -> bool:
    """The durable answer to "was this session revoked?" (the denylist store only caches it)."""
    if len(family_id) != 24 or not all(c in "0123456789abcdef" for c in family_id):
        return False
    doc = await RefreshTokenFamily.get_pymongo_collection().find_one(
        {"_id": ObjectId(family_id)}, {"revoked": 1})
    return doc is not None and not doc.get("revoked", False)


# --- mailed single-use tokens ----------------------------------------------------------------------------

async def insert_action_token(purpose: str, token_hash: str, user_id: str, expires_at: datetime,
                              used_at: datetime | None = None) -> bool:
    """False when a token with that hash exists already (the unique index decides, atomically)."""
    try:
        await ActionToken(purpose=purpose, token_hash=token_hash, user_id=user_id, used_at=used_at,
                          expires_at=expires_at).insert()
    except DuplicateKeyError:
        return False
    return True


async def use_action_token(token_hash: str, purpose: str) -> ActionToken | None:
    """Find, then mark by compare-and-set on `used_at`: a link works exactly once even under concurrent use (of
    two requests that found it open, only the one whose write still sees it unused gets it)."""
    now = utcnow()
    collection = ActionToken.get_pymongo_collection()
    doc = await collection.find_one({"token_hash": token_hash, "purpose": purpose, "used_at": None,
                                     "expires_at": {"$gt": now}})
    if doc is None:
        return None
    spent = await collection.update_one({"_id": doc["_id"], "used_at": None}, {"$set": {"used_at": now}})
    return ActionToken.model_validate(doc) if spent.modified_count else None


async def spend_all_action_tokens(user_id: str, purpose: str) -> int:
    """Every open link of that kind stops working (a password change ends all reset links)."""
    result = await ActionToken.get_pymongo_collection().update_many(
        {"user_id": user_id, "purpose": purpose, "used_at": None}, {"$set": {"used_at": utcnow()}})
    return result.modified_count


async def count_recent_action_tokens(user_id: str, purpose: str, since: datetime) -> int:
    return await ActionToken.get_pymongo_collection().count_documents(
        {"user_id": user_id, "purpose": purpose, "created_at": {"$gte": since}})


# --- login throttles -------------------------------------------------------------------------------------

async def throttle_of(key: str) -> LoginThrottle | None:
    doc = await LoginThrottle.get_pymongo_collection().find_one({"key": key})
    return LoginThrottle.model_validate(doc) if doc else None


async def record_throttled_failure(key: str, keep_for: timedelta) -> int:
    """+1 on the pair's failures (created on the first one); the new count decides the backoff. Compare-and-set
    on the count, so each of many concurrent failures gets its own count and none is lost."""
    collection = LoginThrottle.get_pymongo_collection()
    for _ in range(THROTTLE_CAS_ATTEMPTS):
        expires_at = utcnow() + keep_for
        doc = await collection.find_one({"key": key}, {"failures": 1})
        if doc is None:
            try:
                await LoginThrottle(key=key, failures=1, expires_at=expires_at).insert()
                return 1
            except DuplicateKeyError:  # two first failures at once: the other one created it, count on it
                continue
        seen = int(doc.get("failures") or 0)
        counted = await collection.update_one({"_id": doc["_id"], "failures": seen},
                                              {"$set": {"failures": seen + 1, "expires_at": expires_at}})
        if counted.matched_count:
            return seen + 1
    raise RuntimeError(f"login throttle {key}: contended {THROTTLE_CAS_ATTEMPTS} times in a row")


async def block_throttle_until(key: str, until: datetime) -> None:
    await LoginThrottle.get_pymongo_collection().update_one({"key": key}, {"$max": {"blocked_until": until}})


async def clear_throttle(key: str, now: datetime) -> bool:
    """Forgets the pair's failures after a good sign-in, unless it became blocked meanwhile (then False)."""
    # not "$or": [None, $lte now]: a top-level operator makes SecantusDB scan the collection (core/writes.py)
    result = await LoginThrottle.get_pymongo_collection().delete_one(
        {"key": key, "blocked_until": {"$not": {"$gt": now}}})
    if result.deleted_count:
        return True
    return await throttle_of(key) is None
