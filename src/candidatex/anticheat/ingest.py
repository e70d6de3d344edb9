"""Signal ingest and heartbeats: signed browser signals (REST and the interview stream socket) -> strikes.

Signals are verified with the session's key and sequence. Heartbeats say the page is alive (and which answer mode it
shows): video arriving while the page is quiet, signals missing while video arrives, and speech while the page shows
the text answer are reviewable flags.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from prometheus_client import Counter
from pydantic import ValidationError

from candidatex.anticheat.policy import StrikeDecision
from candidatex.anticheat.schemas import MAX_BATCH, SignalIn, SignalResult, SignalsOut, StrikeOut
from candidatex.anticheat.service import AntiCheatSession
from candidatex.anticheat.sessionlog import AntiCheatContext, SessionLog
from candidatex.core.errors import InvalidInput
from candidatex.core.timeutil import utcnow
from candidatex.interviews.models import SessionStatus
from candidatex.users.models import User

if TYPE_CHECKING:
    from candidatex.anticheat.watch import _Watch

logger = logging.getLogger(__name__)

SIGNALS = Counter("candidatex_anticheat_signals", "Browser signals received", ["result"])


class SignalIngest:
    VIDEO_RECENT_SECONDS = 5.0  # the camera's video counts as still arriving for this long after a frame

    def __init__(self, ctx: AntiCheatContext, log: SessionLog, watches: dict[str, _Watch]) -> None:
        self.ctx = ctx
        self.log = log
        self.watches = watches  # the vision watch's, to mark a heartbeat on the session's watch
        self._video_at: dict[str, float] = {}  # session -> last camera frame (monotonic), this process
        self._heard: dict[str, float] = {}  # session -> last verified heartbeat (monotonic), this process
        # session -> (answer mode the page's last heartbeat reported, when): speech heard in "text" mode is flagged
        self._answer_mode: dict[str, tuple[str, float]] = {}
        self._speech_flagged: dict[tuple[str, str | None], float] = {}  # (session, question) -> when (monotonic)

    def video_seen(self, session_id: str) -> float:
        """A camera frame of the session arrived; returns now (monotonic)."""
        now = self._video_at[session_id] = time.monotonic()
        return now

    def video_stopped(self, session_id: str) -> None:
        self._video_at.pop(session_id, None)

    async def ingest_signals(self, user: User, session_id: str, signals: list[SignalIn]) -> SignalsOut:
        if not signals:
            raise InvalidInput("Send at least one signal", details=[{"field": "body", "message": "empty"}])
        if len(signals) > MAX_BATCH:
            raise InvalidInput(f"At most {MAX_BATCH} signals per request",
                               details=[{"field": "body", "message": "too many"}])
        for signal in signals:
            if signal.session_id is not None and signal.session_id != session_id:
                raise InvalidInput("The signal names another session",
                                   details=[{"field": "session_id", "message": "does not match the path"}])
        await self.ctx.interviews.get_as_candidate(user, session_id)  # 404 for strangers, 403 for staff
        now = utcnow()

        flags: list[StrikeDecision] = []

        def work(state: AntiCheatSession) -> list[tuple[SignalResult, StrikeDecision | None]]:
            results: list[tuple[SignalResult, StrikeDecision | None]] = []
            flags.clear()  # work reruns when another writer appended first
            for item in signals:
                signal = item.to_signal()
                if state.terminated:  # a strike earlier in this batch ended the interview
                    results.append((SignalResult(seq=signal.seq, kind=signal.kind, accepted=False,
                                                 problem="session_ended"), None))
                    continue
                outcome = state.handle_signal(signal, now)
                flags.extend(outcome.flags)
                verdict = outcome.verdict
                decision = outcome.decision
                strike = StrikeOut(kind=decision.kind, count=decision.count, threshold=decision.threshold,
                                   terminate=decision.terminate, message=decision.message) if decision else None
                results.append((SignalResult(seq=signal.seq, kind=signal.kind, accepted=bool(verdict and verdict.accepted),
                                             problem=verdict.problem if verdict else None, strike=strike), decision))
            return results

        results, state, tail = await self.log.append(session_id, work)
        await self._gaps_while_video(session_id, results)
        beats = [item for item, (r, _) in zip(signals, results, strict=True) if r.accepted and r.kind == "heartbeat"]
        if beats:
            mode = beats[-1].data.get("answer_mode")
            self.heard(session_id, mode if mode in ("text", "voice") else None)
        for result, _ in results:
            SIGNALS.labels(result.problem or ("accepted" if result.accepted else "rejected")).inc()
            if result.problem in ("replay", "forgery"):
                logger.warning("anti-cheat signal rejected", extra={"session_id": session_id, "reason": result.problem,
                                                                   "seq": result.seq, "kind": result.kind})
        reason = await self.log.after_strikes(session_id, [(d, "client") for d in flags]
                                              + [(d, "client") for _, d in results if d is not None])
        return SignalsOut(results=[r for r, _ in results],
                          status=SessionStatus.terminated.value if reason else str(tail.get("status")),
                          terminated_reason=reason, strike_counts=state.policy.counts,
                          last_seq=state.verifier.last_seq)

    async def _gaps_while_video(self, session_id: str, results: list[tuple[SignalResult, StrikeDecision | None]]) -> None:
        """Signals missing from the sequence while the camera's video keeps arriving: the page's connection works,
        so the missing ones were held back (a reviewable flag; a socket that dropped mid-send looks the same)."""
        seen = self._video_at.get(session_id)
        if seen is None or time.monotonic() - seen > self.VIDEO_RECENT_SECONDS:
            return
        for result, _ in results:
            if result.problem == "gap":
                await self.log.flag(session_id, "signals_inconsistent", {
                    "check": "gap_while_video", "seq": result.seq, "signal": result.kind, "video_arriving": True,
                    "rule": "signals missing from the sequence while the camera's video still arrives"})

    async def handle_stream_message(self, user: User, session_id: str, message: dict[str, Any]) -> dict[str, Any]:
        """``{"type": "signal", kind, seq, ts, data, hmac[, session_id]}`` over the interview stream."""
        body = {k: v for k, v in message.items() if k != "type"}
        try:
            signal = SignalIn.model_validate(body)
        except ValidationError:
            SIGNALS.labels("invalid").inc()
            raise
        out = await self.ingest_signals(user, session_id, [signal])
        return {"type": "signal_ack", "session_id": session_id, "data": out.model_dump(mode="json")}

    def heard(self, session_id: str, answer_mode: str | None = None) -> None:
        """A verified heartbeat of the session's page arrived (with the answer mode it shows, when it says)."""
        now = self._heard[session_id] = time.monotonic()
        if answer_mode is not None:
            self._answer_mode[session_id] = (answer_mode, now)
        watch = self.watches.get(session_id)
        if watch is not None:
            watch.heard_at = now

    async def speech_heard(self, session_id: str, question_id: str | None) -> None:
        """The speech stage heard voice activity on the candidate's microphone. While the page's latest heartbeat
        (within the heartbeat timeout) says the candidate answers in text, that is a reviewable flag (threshold 0:
        someone may be dictating, or the candidate reads the answer aloud to a helper), once per question."""
        now = time.monotonic()
        mode = self._answer_mode.get(session_id)
        timeout = self.ctx.settings.anti_cheat_heartbeat_timeout_seconds
        if mode is None or mode[0] != "text" or (timeout > 0 and now - mode[1] > timeout):
            return
        key = (session_id, question_id)
        if key in self._speech_flagged:
            return
        if len(self._speech_flagged) > 10_000:  # bounded: forget the oldest half
            for old in sorted(self._speech_flagged, key=self._speech_flagged.__getitem__)[:5_000]:
                del self._speech_flagged[old]
        self._speech_flagged[key] = now
        evidence = {"question_id": question_id, "answer_mode": "text", "heartbeat_age_s": round(now - mode[1], 1),
                    "rule": "voice activity on the microphone while the page shows the text answer"}
        await self.log.flag(session_id, "speech_during_text", evidence)

    def check_heartbeats(self, session_id: str, watch: _Watch, now: float) -> None:
        """Video arrives but the page has gone quiet: its signals were switched off or blocked. Flagged once per
        timeout (a reviewable finding, threshold 0: it warns and weighs in the risk score, it never terminates)."""
        timeout = self.ctx.settings.anti_cheat_heartbeat_timeout_seconds
        if timeout <= 0:
            return
        quiet = now - max(watch.heard_at, self._heard.get(session_id, 0.0))
        if quiet < timeout or (watch.suppressed_flagged_at is not None and now - watch.suppressed_flagged_at < timeout):
            return
        watch.suppressed_flagged_at = now
        evidence = {"seconds_without_heartbeat": round(quiet, 1), "video_arriving": True,
                    "rule": f"no signed heartbeat for {timeout:g} s while the camera's video still arrives"}
        self.ctx.spawn(self.log.flag(session_id, "signals_suppressed", evidence), f"anticheat-suppressed:{session_id}")
