"""Tracks that follow a room's published media across re-publishing.

A subscriber's server peer sends `FeedTrack`s. Each one follows the current source of one feed (say
the candidate's camera) through the room's `MediaRelay`; when the publisher hangs up and publishes
again, the track switches to the new source by itself. So a watcher or the other side of a live
interview may subscribe before, during or after the publisher connects, with no renegotiation.
"""

import asyncio
from fractions import Fraction
from typing import Literal

from aiortc.contrib.media import MediaRelay
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack
from av.audio.frame import AudioFrame
from av.frame import Frame
from av.packet import Packet
from av.video.frame import VideoFrame

VIDEO_STEP_SECONDS = 1 / 30
VIDEO_TIME_BASE = Fraction(1, 90_000)  # the RTP video clock

MediaKind = Literal["audio", "video"]


class Feed:
    """The current audio and video source published under one role in one room."""

    def __init__(self) -> None:
        self._sources: dict[str, MediaStreamTrack | None] = {"audio": None, "video": None}
        self._changed = asyncio.Condition()

    def current(self, kind: str) -> MediaStreamTrack | None:
        return self._sources[kind]

    async def attach(self, track: MediaStreamTrack) -> None:
        async with self._changed:
            self._sources[track.kind] = track
            self._changed.notify_all()

    async def detach(self, track: MediaStreamTrack) -> None:
        async with self._changed:
            if self._sources[track.kind] is track:
                self._sources[track.kind] = None
                self._changed.notify_all()

    async def next_source(self, kind: str, previous: MediaStreamTrack | None) -> MediaStreamTrack:
        """Wait for a live source of `kind` other than `previous` (which has just ended)."""

        def usable() -> bool:
            source = self._sources[kind]
            return source is not None and source is not previous and source.readyState == "live"

        async with self._changed:
            await self._changed.wait_for(usable)
            source = self._sources[kind]
            assert source is not None
            return source


class FeedTrack(MediaStreamTrack):
    """Relays whatever source currently feeds `feed` for this kind; waits while there is none."""

    def __init__(self, relay: MediaRelay, feed: Feed, kind: MediaKind) -> None:
        super().__init__()
        self.kind = kind
        self._relay = relay
        self._feed = feed
        self._source: MediaStreamTrack | None = None
        self._proxy: MediaStreamTrack | None = None
        # Each source numbers its frames from its own random origin, but encoders need timestamps that
        # only increase: after a switch, frames are shifted to continue from the last one sent.
        self._pts_offset = 0
        self._last_pts: int | None = None
        self._switched = False

    async def recv(self) -> Frame | Packet:
        while self.readyState == "live":
            if self._proxy is None:
                self._source = await self._feed.next_source(self.kind, self._source)
                # Video proxies keep only the newest frame so a slow consumer skips frames instead of
                # queueing them; audio is buffered because a gap is audible.
                self._proxy = self._relay.subscribe(self._source, buffered=self.kind == "audio")
                self._switched = self._last_pts is not None
            try:
                frame = await self._proxy.recv()
            except MediaStreamError:
                self._proxy = None
                continue
            if isinstance(frame, Frame):  # a relayed track sends decoded frames, never packets
                return self._continue_timeline(frame)
        raise MediaStreamError

    def _continue_timeline(self, frame: Frame) -> Frame:
        if frame.pts is None:
            return frame
        if self._switched:
            self._switched = False
            time_base = frame.time_base or VIDEO_TIME_BASE
            step = frame.samples if isinstance(frame, AudioFrame) else round(VIDEO_STEP_SECONDS / time_base)
            assert self._last_pts is not None
            self._pts_offset = self._last_pts + step - frame.pts
        if self._pts_offset:
            frame = copy_frame(frame, frame.pts + self._pts_offset)
        self._last_pts = frame.pts
        return frame

    def stop(self) -> None:
        super().stop()
        if self._proxy is not None:
            self._proxy.stop()
            self._proxy = None


def copy_frame(frame: Frame, pts: int) -> Frame:
    """A copy of `frame` with a new timestamp. The relay hands one frame object to every subscriber
    (and aiortc encodes in executor threads), so a shared frame must never be changed in place."""
    if isinstance(frame, VideoFrame):
        copy: Frame = VideoFrame.from_ndarray(frame.to_ndarray(format="yuv420p"), format="yuv420p")
    elif isinstance(frame, AudioFrame):
        copy = AudioFrame.from_ndarray(frame.to_ndarray(), format=frame.format.name, layout=frame.layout.name)
        copy.sample_rate = frame.sample_rate
    else:
        raise TypeError(f"cannot copy {type(frame).__name__}")
    copy.time_base = frame.time_base
    copy.pts = pts
    return copy
