from __future__ import annotations

import asyncio
from pathlib import Path

import numpy as np
from speech_samples import INTRO, SECOND, silence, white_noise, word_overlap

from candidatex.speech.transcriber import Transcriber, default_model_path


def test_the_default_model_is_the_bundled_tiny_en_so_it_works_offline():
    model_dir = Path(default_model_path())
    assert (model_dir / "model.bin").is_file()
    assert Transcriber().model_name == str(model_dir)


async def test_speech_is_transcribed_with_word_timestamps(transcriber, speech_16k):
    audio = speech_16k(INTRO)
    transcript = await transcriber.transcribe(audio)
    assert word_overlap(INTRO, transcript.text) >= 0.8
    assert transcript.language == "en"
    assert abs(transcript.duration_s - audio.size / 16_000) < 0.01
    starts = [w.start for w in transcript.words]
    assert starts == sorted(starts) and transcript.words[-1].end <= transcript.duration_s + 0.1


async def test_silence_and_noise_give_no_words(transcriber):
    for audio in (silence(3), white_noise(3)):
        transcript = await transcriber.transcribe(audio)
        assert transcript.text == "" and transcript.words == []


async def test_concurrent_jobs_share_one_model_and_keep_their_own_results(speech_16k):
    shared = Transcriber(max_concurrent=1)
    first, second = await asyncio.gather(
        shared.transcribe(speech_16k(INTRO)), shared.transcribe(speech_16k(SECOND))
    )
    assert word_overlap(INTRO, first.text) >= 0.8
    assert word_overlap(SECOND, second.text) >= 0.7
    assert word_overlap(SECOND, first.text) < 0.4
    assert shared._model is not None  # loaded lazily, exactly once, by the first job


async def test_empty_audio_is_an_empty_transcript(transcriber):
    transcript = await transcriber.transcribe(np.zeros(0, dtype=np.float32))
    assert transcript.text == "" and transcript.duration_s == 0
