"""Segmenting a stream with Silero VAD: chunks at short pauses, a PauseCheck for the end-of-turn judge, and
only the judge's verdict, "done" or a long silence ending an answer."""

from __future__ import annotations

import numpy as np
from speech_samples import INTRO, SECOND, STORY, silence, white_noise

from candidatex.speech.segmenter import (
    AnswerEnded,
    ChunkAudio,
    PartialAudio,
    PauseCheck,
    SegmenterSettings,
    SpeechSegmenter,
    SpeechStarted,
)


def run(segmenter: SpeechSegmenter, audio: np.ndarray, chunk: int = 320) -> list:
    events = []
    for start in range(0, audio.size, chunk):
        events.extend(segmenter.push(audio[start : start + chunk]))
    return events


def of_type(events: list, kind: type) -> list:
    return [e for e in events if isinstance(e, kind)]


def test_an_answer_is_cut_into_chunks_and_only_a_long_silence_ends_it_unjudged(speech_16k):
    speech = speech_16k(STORY)
    segmenter = SpeechSegmenter(SegmenterSettings(end_silence_ms=3000))
    events = run(segmenter, np.concatenate([silence(0.5), speech, silence(2)]))
    assert isinstance(events[0], SpeechStarted)
    assert of_type(events, AnswerEnded) == [], "two seconds of silence alone do not end an answer"
    assert of_type(events, PauseCheck), "the pause is offered to the end-of-turn judge"
    events += run(segmenter, silence(1.5))
    ended = of_type(events, AnswerEnded)
    assert len(ended) == 1 and ended[0].reason == "silence" and ended[0].enough_speech
    assert abs(ended[0].duration_s - speech.size / 16_000) < 0.6
    chunks = of_type(events, ChunkAudio)
    assert len(chunks) >= 2  # sentence pauses let the first sentences be transcribed early
    assert [c.chunk_index for c in chunks] == list(range(len(chunks)))
    assert sum(c.audio.size for c in chunks) / 16_000 >= speech.size / 16_000 - 0.1
    assert of_type(events, PartialAudio)


def test_the_judges_verdict_ends_the_pause_it_was_given_for(speech_16k):
    segmenter = SpeechSegmenter()
    events = run(segmenter, np.concatenate([speech_16k(SECOND), silence(0.6)]))
    check = of_type(events, PauseCheck)[-1]
    assert check.audio.size >= speech_16k(SECOND).size  # the sound of the answer so far, for Smart Turn
    assert segmenter.end_pause(check.answer_index, check.pause_index, 5000) == []  # not yet 5 s
    (ended,) = segmenter.end_pause(check.answer_index, check.pause_index, 300)
    assert ended.reason == "turn" and ended.enough_speech


def test_a_verdict_is_void_once_the_candidate_speaks_again(speech_16k):
    segmenter = SpeechSegmenter()
    events = run(segmenter, np.concatenate([speech_16k(INTRO), silence(0.6)]))
    check = of_type(events, PauseCheck)[-1]
    run(segmenter, speech_16k(SECOND))  # the thinking pause is over: the candidate goes on
    assert segmenter.end_pause(check.answer_index, check.pause_index, 0) == []
    assert segmenter.in_answer


def test_silence_and_steady_noise_start_no_answer():
    for audio in (silence(4), white_noise(4), np.concatenate([silence(1), white_noise(3, level=0.3)])):
        segmenter = SpeechSegmenter()
        assert run(segmenter, audio) + segmenter.finish() == []


def test_speech_is_found_over_background_noise(speech_16k):
    speech = speech_16k(INTRO)
    noisy = np.concatenate([silence(0.5), speech, silence(1)])
    noisy += white_noise(noisy.size / 16_000, level=0.01)
    segmenter = SpeechSegmenter()
    assert of_type(run(segmenter, noisy), SpeechStarted)
    (ended,) = segmenter.finish()
    assert ended.enough_speech and ended.duration_s > 3


def test_finish_ends_an_answer_that_is_still_being_spoken_keeping_every_sample(speech_16k):
    segmenter = SpeechSegmenter(SegmenterSettings(phrase_pause_ms=1000))
    speech = speech_16k(INTRO)
    run(segmenter, speech[: speech.size - 100])  # the last samples do not fill a VAD window
    (ended,) = segmenter.finish()
    assert ended.reason == "done" and ended.tail is not None
    assert ended.tail.audio.size / 16_000 > 3
    assert ended.tail.audio.size % 512 != 0, "the samples short of a whole window are in the answer too"


def test_two_answers_in_one_stream_are_told_apart(speech_16k):
    settings = SegmenterSettings(end_silence_ms=1500)
    audio = np.concatenate([speech_16k(INTRO), silence(2), speech_16k(SECOND), silence(2)])
    ended = of_type(run(SpeechSegmenter(settings), audio, chunk=960), AnswerEnded)
    assert [e.answer_index for e in ended] == [0, 1]


def test_a_click_is_not_an_answer():
    click = np.concatenate([silence(1), np.sin(np.arange(2400) * 0.3).astype(np.float32) * 0.5, silence(9)])
    ended = of_type(run(SpeechSegmenter(), click), AnswerEnded)
    assert all(not e.enough_speech for e in ended)


def test_an_answer_says_where_its_speech_was_so_pauses_are_timed_on_the_sound(speech_16k):
    first, second = speech_16k(SECOND), speech_16k(INTRO)
    segmenter = SpeechSegmenter()
    events = run(segmenter, np.concatenate([silence(0.5), first, silence(2.0), second]))
    (ended,) = of_type(events + segmenter.finish(), AnswerEnded)
    spans = ended.speech_spans
    gaps = [nxt[0] - prev[1] for prev, nxt in zip(spans, spans[1:], strict=False)]
    # espeak-ng's own trailing silence belongs to the pause: the truth is measured on the samples
    loud = np.flatnonzero(np.abs(np.concatenate([first, silence(2.0), second])) > 0.01)
    true_pause = max(np.diff(loud)) / 16_000
    assert abs(max(gaps) - true_pause) <= 0.3, (spans, true_pause)
    assert spans[0][0] <= 0.5 and spans[-1][1] >= ended.duration_s - 0.5  # the speech is inside the answer
