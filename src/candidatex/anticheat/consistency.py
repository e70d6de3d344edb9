"""Heartbeats cross-checked with the events a page sends: contents that contradict the page's own reports.

The page (frontend/src/lib/signals.ts) reports every change of state as it happens: hiding the tab
(``tab_switch``), focus leaving the window (``window_blur``), leaving full screen (``fullscreen_exit`` with
``phase: left``, then ``returned`` or ``expired``) and a new second screen (``second_screen``, sent just before
the heartbeat that shows it). So between two heartbeats of one page load a change of state always comes with
its event. A heartbeat that shows a change without it means that events were filtered out while the heartbeat
got through: the page was modified. Only changes are compared; a page that was never in full screen (a live
interview) or never had focus (a window opened in the background) contradicts nothing.

A page does not report coming back (focus regained, tab shown again), so "focused after a blur" is normal and
never checked. Comparisons run within one page load (``data.page``, a random id per load of the page): a reload
leaves full screen without an event, and the new page starts a fresh comparison. Signals without ``tab`` (older
pages, the phone client) are not cross-checked.

The state of each tab is a few integers kept beside its sequence in ``signal_tabs`` (stored with the log).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Any

# what happened since the tab's last heartbeat (a bit mask in the tab's state)
HIDDEN, BLURRED, LEFT_FULLSCREEN, SECOND_SCREEN = 1, 2, 4, 8
# how long past the full-screen grace period a page may take to send "expired" (timers in a busy or
# background tab run late; two heartbeats is generous)
EXPIRED_SLACK_MS = 10_000


@dataclass(frozen=True, slots=True)
class Contradiction:
    rule: str
    evidence: dict[str, Any]


def _flag(value: Any) -> int | None:
    return int(value) if isinstance(value, bool) else None


def cross_check(state: dict[str, int], kind: str, data: dict[str, Any], now_ms: int,
                grace_ms: int) -> list[Contradiction]:
    """Update one tab's ``state`` with a verified signal and return what a heartbeat contradicts."""
    if kind == "tab_switch":
        state["ev"] = state.get("ev", 0) | HIDDEN
    elif kind == "window_blur":
        state["ev"] = state.get("ev", 0) | BLURRED
    elif kind == "second_screen":
        state["ev"] = state.get("ev", 0) | SECOND_SCREEN
    elif kind == "fullscreen_exit":
        phase = data.get("phase")
        if phase == "left":
            state["ev"] = state.get("ev", 0) | LEFT_FULLSCREEN
            state["lo"] = now_ms
        else:  # returned, expired (or an older page's exit without a phase): the exit is resolved
            state["lo"] = 0
    if kind != "heartbeat":
        return []
    return _heartbeat(state, data, now_ms, grace_ms)


def _heartbeat(state: dict[str, int], data: dict[str, Any], now_ms: int, grace_ms: int) -> list[Contradiction]:
    page = data.get("page")
    page_id = (zlib.crc32(page.encode()) & 0x7FFFFFFF or 1) if isinstance(page, str) else 0  # same in every worker
    same_page = page_id != 0 and state.get("pg") == page_id
    events = state.get("ev", 0)
    visible, focused, fullscreen = _flag(data.get("visible")), _flag(data.get("focused")), _flag(data.get("fullscreen"))
    screens = data.get("screens") if isinstance(data.get("screens"), int) else None
    found: list[Contradiction] = []
    if same_page:
        if state.get("vi") == 1 and visible == 0 and not events & HIDDEN:
            found.append(Contradiction("hidden_without_tab_switch", {
                "rule": "the heartbeat says the tab became hidden, but no tab_switch was reported since the last one"}))
        if state.get("fo") == 1 and focused == 0 and visible == 1 and not events & (HIDDEN | BLURRED):
            found.append(Contradiction("unfocused_without_blur", {
                "rule": "the heartbeat says focus left the window, but no window_blur was reported since the last one"}))
        if state.get("fs") == 1 and fullscreen == 0 and not events & LEFT_FULLSCREEN:
            found.append(Contradiction("fullscreen_left_unreported", {
                "rule": "the heartbeat says full screen was left, but no fullscreen_exit was reported"}))
        if screens is not None and screens > 1 and screens != state.get("sc") and not events & SECOND_SCREEN:
            found.append(Contradiction("screens_changed_unreported", {
                "screens": screens, "before": state.get("sc"),
                "rule": "the heartbeat counts another screen, but no second_screen signal was reported"}))
    left_at = state.get("lo", 0)
    if left_at and fullscreen == 1:
        # out of full screen (reported), now claimed back in full screen without "returned" or "expired"
        found.append(Contradiction("fullscreen_claimed_after_exit", {
            "rule": "the heartbeat claims full screen while the reported exit was never resolved"}))
        state["lo"] = 0
    elif left_at and fullscreen == 0 and now_ms - left_at > grace_ms + EXPIRED_SLACK_MS:
        found.append(Contradiction("grace_expired_unreported", {
            "away_s": round((now_ms - left_at) / 1000, 1), "grace_s": round(grace_ms / 1000, 1),
            "rule": "out of full screen past the grace period, but the page never reported it as expired"}))
        state["lo"] = 0  # once per exit
    state.update(ev=0, pg=page_id)
    for key, value in (("vi", visible), ("fo", focused), ("fs", fullscreen), ("sc", screens)):
        if value is not None:
            state[key] = value
    return found
