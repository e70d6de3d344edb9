"""A screening interview end to end in two browsers on real API data: the recruiter sends it from the
candidates list; the candidate reads the AI notice, consents and takes it with the fake camera and microphone
(no feedback shown); the recruiter watches it live in a second browser context, reviews the answers with their
evidence, decides with a reason; the candidate sees the outcome. Another recruiter and another candidate are
refused."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import Account, opened_page, screenshot, sign_in
from tests.e2e.test_interview import ANSWER, pass_precheck

pytestmark = pytest.mark.browser

RESUME = "\n".join([
    "Dana Developer", "dana@example.org", "", "Experience", "Backend Engineer, Northwind - Jan 2019 - Present",
    "Built Python services on Redis and MongoDB; ran them on Kubernetes.", "", "Skills", "Python, Redis, MongoDB",
])


@pytest.fixture()
def recruiter_page(chromium, server_url: str):
    with opened_page(chromium, server_url, 20_000) as page:
        yield page


def screening_stage_application(server_url: str) -> tuple[Account, Account, dict, str]:
    recruiter, candidate = Account(server_url, "recruiter"), Account(server_url, "candidate")
    job = recruiter.call("POST", "/jobs", json={
        "title": "Backend Engineer", "company": "Northwind", "publish": True, "required_skills": ["Python", "Redis"],
        "description": "Build and run Python services on Redis and MongoDB."})
    upload = candidate.api.post("/resume/upload", files={"data": ("cv.txt", RESUME.encode(), "text/plain")})
    resume_id = upload.json()["data"]["id"]
    for _ in range(600):
        if candidate.call("GET", f"/resume/{resume_id}")["status"] != "pending":
            break
        time.sleep(0.1)
    application = candidate.call("POST", f"/jobs/{job['id']}/apply", json={"resume_id": resume_id})
    recruiter.call("PATCH", f"/applications/{application['id']}", json={"status": "screening"})
    return recruiter, candidate, job, application["id"]


def test_send_consent_take_watch_review_decide_and_outcome(page, recruiter_page, server_url) -> None:
    recruiter, candidate, job, _ = screening_stage_application(server_url)
    # the recruiter sends it from the pipeline
    sign_in(recruiter_page, recruiter.email, recruiter.password)
    expect(recruiter_page).to_have_url(re.compile(r"/recruiter$"))
    recruiter_page.goto(f"/recruiter/jobs/{job['id']}")
    recruiter_page.get_by_test_id("send-screening").click()
    recruiter_page.get_by_test_id("screening-questions").fill("2")
    recruiter_page.get_by_test_id("screening-send").click()
    expect(recruiter_page.get_by_test_id("screening-send")).to_be_hidden()
    screening_id = recruiter.call("GET", "/screenings")[0]["id"]

    # the candidate finds it on the dashboard, reads the notice and consents
    sign_in(page, candidate.email, candidate.password)
    expect(page).to_have_url(re.compile(r"/candidate$"))
    page.get_by_test_id("my-screenings").get_by_test_id("open-screening").click()
    notice = page.get_by_test_id("ai-notice")
    expect(notice).to_contain_text("What an AI evaluates")
    expect(notice).to_contain_text("Who sees it")
    expect(page.get_by_test_id("notice-retention")).to_contain_text("days")
    screenshot(page, "screening-notice")
    page.get_by_test_id("consent-accept").click()
    expect(page).to_have_url(re.compile(r"/candidate/interviews/[0-9a-f]{24}/precheck$"))
    session_id = page.url.split("/")[-2]
    pass_precheck(page)
    question = page.get_by_test_id("question-text")
    expect(question).to_be_visible()
    expect(page.get_by_test_id("publishing")).to_be_visible(timeout=30_000)

    # the recruiter watches live in the other browser context (the live watch view)
    recruiter_page.goto(f"/recruiter/screenings/{screening_id}")
    recruiter_page.get_by_test_id("watch-live").click()
    expect(recruiter_page).to_have_url(re.compile(rf"/recruiter/watch/{session_id}$"))
    expect(recruiter_page.get_by_test_id("watch-transcript")).to_contain_text(question.inner_text())

    answered: list[str] = []
    for _ in range(6):  # two questions and any follow-ups
        if re.search(r"/summary$", page.url):
            break
        expect(question).to_be_visible()
        question_id = question.get_attribute("data-question-id")
        page.get_by_test_id("answer-text").fill(ANSWER)
        page.get_by_test_id("submit-answer").click()
        answered.append(question_id)
        expect(page.get_by_test_id("screening-no-feedback")).to_be_visible()
        expect(page.get_by_test_id("feedback-score")).to_have_count(0)  # no score while it runs
        page.wait_for_function(
            "([id]) => location.pathname.endsWith('/summary') ||"
            " document.querySelector('[data-testid=question-text]')?.dataset.questionId !== id", arg=[question_id])
    expect(page).to_have_url(re.compile(rf"/candidate/interviews/{session_id}/summary$"))

    # the recruiter reviews: answers with scores and evidence, then decides with a reason
    recruiter_page.goto(f"/recruiter/screenings/{screening_id}")
    expect(recruiter_page.get_by_test_id("review-question")).to_have_count(len(answered))
    expect(recruiter_page.get_by_test_id("question-score").first).to_have_text(re.compile(r"^\d+$"))
    expect(recruiter_page.get_by_test_id("review-answer").first).to_contain_text("N+1 query")
    expect(recruiter_page.get_by_test_id("ai-recommendation")).to_have_text(re.compile(r"Advance|Do not advance"))
    recruiter_page.get_by_test_id("note-text").fill("Clear STAR structure")
    recruiter_page.get_by_test_id("note-submit").click()
    expect(recruiter_page.get_by_test_id("screening-note")).to_contain_text("Clear STAR structure")
    recruiter_page.get_by_test_id("decision-outcome").select_option("advance")
    recruiter_page.get_by_test_id("decision-reason").fill("Measured the latency problem before fixing it")
    recruiter_page.get_by_test_id("decision-submit").click()
    expect(recruiter_page.get_by_test_id("decision-made")).to_have_attribute("data-outcome", "advance")
    expect(recruiter_page.get_by_test_id("decision-log-row")).to_have_count(1)
    screenshot(recruiter_page, "screening-review")
    recruiter_page.goto(f"/recruiter/jobs/{job['id']}/screenings")
    expect(recruiter_page.get_by_test_id("compare-row")).to_have_count(1)
    expect(recruiter_page.get_by_test_id("compare-decision")).to_have_text("Advance")

    # the candidate sees the outcome, their answers and asks for a human review
    page.goto(f"/candidate/screenings/{screening_id}")
    expect(page.get_by_test_id("screening-outcome")).to_have_attribute("data-outcome", "advance")
    expect(page.get_by_test_id("screening-answer")).to_have_count(len(answered))
    page.get_by_test_id("human-review-comment").fill("Please have a person read my second answer")
    page.get_by_test_id("human-review-submit").click()
    expect(page.get_by_test_id("human-review-sent")).to_be_visible()


def test_other_recruiters_and_candidates_are_refused(page, recruiter_page, server_url) -> None:
    recruiter, candidate, _, application_id = screening_stage_application(server_url)
    screening = recruiter.call("POST", f"/applications/{application_id}/screening", json={"question_count": 2})
    stranger, other_candidate = Account(server_url, "recruiter"), Account(server_url, "candidate")
    sign_in(recruiter_page, stranger.email, stranger.password)
    expect(recruiter_page).to_have_url(re.compile(r"/recruiter$"))
    recruiter_page.goto(f"/recruiter/screenings/{screening['id']}")
    expect(recruiter_page.get_by_test_id("error-message")).to_contain_text(re.compile("not found", re.I))
    expect(recruiter_page.get_by_test_id("review-answers")).to_have_count(0)
    sign_in(page, other_candidate.email, other_candidate.password)
    expect(page).to_have_url(re.compile(r"/candidate$"))
    expect(page.get_by_test_id("my-screenings")).to_have_count(0)
    page.goto(f"/candidate/screenings/{screening['id']}")
    expect(page.get_by_test_id("error-message")).to_contain_text(re.compile("not found", re.I))
    expect(page.get_by_test_id("consent-accept")).to_have_count(0)
