"""The app-level anti-cheat: signals and camera frames of every running session -> the session's log.

One :class:`AntiCheatCoordinator` lives in ``app.state.anti_cheat``. It

* takes signed browser signals (REST and the interview stream socket), verifies them with the
  session's key and sequence, and turns them into strikes;
* is the video consumer of the media hub: one :class:`VisionMonitor` per running session (created on
  the first frame of an active session, retired when the session ends or its video stops), all
  sharing one :class:`FrameAnalyzer`; debounced violations become strikes with a stored snapshot;
* appends every resulting entry to ``InterviewSession.anti_cheat_log`` with its ``sequence_hash``.
  The append is a conditional update on the log's length and last hash, so two writers (two API
  workers, or the media worker and an API worker) can never fork the chain: the loser re-reads the
  tail and tries again. A per-session asyncio lock keeps writers of one process from racing at all;
* emits a ``warning`` event for every strike and terminates the session when the policy says so.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from bson import ObjectId
from prometheus_client import Counter
from pydantic import ValidationError

from candidatex.anticheat import consent, events
from candidatex.anticheat.integrity import IntegrityKeys, LogVerification, verify_session_log
from candidatex.anticheat.models import AntiCheatSnapshot
from candidatex.anticheat.policy import (
    POLICY_TERMINATE,
    CameraView,
    PrecheckReport,
    StrikeDecision,
    evaluate_precheck,
    parse_thresholds,
)
from candidatex.anticheat.precheck import MAX_CAMERA_FRAMES, analyze_bytes, camera_view, decode_frame
from candidatex.anticheat.schemas import MAX_BATCH, SignalIn, SignalResult, SignalsOut, StrikeOut
from candidatex.anticheat.service import AntiCheatSession
from candidatex.config import Settings
from candidatex.core.errors import Conflict, InvalidInput, NotFound, Unavailable
from candidatex.core.timeutil import utcnow
from candidatex.interviews import store as session_store
from candidatex.interviews.models import InterviewSession, SessionStatus
from candidatex.users.models import User

if TYPE_CHECKING:  # mediapipe takes seconds to import: vision is loaded on the first frame
    import numpy as np

    from candidatex.anticheat.monitor import Violation, VisionMonitor
    from candidatex.anticheat.vision import FrameAnalyzer
    from candidatex.interviews.events import EventBus
    from candidatex.interviews.models import InterviewSession
    from candidatex.interviews.service import InterviewService

logger = logging.getLogger(__name__)
T = TypeVar("T")

RUNNING = (SessionStatus.active.value, SessionStatus.paused.value)
ENDED = (SessionStatus.completed.value, SessionStatus.terminated.value)
MAX_LOG_ENTRIES = 20_000  # ~ a few MB: far below MongoDB's 16 MB document limit
MAX_APPEND_ATTEMPTS = 50

FRAMES_ANALYZED = Counter("candidatex_anticheat_frames_analyzed", "Camera frames analysed by the vision monitor")
FRAMES_DROPPED = Counter("candidatex_anticheat_frames_dropped",
                         "Camera frames wanted for analysis but dropped because analysis was behind")
FRAMES_SKIPPED = Counter("candidatex_anticheat_frames_skipped", "Camera frames above the anti-cheat sampling rate")
VIOLATIONS = Counter("candidatex_anticheat_violations", "Debounced vision violations", ["kind"])
SIGNALS = Counter("candidatex_anticheat_signals", "Browser signals received", ["result"])
STRIKES = Counter("candidatex_anticheat_strikes", "Strikes recorded", ["kind", "source"])
TERMINATIONS = Counter("candidatex_anticheat_terminations", "Sessions terminated by the anti-cheat policy", ["kind"])


@dataclass(slots=True)
class _Watch:
    """One session's vision monitor and what the coordinator knows about the session."""

    monitor: VisionMonitor
    status: str
    checked_at: float
    last_frame_at: float
    synced: dict[str, int] = field(default_factory=lambda: {"analyzed": 0, "dropped": 0, "skipped": 0})
    retiring: bool = False
    # heartbeats: when the page's last one (or the watch's start) was seen, and when suppression was last flagged
    heard_at: float = 0.0
    suppressed_flagged_at: float | None = None


