"""The final report aggregates per-answer evaluations into scores a candidate can act on."""

from __future__ import annotations

from candidatex.ai.providers.local import BANK_BY_KEY, LocalProvider, _to_generated
from candidatex.ai.schemas import InterviewContext
from candidatex.ai.service import AIService

from .labelled_answers import LABELLED

CTX = InterviewContext(job_title="Backend Engineer", experience_level="mid", question_count=4)
LOCAL = LocalProvider()


async def interview(answers: dict[str, str]):
    items = []
    for key, answer in answers.items():
        question = _to_generated(BANK_BY_KEY[key], CTX)
        items.append((question, answer, await LOCAL.evaluate_answer(CTX, question, answer)))
    return items


def pick(label_index: int) -> dict[str, str]:
    return {
        key: LABELLED[key][label_index][1]
        for key in ("bh-conflict", "bh-failure", "be-slow-query", "ops-k8s")
    }


async def test_report_separates_behavioral_and_technical_scores() -> None:
    items = await interview(pick(0) | {"be-slow-query": LABELLED["be-slow-query"][-1][1]})

    report = await LOCAL.final_report(CTX, items)

    assert report.behavioral_score is not None and report.technical_score is not None
    assert report.behavioral_score > report.technical_score
    behavioral = [e.score for q, _, e in items if q.kind == "behavioral"]
    assert report.behavioral_score == round(sum(behavioral) / len(behavioral), 1)
    assert min(e.score for *_, e in items) <= report.total_score <= max(e.score for *_, e in items)
    assert [r.question_id for r in report.per_question] == [q.id for q, _, _ in items]


async def test_strong_interview_outscores_weak_interview() -> None:
    strong = await LOCAL.final_report(CTX, await interview(pick(0)))
    weak = await LOCAL.final_report(CTX, await interview(pick(-1)))

    assert strong.total_score > 75 > 40 > weak.total_score
    assert strong.communication_score > weak.communication_score
    assert "strong" in strong.summary and "Backend Engineer" in strong.summary
    assert weak.weaknesses and weak.recommendations
    assert strong.strengths


async def test_recommendations_start_with_the_weakest_answer() -> None:
    items = await interview(pick(0) | {"be-slow-query": LABELLED["be-slow-query"][-1][1]})
    weakest = min(items, key=lambda item: item[2].score)[2]

    report = await LOCAL.final_report(CTX, items)

    assert report.recommendations[0] == weakest.recommendations[0]
    assert "Next step" in report.summary


async def test_behavioral_only_interview_has_no_technical_score() -> None:
    report = await LOCAL.final_report(CTX, await interview({"bh-conflict": LABELLED["bh-conflict"][0][1]}))

    assert report.technical_score is None and report.behavioral_score is not None


async def test_follow_ups_count_for_half() -> None:
    question = _to_generated(BANK_BY_KEY["be-caching"], CTX)
    thin = await LOCAL.evaluate_answer(CTX, question, "I would put Redis in front of the database.")
    assert thin.follow_up_question is not None
    follow_up_answer = (
        "I invalidate on write and set a TTL so stale entries expire, because events can be lost."
    )
    follow_up = await LOCAL.evaluate_answer(CTX, thin.follow_up_question, follow_up_answer)

    report = await LOCAL.final_report(
        CTX, [(question, "...", thin), (thin.follow_up_question, follow_up_answer, follow_up)]
    )

    expected = (thin.score + 0.5 * follow_up.score) / 1.5
    assert report.total_score == round(expected, 1)
    assert report.per_question[1].is_follow_up


async def test_empty_interview_reports_zero_and_says_why() -> None:
    report = await LOCAL.final_report(CTX, [])

    assert report.total_score == 0 and report.per_question == []
    assert "No answers" in report.summary


async def test_service_with_local_provider_stamps_every_item() -> None:
    service = AIService(LocalProvider())

    questions = await service.generate_questions(CTX)
    evaluation = await service.evaluate_answer(CTX, questions[0], "I don't know.")
    report = await service.final_report(CTX, [(questions[0], "I don't know.", evaluation)])

    assert {q.provider for q in questions} == {"local"}
    assert evaluation.provider == "local"
    assert evaluation.follow_up_question is not None and evaluation.follow_up_question.provider == "local"
    assert report.provider == "local" and report.per_question[0].provider == "local"
