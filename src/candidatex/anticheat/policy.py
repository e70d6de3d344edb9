"""Strike counting, termination thresholds, and the precheck before a session may start."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from candidatex.anticheat.kinds import RULES, rule

if TYPE_CHECKING:  # mediapipe takes seconds to import; the policy does not need it at run time
    from candidatex.anticheat.vision import FrameObservation

SPEC_THRESHOLDS: dict[str, int] = {str(k): r.threshold for k, r in RULES.items() if r.spec}
# Kinds this implementation adds. 0 means "warn, never terminate".
EXTRA_THRESHOLDS: dict[str, int] = {str(k): r.threshold for k, r in RULES.items() if not r.spec}
DEFAULT_THRESHOLDS: dict[str, int] = {**SPEC_THRESHOLDS, **EXTRA_THRESHOLDS}

# What reaching a threshold does, chosen per session: end the interview (the spec's behaviour), or
# let it go on and mark the session for a person to review.
POLICY_TERMINATE = "terminate"
POLICY_FLAG_FOR_REVIEW = "flag_for_review"
POLICIES = (POLICY_TERMINATE, POLICY_FLAG_FOR_REVIEW)


def parse_thresholds(value: str | None) -> dict[str, int]:
    """Read ``ANTI_CHEAT_THRESHOLD``.

    ``"face_missing=4,tab_switch=3"`` overrides single kinds; a bare integer (the spec's example is
    ``ANTI_CHEAT_THRESHOLD=3``) sets the threshold of the kinds the spec does not list, whose
    defaults are otherwise those of ``EXTRA_THRESHOLDS``. Both forms may be mixed: ``"3,tab_switch=1"``.
    """
    thresholds = dict(DEFAULT_THRESHOLDS)
    if not value or not value.strip():
        return thresholds
    for part in value.split(","):
        part = part.strip()
        if not part:
            continue
        name, sep, number = part.partition("=")
        try:
            count = int(number if sep else name)
        except ValueError:
            raise ValueError(f"ANTI_CHEAT_THRESHOLD: {part!r} is not 'kind=N' or N") from None
        if count < 0:
            raise ValueError(f"ANTI_CHEAT_THRESHOLD: {part!r} must not be negative")
        if not sep:
            thresholds.update({kind: count for kind in EXTRA_THRESHOLDS if EXTRA_THRESHOLDS[kind] > 0})
            continue
        name = name.strip()
        if name not in DEFAULT_THRESHOLDS:
            raise ValueError(f"ANTI_CHEAT_THRESHOLD: unknown kind {name!r}")
        thresholds[name] = count
    return thresholds


@dataclass(frozen=True, slots=True)
class StrikeDecision:
    kind: str
    count: int
    threshold: int  # 0: this kind only warns
    terminate: bool
    message: str
    flagged: bool = False  # the threshold was reached under flag_for_review: a person decides

    @property
    def remaining(self) -> int | None:
        """Strikes of this kind left before the threshold; None when the kind only warns."""
        return max(0, self.threshold - self.count) if self.threshold > 0 else None

    @property
    def terminated_reason(self) -> str | None:
        if not self.terminate:
            return None
        return f"{self.kind}: {self.count} of {self.threshold} allowed strikes"


class StrikePolicy:
    """Counts strikes per kind for one session. ``counts`` restores a persisted session's state.

    ``mode``: ``terminate`` ends the interview when a kind reaches its threshold; ``flag_for_review``
    records the session for review instead and lets the candidate finish. A kind whose rule does not terminate
    (``camera_frozen``: a propped photo and a hung camera look the same) is marked for review under either mode.
    """

    def __init__(
        self,
        thresholds: Mapping[str, int] | None = None,
        counts: Mapping[str, int] | None = None,
        mode: str = POLICY_TERMINATE,
    ) -> None:
        if mode not in POLICIES:
            raise ValueError(f"unknown anti-cheat policy {mode!r}")
        self.thresholds = dict(DEFAULT_THRESHOLDS if thresholds is None else thresholds)
        self.counts: dict[str, int] = dict(counts or {})
        self.mode = mode
        self.terminated_by: StrikeDecision | None = None

    @classmethod
    def from_setting(cls, value: str | None) -> StrikePolicy:
        return cls(parse_thresholds(value))

    def record(self, kind: str) -> StrikeDecision:
        count = self.counts.get(kind, 0) + 1
        self.counts[kind] = count
        threshold = self.thresholds.get(kind, 0)
        reached = threshold > 0 and count >= threshold
        kind_rule = rule(kind)
        terminates = self.mode == POLICY_TERMINATE and (kind_rule is None or kind_rule.terminates)
        terminate = reached and terminates
        warning = kind_rule.warning if kind_rule else "Please follow the interview rules."
        label = kind.replace("_", " ")
        if terminate:
            message = f"The interview has ended: {label} reached the limit of {threshold} warning(s)."
        elif reached:
            message = (f"{warning} {label.capitalize()} reached its limit of {threshold}: the interview goes on "
                       "and is marked for a person to review.")
        elif threshold > 0:
            left = threshold - count
            outcome = "end the interview" if terminates else "mark it for review"
            message = f"{warning} Warning {count} of {threshold}: {left} more will {outcome}."
        else:
            message = warning
        decision = StrikeDecision(kind, count, threshold, terminate, message, flagged=reached and not terminate)
        if terminate and self.terminated_by is None:
            self.terminated_by = decision
        return decision

    def budget(self) -> dict[str, dict[str, int]]:
        """Per kind with a threshold: strikes used and left, for the candidate's page."""
        return {kind: {"used": self.counts.get(kind, 0), "threshold": threshold,
                       "remaining": max(0, threshold - self.counts.get(kind, 0))}
                for kind, threshold in self.thresholds.items() if threshold > 0}


