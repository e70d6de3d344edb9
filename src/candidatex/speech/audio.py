"""Audio decoding and conversion to the one format the speech pipeline uses: 16 kHz mono float32."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Literal

import av
import numpy as np

SAMPLE_RATE = 16_000

AudioErrorCode = Literal["not_audio", "too_large", "too_long", "empty", "no_speech"]


class AudioError(Exception):
    """A recording that cannot become an answer; `code` is stable and meant for API clients."""

    def __init__(self, code: AudioErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class UploadLimits:
    max_bytes: int = 25 * 1024 * 1024
    max_seconds: float = 300.0


def pcm16_to_float32(data: bytes) -> np.ndarray:
    """Little-endian signed 16-bit PCM to float32 in [-1, 1)."""
    if len(data) % 2:
        raise AudioError("not_audio", "PCM16 data must have an even number of bytes")
    return np.frombuffer(data, dtype="<i2").astype(np.float32) / 32768.0


def float32_to_pcm16(samples: np.ndarray) -> bytes:
    clipped = np.clip(samples, -1.0, 32767 / 32768)
    return (clipped * 32768.0).astype("<i2").tobytes()


class StreamResampler:
    """Turns audio chunks of any rate and channel count into 16 kHz mono float32, keeping filter state
    between chunks so that chunk boundaries leave no clicks."""

    def __init__(self) -> None:
        self._resampler: av.AudioResampler | None = None
        self._input_key: tuple[int, str, str] | None = None

    def pcm16(self, data: bytes, sample_rate: int, channels: int = 1) -> np.ndarray:
        if sample_rate == SAMPLE_RATE and channels == 1:
            return pcm16_to_float32(data)
        if channels not in (1, 2):
            raise AudioError("not_audio", f"unsupported channel count {channels}")
        interleaved = np.frombuffer(data, dtype="<i2").reshape(1, -1)
        frame = av.AudioFrame.from_ndarray(
            interleaved, format="s16", layout="mono" if channels == 1 else "stereo"
        )
        frame.sample_rate = sample_rate
        return self.frame(frame)

    def frame(self, frame: av.AudioFrame) -> np.ndarray:
        key = (frame.sample_rate, frame.format.name, frame.layout.name)
        if key != self._input_key:
            self._resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
            self._input_key = key
        frame.pts = None  # the resampler only needs sample order; foreign pts can confuse it
        assert self._resampler is not None
        out = [f.to_ndarray().reshape(-1) for f in self._resampler.resample(frame)]
        return np.concatenate(out) if out else np.zeros(0, dtype=np.float32)


def decode_audio_file(
    data: bytes,
    max_bytes: int = UploadLimits.max_bytes,
    max_seconds: float = UploadLimits.max_seconds,
) -> np.ndarray:
    """Decode a recorded answer (webm/opus, ogg, m4a, mp3, wav, ...) to 16 kHz mono float32.

    CPU-bound: call it off the event loop. Raises AudioError with a client-facing code.
    """
    if len(data) > max_bytes:
        raise AudioError(
            "too_large", f"the recording is {len(data)} bytes; the limit is {max_bytes} bytes"
        )
    if not data:
        raise AudioError("empty", "the recording is empty")
    try:
        container = av.open(io.BytesIO(data), mode="r")
    except (av.error.FFmpegError, ValueError, UnicodeDecodeError) as exc:
        raise AudioError("not_audio", "the file is not a recording in a known audio format") from exc
    with container:
        if not container.streams.audio:
            raise AudioError("not_audio", "the file contains no audio stream")
        stream = container.streams.audio[0]
        resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
        max_samples = int(max_seconds * SAMPLE_RATE)
        chunks: list[np.ndarray] = []
        decoded = 0
        try:
            for frame in container.decode(stream):
                frame.pts = None
                for out in resampler.resample(frame):
                    chunk = out.to_ndarray().reshape(-1)
                    chunks.append(chunk)
                    decoded += chunk.size
                if decoded > max_samples:
                    raise AudioError(
                        "too_long", f"the recording is longer than the limit of {max_seconds:g} s"
                    )
            for out in resampler.resample(None):
                chunks.append(out.to_ndarray().reshape(-1))
        except av.error.FFmpegError as exc:
            raise AudioError("not_audio", "the audio could not be decoded") from exc
    samples = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.float32)
    if samples.size == 0:
        raise AudioError("empty", "the recording contains no audio samples")
    return samples.astype(np.float32, copy=False)
