"""Voice interviews in a real Chromium whose fake microphone plays answers spoken by espeak-ng.

The phone page `/m/voice` runs the interview hands-free: it reads the question aloud, streams the microphone over
WS /interview/{id}/audio, the server hears the end of the answer (here the candidate says "that's my answer"),
saves and scores it against the question on screen, and the next question follows with no tap. The room test
sends the microphone over WebRTC. The fake microphone loops its file: every loop is the answer to the next
question."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, docs_screenshot, launch_chromium, opened_page, screenshot, sign_in

pytestmark = pytest.mark.browser

HANDS_FREE_ANSWER = ("In my last job I led a team of four engineers, and we moved our billing service to Python. "
                     "The latency fell by half. That's my answer.")


@pytest.fixture(scope="module")
def voice_browser(chromium, tmp_path_factory: pytest.TempPathFactory, fake_media: dict[str, Path]):
    """A second Chromium of the same Playwright, whose microphone says an answer that ends in words, then waits."""
    folder = tmp_path_factory.mktemp("voice-media")
    speech, audio = folder / "speech.wav", folder / "answer.wav"
    subprocess.run(["espeak-ng", "-s", "150", "-w", str(speech), HANDS_FREE_ANSWER], check=True, capture_output=True)
    subprocess.run(["sox", str(speech), "-r", "48000", str(audio), "pad", "0.5", "6.0"], check=True, capture_output=True)
    browser = launch_chromium(chromium.browser_type, fake_media["video"], audio)
    yield browser
    browser.close()


@pytest.fixture()
def voice_phone(voice_browser, server_url: str):
    with opened_page(voice_browser, server_url, **PHONE, permissions=["microphone"]) as page:
        yield page


def test_a_hands_free_phone_interview_answers_question_after_question(voice_phone, new_candidate):
    phone = voice_phone
    phone.set_default_timeout(60_000)  # the first transcription loads the speech model
    sign_in(phone, new_candidate.email, new_candidate.password)
    expect(phone).to_have_url(re.compile(r"/candidate$"))
    phone.goto("/m/voice")
    phone.get_by_test_id("voice-job-title").fill("Backend engineer")
    phone.get_by_test_id("voice-create").click()
    expect(phone).to_have_url(re.compile(r"/m/voice/[0-9a-f]{24}$"))
    session_id = phone.url.rsplit("/", 1)[1]
    phone.get_by_test_id("voice-begin").click()

    question = phone.get_by_test_id("question-text")
    expect(question).to_have_attribute("data-question-id", re.compile(".+"))
    first = question.get_attribute("data-question-id")
    state = phone.get_by_test_id("voice-state")
    done = phone.get_by_test_id("done-button")
    box = done.bounding_box()
    assert box and box["width"] >= 96 and box["height"] >= 96, "the Done button must be easy to hit"
    # No tap: the page reads the question, then listens.
    expect(state).to_have_attribute("data-state", "listening", timeout=30_000)
    expect(state).to_contain_text("Listening")
    screenshot(phone, "phone-voice-listening")
    docs_screenshot(phone, "phone-voice")

    expect(phone.get_by_test_id("live-transcript")).to_contain_text(re.compile("team|engineers|billing|latency", re.I),
                                                                   timeout=90_000)
    # "That's my answer" ends the turn: the answer is saved, scored, and the next question is read out.
    expect(question).not_to_have_attribute("data-question-id", first, timeout=90_000)
    expect(phone.get_by_test_id("feedback-score")).to_have_count(1, timeout=60_000)
    screenshot(phone, "phone-voice-feedback")
    # The next question is read out and the page listens again, with no tap.
    expect(state).to_have_attribute("data-state", re.compile("speaking|listening"), timeout=30_000)

    answers = new_candidate.call("GET", f"/interview/sessions/{session_id}")["answers"]
    assert answers[0]["question_id"] == first, "the answer is filed against the question on screen"
    assert all(a["type"] == "voice" for a in answers)
    assert re.search("team|engineers|billing", answers[0]["content"], re.I)
    assert "my answer" not in answers[0]["content"].lower(), "the words that hand the turn back are not the answer"


def test_spoken_answer_in_the_room_goes_over_webrtc(voice_browser, server_url, new_candidate):
    """In the interview room the microphone is already published over WebRTC, muted; "Start speaking" unmutes
    it, the server hears the end of the answer, and the transcript, feedback and next question come back on the
    interview stream."""
    from tests.e2e.test_interview import started_session

    context = voice_browser.new_context(base_url=server_url, viewport={"width": 1280, "height": 860},
                                        permissions=["camera", "microphone"])
    page = context.new_page()
    page.set_default_timeout(15_000)
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
    expect(question).not_to_have_attribute("data-question-id", first, timeout=90_000)
    expect(page.get_by_test_id("feedback-score")).to_have_count(1)
    answers = new_candidate.call("GET", f"/interview/sessions/{session_id}")["answers"]
    assert answers[0]["question_id"] == first and answers[0]["type"] == "voice"
    assert re.search("team|engineers|billing", answers[0]["content"], re.I)
    screenshot(page, "room-voice-answer")
    context.close()