class AntiCheatCoordinator:
    STATUS_TTL = 2.0  # seconds between status checks of a watched session
    IDLE_SECONDS = 60.0  # a monitor without frames for this long is retired (the candidate hung up)
    SWEEP_SECONDS = 10.0
    RETENTION_SWEEP_SECONDS = 3600.0
    VIDEO_RECENT_SECONDS = 5.0  # the camera's video counts as still arriving for this long after a frame

    def __init__(self, interview_service: InterviewService, event_bus: EventBus, settings: Settings) -> None:
        self.interviews = interview_service
        self.bus = event_bus
        self.settings = settings
        self.thresholds = parse_thresholds(settings.anti_cheat_threshold)  # a bad setting fails start-up
        self.ignored_strikes = frozenset() if settings.tab_switch_detection else frozenset({"tab_switch"})
        self.vision_enabled = settings.face_detection_enabled
        self.consent_required = settings.anti_cheat_consent_required
        self.keys = IntegrityKeys.from_settings(settings.secret_key, settings.integrity_key)
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()
        self._watches: dict[str, _Watch] = {}
        self._video_at: dict[str, float] = {}  # session -> last camera frame (monotonic), this process
        self._heard: dict[str, float] = {}  # session -> last verified heartbeat (monotonic), this process
        # session -> (answer mode the page's last heartbeat reported, when): speech heard in "text" mode is flagged
        self._answer_mode: dict[str, tuple[str, float]] = {}
        self._speech_flagged: dict[tuple[str, str | None], float] = {}  # (session, question) -> when (monotonic)
        self._not_watched: dict[str, float] = {}  # session -> when it was found not active (monotonic)
        self._analyzer: FrameAnalyzer | None = None
        self._analyzer_lock = asyncio.Lock()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._sweeper: asyncio.Task[None] | None = None
        self._retention: asyncio.Task[None] | None = None
        # another tab heard within this long is still open: a new tab then is a second tab, not a reload
        self._grace_ms = int(settings.anti_cheat_fullscreen_grace_seconds * 1000)
        self._tab_live_ms = int(max(settings.anti_cheat_heartbeat_timeout_seconds, 3 * 5) * 1000)

    # ---- lifecycle --------------------------------------------------------------------------------------
    def start(self) -> None:
        loop = asyncio.get_running_loop()
        if self.vision_enabled and self._sweeper is None:
            self._sweeper = loop.create_task(self._sweep(), name="anticheat-sweeper")
        if self.settings.anti_cheat_retention_days > 0 and self._retention is None:
            self._retention = loop.create_task(self._retention_loop(), name="anticheat-retention")

    async def close(self) -> None:
        for task in (self._sweeper, self._retention):
            if task is not None:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
        self._sweeper = self._retention = None
        for session_id in list(self._watches):
            await self._retire(session_id, log_stats=False)
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._analyzer is not None:
            await asyncio.to_thread(self._analyzer.close)
            self._analyzer = None

    def status_changed(self, session_id: str, status: str) -> None:
        """On SessionStarted/Paused/Resumed (the lifecycle bus, services.py): the watch follows at once. The status
        check every STATUS_TTL stays as the net for changes made by another worker (the bus is in-process)."""
        self._not_watched.pop(session_id, None)
        watch = self._watches.get(session_id)
        if watch is not None and not watch.retiring:
            watch.status, watch.checked_at = status, time.monotonic()

    async def session_ended(self, session_id: str, reason: str, actor_id: str | None) -> None:
        """On SessionEnded (the lifecycle bus, app.py): retire the monitor, then sign a checkpoint of the final log. Spawned,
        never awaited here: the hook may run inside the monitor's own violation callback (a vision strike
        that terminates), and stopping a monitor waits for it."""
        self._video_at.pop(session_id, None)
        self._spawn(self._retire_and_seal(session_id), f"anticheat-seal:{session_id}")

    async def _retire_and_seal(self, session_id: str) -> None:
        if session_id in self._watches:
            await self._retire(session_id)
        await self.seal(session_id)

    async def seal(self, session_id: str) -> dict[str, Any] | None:
        """Sign (session, length, head) of the log as it stands and store the checkpoint with the session."""
        async with self._lock(session_id):
            record = await session_store.integrity_record(session_id)
            if record is None:
                return None
            checkpoint = self.keys.sign_checkpoint(session_id, record.get("anti_cheat_log") or [], utcnow())
            await session_store.add_integrity_checkpoint(session_id, checkpoint)
        return checkpoint

    async def verify(self, session_id: str, presented: list[dict[str, Any]] | None = None) -> LogVerification:
        """Verify a session's log with its stored checkpoints and any a candidate or recruiter presents."""
        record = await session_store.integrity_record(session_id)
        if record is None:
            raise NotFound("Interview session not found")
        if record.get("anti_cheat_purged_at"):
            purged_on = record["anti_cheat_purged_at"].date().isoformat()
            return LogVerification(valid=False, checked=0, problems=[
                f"the anti-cheat log was deleted on {purged_on} after the retention period "
                f"({self.settings.anti_cheat_retention_days} days): there is nothing left to verify"])
        checkpoints = [*(record.get("integrity_checkpoints") or []), *(presented or [])]
        return verify_session_log(self.keys, session_id, record.get("anti_cheat_log") or [],
                                  stored_counts=record.get("strike_counts") or {},
                                  ended=record.get("status") in ENDED, checkpoints=checkpoints)

    @property
    def watched_sessions(self) -> list[str]:
        return list(self._watches)

    # ---- the chained, conditional append ------------------------------------------------------------------
    def _lock(self, session_id: str) -> asyncio.Lock:
        lock = self._locks.get(session_id)
        if lock is None:
            lock = self._locks[session_id] = asyncio.Lock()
        return lock

    async def _append(self, session_id: str, work: Callable[[AntiCheatSession], T], *,
                      allow_ended: bool = False) -> tuple[T, AntiCheatSession, dict[str, Any]]:
        """Run ``work`` on the session's anti-cheat state and store the entries it appended, atomically."""
        if not ObjectId.is_valid(session_id):
            raise NotFound("Interview session not found")
        async with self._lock(session_id):
            for attempt in range(MAX_APPEND_ATTEMPTS):
                if attempt:  # another writer won the last round: a random pause breaks lock-step retries
                    await asyncio.sleep(random.uniform(0, 0.002 * min(attempt, 25)))  # noqa: S311 - retry jitter
                tail = await session_store.integrity_tail(session_id)
                if tail is None:
                    raise NotFound("Interview session not found")
                if not allow_ended and tail.get("status") not in RUNNING:
                    raise Conflict(f"The interview is not running (status: {tail.get('status')}); "
                                   "signals are taken while it is active or paused", code="session_not_running")
                key = tail.get("anti_cheat_key")
                if not key:
                    raise Conflict("The interview has no anti-cheat key; start it first", code="session_not_running")
                n = tail["n"]
                if n >= MAX_LOG_ENTRIES:
                    raise Conflict("The anti-cheat log of this interview is full", code="anti_cheat_log_full")
                last = list(tail.get("last") or [])
                state = AntiCheatSession(session_id, key.encode(), thresholds=self.thresholds, log=list(last),
                                 counts=tail.get("strike_counts") or {}, last_seq=tail.get("signal_last_seq") or 0,
                                 ignored_strikes=self.ignored_strikes, chain_key=self.keys.chain_key(session_id),
                                 policy_mode=tail.get("anti_cheat_policy") or POLICY_TERMINATE,
                                 tabs=tail.get("signal_tabs") or {}, tab_live_ms=self._tab_live_ms,
                                 fullscreen_grace_ms=self._grace_ms)
                result = work(state)
                new_entries = state.log[len(last):]
                if not new_entries:
                    return result, state, tail
                if await session_store.append_integrity_entries(
                        session_id, new_entries, expected_length=n,
                        last_hash=last[-1].get("sequence_hash") if last else None,
                        strike_counts=state.policy.counts, signal_last_seq=state.verifier.last_seq,
                        signal_tabs=state.verifier.tabs, require_running=not allow_ended):
                    return result, state, tail
                # another writer appended (or the session ended) in between: read the new tail and redo
            raise Unavailable("The anti-cheat log is busy; try again", code="anti_cheat_busy")

    async def _after_strikes(self, session_id: str, decisions: list[tuple[StrikeDecision, str]]) -> str | None:
        """Warn for each strike; terminate at the first one that reaches its threshold. Returns the reason."""
        for decision, source in decisions:
            STRIKES.labels(decision.kind, source).inc()
            await self.bus.emit(session_id, "warning", {
                "kind": decision.kind, "message": decision.message, "count": decision.count,
                "threshold": decision.threshold, "terminate": decision.terminate, "source": source,
                "remaining": decision.remaining, "flagged_for_review": decision.flagged})
        for decision, _ in decisions:
            if decision.terminate:
                reason = f"anti_cheat:{decision.kind}"
                TERMINATIONS.labels(decision.kind).inc()
                logger.info("anti-cheat terminated an interview",
                            extra={"session_id": session_id, "kind": decision.kind, "count": decision.count})
                await self.interviews.terminate(session_id, reason)  # SessionEnded retires the monitor
                return reason
        return None

    # ---- browser signals ----------------------------------------------------------------------------------
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
        await self.interviews.get_as_candidate(user, session_id)  # 404 for strangers, 403 for staff
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

        results, state, tail = await self._append(session_id, work)
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
        reason = await self._after_strikes(session_id, [(d, "client") for d in flags]
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
                await self._flag(session_id, "signals_inconsistent", {
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

    # ---- vision -------------------------------------------------------------------------------------------
    async def _get_analyzer(self) -> FrameAnalyzer:
        if self._analyzer is None:
            async with self._analyzer_lock:
                if self._analyzer is None:
                    self._analyzer = await asyncio.to_thread(self._build_analyzer)
        return self._analyzer

    def _build_analyzer(self) -> FrameAnalyzer:
        from candidatex.anticheat.vision import CHECKS, FrameAnalyzer, VisionConfig

        unknown = set(self.settings.anti_cheat_disabled_checks) - set(CHECKS)
        if unknown:
            logger.warning("ANTI_CHEAT_DISABLED_CHECKS names unknown checks", extra={"unknown": sorted(unknown)})
        config = VisionConfig(enabled=True, disabled_checks=frozenset(self.settings.anti_cheat_disabled_checks),
                              look_away_yaw_deg=self.settings.anti_cheat_look_away_yaw_deg,
                              look_away_pitch_deg=self.settings.anti_cheat_look_away_pitch_deg)
        return FrameAnalyzer(config)

    async def _status(self, session_id: str) -> str | None:
        return await session_store.status_of(session_id)

    async def consume_video(self, session_id: str, image_bgr: np.ndarray, captured_at: float) -> None:
        """The media hub's video consumer: one sampled frame of a session's candidate camera."""
        now = self._video_at[session_id] = time.monotonic()
        if not self.vision_enabled:
            return
        watch = self._watches.get(session_id)
        if watch is None:
            seen = self._not_watched.get(session_id)
            if seen is not None and now - seen < self.STATUS_TTL:
                return
            status = await self._status(session_id)
            if status != SessionStatus.active.value:
                self._remember_not_watched(session_id, now)
                return
            self._not_watched.pop(session_id, None)
            watch = await self._watch(session_id, status, now)
        elif watch.retiring:
            return
        elif now - watch.checked_at >= self.STATUS_TTL:
            watch.status = await self._status(session_id) or SessionStatus.terminated.value
            watch.checked_at = now
            if watch.status not in RUNNING:
                await self._retire(session_id)
                return
        watch.last_frame_at = now
        if watch.status != SessionStatus.active.value:
            return  # paused: nothing counts while the clock is stopped
        self._check_heartbeats(session_id, watch, now)
        await watch.monitor.submit(image_bgr, captured_at)
        self._sync_metrics(watch)

    def heard(self, session_id: str, answer_mode: str | None = None) -> None:
        """A verified heartbeat of the session's page arrived (with the answer mode it shows, when it says)."""
        now = self._heard[session_id] = time.monotonic()
        if answer_mode is not None:
            self._answer_mode[session_id] = (answer_mode, now)
        watch = self._watches.get(session_id)
        if watch is not None:
            watch.heard_at = now

    async def speech_heard(self, session_id: str, question_id: str | None) -> None:
        """The speech stage heard voice activity on the candidate's microphone. While the page's latest heartbeat
        (within the heartbeat timeout) says the candidate answers in text, that is a reviewable flag (threshold 0:
        someone may be dictating, or the candidate reads the answer aloud to a helper), once per question."""
        now = time.monotonic()
        mode = self._answer_mode.get(session_id)
        timeout = self.settings.anti_cheat_heartbeat_timeout_seconds
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
        await self._flag(session_id, "speech_during_text", evidence)

    def _check_heartbeats(self, session_id: str, watch: _Watch, now: float) -> None:
        """Video arrives but the page has gone quiet: its signals were switched off or blocked. Flagged once per
        timeout (a reviewable finding, threshold 0: it warns and weighs in the risk score, it never terminates)."""
        timeout = self.settings.anti_cheat_heartbeat_timeout_seconds
        if timeout <= 0:
            return
        quiet = now - max(watch.heard_at, self._heard.get(session_id, 0.0))
        if quiet < timeout or (watch.suppressed_flagged_at is not None and now - watch.suppressed_flagged_at < timeout):
            return
        watch.suppressed_flagged_at = now
        evidence = {"seconds_without_heartbeat": round(quiet, 1), "video_arriving": True,
                    "rule": f"no signed heartbeat for {timeout:g} s while the camera's video still arrives"}
        self._spawn(self._flag(session_id, "signals_suppressed", evidence), f"anticheat-suppressed:{session_id}")

    async def _flag(self, session_id: str, kind: str, evidence: dict[str, Any]) -> None:
        now = utcnow()
        try:
            outcome, _, _ = await self._append(session_id, lambda state: state.server_strike(kind, now, evidence))
        except (Conflict, Unavailable, NotFound):
            return
        if outcome.decision is not None:
            await self._after_strikes(session_id, [(outcome.decision, "server")])

    def _remember_not_watched(self, session_id: str, now: float) -> None:
        if len(self._not_watched) > 10_000:
            for key, seen in list(self._not_watched.items()):
                if now - seen >= self.STATUS_TTL:
                    del self._not_watched[key]
        self._not_watched[session_id] = now

    async def _watch(self, session_id: str, status: str, now: float) -> _Watch:
        # monitor imports mediapipe (about 5 s): on a worker thread, so the event loop keeps serving meanwhile
        import importlib

        VisionMonitor = (await asyncio.to_thread(importlib.import_module, "candidatex.anticheat.monitor")).VisionMonitor  # noqa: N806

        analyzer = await self._get_analyzer()

        async def on_violation(violation: Violation) -> None:
            await self._on_violation(session_id, violation)

        monitor = VisionMonitor(analyzer, window_seconds=self.settings.anti_cheat_window_seconds,
                                min_ratio=self.settings.anti_cheat_min_ratio,
                                min_samples=self.settings.anti_cheat_min_samples,
                                sample_fps=self.settings.anti_cheat_sample_fps, on_violation=on_violation,
                                stream=f"session:{session_id}")
        monitor.start()
        watch = _Watch(monitor=monitor, status=status, checked_at=now, last_frame_at=now, heard_at=now)
        self._watches[session_id] = watch
        logger.info("vision monitoring started", extra={"session_id": session_id})
        return watch

    def _sync_metrics(self, watch: _Watch) -> None:
        stats = watch.monitor.stats
        for name, value, counter in (("analyzed", stats.frames_analyzed, FRAMES_ANALYZED),
                                     ("dropped", stats.frames_dropped, FRAMES_DROPPED),
                                     ("skipped", stats.frames_skipped, FRAMES_SKIPPED)):
            delta = value - watch.synced[name]
            if delta > 0:
                counter.inc(delta)
                watch.synced[name] = value

    async def _on_violation(self, session_id: str, violation: Violation) -> None:
        VIOLATIONS.labels(violation.kind).inc()
        watch = self._watches.get(session_id)
        if watch is None or watch.retiring:
            return
        snapshot = AntiCheatSnapshot(session_id=session_id, kind=violation.kind, data=violation.snapshot_jpeg)
        await snapshot.insert()
        now = utcnow()
        try:
            outcome, _, _ = await self._append(
                session_id, lambda state: state.handle_violation(violation, now, snapshot=str(snapshot.id)))
        except Conflict:  # the session ended meanwhile: the evidence is not needed
            await snapshot.delete()
            self._spawn(self._retire(session_id), f"anticheat-retire:{session_id}")
            return
        except Unavailable:  # the log stayed contended through every retry: the next window will strike again
            await snapshot.delete()
            logger.warning("vision strike not logged: the anti-cheat log was busy",
                           extra={"session_id": session_id, "kind": violation.kind})
            return
        if outcome.decision is not None:
            await self._after_strikes(session_id, [(outcome.decision, "vision")])

    async def _retire(self, session_id: str, *, log_stats: bool = True) -> None:
        """Stop a session's monitor (after the frames it holds) and log its frame statistics."""
        watch = self._watches.get(session_id)
        if watch is None or watch.retiring:
            return
        watch.retiring = True
        try:
            await watch.monitor.stop()
        finally:
            self._watches.pop(session_id, None)
        self._sync_metrics(watch)
        logger.info("vision monitoring stopped", extra={"session_id": session_id})
        if not log_stats:
            return
        stats = watch.monitor.stats
        figures = {"frames_submitted": stats.frames_submitted, "frames_skipped": stats.frames_skipped,
                   "frames_dropped": stats.frames_dropped, "frames_analyzed": stats.frames_analyzed,
                   "analysis_errors": stats.analysis_errors, "violations": stats.violations}
        try:
            await self._append(session_id, lambda state: state.append(events.monitor_stats_entry(figures, utcnow())),
                               allow_ended=True)
        except Exception:  # noqa: BLE001 - statistics are a courtesy; never fail a shutdown for them
            logger.warning("could not log monitor statistics", extra={"session_id": session_id}, exc_info=True)

    async def agree_to_notice(self, session: InterviewSession, user_id: str) -> dict[str, Any]:
        """The candidate agrees to the current proctoring notice (the demo seed; the page uses the HTTP route)."""
        return await consent.record_consent(session, user_id, consent.current_version(),
                                            self.settings.anti_cheat_retention_days)

    async def purge_expired(self) -> list[str]:
        """Retention: delete the log and snapshots of sessions that ended more than ANTI_CHEAT_RETENTION_DAYS ago."""
        purged = await consent.purge_expired(self.settings.anti_cheat_retention_days)
        if purged:
            logger.info("anti-cheat data purged after the retention period", extra={"sessions": len(purged)})
        return purged

    async def _retention_loop(self) -> None:
        while True:
            try:
                # a backlog: keep going in batches, yielding between them (a loop that waits on nothing)
                while len(await self.purge_expired()) >= 1000:  # noqa: ASYNC110
                    await asyncio.sleep(0)
            except Exception:  # noqa: BLE001 - the next round tries again
                logger.warning("anti-cheat retention purge failed", exc_info=True)
            await asyncio.sleep(self.RETENTION_SWEEP_SECONDS)

    async def _sweep(self) -> None:
        while True:
            await asyncio.sleep(self.SWEEP_SECONDS)
            now = time.monotonic()
            for session_id, watch in list(self._watches.items()):
                try:
                    if watch.retiring:
                        continue
                    if now - watch.last_frame_at > self.IDLE_SECONDS or (await self._status(session_id)) not in RUNNING:
                        await self._retire(session_id)
                except Exception:  # noqa: BLE001
                    logger.warning("anti-cheat sweep failed", extra={"session_id": session_id}, exc_info=True)

    def _spawn(self, coro: Any, name: str) -> None:
        task = asyncio.get_running_loop().create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def check_live_start(self, session: InterviewSession) -> None:
        """A live interview starts proctored, so only once its candidate agreed to the notice (when that is required)."""
        if self.consent_required:
            consent.check_consent(session, before="the live interview")

    # ---- precheck camera test -----------------------------------------------------------------------------
    async def judge_precheck(self, session: InterviewSession, report: dict[str, Any]) -> tuple[bool, dict[str, Any]]:
        """The precheck: the notice agreed to, the page's checks, and (when the server checks it) one live face in
        the camera frames. Returns whether the session may start and the record kept on the session."""
        if self.consent_required:
            consent.check_consent(session)
        report = dict(report)
        frames = [f for f in (report.pop("camera_frame", None), *(report.pop("camera_frames", None) or [])) if f]
        checked = PrecheckReport(**report)
        observation = await self.analyze_camera_frames(frames)
        result = evaluate_precheck(checked, observation)
        record = {**result.as_session_record(checked), "checked_at": utcnow().isoformat(),
                  "failures": [{"check": f.check, "message": f.message} for f in result.failures]}
        if observation is not None:
            record["camera_view"] = observation.as_record()
        return result.passed, record

    async def analyze_camera_frames(self, encoded: list[str]) -> CameraView | None:
        """The precheck's camera frames (base64 JPEG/PNG) -> what they show together; None when the server does
        not check the camera view (vision off, or ANTI_CHEAT_PRECHECK_CAMERA=false and no frame sent)."""
        if not self.vision_enabled or (not encoded and not self.settings.anti_cheat_precheck_camera):
            return None
        if len(encoded) > MAX_CAMERA_FRAMES:
            raise InvalidInput(f"At most {MAX_CAMERA_FRAMES} camera frames",
                               details=[{"field": "camera_frames", "message": "too many"}])
        raws = [decode_frame(frame) for frame in encoded]
        if not raws:
            return camera_view([])
        analyzer = await self._get_analyzer()
        observations = []
        for raw in raws:
            observation = await asyncio.to_thread(analyze_bytes, analyzer, raw)
            if observation is None:
                raise InvalidInput("camera_frame is not a JPEG or PNG image",
                                   details=[{"field": "camera_frame", "message": "not an image"}])
            observations.append(observation)
        return camera_view(observations)

    # ---- reading ------------------------------------------------------------------------------------------
    async def snapshot(self, session_id: str, snapshot_id: str) -> AntiCheatSnapshot:
        snapshot = await AntiCheatSnapshot.get(snapshot_id) if ObjectId.is_valid(snapshot_id) else None
        if snapshot is None or snapshot.session_id != session_id:
            raise NotFound("Snapshot not found")
        return snapshot
