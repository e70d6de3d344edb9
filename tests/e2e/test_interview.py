"""A candidate's whole mock interview through the web app, against the real interview engine.

Chromium's fake camera and microphone pass the precheck; answers are typed; feedback arrives on the
interview stream; the report shows the scores and a chart. Reloading mid-interview brings back the
same question, the server's clock and the feedback so far (replayed from the stream).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import docs_screenshot, screenshot, sign_in

pytestmark = pytest.mark.browser

ANSWER = ("In my last role I was the tech lead of a team of five. Our billing service timed out under load, "
          "and my task was to fix it before the holiday peak. I profiled it, found an N+1 query in SQLAlchemy, "
          "added a Redis cache and a load test in CI. As a result p95 latency fell from 900 ms to 120 ms and we "
          "had zero incidents that quarter. I learned to measure before I optimise.")


def clock_seconds(text: str) -> int:
    minutes, seconds = text.strip().split(":")
    return int(minutes) * 60 + int(seconds)


def pass_precheck(page) -> None:
    expect(page.get_by_test_id("check-camera")).to_have_attribute("data-passed", "true")
    expect(page.get_by_test_id("check-microphone")).to_have_attribute("data-passed", "true")
    page.get_by_test_id("play-tone").click()
    page.get_by_test_id("heard-tone").click()
    page.get_by_test_id("enter-fullscreen").click()
    expect(page.get_by_test_id("start-interview")).to_be_enabled()
    page.get_by_test_id("start-interview").click()


def started_session(account, question_count: int = 2) -> str:
    """A running interview made over the API (the UI path is covered by the whole-interview test)."""
    session = account.call("POST", "/interview/sessions", json={
        "job_title": "Backend engineer", "job_description": "Python services on Redis and MongoDB",
        "question_count": question_count, "duration_minutes": 20})
    sid = session["session_id"]
    account.call("POST", f"/interview/sessions/{sid}/precheck", json={
        "camera": True, "microphone": True, "speaker": True, "fullscreen": True, "screens": 1})
    account.call("POST", f"/interview/sessions/{sid}/start")
    return sid


def test_whole_mock_interview_from_form_to_report(page, new_candidate):
    sign_in(page, new_candidate.email, new_candidate.password)
    expect(page).to_have_url(re.compile(r"/candidate$"))
    page.get_by_test_id("start-practice").click()

    page.get_by_test_id("job-title").fill("Backend engineer")
    page.get_by_test_id("job-description").fill("Build and run Python services on Redis and MongoDB.")
    page.get_by_test_id("question-count").fill("2")
    page.get_by_test_id("duration").fill("15")
    screenshot(page, "new-interview")
    page.get_by_test_id("create-interview").click()
    expect(page).to_have_url(re.compile(r"/candidate/interviews/[0-9a-f]{24}/precheck$"))
    session_id = page.url.split("/")[-2]

    # The server's proctoring notice, with its retention period; agreeing is recorded on the server at the start.
    expect(page.get_by_test_id("notice-retention")).to_contain_text("365 days after the interview ends")
    pass_precheck(page)
    expect(page).to_have_url(re.compile(rf"/candidate/interviews/{session_id}/room$"))
    consent = new_candidate.call("GET", f"/interview/sessions/{session_id}/proctoring/consent")
    assert consent["consent"]["user_id"] == new_candidate.id
    assert consent["consent"]["notice_version"] == consent["notice"]["version"]
    question = page.get_by_test_id("question-text")
    expect(question).to_be_visible()
    expect(page.get_by_test_id("connection-status")).to_have_attribute("data-status", "open")
    expect(page.get_by_test_id("timer")).to_have_text(re.compile(r"^1[45]:\d\d$"))
    screenshot(page, "interview-room")
    docs_screenshot(page, "interview-room")

    # An empty answer reaches the server, and its refusal is shown in words.
    page.get_by_test_id("submit-answer").click()
    expect(page.get_by_test_id("error-message")).to_contain_text("Your answer can't be empty")

    answered: list[str] = []
    for _ in range(8):  # 2 questions, plus the follow-ups the interviewer may add
        if re.search(r"/summary$", page.url):
            break
        expect(question).to_be_visible()
        question_id = question.get_attribute("data-question-id")
        assert question_id not in answered, "the same question came back after it was answered"
        page.get_by_test_id("answer-text").fill(ANSWER)
        page.get_by_test_id("submit-answer").click()
        answered.append(question_id)
        # Feedback for this answer (streamed, or from the answer itself) with its score.
        expect(page.get_by_test_id("feedback").filter(has=page.get_by_test_id("feedback-score"))).to_have_count(len(answered))
        page.wait_for_function(
            "([id]) => location.pathname.endsWith('/summary') ||"
            " document.querySelector('[data-testid=question-text]')?.dataset.questionId !== id", arg=[question_id])
    else:
        pytest.fail("the interview never finished")

    expect(page).to_have_url(re.compile(rf"/candidate/interviews/{session_id}/summary$"))
    expect(page.get_by_test_id("total-score")).to_contain_text(re.compile(r"\d+/100"))
    expect(page.get_by_test_id("behavioral-score")).to_be_visible()
    expect(page.get_by_test_id("communication-score")).to_be_visible()
    chart = page.get_by_test_id("summary-chart")
    expect(chart.locator(".recharts-bar-rectangle")).to_have_count(len(answered))
    expect(page.get_by_test_id("profile-chart").locator(".recharts-radar")).to_have_count(1)
    expect(page.get_by_test_id("answer-review")).to_have_count(len(answered))
    expect(page.get_by_test_id("summary-text")).to_contain_text("Backend engineer")
    screenshot(page, "interview-summary")
    docs_screenshot(page, "report")

    # The dashboard's progress chart has the new score.
    page.goto("/candidate")
    expect(page.get_by_test_id("stat-completed")).to_contain_text("1")
    expect(page.get_by_test_id("score-chart").locator(".recharts-line-dot")).to_have_count(1)
    screenshot(page, "candidate-dashboard")
    docs_screenshot(page, "dashboard")


def test_reload_mid_interview_brings_back_question_clock_and_feedback(page, new_candidate):
    session_id = started_session(new_candidate)
    sign_in(page, new_candidate.email, new_candidate.password)
    expect(page).to_have_url(re.compile(r"/candidate$"))

    # The report of a running interview is refused (409), in words.
    page.goto(f"/candidate/interviews/{session_id}/summary")
    expect(page.get_by_test_id("error-message")).to_contain_text("The summary is ready once the interview is finalized")

    page.goto(f"/candidate/interviews/{session_id}/room")
    question = page.get_by_test_id("question-text")
    expect(question).to_be_visible()
    first = question.get_attribute("data-question-id")
    page.get_by_test_id("answer-text").fill(ANSWER)
    page.get_by_test_id("submit-answer").click()
    expect(page.get_by_test_id("feedback-score")).to_have_count(1)
    expect(question).not_to_have_attribute("data-question-id", first)
    second = question.get_attribute("data-question-id")
    second_text = question.inner_text()

    page.reload()
    expect(question).to_have_attribute("data-question-id", second)
    expect(question).to_have_text(second_text)
    # The clock is the server's: what the page shows matches the time left the API reports.
    expect(page.get_by_test_id("timer")).to_be_visible()
    shown = clock_seconds(page.get_by_test_id("timer").inner_text())
    server = new_candidate.call("GET", f"/interview/sessions/{session_id}/next-question")
    assert server["question"]["id"] == second
    assert abs(shown - server["remaining_seconds"]) <= 5
    # The first answer's feedback was not fetched again over HTTP: the stream replayed it.
    expect(page.get_by_test_id("feedback-score")).to_have_count(1)
    expect(page.get_by_test_id("connection-status")).to_have_attribute("data-status", "open")

    # Pausing stops the clock and the answer box; resuming brings both back.
    page.get_by_test_id("pause-interview").click()
    expect(page.get_by_test_id("paused-banner")).to_be_visible()
    expect(page.get_by_test_id("submit-answer")).to_be_disabled()
    assert new_candidate.call("GET", f"/interview/sessions/{session_id}")["status"] == "paused"
    page.get_by_test_id("resume-interview").click()
    expect(page.get_by_test_id("paused-banner")).to_be_hidden()
    expect(page.get_by_test_id("submit-answer")).to_be_enabled()

    # Finishing early gives the report of what was answered.
    page.get_by_test_id("finish-interview").click()
    expect(page).to_have_url(re.compile(rf"/candidate/interviews/{session_id}/summary$"))
    expect(page.get_by_test_id("answer-review")).to_have_count(1)


def test_someone_elses_interview_is_not_found(page, new_candidate, server_url):
    from tests.e2e.conftest import Account

    other = Account(server_url, "candidate")
    session_id = started_session(other)
    sign_in(page, new_candidate.email, new_candidate.password)
    expect(page).to_have_url(re.compile(r"/candidate$"))
    page.goto(f"/candidate/interviews/{session_id}/room")
    expect(page.get_by_test_id("error-message")).to_contain_text("Interview session not found")
