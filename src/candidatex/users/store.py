"""The only writer of `users` documents: named atomic operations, never a `save()` of a copy read earlier.

Each operation changes the fields it means to with one conditional update, so concurrent requests on the
same account (20 wrong passwords at once, the same backup code twice) cannot undo each other's writes.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from bson import ObjectId

from candidatex.core.crypto import seal_optional
from candidatex.core.timeutil import utcnow
from candidatex.core.writes import update_then_read
from candidatex.users.models import Role, User, UserStatus

SEALED_FIELDS = ("phone", "totp_secret", "totp_pending_secret")  # stored encrypted (core/crypto.py)


def _collection():  # noqa: ANN202
    return User.get_pymongo_collection()


def _oid(user_id: Any) -> ObjectId:
    return user_id if isinstance(user_id, ObjectId) else ObjectId(str(user_id))


def _sealed(changes: dict[str, Any]) -> dict[str, Any]:
    return {k: seal_optional(v) if k in SEALED_FIELDS else v for k, v in changes.items()}


def _user(doc: dict[str, Any] | None) -> User | None:
    return User.model_validate(doc) if doc else None


# Every authenticated request needs its user: a short-lived copy per process and access token saves a database
# round trip per request. Writes here drop the user's copies at once; another worker's write is seen within
# REQUEST_USER_TTL_SECONDS or at the next sign-in (a new token), and revoked tokens are checked on every request.
REQUEST_USER_TTL_SECONDS = 2.0
_REQUEST_USERS_MAX = 20_000
_request_users: dict[str, dict[str, tuple[float, User]]] = {}  # user id -> token id -> (read at, user)


def forget(user_id: Any) -> None:
    _request_users.pop(str(user_id), None)


async def get_for_request(user_id: str, token_id: str) -> User | None:
    """The user of a request authenticated by token ``token_id``, from the per-process copy while it is fresh."""
    now = time.monotonic()
    hit = _request_users.get(user_id, {}).get(token_id)
    if hit is not None and now - hit[0] < REQUEST_USER_TTL_SECONDS:
        return hit[1].model_copy()
    # a point read validated as the model: Beanie's `Document.get` builds a query object and a TypeAdapter for the
    # id on every call (about a third of the read's CPU on the event loop, paid by every request whose copy is
    # older than the TTL: every request of an interview, whose steps are seconds apart)
    user = _user(await _collection().find_one({"_id": ObjectId(user_id)})) if ObjectId.is_valid(user_id) else None
    if user is None:
        forget(user_id)
        return None
    if len(_request_users) >= _REQUEST_USERS_MAX:
        _request_users.clear()  # a bound, not an eviction policy: a full table is rebuilt within a TTL
    tokens = _request_users.setdefault(user_id, {})
    if len(tokens) > 16:
        tokens.clear()
    tokens[token_id] = (now, user)
    return user.model_copy()


async def _update(user_id: Any, condition: dict[str, Any], update: dict[str, Any]) -> User | None:
    """One conditional update; the document after it, or None when the condition no longer holds (an update by
    `_id` and a point read: a findAndModify scanned every account in SecantusDB, core/writes.py)."""
    forget(user_id)
    return _user(await update_then_read(_collection(), {"_id": _oid(user_id), **condition}, update))


async def set_fields(user_id: Any, changes: dict[str, Any], condition: dict[str, Any] | None = None) -> User | None:
    return await _update(user_id, condition or {}, {"$set": {**_sealed(changes), "updated_at": utcnow()}})


async def insert(user: User) -> User:
    """A new account; a unique index on the email refuses a second one (DuplicateKeyError to the caller)."""
    await user.insert()
    return user


# --- sign-in state ---------------------------------------------------------------------------------------

async def record_failed_login(user_id: Any) -> User | None:
    """+1 on the failure counter; the caller decides a lockout from the returned count."""
    return await _update(user_id, {}, {"$inc": {"failed_login_attempts": 1}})


async def lock_until(user_id: Any, until: datetime) -> None:
    forget(user_id)
    # $max: two concurrent lockouts keep the later end, never shorten one
    await _collection().update_one({"_id": _oid(user_id)}, {"$max": {"locked_until": until}})


async def complete_login(user_id: Any, now: datetime) -> User | None:
    """Resets the counter and records the sign-in only while the account is not locked (None if it is)."""
    # not "$or": [None, $lte now]: a top-level operator makes SecantusDB scan the collection (core/writes.py)
    return await _update(user_id, {"locked_until": {"$not": {"$gt": now}}},
                         {"$set": {"failed_login_attempts": 0, "locked_until": None, "last_login_at": now}})


async def unlock(user_id: Any) -> None:
    forget(user_id)
    await _collection().update_one({"_id": _oid(user_id)},
                                   {"$set": {"failed_login_attempts": 0, "locked_until": None}})


# --- second factor ---------------------------------------------------------------------------------------

async def use_totp_step(user_id: Any, step: int) -> bool:
    """Compare-and-set: a code's time step is accepted once, even when presented twice at once."""
    forget(user_id)
    result = await _collection().update_one({"_id": _oid(user_id), "totp_last_step": {"$lt": step}},
                                            {"$set": {"totp_last_step": step}})
    return result.modified_count == 1


