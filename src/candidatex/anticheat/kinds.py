"""Every strike kind in one enum and one table: threshold, warning, and (for camera kinds) how long
the condition must hold before it counts.

The spec's thresholds (face_missing 3, tab_switch 2, fullscreen_exit 1, multiple_faces 1,
suspicious_input 5) stay the defaults. A threshold of 0 means "warn and log, never terminate".

``window_factor`` scales the monitor's base window (``ANTI_CHEAT_WINDOW_SECONDS``) for a vision
kind, and ``min_ratio`` (when set) replaces the base share of frames that must show the condition.
Looking away has a time budget: 2 windows (6 s by default) of which 80 % must show a turned head,
so a glance at notes for a second or two is never a strike. A frozen camera needs 3 windows in
which the face's landmarks (or, noise and all, its pixels) never move and the eyes never blink. A face that only moves as a flat picture does
(a photo or a screen held in a moving hand) and never blinks or changes expression for 20 windows (60 s) is
``face_not_live``: a reviewable flag, never a termination, because a calm person who blinks rarely (screen
readers blink 4-5 times a minute) could look like that.

``terminates=False`` (``camera_frozen``): reaching the threshold marks the session for review under either policy and
never ends the interview. A photo propped in front of the camera and a camera that hangs on one picture give the same
pixels (the face present, not moving, never blinking), so the evidence cannot tell cheating from a fault; issue 15
asks for a photo held up to be flagged for review, and for a graduated, humane policy.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class StrikeKind(StrEnum):
    face_missing = "face_missing"
    multiple_faces = "multiple_faces"
    looking_away = "looking_away"
    face_too_far = "face_too_far"
    face_too_close = "face_too_close"
    camera_covered = "camera_covered"
    camera_frozen = "camera_frozen"
    face_not_live = "face_not_live"
    tab_switch = "tab_switch"
    fullscreen_exit = "fullscreen_exit"
    suspicious_input = "suspicious_input"
    second_screen = "second_screen"
    signals_suppressed = "signals_suppressed"
    signals_inconsistent = "signals_inconsistent"
    second_tab = "second_tab"
    speech_during_text = "speech_during_text"


@dataclass(frozen=True, slots=True)
class KindRule:
    threshold: int
    warning: str
    spec: bool = False  # the technical spec names this kind and its threshold
    vision: bool = False  # detected on camera frames (otherwise a browser or server signal)
    window_factor: float = 1.0
    min_ratio: float | None = None
    # Kinds in one group are one cause seen differently (no face / lens covered): a window where the
    # group's conditions together hold is one strike, of the group's most frequent kind.
    group: str | None = None
    # False: reaching the threshold marks the session for review (a review_flagged entry), also under the terminate
    # policy; the interview goes on.
    terminates: bool = True


K = StrikeKind
RULES: dict[StrikeKind, KindRule] = {
    K.face_missing: KindRule(3, "We cannot see your face. Please stay in front of the camera.",
                             spec=True, vision=True, group="absence"),
    K.multiple_faces: KindRule(1, "More than one person is visible. Only the candidate may be on camera.",
                               spec=True, vision=True),
    K.looking_away: KindRule(5, "Please keep your eyes on the interview screen.",
                             vision=True, window_factor=2.0, min_ratio=0.8),
    K.face_too_far: KindRule(0, "You are too far from the camera. Please move closer.",
                             vision=True, window_factor=2.0, min_ratio=0.8),
    K.face_too_close: KindRule(0, "You are too close to the camera. Please move back a little.",
                               vision=True, window_factor=2.0, min_ratio=0.8),
    K.camera_covered: KindRule(3, "Your camera seems covered. Please uncover it.",
                               vision=True, group="absence"),
    K.camera_frozen: KindRule(2, "Your camera picture is not changing. Please check your camera; if a photo or a "
                                 "screen is in front of it, remove it. This is recorded for review.",
                              vision=True, window_factor=3.0, min_ratio=1.0, terminates=False),
    K.face_not_live: KindRule(0, "We have not seen you blink or move your face for a while. If a photo or a screen "
                                 "is in front of the camera, remove it; this is recorded for review.",
                              vision=True, window_factor=20.0, min_ratio=1.0),
    K.tab_switch: KindRule(2, "Please stay on the interview tab and window.", spec=True),
    K.fullscreen_exit: KindRule(1, "Please stay in full screen for the whole interview.", spec=True),
    K.suspicious_input: KindRule(5, "Copying, pasting and developer tools are not allowed during the interview.",
                                 spec=True),
    K.second_screen: KindRule(1, "A second screen was detected. Please use a single screen."),
    K.signals_suppressed: KindRule(0, "Your browser stopped reporting the interview page's state. "
                                      "Please reload the page; this is recorded for review."),
    K.signals_inconsistent: KindRule(0, "The interview page's reports contradict each other (a change of state "
                                        "came without its event). This is recorded for review."),
    K.second_tab: KindRule(0, "This interview is open in another tab as well. Please close the other tab; "
                              "this is recorded for review."),
    K.speech_during_text: KindRule(0, "Speech was heard while you answer in writing. This is recorded for review."),
}

VISION_KINDS: tuple[StrikeKind, ...] = tuple(kind for kind, rule in RULES.items() if rule.vision)


def rule(kind: str) -> KindRule | None:
    try:
        return RULES[StrikeKind(kind)]
    except ValueError:
        return None
