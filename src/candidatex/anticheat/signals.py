"""Browser signals: authenticated, ordered events from the candidate's page.

At session start the server issues a random per-session key (:func:`new_session_key`) to the page.
Every signal carries a sequence number (1, 2, 3, ...) and ``hmac`` = hex HMAC-SHA256 under that key
over the canonical JSON of ``{"data", "kind", "seq", "session_id", "ts"}`` (keys sorted, no
whitespace, UTF-8; see :func:`canonical_signal`). In the browser that is
``JSON.stringify`` of an object built with those keys in that order (and sorted keys inside
``data``), signed with WebCrypto. ``ts`` is the client clock in epoch milliseconds (an integer).

:class:`SignalVerifier` checks the MAC before anything else, so a forged event can never move the
sequence. Then:

* ``seq <= last``: a *replay* (or a duplicate after a reconnect): rejected.
* ``seq > last + 1``: a *gap*: events were lost or suppressed. The event itself is authentic and is
  accepted (and the sequence advances), because rejecting it would let a client dodge a strike
  simply by skipping a number; the missing numbers are reported so the gap is logged as its own
  integrity event and counts in the risk score.

**Tabs.** A page may name its tab (``tab``: a random id the tab keeps in its sessionStorage). A tab's
signals are signed with the tab's own key, :func:`tab_key` (HMAC of ``"tab:" + tab`` under the session
key), and numbered 1, 2, 3, ... per tab, so a second tab of the same session is not a replay of the
first. A new tab while another tab of the session was heard within ``tab_live_ms`` is a *second tab*
(:attr:`SignalVerdict.second_tab`): the page is open twice, which a reviewer should see. Signals
without ``tab`` (older pages, the phone client) keep the one per-session sequence.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, Field

SignalKind = Literal[
    "heartbeat",
    "tab_switch",
    "fullscreen_exit",
    "window_blur",
    "copy",
    "paste",
    "right_click",
    "devtools",
    "second_screen",
    "typing_cadence",
    "paste_burst",
]

SESSION_KEY_BYTES = 32
TAB_PATTERN = r"^[A-Za-z0-9_-]{8,64}$"
MAX_TABS = 32  # tabs remembered per session: a page opening tabs without end cannot grow the document


class ClientSignal(BaseModel):
    kind: SignalKind
    seq: int = Field(ge=1)
    ts: int = Field(ge=0, description="client clock, epoch milliseconds")
    data: dict[str, Any] = Field(default_factory=dict)
    hmac: str = Field(min_length=64, max_length=64)
    tab: str | None = Field(default=None, pattern=TAB_PATTERN)


def new_session_key() -> bytes:
    return secrets.token_bytes(SESSION_KEY_BYTES)


def tab_key(session_key: bytes, tab: str) -> bytes:
    """The tab's signal key: the UTF-8 of hex HMAC-SHA256(session key, "tab:" + tab), as the page derives it."""
    return hmac.new(session_key, b"tab:" + tab.encode(), hashlib.sha256).hexdigest().encode()


def canonical_signal(session_id: str, seq: int, kind: str, ts: int, data: dict[str, Any],
                     tab: str | None = None) -> bytes:
    payload: dict[str, Any] = {"data": data, "kind": kind, "seq": seq, "session_id": session_id, "ts": ts}
    if tab is not None:
        payload["tab"] = tab
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sign_signal(
    session_key: bytes, session_id: str, seq: int, kind: str, ts: int, data: dict[str, Any],
    tab: str | None = None,
) -> str:
    """The MAC a well-behaved client sends (used by tests, simulators and the phone client). With ``tab`` the
    signal is signed with the tab's key, derived from ``session_key``."""
    message = canonical_signal(session_id, seq, kind, ts, data, tab)
    key = tab_key(session_key, tab) if tab is not None else session_key
    return hmac.new(key, message, hashlib.sha256).hexdigest()


Problem = Literal["replay", "gap", "forgery", "too_many_tabs"]


@dataclass(frozen=True, slots=True)
class SignalVerdict:
    accepted: bool
    problem: Problem | None = None
    expected_seq: int = 0
    missing: tuple[int, ...] = ()
    # a new tab while these other tabs of the session were still live: the page is open twice
    second_tab: tuple[str, ...] = ()

    def log_details(self, signal: ClientSignal) -> dict[str, Any]:
        """Details for the anti-cheat log entry that records a rejected or gapped signal."""
        details: dict[str, Any] = {"kind": signal.kind, "seq": signal.seq, "expected_seq": self.expected_seq}
        if signal.tab is not None:
            details["tab"] = signal.tab
        if self.missing:
            details["missing"] = list(self.missing)
        return details