async def spend_backup_code(user_id: Any, code_hash: str) -> bool:
    """Conditional $pull: of many concurrent requests with the same code, exactly one removes it."""
    forget(user_id)
    result = await _collection().update_one({"_id": _oid(user_id), "backup_code_hashes": code_hash},
                                            {"$pull": {"backup_code_hashes": code_hash}})
    return result.modified_count == 1


async def start_two_factor(user_id: Any, pending_secret: str) -> User | None:
    return await set_fields(user_id, {"totp_pending_secret": pending_secret}, {"totp_enabled": False})


async def enable_two_factor(user_id: Any, pending_secret: str, step: int, backup_code_hashes: list[str]) -> User | None:
    """Turns 2FA on with the secret the user confirmed; None when setup was restarted or finished meanwhile."""
    user = await _update(user_id, {"totp_enabled": False},
                         {"$set": {"totp_secret": seal_optional(pending_secret), "totp_pending_secret": None,
                                   "totp_enabled": True, "totp_last_step": step,
                                   "backup_code_hashes": backup_code_hashes, "updated_at": utcnow()}})
    return user


async def disable_two_factor(user_id: Any) -> User | None:
    return await set_fields(user_id, {"totp_enabled": False, "totp_secret": None, "totp_pending_secret": None,
                                      "backup_code_hashes": []})


# --- password, verification, role -------------------------------------------------------------------------

async def set_password_hash(user_id: Any, password_hash: str) -> User | None:
    return await set_fields(user_id, {"password_hash": password_hash, "password_changed_at": utcnow(),
                                      "failed_login_attempts": 0, "locked_until": None})


async def mark_email_verified(user_id: Any) -> User | None:
    return await set_fields(user_id, {"email_verified": True})


async def set_role_and_status(user_id: Any, role: Role | None, status: UserStatus | None) -> User | None:
    changes: dict[str, Any] = {}
    if role is not None:
        changes["role"] = role.value
    if status is not None:
        changes["status"] = status.value
    # an erased account stays erased, whatever an admin sends at the same moment
    return await set_fields(user_id, changes, {"status": {"$ne": UserStatus.deleted.value}})


async def erase(user_id: Any) -> User | None:
    uid = str(user_id)
    return await set_fields(user_id, {
        "email": f"erased-{uid}@erased.invalid", "full_name": "Erased user", "phone": None, "headline": None,
        "location": None, "password_hash": "!",  # matches no password
        "totp_secret": None, "totp_pending_secret": None, "totp_enabled": False, "backup_code_hashes": [],
        "status": UserStatus.deleted.value})



async def full_names(user_ids: set[str]) -> dict[str, str]:
    """The full names of these users, by id (lists show a person's name beside what they did)."""
    wanted = [ObjectId(i) for i in user_ids if ObjectId.is_valid(i)]
    if not wanted:
        return {}
    return {str(doc["_id"]): doc.get("full_name") or ""
            async for doc in _collection().find({"_id": {"$in": wanted}}, {"full_name": 1})}
