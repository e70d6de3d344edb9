"""Each vision detector on real photographs."""

from __future__ import annotations

import numpy as np
import pytest

from candidatex.anticheat.vision import FrameAnalyzer, VisionConfig


def test_one_frontal_face_raises_no_condition(analyzer: FrameAnalyzer, astronaut_frame: np.ndarray) -> None:
    observation = analyzer.analyze(astronaut_frame)
    assert observation.face_count == 1
    assert abs(observation.yaw) < 15 and abs(observation.pitch) < 25
    assert observation.conditions == frozenset()


def test_another_frontal_face_is_not_looking_away(analyzer: FrameAnalyzer, hopper_frame: np.ndarray) -> None:
    observation = analyzer.analyze(hopper_frame)
    assert observation.face_count == 1
    assert not observation.looking_away


def test_empty_room_means_face_missing(analyzer: FrameAnalyzer, empty_room_frame: np.ndarray) -> None:
    observation = analyzer.analyze(empty_room_frame)
    assert observation.face_count == 0
    assert observation.conditions == {"face_missing"}


def test_two_people_in_a_wide_frame_are_both_counted(
    analyzer: FrameAnalyzer, two_people_wide_frame: np.ndarray
) -> None:
    observation = analyzer.analyze(two_people_wide_frame)
    assert observation.face_count == 2
    assert "multiple_faces" in observation.conditions
    centres = sorted(face.x + face.width / 2 for face in observation.faces)
    assert centres[0] < 0.5 < centres[1]  # one person on each half


def test_a_turned_head_is_looking_away(analyzer: FrameAnalyzer, turned_face_frame: np.ndarray) -> None:
    observation = analyzer.analyze(turned_face_frame)
    assert observation.face_count == 1
    assert abs(observation.yaw) > 30
    assert "looking_away" in observation.conditions


def test_mirrored_turned_head_turns_the_other_way(
    analyzer: FrameAnalyzer, turned_face_frame: np.ndarray
) -> None:
    right = analyzer.analyze(turned_face_frame).yaw
    analyzer.reset()
    left = analyzer.analyze(np.ascontiguousarray(turned_face_frame[:, ::-1])).yaw
    assert right * left < 0
    assert abs(left) > 30


def test_small_face_far_from_camera(analyzer: FrameAnalyzer, far_face_frame: np.ndarray) -> None:
    observation = analyzer.analyze(far_face_frame)
    assert observation.face_count == 1
    assert observation.conditions == {"face_too_far"}


def test_face_filling_the_frame_is_too_close(analyzer: FrameAnalyzer, close_face_frame: np.ndarray) -> None:
    observation = analyzer.analyze(close_face_frame)
    assert observation.face_count == 1
    assert observation.conditions == {"face_too_close"}


@pytest.mark.parametrize("level", [0, 8, 200])
def test_covered_or_blank_camera(analyzer: FrameAnalyzer, covered_frame: np.ndarray, level: int) -> None:
    frame = covered_frame if level == 8 else np.full_like(covered_frame, level)
    observation = analyzer.analyze(frame)
    assert observation.covered
    # A covered lens is reported as covered, not additionally as a missing face.
    assert observation.conditions == {"camera_covered"}


def test_identical_frames_are_frozen_but_live_ones_are_not(
    analyzer: FrameAnalyzer, astronaut_frame: np.ndarray, with_sensor_noise
) -> None:
    live = [analyzer.analyze(with_sensor_noise(astronaut_frame, seed)) for seed in range(3)]
    assert not any(o.frozen for o in live)
    repeated = [analyzer.analyze(astronaut_frame.copy()) for _ in range(3)]
    assert [o.frozen for o in repeated] == [False, True, True]  # the first differs from the noisy one
    assert "camera_frozen" in repeated[-1].conditions


def test_disabled_detection_reports_nothing(
    astronaut_frame: np.ndarray, empty_room_frame: np.ndarray
) -> None:
    with FrameAnalyzer(VisionConfig(enabled=False)) as analyzer:
        observation = analyzer.analyze(empty_room_frame)
    assert observation.conditions == frozenset()


def test_single_check_can_be_switched_off(two_people_wide_frame: np.ndarray) -> None:
    config = VisionConfig(disabled_checks=frozenset({"multiple_faces"}))
    with FrameAnalyzer(config) as analyzer:
        observation = analyzer.analyze(two_people_wide_frame)
    assert observation.face_count == 2
    assert "multiple_faces" not in observation.conditions


def test_looking_away_threshold_is_configurable(turned_face_frame: np.ndarray) -> None:
    with FrameAnalyzer(VisionConfig(look_away_yaw_deg=80, look_away_pitch_deg=80)) as analyzer:
        assert not analyzer.analyze(turned_face_frame).looking_away


def test_streams_are_compared_only_with_themselves(
    analyzer: FrameAnalyzer, astronaut_frame: np.ndarray, hopper_frame: np.ndarray
) -> None:
    # Two sessions share one analyzer: alternating their frames must not look like live video,
    # and each frozen feed is still caught.
    for _ in range(2):
        a = analyzer.analyze(astronaut_frame, stream="a")
        b = analyzer.analyze(hopper_frame, stream="b")
    assert a.frozen and b.frozen
