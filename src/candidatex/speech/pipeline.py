"""One pipeline for every way an answer arrives: a WebRTC audio track, a mobile WebSocket stream, or
an uploaded recording. Streams are segmented into answers; partial transcripts are published while
the candidate speaks and a final transcript, with speaking metrics, when the answer ends."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import AsyncIterator
from typing import Literal

import av
import numpy as np
from pydantic import BaseModel

from candidatex.speech.audio import AudioError, StreamResampler, UploadLimits, decode_audio_file
from candidatex.speech.metrics import SpeakingMetrics, speaking_metrics
from candidatex.speech.segmenter import (
    AnswerEnded,
    ChunkAudio,
    PartialAudio,
    SegmenterEvent,
    SegmenterSettings,
    SpeechSegmenter,
    SpeechStarted,
)
from candidatex.speech.transcriber import Transcriber, Word

logger = logging.getLogger(__name__)

# Whisper conditions on at most ~224 prompt tokens; the last sentence or two is the useful context.
_PROMPT_CHARS = 200
_PARTIAL_BEAM_SIZE = 1


class SpeechStartedEvent(BaseModel):
    type: Literal["speech_started"] = "speech_started"
    answer_index: int


class PartialTranscript(BaseModel):
    type: Literal["partial"] = "partial"
    answer_index: int
    text: str


class FinalTranscript(BaseModel):
    type: Literal["final"] = "final"
    answer_index: int
    text: str
    words: list[Word]
    duration_s: float
    ended_by: Literal["silence", "done", "max_length", "upload"]
    metrics: SpeakingMetrics


PipelineEvent = SpeechStartedEvent | PartialTranscript | FinalTranscript


class _Answer:
    """Transcribed chunks of the answer in progress."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.words: list[Word] = []

    @property
    def text(self) -> str:
        return " ".join(t for t in self.texts if t)

    def add(self, text: str, words: list[Word], offset_s: float) -> None:
        self.texts.append(text)
        self.words.extend(
            w.model_copy(update={"start": round(w.start + offset_s, 3), "end": round(w.end + offset_s, 3)})
            for w in words
        )


class _Close:
    pass


_WorkItem = ChunkAudio | tuple[AnswerEnded, "asyncio.Future[FinalTranscript | None]"] | _Close


