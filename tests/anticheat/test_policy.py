"""Strike thresholds, ANTI_CHEAT_THRESHOLD parsing, and the precheck."""

from __future__ import annotations

import numpy as np
import pytest

from candidatex.anticheat.policy import (
    SPEC_THRESHOLDS,
    PrecheckReport,
    StrikePolicy,
    evaluate_precheck,
    parse_thresholds,
)
from candidatex.anticheat.vision import FrameAnalyzer


@pytest.mark.parametrize(("kind", "threshold"), sorted(SPEC_THRESHOLDS.items()))
def test_spec_thresholds_terminate_exactly_at_the_limit(kind: str, threshold: int) -> None:
    policy = StrikePolicy()
    decisions = [policy.record(kind) for _ in range(threshold)]
    assert [d.terminate for d in decisions] == [False] * (threshold - 1) + [True]
    assert decisions[-1].count == threshold
    assert decisions[-1].terminated_reason == f"{kind}: {threshold} of {threshold} allowed strikes"
    assert policy.terminated_by == decisions[-1]


def test_warnings_tell_the_candidate_how_many_are_left() -> None:
    policy = StrikePolicy()
    first = policy.record("face_missing")
    assert "Warning 1 of 3" in first.message and "2 more" in first.message
    policy.record("face_missing")
    assert policy.record("face_missing").message.startswith("The interview has ended")


def test_kinds_count_separately_and_state_can_be_restored() -> None:
    policy = StrikePolicy(counts={"tab_switch": 1})
    assert not policy.record("face_missing").terminate
    assert policy.record("tab_switch").terminate


def test_warn_only_kinds_never_terminate() -> None:
    policy = StrikePolicy()
    assert not any(policy.record("face_too_far").terminate for _ in range(20))


def test_a_still_picture_is_flagged_for_review_and_never_ends_the_interview() -> None:
    # Issue 15 item 2: a photo propped in front of the camera is flagged for review. camera_frozen cannot tell it
    # from a camera that hangs (the same pixels), so reaching its limit marks the session for review, also under the
    # terminate policy; before, the second strike ended the interview.
    policy = StrikePolicy()
    decisions = [policy.record("camera_frozen") for _ in range(4)]
    assert not any(d.terminate for d in decisions) and policy.terminated_by is None
    assert [d.flagged for d in decisions] == [False, True, True, True]
    assert "1 more will mark it for review" in decisions[0].message
    assert "marked for a person to review" in decisions[1].message
    # the other camera kinds keep the spec's termination
    assert [policy.record("face_missing").terminate for _ in range(3)] == [False, False, True]


def test_threshold_overrides_from_the_environment() -> None:
    thresholds = parse_thresholds("face_missing=5, tab_switch=1")
    assert thresholds["face_missing"] == 5 and thresholds["tab_switch"] == 1
    assert thresholds["multiple_faces"] == 1  # untouched spec default
    assert StrikePolicy.from_setting("tab_switch=1").record("tab_switch").terminate


def test_bare_number_sets_the_kinds_the_spec_does_not_list() -> None:
    thresholds = parse_thresholds("3")
    assert {k: thresholds[k] for k in SPEC_THRESHOLDS} == SPEC_THRESHOLDS
    assert thresholds["looking_away"] == 3 and thresholds["second_screen"] == 3
    assert thresholds["face_too_far"] == 0  # warn-only stays warn-only


@pytest.mark.parametrize("value", ["face_missing=x", "nose_picking=2", "tab_switch=-1", "abc"])
def test_bad_threshold_settings_are_refused(value: str) -> None:
    with pytest.raises(ValueError, match="ANTI_CHEAT_THRESHOLD"):
        parse_thresholds(value)


def test_precheck_passes_with_everything_in_place(
    analyzer: FrameAnalyzer, astronaut_frame: np.ndarray
) -> None:
    report = PrecheckReport(camera=True, microphone=True, speaker=True, fullscreen=True, screens=1)
    result = evaluate_precheck(report, analyzer.analyze(astronaut_frame))
    assert result.passed and result.failures == []
    assert result.as_session_record(report) == {
        "camera": True,
        "microphone": True,
        "speaker": True,
        "fullscreen": True,
        "single_screen": True,
        "passed": True,
        "warnings": [],
    }


def test_precheck_names_every_failure() -> None:
    report = PrecheckReport(camera=False, microphone=True, speaker=False, fullscreen=False, screens=2)
    result = evaluate_precheck(report)
    assert not result.passed
    assert [f.check for f in result.failures] == ["camera", "speaker", "fullscreen", "single_screen"]
    assert "2 screens" in result.failures[-1].message
    assert result.as_session_record(report)["single_screen"] is False


def test_precheck_needs_exactly_one_visible_face(
    analyzer: FrameAnalyzer, empty_room_frame: np.ndarray, two_people_wide_frame: np.ndarray
) -> None:
    report = PrecheckReport(camera=True, microphone=True, speaker=True, fullscreen=True)
    for frame in (empty_room_frame, two_people_wide_frame):
        result = evaluate_precheck(report, analyzer.analyze(frame))
        assert not result.passed and [f.check for f in result.failures] == ["camera_view"]
