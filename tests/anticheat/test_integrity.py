"""The keyed chain's keys and signed checkpoints, without a database."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest

from candidatex.anticheat.chain import append, verify_chain
from candidatex.anticheat.integrity import (
    IntegrityKeys,
    checkpoint_signature_valid,
    parse_integrity_key,
    strike_counts_from_log,
    verify_session_log,
)

SID = "6650f0c2a1b2c3d4e5f60718"
NOW = datetime(2026, 1, 1, 12, tzinfo=UTC)


def keyed_log(keys: IntegrityKeys) -> list[dict]:
    log: list[dict] = []
    for strike, kind in enumerate(["tab_switch", "tab_switch"], 1):
        append(log, {"event": kind, "timestamp": NOW, "details": {"strike": strike}}, keys.chain_key(SID))
    append(log, {"event": "signal", "timestamp": NOW, "details": {"kind": "right_click"}}, keys.chain_key(SID))
    return log


def test_each_session_and_each_server_key_has_its_own_chain() -> None:
    keys = IntegrityKeys.from_settings("s" * 40)
    other_server = IntegrityKeys.from_settings("s" * 40, base64.b64encode(b"k" * 32).decode())
    log = keyed_log(keys)
    assert verify_chain(log, key=keys.chain_key(SID)).valid
    assert not verify_chain(log, key=keys.chain_key("a" * 24)).valid  # entries cannot move between sessions
    assert not verify_chain(log, key=other_server.chain_key(SID)).valid
    assert not verify_chain(log).valid  # nor pass as the spec's plain SHA-256 chain
    with pytest.raises(ValueError, match="INTEGRITY_KEY"):
        parse_integrity_key("not-32-bytes")


def test_a_checkpoint_verifies_with_the_public_key_alone_and_catches_truncation() -> None:
    keys = IntegrityKeys.from_settings("s" * 40)
    log = keyed_log(keys)
    checkpoint = keys.sign_checkpoint(SID, log, NOW)
    assert checkpoint["length"] == 3 and checkpoint["head"] == log[-1]["sequence_hash"]
    assert checkpoint_signature_valid(checkpoint, keys.public_key_b64)
    assert not checkpoint_signature_valid({**checkpoint, "length": 2}, keys.public_key_b64)
    counts = strike_counts_from_log(log)
    assert counts == {"tab_switch": 2}
    intact = verify_session_log(keys, SID, log, stored_counts=counts, ended=True, checkpoints=[checkpoint])
    assert intact.valid and intact.checkpoints_checked == 1
    cut = verify_session_log(keys, SID, log[:1], stored_counts={"tab_switch": 1}, ended=True, checkpoints=[checkpoint])
    assert not cut.valid and cut.problems == [
        "the log has 1 entries but a signed checkpoint covers 3: entries were cut off or the log was emptied"]
    unsealed = verify_session_log(keys, SID, log, stored_counts=counts, ended=True)
    assert not unsealed.valid and "no signed checkpoint" in unsealed.explanation
