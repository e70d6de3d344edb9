"""The media hub: the server end of every WebRTC peer, rooms per interview session.

Topology (SFU-style, the server is the hub): each participant talks to the server only. A participant
has at most two server peers, one per direction, which keeps negotiation simple and robust: no
renegotiation ever happens on a live connection.

* publish peer: receives the participant's camera and microphone (recvonly on the server). Each
  received track becomes the source of the room's feed for the participant's role, and is sampled for
  analysis (video at `video_sample_fps` to the video consumer, all audio to the audio consumer).
* subscribe peer: sends the feed of the role the subscriber watches (see `SOURCE_ROLE`), relayed from
  the publisher through the room's `MediaRelay`. It follows the feed across re-publishing, so the
  subscribe/publish order does not matter and a watcher never needs to renegotiate.

Publishing again (or subscribing again) replaces that participant's previous peer of that direction.
"""

import asyncio
import json
import logging
import time
import weakref
from collections.abc import Coroutine
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, cast

import av
from aiortc import RTCConfiguration, RTCIceCandidate, RTCIceServer, RTCPeerConnection, RTCSessionDescription
from aiortc.contrib.media import MediaRelay
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack
from av.audio.frame import AudioFrame
from av.video.frame import VideoFrame

from candidatex.media.consumers import SPEECH_SAMPLE_RATE, AudioConsumer, VideoFrameConsumer
from candidatex.media.recorder import RECORDING_SUFFIX, SessionRecorder
from candidatex.media.tracks import Feed, FeedTrack, MediaKind

logger = logging.getLogger(__name__)


class Role(StrEnum):
    CANDIDATE = "candidate"
    RECRUITER = "recruiter"
    WATCHER = "watcher"
    ADMIN = "admin"


PUBLISHING_ROLES = frozenset({Role.CANDIDATE, Role.RECRUITER})
# Whose media a subscriber receives: the two sides of a live interview see each other, everyone else
# watches the candidate.
SOURCE_ROLE = {
    Role.CANDIDATE: Role.RECRUITER,
    Role.RECRUITER: Role.CANDIDATE,
    Role.WATCHER: Role.CANDIDATE,
    Role.ADMIN: Role.CANDIDATE,
}


