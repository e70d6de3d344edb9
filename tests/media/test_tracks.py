"""Feed tracks follow a re-publishing source with timestamps that keep increasing."""

import asyncio
from fractions import Fraction

from aiortc.contrib.media import MediaRelay
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack
from av.video.frame import VideoFrame

from candidatex.media.tracks import Feed, FeedTrack

from .conftest import FACE_RGB


class ScriptedCamera(MediaStreamTrack):
    """A received track whose RTP-derived timestamps start at `first_pts`, as each publisher's do."""

    kind = "video"

    def __init__(self, first_pts: int, frames: int) -> None:
        super().__init__()
        self._pts = first_pts
        self._left = frames

    async def recv(self) -> VideoFrame:
        await asyncio.sleep(0.01)
        if self._left == 0:
            self.stop()
            raise MediaStreamError
        self._left -= 1
        frame = VideoFrame.from_ndarray(FACE_RGB, format="rgb24")
        frame.pts, frame.time_base = self._pts, Fraction(1, 90_000)
        self._pts += 3000
        return frame


async def test_a_feed_track_keeps_timestamps_increasing_across_publishers() -> None:
    relay, feed = MediaRelay(), Feed()
    watcher = FeedTrack(relay, feed, "video")
    first, second = ScriptedCamera(first_pts=4_000_000_000, frames=5), ScriptedCamera(first_pts=1000, frames=5)
    await feed.attach(first)
    received = []
    async with asyncio.timeout(10):
        while len(received) < 3:
            received.append(await watcher.recv())
        await feed.attach(second)  # the candidate reconnected from a new peer
        while len(received) < 7:
            received.append(await watcher.recv())
    stamps = [frame.pts for frame in received]
    assert stamps == sorted(set(stamps)), stamps
    assert received[-1].to_ndarray(format="rgb24").shape == FACE_RGB.shape
    watcher.stop()
