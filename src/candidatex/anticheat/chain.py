"""The tamper-evident ``anti_cheat_log``: each entry's ``sequence_hash`` chains it to the one before.

``sequence_hash[i] = HMAC-SHA-256( key, sequence_hash[i-1] as 64 lowercase hex ASCII bytes
                                   || canonical_event(entry[i]) )``, hex-encoded, with the genesis
previous hash :data:`GENESIS_HASH` = 64 zeros. ``key`` is the session's chain key, derived from the
server's integrity key (see :mod:`candidatex.anticheat.integrity`): without it nobody can recompute
a chain after editing the log. With ``key=None`` the hash is the spec's plain SHA-256 (kept for the
spec's wording and for tests of the chain mechanics; the app always writes keyed chains). Editing, inserting, deleting or reordering an entry
breaks the link at that entry and every link after it; :func:`verify_chain` names the first.

The canonical form must survive a round trip through MongoDB, so datetimes are written as UTC ISO
8601 with millisecond precision (BSON keeps milliseconds, and returns naive UTC datetimes unless
the client is tz-aware: naive datetimes are read as UTC), tuples become lists, and keys are sorted.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS_HASH = "0" * 64
HASH_FIELD = "sequence_hash"


def _normalise(value: Any) -> Any:
    if isinstance(value, datetime):
        moment = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    if isinstance(value, Mapping):
        return {str(k): _normalise(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_normalise(v) for v in value]
    if isinstance(value, bytes | bytearray):
        raise TypeError("binary data does not belong in the log; store it and log a reference")
    return value


def canonical_event(event: Mapping[str, Any]) -> bytes:
    """Deterministic bytes of an entry: sorted keys, no whitespace, UTF-8, without ``sequence_hash``."""
    body = {k: v for k, v in event.items() if k != HASH_FIELD}
    return json.dumps(
        _normalise(body), sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode()


def chain_hash(prev_hash: str, event: Mapping[str, Any], key: bytes | None = None) -> str:
    message = prev_hash.encode("ascii") + canonical_event(event)
    if key is None:
        return hashlib.sha256(message).hexdigest()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def append(log: list[dict[str, Any]], event: Mapping[str, Any], key: bytes | None = None) -> dict[str, Any]:
    """Add ``event`` to ``log`` with its ``sequence_hash``; returns the stored entry."""
    prev = log[-1][HASH_FIELD] if log else GENESIS_HASH
    entry = {k: v for k, v in event.items() if k != HASH_FIELD}
    entry[HASH_FIELD] = chain_hash(prev, entry, key)
    log.append(entry)
    return entry


@dataclass(frozen=True, slots=True)
class ChainVerification:
    valid: bool
    first_broken_index: int | None
    checked: int

    @property
    def explanation(self) -> str:
        if self.valid:
            return f"all {self.checked} entries are intact"
        return (
            f"entry {self.first_broken_index} does not match the hash chain: it or an entry "
            "before it was altered, inserted, removed or reordered"
        )


def verify_chain(log: list[Mapping[str, Any]], genesis: str = GENESIS_HASH,
                 key: bytes | None = None) -> ChainVerification:
    prev = genesis
    for index, entry in enumerate(log):
        stored = entry.get(HASH_FIELD)
        try:
            expected = chain_hash(prev, entry, key)
        except (TypeError, ValueError):  # an entry that cannot even be canonicalised was tampered with
            return ChainVerification(False, index, index + 1)
        if stored != expected:
            return ChainVerification(False, index, index + 1)
        prev = stored
    return ChainVerification(True, None, len(log))
