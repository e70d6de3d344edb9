"""Streaming segmentation of a continuous 16 kHz stream into answers, with turn-taking that respects
thinking pauses.

Silero VAD classes each 32 ms window as speech or not. Inside an answer, a short pause closes a *chunk*
that is transcribed at once, so that when the answer ends its words are mostly transcribed already. A
slightly longer pause raises a `PauseCheck`: the pipeline asks the end-of-turn judge (the words so far
and Smart Turn's reading of the sound) and answers with `end_pause`, saying how much silence ends this
pause. Until it does, and whatever it says, only a long silence (`end_silence_ms`), the candidate's
"done" or the length cap end an answer: a pause to think is never the end by itself.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Literal

import numpy as np

from candidatex.speech.audio import SAMPLE_RATE
from candidatex.speech.turns import TURN_WINDOW_S, VAD_WINDOW, SileroVad

FRAME_SAMPLES = VAD_WINDOW
FRAME_MS = FRAME_SAMPLES * 1000 // SAMPLE_RATE  # 32
_SILENT_DB = -100.0

EndReason = Literal["silence", "turn", "done", "max_length"]


@dataclass(frozen=True)
class SegmenterSettings:
    end_silence_ms: int = 8000
    """Silence that ends an answer whatever the end-of-turn judge says (the candidate has gone quiet)."""
    turn_end_silence_ms: int = 700
    """Silence that ends an answer once its turn is judged complete."""
    turn_check_ms: int = 448
    """Silence after which the end-of-turn judge is asked about this pause."""
    phrase_pause_ms: int = 192
    """A pause inside an answer after which the words so far are transcribed for good."""
    min_speech_ms: int = 300
    """Less speech than this in an answer (a cough, a click) is not an answer."""
    onset_window_ms: int = 224
    onset_speech_ms: int = 96
    """Speech must fill this much of the onset window before an answer starts."""
    pre_roll_ms: int = 320
    """Audio kept from before the detected onset, so that soft first syllables are not cut."""
    partial_interval_ms: int = 1500
    """New speech between two partial transcripts."""
    max_chunk_ms: int = 20_000
    max_answer_ms: int = 300_000
    speech_threshold: float = 0.5
    """Silero probability from which a window is speech..."""
    silence_threshold: float = 0.35
    """...and under which it is silence again (hysteresis: a soft syllable does not split a word)."""
    vad_model: str | None = None


@dataclass(frozen=True)
class SpeechStarted:
    answer_index: int


@dataclass(frozen=True)
class ChunkAudio:
    """Audio of a finished stretch of an answer; `offset_s` is from the start of the answer."""

    answer_index: int
    chunk_index: int
    offset_s: float
    audio: np.ndarray


@dataclass(frozen=True)
class PartialAudio:
    """The chunk in progress so far, for a partial transcript."""

    answer_index: int
    chunk_index: int
    audio: np.ndarray


@dataclass(frozen=True)
class PauseCheck:
    """The candidate paused: is the turn over? `audio` is the answer's last 8 s, up to now, of which the
    last `silence_samples` are the pause."""

    answer_index: int
    pause_index: int
    audio: np.ndarray
    silence_samples: int


@dataclass(frozen=True)
class AnswerEnded:
    answer_index: int
    reason: EndReason
    duration_s: float
    speech_s: float
    enough_speech: bool
    tail: ChunkAudio | None
    """The last chunk, if it holds speech not yet handed out as a ChunkAudio."""
    speech_spans: tuple[tuple[float, float], ...] = ()
    """Where the VAD heard speech, in seconds from the answer's start: the pauses are measured on the
    sound, not on Whisper's word timestamps (which drift by a few hundred ms around silences)."""


SegmenterEvent = SpeechStarted | ChunkAudio | PartialAudio | PauseCheck | AnswerEnded


def _frames(ms: int) -> int:
    return max(1, round(ms / FRAME_MS))


def _seconds(frame_count: int) -> float:
    return round(frame_count * FRAME_MS / 1000, 3)


