"""Strike counting, termination thresholds, and the precheck before a session may start."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # mediapipe takes seconds to import; the policy does not need it at run time
    from candidatex.anticheat.vision import FrameObservation

# The spec's thresholds: strikes of a kind after which the session is terminated.
SPEC_THRESHOLDS: dict[str, int] = {
    "face_missing": 3,
    "tab_switch": 2,
    "fullscreen_exit": 1,
    "multiple_faces": 1,
    "suspicious_input": 5,
}
# Kinds this implementation adds. 0 means "warn, never terminate".
EXTRA_THRESHOLDS: dict[str, int] = {
    "second_screen": 1,
    "looking_away": 5,
    "camera_covered": 3,
    "camera_frozen": 2,
    "face_too_far": 0,
    "face_too_close": 0,
}
DEFAULT_THRESHOLDS: dict[str, int] = {**SPEC_THRESHOLDS, **EXTRA_THRESHOLDS}

_WARNINGS: dict[str, str] = {
    "face_missing": "We cannot see your face. Please stay in front of the camera.",
    "multiple_faces": "More than one person is visible. Only the candidate may be on camera.",
    "looking_away": "Please keep your eyes on the interview screen.",
    "face_too_far": "You are too far from the camera. Please move closer.",
    "face_too_close": "You are too close to the camera. Please move back a little.",
    "camera_covered": "Your camera seems covered or dark. Please uncover it.",
    "camera_frozen": "Your camera picture is not changing. Please check your camera.",
    "tab_switch": "Please stay on the interview tab and window.",
    "fullscreen_exit": "Please stay in full screen for the whole interview.",
    "suspicious_input": "Copying, pasting and developer tools are not allowed during the interview.",
    "second_screen": "A second screen was detected. Please use a single screen.",
}


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

    @property
    def terminated_reason(self) -> str | None:
        if not self.terminate:
            return None
        return f"{self.kind}: {self.count} of {self.threshold} allowed strikes"


class StrikePolicy:
    """Counts strikes per kind for one session. ``counts`` restores a persisted session's state."""

    def __init__(
        self, thresholds: Mapping[str, int] | None = None, counts: Mapping[str, int] | None = None
    ) -> None:
        self.thresholds = dict(DEFAULT_THRESHOLDS if thresholds is None else thresholds)
        self.counts: dict[str, int] = dict(counts or {})
        self.terminated_by: StrikeDecision | None = None

    @classmethod
    def from_setting(cls, value: str | None) -> StrikePolicy:
        return cls(parse_thresholds(value))

    def record(self, kind: str) -> StrikeDecision:
        count = self.counts.get(kind, 0) + 1
        self.counts[kind] = count
        threshold = self.thresholds.get(kind, 0)
        terminate = threshold > 0 and count >= threshold
        warning = _WARNINGS.get(kind, "Please follow the interview rules.")
        if terminate:
            label = kind.replace("_", " ")
            message = f"The interview has ended: {label} reached the limit of {threshold} warning(s)."
        elif threshold > 0:
            left = threshold - count
            message = f"{warning} Warning {count} of {threshold}: {left} more will end the interview."
        else:
            message = warning
        decision = StrikeDecision(kind, count, threshold, terminate, message)
        if terminate and self.terminated_by is None:
            self.terminated_by = decision
        return decision


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


def evaluate_precheck(report: PrecheckReport, camera_frame: FrameObservation | None = None) -> PrecheckResult:
    """Decide whether the session may start. ``camera_frame``: an analysed frame from the camera test."""
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
        if camera_frame.covered:
            failures.append(
                PrecheckFailure("camera_view", "Your camera shows nothing: uncover it or add light.")
            )
        elif camera_frame.face_count == 0:
            failures.append(
                PrecheckFailure("camera_view", "Sit in front of the camera so your face is visible.")
            )
        elif camera_frame.face_count > 1:
            failures.append(PrecheckFailure("camera_view", "Only you may be visible on camera."))
        elif camera_frame.too_far:
            warnings.append("Move a little closer to the camera.")
        elif camera_frame.too_close:
            warnings.append("Move back a little from the camera.")
    return PrecheckResult(passed=not failures, failures=failures, warnings=warnings)
