"""One hub, several analysis pipelines: anti-cheat and speech register here at start-up."""

from __future__ import annotations

import logging

import numpy as np

from candidatex.media.consumers import AudioConsumer, VideoFrameConsumer

logger = logging.getLogger(__name__)


class ConsumerFanout:
    """Implements both consumer protocols and forwards to every registered pipeline; one failing never stops the rest."""

    def __init__(self) -> None:
        self.video: list[VideoFrameConsumer] = []
        self.audio: list[AudioConsumer] = []

    def add_video(self, consumer: VideoFrameConsumer) -> None:
        self.video.append(consumer)

    def add_audio(self, consumer: AudioConsumer) -> None:
        self.audio.append(consumer)

    async def consume_video(self, session_id: str, image_bgr: np.ndarray, captured_at: float) -> None:
        for consumer in self.video:
            try:
                await consumer.consume_video(session_id, image_bgr, captured_at)
            except Exception:  # noqa: BLE001
                logger.exception("video consumer failed", extra={"session_id": session_id})

    async def consume_audio(self, session_id: str, pcm16: bytes, sample_rate: int, captured_at: float) -> None:
        for consumer in self.audio:
            try:
                await consumer.consume_audio(session_id, pcm16, sample_rate, captured_at)
            except Exception:  # noqa: BLE001
                logger.exception("audio consumer failed", extra={"session_id": session_id})

    async def end_of_stream(self, session_id: str) -> None:
        for consumer in self.audio:
            try:
                await consumer.end_of_stream(session_id)
            except Exception:  # noqa: BLE001
                logger.exception("audio consumer failed at end of stream", extra={"session_id": session_id})