class MediaHubError(Exception):
    """A request the hub refuses; `code` is machine-readable."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def parse_ice_servers(value: str | None) -> list[RTCIceServer]:
    """ICE servers from configuration: a JSON list of {"urls", "username"?, "credential"?} objects, or
    a comma-separated list of URLs. Empty means host candidates only (no STUN/TURN)."""
    if not value or not value.strip():
        return []
    value = value.strip()
    if value.startswith("["):
        return [
            RTCIceServer(urls=item["urls"], username=item.get("username"), credential=item.get("credential"))
            for item in json.loads(value)
        ]
    return [RTCIceServer(urls=url.strip()) for url in value.split(",") if url.strip()]


def ice_candidate_from_json(candidate: dict[str, Any] | None) -> RTCIceCandidate | None:
    """Browser `RTCIceCandidate.toJSON()` to aiortc; None or an empty candidate means end-of-candidates."""
    from aiortc.sdp import candidate_from_sdp

    if not candidate or not candidate.get("candidate"):
        return None
    line = str(candidate["candidate"]).removeprefix("a=").removeprefix("candidate:")
    fields = line.split()
    # foundation component transport priority address port "typ" type
    if len(fields) < 8 or fields[6] != "typ" or not fields[5].isdigit():
        raise ValueError(f"not an ICE candidate: {candidate['candidate']!r}")
    parsed = candidate_from_sdp(line)
    parsed.sdpMid = candidate.get("sdpMid")
    parsed.sdpMLineIndex = candidate.get("sdpMLineIndex")
    return parsed


async def _accept_offer(pc: RTCPeerConnection, offer: RTCSessionDescription) -> None:
    await pc.setRemoteDescription(offer)
    if not any(transceiver.kind in ("audio", "video") for transceiver in pc.getTransceivers()):
        raise MediaHubError("invalid_offer", "the offer has no audio or video")


@dataclass
class _Peer:
    participant_id: str
    role: Role
    pc: RTCPeerConnection
    received: list[MediaStreamTrack] = field(default_factory=list)
    sent: list[MediaStreamTrack] = field(default_factory=list)
    tasks: list[asyncio.Task[None]] = field(default_factory=list)


@dataclass
class _Room:
    session_id: str
    relay: MediaRelay = field(default_factory=MediaRelay)
    feeds: dict[Role, Feed] = field(default_factory=lambda: {role: Feed() for role in PUBLISHING_ROLES})
    publishers: dict[str, _Peer] = field(default_factory=dict)
    subscribers: dict[str, _Peer] = field(default_factory=dict)
    recorder: SessionRecorder | None = None

    def is_empty(self) -> bool:
        return not self.publishers and not self.subscribers


@dataclass
class _Counters:
    video_frames_sampled: int = 0
    video_frames_analysed: int = 0
    video_frames_dropped: int = 0
    audio_chunks_forwarded: int = 0
    audio_chunks_dropped: int = 0


class MediaHub:
    def __init__(
        self,
        ice_servers: list[RTCIceServer] | None = None,
        video_sample_fps: float = 2.0,
        recordings_dir: Path | None = None,
        video_consumer: VideoFrameConsumer | None = None,
        audio_consumer: AudioConsumer | None = None,
        analysed_roles: frozenset[Role] = frozenset({Role.CANDIDATE}),
        video_queue_size: int = 2,
        audio_queue_size: int = 100,
    ) -> None:
        self._ice_servers = list(ice_servers or [])
        self._sample_interval = 1.0 / video_sample_fps if video_sample_fps > 0 else None
        self._recordings_dir = recordings_dir
        self._video_consumer = video_consumer
        self._audio_consumer = audio_consumer
        self._analysed_roles = analysed_roles
        self._video_queue_size = video_queue_size
        self._audio_queue_size = audio_queue_size
        self._rooms: dict[str, _Room] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self._counters = _Counters()
        # Serialises changes to one room, so a hang-up cannot interleave with a publish of the same room.
        # Weak values: a lock lives while someone holds or waits for it, so ended sessions leave nothing.
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()

    @property
    def ice_servers(self) -> list[RTCIceServer]:
        return list(self._ice_servers)

    # -- negotiation -------------------------------------------------------------------------------

    async def publish(
        self, session_id: str, participant_id: str, role: Role, offer: RTCSessionDescription
    ) -> RTCSessionDescription:
        """Receive the participant's camera/microphone; returns the server's answer."""
        role = Role(role)
        if role not in PUBLISHING_ROLES:
            raise MediaHubError("forbidden", f"a {role} does not publish media")
        async with self._lock(session_id):
            room = self._room(session_id)
            await self._close_peer(room, room.publishers.pop(participant_id, None), published=True)
            peer = _Peer(participant_id, role, self._new_pc(session_id, participant_id, "publish"))
            room.publishers[participant_id] = peer
            peer.pc.on("track", peer.received.append)
            try:
                answer = await self._answer(peer.pc, offer)
            except Exception:
                room.publishers.pop(participant_id, None)
                await self._close_peer(room, peer, published=True)
                raise
            for track in peer.received:
                await room.feeds[role].attach(track)
                peer.tasks.append(self._spawn(self._sample(room, peer, track), f"sample-{track.kind}:{session_id}"))
            if role is Role.CANDIDATE and self._recordings_dir is not None and room.recorder is None:
                room.recorder = SessionRecorder(
                    self.recording_path(session_id),
                    video=FeedTrack(room.relay, room.feeds[role], "video"),
                    audio=FeedTrack(room.relay, room.feeds[role], "audio"),
                    # the other side: the recruiter's microphone whenever one publishes (live interviews)
                    interviewer_audio=FeedTrack(room.relay, room.feeds[Role.RECRUITER], "audio"),
                )
                room.recorder.start()
            return answer

    async def subscribe(
        self, session_id: str, participant_id: str, role: Role, offer: RTCSessionDescription
    ) -> RTCSessionDescription:
        """Send the subscriber the media of `SOURCE_ROLE[role]` in this room; the offer should ask to
        receive audio and video (recvonly transceivers)."""
        role = Role(role)
        async with self._lock(session_id):
            room = self._room(session_id)
            await self._close_peer(room, room.subscribers.pop(participant_id, None), published=False)
            peer = _Peer(participant_id, role, self._new_pc(session_id, participant_id, "subscribe"))
            room.subscribers[participant_id] = peer
            try:
                await _accept_offer(peer.pc, offer)
                feed = room.feeds[SOURCE_ROLE[role]]
                for transceiver in peer.pc.getTransceivers():
                    if transceiver.kind in ("audio", "video"):
                        track = FeedTrack(room.relay, feed, cast(MediaKind, transceiver.kind))
                        peer.sent.append(track)
                        peer.pc.addTrack(track)
                await peer.pc.setLocalDescription(await peer.pc.createAnswer())
            except Exception:
                room.subscribers.pop(participant_id, None)
                await self._close_peer(room, peer, published=False)
                raise
            return peer.pc.localDescription

    async def add_ice_candidate(
        self, session_id: str, participant_id: str, candidate: RTCIceCandidate | None, direction: str = "publish"
    ) -> None:
        """Trickle ICE from the client into its publish or subscribe peer (None: end of candidates)."""
        room = self._rooms.get(session_id)
        peers = (room.publishers if direction == "publish" else room.subscribers) if room else {}
        peer = peers.get(participant_id)
        if peer is None:
            raise MediaHubError("no_peer", f"no {direction} connection to add the candidate to")
        await peer.pc.addIceCandidate(candidate)

    # -- teardown ----------------------------------------------------------------------------------

    async def hang_up(self, session_id: str, participant_id: str) -> None:
        """Close both of the participant's peers; others in the room carry on undisturbed."""
        async with self._lock(session_id):
            room = self._rooms.get(session_id)
            if room is None:
                return
            await self._close_peer(room, room.publishers.pop(participant_id, None), published=True)
            await self._close_peer(room, room.subscribers.pop(participant_id, None), published=False)
            # A recording room stays until the session ends, so a reconnecting candidate keeps
            # recording into the same file.
            if room.is_empty() and room.recorder is None:
                self._forget_room(session_id)

    async def close_session(self, session_id: str) -> None:
        """End of the interview: close every peer of the room and finish its recording."""
        async with self._lock(session_id):
            room = self._rooms.get(session_id)
            if room is None:
                return
            for participant_id in list(room.publishers):
                await self._close_peer(room, room.publishers.pop(participant_id), published=True)
            for participant_id in list(room.subscribers):
                await self._close_peer(room, room.subscribers.pop(participant_id), published=False)
            if room.recorder is not None:
                await room.recorder.stop()
                room.recorder = None
            self._forget_room(session_id)

    async def shutdown(self) -> None:
        for session_id in list(self._rooms):
            await self.close_session(session_id)
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    # -- queries -----------------------------------------------------------------------------------

    def recording_path(self, session_id: str) -> Path:
        if self._recordings_dir is None:
            raise MediaHubError("recording_disabled", "recording is not enabled")
        if not session_id.replace("-", "").replace("_", "").isalnum():
            raise MediaHubError("invalid_session", "session id is not a safe file name")
        return self._recordings_dir / f"{session_id}{RECORDING_SUFFIX}"

    async def play_to_recording(self, session_id: str, pcm16: bytes, sample_rate: int) -> bool:
        """Put interviewer audio the candidate hears (a spoken question, mono PCM16) into the session's
        recording at the current time; False when the session is not being recorded."""
        room = self._rooms.get(session_id)
        if room is None or room.recorder is None:
            return False
        return await room.recorder.play_interviewer(pcm16, sample_rate)

    def is_recording(self, session_id: str) -> bool:
        room = self._rooms.get(session_id)
        return room is not None and room.recorder is not None

    def room_stats(self, session_id: str) -> dict[str, Any]:
        """One room: who publishes (by role), how many subscribe, whether it records."""
        room = self._rooms.get(session_id)
        if room is None:
            return {"publishing": False, "publishers": [], "subscribers": 0, "recording": False}
        return {
            "publishing": bool(room.publishers),
            "publishers": sorted(str(peer.role) for peer in room.publishers.values()),
            "subscribers": len(room.subscribers),
            "recording": room.recorder is not None,
        }

    def stats(self) -> dict[str, int]:
        rooms = self._rooms.values()
        recorder_tasks = sum(len([t for t in r.recorder.tasks if not t.done()]) for r in rooms if r.recorder)
        return {
            "rooms": len(self._rooms),
            "peers": sum(len(r.publishers) + len(r.subscribers) for r in rooms),
            "publishers": sum(len(r.publishers) for r in rooms),
            "subscribers": sum(len(r.subscribers) for r in rooms),
            "recordings": sum(1 for r in rooms if r.recorder),
            "tasks": len(self._tasks) + recorder_tasks,
            **vars(self._counters),
        }

    # -- internals ---------------------------------------------------------------------------------

    def _lock(self, session_id: str) -> asyncio.Lock:
        lock = self._locks.get(session_id)
        if lock is None:
            lock = self._locks[session_id] = asyncio.Lock()
        return lock

    def _room(self, session_id: str) -> _Room:
        return self._rooms.setdefault(session_id, _Room(session_id))

    def _forget_room(self, session_id: str) -> None:
        self._rooms.pop(session_id, None)

    def _spawn(self, coro: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
        task = asyncio.create_task(coro, name=f"media:{name}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def _new_pc(self, session_id: str, participant_id: str, direction: str) -> RTCPeerConnection:
        pc = RTCPeerConnection(RTCConfiguration(iceServers=self._ice_servers))

        @pc.on("connectionstatechange")
        async def on_state_change() -> None:
            # A vanished client (closed tab, lost network) never hangs up: reclaim its peer.
            if pc.connectionState == "failed":
                self._spawn(self._drop_peer(session_id, participant_id, direction, pc), f"drop:{session_id}")

        return pc

    async def _drop_peer(self, session_id: str, participant_id: str, direction: str, pc: RTCPeerConnection) -> None:
        async with self._lock(session_id):
            room = self._rooms.get(session_id)
            if room is None:
                return
            peers = room.publishers if direction == "publish" else room.subscribers
            peer = peers.get(participant_id)
            if peer is not None and peer.pc is pc:
                del peers[participant_id]
                await self._close_peer(room, peer, published=direction == "publish")
            if room.is_empty() and room.recorder is None:
                self._forget_room(session_id)

    @staticmethod
    async def _answer(pc: RTCPeerConnection, offer: RTCSessionDescription) -> RTCSessionDescription:
        await _accept_offer(pc, offer)
        await pc.setLocalDescription(await pc.createAnswer())
        return pc.localDescription

    async def _close_peer(self, room: _Room, peer: _Peer | None, published: bool) -> None:
        if peer is None:
            return
        for track in peer.received:
            await room.feeds[peer.role].detach(track)
        await peer.pc.close()
        for track in peer.received:
            # aiortc ends a received track from its decoder thread, which never starts when no media
            # arrived; ending it here as well lets the relay's reader task finish in every case.
            track._queue.put_nowait(None)  # type: ignore[attr-defined]
        for track in peer.sent:
            track.stop()
        await asyncio.gather(*peer.tasks, return_exceptions=True)
        if published and peer.role in self._analysed_roles and self._audio_consumer is not None \
                and any(track.kind == "audio" for track in peer.received):
            await self._audio_consumer.end_of_stream(room.session_id)

    # -- analysis sampling -------------------------------------------------------------------------

    async def _sample(self, room: _Room, peer: _Peer, track: MediaStreamTrack) -> None:
        """Pull a received track through the relay (which also keeps the track drained when nobody
        watches) and pass samples to the analysis consumer through a bounded queue."""
        analysed = peer.role in self._analysed_roles
        if track.kind == "video":
            consumer: Any = self._video_consumer if analysed and self._sample_interval else None
            proxy = room.relay.subscribe(track, buffered=False)
            queue_size = self._video_queue_size
        else:
            consumer = self._audio_consumer if analysed else None
            proxy = room.relay.subscribe(track, buffered=True)
            queue_size = self._audio_queue_size
        queue: asyncio.Queue[tuple[Any, float] | None] = asyncio.Queue(queue_size)
        worker = (
            self._spawn(self._deliver(room.session_id, track.kind, consumer, queue), f"deliver:{room.session_id}")
            if consumer is not None
            else None
        )
        resampler = av.AudioResampler(format="s16", layout="mono", rate=SPEECH_SAMPLE_RATE)
        next_due = 0.0
        try:
            while True:
                try:
                    frame = await proxy.recv()
                except MediaStreamError:
                    break
                if consumer is None:
                    continue
                captured_at = time.time()
                if isinstance(frame, VideoFrame):
                    if captured_at < next_due:
                        continue
                    next_due = captured_at + (self._sample_interval or 0.0)  # set: there is a consumer
                    self._enqueue(queue, (frame, captured_at), video=True)
                elif isinstance(frame, AudioFrame):
                    pcm = b"".join(chunk.to_ndarray().tobytes() for chunk in resampler.resample(frame))
                    if pcm:
                        self._enqueue(queue, (pcm, captured_at), video=False)
        finally:
            proxy.stop()
            if worker is not None:
                # The sentinel ends the worker; when the queue is full the oldest sample makes room.
                while True:
                    try:
                        queue.put_nowait(None)
                        break
                    except asyncio.QueueFull:
                        queue.get_nowait()
                await worker

    def _enqueue(self, queue: asyncio.Queue[Any], item: tuple[Any, float], video: bool) -> None:
        if queue.full():
            if video:
                self._counters.video_frames_dropped += 1
            else:
                self._counters.audio_chunks_dropped += 1
            return
        queue.put_nowait(item)
        if video:
            self._counters.video_frames_sampled += 1

    async def _deliver(self, session_id: str, kind: str, consumer: Any, queue: asyncio.Queue[Any]) -> None:
        while (item := await queue.get()) is not None:
            payload, captured_at = item
            try:
                if kind == "video":
                    image = await asyncio.to_thread(payload.to_ndarray, format="bgr24")
                    await consumer.consume_video(session_id, image, captured_at)
                    self._counters.video_frames_analysed += 1
                else:
                    await consumer.consume_audio(session_id, payload, SPEECH_SAMPLE_RATE, captured_at)
                    self._counters.audio_chunks_forwarded += 1
            except Exception:
                # One bad frame must not stop analysis of the rest of the interview.
                logger.exception("media consumer failed on a %s sample of session %s", kind, session_id)
