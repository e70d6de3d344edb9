"""Integrity report: timeline, counts, snapshots, and a risk score that follows the evidence."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from candidatex.anticheat import events
from candidatex.anticheat.chain import append
from candidatex.anticheat.monitor import Violation
from candidatex.anticheat.policy import PrecheckReport, evaluate_precheck
from candidatex.anticheat.report import integrity_report
from candidatex.anticheat.service import AntiCheatSession, Outcome
from candidatex.anticheat.signals import ClientSignal, sign_signal

SESSION = "sess-7"
KEY = b"k" * 32
START = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


class Session:
    """An AntiCheatSession with a test clock and a passed precheck, as the interview service drives it."""

    def __init__(self) -> None:
        self.anticheat = AntiCheatSession(SESSION, KEY)
        self.log = self.anticheat.log
        self.clock = START
        report = PrecheckReport(camera=True, microphone=True, speaker=True, fullscreen=True)
        append(self.log, events.precheck_entry(report, evaluate_precheck(report), self.clock))

    def tick(self) -> datetime:
        self.clock += timedelta(seconds=30)
        return self.clock

    def strike(self, kind: str, snapshot: str | None = None) -> Outcome:
        violation = Violation(kind, 0.0, 3.0, {"ratio": 0.8}, b"")
        return self.anticheat.handle_violation(violation, self.tick(), snapshot=snapshot)

    def client(self, kind: str, seq: int, data: dict | None = None, forge: bool = False) -> Outcome:
        data = data or {}
        mac = "f" * 64 if forge else sign_signal(KEY, SESSION, seq, kind, seq, data)
        signal = ClientSignal(kind=kind, seq=seq, ts=seq, data=data, hmac=mac)
        return self.anticheat.handle_signal(signal, self.tick())


def test_clean_session_is_low_risk() -> None:
    session = Session()
    session.client("right_click", 1)
    report = integrity_report(session.log)
    assert report.risk_score == 0 and report.risk_level == "low"
    assert report.evidence == [] and report.chain.valid
    assert report.counts_by_kind == {"precheck": 1, "signal": 1}


def test_risk_grows_with_evidence_and_names_it() -> None:
    clean, mild, bad = Session(), Session(), Session()
    clean.client("right_click", 1)
    mild.strike("looking_away")
    mild.client("copy", 1)
    bad.client("tab_switch", 1)
    bad.strike("face_missing", snapshot="gridfs:abc")
    bad.strike("face_missing", snapshot="gridfs:def")
    final = bad.client("tab_switch", 2)  # second tab switch: the spec's limit
    assert final.terminate and [e["event"] for e in final.entries] == ["tab_switch", "terminated"]

    reports = [integrity_report(s.log) for s in (clean, mild, bad)]
    assert reports[0].risk_score < reports[1].risk_score < reports[2].risk_score
    assert [r.risk_level for r in reports] == ["low", "low", "high"]

    worst = reports[2]
    assert worst.terminated_reason == "tab_switch: 2 of 2 allowed strikes"
    assert worst.strikes == {"tab_switch": 2, "face_missing": 2}
    assert worst.evidence[0].what == "tab_switch" and worst.evidence[0].proximity == 1.0
    assert "2 of 2 strikes" in worst.evidence[0].explanation
    assert [s["ref"] for s in worst.snapshots] == ["gridfs:abc", "gridfs:def"]
    assert [t["event"] for t in worst.timeline] == [
        "precheck",
        "tab_switch",
        "face_missing",
        "face_missing",
        "tab_switch",
        "terminated",
    ]


def test_forgeries_replays_and_gaps_are_evidence_too() -> None:
    session = Session()
    session.client("paste", 1)
    session.client("paste", 1)  # replay
    session.client("fullscreen_exit", 2, forge=True)  # a client hiding its fullscreen exit
    session.client("copy", 6)  # 2..5 missing
    report = integrity_report(session.log)
    found = {e.what: e for e in report.evidence}
    assert found["forgery"].count == 1 and found["replay"].count == 1 and found["gap"].count == 4
    assert report.counts_by_kind["signal_rejected"] == 2 and report.counts_by_kind["signal_gap"] == 1
    assert report.risk_level == "high"  # a forged signature alone is strong evidence


def test_tampered_log_is_reported_with_the_broken_entry() -> None:
    session = Session()
    session.strike("face_missing")
    session.strike("face_missing")
    session.log[1]["details"]["strike"] = 0
    report = integrity_report(session.log)
    assert not report.chain.valid and report.chain.first_broken_index == 1
    assert report.evidence[0].what == "chain_broken" and report.risk_level == "high"
    assert report.to_dict()["chain"]["explanation"].startswith("entry 1")


def test_a_tampered_entry_after_heartbeats_is_reported_with_its_own_time() -> None:
    """Heartbeats stay out of the timeline, so the broken entry's log index is past the timeline's end."""
    session = Session()
    for seq in range(1, 4):
        session.client("heartbeat", seq, {"visible": True})
    struck = session.strike("face_missing")
    session.log[-1]["details"]["strike"] = 0
    report = integrity_report(session.log)
    assert not report.chain.valid and report.chain.first_broken_index == len(session.log) - 1
    broken = report.evidence[0]
    assert broken.what == "chain_broken" and broken.first_at == struck.entries[-1]["timestamp"].isoformat()


def test_monitor_that_could_not_keep_up_is_noted() -> None:
    session = Session()
    append(
        session.log, events.monitor_stats_entry({"frames_analyzed": 10, "frames_dropped": 90}, session.tick())
    )
    report = integrity_report(session.log)
    assert [e.what for e in report.evidence] == ["frames_dropped"]
