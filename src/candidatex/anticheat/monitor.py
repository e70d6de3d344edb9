"""Per-session vision monitoring: sampling, a bounded queue, analysis off the loop, debouncing.

The media path calls :meth:`VisionMonitor.submit` for every decoded frame. ``submit`` never waits:
frames arriving faster than ``sample_fps`` are skipped, and when the analysis worker is behind and
the queue is full the frame is dropped and counted. A condition (face missing, two faces, ...)
becomes a :class:`Violation` only when it holds in at least ``min_ratio`` of the analysed frames
over a full window (per kind, see :mod:`candidatex.anticheat.kinds`), so one bad frame is never a strike. After a violation the
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

from candidatex.anticheat.kinds import RULES, VISION_KINDS
from candidatex.anticheat.vision import (
    FaceBox,
    FrameAnalyzer,
    FrameObservation,
    landmark_motion,
    planar_residuals,
)

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
    conditions: frozenset[str]
    shift: float | None = None  # the face region's motion since the previous analysed frame (share of its width)


# Landmarks moving less than this share of the face's width between two analysed frames, with the
# eyes' opening unchanged, show no sign of life. Face mesh returns the very same landmarks for the
# very same pixels, and any live face (breathing, blinking, mesh jitter on new pixels) moves more.
FROZEN_MOTION = 0.002
FROZEN_EYE_CHANGE = 0.01
# A printed photo or a screen held still, or a camera that hangs: the detector's jitter on the encoder's and the
# sensor's noise moves single landmarks now and then (so the frame test above restarts), but the picture itself does
# not move. Through Chromium's VP8 even a feed of one repeated frame jitters the landmarks 0.5 % of the face's width a
# frame, and its landmarks' centroid spreads 0.22-0.30 %, as much as a still live person's in a dim room (0.28-0.43 %,
# who was terminated for it: issue 15), so landmarks cannot tell them apart. The face's pixels can: the shift of the
# face region between consecutive analysed frames (face_shift, where every pixel votes) has a median of
# 0.001-0.002 % of the face's width for a propped photo and a hung feed through the browser (0.014 % for a dim photo
# with heavy sensor noise, offline), and 0.29-1.7 % for the live candidates, dim ones included; a sway of 0.3 px
# (a fifth of a millimetre) reads 0.075 %, and a breathing head moves a millimetre or more. A window whose median
# shift is below FROZEN_SHIFT, with no blink (the eye opening's range within FROZEN_BLINK of its median), shows no
# life. bench/proctoring_browser.py measures it.
FROZEN_SHIFT = 0.0004
FROZEN_BLINK = 0.25
STILL_FACE_SHARE = 0.9  # frames of the window that must show the face's landmarks
# A photo or a screen held in a moving hand: its landmarks move, but as a flat picture does, so one
# affine map (shift, turn, scale, shear) from the window's first frame explains every frame's landmarks within
# the detector's jitter, and the eye opening never changes as a blink does.
# A live face is not flat: blinks, lips and brows, and the nose against the cheeks as the head turns, move
# landmarks in ways no plane's motion can. On the browser scenarios' frames (JPEG, every frame of a 10 s loop) the
# photos' largest mean residual is 0.38-0.57 % of the face's width; the live scenarios' (a blink in 10 s, lips
# moving), their blink frames left out, 0.74-1.05 %; with the blink their eye range is 0.26-0.74 against the
# photos' 0.09-0.12. The window is long (face_not_live's 60 s) because blinks can be rare and a sampled frame
# at 2 a second catches only some of them; and the verdict is a reviewable flag.
FLAT_RESIDUAL = 0.0065
LIVE_EYE_CHANGE = 0.15
# A head seen a moment ago (a face, or a head carried on by this rule) that the face detectors lose as it turns past
# them, while the profile cascade still finds something head-like (any weight: FrameObservation.head_evidence), is
# the candidate looking away under looking_away's budget, not an absence that ends the interview at 3 strikes.
# Two analysed frames at the monitor's 2 a second: a candidate who gets up is lost within it.
HEAD_MEMORY_SECONDS = 1.0


class ConditionDebouncer:
    """Turns per-frame conditions into debounced violations. Pure logic, no I/O, no clock.

    Each kind has its own window (the base window times its ``window_factor`` from the kinds table)
    and its own share of frames (``min_ratio``). Kinds of one group (face missing / camera covered)
    are judged together, so one absence is one strike of one kind. ``camera_frozen`` is decided
    here, from the motion of the face's landmarks between consecutive analysed frames.
    """

    def __init__(self, window_seconds: float = 3.0, min_ratio: float = 0.6, min_samples: int = 3,
                 disabled: frozenset[str] = frozenset()) -> None:
        self.window_seconds = window_seconds
        self.min_ratio = min_ratio
        self.min_samples = min_samples
        # the window rules (frozen, not live) are decided here, so ANTI_CHEAT_DISABLED_CHECKS is honoured here too
        self._rules = {str(kind): RULES[kind] for kind in VISION_KINDS if str(kind) not in disabled}
        self._longest = window_seconds * max((r.window_factor for r in self._rules.values()), default=1.0)
        self._samples: deque[_Sample] = deque()
        # Per kind: only frames after this time count (the first frame, or the last violation).
        self._evidence_since: dict[str, float] = {}
        self.last_conditions: frozenset[str] = frozenset()  # of the last frame, frozen included
        self._head_seen_at: float | None = None  # the last frame with a face, or a head carried on from one

    def _window(self, kind: str) -> float:
        return self.window_seconds * self._rules[kind].window_factor

    def _ratio(self, kind: str) -> float:
        ratio = self._rules[kind].min_ratio
        return self.min_ratio if ratio is None else ratio

    def _frozen(self, observation: FrameObservation) -> bool:
        previous = self._samples[-1].observation if self._samples else None
        face = observation.primary_face
        if (previous is None or face is None or observation.landmarks is None or previous.landmarks is None
                or previous.landmarks.shape != observation.landmarks.shape):
            return False
        width_px = float(np.ptp(observation.landmarks[:, 0]))  # the motion points span the face oval
        motion = landmark_motion(previous.landmarks, observation.landmarks, width_px)
        eyes = abs((observation.eye_openness or 0.0) - (previous.eye_openness or 0.0))
        return motion < FROZEN_MOTION and eyes < FROZEN_EYE_CHANGE

    def _still_picture(self, ts: float) -> tuple[str, dict[str, Any], float] | None:
        """camera_frozen from the whole window: the face present throughout, its pixels not moving beyond the
        encoder's noise and no blink (a photo or a screen held still, or a hung camera, noise and all)."""
        since = self._evidence_since.setdefault("camera_frozen", ts)
        window = self._window("camera_frozen")
        if ts - since < window:
            return None
        relevant = [s for s in self._samples if since < s.ts and s.ts >= ts - window]
        faces = [s for s in relevant if s.observation.landmarks is not None and s.observation.primary_face]
        shifts = [s.shift for s in faces if s.shift is not None]
        needed = max(self.min_samples, STILL_FACE_SHARE * len(relevant))
        if len(faces) < needed or len(shifts) < needed - 1:
            return None
        shift = float(np.median(shifts))
        eyes = [s.observation.eye_openness for s in faces if s.observation.eye_openness is not None]
        blink_range = float(np.ptp(eyes) / max(float(np.median(eyes)), 1e-6)) if eyes else 1.0
        if shift >= FROZEN_SHIFT or blink_range >= FROZEN_BLINK:
            return None
        marks = [s.observation.landmarks for s in faces if s.observation.landmarks is not None]
        spread = None
        if len({m.shape for m in marks}) == 1:  # the landmarks' wander, kept for the reviewer
            centroids = np.array([m.mean(axis=0) for m in marks])
            width = float(np.mean([np.ptp(m[:, 0]) for m in marks]))
            spread = round(float(np.hypot(*centroids.std(axis=0))) / max(width, 1.0), 5)
        self._evidence_since["camera_frozen"] = ts
        evidence = {"frames": len(relevant), "frames_with_condition": len(faces), "ratio": round(len(faces) / len(relevant), 3),
                    "window_seconds": window, "median_face_shift": round(shift, 6), "position_spread": spread,
                    "eye_range": round(blink_range, 3),
                    "rule": "the face's picture did not move beyond the encoder's noise and never blinked for the "
                            "whole window"}
        return "camera_frozen", evidence, relevant[0].ts

    def _flat_picture(self, ts: float) -> tuple[str, dict[str, Any], float] | None:
        """face_not_live from the whole (long) window: the face present throughout, every frame's landmarks one
        plane's motion away from the first frame's, and no blink."""
        kind = "face_not_live"
        since = self._evidence_since.setdefault(kind, ts)
        window = self._window(kind)
        if ts - since < window:
            return None
        relevant = [s for s in self._samples if since < s.ts and s.ts >= ts - window]
        marks = [s.observation.landmarks for s in relevant
                 if s.observation.landmarks is not None and s.observation.primary_face]
        if len(marks) < max(self.min_samples, STILL_FACE_SHARE * len(relevant)) or len({m.shape for m in marks}) != 1:
            return None
        width = max(float(np.mean([np.ptp(m[:, 0]) for m in marks])), 1.0)
        worst = float(planar_residuals(marks[0], np.stack(marks[1:])).max()) / width
        eyes = [s.observation.eye_openness for s in relevant if s.observation.eye_openness is not None]
        eye_range = float(np.ptp(eyes) / max(float(np.median(eyes)), 1e-6)) if eyes else 1.0
        if worst >= FLAT_RESIDUAL or eye_range >= LIVE_EYE_CHANGE:
            return None
        self._evidence_since[kind] = ts
        evidence = {"frames": len(relevant), "frames_with_condition": len(marks),
                    "ratio": round(len(marks) / len(relevant), 3), "window_seconds": window,
                    "flat_residual": round(worst, 5), "eye_range": round(eye_range, 3),
                    "rule": "the face moved only as a flat picture does and never blinked for the whole window"}
        return kind, evidence, relevant[0].ts

    def add(self, ts: float, observation: FrameObservation,
            shift: float | None = None) -> list[tuple[str, dict[str, Any], float]]:
        """Record one analysed frame (``shift``: :func:`face_shift` since the previous one, None when unknown);
        return (kind, evidence, started_at) for each new violation."""
        conditions = set(observation.conditions)
        if observation.faces:
            self._head_seen_at = ts
        elif ("face_missing" in conditions and observation.head_evidence and self._head_seen_at is not None
              and ts - self._head_seen_at <= HEAD_MEMORY_SECONDS):
            conditions.discard("face_missing")  # the head turned past the detectors: looking away, not missing
            conditions.add("looking_away")
            self._head_seen_at = ts
        if "camera_frozen" in self._rules and self._frozen(observation):
            conditions.add("camera_frozen")
        self.last_conditions = frozenset(conditions)
        self._samples.append(_Sample(ts, observation, self.last_conditions, shift))
        while self._samples and self._samples[0].ts < ts - self._longest:
            self._samples.popleft()
        fired = []
        judged: set[str] = set()
        for kind, kind_rule in self._rules.items():
            if kind in judged:
                continue
            members = [k for k, r in self._rules.items() if kind_rule.group and r.group == kind_rule.group] or [kind]
            judged.update(members)
            since = max(self._evidence_since.setdefault(k, ts) for k in members)
            if ts - since < self._window(kind):
                continue  # the window is not yet covered since the start or the last violation
            relevant = [s for s in self._samples if since < s.ts and s.ts >= ts - self._window(kind)]
            bad = [s for s in relevant if any(k in s.conditions for k in members)]
            if len(relevant) < self.min_samples or len(bad) < self._ratio(kind) * len(relevant):
                continue
            # The group's most frequent kind names the strike (ties: the order of the kinds table).
            chosen = max(members, key=lambda k: sum(k in s.conditions for s in bad))
            for member in members:
                self._evidence_since[member] = ts
            evidence = _evidence(chosen, [s for s in bad if chosen in s.conditions] or bad, len(relevant),
                                 self._window(kind))
            fired.append((chosen, evidence, bad[0].ts))
        if "camera_frozen" in self._rules:  # after the frame test, which resets the window when it fired
            still = self._still_picture(ts)
            if still is not None:
                fired.append(still)
        if "face_not_live" in self._rules:
            flat = self._flat_picture(ts)
            if flat is not None:
                fired.append(flat)
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
        yaws = [o.yaw for o in observations if o.yaw is not None]
        pitches = [o.pitch for o in observations if o.pitch is not None]
        # a head turned past the face detectors has no mesh, hence no pose: the frames say how many
        evidence["mean_yaw_deg"] = round(float(np.mean(yaws)), 1) if yaws else None
        evidence["mean_pitch_deg"] = round(float(np.mean(pitches)), 1) if pitches else None
        evidence["frames_head_turned_past_detectors"] = sum(o.primary_face is None for o in observations)
        gazes = [o.gaze for o in observations if o.gaze is not None]
        if gazes:
            evidence["mean_gaze"] = round(float(np.mean(gazes)), 2)
    elif kind in ("face_too_far", "face_too_close"):
        sizes = [o.primary_face.size_ratio for o in observations if o.primary_face]
        evidence["mean_face_size_ratio"] = round(float(np.mean(sizes)), 3)
    elif kind == "camera_covered":
        evidence["mean_brightness"] = round(float(np.mean([o.brightness for o in observations])), 1)
        evidence["mean_contrast"] = round(float(np.mean([o.contrast for o in observations])), 1)
        evidence["mean_texture"] = round(float(np.mean([o.texture for o in observations])), 2)
    elif kind == "camera_frozen":
        evidence["rule"] = "no landmark motion and no blink in any analysed frame of the window"
    return evidence


