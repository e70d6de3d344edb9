"""The end-of-turn judge's reading of the words (the sound is Smart Turn's; 0.9 = it sounds finished)."""

from __future__ import annotations

import pytest

from candidatex.speech.turns import TurnPolicy, judge_turn, strip_done_phrase


@pytest.mark.parametrize("text", [
    "Honestly, I am not sure, let me think. Maybe.",
    "That's a good question.",
    "Hmm, let me see.",
    "I'm not sure about the exact number.",
    "We could cache the results, or",
    "I moved the customer to a new plan.",
])
def test_thinking_hedging_or_a_headline_keeps_the_turn_open_however_finished_it_sounds(text):
    assert judge_turn(text, 0.9).end_after_ms is None


@pytest.mark.parametrize("text", [
    "We kept the sessions in Redis, and the latency dropped by half. And that's it.",
    "I would add an index on the customer and the date. I think that covers it.",
    "We moved the reports to a read replica. That's all I have on this one.",
])
def test_a_closing_phrase_ends_the_turn_at_once_and_leaves_the_answer(text):
    assert judge_turn(text, 0.1).end_after_ms == 0
    assert strip_done_phrase(text).endswith(("half.", "date.", "replica.")), strip_done_phrase(text)


def test_a_finished_answer_ends_after_the_short_silence_and_an_unsure_one_after_the_longer():
    policy = TurnPolicy()
    text = "Let me think. I would use a read replica for the reports and keep the writes on the primary."
    assert judge_turn(text, 0.9, policy).end_after_ms == policy.complete_silence_ms
    assert judge_turn(text, 0.1, policy).end_after_ms == policy.unsure_silence_ms
    assert judge_turn("The insurance covers it.", 0.9).end_after_ms is None  # short, and not a closing phrase


def test_a_trailing_ellipsis_leaves_the_verdict_to_the_last_word_and_the_sound():
    """Whisper ends most pieces with "..." when prompted with fillers, however the sentence ended."""
    finished = "I would use a read replica for the reports and keep the writes on the primary..."
    assert judge_turn(finished, 0.9).end_after_ms == TurnPolicy().complete_silence_ms
    assert judge_turn("I would keep the sessions in Redis because...", 0.9).end_after_ms is None
