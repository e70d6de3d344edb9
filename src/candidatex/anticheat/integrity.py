"""Keys, checkpoints and verification of a session's anti-cheat log: a log nobody can quietly rewrite.

* **Keyed chain.** Every entry's ``sequence_hash`` is an HMAC-SHA-256 under the session's chain key,
  ``HMAC(integrity key, "chain:" + session_id)``; the integrity key is ``INTEGRITY_KEY`` or, unset, derived
  from ``SECRET_KEY`` with HKDF. Someone who edits the database cannot recompute the chain.
* **Signed checkpoints.** When a session ends the server signs ``(session_id, length, head)`` with an
  Ed25519 key derived the same way, stores the checkpoint with the session and hands it to the candidate
  and the recruiter. Cutting entries off the end (the one edit a chain alone cannot show) or emptying
  the log no longer matches a checkpoint; anyone can check a checkpoint with the public key alone.
* **Counts from the log.** Verification recomputes the strike counts from the log's strike entries and
  compares them with the stored ``strike_counts``, so an edited counter is found too.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from candidatex.anticheat.chain import HASH_FIELD, verify_chain
from candidatex.anticheat.kinds import StrikeKind
from candidatex.core.crypto import parse_key

CHECKPOINT_VERSION = "candidatex-integrity-checkpoint-v1"


def _hkdf(material: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"candidatex-integrity", info=info).derive(material)


def parse_integrity_key(encoded: str) -> bytes:
    try:
        return parse_key(encoded)  # the same form as FIELD_ENCRYPTION_KEY
    except ValueError:
        raise ValueError("INTEGRITY_KEY must be base64 of 32 random bytes") from None


class IntegrityKeys:
    """The server's chain key and checkpoint signing key, from one secret."""

    def __init__(self, secret: bytes) -> None:
        self._chain_master = _hkdf(secret, b"candidatex anti-cheat chain v1")
        self._signing = Ed25519PrivateKey.from_private_bytes(_hkdf(secret, b"candidatex checkpoint signing v1"))
        public = self._signing.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        self.public_key_b64 = base64.b64encode(public).decode()
        self.key_id = hashlib.sha256(public).hexdigest()[:16]

    @classmethod
    def from_settings(cls, secret_key: str, integrity_key: str | None = None) -> IntegrityKeys:
        return cls(parse_integrity_key(integrity_key) if integrity_key else secret_key.encode())

    def chain_key(self, session_id: str) -> bytes:
        return hmac.new(self._chain_master, f"chain:{session_id}".encode(), hashlib.sha256).digest()

    def sign_checkpoint(self, session_id: str, log: Sequence[Mapping[str, Any]], at: datetime) -> dict[str, Any]:
        body = {"version": CHECKPOINT_VERSION, "session_id": session_id, "length": len(log),
                "head": str(log[-1].get(HASH_FIELD)) if log else None, "signed_at": at.isoformat(),
                "key_id": self.key_id}
        signature = self._signing.sign(_checkpoint_bytes(body))
        return {**body, "signature": base64.b64encode(signature).decode()}


def _checkpoint_bytes(body: Mapping[str, Any]) -> bytes:
    fields = {k: body.get(k) for k in ("version", "session_id", "length", "head", "signed_at", "key_id")}
    return json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()


def checkpoint_signature_valid(checkpoint: Mapping[str, Any], public_key_b64: str) -> bool:
    """Check a checkpoint with the public key alone (what a candidate or recruiter can do offline)."""
    try:
        public = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key_b64))
        public.verify(base64.b64decode(str(checkpoint.get("signature", ""))), _checkpoint_bytes(checkpoint))
    except (InvalidSignature, ValueError, TypeError, binascii.Error):
        return False
    return True


def strike_counts_from_log(log: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    """Strikes per kind as the log records them (an entry of a strike kind with a ``strike`` number)."""
    kinds = {str(kind) for kind in StrikeKind}
    counts: Counter[str] = Counter()
    for entry in log:
        kind = str(entry.get("event"))
        if kind in kinds and "strike" in (entry.get("details") or {}):
            counts[kind] += 1
    return dict(counts)


@dataclass(frozen=True, slots=True)
class LogVerification:
    valid: bool
    checked: int
    first_broken_index: int | None = None
    problems: list[str] = field(default_factory=list)
    checkpoints_checked: int = 0

    @property
    def explanation(self) -> str:
        if self.valid:
            return (f"all {self.checked} entries are intact under the server's key, the strike counts match the "
                    f"log, and {self.checkpoints_checked} signed checkpoint(s) match")
        return "; ".join(self.problems)


def verify_session_log(
    keys: IntegrityKeys,
    session_id: str,
    log: Sequence[Mapping[str, Any]],
    *,
    stored_counts: Mapping[str, int] | None,
    ended: bool,
    checkpoints: Sequence[Mapping[str, Any]] = (),
) -> LogVerification:
    """Everything a person relying on the log needs checked, each failure explained in words.

    ``checkpoints``: the ones stored with the session plus any a candidate or recruiter presents.
    """
    problems: list[str] = []
    chain = verify_chain(list(log), key=keys.chain_key(session_id))
    if not chain.valid:
        problems.append(f"entry {chain.first_broken_index} does not match the keyed hash chain: it or an entry "
                        "before it was altered, inserted, removed or reordered, or the chain was recomputed "
                        "without the server's key")
    recomputed = strike_counts_from_log(log)
    stored = {k: int(v) for k, v in (stored_counts or {}).items() if int(v)}
    if recomputed != stored:
        differing = sorted(set(recomputed) | set(stored))
        detail = ", ".join(f"{k}: stored {stored.get(k, 0)}, log {recomputed.get(k, 0)}" for k in differing
                           if stored.get(k, 0) != recomputed.get(k, 0))
        problems.append(f"the stored strike counts differ from the strikes in the log ({detail})")
    if ended and not checkpoints:
        problems.append("the session has ended but no signed checkpoint of its log is stored (removed?)")
    for checkpoint in checkpoints:
        if checkpoint.get("session_id") != session_id:
            problems.append("a checkpoint names another session")
            continue
        if not checkpoint_signature_valid(checkpoint, keys.public_key_b64):
            problems.append("a checkpoint's Ed25519 signature is not valid under the server's key")
            continue
        length = int(checkpoint.get("length") or 0)
        if length > len(log):
            problems.append(f"the log has {len(log)} entries but a signed checkpoint covers {length}: "
                            "entries were cut off or the log was emptied")
        elif length and str(log[length - 1].get(HASH_FIELD)) != checkpoint.get("head"):
            problems.append(f"entry {length - 1} is not the head the checkpoint signed: the log was rewritten")
    return LogVerification(valid=not problems, checked=chain.checked, first_broken_index=chain.first_broken_index,
                           problems=problems, checkpoints_checked=len(checkpoints))