def face_shift(previous_bgr: np.ndarray | None, current_bgr: np.ndarray, face: FaceBox | None) -> float | None:
    """How far the face region moved between two frames, as a share of the face's width: the least-squares
    translation of the region (at the current face box) from one frame to the next (one Lucas-Kanade step on
    lightly smoothed grey). Every pixel of the face votes, so its noise on a still picture is thousandths of a
    pixel, dim light and the encoder's noise included, where single landmarks jitter by pixels; it reads motions of
    up to a pixel or two faithfully, and more as "more than that". None without a face, a previous frame of the
    same size or a region with some texture."""
    if previous_bgr is None or face is None or previous_bgr.shape != current_bgr.shape:
        return None
    height, width = current_bgr.shape[:2]
    x0, y0 = max(int(face.x * width), 0), max(int(face.y * height), 0)
    x1, y1 = min(int((face.x + face.width) * width), width), min(int((face.y + face.height) * height), height)
    if x1 - x0 < 16 or y1 - y0 < 16:
        return None
    before, after = (cv2.GaussianBlur(cv2.cvtColor(np.ascontiguousarray(image[y0:y1, x0:x1]), cv2.COLOR_BGR2GRAY)
                                      .astype(np.float32), (0, 0), 1.0) for image in (previous_bgr, current_bgr))
    gx, gy = cv2.Sobel(before, cv2.CV_32F, 1, 0, ksize=3) / 8, cv2.Sobel(before, cv2.CV_32F, 0, 1, ksize=3) / 8
    change = after - before
    change -= change.mean()  # the camera's exposure drifting is not motion
    normal = np.array([[(gx * gx).sum(), (gx * gy).sum()], [(gx * gy).sum(), (gy * gy).sum()]], np.float64)
    if np.linalg.det(normal) <= 1e-6 * max(float(np.trace(normal)), 1.0) ** 2:
        return None  # a flat region: no direction to measure a shift in
    dx, dy = np.linalg.solve(normal, -np.array([(gx * change).sum(), (gy * change).sum()], np.float64))
    return float(np.hypot(dx, dy)) / (x1 - x0)


