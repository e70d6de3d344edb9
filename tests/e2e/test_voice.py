"""A voice answer on the phone page: Chromium's fake microphone plays an answer spoken by espeak-ng, the page
streams it over WS /interview/{id}/audio, faster-whisper transcribes it on the server, and the answer is saved,
scored and followed by the next question. The page is phone-sized, with big touch targets."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import docs_screenshot, screenshot, sign_in

pytestmark = pytest.mark.browser


def test_spoken_answer_on_the_phone_is_transcribed_saved_and_scored(phone, new_candidate):
    phone.set_default_timeout(60_000)  # the first transcription loads the speech model
    sign_in(phone, new_candidate.email, new_candidate.password)
    expect(phone).to_have_url(re.compile(r"/candidate$"))
    phone.goto("/m/voice")
    phone.get_by_test_id("voice-job-title").fill("Backend engineer")
    phone.get_by_test_id("voice-create").click()
    expect(phone).to_have_url(re.compile(r"/m/voice/[0-9a-f]{24}$"))
    phone.get_by_test_id("voice-begin").click()

    question = phone.get_by_test_id("question-text")
    expect(question).not_to_have_text("Preparing your question…")
    first = question.inner_text()
    record = phone.get_by_test_id("record-button")
    box = record.bounding_box()
    assert box and box["width"] >= 96 and box["height"] >= 96, "the record button must be easy to hit"
    screenshot(phone, "phone-voice-question")
    docs_screenshot(phone, "phone-voice")

    record.click()
    expect(record).to_have_attribute("aria-pressed", "true")
    # The spoken words come back as text (partials while speaking, then the final transcript).
    expect(phone.get_by_test_id("live-transcript")).to_contain_text(re.compile("team|engineers|billing|latency", re.I),
                                                                   timeout=60_000)
    # The silence after the spoken answer ends it: the server saves it and scores it.
    expect(phone.get_by_test_id("feedback").filter(has=phone.get_by_test_id("feedback-score"))).to_have_count(1,
                                                                                                        timeout=60_000)
    expect(question).not_to_have_text(first, timeout=30_000)
    screenshot(phone, "phone-voice-feedback")


def test_spoken_answer_in_the_room_goes_over_webrtc(page, new_candidate):
    """In the interview room the microphone is already published over WebRTC, muted; "Start speaking" unmutes
    it, the server cuts the answer at the silence, and the transcript, feedback and next question come back on
    the interview stream."""
    from tests.e2e.test_interview import started_session

    session_id = started_session(new_candidate)
    sign_in(page, new_candidate.email, new_candidate.password)
    expect(page).to_have_url(re.compile(r"/candidate$"))
    page.goto(f"/candidate/interviews/{session_id}/room")
    question = page.get_by_test_id("question-text")
    expect(question).to_be_visible()
    first = question.get_attribute("data-question-id")
    expect(page.get_by_test_id("publishing")).to_be_visible(timeout=30_000)
    # Muted while the candidate types: nothing said so far became an answer.
    assert new_candidate.call("GET", f"/interview/sessions/{session_id}")["answers"] == []

    page.get_by_test_id("answer-mode-voice").click()
    page.get_by_test_id("record-button").click()
    expect(page.get_by_test_id("live-transcript")).to_contain_text(re.compile("team|engineers|billing|latency", re.I),
                                                                  timeout=60_000)
    expect(question).not_to_have_attribute("data-question-id", first, timeout=60_000)
    expect(page.get_by_test_id("feedback-score")).to_have_count(1)
    answers = new_candidate.call("GET", f"/interview/sessions/{session_id}")["answers"]
    assert answers[0]["question_id"] == first and answers[0]["type"] == "voice"
    assert re.search("team|engineers|billing", answers[0]["content"], re.I)
    screenshot(page, "room-voice-answer")
