"""Builders for ``anti_cheat_log`` entries, so every writer produces what the report reads.

An entry is the spec's ``{event, timestamp, details}`` (``sequence_hash`` is added by
:func:`candidatex.anticheat.chain.append`). ``event`` is a strike kind (``face_missing``,
``tab_switch``, ...) for strikes, or one of the names below for everything else.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from candidatex.anticheat.policy import PrecheckReport, PrecheckResult, StrikeDecision
from candidatex.anticheat.signals import ClientSignal, SignalVerdict

SIGNAL = "signal"  # an authentic browser signal that is logged but is no strike
SIGNAL_REJECTED = "signal_rejected"  # replay or forgery
SIGNAL_GAP = "signal_gap"  # sequence numbers skipped: events lost or suppressed
TERMINATED = "terminated"
REVIEW_FLAGGED = "review_flagged"  # a threshold was reached under the flag_for_review policy
PRECHECK = "precheck"
MONITOR_STATS = "monitor_stats"

Source = Literal["vision", "client", "server"]


def strike_entry(
    decision: StrikeDecision,
    timestamp: datetime,
    *,
    source: Source,
    evidence: dict[str, Any] | None = None,
    snapshot: str | None = None,
) -> dict[str, Any]:
    """``snapshot``: a reference (e.g. a GridFS id) to the stored thumbnail of the offending frame."""
    details: dict[str, Any] = {
        "strike": decision.count,
        "threshold": decision.threshold,
        "terminate": decision.terminate,
        "source": source,
        "evidence": evidence or {},
    }
    if snapshot is not None:
        details["snapshot"] = snapshot
    return {"event": decision.kind, "timestamp": timestamp, "details": details}


def signal_entry(signal: ClientSignal, verdict: SignalVerdict, timestamp: datetime) -> dict[str, Any]:
    """The entry for a signal's integrity problem (replay, forgery, gap) or for a logged-only signal."""
    if verdict.problem in ("replay", "forgery", "too_many_tabs"):
        return {
            "event": SIGNAL_REJECTED,
            "timestamp": timestamp,
            "details": {"reason": verdict.problem, **verdict.log_details(signal)},
        }
    if verdict.problem == "gap":
        return {"event": SIGNAL_GAP, "timestamp": timestamp, "details": verdict.log_details(signal)}
    details: dict[str, Any] = {"kind": signal.kind, "seq": signal.seq, "data": signal.data}
    if signal.tab is not None:
        details["tab"] = signal.tab
    return {"event": SIGNAL, "timestamp": timestamp, "details": details}


def termination_entry(decision: StrikeDecision, timestamp: datetime) -> dict[str, Any]:
    return {
        "event": TERMINATED,
        "timestamp": timestamp,
        "details": {"reason": decision.terminated_reason, "kind": decision.kind},
    }


def review_entry(decision: StrikeDecision, timestamp: datetime) -> dict[str, Any]:
    return {
        "event": REVIEW_FLAGGED,
        "timestamp": timestamp,
        "details": {"kind": decision.kind, "count": decision.count, "threshold": decision.threshold},
    }


def precheck_entry(report: PrecheckReport, result: PrecheckResult, timestamp: datetime) -> dict[str, Any]:
    return {"event": PRECHECK, "timestamp": timestamp, "details": result.as_session_record(report)}


def monitor_stats_entry(stats: dict[str, int], timestamp: datetime) -> dict[str, Any]:
    """Frames analysed / skipped / dropped, logged when the session ends (drops are evidence gaps)."""
    return {"event": MONITOR_STATS, "timestamp": timestamp, "details": dict(stats)}