class SignalVerifier:
    """Verifies one session's signals in arrival order. ``last_seq`` and ``tabs`` restore state after a restart.

    ``tabs`` maps a tab to ``{"seq": its last accepted seq, "at": server epoch ms of its last signal}`` (and the
    heartbeat cross-check's few integers, consistency.py).
    """

    # A gap report lists at most this many missing numbers, so a huge jump cannot bloat the log.
    MAX_LISTED_MISSING = 50

    def __init__(self, session_id: str, session_key: bytes, last_seq: int = 0,
                 tabs: dict[str, dict[str, int]] | None = None, tab_live_ms: int = 20_000) -> None:
        self.session_id = session_id
        self._key = session_key
        self.last_seq = last_seq
        self.tabs: dict[str, dict[str, int]] = {tab: dict(state) for tab, state in (tabs or {}).items()}
        self.tab_live_ms = tab_live_ms

    def verify(self, signal: ClientSignal, now_ms: int = 0) -> SignalVerdict:
        tab = signal.tab
        last = self.last_seq if tab is None else self.tabs.get(tab, {}).get("seq", 0)
        expected = last + 1
        mac = sign_signal(self._key, self.session_id, signal.seq, signal.kind, signal.ts, signal.data, tab)
        if not hmac.compare_digest(mac, signal.hmac.lower()):
            return SignalVerdict(False, "forgery", expected)
        if signal.seq <= last:
            return SignalVerdict(False, "replay", expected)
        second_tab: tuple[str, ...] = ()
        if tab is None:
            self.last_seq = signal.seq
        else:
            if tab not in self.tabs:
                if len(self.tabs) >= MAX_TABS:
                    return SignalVerdict(False, "too_many_tabs", expected)
                second_tab = tuple(sorted(other for other, state in self.tabs.items()
                                          if now_ms - state.get("at", 0) < self.tab_live_ms))
            self.tabs.setdefault(tab, {}).update(seq=signal.seq, at=now_ms)  # beside the tab's cross-check state
        if signal.seq > expected:
            missing = tuple(range(expected, min(signal.seq, expected + self.MAX_LISTED_MISSING)))
            return SignalVerdict(True, "gap", expected, missing, second_tab)
        return SignalVerdict(True, None, expected, second_tab=second_tab)


# --- what a signal means for the strike policy ---------------------------------------------------

_STRIKE_KIND: dict[str, str | None] = {
    "tab_switch": "tab_switch",
    "window_blur": "tab_switch",
    "fullscreen_exit": "fullscreen_exit",
    "copy": "suspicious_input",
    "paste": "suspicious_input",
    "paste_burst": "suspicious_input",
    "devtools": "suspicious_input",
    "second_screen": "second_screen",
    "heartbeat": None,  # the page's state every few seconds; read by the coordinator, never a strike itself
    "right_click": None,  # blocked by the page and logged; on its own it is no evidence of cheating
    "typing_cadence": None,  # a strike only when the cadence analysis finds it inhuman, see below
}


@dataclass(frozen=True, slots=True)
class CadenceVerdict:
    suspicious: bool
    reasons: tuple[str, ...]
    intervals: int
    mean_ms: float | None
    coefficient_of_variation: float | None
    longest_fast_run: int


def analyze_typing_cadence(
    intervals_ms: Sequence[float],
    *,
    min_intervals: int = 20,
    min_variation: float = 0.12,
    fast_interval_ms: float = 25.0,
    max_fast_run: int = 15,
) -> CadenceVerdict:
    """Flag keystroke timing no person produces.

    People type with irregular gaps (coefficient of variation well above 0.3); a script or an
    auto-typer replays keys at a near-constant rate. And no one sustains keys under 25 ms apart
    for a long run: such a run is text injected as key events, a paste in disguise.
    """
    intervals = [float(i) for i in intervals_ms if i >= 0]
    reasons = []
    mean = statistics.fmean(intervals) if intervals else None
    variation = None
    if len(intervals) >= min_intervals and mean:
        variation = statistics.pstdev(intervals) / mean
        if variation < min_variation:
            reasons.append("uniform_rhythm")
    longest = run = 0
    for interval in intervals:
        run = run + 1 if interval < fast_interval_ms else 0
        longest = max(longest, run)
    if longest >= max_fast_run:
        reasons.append("inhuman_burst")
    return CadenceVerdict(
        suspicious=bool(reasons),
        reasons=tuple(reasons),
        intervals=len(intervals),
        mean_ms=round(mean, 1) if mean is not None else None,
        coefficient_of_variation=round(variation, 3) if variation is not None else None,
        longest_fast_run=longest,
    )


# Leaving full screen: the page reports ``phase: "left"`` at once (the candidate is warned and has
# ANTI_CHEAT_FULLSCREEN_GRACE_SECONDS to come back), ``"returned"`` with ``away_ms`` when they come back in
# time, and ``"expired"`` (or no phase, as older pages send) when the grace ran out: only that is a strike.
FULLSCREEN_GRACE_PHASES = ("left", "returned")


def strike_kind_for(signal: ClientSignal) -> str | None:
    """The strike a verified signal counts towards, or None when it is only logged.

    ``typing_cadence`` signals carry ``data["intervals_ms"]``: the keystroke gaps the page measured.
    """
    if signal.kind == "fullscreen_exit" and signal.data.get("phase") in FULLSCREEN_GRACE_PHASES:
        return None  # left, or came back within the grace period: a warning, not a strike
    if signal.kind == "typing_cadence":
        intervals = signal.data.get("intervals_ms")
        if isinstance(intervals, list) and all(isinstance(i, int | float) for i in intervals):
            return "suspicious_input" if analyze_typing_cadence(intervals).suspicious else None
        return None
    return _STRIKE_KIND[signal.kind]
