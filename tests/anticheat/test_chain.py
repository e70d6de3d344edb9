"""The hash-chained anti_cheat_log: building, verifying, and naming the first broken link."""

from __future__ import annotations

import copy
import hashlib
from datetime import UTC, datetime, timedelta, timezone

import pytest

from candidatex.anticheat.chain import GENESIS_HASH, append, canonical_event, chain_hash, verify_chain

START = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def build_log(n: int = 6) -> list[dict]:
    log: list[dict] = []
    for i in range(n):
        append(
            log,
            {"event": "tab_switch", "timestamp": START + timedelta(seconds=i), "details": {"strike": i + 1}},
        )
    return log


def test_first_entry_chains_from_the_genesis_hash() -> None:
    log = build_log(1)
    expected = hashlib.sha256(GENESIS_HASH.encode() + canonical_event(log[0])).hexdigest()
    assert log[0]["sequence_hash"] == expected == chain_hash("0" * 64, log[0])


def test_canonical_form_is_sorted_compact_and_ignores_the_hash() -> None:
    event = {"timestamp": START, "event": "copy", "details": {"b": 1, "a": [1, 2]}, "sequence_hash": "x"}
    assert canonical_event(event) == (
        b'{"details":{"a":[1,2],"b":1},"event":"copy","timestamp":"2025-03-01T09:00:00.000Z"}'
    )


def test_intact_log_verifies() -> None:
    result = verify_chain(build_log())
    assert result.valid and result.first_broken_index is None and result.checked == 6


@pytest.mark.parametrize("index", [0, 3, 5])
def test_edited_entry_is_named(index: int) -> None:
    log = build_log()
    log[index]["details"]["strike"] = 0  # someone "forgives" a strike
    result = verify_chain(log)
    assert not result.valid and result.first_broken_index == index
    assert f"entry {index}" in result.explanation


def test_removed_entry_breaks_the_link_where_it_was() -> None:
    log = build_log()
    del log[2]
    assert verify_chain(log).first_broken_index == 2


def test_swapped_entries_are_detected() -> None:
    log = build_log()
    log[1], log[2] = log[2], log[1]
    assert verify_chain(log).first_broken_index == 1


def test_rehashing_one_edited_entry_still_breaks_the_next() -> None:
    log = build_log()
    log[2]["details"]["strike"] = 0
    log[2]["sequence_hash"] = chain_hash(log[1]["sequence_hash"], log[2])
    assert verify_chain(log).first_broken_index == 3


def test_chain_survives_a_mongodb_round_trip() -> None:
    log = build_log(3)
    stored = copy.deepcopy(log)
    for entry in stored:  # BSON keeps milliseconds and returns naive UTC datetimes
        entry["timestamp"] = entry["timestamp"].replace(tzinfo=None)
    assert verify_chain(stored).valid
    paris = timezone(timedelta(hours=1))
    local = [{**e, "timestamp": e["timestamp"].astimezone(paris)} for e in log]
    assert verify_chain(local).valid


def test_binary_data_is_refused() -> None:
    with pytest.raises(TypeError):
        append([], {"event": "face_missing", "details": {"snapshot": b"\xff\xd8"}})