def _analyze_with_shift(analyzer: FrameAnalyzer, image: np.ndarray, stream: str,
                        previous: np.ndarray | None) -> tuple[FrameObservation, float | None]:
    observation = analyzer.analyze(image, stream)
    return observation, face_shift(previous, image, observation.primary_face)


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
        self._debouncer = ConditionDebouncer(window_seconds, min_ratio, min_samples,
                                             disabled=analyzer.config.disabled_checks)
        self._frames: asyncio.Queue[tuple[np.ndarray, float]] = asyncio.Queue(maxsize=queue_size)
        self._violations: asyncio.Queue[Violation | None] = asyncio.Queue(maxsize=64)
        self._last_sampled_ts: float | None = None
        # Newest frame that showed each condition: the snapshot of a violation comes from it.
        self._last_bad_frame: dict[str, np.ndarray] = {}
        self._previous_frame: np.ndarray | None = None  # the last analysed frame: the face's shift is measured from it
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
        observation, shift = await asyncio.to_thread(_analyze_with_shift, self.analyzer, image, self.stream,
                                                     self._previous_frame)
        self._previous_frame = image
        self.stats.frames_analyzed += 1
        fired = self._debouncer.add(ts, observation, shift)
        for kind in self._debouncer.last_conditions:
            self._last_bad_frame[kind] = image
        for kind, evidence, started_at in fired:
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
