"""Chrome's "Duplicate tab" copies the tab's sessionStorage, its anti-cheat tab id and signal numbers with it.
The duplicate must still be a tab of its own: the server sees a second tab (a reviewable flag) and rejects none of
either tab's signals as replays. A reload stays the same tab: no flag."""

from __future__ import annotations

import json
import re
import time

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.e2e.test_interview import started_session

pytestmark = pytest.mark.browser

TAB_STORE = "candidatex.signal-tab"


def signal_results(server_url: str) -> dict[str, float]:
    """The server's counts of signals by result (accepted, replay, gap, forgery, ...)."""
    text = httpx.get(f"{server_url}/metrics", timeout=10).text
    return {m.group(1): float(m.group(2))
            for m in re.finditer(r'^candidatex_anticheat_signals_total\{result="([a-z_]+)"\} ([0-9.e+]+)$', text, re.M)}


def heartbeats_accepted(server_url: str, more_than: float) -> None:
    """Waits (bounded) until the server accepted more signals than ``more_than``."""
    for _ in range(60):
        if signal_results(server_url).get("accepted", 0) > more_than:
            return
        time.sleep(1)
    raise AssertionError("no signal was accepted within 60 s")


def test_duplicated_tab_is_a_second_tab_not_a_replay(page, new_candidate, server_url):
    session_id = started_session(new_candidate)
    sign_in(page, new_candidate.email, new_candidate.password)
    expect(page).to_have_url(re.compile(r"/candidate$"))
    room = f"/candidate/interviews/{session_id}/room"
    page.goto(room)
    expect(page.get_by_test_id("question-text")).to_be_visible()
    page.wait_for_function(f"() => !!sessionStorage.getItem({json.dumps(TAB_STORE)})", timeout=30_000)
    first_tab = page.evaluate(f"() => sessionStorage.getItem({json.dumps(TAB_STORE)})")

    # A reload is the same tab: same id, its numbers continue, no flag.
    before = signal_results(server_url)
    page.reload()
    expect(page.get_by_test_id("question-text")).to_be_visible()
    heartbeats_accepted(server_url, before.get("accepted", 0) + 1)
    assert page.evaluate(f"() => sessionStorage.getItem({json.dumps(TAB_STORE)})") == first_tab
    assert "second_tab" not in (new_candidate.call("GET", f"/interview/sessions/{session_id}")["strike_counts"] or {})

    # "Duplicate tab": a second page of the same browser that starts with a copy of the first one's sessionStorage.
    storage = page.evaluate("() => JSON.stringify(Object.assign({}, sessionStorage))")
    duplicate = page.context.new_page()
    duplicate.add_init_script(f"""(() => {{
        if (sessionStorage.getItem("candidatex.duplicated")) return;
        for (const [key, value] of Object.entries({storage})) sessionStorage.setItem(key, value);
        sessionStorage.setItem("candidatex.duplicated", "1");
    }})()""")
    before = signal_results(server_url)
    duplicate.goto(room)
    expect(duplicate.get_by_test_id("question-text")).to_be_visible()
    duplicate.wait_for_function(
        f"() => sessionStorage.getItem({json.dumps(TAB_STORE)}) !== {json.dumps(first_tab)}", timeout=30_000)

    # Both tabs keep sending heartbeats (every 5 s); the server counts the second tab once, for review.
    for _ in range(60):
        counts = new_candidate.call("GET", f"/interview/sessions/{session_id}")["strike_counts"] or {}
        if counts.get("second_tab"):
            break
        duplicate.wait_for_timeout(1000)
    assert counts.get("second_tab") == 1, counts
    heartbeats_accepted(server_url, signal_results(server_url).get("accepted", 0) + 2)
    after = signal_results(server_url)
    for problem in ("replay", "forgery"):
        assert after.get(problem, 0) == before.get(problem, 0), (problem, before, after)
    stored = new_candidate.call("GET", f"/interview/sessions/{session_id}")
    assert stored["status"] == "active"
    duplicate.close()
