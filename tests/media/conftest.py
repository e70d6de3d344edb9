"""Real WebRTC on loopback: aiortc clients publishing a real face photo and espeak-ng speech."""

import asyncio
import subprocess
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest
from aiortc import RTCConfiguration, RTCPeerConnection
from aiortc.contrib.media import MediaPlayer
from aiortc.mediastreams import MediaStreamTrack, VideoStreamTrack
from av.video.frame import VideoFrame
from skimage.data import astronaut

from candidatex.media.hub import MediaHub, Role

FACE_RGB = astronaut()  # 512x512 public-domain photograph of a person


class FaceVideoTrack(VideoStreamTrack):
    """A camera showing the astronaut photo, with a small moving stripe so frames differ, swaying a pixel or two as a
    person does (the anti-cheat reads a picture that stays put as a photo held up: camera_frozen)."""

    def __init__(self, image_rgb: np.ndarray = FACE_RGB) -> None:
        super().__init__()
        self._image = np.ascontiguousarray(image_rgb)
        self.frames_sent = 0

    async def recv(self) -> VideoFrame:
        pts, time_base = await self.next_timestamp()
        step = self.frames_sent
        image = np.roll(self._image, (round(np.cos(step * 0.7)), round(2 * np.sin(step * 0.9))), axis=(0, 1))
        row = (self.frames_sent * 4) % image.shape[0]
        image[row : row + 4] = 255
        frame = VideoFrame.from_ndarray(image, format="rgb24")
        frame.pts, frame.time_base = pts, time_base
        self.frames_sent += 1
        return frame


@dataclass
class VideoCollector:
    session_id: str | None = None
    frames: list[tuple[np.ndarray, float]] = field(default_factory=list)
    got_frame: asyncio.Event = field(default_factory=asyncio.Event)

    async def consume_video(self, session_id: str, image_bgr: np.ndarray, captured_at: float) -> None:
        self.session_id = session_id
        self.frames.append((image_bgr, captured_at))
        self.got_frame.set()


@dataclass
class AudioCollector:
    chunks: list[tuple[bytes, int]] = field(default_factory=list)
    ended: list[str] = field(default_factory=list)

    async def consume_audio(self, session_id: str, pcm16: bytes, sample_rate: int, captured_at: float) -> None:
        self.chunks.append((pcm16, sample_rate))

    async def end_of_stream(self, session_id: str) -> None:
        self.ended.append(session_id)

    def samples(self) -> np.ndarray:
        return np.frombuffer(b"".join(pcm for pcm, _ in self.chunks), dtype="<i2")


@pytest.fixture(scope="session")
def speech_wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("speech") / "answer.wav"
    subprocess.run(
        ["espeak-ng", "-w", str(path), "I have five years of experience building distributed systems in Python."],
        check=True,
    )
    return path


@pytest.fixture
async def hub(tmp_path: Path) -> AsyncIterator[tuple[MediaHub, VideoCollector, AudioCollector]]:
    video, audio = VideoCollector(), AudioCollector()
    media_hub = MediaHub(
        ice_servers=[], video_sample_fps=5, recordings_dir=None, video_consumer=video, audio_consumer=audio
    )
    yield media_hub, video, audio
    await media_hub.shutdown()


class Client:
    """A participant's browser stand-in: one peer to publish, one to subscribe, like the web client."""

    def __init__(self, hub: MediaHub, session_id: str, participant_id: str, role: Role) -> None:
        self.hub, self.session_id, self.participant_id, self.role = hub, session_id, participant_id, role
        self.pcs: list[RTCPeerConnection] = []
        self.players: list[MediaPlayer] = []
        self.received: dict[str, MediaStreamTrack] = {}

    async def publish(self, video: MediaStreamTrack | None = None, audio_wav: Path | None = None) -> None:
        pc = self._pc()
        if video is not None:
            pc.addTrack(video)
        if audio_wav is not None:
            player = MediaPlayer(str(audio_wav), loop=True)
            self.players.append(player)
            pc.addTrack(player.audio)
        await pc.setLocalDescription(await pc.createOffer())
        answer = await self.hub.publish(self.session_id, self.participant_id, self.role, pc.localDescription)
        await pc.setRemoteDescription(answer)

    async def subscribe(self) -> None:
        pc = self._pc()
        pc.addTransceiver("video", direction="recvonly")
        pc.addTransceiver("audio", direction="recvonly")
        pc.on("track", lambda track: self.received.__setitem__(track.kind, track))
        await pc.setLocalDescription(await pc.createOffer())
        answer = await self.hub.subscribe(self.session_id, self.participant_id, self.role, pc.localDescription)
        await pc.setRemoteDescription(answer)

    async def video_frames(self, count: int, timeout: float = 20) -> list[np.ndarray]:
        track = self.received["video"]
        images = []
        async with asyncio.timeout(timeout):
            while len(images) < count:
                frame = await track.recv()
                images.append(frame.to_ndarray(format="rgb24"))
        return images

    async def close(self) -> None:
        for pc in self.pcs:
            await pc.close()
        self.pcs.clear()

    def _pc(self) -> RTCPeerConnection:
        pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        self.pcs.append(pc)
        return pc


async def wait_until(
    predicate: Callable[[], object], timeout: float = 20, what: str = "condition", details: Callable[[], object] = str
) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}: {details()}")
        await asyncio.sleep(0.05)


def resembles_face(image_rgb: np.ndarray) -> bool:
    """The relayed picture is the astronaut photo, after lossy VP8 coding: same size, and each colour
    channel's mean within a few levels of the source's."""
    if image_rgb.shape != FACE_RGB.shape:
        return False
    difference = np.abs(image_rgb.reshape(-1, 3).mean(axis=0) - FACE_RGB.reshape(-1, 3).mean(axis=0))
    return bool((difference < 8).all())


def open_socket_count() -> int:
    fd_dir = Path("/proc/self/fd")
    count = 0
    for fd in fd_dir.iterdir():
        try:
            count += fd.readlink().name.startswith("socket:")
        except OSError:
            continue
    return count

