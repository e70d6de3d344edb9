"""Real speech for the speech tests: sentences spoken by espeak-ng, one shared real model."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from speech_samples import FORMATS, INTRO

from candidatex.speech.audio import decode_audio_file
from candidatex.speech.transcriber import Transcriber


@pytest.fixture(scope="session")
def espeak_wav(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Path]:
    """Synthesise a sentence to a WAV file (22.05 kHz mono PCM16, espeak-ng's own format), in espeak-ng's
    default voice or the one given."""
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed: the speech tests need real synthesised speech")
    folder = tmp_path_factory.mktemp("espeak")
    cache: dict[tuple[str, str | None], Path] = {}

    def synthesise(text: str, voice: str | None = None) -> Path:
        if (text, voice) not in cache:
            path = folder / f"utterance{len(cache)}.wav"
            subprocess.run(["espeak-ng", *(["-v", voice] if voice else []), "-s", "160", "-w", str(path), text],
                           check=True)
            cache[text, voice] = path
        return cache[text, voice]

    return synthesise


@pytest.fixture(scope="session")
def speech_16k(espeak_wav: Callable[..., Path]) -> Callable[..., np.ndarray]:
    """A sentence as 16 kHz mono float32 samples (`voice`: an espeak-ng voice, else its default)."""
    return lambda text, voice=None: decode_audio_file(espeak_wav(text, voice).read_bytes())


@pytest.fixture(scope="session")
async def transcriber() -> Transcriber:
    model = Transcriber(max_concurrent=2)
    await model.load()
    return model


@pytest.fixture(scope="session")
def recordings(espeak_wav, tmp_path_factory) -> dict[str, Path]:
    """The same spoken sentence in every upload format a browser or phone produces."""
    source = espeak_wav(INTRO)
    folder = tmp_path_factory.mktemp("recordings")
    out = {}
    for ext, codec in FORMATS.items():
        target = folder / f"answer.{ext}"
        subprocess.run(
            ["ffmpeg", "-loglevel", "error", "-y", "-i", str(source), *codec, str(target)], check=True
        )
        out[ext] = target
    return out
