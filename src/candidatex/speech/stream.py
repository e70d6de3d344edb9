"""The audio-stream protocol for native mobile clients (see protocol.md), independent of the web
framework: the WebSocket handler passes in how to receive one message and how to send JSON."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from typing import Any

from candidatex.core.frames import BadFrame, read_frame
from candidatex.speech.audio import AudioError
from candidatex.speech.pipeline import VoiceAnswerPipeline

Receive = Callable[[], Awaitable[str | bytes | None]]
"""Next client message: text, binary, or None once the client has gone."""
SendJson = Callable[[dict[str, Any]], Awaitable[None]]

SUPPORTED_RATES = frozenset({8_000, 16_000, 24_000, 32_000, 44_100, 48_000})
COMMANDS = ("start", "question", "done", "stop")
MAX_COMMAND_BYTES = 16 * 1024


def _error(code: str, message: str) -> dict[str, Any]:
    return {"type": "error", "code": code, "message": message}


OnQuestion = Callable[[str], Awaitable[None]]


async def serve_audio_stream(pipeline: VoiceAnswerPipeline, receive: Receive, send: SendJson) -> None:
    """Run one client's stream to its end (`stop` from the client or a disconnect), forwarding the pipeline's
    events; the answer in progress is finished either way."""
    forwarder = asyncio.create_task(_forward_events(pipeline, send))
    try:
        await read_client(pipeline, receive, send)
    finally:
        await pipeline.aclose()
        await forwarder


async def _forward_events(pipeline: VoiceAnswerPipeline, send: SendJson) -> None:
    async for event in pipeline.events():
        await send(event.model_dump(mode="json"))


async def read_client(pipeline: VoiceAnswerPipeline, receive: Receive, send: SendJson,
                      on_question: OnQuestion | None = None) -> bool:
    """Feed one client's messages to the pipeline; True when the client said `stop`, False when it went away.
    `question` messages (and `start`'s `question_id`) say which question the client shows."""
    sample_rate: int | None = None
    channels = 1
    while (message := await receive()) is not None:
        if isinstance(message, bytes):
            if sample_rate is None:
                await send(_error("not_started", 'send {"type": "start"} before audio'))
                continue
            try:
                pipeline.feed(message, sample_rate, channels)
            except AudioError as exc:
                await send(_error(exc.code, exc.message))
            continue
        try:
            command = read_frame(message, MAX_COMMAND_BYTES, COMMANDS)
        except BadFrame as problem:
            await send(_error(problem.code, problem.message))
            continue
        kind = command["type"]
        if kind == "start":
            rate = command.get("sample_rate", 16_000)
            channels = command.get("channels", 1)
            if command.get("format", "pcm16") != "pcm16" or rate not in SUPPORTED_RATES or channels not in (1, 2):
                await send(_error("bad_format", "audio must be pcm16, mono or stereo, at a common rate"))
                continue
            sample_rate = rate
            await send({"type": "ready", "sample_rate": rate, "channels": channels})
            if on_question is not None and isinstance(command.get("question_id"), str):
                await on_question(command["question_id"][:64])
        elif kind == "question":
            if on_question is not None and isinstance(command.get("question_id"), str):
                await on_question(command["question_id"][:64])
        elif kind == "done":
            if await pipeline.finish() is None:
                await send(_error("no_speech", "no speech was heard in this answer"))
        else:  # stop
            await pipeline.finish()
            return True
    return False


class AudioPace:
    """Streams may burst (a phone catching up after a stall) but not run far ahead of real time: that would
    queue unbounded transcription work. Frames beyond `burst_s` + `speed` x real time are dropped."""

    def __init__(self, speed: float = 2.0, burst_s: float = 60.0) -> None:
        self.speed, self.burst_s = speed, burst_s
        self.bytes_per_second = 32_000  # 16 kHz mono PCM16 until `start` says otherwise
        self.received = 0
        self.started = time.monotonic()
        self.warned = False

    def configure(self, text: str) -> None:
        with contextlib.suppress(BadFrame, ValueError, TypeError):
            command = read_frame(text, MAX_COMMAND_BYTES, COMMANDS)  # never json.loads a client's nesting
            if command["type"] == "start":
                rate, channels = int(command.get("sample_rate", 16_000)), int(command.get("channels", 1))
                self.bytes_per_second = max(rate, 8_000) * max(channels, 1) * 2

    def allow(self, size: int) -> bool:
        budget = (self.burst_s + self.speed * (time.monotonic() - self.started)) * self.bytes_per_second
        if self.received + size > budget:
            return False
        self.received += size
        return True
