from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

import numpy as np
import pytest
from speech_samples import INTRO, SECOND, silence, white_noise, word_overlap

from candidatex.speech.transcriber import Transcriber, default_model_path

SENTENCES = Path(__file__).parents[1] / "data" / "speech" / "technical_sentences.json"


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


def _profession(name: str):  # noqa: ANN202 - the interview context of one profession of the WER set
    from candidatex.speech.vocabulary import build_vocabulary

    professions = {p["name"]: p for p in json.loads(SENTENCES.read_text())["professions"]}
    p = professions[name]
    return p, build_vocabulary(p["question"], (), p["title"], p["job_description"], p["resume"])


@pytest.mark.parametrize(("profession", "said", "invented"), [
    # faster-whisper's own word timestamps re-decode the window's tail and append a word nobody said (here a
    # term of the prompt, or a stray word); the text decoded without them ends where the speech does.
    ("software", "Terraform creates the network, and Helm charts deploy each service to the cluster.", "kafka"),
    ("support", "Our CSAT score went up after we rewrote the knowledge base articles.", "zendesk"),
])
async def test_the_delivered_answer_is_the_text_decoded_without_word_timestamps_and_its_words_are_timed(
        transcriber, espeak_wav, profession, said, invented):
    from candidatex.speech.pipeline import transcribe_recording

    _, vocabulary = _profession(profession)
    final = await transcribe_recording(transcriber, espeak_wav(said, "en-gb-x-rp").read_bytes(), vocabulary=vocabulary)
    heard = re.findall(r"[a-z']+", final.text.lower())
    assert invented not in heard, final.text
    assert heard[-1] == re.findall(r"[a-z']+", said.lower())[-1], final.text  # it ends with the last word said
    # the metrics still have every word, timed in order within the recording
    assert final.metrics.word_count == len(final.words) >= len(heard) - 1
    starts = [w.start for w in final.words]
    assert starts == sorted(starts) and starts[0] >= 0 and final.words[-1].end <= final.duration_s + 0.1
    assert final.metrics.words_per_minute > 60


def test_auto_picks_base_on_two_cores_and_keeps_tiny_en_as_the_floor_on_one():
    from candidatex.speech.models import auto_model

    assert auto_model(cpus=2) == "base"  # its wheels are project dependencies
    assert auto_model(cpus=1) == "tiny.en"
