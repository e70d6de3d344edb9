"""One pipeline for every way an answer arrives: a WebRTC audio track, a mobile WebSocket stream, or
an uploaded recording. Streams are segmented into answers; partial transcripts are published while
the candidate speaks and a final transcript, with speaking metrics, when the answer ends."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable
from typing import Literal, TypeVar

import av
import numpy as np
from pydantic import BaseModel

from candidatex.speech.audio import SAMPLE_RATE, AudioError, StreamResampler, UploadLimits, decode_audio_file
from candidatex.speech.correction import corrected
from candidatex.speech.metrics import SpeakingMetrics, speaking_metrics, without_hesitations
from candidatex.speech.segmenter import (
    AnswerEnded,
    ChunkAudio,
    PartialAudio,
    PauseCheck,
    SegmenterEvent,
    SegmenterSettings,
    SpeechSegmenter,
    SpeechStarted,
    speech_spans,
)
from candidatex.speech.transcriber import Transcriber, Word
from candidatex.speech.turns import (
    SmartTurn,
    TurnPolicy,
    judge_turn,
    shared_smart_turn,
    strip_done_phrase,
)
from candidatex.speech.vocabulary import FILLER_PROMPT, Vocabulary

logger = logging.getLogger(__name__)
_T = TypeVar("_T")

# Whisper conditions on at most ~224 prompt tokens; the last sentence or two is the useful context.
_PROMPT_CHARS = 200
_PARTIAL_BEAM_SIZE = 1
# Whisper encodes 30 s windows whatever the audio's length: the pieces of an ended answer still queued
# are decoded together up to this length (one encoder pass instead of one per piece).
MAX_COALESCED_S = 28.0
STAGES = ("vad", "partial", "commit", "final", "smart_turn", "correction")


class SpeechStartedEvent(BaseModel):
    type: Literal["speech_started"] = "speech_started"
    answer_index: int
    question_id: str | None = None


class PartialTranscript(BaseModel):
    type: Literal["partial"] = "partial"
    answer_index: int
    text: str
    question_id: str | None = None


class FinalTranscript(BaseModel):
    type: Literal["final"] = "final"
    answer_index: int
    text: str
    words: list[Word]
    duration_s: float
    ended_by: Literal["silence", "turn", "done", "max_length", "upload"]
    metrics: SpeakingMetrics
    question_id: str | None = None
    """The question on the candidate's screen when this answer began: the one it answers."""
    end_to_final_ms: float | None = None
    """From the moment the end of the answer was decided to this final transcript (streams only)."""


PipelineEvent = SpeechStartedEvent | PartialTranscript | FinalTranscript


class _Answer:
    """Transcribed chunks of the answer in progress, and the question it answers."""

    def __init__(self, question_id: str | None = None, rebase: bool = False) -> None:
        self.question_id = question_id
        self.texts: list[str] = []
        self.words: list[Word] = []
        self.base_s: float | None = None if rebase else 0.0
        """Where this answer starts in the segmenter's answer (not 0 after a split)."""

    @property
    def text(self) -> str:
        return " ".join(t for t in self.texts if t)

    def add(self, text: str, words: list[Word], offset_s: float) -> None:
        if self.base_s is None:
            self.base_s = offset_s
        offset_s -= self.base_s
        self.texts.append(text)
        self.words.extend(
            w.model_copy(update={"start": round(w.start + offset_s, 3), "end": round(w.end + offset_s, 3)})
            for w in words
        )


class _Close:
    pass


_Ending = tuple[AnswerEnded, "asyncio.Future[FinalTranscript | None]"]
_WorkItem = ChunkAudio | PauseCheck | _Ending | _Close
_Final = tuple[AnswerEnded, "asyncio.Future[FinalTranscript | None]", ChunkAudio | None]
"""An answer's end, with the pieces of it still untranscribed (decoded with its tail)."""


