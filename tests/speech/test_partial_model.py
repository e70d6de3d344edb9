"""WHISPER_PARTIAL_MODEL: the partials shown while the candidate speaks are decoded by their own (smaller) model,
the committed pieces and the final by the main one; "none" shows no partials (issue 16: a "done" said during a
partial waits for that decode, so a cheaper partial model shortens the wait)."""

from __future__ import annotations

import asyncio

import numpy as np
import pytest
from speech_samples import STORY, silence, word_overlap
from test_streaming import _collect, finals_of, stream

from candidatex.config import Settings
from candidatex.speech.pipeline import PartialTranscript, VoiceAnswerPipeline
from candidatex.speech.segmenter import SegmenterSettings
from candidatex.speech.transcriber import Transcriber, Transcript, partial_transcriber


class NamedModel:
    """A real model, noting in `log` which model ran each decode and of what kind (partials decode without word
    timestamps)."""

    def __init__(self, model: Transcriber, name: str, log: list[tuple[str, str]]) -> None:
        self.model, self.name, self.log = model, name, log

    async def transcribe(self, pcm: np.ndarray, **options) -> Transcript:  # noqa: ANN003
        self.log.append((self.name, "partial" if options.get("word_timestamps") is False else "words"))
        return await self.model.transcribe(pcm, **options)


async def _answer_then_done(pipeline: VoiceAnswerPipeline, speech_16k) -> list:  # noqa: ANN001
    received = asyncio.create_task(_collect(pipeline))
    audio = np.concatenate([silence(0.5), speech_16k(STORY)])
    await stream(pipeline, audio[: audio.size // 2])
    await pipeline.drain()  # the decoder keeps up: a partial of the piece in progress is decoded
    await stream(pipeline, audio[audio.size // 2 :])
    final = await pipeline.finish()
    assert final is not None and word_overlap(STORY, final.text) >= 0.7, final
    await pipeline.aclose(finish=False)
    return await received


async def test_partials_are_decoded_by_the_partial_model_and_the_final_by_the_main_one(transcriber, speech_16k):
    log: list[tuple[str, str]] = []
    main, partials = NamedModel(transcriber, "main", log), NamedModel(transcriber, "partials", log)
    pipeline = VoiceAnswerPipeline(main, SegmenterSettings(end_silence_ms=30_000),  # type: ignore[arg-type]
                                   partial_transcriber=partials)  # type: ignore[arg-type]
    received = await _answer_then_done(pipeline, speech_16k)
    assert ("partials", "partial") in log, log
    assert set(log) <= {("partials", "partial"), ("main", "words")}, log
    assert log[-1] == ("main", "words"), "the final is decoded by the main model"
    shown = [e for e in received if isinstance(e, PartialTranscript)]
    assert shown and len(finals_of(received)) == 1


async def test_no_partial_model_shows_no_partials_and_still_the_final(transcriber, speech_16k):
    log: list[tuple[str, str]] = []
    pipeline = VoiceAnswerPipeline(NamedModel(transcriber, "main", log),  # type: ignore[arg-type]
                                   SegmenterSettings(end_silence_ms=30_000), partial_transcriber=None)
    received = await _answer_then_done(pipeline, speech_16k)
    assert not [e for e in received if isinstance(e, PartialTranscript)], received
    assert len(finals_of(received)) == 1
    assert log and all(kind == "words" for _, kind in log), "no partial was decoded"


def test_auto_decodes_partials_with_tiny_en_under_a_larger_model(transcriber) -> None:
    base = Transcriber("base")
    under_base = partial_transcriber(base)
    assert under_base is not None and under_base is not base and under_base.requested_model == "tiny.en"
    assert under_base.model_name == transcriber.model_name and not under_base.loaded  # loads on first use
    assert partial_transcriber(transcriber) is transcriber, "tiny.en is the smallest: its partials are its own"
    assert partial_transcriber(base, "same") is base
    assert partial_transcriber(base, "none") is None


def test_the_partial_model_setting_validates() -> None:
    assert Settings().whisper_partial_model == "auto"
    for value in ("same", "none", "tiny.en", "base"):
        assert Settings(whisper_partial_model=value).whisper_partial_model == value
    with pytest.raises(ValueError, match="auto, same, none"):
        Settings(whisper_partial_model="large-v3")
