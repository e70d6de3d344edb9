"""Heartbeats cross-checked with the page's own events: honest pages contradict nothing, filtered events do."""

from __future__ import annotations

from typing import Any

from candidatex.anticheat.consistency import cross_check

GRACE_MS = 10_000


def beat(page: str = "p1", *, visible: bool = True, focused: bool = True, fullscreen: bool = True,
         screens: int = 1) -> tuple[str, dict[str, Any]]:
    return "heartbeat", {"page": page, "visible": visible, "focused": focused, "fullscreen": fullscreen,
                         "screens": screens}


def run(signals: list[tuple[str, dict[str, Any]]], step_ms: int = 5000) -> list[str]:
    state: dict[str, int] = {}
    found = []
    for i, (kind, data) in enumerate(signals):
        found += [c.rule for c in cross_check(state, kind, data, 1_000_000 + i * step_ms, GRACE_MS)]
    return found


def test_an_honest_page_contradicts_nothing() -> None:
    assert run([beat(), ("tab_switch", {}), beat(visible=False, focused=False), beat(),  # hidden, then back
                ("window_blur", {}), beat(focused=False), beat(),  # another window, then back (not reported)
                ("fullscreen_exit", {"phase": "left"}), beat(fullscreen=False),
                ("fullscreen_exit", {"phase": "returned"}), beat(),
                ("fullscreen_exit", {"phase": "left"}), beat(fullscreen=False), ("fullscreen_exit", {"phase": "expired"}),
                beat(fullscreen=False), beat(fullscreen=False), beat(),  # back after the grace: no signal
                ("second_screen", {"screens": 2}), beat(screens=2), beat(screens=1)]) == []
    # never in full screen (a live interview) or never focused (opened in the background): nothing changes
    assert run([beat(fullscreen=False, focused=False)] * 5) == []
    # a reload leaves full screen without an event: the new page load starts a fresh comparison
    assert run([beat("p1"), beat("p2", fullscreen=False)]) == []


def test_changes_without_their_event_are_contradictions() -> None:
    assert run([beat(), beat(visible=False, focused=False)]) == ["hidden_without_tab_switch"]
    assert run([beat(), beat(focused=False)]) == ["unfocused_without_blur"]
    assert run([beat(), beat(fullscreen=False)]) == ["fullscreen_left_unreported"]
    assert run([beat(), beat(screens=2)]) == ["screens_changed_unreported"]
    # a reported exit, then the heartbeat claims full screen with neither "returned" nor "expired"
    assert run([beat(), ("fullscreen_exit", {"phase": "left"}), beat()]) == ["fullscreen_claimed_after_exit"]
    # out of full screen for 30 s and the page never sent "expired" (flagged once per exit)
    assert run([beat(), ("fullscreen_exit", {"phase": "left"}), *[beat(fullscreen=False)] * 6],
               step_ms=5000) == ["grace_expired_unreported"]


def test_heartbeats_without_a_page_id_are_compared_only_for_full_screen_exits() -> None:
    old = {"visible": True, "focused": True, "fullscreen": True, "screens": 1}
    assert run([("heartbeat", old), ("heartbeat", {**old, "visible": False, "fullscreen": False})]) == []
    assert run([("fullscreen_exit", {"phase": "left"}), ("heartbeat", old)]) == ["fullscreen_claimed_after_exit"]
