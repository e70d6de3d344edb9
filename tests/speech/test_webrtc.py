"""The WebRTC path: a real aiortc peer on loopback sends a spoken answer over Opus."""

from __future__ import annotations

import asyncio
import wave

import numpy as np
from aiortc import RTCPeerConnection
from aiortc.contrib.media import MediaPlayer
from speech_samples import SECOND, silence, word_overlap

from candidatex.speech.audio import float32_to_pcm16
from candidatex.speech.pipeline import FinalTranscript, VoiceAnswerPipeline
from candidatex.speech.webrtc import pump_audio_track


async def test_an_answer_spoken_over_webrtc_is_transcribed(transcriber, speech_16k, tmp_path):
    path = tmp_path / "answer.wav"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16_000)
        out.writeframes(float32_to_pcm16(np.concatenate([silence(0.5), speech_16k(SECOND), silence(9)])))

    pipeline = VoiceAnswerPipeline(transcriber)
    sender, receiver = RTCPeerConnection(), RTCPeerConnection()
    pumps: list[asyncio.Task] = []
    receiver.on("track", lambda track: pumps.append(asyncio.create_task(pump_audio_track(track, pipeline))))
    player = MediaPlayer(str(path))
    sender.addTrack(player.audio)
    try:
        await sender.setLocalDescription(await sender.createOffer())
        await receiver.setRemoteDescription(sender.localDescription)
        await receiver.setLocalDescription(await receiver.createAnswer())
        await sender.setRemoteDescription(receiver.localDescription)

        async def first_final() -> FinalTranscript:
            async for event in pipeline.events():
                if isinstance(event, FinalTranscript):
                    return event
            raise AssertionError("the pipeline closed without a final transcript")

        final = await asyncio.wait_for(first_final(), timeout=60)  # a guard against hanging, not a benchmark
    finally:
        await sender.close()
        await receiver.close()
        for pump in pumps:
            await pump
        await pipeline.aclose()
    # the pause after a finished sentence ends it (on a loaded machine the verdict may come late: the long
    # silence then does)
    assert final.ended_by in ("turn", "silence")
    assert word_overlap(SECOND, final.text) >= 0.7, final.text
