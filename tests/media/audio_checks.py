"""Reading a recording's audio streams back: levels, the dominant pitch, and a tone to publish."""

import wave
from pathlib import Path

import av
import numpy as np

INTERVIEWER_STREAM = 1  # audio stream 0 is the candidate, 1 the interviewer's side


def first_channel(frame: av.AudioFrame) -> np.ndarray:
    """One channel of a decoded frame on the 16-bit scale (the Opus decoder gives planar floats)."""
    samples = frame.to_ndarray()[0].astype(np.float32)
    return samples * 32767 if frame.format.name.startswith("flt") else samples


def decoded_audio(path: Path, stream: int) -> tuple[np.ndarray, np.ndarray]:
    """(start time of each decoded frame in s, RMS of each frame) of one audio stream, decoded by ffmpeg."""
    starts, levels = [], []
    with av.open(str(path)) as container:
        for frame in container.decode(audio=stream):
            starts.append(float(frame.pts * frame.time_base))
            levels.append(float(np.sqrt(np.mean(first_channel(frame) ** 2))))
    return np.array(starts), np.array(levels)


def tone_wav(path: Path, hertz: float = 440.0, seconds: float = 3.0, rate: int = 48_000) -> Path:
    t = np.arange(int(seconds * rate)) / rate
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes((0.3 * 32767 * np.sin(2 * np.pi * hertz * t)).astype("<i2").tobytes())
    return path


def dominant_hertz(path: Path, stream: int) -> float:
    with av.open(str(path)) as container:
        frames = list(container.decode(audio=stream))
    mono = np.concatenate([first_channel(f) for f in frames])
    spectrum = np.abs(np.fft.rfft(mono))
    return float(np.fft.rfftfreq(len(mono), 1 / frames[0].sample_rate)[int(np.argmax(spectrum[1:])) + 1])