def joined(first: ChunkAudio | None, second: ChunkAudio | None) -> ChunkAudio | None:
    """Two adjacent pieces of one answer as one (the segmenter cuts them end to end)."""
    if first is None or second is None:
        return first or second
    return ChunkAudio(first.answer_index, second.chunk_index, first.offset_s,
                      np.concatenate([first.audio, second.audio]))


def _seconds_of(chunk: ChunkAudio | None) -> float:
    return 0.0 if chunk is None else chunk.audio.size / SAMPLE_RATE


class VoiceAnswerPipeline:
    """Streaming speech to answers for one speaker.

    `feed`/`feed_frame` are cheap and synchronous (VAD only); transcription runs in one worker task
    per pipeline, in order, sharing the `Transcriber`'s bounded concurrency. The worker limits itself so
    that a machine slower than real time loses partial freshness, never the final's words or latency:
    partials run only on time the decoder spent idle (never queued: a newer one replaces it), and once
    the answer has ended, everything of it not yet transcribed goes into the final's one decode. The oldest events are dropped if the consumer of
    `events()` falls more than `max_buffered_events` behind.
    """

    def __init__(
        self,
        transcriber: Transcriber,
        settings: SegmenterSettings | None = None,
        upload_limits: UploadLimits | None = None,
        max_buffered_events: int = 64,
        final_beam_size: int | None = None,
        turn_policy: TurnPolicy | None = None,
        smart_turn: SmartTurn | None = None,
        partial_transcriber: Transcriber | Literal["same"] | None = "same",
    ) -> None:
        self.transcriber = transcriber
        self.partial_transcriber = transcriber if partial_transcriber == "same" else partial_transcriber
        """Decodes the partials (transcriber.partial_transcriber: a smaller model, so that a "done" said during one
        waits less); None: no partial transcripts at all, only the finals."""
        self.turn_policy = turn_policy or TurnPolicy()
        self.smart_turn = smart_turn or shared_smart_turn(self.turn_policy.model_path)
        """The audio end-of-turn model (with the words, it judges each pause)."""
        self.vocabulary = Vocabulary()
        self.question_id: str | None = None
        """The question the candidate is shown now: answers that begin from now on answer it."""
        self.final_beam_size = final_beam_size
        """Beam size for the chunks that make up the final transcript (the last one is transcribed after the
        answer ends, so its time is what the candidate waits for); None uses the transcriber's."""
        self.upload_limits = upload_limits or UploadLimits()
        self._segmenter = SpeechSegmenter(settings)
        self._resampler = StreamResampler()
        self._work: deque[_WorkItem] = deque()
        self._partial: PartialAudio | None = None
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._events: asyncio.Queue[PipelineEvent | _Close] = asyncio.Queue(max_buffered_events)
        self._answer = _Answer()
        self._ended_at: dict[int, float] = {}
        self._worker: asyncio.Task[None] | None = None
        self._unclaimed_final: asyncio.Future[FinalTranscript | None] | None = None
        self._idle_credit_s = 0.0
        """Time the worker waited with nothing to do since the last partial: what a partial may spend."""
        self._last_partial_s = 0.0
        self._closed = False
        self.cpu_s = dict.fromkeys(STAGES, 0.0)
        """Process CPU seconds per stage (decodes measured around their thread, which the loop's VAD
        overlaps by well under 1 %; VAD by the loop thread's own CPU time)."""
        self.runs = dict.fromkeys(STAGES, 0)

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

    def show_question(self, question_id: str | None, vocabulary: Vocabulary | None = None) -> None:
        """The candidate now sees `question_id`: the next answer to begin answers it, transcribed with
        `vocabulary`. An answer already in progress keeps the question it began under."""
        self.question_id = question_id
        if vocabulary is not None:
            self.vocabulary = vocabulary
        if not self._segmenter.in_answer:
            self._answer.question_id = question_id

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
        started = time.thread_time()
        events = self._segmenter.push(samples)
        self.cpu_s["vad"] += time.thread_time() - started
        for event in events:
            self._schedule(event)

    async def _timed(self, stage: str, work: Awaitable[_T]) -> _T:
        started = time.process_time()
        try:
            return await work
        finally:
            self.cpu_s[stage] += time.process_time() - started
            self.runs[stage] += 1

    async def drain(self) -> None:
        """Wait until every chunk, pause verdict and final queued so far is done (tests, benchmarks)."""
        await asyncio.sleep(0)
        while self._work or self._partial is not None or not self._idle.is_set():
            await self._idle.wait()
            await asyncio.sleep(0)

    def _schedule(self, event: SegmenterEvent) -> None:
        self._ensure_worker()
        self._idle.clear()
        match event:
            case SpeechStarted(answer_index=index):
                self._answer.question_id = self.question_id
                self._publish(SpeechStartedEvent(answer_index=index, question_id=self.question_id))
            case PartialAudio() if self.partial_transcriber is not None:
                self._partial = event  # only the newest snapshot is worth transcribing
            case ChunkAudio() | PauseCheck():
                self._work.append(event)
            case AnswerEnded():
                self._ended_at[event.answer_index] = time.monotonic()
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

    async def aclose(self, finish: bool = True) -> None:
        """Stop the worker and end `events()`. The answer in progress is finished first (its final is
        published: no audio is dropped) unless `finish` is False (the interview is over)."""
        if self._closed:
            return
        if finish:
            for event in self._segmenter.finish():
                self._schedule(event)
        self._closed = True
        if self._worker is not None:
            self._work.append(_Close())
            self._wake.set()
            await self._worker
        self._publish(_Close())

    # -- uploads -------------------------------------------------------------------------------

    async def transcribe_file(self, data: bytes) -> FinalTranscript:
        """A recorded answer (webm/opus, ogg, m4a, mp3, wav...). Raises AudioError."""
        return await transcribe_recording(self.transcriber, data, self.upload_limits,
                                          segmenter=self._segmenter.settings)

    # -- worker --------------------------------------------------------------------------------

    def _ensure_worker(self) -> None:
        if self._worker is None:
            self._worker = asyncio.get_running_loop().create_task(self._run(), name="speech-pipeline")

    async def _run(self) -> None:
        while True:
            item: ChunkAudio | PauseCheck | _Final | _Close | PartialAudio
            if self._work:
                item = self._next_work()
            elif self._partial is not None:
                item, self._partial = self._partial, None
            else:
                self._wake.clear()
                self._idle.set()
                waited = time.monotonic()
                await self._wake.wait()
                self._idle_credit_s += time.monotonic() - waited
                continue
            self._idle.clear()
            if isinstance(item, _Close):
                if self._work:  # a verdict scheduled the end of an answer after the close: finish it first
                    self._work.append(item)
                    continue
                return
            try:
                await self._handle(item)
            except Exception:
                logger.exception("speech transcription failed")
                if isinstance(item, tuple) and not item[1].done():
                    item[1].set_result(None)

    def _answer_over(self, answer_index: int) -> bool:
        return not (self._segmenter.in_answer and self._segmenter.answer_index == answer_index)

    def _next_work(self) -> ChunkAudio | PauseCheck | _Final | _Close:
        """The next queued item; once an answer has ended, its pieces still queued are decoded together, with
        its tail when its end is queued too (its pause checks can no longer change anything)."""
        item = self._work.popleft()
        if isinstance(item, tuple):
            return (item[0], item[1], None)
        if not isinstance(item, ChunkAudio):
            return item
        chunk = item
        # While the answer goes on, each piece is decoded alone: the end-of-turn judge reads the words of the
        # piece before each pause, and a closing phrase decoded with what precedes it can change ("I've done").
        while self._work and self._answer_over(chunk.answer_index):
            upcoming = self._work[0]
            if isinstance(upcoming, ChunkAudio) and upcoming.answer_index == chunk.answer_index:
                if _seconds_of(chunk) + _seconds_of(upcoming) > MAX_COALESCED_S:
                    break
                self._work.popleft()
                chunk = joined(chunk, upcoming) or chunk
            elif isinstance(upcoming, PauseCheck) and upcoming.answer_index == chunk.answer_index:
                self._work.popleft()  # a verdict on a pause of an answer that has ended already
            elif isinstance(upcoming, tuple) and upcoming[0].answer_index == chunk.answer_index \
                    and _seconds_of(chunk) + _seconds_of(upcoming[0].tail) <= MAX_COALESCED_S:
                self._work.popleft()
                return (upcoming[0], upcoming[1], chunk)
            else:
                break
        return chunk

    async def _handle(self, item: ChunkAudio | PauseCheck | PartialAudio | _Final) -> None:
        match item:
            case ChunkAudio():
                await self._commit(item)
            case PauseCheck():
                await self._judge_pause(item)
            case PartialAudio():
                await self._transcribe_partial(item)
            case (AnswerEnded() as ended, done, pending):
                done.set_result(await self._finalise(ended, pending))

    def _prompt(self, answer: _Answer | None = None) -> str:
        """Context for Whisper: the interview's vocabulary, then the end of what was already said in this
        answer (a prompt that starts with fillers keeps Whisper writing the "um"s it hears)."""
        said = (answer or self._answer).text[-_PROMPT_CHARS:]
        return " ".join(p for p in (self.vocabulary.prompt, said or FILLER_PROMPT) if p)

    async def _transcribe(self, audio: np.ndarray, answer: _Answer | None = None,
                          transcriber: Transcriber | None = None, **options):  # noqa: ANN003
        return await (transcriber or self.transcriber).transcribe(
            audio, initial_prompt=self._prompt(answer), hotwords=self.vocabulary.hotwords or None, **options)

    async def _commit(self, chunk: ChunkAudio) -> None:
        transcript = await self._timed("commit", self._transcribe(chunk.audio, beam_size=self.final_beam_size))
        self._answer.add(transcript.text, transcript.words, chunk.offset_s)
        if self._answer.text and self.partial_transcriber is not None:
            self._publish(PartialTranscript(answer_index=chunk.answer_index, text=self._answer.text,
                                            question_id=self._answer.question_id))

    async def _judge_pause(self, check: PauseCheck) -> None:
        """Words first (cheap, and the chunk before this pause is already transcribed), then the sound."""
        if not self._segmenter.in_answer or check.answer_index != self._segmenter.answer_index:
            return
        text = self._answer.text
        verdict = judge_turn(text, None, self.turn_policy)
        if verdict.why == "unsure" and self.smart_turn is not None:  # the words may end here: ask the sound
            probability = await self._timed("smart_turn", asyncio.to_thread(
                self.smart_turn.after_pause, check.audio, check.silence_samples))
            verdict = judge_turn(text, probability, self.turn_policy)
        if verdict.end_after_ms is None:
            return
        events = self._segmenter.end_pause(check.answer_index, check.pause_index, verdict.end_after_ms)
        for event in events:
            self._schedule(event)
        if not events and verdict.why == "done_phrase" and self._segmenter.paused_since(check.pause_index):
            # The candidate handed the turn back ("that's my answer") but the verdict came after they had
            # gone on speaking (a loaded machine): the answer still ends where they said so.
            await self._split(check)

    async def _split(self, check: PauseCheck) -> None:
        answer, self._answer = self._answer, _Answer(self.question_id, rebase=True)
        duration = answer.words[-1].end if answer.words else 0.0
        text, words = await self._timed("correction", asyncio.to_thread(
            corrected, answer.text, answer.words, self.vocabulary.terms))
        text = without_hesitations(strip_done_phrase(text))
        if text:
            self._publish(FinalTranscript(
                answer_index=check.answer_index, text=text, words=words, duration_s=duration, ended_by="turn",
                metrics=speaking_metrics(words, duration), question_id=answer.question_id,
                end_to_final_ms=0.0))

    async def _transcribe_partial(self, partial: PartialAudio) -> None:
        # A partial spends only time the decoder spent idle since the last one (at most half its time, none
        # while pieces queue up), so the CPU is free for the final the moment the answer ends.
        if self._idle_credit_s < self._last_partial_s:
            return
        if self.partial_transcriber is None or not self._segmenter.is_current(partial.answer_index,
                                                                                partial.chunk_index):
            return
        started = time.monotonic()
        transcript = await self._timed("partial", self._transcribe(
            partial.audio, transcriber=self.partial_transcriber, word_timestamps=False, beam_size=_PARTIAL_BEAM_SIZE))
        self._idle_credit_s, self._last_partial_s = 0.0, time.monotonic() - started
        text = " ".join(t for t in (self._answer.text, transcript.text) if t)
        if text and self._segmenter.is_current(partial.answer_index, partial.chunk_index):
            self._publish(PartialTranscript(answer_index=partial.answer_index, text=text,
                                            question_id=self._answer.question_id))

    async def _finalise(self, ended: AnswerEnded, pending: ChunkAudio | None = None) -> FinalTranscript | None:
        """`pending`: pieces of this answer not yet transcribed, decoded with its tail in one pass."""
        answer, self._answer = self._answer, _Answer(self.question_id)
        rest = joined(pending, ended.tail)
        if rest is not None and ended.enough_speech:
            transcript = await self._timed("final", self._transcribe(rest.audio, answer,
                                                                     beam_size=self.final_beam_size))
            answer.add(transcript.text, transcript.words, rest.offset_s)
        base_s = answer.base_s or 0.0
        duration_s = max(ended.duration_s - base_s, 0.0)
        spans = [(max(start - base_s, 0.0), end - base_s) for start, end in ended.speech_spans if end > base_s]
        ended_at = self._ended_at.pop(ended.answer_index, None)
        text, words = await self._timed("correction", asyncio.to_thread(
            corrected, answer.text, answer.words, self.vocabulary.terms))
        text = without_hesitations(strip_done_phrase(text))
        if not ended.enough_speech or not text:
            return None
        final = FinalTranscript(
            answer_index=ended.answer_index,
            text=text,
            words=words,
            duration_s=duration_s,
            ended_by=ended.reason,
            metrics=speaking_metrics(words, duration_s, speech_spans=spans),
            question_id=answer.question_id,
            end_to_final_ms=round((time.monotonic() - ended_at) * 1000, 1) if ended_at else None,
        )
        self._publish(final)
        return final


