"""Feeding a WebRTC audio track (aiortc) into the speech pipeline."""

from __future__ import annotations

from aiortc.mediastreams import MediaStreamError, MediaStreamTrack
from av.audio.frame import AudioFrame

from candidatex.speech.pipeline import VoiceAnswerPipeline


async def pump_audio_track(track: MediaStreamTrack, pipeline: VoiceAnswerPipeline) -> None:
    """Read audio frames until the track ends, then finish the answer in progress."""
    if track.kind != "audio":
        raise ValueError(f"expected an audio track, got {track.kind}")
    while True:
        try:
            frame = await track.recv()
        except MediaStreamError:
            break
        if isinstance(frame, AudioFrame):  # an audio track sends nothing else
            pipeline.feed_frame(frame)
    await pipeline.finish()
