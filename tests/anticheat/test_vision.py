"""Each vision detector on real photographs."""

from __future__ import annotations

import cv2
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


def test_a_dim_room_with_a_face_is_not_a_covered_camera(analyzer: FrameAnalyzer, astronaut_frame: np.ndarray) -> None:
    # Issue 15: a dim room (mean grey ~21) where the face is still visible was read as "covered".
    dim = (astronaut_frame.astype(np.float32) * 0.17).astype(np.uint8)
    observation = analyzer.analyze(dim)
    assert observation.brightness < 30
    assert observation.face_count == 1
    assert not observation.covered
    assert observation.conditions == frozenset()


def test_a_plain_wall_is_an_absence_not_a_covered_lens(analyzer: FrameAnalyzer) -> None:
    # A lit, lightly textured wall: nobody there, but the lens sees a room.
    rng = np.random.default_rng(3)
    ramp = np.linspace(160, 176, 640, dtype=np.float32)[None, :, None]
    wall = (ramp + rng.normal(0, 3, size=(480, 640, 3))).clip(0, 255).astype(np.uint8)
    wall = cv2.GaussianBlur(wall, (3, 3), 0)
    observation = analyzer.analyze(wall)
    assert 3 < observation.contrast < 6  # flatter than the old rule's limit of 6
    assert observation.conditions == {"face_missing"}


def test_landmarks_are_reported_for_liveness(analyzer: FrameAnalyzer, astronaut_frame: np.ndarray) -> None:
    first = analyzer.analyze(astronaut_frame)
    again = analyzer.analyze(astronaut_frame.copy())
    moved = analyzer.analyze(np.roll(astronaut_frame, 3, axis=1))
    assert first.landmarks is not None and first.eye_openness is not None and first.gaze is not None
    assert np.array_equal(first.landmarks, again.landmarks)  # same pixels, same landmarks
    assert np.abs(moved.landmarks - first.landmarks).mean() > 1  # 3 px of head sway shows


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
    with FrameAnalyzer(VisionConfig(look_away_yaw_deg=80, look_away_pitch_deg=80, look_away_nose_offset=5.0)) as analyzer:
        assert not analyzer.analyze(turned_face_frame).looking_away
