"""One session's anti-cheat state in one place: signals and vision violations in, log entries and
strike decisions out. Persistence is the caller's: it stores ``log`` (the session's
``anti_cheat_log``), ``policy.counts``, ``verifier.last_seq`` and the snapshot bytes.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from candidatex.anticheat import events
from candidatex.anticheat.chain import append
from candidatex.anticheat.consistency import cross_check
from candidatex.anticheat.policy import POLICY_TERMINATE, StrikeDecision, StrikePolicy
from candidatex.anticheat.signals import ClientSignal, SignalVerdict, SignalVerifier, strike_kind_for

if TYPE_CHECKING:  # monitor imports mediapipe (seconds); signals alone must not pay for it
    from candidatex.anticheat.monitor import Violation


@dataclass(slots=True)
class Outcome:
    """What one input did: the verdict (signals only), the strike if any, the entries appended."""

    verdict: SignalVerdict | None = None
    decision: StrikeDecision | None = None
    entries: list[dict[str, Any]] = field(default_factory=list)
    # a reviewable finding the input raised beside its own strike (a second tab of the session)
    flags: list[StrikeDecision] = field(default_factory=list)

    @property
    def terminate(self) -> bool:
        return self.decision is not None and self.decision.terminate


class AntiCheatSession:
    def __init__(
        self,
        session_id: str,
        session_key: bytes,
        *,
        thresholds: Mapping[str, int] | None = None,
        log: list[dict[str, Any]] | None = None,
        counts: Mapping[str, int] | None = None,
        last_seq: int = 0,
        chain_key: bytes | None = None,
        policy_mode: str = POLICY_TERMINATE,
        tabs: dict[str, dict[str, int]] | None = None,
        tab_live_ms: int = 20_000,
        ignored_strikes: Set[str] = frozenset(),
        fullscreen_grace_ms: int = 10_000,
    ) -> None:
        """``chain_key``: the session's key of the keyed hash chain (the app always passes one).
        ``ignored_strikes``: kinds switched off (TAB_SWITCH_DETECTION=false): their signals are still logged."""
        self.log: list[dict[str, Any]] = log if log is not None else []
        self.chain_key = chain_key
        self.policy = StrikePolicy(thresholds, counts, policy_mode)
        self.verifier = SignalVerifier(session_id, session_key, last_seq, tabs, tab_live_ms)
        self.ignored_strikes = ignored_strikes
        self.fullscreen_grace_ms = fullscreen_grace_ms

    def append(self, entry: dict[str, Any]) -> dict[str, Any]:
        return append(self.log, entry, self.chain_key)

    @property
    def terminated(self) -> bool:
        return self.policy.terminated_by is not None

    def handle_signal(self, signal: ClientSignal, now: datetime) -> Outcome:
        verdict = self.verifier.verify(signal, now_ms=int(now.timestamp() * 1000))
        outcome = Outcome(verdict=verdict)
        strike = strike_kind_for(signal) if verdict.accepted else None
        ignored = strike is not None and strike in self.ignored_strikes
        if ignored:
            strike = None
        if verdict.second_tab:
            evidence: dict[str, Any] = {"tab": signal.tab, "other_tabs": list(verdict.second_tab), "signal": signal.kind,
                        "rule": "a new tab signed in while another tab of the session was still live"}
            self._flag(outcome, "second_tab", now, evidence)
        if verdict.accepted and signal.tab is not None:
            now_ms = int(now.timestamp() * 1000)
            for found in cross_check(self.verifier.tabs[signal.tab], signal.kind, signal.data, now_ms,
                                     self.fullscreen_grace_ms):
                evidence = {**found.evidence, "check": found.rule, "tab": signal.tab, "seq": signal.seq,
                            "heartbeat": signal.data}
                self._flag(outcome, "signals_inconsistent", now, evidence)
        if verdict.problem is not None or (verdict.accepted and strike is None):
            entry = events.signal_entry(signal, verdict, now)
            if ignored and entry["event"] == events.SIGNAL:
                entry["details"]["strike_disabled"] = True
            outcome.entries.append(self.append(entry))
            if ignored and entry["event"] == events.SIGNAL_GAP:  # the gap entry is logged; log the signal too
                signal_entry = events.signal_entry(signal, type(verdict)(True), now)
                signal_entry["details"]["strike_disabled"] = True
                outcome.entries.append(self.append(signal_entry))
        if strike is not None:
            strike_evidence: dict[str, Any] = {"signal": signal.kind, "seq": signal.seq, "data": signal.data}
            if signal.tab is not None:
                strike_evidence["tab"] = signal.tab
            self._strike(outcome, strike, now, source="client", evidence=strike_evidence)
        return outcome

    def _flag(self, outcome: Outcome, kind: str, now: datetime, evidence: dict[str, Any]) -> None:
        """A reviewable finding a signal raised beside its own strike (its entries join the signal's)."""
        flagged = Outcome()
        self._strike(flagged, kind, now, source="client", evidence=evidence)
        outcome.entries += flagged.entries
        outcome.flags += [flagged.decision] if flagged.decision else []

    def handle_violation(self, violation: Violation, now: datetime, snapshot: str | None = None) -> Outcome:
        """``snapshot``: where the caller stored ``violation.snapshot_jpeg`` (e.g. a GridFS id)."""
        outcome = Outcome()
        evidence = {**violation.evidence, "started_at": violation.started_at}
        self._strike(outcome, violation.kind, now, source="vision", evidence=evidence, snapshot=snapshot)
        return outcome

    def server_strike(self, kind: str, now: datetime, evidence: dict[str, Any]) -> Outcome:
        """A finding of the server itself (e.g. heartbeats missing while video arrives)."""
        outcome = Outcome()
        self._strike(outcome, kind, now, source="server", evidence=evidence)
        return outcome

    def _strike(
        self,
        outcome: Outcome,
        kind: str,
        now: datetime,
        *,
        source: events.Source,
        evidence: dict[str, Any],
        snapshot: str | None = None,
    ) -> None:
        already_terminated = self.terminated
        decision = self.policy.record(kind)
        outcome.decision = decision
        entry = events.strike_entry(decision, now, source=source, evidence=evidence, snapshot=snapshot)
        outcome.entries.append(self.append(entry))
        if decision.terminate and not already_terminated:
            outcome.entries.append(self.append(events.termination_entry(decision, now)))
        elif decision.flagged and decision.count == decision.threshold:  # once per kind, when first reached
            outcome.entries.append(self.append(events.review_entry(decision, now)))
