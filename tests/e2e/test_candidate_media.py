"""Precheck with Chromium's fake camera and microphone, and the phone voice page as an installable PWA.

The interview-session API is not on main yet, so these tests answer the few /interview calls in the
browser (page.route) with the contract's envelope; sign-in, media devices, fullscreen and the service
worker are all real. Replace the routes with the real API when interviews/ lands.
"""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Route, expect

from tests.e2e.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser

SESSION = {
    "session_id": "demo-session", "type": "ai_mock", "mode": "behavioral", "status": "setup",
    "job_title": "Backend engineer", "job_description": "Python services", "experience_level": "mid",
    "question_count": 5, "duration_minutes": 30, "focus_areas": [],
}


def envelope(data) -> str:
    return json.dumps({"success": True, "data": data, "message": None, "timestamp": "2025-01-01T00:00:00Z"})


def serve_session_api(page, calls: list[str]) -> None:
    def handle(route: Route) -> None:
        path = route.request.url.split("/interview/sessions", 1)[1].split("?")[0]
        calls.append(f"{route.request.method} {path}")
        if path == "":
            route.fulfill(content_type="application/json",
                          body=envelope({"items": [SESSION], "total": 1, "page": 1, "limit": 20, "pages": 1}))
        else:
            route.fulfill(content_type="application/json", body=envelope(SESSION))

    page.route(re.compile(r".*/interview/sessions.*"), handle)


def test_start_enables_only_after_every_check_passes(page):
    calls: list[str] = []
    sign_in(page, "candidate@candidatex.dev")
    expect(page).to_have_url(re.compile(r"/candidate$"))
    serve_session_api(page, calls)
    page.evaluate("window.history.pushState({}, '', '/candidate/interviews/demo-session/precheck');"
                  "window.dispatchEvent(new PopStateEvent('popstate'))")

    start = page.get_by_test_id("start-interview")
    expect(page.get_by_test_id("check-camera")).to_have_attribute("data-passed", "true")
    # The fake microphone plays a beep, which must move the level meter.
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

    page.get_by_test_id("enter-fullscreen").click()
    start.click()
    expect(page).to_have_url(re.compile(r"/candidate/interviews/demo-session/room$"))
    assert "POST /demo-session/precheck" in calls
    assert "POST /demo-session/start" in calls


def test_phone_voice_page_is_an_installable_app(phone, server_url):
    calls: list[str] = []
    sign_in(phone, "candidate@candidatex.dev")
    expect(phone).to_have_url(re.compile(r"/candidate$"))
    serve_session_api(phone, calls)
    phone.evaluate("window.history.pushState({}, '', '/m/voice'); window.dispatchEvent(new PopStateEvent('popstate'))")
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
