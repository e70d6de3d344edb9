"""Precheck with Chromium's fake camera and microphone against the real interview API, and the phone voice page
as an installable PWA."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser


def test_start_enables_only_after_every_check_passes(page, new_candidate):
    session = new_candidate.call("POST", "/interview/sessions", json={
        "job_title": "Backend engineer", "job_description": "Python services", "question_count": 2})
    session_id = session["session_id"]
    sign_in(page, new_candidate.email, new_candidate.password)
    expect(page).to_have_url(re.compile(r"/candidate$"))
    page.goto(f"/candidate/interviews/{session_id}/precheck")

    start = page.get_by_test_id("start-interview")
    expect(page.get_by_test_id("check-camera")).to_have_attribute("data-passed", "true")
    # The fake microphone plays speech, which must move the level meter.
    expect(page.get_by_test_id("check-microphone")).to_have_attribute("data-passed", "true")
    expect(page.get_by_test_id("check-screens")).to_have_attribute("data-passed", "true")
    expect(start).to_be_disabled()

    page.get_by_test_id("play-tone").click()
    page.get_by_test_id("heard-tone").click()
    expect(page.get_by_test_id("check-speaker")).to_have_attribute("data-passed", "true")
    expect(start).to_be_disabled()

    page.get_by_test_id("enter-fullscreen").click()
    expect(page.get_by_test_id("check-fullscreen")).to_have_attribute("data-passed", "true")
    expect(start).to_be_enabled()
    screenshot(page, "precheck-passed")

    page.evaluate("document.exitFullscreen()")
    expect(start).to_be_disabled()
    assert new_candidate.call("GET", f"/interview/sessions/{session_id}")["status"] == "setup"

    page.get_by_test_id("enter-fullscreen").click()
    start.click()
    expect(page).to_have_url(re.compile(rf"/candidate/interviews/{session_id}/room$"))
    stored = new_candidate.call("GET", f"/interview/sessions/{session_id}")
    assert stored["status"] == "active"
    assert stored["precheck_result"]["passed"] is True
    # Coming back to the precheck of a running interview leads back to the room.
    page.goto(f"/candidate/interviews/{session_id}/precheck")
    expect(page.get_by_test_id("precheck-not-needed")).to_contain_text("already running")


def test_phone_voice_page_is_an_installable_app(phone, new_candidate):
    sign_in(phone, new_candidate.email, new_candidate.password)
    expect(phone).to_have_url(re.compile(r"/candidate$"))
    phone.goto("/m/voice")
    expect(phone.get_by_role("heading", name="Voice interview")).to_be_visible()
    start = phone.get_by_test_id("voice-create")
    box = start.bounding_box()
    assert box and box["height"] >= 48, "the main action must be a comfortable touch target"
    screenshot(phone, "phone-voice-start")

    manifest = phone.evaluate("fetch(document.querySelector('link[rel=manifest]').href).then(r => r.json())")
    assert manifest["display"] == "standalone"
    assert {"192x192", "512x512"} <= {icon["sizes"] for icon in manifest["icons"]}
    registered = phone.evaluate("navigator.serviceWorker.ready.then(r => r.active.scriptURL)")
    assert registered.endswith("/sw.js")
