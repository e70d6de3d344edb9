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
    # told in the question's own nouns and money words (fifth pass: the subjects set in the question itself)
    ("acc-month-end-close", "After every month-end close our finance team goes"),
    ("be-slow-query", "Our database team has a slow-cooker club"),
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


# --- fifth pass -------------------------------------------------------------------------------------------

# A correct answer rejects the misconception in so many words, then goes on in its vocabulary: the later
# sentence is near the misconception and carries no negation, but it elaborates on the rejection.
REJECT_THEN_ELABORATE = [
    (
        "ds-overfitting",
        "High training accuracy doesn't mean the model is good. A good model is one whose accuracy holds up on the "
        "validation set as well as on the training set. So I hold out a validation set or cross-validate, and "
        "when training is far above validation I regularise, simplify the model or stop early.",
    ),
    (
        "ds-overfitting",
        "Training accuracy is misleading on its own. The accuracy that shows a model is good is the accuracy on "
        "held-out data. I compare training and validation scores or cross-validate, and if there's a big gap I "
        "add regularisation, use a simpler model or stop training early, and get more data.",
    ),
    (
        "ops-k8s-crashloop",
        "Deleting the pod is a trap. A deleted pod comes back with the same image and config and crashes the "
        "same way. So I describe the pod for the events and exit code, read kubectl logs --previous, and check "
        "the config, secrets and the liveness probe.",
    ),
    (
        "pm-metrics",
        "Counting sign-ups is misleading on its own. The number of sign-ups shows how many people started "
        "onboarding, and what I want is how many reached the first value. So I define activation, measure each "
        "step of the funnel, compare against a baseline or run an experiment, and watch support tickets.",
    ),
]


@pytest.mark.parametrize(
    ("question_id", "answer"), REJECT_THEN_ELABORATE, ids=[f"{q}-{i}" for i, (q, _) in enumerate(REJECT_THEN_ELABORATE)]
)
async def test_an_answer_that_rejects_a_misconception_and_then_explains_its_subject_is_not_a_factual_error(
    question_id: str, answer: str
) -> None:
    evaluation = await evaluate(question_id, answer)

    assert not evaluation.factual_errors, evaluation.factual_errors
    assert evaluation.score >= TARGETS["strong"][0]


async def test_a_denial_worded_with_a_removal_word_is_not_the_misconception_it_denies() -> None:
    # "doesn't take away the need for a salt": two turns, against "a salt is not needed" (one).
    answer = labelled("be-password-storage", "strong", "A strong hash function doesn't take away the need")
    evaluation = await evaluate("be-password-storage", answer)
    wrong = [(await evaluate("be-password-storage", a)).score for a in LABELLED["be-password-storage"]["wrong"]]

    assert not evaluation.factual_errors, evaluation.factual_errors
    assert evaluation.score >= TARGETS["strong"][0]
    assert all(evaluation.score - w >= WRONG_MARGIN for w in wrong), (evaluation.score, wrong)


@pytest.mark.parametrize(
    ("question_id", "answer", "misconception"),
    [
        (
            "be-password-storage",
            "A strong hash like SHA-256 removes the need for a salt, so we just hash the password once.",
            "A salt is not needed if the hash function is strong.",
        ),
        (
            "be-password-storage",
            "Using a strong hash means you can do away with the salt entirely.",
            "A salt is not needed if the hash function is strong.",
        ),
    ],
    ids=["removes-the-need", "do-away-with"],
)
async def test_a_misconception_about_what_is_needed_asserted_with_a_removal_word_is_a_factual_error(
    question_id: str, answer: str, misconception: str
) -> None:
    evaluation = await evaluate(question_id, answer)

    assert misconception in evaluation.factual_errors
    assert evaluation.score <= 40


async def test_removal_words_keep_their_meaning_against_a_misconception_that_names_a_replacement() -> None:
    # Guards the rule above: the misconception's own "replacement" is a removal word too.
    denial = await evaluate(
        "fe-accessibility",
        "A placeholder doesn't replace a label: it disappears as soon as you start typing, so I always give every "
        "input a visible label element.",
    )
    claim = await evaluate(
        "fe-accessibility", "Placeholder text can replace the label, it saves space and users get the hint anyway."
    )

    assert not denial.factual_errors
    assert "Placeholder text is a good replacement for a label." in claim.factual_errors


@pytest.mark.parametrize("question_id", ["pm-prioritization", "sales-objection-price", "bh-conflict"])
async def test_strong_answers_with_little_of_the_key_points_wording_are_not_off_topic(question_id: str) -> None:
    # Guards the rule above: these questions' strong answers include the tuning set's least similar to any key
    # point (0.41-0.47), which the question-set subjects come nearest to.
    for answer in LABELLED[question_id]["strong"]:
        evaluation = await evaluate(question_id, answer)
        assert "off_topic" not in evaluation.guards, answer
