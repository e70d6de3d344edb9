"""The vision watch: one :class:`VisionMonitor` per running session, all sharing one :class:`FrameAnalyzer`.

A monitor is created on the first frame of an active session and retired when the session ends or its video stops;
debounced violations become strikes with a stored snapshot.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from prometheus_client import Counter

from candidatex.anticheat import events
from candidatex.anticheat.models import AntiCheatSnapshot
from candidatex.anticheat.sessionlog import RUNNING, AntiCheatContext, SessionLog
from candidatex.core.errors import Conflict, Unavailable
from candidatex.core.timeutil import utcnow
from candidatex.interviews import store as session_store
from candidatex.interviews.models import SessionStatus

if TYPE_CHECKING:  # mediapipe takes seconds to import: vision is loaded on the first frame
    import numpy as np

    from candidatex.anticheat.monitor import Violation, VisionMonitor
    from candidatex.anticheat.vision import FrameAnalyzer

logger = logging.getLogger(__name__)

FRAMES_ANALYZED = Counter("candidatex_anticheat_frames_analyzed", "Camera frames analysed by the vision monitor")
FRAMES_DROPPED = Counter("candidatex_anticheat_frames_dropped",
                         "Camera frames wanted for analysis but dropped because analysis was behind")
FRAMES_SKIPPED = Counter("candidatex_anticheat_frames_skipped", "Camera frames above the anti-cheat sampling rate")
VIOLATIONS = Counter("candidatex_anticheat_violations", "Debounced vision violations", ["kind"])


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


class VisionWatch:
    STATUS_TTL = 2.0  # seconds between status checks of a watched session
    IDLE_SECONDS = 60.0  # a monitor without frames for this long is retired (the candidate hung up)
    SWEEP_SECONDS = 10.0

    def __init__(self, ctx: AntiCheatContext, log: SessionLog) -> None:
        self.ctx = ctx
        self.log = log
        self.watches: dict[str, _Watch] = {}
        self._not_watched: dict[str, float] = {}  # session -> when it was found not active (monotonic)
        self._analyzer: FrameAnalyzer | None = None
        self._analyzer_lock = asyncio.Lock()

    async def close(self) -> None:
        for session_id in list(self.watches):
            await self.retire(session_id, log_stats=False)

    async def close_analyzer(self) -> None:
        if self._analyzer is not None:
            await asyncio.to_thread(self._analyzer.close)
            self._analyzer = None

    def status_changed(self, session_id: str, status: str) -> None:
        self._not_watched.pop(session_id, None)
        watch = self.watches.get(session_id)
        if watch is not None and not watch.retiring:
            watch.status, watch.checked_at = status, time.monotonic()

    async def get_analyzer(self) -> FrameAnalyzer:
        if self._analyzer is None:
            async with self._analyzer_lock:
                if self._analyzer is None:
                    self._analyzer = await asyncio.to_thread(self._build_analyzer)
        return self._analyzer

    def _build_analyzer(self) -> FrameAnalyzer:
        from candidatex.anticheat.vision import CHECKS, FrameAnalyzer, VisionConfig

        settings = self.ctx.settings
        unknown = set(settings.anti_cheat_disabled_checks) - set(CHECKS)
        if unknown:
            logger.warning("ANTI_CHEAT_DISABLED_CHECKS names unknown checks", extra={"unknown": sorted(unknown)})
        config = VisionConfig(enabled=True, disabled_checks=frozenset(settings.anti_cheat_disabled_checks),
                              look_away_yaw_deg=settings.anti_cheat_look_away_yaw_deg,
                              look_away_pitch_deg=settings.anti_cheat_look_away_pitch_deg,
                              look_away_pitch_neutral_deg=settings.anti_cheat_look_away_pitch_neutral_deg,
                              look_away_nose_offset=settings.anti_cheat_look_away_nose_offset)
        return FrameAnalyzer(config)

    async def _status(self, session_id: str) -> str | None:
        return await session_store.status_of(session_id)

    async def admit(self, session_id: str, now: float) -> _Watch | None:
        """The watch a frame of the session goes to (started on the first frame of an active session); None while
        the session is not watched or paused: nothing counts while the clock is stopped."""
        watch = self.watches.get(session_id)
        if watch is None:
            seen = self._not_watched.get(session_id)
            if seen is not None and now - seen < self.STATUS_TTL:
                return None
            status = await self._status(session_id)
            if status != SessionStatus.active.value:
                self._remember_not_watched(session_id, now)
                return None
            self._not_watched.pop(session_id, None)
            watch = await self._watch(session_id, status, now)
        elif watch.retiring:
            return None
        elif now - watch.checked_at >= self.STATUS_TTL:
            watch.status = await self._status(session_id) or SessionStatus.terminated.value
            watch.checked_at = now
            if watch.status not in RUNNING:
                await self.retire(session_id)
                return None
        watch.last_frame_at = now
        if watch.status != SessionStatus.active.value:
            return None
        return watch

    async def submit(self, watch: _Watch, image_bgr: np.ndarray, captured_at: float) -> None:
        await watch.monitor.submit(image_bgr, captured_at)
        self._sync_metrics(watch)

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

        analyzer = await self.get_analyzer()

        async def on_violation(violation: Violation) -> None:
            await self._on_violation(session_id, violation)

        settings = self.ctx.settings
        monitor = VisionMonitor(analyzer, window_seconds=settings.anti_cheat_window_seconds,
                                min_ratio=settings.anti_cheat_min_ratio,
                                min_samples=settings.anti_cheat_min_samples,
                                sample_fps=settings.anti_cheat_sample_fps, on_violation=on_violation,
                                stream=f"session:{session_id}")
        monitor.start()
        watch = _Watch(monitor=monitor, status=status, checked_at=now, last_frame_at=now, heard_at=now)
        self.watches[session_id] = watch
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
        watch = self.watches.get(session_id)
        if watch is None or watch.retiring:
            return
        snapshot = AntiCheatSnapshot(session_id=session_id, kind=violation.kind, data=violation.snapshot_jpeg)
        await snapshot.insert()
        now = utcnow()
        try:
            outcome, _, _ = await self.log.append(
                session_id, lambda state: state.handle_violation(violation, now, snapshot=str(snapshot.id)))
        except Conflict:  # the session ended meanwhile: the evidence is not needed
            await snapshot.delete()
            self.ctx.spawn(self.retire(session_id), f"anticheat-retire:{session_id}")
            return
        except Unavailable:  # the log stayed contended through every retry: the next window will strike again
            await snapshot.delete()
            logger.warning("vision strike not logged: the anti-cheat log was busy",
                           extra={"session_id": session_id, "kind": violation.kind})
            return
        if outcome.decision is not None:
            await self.log.after_strikes(session_id, [(outcome.decision, "vision")])

    async def retire(self, session_id: str, *, log_stats: bool = True) -> None:
        """Stop a session's monitor (after the frames it holds) and log its frame statistics."""
        watch = self.watches.get(session_id)
        if watch is None or watch.retiring:
            return
        watch.retiring = True
        try:
            await watch.monitor.stop()
        finally:
            self.watches.pop(session_id, None)
        self._sync_metrics(watch)
        logger.info("vision monitoring stopped", extra={"session_id": session_id})
        if not log_stats:
            return
        stats = watch.monitor.stats
        figures = {"frames_submitted": stats.frames_submitted, "frames_skipped": stats.frames_skipped,
                   "frames_dropped": stats.frames_dropped, "frames_analyzed": stats.frames_analyzed,
                   "analysis_errors": stats.analysis_errors, "violations": stats.violations}
        try:
            await self.log.append(session_id, lambda state: state.append(events.monitor_stats_entry(figures, utcnow())),
                                  allow_ended=True)
        except Exception:  # noqa: BLE001 - statistics are a courtesy; never fail a shutdown for them
            logger.warning("could not log monitor statistics", extra={"session_id": session_id}, exc_info=True)

    async def sweep(self) -> None:
        while True:
            await asyncio.sleep(self.SWEEP_SECONDS)
            now = time.monotonic()
            for session_id, watch in list(self.watches.items()):
                try:
                    if watch.retiring:
                        continue
                    if now - watch.last_frame_at > self.IDLE_SECONDS or (await self._status(session_id)) not in RUNNING:
                        await self.retire(session_id)
                except Exception:  # noqa: BLE001
                    logger.warning("anti-cheat sweep failed", extra={"session_id": session_id}, exc_info=True)
