"""The calibration families of issue 14 on a subset of the tuning half; bench/ai_quality.py runs all of them.

Correct answers that reject, doubt or hypothesise a misconception are not factual errors; strong answers told
as what the candidate did reach the strong band; answers about the staff's social life, set in the
profession, are off-topic.
"""

from __future__ import annotations

import pytest

from candidatex.ai.bank import load_bank
from candidatex.ai.providers.local import LocalProvider
from candidatex.ai.schemas import AnswerEvaluation, InterviewContext

from .labelled import TARGETS, WRONG_MARGIN, load_labelled, question_for

CTX = InterviewContext(job_title="Interview", experience_level="mid")
LOCAL = LocalProvider()
LABELLED = {item.question: item.answers for item in load_labelled("tune")}


async def evaluate(question_id: str, answer: str) -> AnswerEvaluation:
    return await LOCAL.evaluate_answer(CTX, question_for(question_id, CTX), answer)


def labelled(question_id: str, family: str, opening: str) -> str:
    return next(a for a in LABELLED[question_id][family] if a.startswith(opening))


REJECTIONS = [
    # a rejecting predicate where the misconception carries its own negation ("… with no downside")
    ("be-slow-query", labelled("be-slow-query", "strong", "- confirm which query")),
    # "doesn't mean": a framing that denies what follows
    ("cs-escalation", labelled("cs-escalation", "strong", "Escalating doesn't mean")),
    # a supposition that shows where the misconception leads
    (
        "ds-overfitting",
        "I compare training and validation scores, or cross-validate, and a big gap is overfitting. If you add "
        "more features to fix it, the gap between training and validation grows. I regularise with L2 or "
        "dropout, simplify the model or stop training early, and get more data.",
    ),
    # doubt
    (
        "rn-medication-safety",
        "I doubt that checking the name on the door is enough to confirm who the patient is, patients move beds. "
        "I check two identifiers against the wristband and the chart, and the right drug, dose, route and time, "
        "and ask about allergies. If I make an error I check the patient, tell the prescriber and report it.",
    ),
]


@pytest.mark.parametrize(("question_id", "answer"), REJECTIONS, ids=[q for q, _ in REJECTIONS])
async def test_a_correct_answer_that_rejects_doubts_or_supposes_a_misconception_scores_as_correct(
    question_id: str, answer: str
) -> None:
    evaluation = await evaluate(question_id, answer)
    wrong = [(await evaluate(question_id, a)).score for a in LABELLED[question_id]["wrong"]]

    assert not evaluation.factual_errors, evaluation.factual_errors
    assert evaluation.score >= TARGETS["strong"][0]
    assert all(evaluation.score - w >= WRONG_MARGIN for w in wrong), (evaluation.score, wrong)


ASSERTIONS = [
    # the misconception in the consequent of a conditional is asserted
    ("be-slow-query", labelled("be-slow-query", "wrong", "If an endpoint is slow")),
    # a conditional misconception asserted as one
    ("hr-investigation", labelled("hr-investigation", "wrong", "If the manager is a high performer")),
]


@pytest.mark.parametrize(("question_id", "answer"), ASSERTIONS, ids=[q for q, _ in ASSERTIONS])
async def test_a_misconception_asserted_inside_a_conditional_is_still_a_factual_error(
    question_id: str, answer: str
) -> None:
    evaluation = await evaluate(question_id, answer)

    assert evaluation.factual_errors
    assert evaluation.score <= 40


ANECDOTES = [
    ("pm-metrics", "At my last company"),
    ("ux-usability-test", "For a new booking screen"),
    ("ds-ab-test", "We tested a green"),
    ("rn-deteriorating-patient", "I had this on a night shift"),
]


@pytest.mark.parametrize(("question_id", "opening"), ANECDOTES, ids=[q for q, _ in ANECDOTES])
async def test_a_strong_answer_told_as_what_the_candidate_did_reaches_the_strong_band(
    question_id: str, opening: str
) -> None:
    story = await evaluate(question_id, labelled(question_id, "strong", opening))
    weak = [(await evaluate(question_id, a)).score for a in LABELLED[question_id].get("weak", [])]

    assert story.score >= TARGETS["strong"][0], (story.score, story.rubric_explanations)
    assert all(story.score > w for w in weak)


SOCIAL_LIFE = [
    ("sales-discovery", "Our sales team goes bowling"),
    ("teach-differentiation", "Every Friday the teachers"),
    ("teach-behaviour", "Our staffroom has a teachers' book club"),
    ("pm-metrics", "Our product team has a Friday demo lunch"),
]


@pytest.mark.parametrize(("question_id", "opening"), SOCIAL_LIFE, ids=[q for q, _ in SOCIAL_LIFE])
async def test_an_answer_about_the_staffs_social_life_is_off_topic_though_it_shares_the_professions_words(
    question_id: str, opening: str
) -> None:
    evaluation = await evaluate(question_id, labelled(question_id, "off_topic", opening))

    assert "off_topic" in evaluation.guards
    assert evaluation.score <= TARGETS["off_topic"][1]
    assert "does not address" in " ".join(evaluation.weaknesses)


def test_every_key_point_of_every_bank_question_has_a_concrete_wording() -> None:
    for question in load_bank().all_questions():
        for point in question.key_points:
            assert point.looks_like and point.looks_like != point.text, (question.id, point.text)
