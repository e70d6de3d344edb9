"""Hand-off interfaces between the media layer and the analysis pipelines.

The anti-cheat package implements `VideoFrameConsumer`, the speech package implements `AudioConsumer`.
The hub calls them from its own worker tasks, one call at a time per session and kind, so an
implementation may keep per-session state without locking. A slow consumer never stalls the media
path: the hub queues a bounded number of items in front of it and drops (and counts) the rest.
"""

from typing import Protocol, runtime_checkable

import numpy as np

SPEECH_SAMPLE_RATE = 16_000


@runtime_checkable
class VideoFrameConsumer(Protocol):
    async def consume_video(self, session_id: str, image_bgr: np.ndarray, captured_at: float) -> None:
        """Receive one sampled frame: an HxWx3 uint8 BGR image and the server's receive time (epoch s)."""


@runtime_checkable
class AudioConsumer(Protocol):
    async def consume_audio(self, session_id: str, pcm16: bytes, sample_rate: int, captured_at: float) -> None:
        """Receive a chunk of mono signed 16-bit little-endian PCM at `sample_rate` (16 kHz)."""

    async def end_of_stream(self, session_id: str) -> None:
        """The session's audio stopped (hang-up, lost connection or session end): flush pending work."""
