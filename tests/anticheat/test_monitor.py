"""VisionMonitor: debouncing over a window, one violation per window, bounded queue, snapshots."""

from __future__ import annotations

import cv2
import numpy as np

from candidatex.anticheat.monitor import Violation, VisionMonitor
from candidatex.anticheat.vision import FrameAnalyzer

FPS = 2.0


async def feed(monitor: VisionMonitor, frames: list[np.ndarray], start: float = 0.0) -> None:
    """Submit frames at FPS in stream time, letting analysis keep up (no drops)."""
    for index, frame in enumerate(frames):
        assert await monitor.submit(frame, start + index / FPS)
        await monitor.drain()


async def test_one_bad_frame_is_not_a_strike(
    analyzer: FrameAnalyzer, astronaut_frame: np.ndarray, empty_room_frame: np.ndarray, with_sensor_noise
) -> None:
    received: list[Violation] = []
    frames = [with_sensor_noise(astronaut_frame, i) for i in range(10)]
    frames[4] = with_sensor_noise(empty_room_frame, 99)  # the candidate ducks out of view for a moment
    async with VisionMonitor(analyzer, sample_fps=FPS, on_violation=received.append) as monitor:
        await feed(monitor, frames)
    assert received == []
    assert monitor.frames_analyzed == 10


async def test_sustained_absence_is_one_violation_per_window(
    analyzer: FrameAnalyzer, astronaut_frame: np.ndarray, empty_room_frame: np.ndarray, with_sensor_noise
) -> None:
    present = [with_sensor_noise(astronaut_frame, i) for i in range(4)]
    absent = [with_sensor_noise(empty_room_frame, 100 + i) for i in range(13)]  # 6.5 s at 2 fps
    monitor = VisionMonitor(analyzer, window_seconds=3.0, min_ratio=0.6, sample_fps=FPS)
    async with monitor:
        await feed(monitor, present + absent)
    violations = [v async for v in monitor.violations()]
    assert [v.kind for v in violations] == ["face_missing", "face_missing"]
    first = violations[0]
    assert first.started_at == 2.0  # the first frame without a face
    assert first.evidence["ratio"] >= 0.6
    thumbnail = cv2.imdecode(np.frombuffer(first.snapshot_jpeg, np.uint8), cv2.IMREAD_COLOR)
    assert thumbnail.shape[1] == 160  # a thumbnail of the empty room, not the full frame
    # The snapshot shows the offending frame: no face in it.
    assert analyzer.analyze(cv2.resize(thumbnail, (640, 480))).face_count == 0


async def test_second_person_is_reported_once_with_evidence(
    analyzer: FrameAnalyzer, two_people_wide_frame: np.ndarray, with_sensor_noise
) -> None:
    frames = [with_sensor_noise(two_people_wide_frame, i) for i in range(8)]
    async with VisionMonitor(analyzer, sample_fps=FPS) as monitor:
        await feed(monitor, frames)
    violations = [v async for v in monitor.violations()]
    assert [v.kind for v in violations] == ["multiple_faces"]
    assert violations[0].evidence["max_faces"] == 2


async def test_frozen_camera_is_a_violation(analyzer: FrameAnalyzer, astronaut_frame: np.ndarray) -> None:
    async with VisionMonitor(analyzer, sample_fps=FPS) as monitor:
        await feed(monitor, [astronaut_frame] * 8)
    assert [v.kind async for v in monitor.violations()] == ["camera_frozen"]


async def test_frames_above_sampling_rate_are_skipped_not_dropped(
    analyzer: FrameAnalyzer, astronaut_frame: np.ndarray
) -> None:
    async with VisionMonitor(analyzer, sample_fps=2.0) as monitor:
        for index in range(30):  # one second of 30 fps video
            await monitor.submit(astronaut_frame, index / 30)
            await monitor.drain()
    assert monitor.frames_analyzed == 2
    assert monitor.stats.frames_skipped == 28
    assert monitor.frames_dropped == 0


async def test_full_queue_drops_and_counts_frames(
    analyzer: FrameAnalyzer, astronaut_frame: np.ndarray
) -> None:
    async with VisionMonitor(analyzer, sample_fps=0, queue_size=2) as monitor:
        # submit() never waits, so this burst outruns the worker: only the queue's worth is kept.
        accepted = [await monitor.submit(astronaut_frame, float(i)) for i in range(10)]
    assert accepted == [True, True] + [False] * 8
    assert monitor.frames_dropped == 8
    assert monitor.frames_analyzed == 2
