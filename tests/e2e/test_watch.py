"""A recruiter (here the demo admin) watches a candidate's running interview: the candidate's page
publishes camera and microphone over WebRTC to the server, the watcher's page receives the relayed video,
sees the current question and the integrity panel, and ends the interview, which the candidate sees."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import docs_screenshot, opened_page, screenshot, sign_in
from tests.e2e.test_interview import started_session

pytestmark = pytest.mark.browser


@pytest.fixture()
def second_page(chromium, server_url: str):
    with opened_page(chromium, server_url, 20_000) as page:
        yield page


def test_watcher_sees_relayed_video_and_ends_the_interview(page, second_page, new_candidate):
    session_id = started_session(new_candidate)
    sign_in(page, new_candidate.email, new_candidate.password)
    expect(page).to_have_url(re.compile(r"/candidate$"))
    page.goto(f"/candidate/interviews/{session_id}/room")
    expect(page.get_by_test_id("question-text")).to_be_visible()
    # The candidate's camera and microphone reach the server.
    expect(page.get_by_test_id("publishing")).to_be_visible(timeout=30_000)
    question = page.get_by_test_id("question-text").inner_text()

    watcher = second_page
    sign_in(watcher, "admin@candidatex.dev")
    expect(watcher).to_have_url(re.compile(r"/console$"))
    watcher.goto("/recruiter/live")
    card = watcher.get_by_test_id("live-sessions").locator("li").filter(has_text="Backend engineer").filter(has_text="Camera on")
    expect(card.first).to_be_visible()
    watcher.goto(f"/recruiter/watch/{session_id}")
    expect(watcher.get_by_test_id("watch-transcript")).to_contain_text(question)
    video = watcher.get_by_test_id("relayed-video").locator("video")
    expect(video).to_be_attached(timeout=30_000)
    watcher.wait_for_function(
        "() => { const v = document.querySelector('[data-testid=relayed-video] video');"
        " return v && v.videoWidth > 0 && v.currentTime > 0; }", timeout=30_000)
    expect(watcher.get_by_test_id("integrity-panel")).to_contain_text("Tamper check passed")
    screenshot(watcher, "recruiter-watch")
    docs_screenshot(watcher, "recruiter-watch")

    watcher.get_by_test_id("end-interview").click()
    expect(watcher.get_by_test_id("watch-ended")).to_contain_text("Terminated")
    expect(page.get_by_test_id("interview-terminated")).to_contain_text("The interviewer ended the interview")
    screenshot(page, "candidate-ended-by-recruiter")


VIDEO_STATE = ("() => { const v = document.querySelector('[data-testid=relayed-video] video');"
               " return v ? {w: v.videoWidth, t: v.currentTime, muted: v.muted, controls: v.controls} : null; }")


def test_watch_view_holds_up_after_a_reload(page, second_page, new_candidate):
    """Issue 15 item 7: after the watcher reloads, the relayed video plays again by itself (muted autoplay, with
    controls to unmute) and each warning appears once in the timeline (the stream replays warnings the
    integrity report already lists)."""
    session_id = started_session(new_candidate)
    sign_in(page, new_candidate.email, new_candidate.password)
    expect(page).to_have_url(re.compile(r"/candidate$"))
    page.goto(f"/candidate/interviews/{session_id}/room")
    expect(page.get_by_test_id("publishing")).to_be_visible(timeout=30_000)
    page.evaluate("() => document.dispatchEvent(new Event('copy'))")  # a strike: suspicious_input, 1 of 5
    expect(page.get_by_text(re.compile("Copying, pasting")).first).to_be_visible()

    watcher = second_page
    sign_in(watcher, "admin@candidatex.dev")
    expect(watcher).to_have_url(re.compile(r"/console$"))
    watcher.goto(f"/recruiter/watch/{session_id}")
    rows = watcher.get_by_test_id("timeline-event").filter(has_text="Suspicious input")
    expect(rows).to_have_count(1)
    for attempt in range(2):  # the first visit, then a reload
        if attempt:
            watcher.reload()
        watcher.wait_for_function(
            "() => { const v = document.querySelector('[data-testid=relayed-video] video');"
            " return v && v.videoWidth > 0 && v.currentTime > 0; }", timeout=30_000)
        first = watcher.evaluate(VIDEO_STATE)
        assert first["muted"] and first["controls"], first
        watcher.wait_for_function(  # frames keep coming: the clock advances
            f"() => document.querySelector('[data-testid=relayed-video] video').currentTime > {first['t'] + 0.5}",
            timeout=15_000)
        expect(watcher.get_by_test_id("timeline-event").filter(has_text="Suspicious input")).to_have_count(1)
    # after the report's next refresh (every 5 s) the row is still there once
    watcher.wait_for_timeout(6_000)
    expect(watcher.get_by_test_id("timeline-event").filter(has_text="Suspicious input")).to_have_count(1)
    screenshot(watcher, "recruiter-watch-after-reload")
