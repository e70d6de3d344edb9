"""The final report: totals from the per-question scores, unanswered questions counting 0."""

from __future__ import annotations

from candidatex.ai.providers.local import LocalProvider
from candidatex.ai.schemas import InterviewContext
from candidatex.ai.service import AIService

from .labelled import load_labelled, question_for

CTX = InterviewContext(job_title="Backend Engineer", experience_level="mid", question_count=4)
LOCAL = LocalProvider()
ANSWERS = {item.question: item.answers for item in load_labelled("tune")}
KEYS = ("be-password-storage", "be-slow-query", "bh-conflict")


async def interview(family: str):
    items = []
    for key in KEYS:
        question = question_for(key, CTX)
        answer = ANSWERS[key][family][0]
        items.append((question, answer, await LOCAL.evaluate_answer(CTX, question, answer)))
    return items


async def test_strong_interview_outscores_weak_and_the_report_says_what_was_covered() -> None:
    service = AIService(LOCAL)
    strong = await service.final_report(CTX, await interview("strong"))
    weak = await service.final_report(CTX, await interview("weak"))

    assert strong.total_score >= 75 > 40 >= weak.total_score
    assert strong.strengths and all(s.startswith("Covered: ") for s in strong.strengths)
    assert weak.weaknesses and weak.recommendations
    assert "Backend Engineer" in strong.summary and "strong" in strong.summary


async def test_unanswered_questions_count_as_zero_in_the_total() -> None:
    service = AIService(LOCAL)
    items = await interview("strong")
    unanswered = [question_for("be-caching", CTX)]

    full = await service.final_report(CTX, items)
    partial = await service.final_report(CTX, items, unanswered)

    # The same sum over one more question (the full total is itself rounded, so compare with the scores).
    assert partial.total_score == round(sum(r.score for r in full.per_question) / 4, 1)
    assert partial.per_question[-1].answered is False and partial.per_question[-1].score == 0
    assert "went unanswered" in partial.summary


async def test_follow_ups_count_for_half() -> None:
    question = question_for("be-caching", CTX)
    thin = await LOCAL.evaluate_answer(CTX, question, "I would put Redis in front of the database.")
    assert thin.follow_up_question is not None
    answer = "When data changes I delete the cached key, and every entry has a TTL so stale values expire."
    follow = await LOCAL.evaluate_answer(CTX, thin.follow_up_question, answer)

    report = await AIService(LOCAL).final_report(
        CTX, [(question, "...", thin), (thin.follow_up_question, answer, follow)]
    )

    assert report.total_score == round((thin.score + 0.5 * follow.score) / 1.5, 1)
    assert report.per_question[1].is_follow_up


async def test_empty_interview_reports_zero_and_says_why() -> None:
    report = await AIService(LOCAL).final_report(CTX, [])

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
