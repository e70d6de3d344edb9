"""The vision watch follows the session's lifecycle events at once: frames during a pause are not analysed from
the moment the pause is stored, not only after the next status check."""

from __future__ import annotations

import time

import numpy as np
from litestar import Litestar
from litestar.testing import AsyncTestClient

from candidatex.anticheat.coordinator import _Watch
from candidatex.anticheat.monitor import VisionMonitor
from candidatex.anticheat.vision import FrameAnalyzer
from tests.anticheat.test_api_signals import start
from tests.conftest import Account


async def test_pause_and_resume_reach_the_watch_at_once(client: AsyncTestClient, app: Litestar, candidate: Account,
                                                        analyzer: FrameAnalyzer, astronaut_frame: np.ndarray) -> None:
    sid, _ = await start(client, candidate)
    anti_cheat = app.state.anti_cheat
    anti_cheat.STATUS_TTL = 3600.0  # no status check in this test: only the events can change the watch
    monitor = VisionMonitor(analyzer, sample_fps=100.0, stream=f"session:{sid}")
    monitor.start()
    now = time.monotonic()
    anti_cheat._watches[sid] = _Watch(monitor=monitor, status="active", checked_at=now, last_frame_at=now,
                                      heard_at=now)
    vision, anti_cheat.vision_enabled = anti_cheat.vision_enabled, True
    try:
        await anti_cheat.consume_video(sid, astronaut_frame, 0.0)
        assert monitor.stats.frames_submitted == 1

        assert (await client.post(f"/interview/sessions/{sid}/pause", headers=candidate.headers)).status_code == 200
        await anti_cheat.consume_video(sid, astronaut_frame, 1.0)
        assert monitor.stats.frames_submitted == 1  # paused: the frame is not analysed

        assert (await client.post(f"/interview/sessions/{sid}/resume", headers=candidate.headers)).status_code == 200
        await anti_cheat.consume_video(sid, astronaut_frame, 2.0)
        assert monitor.stats.frames_submitted == 2
    finally:
        anti_cheat.vision_enabled = vision
        anti_cheat._watches.pop(sid, None)
        await monitor.stop()