# --- precheck -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PrecheckReport:
    """What the page found before the start. ``screens`` from the Window Management API (1 if unknown)."""

    camera: bool
    microphone: bool
    speaker: bool | None = None  # None: the client did not report it (the spec's minimal precheck)
    fullscreen: bool | None = None
    screens: int | None = 1


@dataclass(frozen=True, slots=True)
class CameraView:
    """What the precheck's camera frames show together (see :mod:`candidatex.anticheat.precheck`).

    ``live``: the face's landmarks moved between frames (None with fewer than two frames with a face);
    a photo held still or a frozen camera gives identical landmarks.
    """

    frames: int
    face_counts: tuple[int, ...] = ()
    covered: bool = False
    too_far: bool = False
    too_close: bool = False
    live: bool | None = None

    @property
    def face_count(self) -> int:
        """0 if any frame shows nobody, else the most faces any frame shows."""
        if not self.face_counts or min(self.face_counts) == 0:
            return 0
        return max(self.face_counts)

    def as_record(self) -> dict[str, object]:
        return {"frames": self.frames, "faces": self.face_count, "covered": self.covered, "live": self.live}


@dataclass(frozen=True, slots=True)
class PrecheckFailure:
    check: str
    message: str


@dataclass(frozen=True, slots=True)
class PrecheckResult:
    passed: bool
    failures: list[PrecheckFailure] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def as_session_record(self, report: PrecheckReport) -> dict[str, object]:
        """The spec's ``precheck_result`` sub-document of an interview session."""
        return {
            "camera": report.camera,
            "microphone": report.microphone,
            "speaker": report.speaker,
            "fullscreen": report.fullscreen,
            "single_screen": report.screens is None or report.screens <= 1,
            "passed": self.passed,
            "warnings": [f.message for f in self.failures] + self.warnings,
        }


def evaluate_precheck(report: PrecheckReport,
                      camera_frame: FrameObservation | CameraView | None = None) -> PrecheckResult:
    """Decide whether the session may start. ``camera_frame``: the camera test's frames (a :class:`CameraView`)
    or one analysed frame; None when the server does not check the camera view."""
    failures = []
    if not report.camera:
        failures.append(PrecheckFailure("camera", "Allow access to a working camera."))
    if not report.microphone:
        failures.append(PrecheckFailure("microphone", "Allow access to a working microphone."))
    warnings = []
    if report.speaker is False:
        failures.append(
            PrecheckFailure("speaker", "Turn on your speakers or headphones and play the test sound.")
        )
    if report.fullscreen is False:
        failures.append(PrecheckFailure("fullscreen", "Switch the interview page to full screen."))
    # Unreported checks do not block (the spec's clients send only camera and microphone); they are named,
    # and full screen is still enforced during the interview by the fullscreen_exit rule.
    unreported = [name for name, value in (("speaker", report.speaker), ("fullscreen", report.fullscreen))
                  if value is None]
    if unreported:
        warnings.append("Not checked by this client: " + ", ".join(unreported) + ".")
    if report.screens is not None and report.screens > 1:
        failures.append(
            PrecheckFailure(
                "single_screen", f"Disconnect extra displays: {report.screens} screens are connected."
            )
        )
    if camera_frame is not None and report.camera:
        if isinstance(camera_frame, CameraView) and camera_frame.frames == 0:
            failures.append(
                PrecheckFailure("camera_view", "Look into the camera: the check needs pictures from it to see you.")
            )
        elif camera_frame.covered:
            failures.append(
                PrecheckFailure("camera_view", "Your camera shows nothing: uncover it or add light.")
            )
        elif camera_frame.face_count == 0:
            failures.append(
                PrecheckFailure("camera_view", "Sit in front of the camera so your face is visible.")
            )
        elif camera_frame.face_count > 1:
            failures.append(PrecheckFailure("camera_view", "Only you may be visible on camera."))
        elif isinstance(camera_frame, CameraView) and camera_frame.live is False:
            failures.append(
                PrecheckFailure("camera_liveness", "We could not see you move: a still picture or a frozen camera "
                                                   "cannot start the interview. Look at the camera and try again.")
            )
        elif camera_frame.too_far:
            warnings.append("Move a little closer to the camera.")
        elif camera_frame.too_close:
            warnings.append("Move back a little from the camera.")
    return PrecheckResult(passed=not failures, failures=failures, warnings=warnings)