def speech_spans(samples: np.ndarray, settings: SegmenterSettings | None = None,
                 vad: SileroVad | None = None) -> list[tuple[float, float]]:
    """Where a whole recording holds speech, by the same VAD and hysteresis as the live segmenter."""
    s = settings or SegmenterSettings()
    vad = vad or SileroVad(s.vad_model)
    data = np.asarray(samples, dtype=np.float32).reshape(-1)
    frames = data[: data.size - data.size % FRAME_SAMPLES].reshape(-1, FRAME_SAMPLES)
    spans: list[tuple[float, float]] = []
    speaking, opened = False, 0
    for index, frame in enumerate(frames):
        probability = vad.probability(frame)
        now = probability >= (s.silence_threshold if speaking else s.speech_threshold)
        if now and not speaking:
            opened = index
        elif speaking and not now:
            spans.append((_seconds(opened), _seconds(index)))
        speaking = now
    if speaking:
        spans.append((_seconds(opened), _seconds(len(frames))))
    return spans


class SpeechSegmenter:
    """Feed 16 kHz mono float32 chunks of any size with `push`; it returns the events they caused."""

    def __init__(self, settings: SegmenterSettings | None = None, vad: SileroVad | None = None) -> None:
        self.settings = s = settings or SegmenterSettings()
        self._vad = vad or SileroVad(s.vad_model)
        self._onset = deque[bool](maxlen=_frames(s.onset_window_ms))
        self._pre_roll = deque[np.ndarray](maxlen=max(_frames(s.pre_roll_ms), self._onset.maxlen or 1))
        self._recent = deque[np.ndarray](maxlen=_frames(TURN_WINDOW_S * 1000))
        self._remainder = np.zeros(0, dtype=np.float32)
        self._speaking = False
        self._answer_index = -1
        self._in_answer = False
        self.frames_seen = 0
        self._reset_answer()

    @property
    def in_answer(self) -> bool:
        return self._in_answer

    @property
    def answer_index(self) -> int:
        return self._answer_index

    def is_current(self, answer_index: int, chunk_index: int) -> bool:
        """Whether that chunk is still the one being recorded (not yet cut or ended)."""
        return self._in_answer and (answer_index, chunk_index) == (self._answer_index, self._chunk_index)

    def _reset_answer(self) -> None:
        self._chunk: list[np.ndarray] = []
        self._chunk_energy: list[float] = []
        self._chunk_index = 0
        self._chunk_start = 0
        self._chunk_has_speech = False
        self._answer_frames = 0
        self._speech_frames = 0
        self._silence_run = 0
        self._since_partial = 0
        self._pause_index = 0
        self._end_after = _frames(self.settings.end_silence_ms)
        self._spans: list[tuple[int, int]] = []
        self._span_open: int | None = None

    def push(self, samples: np.ndarray) -> list[SegmenterEvent]:
        data = np.concatenate([self._remainder, np.asarray(samples, dtype=np.float32).reshape(-1)])
        usable = data.size - data.size % FRAME_SAMPLES
        self._remainder = data[usable:]
        events: list[SegmenterEvent] = []
        for frame in data[:usable].reshape(-1, FRAME_SAMPLES):
            self._process(frame.copy(), events)
        return events

    def finish(self) -> list[SegmenterEvent]:
        """The speaker says they are done: close the answer in progress, if any (with the audio that
        did not fill a whole VAD window yet: nothing is dropped)."""
        if not self._in_answer:
            return []
        if self._remainder.size:
            self._chunk.append(self._remainder)
            self._chunk_energy.append(_SILENT_DB)
            self._remainder = np.zeros(0, dtype=np.float32)
        return [self._end_answer("done")]

    def end_pause(self, answer_index: int, pause_index: int, silence_ms: int) -> list[SegmenterEvent]:
        """The judge's verdict on a PauseCheck: this pause ends the answer once it has lasted `silence_ms`
        (at once if it already has). Ignored when the candidate has spoken again since."""
        if not self._in_answer or (answer_index, pause_index) != (self._answer_index, self._pause_index):
            return []
        if self._silence_run == 0:
            return []
        self._end_after = min(self._end_after, _frames(silence_ms))
        if self._silence_run >= self._end_after:
            return [self._end_answer("turn")]
        return []

    def paused_since(self, pause_index: int) -> bool:
        """Whether the answer in progress has gone on past that pause (the candidate spoke again)."""
        return self._in_answer and self._pause_index > pause_index

    def _classify(self, frame: np.ndarray) -> tuple[float, bool]:
        energy_db = max(10.0 * float(np.log10(np.mean(frame * frame) + 1e-10)), _SILENT_DB)
        probability = self._vad.probability(frame)
        s = self.settings
        self._speaking = probability >= (s.silence_threshold if self._speaking else s.speech_threshold)
        return energy_db, self._speaking

    def _process(self, frame: np.ndarray, events: list[SegmenterEvent]) -> None:
        self.frames_seen += 1
        energy_db, is_speech = self._classify(frame)
        self._recent.append(frame)
        s = self.settings
        if not self._in_answer:
            self._pre_roll.append(frame)
            self._onset.append(is_speech)
            if sum(self._onset) >= _frames(s.onset_speech_ms):
                self._start_answer(events)
            return
        self._chunk.append(frame)
        self._chunk_energy.append(energy_db)
        self._answer_frames += 1
        if is_speech and self._span_open is None:
            self._span_open = self._answer_frames - 1
        elif not is_speech and self._span_open is not None:
            self._spans.append((self._span_open, self._answer_frames - 1))
            self._span_open = None
        if is_speech:
            if self._silence_run:  # a new stretch of speech: the verdict on the last pause no longer holds
                self._pause_index += 1
                self._end_after = _frames(s.end_silence_ms)
            self._speech_frames += 1
            self._silence_run = 0
            self._chunk_has_speech = True
        else:
            self._silence_run += 1
        if self._silence_run < _frames(s.phrase_pause_ms):
            self._since_partial += 1

        if self._silence_run >= self._end_after:
            events.append(self._end_answer("turn" if self._end_after < _frames(s.end_silence_ms) else "silence"))
        elif self._answer_frames >= _frames(s.max_answer_ms):
            events.append(self._end_answer("max_length"))
        elif self._silence_run == _frames(s.phrase_pause_ms) and self._chunk_has_speech:
            events.append(self._cut_chunk(len(self._chunk)))
        elif self._silence_run == _frames(s.turn_check_ms):
            events.append(PauseCheck(self._answer_index, self._pause_index, np.concatenate(self._recent),
                                     self._silence_run * FRAME_SAMPLES))
        elif len(self._chunk) >= _frames(s.max_chunk_ms):
            # No pause for a long time: cut at the quietest moment of the last second.
            recent = self._chunk_energy[-_frames(1000) :]
            cut = len(self._chunk) - len(recent) + int(np.argmin(recent)) + 1
            events.append(self._cut_chunk(cut))
        elif self._since_partial >= _frames(s.partial_interval_ms) and self._chunk_has_speech:
            self._since_partial = 0
            events.append(PartialAudio(self._answer_index, self._chunk_index, np.concatenate(self._chunk)))

    def _start_answer(self, events: list[SegmenterEvent]) -> None:
        self._in_answer = True
        self._answer_index += 1
        self._reset_answer()
        self._chunk = list(self._pre_roll)
        self._chunk_energy = [_SILENT_DB] * len(self._chunk)
        self._answer_frames = len(self._chunk)
        self._speech_frames = sum(self._onset)
        # The onset window covers the last frames of the pre-roll: speech began at its first speech frame.
        self._span_open = len(self._chunk) - len(self._onset) + list(self._onset).index(True)
        self._chunk_has_speech = True
        self._pre_roll.clear()
        self._onset.clear()
        events.append(SpeechStarted(self._answer_index))

    def _cut_chunk(self, frame_count: int) -> ChunkAudio:
        chunk = ChunkAudio(
            answer_index=self._answer_index,
            chunk_index=self._chunk_index,
            offset_s=self._chunk_start * FRAME_MS / 1000,
            audio=np.concatenate(self._chunk[:frame_count]),
        )
        self._chunk = self._chunk[frame_count:]
        self._chunk_energy = self._chunk_energy[frame_count:]
        self._chunk_start += frame_count
        self._chunk_index += 1
        self._chunk_has_speech = False
        self._since_partial = 0
        return chunk

    def _end_answer(self, reason: EndReason) -> AnswerEnded:
        s = self.settings
        tail = self._cut_chunk(len(self._chunk)) if self._chunk and self._chunk_has_speech else None
        speech_s = self._speech_frames * FRAME_MS / 1000
        spans = [*self._spans, *([(self._span_open, self._answer_frames)] if self._span_open is not None else [])]
        ended = AnswerEnded(
            answer_index=self._answer_index,
            reason=reason,
            duration_s=(self._answer_frames - self._silence_run) * FRAME_MS / 1000,
            speech_s=speech_s,
            enough_speech=speech_s * 1000 >= s.min_speech_ms,
            tail=tail,
            speech_spans=tuple((_seconds(start), _seconds(end)) for start, end in spans),
        )
        self._in_answer = False
        self._reset_answer()
        return ended
