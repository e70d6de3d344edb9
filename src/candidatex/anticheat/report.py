"""The integrity report a recruiter reads beside a session: what happened, and how much it weighs.

The risk score is deliberately simple so that every point can be traced to evidence. Each kind of
finding *i* gets a contribution ``c_i = severity_i x proximity_i`` in [0, 1]:

* strikes: ``proximity = min(count / threshold, 1)`` (warn-only kinds: ``min(count / 5, 1)``), so a
  kind at its termination threshold contributes its full severity;
* integrity findings (forged or replayed signals, sequence gaps, a broken hash chain, a monitor
  that dropped most frames) have their own severities and saturation counts.

The contributions are combined like independent pieces of evidence,
``score = 100 x (1 - prod(1 - c_i))``: any single finding can reach its own weight, more findings
only raise the score, and it never exceeds 100. Levels: low < 30 <= medium < 60 <= high.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from candidatex.anticheat import events
from candidatex.anticheat.chain import ChainVerification, verify_chain
from candidatex.anticheat.policy import DEFAULT_THRESHOLDS

SEVERITY: dict[str, float] = {
    "multiple_faces": 1.0,
    "second_screen": 0.9,
    "camera_frozen": 0.8,
    "face_not_live": 0.6,
    "tab_switch": 0.7,
    "camera_covered": 0.7,
    "signals_suppressed": 0.7,
    "signals_inconsistent": 0.7,
    "second_tab": 0.6,
    "speech_during_text": 0.6,
    "fullscreen_exit": 0.6,
    "face_missing": 0.6,
    "suspicious_input": 0.6,
    "looking_away": 0.4,
    "face_too_far": 0.1,
    "face_too_close": 0.1,
}
# Integrity findings: (severity, count at which the finding weighs fully).
INTEGRITY_SEVERITY: dict[str, tuple[float, int]] = {
    "forgery": (0.9, 1),
    "gap": (0.5, 5),
    "replay": (0.3, 3),
    "chain_broken": (1.0, 1),
    "frames_dropped": (0.3, 1),
}
WARN_ONLY_SATURATION = 5
LOW_BELOW, HIGH_FROM = 30.0, 60.0


@dataclass(frozen=True, slots=True)
class Evidence:
    what: str
    count: int
    first_at: str | None
    last_at: str | None
    weight: float
    proximity: float
    points: float  # 100 x weight x proximity: this finding's score on its own
    explanation: str


@dataclass(frozen=True, slots=True)
class IntegrityReport:
    timeline: list[dict[str, Any]]
    counts_by_kind: dict[str, int]
    strikes: dict[str, int]
    risk_score: float
    risk_level: str
    evidence: list[Evidence]
    snapshots: list[dict[str, Any]]
    chain: ChainVerification
    terminated_reason: str | None = None
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["chain"]["explanation"] = self.chain.explanation
        return data


def _iso(value: Any) -> str | None:
    if isinstance(value, datetime):
        return value.isoformat()
    return None if value is None else str(value)


def integrity_report(
    log: Sequence[Mapping[str, Any]],
    thresholds: Mapping[str, int] | None = None,
    *,
    strikes: Mapping[str, int] | None = None,
    chain_key: bytes | None = None,
    dismissed: set[int] | frozenset[int] = frozenset(),
) -> IntegrityReport:
    """Build the report from a session's ``anti_cheat_log``.

    ``strikes``: the policy's counts, if the caller has them; otherwise they are counted from the log.
    ``chain_key``: the session's chain key (the app's logs are keyed; see :mod:`candidatex.anticheat.integrity`).
    ``dismissed``: log indices of flags a reviewer dismissed after the candidate contested them: they stay in the
    timeline (marked) and leave the strikes, the evidence and the risk score.
    """
    thresholds = dict(DEFAULT_THRESHOLDS if thresholds is None else thresholds)
    chain = verify_chain(list(log), key=chain_key)
    timeline: list[dict[str, Any]] = []
    counts: Counter[str] = Counter()
    strike_times: dict[str, list[str | None]] = {}
    integrity_times: dict[str, list[str | None]] = {}
    snapshots = []
    terminated_reason = None
    missing_signals = 0
    dismissed_by_kind: Counter[str] = Counter()
    for index, entry in enumerate(log):
        kind = str(entry.get("event"))
        at = _iso(entry.get("timestamp"))
        details = entry.get("details") or {}
        if kind == events.SIGNAL and details.get("kind") == "heartbeat":
            counts["heartbeat"] += 1  # every few seconds: counted, kept out of the timeline a person reads
            continue
        counts[kind] += 1
        row: dict[str, Any] = {"index": index, "at": at, "event": kind, "details": details}
        timeline.append(row)
        if kind in thresholds and "strike" in details and index in dismissed:
            row["dismissed"] = True
            dismissed_by_kind[kind] += 1
        elif kind in thresholds and "strike" in details:
            strike_times.setdefault(kind, []).append(at)
            if details.get("snapshot") is not None:
                snapshots.append({"index": index, "at": at, "kind": kind, "ref": details["snapshot"]})
        elif kind == events.SIGNAL_REJECTED:
            integrity_times.setdefault(str(details.get("reason")), []).append(at)
        elif kind == events.SIGNAL_GAP:
            integrity_times.setdefault("gap", []).append(at)
            missing_signals += max(1, len(details.get("missing", [])))
        elif kind == events.TERMINATED:
            terminated_reason = details.get("reason")
        elif kind == events.MONITOR_STATS:
            wanted = details.get("frames_analyzed", 0) + details.get("frames_dropped", 0)
            if wanted and details.get("frames_dropped", 0) / wanted > 0.5:
                integrity_times.setdefault("frames_dropped", []).append(at)

    if strikes is not None:
        strike_counts = {k: max(0, v - dismissed_by_kind[k]) for k, v in strikes.items()}
    else:
        strike_counts = {k: len(v) for k, v in strike_times.items()}
    evidence = [
        _strike_evidence(kind, count, thresholds.get(kind, 0), strike_times.get(kind, []))
        for kind, count in strike_counts.items()
        if count > 0
    ]
    for finding, times in integrity_times.items():
        count = missing_signals if finding == "gap" else len(times)
        evidence.append(_integrity_evidence(finding, count, times))
    if not chain.valid:
        assert chain.first_broken_index is not None  # an invalid chain names its first broken entry
        # the log's index, not the timeline's: heartbeats are kept out of the timeline
        broken_at = _iso(log[chain.first_broken_index].get("timestamp"))
        evidence.append(_integrity_evidence("chain_broken", 1, [broken_at], chain.explanation))
    evidence.sort(key=lambda e: e.points, reverse=True)

    remaining = 1.0
    for item in evidence:
        remaining *= 1.0 - item.weight * item.proximity
    score = round(100.0 * (1.0 - remaining), 1)
    level = "low" if score < LOW_BELOW else "medium" if score < HIGH_FROM else "high"
    notes = [] if chain.valid else [f"Hash chain: {chain.explanation}."]
    return IntegrityReport(
        timeline=timeline,
        counts_by_kind=dict(counts),
        strikes=strike_counts,
        risk_score=score,
        risk_level=level,
        evidence=evidence,
        snapshots=snapshots,
        chain=chain,
        terminated_reason=terminated_reason,
        notes=notes,
    )


def _strike_evidence(kind: str, count: int, threshold: int, times: list[str | None]) -> Evidence:
    weight = SEVERITY.get(kind, 0.5)
    if threshold > 0:
        proximity = min(count / threshold, 1.0)
        limit = f"{count} of {threshold} strikes allowed before termination"
    else:
        proximity = min(count / WARN_ONLY_SATURATION, 1.0)
        limit = f"{count} warning(s), never terminating"
    span = f", first at {times[0]}, last at {times[-1]}" if times else ""
    return _evidence(kind, count, times, weight, proximity, f"{kind.replace('_', ' ')}: {limit}{span}")


_INTEGRITY_TEXT = {
    "forgery": "signal(s) with an invalid signature (forged or altered in transit)",
    "replay": "signal(s) replayed with an old sequence number",
    "gap": "signal sequence number(s) missing (events lost or suppressed)",
    "chain_broken": "break in the log's hash chain",
    "frames_dropped": "monitoring period(s) in which most camera frames could not be analysed",
}


def _integrity_evidence(finding: str, count: int, times: list[str | None], extra: str = "") -> Evidence:
    weight, saturation = INTEGRITY_SEVERITY.get(finding, (0.5, 1))
    proximity = min(count / saturation, 1.0)
    text = f"{count} {_INTEGRITY_TEXT.get(finding, finding)}"
    if extra:
        text += f": {extra}"
    return _evidence(finding, count, times, weight, proximity, text)


def _evidence(what: str, count: int, times: list[str | None], weight: float, proximity: float,
              text: str) -> Evidence:
    points = round(100 * weight * proximity, 1)
    return Evidence(what=what, count=count, first_at=times[0] if times else None,
                    last_at=times[-1] if times else None, weight=weight, proximity=round(proximity, 3),
                    points=points, explanation=f"{text}; severity {weight} -> {points} points")