class VoiceAnswerPipeline:
    """Streaming speech to answers for one speaker.

    `feed`/`feed_frame` are cheap and synchronous (VAD only); transcription runs in one worker task
    per pipeline, in order, sharing the `Transcriber`'s bounded concurrency. Partial transcripts are
    best-effort: skipped while the worker is busy, and the oldest events are dropped if the consumer
    of `events()` falls more than `max_buffered_events` behind.
    """

    def __init__(
        self,
        transcriber: Transcriber,
        settings: SegmenterSettings | None = None,
        upload_limits: UploadLimits | None = None,
        max_buffered_events: int = 64,
        tail_beam_size: int | None = None,
    ) -> None:
        self.transcriber = transcriber
        self.tail_beam_size = tail_beam_size
        """Beam size for the last stretch of an answer, the one transcribed after the answer ends (its latency
        is what the candidate waits for); None uses the transcriber's. 1 (greedy) is about twice as fast."""
        self.upload_limits = upload_limits or UploadLimits()
        self._segmenter = SpeechSegmenter(settings)
        self._resampler = StreamResampler()
        self._work: deque[_WorkItem] = deque()
        self._partial: PartialAudio | None = None
        self._wake = asyncio.Event()
        self._events: asyncio.Queue[PipelineEvent | _Close] = asyncio.Queue(max_buffered_events)
        self._answer = _Answer()
        self._worker: asyncio.Task[None] | None = None
        self._unclaimed_final: asyncio.Future[FinalTranscript | None] | None = None
        self._next_partial_at = 0.0
        self._closed = False

    # -- input ---------------------------------------------------------------------------------

    def feed(self, pcm16: bytes, sample_rate: int = 16_000, channels: int = 1) -> None:
        """Little-endian PCM16 audio, interleaved if `channels` is 2; any sample rate."""
        self._push(self._resampler.pcm16(pcm16, sample_rate, channels))

    def feed_frame(self, frame: av.AudioFrame) -> None:
        """An audio frame as aiortc delivers it from a WebRTC track."""
        self._push(self._resampler.frame(frame))

    def feed_float32(self, samples: np.ndarray) -> None:
        """16 kHz mono float32 samples."""
        self._push(samples)

    async def finish(self) -> FinalTranscript | None:
        """The speaker said "done": end the answer in progress and return its final transcript.

        If silence had already ended the answer, its final is returned instead (once: a second
        `finish` with nothing said in between returns None). None when nothing was said. Finals are
        also published on `events()`.
        """
        for event in self._segmenter.finish():
            self._schedule(event)
        unclaimed, self._unclaimed_final = self._unclaimed_final, None
        return await unclaimed if unclaimed is not None else None

    def _push(self, samples: np.ndarray) -> None:
        if self._closed:
            raise RuntimeError("the pipeline is closed")
        for event in self._segmenter.push(samples):
            self._schedule(event)

    def _schedule(self, event: SegmenterEvent) -> None:
        self._ensure_worker()
        match event:
            case SpeechStarted(answer_index=index):
                self._publish(SpeechStartedEvent(answer_index=index))
            case PartialAudio():
                self._partial = event  # only the newest snapshot is worth transcribing
            case ChunkAudio():
                self._work.append(event)
            case AnswerEnded():
                done = asyncio.get_running_loop().create_future()
                self._work.append((event, done))
                self._unclaimed_final = done
        self._wake.set()

    # -- output --------------------------------------------------------------------------------

    async def events(self) -> AsyncIterator[PipelineEvent]:
        """Speech-started, partial and final events, in order, until `aclose()`."""
        while True:
            event = await self._events.get()
            if isinstance(event, _Close):
                return
            yield event

    def _publish(self, event: PipelineEvent | _Close) -> None:
        if self._events.full():
            self._events.get_nowait()
        self._events.put_nowait(event)

    async def aclose(self) -> None:
        """Stop the worker (an answer in progress is dropped) and end `events()`."""
        if self._closed:
            return
        self._closed = True
        if self._worker is not None:
            self._work.append(_Close())
            self._wake.set()
            await self._worker
        self._publish(_Close())

    # -- uploads -------------------------------------------------------------------------------

    async def transcribe_file(self, data: bytes) -> FinalTranscript:
        """A recorded answer (webm/opus, ogg, m4a, mp3, wav...). Raises AudioError."""
        return await transcribe_recording(self.transcriber, data, self.upload_limits)

    # -- worker --------------------------------------------------------------------------------

    def _ensure_worker(self) -> None:
        if self._worker is None:
            self._worker = asyncio.get_running_loop().create_task(self._run(), name="speech-pipeline")

    async def _run(self) -> None:
        while True:
            if self._work:
                item = self._work.popleft()
            elif self._partial is not None:
                item, self._partial = self._partial, None
            else:
                self._wake.clear()
                await self._wake.wait()
                continue
            if isinstance(item, _Close):
                return
            try:
                await self._handle(item)
            except Exception:
                logger.exception("speech transcription failed")
                if isinstance(item, tuple) and not item[1].done():
                    item[1].set_result(None)

    async def _handle(self, item: ChunkAudio | PartialAudio | tuple[AnswerEnded, asyncio.Future]) -> None:
        match item:
            case ChunkAudio():
                await self._commit(item)
            case PartialAudio():
                await self._transcribe_partial(item)
            case (AnswerEnded() as ended, done):
                done.set_result(await self._finalise(ended))

    def _prompt(self) -> str | None:
        """Context for Whisper: the end of what was already transcribed in this answer."""
        return self._answer.text[-_PROMPT_CHARS:] or None

    async def _commit(self, chunk: ChunkAudio) -> None:
        transcript = await self.transcriber.transcribe(chunk.audio, initial_prompt=self._prompt())
        self._answer.add(transcript.text, transcript.words, chunk.offset_s)
        if self._answer.text:
            self._publish(PartialTranscript(answer_index=chunk.answer_index, text=self._answer.text))

    async def _transcribe_partial(self, partial: PartialAudio) -> None:
        # Partials may take at most half of the worker's time, so a slow or busy machine still has
        # the CPU free for the final transcript the moment the answer ends.
        if time.monotonic() < self._next_partial_at:
            return
        if not self._segmenter.is_current(partial.answer_index, partial.chunk_index):
            return
        started = time.monotonic()
        transcript = await self.transcriber.transcribe(
            partial.audio,
            initial_prompt=self._prompt(),
            word_timestamps=False,
            beam_size=_PARTIAL_BEAM_SIZE,
        )
        self._next_partial_at = time.monotonic() + (time.monotonic() - started)
        text = " ".join(t for t in (self._answer.text, transcript.text) if t)
        if text and self._segmenter.is_current(partial.answer_index, partial.chunk_index):
            self._publish(PartialTranscript(answer_index=partial.answer_index, text=text))

    async def _finalise(self, ended: AnswerEnded) -> FinalTranscript | None:
        answer, self._answer = self._answer, _Answer()
        if ended.tail is not None and ended.enough_speech:
            transcript = await self.transcriber.transcribe(
                ended.tail.audio, initial_prompt=answer.text[-_PROMPT_CHARS:] or None, beam_size=self.tail_beam_size
            )
            answer.add(transcript.text, transcript.words, ended.tail.offset_s)
        if not ended.enough_speech or not answer.text:
            return None
        final = FinalTranscript(
            answer_index=ended.answer_index,
            text=answer.text,
            words=answer.words,
            duration_s=ended.duration_s,
            ended_by=ended.reason,
            metrics=speaking_metrics(answer.words, ended.duration_s),
        )
        self._publish(final)
        return final


async def transcribe_recording(
    transcriber: Transcriber, data: bytes, limits: UploadLimits | None = None
) -> FinalTranscript:
    """Decode and transcribe an uploaded answer. Raises AudioError (`no_speech` when nothing is said)."""
    limits = limits or UploadLimits()
    samples = await asyncio.to_thread(decode_audio_file, data, limits.max_bytes, limits.max_seconds)
    transcript = await transcriber.transcribe(samples)
    if not transcript.text:
        raise AudioError("no_speech", "no speech was found in the recording")
    return FinalTranscript(
        answer_index=0,
        text=transcript.text,
        words=transcript.words,
        duration_s=transcript.duration_s,
        ended_by="upload",
        metrics=speaking_metrics(transcript.words, transcript.duration_s),
    )
