"""Tracks that follow a room's published media across re-publishing.

A subscriber's server peer sends `FeedTrack`s. Each one follows the current source of one feed (say
the candidate's camera) through the room's `MediaRelay`; when the publisher hangs up and publishes
again, the track switches to the new source by itself. So a watcher or the other side of a live
interview may subscribe before, during or after the publisher connects, with no renegotiation.
"""

import asyncio
from typing import Literal

from aiortc.contrib.media import MediaRelay
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack
from av.frame import Frame
from av.packet import Packet

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

    async def recv(self) -> Frame | Packet:
        while self.readyState == "live":
            if self._proxy is None:
                self._source = await self._feed.next_source(self.kind, self._source)
                # Video proxies keep only the newest frame so a slow consumer skips frames instead of
                # queueing them; audio is buffered because a gap is audible.
                self._proxy = self._relay.subscribe(self._source, buffered=self.kind == "audio")
            try:
                return await self._proxy.recv()
            except MediaStreamError:
                self._proxy = None
        raise MediaStreamError

    def stop(self) -> None:
        super().stop()
        if self._proxy is not None:
            self._proxy.stop()
            self._proxy = None