async def transcribe_recording(
    transcriber: Transcriber, data: bytes, limits: UploadLimits | None = None,
    vocabulary: Vocabulary | None = None, question_id: str | None = None,
    segmenter: SegmenterSettings | None = None,
) -> FinalTranscript:
    """Decode and transcribe an uploaded answer. Raises AudioError (`no_speech` when nothing is said)."""
    limits = limits or UploadLimits()
    vocabulary = vocabulary or Vocabulary()
    samples = await asyncio.to_thread(decode_audio_file, data, limits.max_bytes, limits.max_seconds)
    transcript = await transcriber.transcribe(
        samples, initial_prompt=" ".join(p for p in (vocabulary.prompt, FILLER_PROMPT) if p),
        hotwords=vocabulary.hotwords or None)
    text, words = await asyncio.to_thread(corrected, transcript.text, transcript.words, vocabulary.terms)
    text = without_hesitations(strip_done_phrase(text))
    if not text:
        raise AudioError("no_speech", "no speech was found in the recording")
    spans = await asyncio.to_thread(speech_spans, samples, segmenter)
    return FinalTranscript(
        answer_index=0,
        question_id=question_id,
        text=text,
        words=words,
        duration_s=transcript.duration_s,
        ended_by="upload",
        metrics=speaking_metrics(words, transcript.duration_s, speech_spans=spans),
    )
