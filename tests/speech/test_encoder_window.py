"""The encoder reads a short answer's window cut after its audio (at least WHISPER_ENCODER_MIN_SECONDS), not
Whisper's 30 s of padding: the same words for about half the CPU of each decode."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from speech_samples import INTRO

from candidatex.config import Settings
from candidatex.speech.correction import edit_distance
from candidatex.speech.transcriber import Transcriber, trimmed_window

SENTENCES = ("We cache the results in Redis and keep the database as the source of truth.", INTRO)


def padded(content_frames: int) -> np.ndarray:
    """Features as faster-whisper hands them to the encoder: the audio's columns, then zero columns to 3,000."""
    features = np.zeros((80, 3000), dtype=np.float32)
    features[:, :content_frames] = np.random.default_rng(0).uniform(-1.0, 1.0, (80, content_frames))
    return features


def test_the_window_ends_after_the_audio_in_whole_seconds_and_never_below_the_minimum() -> None:
    assert trimmed_window(padded(230), 1500).shape == (80, 1500)
    assert trimmed_window(padded(2650), 1500).shape == (80, 2700)  # a long piece keeps all of its audio
    assert trimmed_window(padded(3000), 1500).shape == (80, 3000)
    assert trimmed_window(padded(230), None).shape == (80, 3000)  # 0 in the settings: Whisper's full window
    assert trimmed_window(padded(230)[None], 1500).shape == (1, 80, 1500)  # the batched shape too
    # a column of real audio is never all zeros, even digital silence ((log10 floor + 4) / 4 is negative)
    silent = padded(0)
    silent[:, :400] = -1.5
    assert trimmed_window(silent, 200).shape == (80, 400)


class _EncoderSpy:
    """CTranslate2's Whisper, recording the number of frames each encoder call reads."""

    def __init__(self, model: Any) -> None:  # noqa: ANN401 - ctranslate2.models.Whisper
        self._model = model
        self.frames: list[int] = []

    def encode(self, features: Any, **options: Any) -> Any:  # noqa: ANN401
        self.frames.append(features.shape[-1])
        return self._model.encode(features, **options)

    def __getattr__(self, name: str) -> Any:  # noqa: ANN401
        return getattr(self._model, name)


async def test_a_short_answer_is_encoded_over_its_own_window_with_the_same_words(
        speech_16k: Callable[..., np.ndarray]) -> None:
    heard: dict[float, str] = {}
    for window_s, frames in ((15.0, 1500), (0.0, 3000)):
        transcriber = Transcriber(encoder_min_s=window_s)
        model = transcriber._get_model()  # noqa: SLF001 - the spy sits between faster-whisper and CTranslate2
        spy = model.model = _EncoderSpy(model.model)
        for sentence in SENTENCES:
            transcript = await transcriber.transcribe(speech_16k(sentence))
            heard[window_s] = heard.get(window_s, "") + " " + transcript.text
            assert transcript.words and transcript.words[-1].end <= transcript.duration_s + 0.2
        assert spy.frames and set(spy.frames) == {frames}
    # the same words, give or take one ("5" for "five": Whisper's own wording of a number varies)
    assert edit_distance(heard[15.0].lower().split(), heard[0.0].lower().split()) <= 1
    assert "source" in heard[15.0] and "truth" in heard[15.0]


def test_the_app_reads_a_15_second_window_unless_configured() -> None:
    assert Settings().whisper_encoder_min_seconds == 15.0
    assert Settings(whisper_encoder_min_seconds=0).whisper_encoder_min_seconds == 0
    with pytest.raises(ValueError, match="less than or equal to 30"):
        Settings(whisper_encoder_min_seconds=31)
