"""A live interview: a recruiter schedules it for a candidate; both open the live page, each sees the other's
camera relayed by the server, they chat, and the recruiter ends it, which the candidate sees."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DEMO_PASSWORD, opened_page, screenshot, sign_in

pytestmark = pytest.mark.browser

VIDEO_PLAYING = ("() => { const v = document.querySelector('[data-testid=remote-video] video');"
                 " return !!v && v.videoWidth > 0 && v.currentTime > 0; }")


@pytest.fixture()
def recruiter_page(chromium, server_url: str):
    with opened_page(chromium, server_url, 20_000, permissions=["camera", "microphone"]) as page:
        yield page


def test_live_interview_video_both_ways_chat_and_end(page, recruiter_page, new_candidate, server_url):
    errors: list[str] = []
    for each in (page, recruiter_page):
        each.on("pageerror", lambda error: errors.append(str(error)))
    login = httpx.post(f"{server_url}/auth/login", timeout=30,
                       json={"email": "recruiter@candidatex.dev", "password": DEMO_PASSWORD}).json()["data"]
    scheduled = httpx.post(f"{server_url}/interview/sessions", timeout=30,
                           headers={"Authorization": f"Bearer {login['access_token']}"},
                           json={"type": "live", "job_title": "Platform engineer", "candidate_id": new_candidate.id,
                                 "job_description": "Live technical conversation", "mode": "technical"})
    assert scheduled.status_code == 201, scheduled.text
    session_id = scheduled.json()["data"]["session_id"]

    sign_in(recruiter_page, "recruiter@candidatex.dev")
    expect(recruiter_page).to_have_url(re.compile(r"/recruiter$"))
    recruiter_page.goto("/recruiter/interviews")
    row = recruiter_page.get_by_test_id("interview-row").filter(has_text="Platform engineer")
    expect(row).to_contain_text("E2E Candidate")  # the API sends the candidate's name, not the "Candidate" fallback
    row.get_by_test_id("join-live").click()
    expect(recruiter_page).to_have_url(re.compile(rf"/live/{session_id}$"))
    expect(recruiter_page.get_by_test_id("live-status")).to_have_text("Connected")

    sign_in(page, new_candidate.email, new_candidate.password)
    expect(page).to_have_url(re.compile(r"/candidate$"))
    page.get_by_test_id("upcoming-sessions").get_by_role("link", name=re.compile("Continue")).click()
    expect(page).to_have_url(re.compile(rf"/live/{session_id}$"))
    # the live interview is proctored: the candidate reads the notice and agrees before joining
    expect(page.get_by_test_id("proctoring-notice")).to_be_visible()
    page.get_by_test_id("live-agree").click()
    expect(page.get_by_test_id("live-status")).to_have_text("Connected")

    # Each side receives the other's camera through the server's relay.
    page.wait_for_function(VIDEO_PLAYING, timeout=40_000)
    recruiter_page.wait_for_function(VIDEO_PLAYING, timeout=40_000)

    recruiter_page.get_by_test_id("chat-input").fill("Hello! Can you hear me?")
    recruiter_page.get_by_test_id("chat-send").click()
    expect(page.get_by_test_id("chat-messages")).to_contain_text("Hello! Can you hear me?")
    page.get_by_test_id("chat-input").fill("Yes, loud and clear.")
    page.get_by_test_id("chat-send").click()
    expect(recruiter_page.get_by_test_id("chat-messages")).to_contain_text("Yes, loud and clear.")
    screenshot(recruiter_page, "live-interview-recruiter")
    screenshot(page, "live-interview-candidate")

    recruiter_page.get_by_test_id("end-interview").click()
    expect(page.get_by_test_id("live-ended")).to_be_visible()
    expect(recruiter_page.get_by_test_id("live-ended")).to_be_visible()
    chat = httpx.get(f"{server_url}/interview/sessions/{session_id}", timeout=30,
                     headers={"Authorization": f"Bearer {new_candidate.token}"}).json()["data"]
    assert chat["status"] == "terminated"
    assert [message["text"] for message in chat["chat"]] == ["Hello! Can you hear me?", "Yes, loud and clear."]
    assert errors == []
