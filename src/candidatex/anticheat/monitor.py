"""Per-session vision monitoring: sampling, a bounded queue, analysis off the loop, debouncing.

The media path calls :meth:`VisionMonitor.submit` for every decoded frame. ``submit`` never waits:
frames arriving faster than ``sample_fps`` are skipped, and when the analysis worker is behind and
the queue is full the frame is dropped and counted. A condition (face missing, two faces, ...)
becomes a :class:`Violation` only when it holds in at least ``min_ratio`` of the analysed frames
over a full ``window_seconds`` window, so one bad frame is never a strike. After a violation the
evidence for that kind starts afresh, so a condition that persists yields one violation per window.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np

from candidatex.anticheat.vision import CHECKS, FrameAnalyzer, FrameObservation

logger = logging.getLogger(__name__)

ViolationCallback = Callable[["Violation"], Awaitable[None] | None]


@dataclass(frozen=True, slots=True)
class Violation:
    kind: str
    started_at: float
    detected_at: float
    evidence: dict[str, Any]
    snapshot_jpeg: bytes = field(repr=False)


@dataclass(slots=True)
class MonitorStats:
    frames_submitted: int = 0
    frames_skipped: int = 0  # above the sampling rate: not wanted, not a loss
    frames_dropped: int = 0  # wanted but the queue was full: analysis is behind
    frames_analyzed: int = 0
    analysis_errors: int = 0
    violations: int = 0


@dataclass(slots=True)
class _Sample:
    ts: float
    observation: FrameObservation


class ConditionDebouncer:
    """Turns per-frame conditions into debounced violations. Pure logic, no I/O, no clock."""

    def __init__(self, window_seconds: float = 3.0, min_ratio: float = 0.6, min_samples: int = 3) -> None:
        self.window_seconds = window_seconds
        self.min_ratio = min_ratio
        self.min_samples = min_samples
        self._samples: deque[_Sample] = deque()
        # Per kind: only frames after this time count (the first frame, or the last violation).
        self._evidence_since: dict[str, float] = {}

    def add(self, ts: float, observation: FrameObservation) -> list[tuple[str, dict[str, Any], float]]:
        """Record one analysed frame; return (kind, evidence, started_at) for each new violation."""
        self._samples.append(_Sample(ts, observation))
        while self._samples and self._samples[0].ts < ts - self.window_seconds:
            self._samples.popleft()
        fired = []
        for kind in CHECKS:
            since = self._evidence_since.setdefault(kind, ts)
            if ts - since < self.window_seconds:
                continue  # the window is not yet covered since the start or the last violation
            relevant = [s for s in self._samples if s.ts > since]
            bad = [s for s in relevant if kind in s.observation.conditions]
            if len(relevant) < self.min_samples or len(bad) < self.min_ratio * len(relevant):
                continue
            self._evidence_since[kind] = ts
            fired.append((kind, _evidence(kind, bad, len(relevant), self.window_seconds), bad[0].ts))
        return fired


def _evidence(kind: str, bad: list[_Sample], frames: int, window: float) -> dict[str, Any]:
    evidence: dict[str, Any] = {
        "frames": frames,
        "frames_with_condition": len(bad),
        "ratio": round(len(bad) / frames, 3),
        "window_seconds": window,
    }
    observations = [s.observation for s in bad]
    if kind == "multiple_faces":
        evidence["max_faces"] = max(o.face_count for o in observations)
    elif kind == "looking_away":
        evidence["mean_yaw_deg"] = round(float(np.mean([o.yaw for o in observations])), 1)
        evidence["mean_pitch_deg"] = round(float(np.mean([o.pitch for o in observations])), 1)
    elif kind in ("face_too_far", "face_too_close"):
        areas = [o.primary_face.area_ratio for o in observations if o.primary_face]
        evidence["mean_face_area_ratio"] = round(float(np.mean(areas)), 4)
    elif kind == "camera_covered":
        evidence["mean_brightness"] = round(float(np.mean([o.brightness for o in observations])), 1)
        evidence["mean_contrast"] = round(float(np.mean([o.contrast for o in observations])), 1)
    return evidence


def jpeg_thumbnail(image_bgr: np.ndarray, max_width: int = 160, quality: int = 70) -> bytes:
    height, width = image_bgr.shape[:2]
    if width > max_width:
        image_bgr = cv2.resize(
            image_bgr, (max_width, max(1, round(height * max_width / width))), interpolation=cv2.INTER_AREA
        )
    ok, encoded = cv2.imencode(".jpg", image_bgr, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise ValueError("JPEG encoding failed")
    return encoded.tobytes()


class VisionMonitor:
    """Watches one session's video. Use ``async with monitor:`` or ``start()`` / ``await stop()``.

    The analyzer may be shared between monitors; ``stream`` (default: unique per monitor) keeps
    their frozen-camera checks apart.

    Violations reach the caller through ``on_violation`` (sync or async) and through the async
    iterator :meth:`violations`. The violation buffer is bounded as well; if nobody reads it the
    oldest violation is discarded (the callback has still seen it).
    """

    def __init__(
        self,
        analyzer: FrameAnalyzer,
        *,
        window_seconds: float = 3.0,
        min_ratio: float = 0.6,
        min_samples: int = 3,
        sample_fps: float = 2.0,
        queue_size: int = 4,
        thumbnail_width: int = 160,
        on_violation: ViolationCallback | None = None,
        stream: str | None = None,
    ) -> None:
        self.analyzer = analyzer
        self.stream = stream if stream is not None else f"monitor-{id(self):x}"
        self.sample_interval = 1.0 / sample_fps if sample_fps > 0 else 0.0
        self.thumbnail_width = thumbnail_width
        self.on_violation = on_violation
        self.stats = MonitorStats()
        self._debouncer = ConditionDebouncer(window_seconds, min_ratio, min_samples)
        self._frames: asyncio.Queue[tuple[np.ndarray, float]] = asyncio.Queue(maxsize=queue_size)
        self._violations: asyncio.Queue[Violation | None] = asyncio.Queue(maxsize=64)
        self._last_sampled_ts: float | None = None
        # Newest frame that showed each condition: the snapshot of a violation comes from it.
        self._last_bad_frame: dict[str, np.ndarray] = {}
        self._worker: asyncio.Task[None] | None = None

    @property
    def frames_dropped(self) -> int:
        return self.stats.frames_dropped

    @property
    def frames_analyzed(self) -> int:
        return self.stats.frames_analyzed

    def start(self) -> None:
        if self._worker is None:
            self._worker = asyncio.get_running_loop().create_task(self._run(), name="vision-monitor")

    async def drain(self) -> None:
        """Wait until every queued frame has been analysed (and its violations delivered)."""
        if self._worker is not None:
            await self._frames.join()

    async def stop(self) -> None:
        """Stop after the frames already queued are analysed; ends the violations iterator."""
        if self._worker is None:
            return
        await self.drain()
        self._worker.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._worker
        self._worker = None
        self.analyzer.reset(self.stream)
        self._put_violation(None)

    async def __aenter__(self) -> VisionMonitor:
        self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    async def submit(self, image_bgr: np.ndarray, ts: float) -> bool:
        """Offer a frame taken at ``ts`` (seconds). Never waits; True if it was queued for analysis."""
        self.stats.frames_submitted += 1
        if self._last_sampled_ts is not None and ts - self._last_sampled_ts < self.sample_interval:
            self.stats.frames_skipped += 1
            return False
        try:
            self._frames.put_nowait((image_bgr, ts))
        except asyncio.QueueFull:
            self.stats.frames_dropped += 1
            return False
        self._last_sampled_ts = ts
        return True

    async def violations(self) -> AsyncIterator[Violation]:
        """Yield violations as they are detected, until :meth:`stop`."""
        while (violation := await self._violations.get()) is not None:
            yield violation

    async def _run(self) -> None:
        while True:
            image, ts = await self._frames.get()
            try:
                await self._process(image, ts)
            except Exception:  # one undecodable frame must not end monitoring of the session
                self.stats.analysis_errors += 1
                logger.exception("vision analysis failed")
            finally:
                self._frames.task_done()

    async def _process(self, image: np.ndarray, ts: float) -> None:
        observation = await asyncio.to_thread(self.analyzer.analyze, image, self.stream)
        self.stats.frames_analyzed += 1
        for kind in observation.conditions:
            self._last_bad_frame[kind] = image
        for kind, evidence, started_at in self._debouncer.add(ts, observation):
            frame = self._last_bad_frame.pop(kind, image)
            snapshot = await asyncio.to_thread(jpeg_thumbnail, frame, self.thumbnail_width)
            violation = Violation(kind, started_at, ts, evidence, snapshot)
            self.stats.violations += 1
            if self.on_violation is not None:
                outcome = self.on_violation(violation)
                if isinstance(outcome, Awaitable):
                    await outcome
            self._put_violation(violation)

    def _put_violation(self, violation: Violation | None) -> None:
        if self._violations.full():
            self._violations.get_nowait()
        self._violations.put_nowait(violation)
