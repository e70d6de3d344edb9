"""The rubric separates strong answers from weak ones, explains itself and probes thin answers."""

from __future__ import annotations

import pytest

from candidatex.ai.providers.local import BANK_BY_KEY, LocalProvider, _to_generated
from candidatex.ai.rubric import BEHAVIORAL_WEIGHTS, TECHNICAL_WEIGHTS, count_fillers
from candidatex.ai.schemas import AnswerEvaluation, GeneratedQuestion, InterviewContext

from .labelled_answers import LABELLED

CTX = InterviewContext(job_title="Software Engineer", experience_level="mid")
LOCAL = LocalProvider()


def bank_question(key: str) -> GeneratedQuestion:
    return _to_generated(BANK_BY_KEY[key], CTX)


async def evaluate(key: str, answer: str, metrics: dict | None = None) -> AnswerEvaluation:
    return await LOCAL.evaluate_answer(CTX, bank_question(key), answer, metrics)


@pytest.mark.parametrize("key", sorted(LABELLED))
async def test_scores_follow_the_human_ordering(key: str) -> None:
    scores = [(await evaluate(key, text)).score for _, text in LABELLED[key]]

    assert scores == sorted(scores, reverse=True), dict(
        zip([label for label, _ in LABELLED[key]], scores, strict=True)
    )
    # The gap is wide enough to matter to a candidate, not a rounding accident.
    assert scores[0] - scores[-1] >= 40


@pytest.mark.parametrize("key", sorted(LABELLED))
async def test_strong_answers_score_high_and_weak_answers_low(key: str) -> None:
    strong = await evaluate(key, LABELLED[key][0][1])
    weak = await evaluate(key, LABELLED[key][-1][1])

    assert strong.score >= 70
    assert weak.score < 40
    assert strong.strengths and not strong.needs_follow_up
    assert weak.weaknesses and weak.recommendations


async def test_rubric_is_transparent() -> None:
    behavioral = await evaluate("bh-conflict", LABELLED["bh-conflict"][1][1])
    technical = await evaluate("be-slow-query", LABELLED["be-slow-query"][1][1])

    for evaluation, weights in ((behavioral, BEHAVIORAL_WEIGHTS), (technical, TECHNICAL_WEIGHTS)):
        assert set(evaluation.rubric) == set(weights) == set(evaluation.rubric_weights)
        assert set(evaluation.rubric_explanations) == set(weights)
        assert sum(evaluation.rubric_weights.values()) == pytest.approx(1.0)
        weighted = sum(evaluation.rubric[c] * w for c, w in evaluation.rubric_weights.items())
        assert evaluation.score == pytest.approx(weighted, abs=0.2)
    assert "star_structure" in behavioral.rubric and "concept_coverage" in technical.rubric


async def test_star_answer_without_a_result_is_told_to_close_with_one() -> None:
    answer = (
        "At my previous company our team had a release planned for Friday and the tests kept failing. "
        "My job was to get the build green. I investigated the flaky tests, I paired with the QA engineer, "
        "and I rewrote the fixtures so they did not share a database between tests. Then I added a retry "
        "for the one network call we could not avoid and documented the pattern for the rest of the team."
    )

    evaluation = await evaluate("bh-teamwork", answer)

    assert "result" in evaluation.rubric_explanations["star_structure"]
    assert any("outcome" in r for r in evaluation.recommendations)
    assert evaluation.needs_follow_up
    assert evaluation.follow_up_question is not None
    assert "outcome" in evaluation.follow_up_question.text


async def test_thin_technical_answer_gets_a_follow_up_on_missing_concepts() -> None:
    question = bank_question("be-caching")

    evaluation = await LOCAL.evaluate_answer(CTX, question, "I would put Redis in front of the database.")

    assert evaluation.needs_follow_up
    follow_up = evaluation.follow_up_question
    assert follow_up is not None and follow_up.is_follow_up
    assert follow_up.id.startswith(question.id)
    assert follow_up.expected_concepts and set(follow_up.expected_concepts) < set(question.expected_concepts)
    assert follow_up.expected_concepts[0] in follow_up.text


async def test_follow_up_answer_is_scored_on_what_it_probed_and_not_probed_again() -> None:
    question = bank_question("be-caching")
    first = await LOCAL.evaluate_answer(CTX, question, "I would put Redis in front of the database.")
    assert first.follow_up_question is not None

    second = await LOCAL.evaluate_answer(
        CTX,
        first.follow_up_question,
        "When the data changes I invalidate the key, and every entry also gets a TTL of 60 seconds so it "
        "expires anyway, because an event can be lost.",
    )

    assert second.rubric["concept_coverage"] == 100
    assert not second.needs_follow_up and second.follow_up_question is None


async def test_complete_answer_gets_no_follow_up() -> None:
    evaluation = await evaluate("be-slow-query", LABELLED["be-slow-query"][0][1])

    assert not evaluation.needs_follow_up and evaluation.follow_up_question is None


async def test_empty_answer_scores_zero_without_a_follow_up() -> None:
    evaluation = await evaluate("bh-failure", "")

    assert evaluation.score == 0
    assert not evaluation.needs_follow_up


async def test_filler_words_lower_the_score() -> None:
    clean = LABELLED["ops-k8s"][0][1]
    filled = clean.replace(". ", ". Um, basically, you know, ").replace(", and", ", like, and")

    clean_eval = await evaluate("ops-k8s", clean)
    filled_eval = await evaluate("ops-k8s", filled)

    assert filled_eval.rubric["filler_words"] < clean_eval.rubric["filler_words"]
    assert filled_eval.score < clean_eval.score


async def test_speaking_metrics_from_speech_count_toward_delivery() -> None:
    answer = LABELLED["bh-conflict"][0][1]

    typed = await evaluate("bh-conflict", answer)
    spoken = await evaluate("bh-conflict", answer, {"filler_word_count": 25, "words_per_minute": 230})

    assert spoken.rubric["filler_words"] < typed.rubric["filler_words"]
    assert "words per minute" in spoken.rubric_explanations["filler_words"]


def test_like_counts_as_filler_only_when_it_is_filler() -> None:
    assert count_fillers("Side effects like timers, and things I would like to add.") == 0
    assert count_fillers("It was, like, fine. I was like, okay.") == 2


async def test_question_from_another_provider_is_scored_on_its_concepts() -> None:
    remote = GeneratedQuestion(
        text="How would you shard a user table?", expected_concepts=["shard key", "rebalancing", "hotspots"]
    )

    covered = await LOCAL.evaluate_answer(
        CTX,
        remote,
        "Pick a shard key with high cardinality, plan rebalancing when adding nodes, avoid hotspots.",
    )
    missed = await LOCAL.evaluate_answer(CTX, remote, "I would buy a bigger server.")

    assert covered.rubric["concept_coverage"] > missed.rubric["concept_coverage"]
