from __future__ import annotations

import os

import numpy as np
import pytest
from speech_samples import FORMATS

from candidatex.speech.audio import (
    SAMPLE_RATE,
    AudioError,
    StreamResampler,
    decode_audio_file,
    float32_to_pcm16,
    pcm16_to_float32,
)


@pytest.mark.parametrize("ext", FORMATS)
def test_every_upload_format_decodes_to_16k_mono_of_the_same_length(recordings, ext):
    reference = decode_audio_file(recordings["wav"].read_bytes())
    samples = decode_audio_file(recordings[ext].read_bytes())
    assert samples.dtype == np.float32 and samples.ndim == 1
    assert abs(samples.size - reference.size) / SAMPLE_RATE < 0.1
    assert 0.05 < np.abs(samples).max() <= 1.0


@pytest.mark.parametrize(
    "data",
    [b"Dear hiring manager, please find my answer attached." * 40, b"%PDF-1.7\n%\xe2\xe3" + os.urandom(4000)],
    ids=["text", "pdf"],
)
def test_a_file_that_is_not_audio_is_rejected_as_not_audio(data):
    with pytest.raises(AudioError) as error:
        decode_audio_file(data)
    assert error.value.code == "not_audio"


def test_an_oversize_file_is_rejected_before_decoding(recordings):
    data = recordings["wav"].read_bytes()
    with pytest.raises(AudioError) as error:
        decode_audio_file(data, max_bytes=len(data) - 1)
    assert error.value.code == "too_large"
    assert str(len(data) - 1) in error.value.message


def test_a_recording_longer_than_the_limit_is_rejected(recordings):
    with pytest.raises(AudioError) as error:
        decode_audio_file(recordings["mp3"].read_bytes(), max_seconds=1.0)
    assert error.value.code == "too_long"


def test_an_empty_upload_is_rejected():
    with pytest.raises(AudioError) as error:
        decode_audio_file(b"")
    assert error.value.code == "empty"


def test_pcm16_conversion_round_trips():
    samples = np.array([0.0, 0.5, -0.5, -1.0, 0.99], dtype=np.float32)
    assert np.allclose(pcm16_to_float32(float32_to_pcm16(samples)), samples, atol=1 / 32768)


def test_stream_resampler_turns_48k_stereo_chunks_into_16k_mono():
    resampler = StreamResampler()
    tone = np.sin(2 * np.pi * 440 * np.arange(48_000) / 48_000).astype(np.float32) * 0.5
    stereo = np.repeat(tone, 2)  # interleaved L R
    pieces = [
        resampler.pcm16(float32_to_pcm16(stereo[i : i + 1920]), 48_000, channels=2)
        for i in range(0, stereo.size, 1920)  # 20 ms WebRTC-sized chunks
    ]
    out = np.concatenate(pieces)
    assert abs(out.size - SAMPLE_RATE) < 200
    spectrum = np.abs(np.fft.rfft(out[1000:9000]))
    peak_hz = np.argmax(spectrum) * SAMPLE_RATE / 8000
    assert abs(peak_hz - 440) < 5
