"""Signed, ordered browser signals: valid, replayed, gapped, forged; typing cadence."""

from __future__ import annotations

import hashlib
import hmac as hmac_lib
import random

import pytest
from pydantic import ValidationError

from candidatex.anticheat.signals import (
    ClientSignal,
    SignalVerifier,
    analyze_typing_cadence,
    new_session_key,
    sign_signal,
    strike_kind_for,
)

SESSION = "sess-42"


def signal(
    key: bytes, seq: int, kind: str = "tab_switch", data: dict | None = None, ts: int = 1_700_000_000_000
):
    data = data or {}
    return ClientSignal(
        kind=kind, seq=seq, ts=ts + seq, data=data, hmac=sign_signal(key, SESSION, seq, kind, ts + seq, data)
    )


@pytest.fixture
def key() -> bytes:
    return new_session_key()


def test_in_order_signals_are_accepted(key: bytes) -> None:
    verifier = SignalVerifier(SESSION, key)
    verdicts = [verifier.verify(signal(key, seq, data={"hidden_ms": 1200})) for seq in (1, 2, 3)]
    assert all(v.accepted and v.problem is None for v in verdicts)
    assert verifier.last_seq == 3


def test_replayed_signal_is_rejected(key: bytes) -> None:
    verifier = SignalVerifier(SESSION, key)
    first = signal(key, 1)
    verifier.verify(first)
    verifier.verify(signal(key, 2))
    verdict = verifier.verify(first)
    assert (verdict.accepted, verdict.problem, verdict.expected_seq) == (False, "replay", 3)
    assert verifier.last_seq == 2


def test_gap_is_reported_and_the_signal_still_counts(key: bytes) -> None:
    verifier = SignalVerifier(SESSION, key)
    verifier.verify(signal(key, 1))
    verdict = verifier.verify(signal(key, 4))
    assert verdict.accepted and verdict.problem == "gap"
    assert verdict.missing == (2, 3)
    assert verifier.verify(signal(key, 5)).problem is None


def test_altered_data_is_a_forgery_and_does_not_move_the_sequence(key: bytes) -> None:
    verifier = SignalVerifier(SESSION, key)
    honest = signal(key, 1, kind="paste", data={"chars": 400})
    tampered = honest.model_copy(update={"data": {"chars": 4}})
    assert verifier.verify(tampered).problem == "forgery"
    assert verifier.last_seq == 0
    assert verifier.verify(honest).accepted


def test_signal_signed_with_another_key_or_session_is_a_forgery(key: bytes) -> None:
    other_key = signal(new_session_key(), 1)
    assert SignalVerifier(SESSION, key).verify(other_key).problem == "forgery"
    other_session = signal(key, 1)
    assert SignalVerifier("sess-43", key).verify(other_session).problem == "forgery"


def test_forged_huge_sequence_cannot_lock_out_the_client(key: bytes) -> None:
    verifier = SignalVerifier(SESSION, key)
    forged = signal(key, 10**6).model_copy(update={"hmac": "0" * 64})
    assert verifier.verify(forged).problem == "forgery"
    assert verifier.verify(signal(key, 1)).accepted


def test_malformed_signals_fail_validation() -> None:
    with pytest.raises(ValidationError):
        ClientSignal(kind="teleport", seq=1, ts=0, hmac="0" * 64)
    with pytest.raises(ValidationError):
        ClientSignal(kind="copy", seq=0, ts=0, hmac="0" * 64)


def test_canonical_form_matches_a_browser_json_stringify(key: bytes) -> None:
    # What the page signs: JSON.stringify of an object built with its keys in sorted order.
    browser_json = (
        b'{"data":{"chars":12,"field":"answer"},"kind":"paste","seq":7,'
        b'"session_id":"sess-42","ts":1700000000007}'
    )
    expected = hmac_lib.new(key, browser_json, hashlib.sha256).hexdigest()
    assert (
        sign_signal(key, SESSION, 7, "paste", 1_700_000_000_007, {"field": "answer", "chars": 12}) == expected
    )


def test_human_typing_is_not_suspicious() -> None:
    rng = random.Random(3)
    intervals = [max(30.0, rng.lognormvariate(5.0, 0.5)) for _ in range(120)]  # ~150 ms, irregular
    verdict = analyze_typing_cadence(intervals)
    assert not verdict.suspicious
    assert verdict.coefficient_of_variation > 0.3


def test_robotic_uniform_typing_is_suspicious() -> None:
    intervals = [100.0 + (i % 3) for i in range(60)]  # an auto-typer's metronome
    verdict = analyze_typing_cadence(intervals)
    assert verdict.suspicious and "uniform_rhythm" in verdict.reasons


def test_injected_keystroke_burst_is_suspicious() -> None:
    rng = random.Random(5)
    intervals = (
        [rng.uniform(90, 400) for _ in range(30)] + [3.0] * 40 + [rng.uniform(90, 400) for _ in range(10)]
    )
    verdict = analyze_typing_cadence(intervals)
    assert verdict.suspicious and verdict.reasons == ("inhuman_burst",)
    assert verdict.longest_fast_run == 40


def test_signals_map_to_the_spec_strike_kinds(key: bytes) -> None:
    assert strike_kind_for(signal(key, 1, "window_blur")) == "tab_switch"
    assert strike_kind_for(signal(key, 1, "fullscreen_exit")) == "fullscreen_exit"
    for kind in ("copy", "paste", "paste_burst", "devtools"):
        assert strike_kind_for(signal(key, 1, kind)) == "suspicious_input"
    assert strike_kind_for(signal(key, 1, "second_screen")) == "second_screen"
    assert strike_kind_for(signal(key, 1, "right_click")) is None
    robotic = {"intervals_ms": [80] * 40}
    human = {
        "intervals_ms": [
            120,
            340,
            95,
            210,
            180,
            460,
            150,
            130,
            300,
            90,
            240,
            170,
            510,
            140,
            200,
            110,
            260,
            190,
            330,
            150,
            100,
        ]
    }
    assert strike_kind_for(signal(key, 1, "typing_cadence", robotic)) == "suspicious_input"
    assert strike_kind_for(signal(key, 1, "typing_cadence", human)) is None
