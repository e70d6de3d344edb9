"""AntiCheatSession: the path from a signed browser event or a vision violation to the log."""

from __future__ import annotations

from datetime import UTC, datetime

from candidatex.anticheat.chain import verify_chain
from candidatex.anticheat.monitor import Violation
from candidatex.anticheat.service import AntiCheatSession
from candidatex.anticheat.signals import ClientSignal, new_session_key, sign_signal

NOW = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def signed(key: bytes, seq: int, kind: str) -> ClientSignal:
    return ClientSignal(kind=kind, seq=seq, ts=seq, data={}, hmac=sign_signal(key, "s1", seq, kind, seq, {}))


def test_restored_session_continues_counts_sequence_and_chain() -> None:
    key = new_session_key()
    first = AntiCheatSession("s1", key)
    assert first.handle_signal(signed(key, 1, "tab_switch"), NOW).decision.count == 1

    # The service restarts: state comes back from the stored session document.
    restored = AntiCheatSession(
        "s1", key, log=list(first.log), counts=first.policy.counts, last_seq=first.verifier.last_seq
    )
    replay = restored.handle_signal(signed(key, 1, "tab_switch"), NOW)
    assert replay.verdict.problem == "replay" and replay.decision is None
    second = restored.handle_signal(signed(key, 2, "window_blur"), NOW)
    assert second.terminate and restored.terminated
    assert second.decision.terminated_reason == "tab_switch: 2 of 2 allowed strikes"
    assert verify_chain(restored.log).valid
    assert [e["event"] for e in restored.log] == ["tab_switch", "signal_rejected", "tab_switch", "terminated"]


def test_vision_violation_logs_evidence_and_snapshot_ref() -> None:
    session = AntiCheatSession("s1", new_session_key())
    violation = Violation("multiple_faces", 12.5, 15.5, {"max_faces": 2, "ratio": 0.83}, b"\xff\xd8")
    outcome = session.handle_violation(violation, NOW, snapshot="gridfs:123")
    assert outcome.terminate
    strike = outcome.entries[0]
    assert strike["details"]["evidence"] == {"max_faces": 2, "ratio": 0.83, "started_at": 12.5}
    assert strike["details"]["snapshot"] == "gridfs:123" and strike["details"]["source"] == "vision"
    # Later strikes are still logged, but termination is logged once.
    session.handle_violation(violation, NOW)
    assert [e["event"] for e in session.log].count("terminated") == 1


def test_a_still_picture_marks_the_session_for_review_once_and_the_interview_goes_on() -> None:
    session = AntiCheatSession("s1", new_session_key())  # the default policy: terminate
    frozen = Violation(
        "camera_frozen", 0.0, 9.0, {"median_face_shift": 0.00001, "eye_range": 0.05}, b"\xff\xd8"
    )
    outcomes = [session.handle_violation(frozen, NOW) for _ in range(3)]
    assert not any(o.terminate for o in outcomes) and not session.terminated
    assert [e["event"] for e in session.log] == [
        "camera_frozen",
        "camera_frozen",
        "review_flagged",
        "camera_frozen",
    ]
    assert session.log[2]["details"] == {"kind": "camera_frozen", "count": 2, "threshold": 2}
