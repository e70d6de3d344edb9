"""A machine slower than real time: the final must not wait for a backlog of pieces and partials, and must
keep every word (issue 16: sub-second turns; no audio is ever dropped)."""

from __future__ import annotations

import asyncio

import numpy as np
from speech_samples import INTRO, SECOND, STORY, silence, word_overlap
from test_streaming import stream

from candidatex.speech.pipeline import VoiceAnswerPipeline
from candidatex.speech.transcriber import Transcriber, Transcript

LONG_ANSWER = (STORY, INTRO, SECOND)


class CountingTranscriber:
    """The real model, with each decode noted as it starts (partials decode without word timestamps)."""

    def __init__(self, model: Transcriber) -> None:
        self.model = model
        self.started: list[str] = []

    async def transcribe(self, pcm: np.ndarray, **options) -> Transcript:  # noqa: ANN003
        self.started.append("partial" if options.get("word_timestamps") is False else "words")
        return await self.model.transcribe(pcm, **options)


def long_answer(speech_16k) -> np.ndarray:
    """Three sentences with short phrase pauses between them: several pieces, no pause long enough to judge."""
    parts: list[np.ndarray] = [silence(0.3)]
    for sentence in LONG_ANSWER:
        parts += [speech_16k(sentence), silence(0.3)]
    return np.concatenate(parts)


async def test_done_behind_a_backlog_waits_for_one_decode_and_keeps_every_word(transcriber, speech_16k):
    counting = CountingTranscriber(transcriber)
    pipeline = VoiceAnswerPipeline(counting)  # type: ignore[arg-type]
    await stream(pipeline, long_answer(speech_16k))  # far faster than the decoder goes: pieces queue up
    await asyncio.sleep(0)
    queued_before_done = len(counting.started)
    final = await pipeline.finish()
    after_done = counting.started[queued_before_done:]
    assert final is not None and final.ended_by == "done"
    assert word_overlap(" ".join(LONG_ANSWER), final.text) >= 0.8, final.text
    assert word_overlap(SECOND, final.text) >= 0.6, "the last words, said just before done, are there"
    # Everything not yet transcribed when "done" came is decoded in one pass: not one decode per queued piece,
    # and no partial (stale the moment newer audio exists) is decoded in between.
    assert after_done == ["words"], after_done
    await pipeline.aclose()

