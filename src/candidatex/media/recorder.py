"""Records a session's audio and video to a WebM file, encoding off the event loop.

The file holds both sides of the interview: the candidate's camera and microphone (video and audio
stream 0) and the interviewer's side (audio stream 1): the recruiter's microphone in a live interview, and
the spoken questions (`play_interviewer`) in a voice interview. Both audio streams are timed by the same
wall clock, so a player or reviewer can line up who said what.

aiortc's MediaRecorder encodes on the event loop; a 640x480 VP8 frame costs milliseconds there, which
would delay every peer of the process. Here two reader tasks pull frames from the room's feed and hand
them through a bounded queue to one writer that encodes and muxes in a worker thread. When the writer
falls behind, video frames are dropped (counted); audio is kept unless the queue is full.
"""

import asyncio
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack
from av.audio.frame import AudioFrame
from av.audio.stream import AudioStream
from av.video.frame import VideoFrame
from av.video.stream import VideoStream

from candidatex.media.tracks import VIDEO_TIME_BASE, copy_frame

Stream = AudioStream | VideoStream

RECORDING_SUFFIX = ".webm"

logger = logging.getLogger(__name__)


class SessionRecorder:
    def __init__(self, path: Path, video: MediaStreamTrack, audio: MediaStreamTrack, queue_size: int = 64,
                 interviewer_audio: MediaStreamTrack | None = None) -> None:
        self.path = path
        self._tracks = {"video": video, "audio": audio}
        if interviewer_audio is not None:
            self._tracks["interviewer"] = interviewer_audio
        self._queue: asyncio.Queue[tuple[str, AudioFrame | VideoFrame, int] | None] = asyncio.Queue(queue_size)
        self._played_until = 0.0  # recording time (s) up to which played interviewer audio is queued
        self._tasks: list[asyncio.Task[None]] = []
        self._writer: asyncio.Task[None] | None = None
        # The encoder's own thread: in the shared default pool it would queue behind transcription and
        # vision jobs of seconds each, and the end of an interview would wait for all of them.
        self._encoder = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"record-{path.stem}")
        self._started_at: float | None = None
        self.frames_written = 0
        self.frames_dropped = 0

    @property
    def tasks(self) -> list[asyncio.Task[None]]:
        return [*self._tasks, *([self._writer] if self._writer else [])]

    def start(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        container = av.open(str(self.path), mode="w", format="webm")
        video_stream = container.add_stream("libvpx", rate=30)
        video_stream.pix_fmt = "yuv420p"
        # Realtime settings: the recorder must keep up with a live camera on a small CPU.
        video_stream.options = {"deadline": "realtime", "cpu-used": "8"}
        video_stream.bit_rate = 1_000_000
        audio_stream = container.add_stream("libopus", rate=48_000)
        # The interviewer's side is always a second audio stream, so every recording has the same layout.
        interviewer_stream = container.add_stream("libopus", rate=48_000)
        streams: dict[str, Stream] = {"video": video_stream, "audio": audio_stream, "interviewer": interviewer_stream}
        self._writer = asyncio.create_task(self._write(container, streams), name=f"media:record:{self.path.name}")
        self._tasks = [
            asyncio.create_task(self._read(kind, track), name=f"media:record-{kind}:{self.path.name}")
            for kind, track in self._tracks.items()
        ]

    async def play_interviewer(self, pcm16: bytes, sample_rate: int) -> bool:
        """Record audio the candidate hears from the interviewer (a spoken question: mono PCM16), starting
        now, or right after the previous one if that still plays. False when the recording has not begun."""
        if self._started_at is None or self._writer is None or len(pcm16) < 2:
            return False
        samples = np.frombuffer(pcm16[: len(pcm16) // 2 * 2], dtype="<i2")
        source = AudioFrame.from_ndarray(samples.reshape(1, -1).copy(), format="s16", layout="mono")
        source.sample_rate = sample_rate
        # The same format as the WebRTC audio the stream also carries (aiortc decodes to 48 kHz s16 stereo).
        resampler = av.AudioResampler(format="s16", layout="stereo", rate=48_000)
        frames = [*resampler.resample(source), *resampler.resample(None)]
        start = max(time.monotonic() - self._started_at, self._played_until)
        pts = int(start * 48_000)
        for frame in frames:
            frame.pts = pts
            frame.time_base = Fraction(1, 48_000)
            await self._queue.put(("interviewer", frame, pts))
            pts += frame.samples
        self._played_until = pts / 48_000
        return True

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for track in self._tracks.values():
            track.stop()
        if self._writer is not None:
            # The writer drains the queue and then sees the end; if it has failed, nothing drains it, so
            # never wait on a full queue for a writer that is gone.
            closing = asyncio.ensure_future(self._queue.put(None))
            await asyncio.wait({closing, self._writer}, return_when=asyncio.FIRST_COMPLETED)
            closing.cancel()
            writer, self._writer = self._writer, None
            try:
                await writer
            except Exception:  # noqa: BLE001 - the file so far is kept; the interview still ends
                logger.exception("the recorder failed", extra={"recording": self.path.name})
            self._encoder.shutdown(wait=False)

    async def _read(self, kind: str, track: MediaStreamTrack) -> None:
        while True:
            try:
                frame = await track.recv()
            except MediaStreamError:
                return
            if not isinstance(frame, AudioFrame | VideoFrame):
                continue  # tracks send decoded frames; nothing else can be encoded
            # Timestamps come from the wall clock so audio and video stay aligned even when the
            # publisher reconnects and its RTP timestamps start over.
            now = time.monotonic()
            if self._started_at is None:
                self._started_at = now
            if self._queue.full():
                self.frames_dropped += 1
                continue
            self._queue.put_nowait((kind, frame, int((now - self._started_at) * _time_base(frame).denominator)))

    async def _write(self, container: av.container.OutputContainer, streams: dict[str, Stream]) -> None:
        last_pts: dict[str, int] = {}
        loop = asyncio.get_running_loop()
        try:
            while (item := await self._queue.get()) is not None:
                kind, frame, pts = item
                # The file starts with the first picture: the WebM header needs the video size, and
                # it is written with the first packet of any stream.
                if kind != "video" and "video" not in last_pts:
                    continue
                if pts <= last_pts.get(kind, -1):
                    continue  # muxers refuse non-increasing timestamps
                last_pts[kind] = pts
                await loop.run_in_executor(self._encoder, _encode, container, streams[kind], frame, pts)
                self.frames_written += 1
        finally:
            await loop.run_in_executor(self._encoder, _finish, container, streams.values())


def _time_base(frame: AudioFrame | VideoFrame) -> Fraction:
    return VIDEO_TIME_BASE if isinstance(frame, VideoFrame) else Fraction(1, frame.sample_rate)


def _encode(
    container: av.container.OutputContainer, stream: Stream, frame: AudioFrame | VideoFrame, pts: int
) -> None:
    if isinstance(frame, VideoFrame) and isinstance(stream, VideoStream) and not stream.codec_context.is_open:
        stream.width, stream.height = frame.width, frame.height
    copy = copy_frame(frame, pts)
    copy.time_base = _time_base(frame)
    if isinstance(stream, VideoStream) and isinstance(copy, VideoFrame):  # noqa: SIM114 - each branch types its pair
        packets = stream.encode(copy)
    elif isinstance(stream, AudioStream) and isinstance(copy, AudioFrame):
        packets = stream.encode(copy)
    else:  # streams[kind] is picked by the frame's own kind
        raise TypeError(f"a {type(copy).__name__} cannot go into a {type(stream).__name__}")
    for packet in packets:
        container.mux(packet)


def _finish(container: av.container.OutputContainer, streams: object) -> None:
    try:
        for stream in streams:  # type: ignore[attr-defined]
            if stream.codec_context.is_open:
                for packet in stream.encode(None):
                    container.mux(packet)
    finally:
        container.close()
