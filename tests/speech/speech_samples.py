"""Sentences and signal helpers shared by the speech tests."""

from __future__ import annotations

import io
import re
import wave
from collections import Counter

import numpy as np

from candidatex.speech.audio import SAMPLE_RATE, float32_to_pcm16

INTRO = "I have five years of experience building web services in Python and I enjoy working with teams."
STORY = (
    "Last year I led the migration of our billing system to a new platform. "
    "We planned carefully, wrote many tests, and moved customers in small groups so that nothing broke."
)
SECOND = "My greatest strength is patience when I teach new engineers."

# ffmpeg codec options for every upload format a browser or phone produces.
FORMATS = {
    "wav": [],
    "ogg": ["-c:a", "libopus"],
    "webm": ["-c:a", "libopus"],
    "mp3": ["-c:a", "libmp3lame"],
    "m4a": ["-c:a", "aac"],
}


def _tokens(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())


def word_overlap(expected: str, heard: str) -> float:
    """Share of the expected words that were heard (multiset recall): tolerant of the odd
    misheard word that espeak's robotic voice causes, but near zero for the wrong sentence."""
    want, got = Counter(_tokens(expected)), Counter(_tokens(heard))
    return sum((want & got).values()) / max(sum(want.values()), 1)


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * SAMPLE_RATE), dtype=np.float32)


def white_noise(seconds: float, level: float = 0.1, seed: int = 7) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.normal(0.0, level, int(seconds * SAMPLE_RATE)).astype(np.float32)


def wav_bytes(samples: np.ndarray) -> bytes:
    """16 kHz mono float samples as a WAV file's bytes (an upload)."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16_000)
        out.writeframes(float32_to_pcm16(samples))
    return buffer.getvalue()
