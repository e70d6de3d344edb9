"""Issue 15, eighth pass (proctor8c): looking away judged only where the head pose can be trusted, and a dark empty
room told from a covered lens, on frames built like the labelled set's tune frames (tests/data/proctoring/
make_frames.py, ids ``p8c-``): the cameraman's real head turn in drawn rooms, frontal LFW faces that are small or fill
the frame, dark plain rooms, covered lenses of new kinds. Only tune recipes are used here."""

from __future__ import annotations

import numpy as np
import pytest

from candidatex.anticheat.vision import FrameAnalyzer, VisionConfig
from tests.data.proctoring import make_frames as frames

TUNE = {frame_id: make for frame_id, _, _, make, _ in frames._eighth_pass_covered_split("tune")}


def frame(frame_id: str) -> np.ndarray:
    image = TUNE[frame_id]()
    assert image is not None
    return image


@pytest.mark.parametrize("frame_id", ["p8c-far-lfw86", "p8c-close-lfw86"])
def test_a_frontal_face_too_small_or_filling_the_frame_is_not_looking_away(
    analyzer: FrameAnalyzer, frame_id: str
) -> None:
    # Face mesh reads this frontal face at 25 degrees of pitch when it is 34 px tall (far back) or fills the frame:
    # before, both were "looking away" beside the right verdict (too far / too close), five of which end the interview.
    observation = analyzer.analyze(frame(frame_id))
    assert observation.face_count == 1
    assert "looking_away" not in observation.conditions
    assert observation.conditions & {"face_too_far", "face_too_close"}


@pytest.mark.parametrize("frame_id", ["p8c-away-cameraman-tune1", "p8c-away-cameraman-tune6",
                                      "p8c-away-cameraman-zoom-tune"])
def test_a_real_head_turn_is_still_looking_away(analyzer: FrameAnalyzer, frame_id: str) -> None:
    # The cameraman's head turned about 50 degrees, 66-200 px tall, mirrored, dim or close up: the pose is trusted.
    observation = analyzer.analyze(frame(frame_id))
    assert "looking_away" in observation.conditions
    assert observation.yaw is not None and abs(observation.yaw) > 30


def test_the_pose_is_trusted_only_on_a_face_large_enough_that_does_not_fill_the_frame() -> None:
    from candidatex.anticheat.vision import FaceBox, pose_trusted

    cfg = VisionConfig()
    shape = (480, 640, 3)
    assert pose_trusted(FaceBox(0.4, 0.4, 0.1, 0.14, 0.8), shape, cfg)  # 67 px: a seated candidate
    assert not pose_trusted(FaceBox(0.5, 0.4, 0.05, 0.07, 0.8), shape, cfg)  # 34 px: too few pixels for depth
    assert not pose_trusted(FaceBox(0.0, 0.0, 1.0, 1.0, 0.8), shape, cfg)  # filling the frame


@pytest.mark.parametrize("frame_id", ["p8c-missing-dark-plain-room-tune0", "p8c-missing-dark-plain-room-tune1",
                                      "p8c-missing-dark-plain-room-tune2", "p8c-missing-monitor-glow-tune"])
def test_a_dark_empty_room_without_edges_is_an_absence_not_a_covered_lens(
    analyzer: FrameAnalyzer, frame_id: str
) -> None:
    # A wall and a floor in a lamp's last light (mean grey 8-23): the floor line is too soft for the edge test, but it
    # runs across the whole frame, so the mean along it keeps it. Before: camera_covered (the known wrong label).
    observation = analyzer.analyze(frame(frame_id))
    assert observation.face_count == 0
    assert observation.conditions == frozenset({"face_missing"})


@pytest.mark.parametrize("frame_id", ["p8c-covered-sticky-note-tune", "p8c-covered-shutter-tune",
                                      "p8c-covered-sleeve-tune", "p8c-covered-leak-tune", "p8c-covered-thumb-dim-tune"])
def test_covered_lenses_of_new_kinds_stay_covered(analyzer: FrameAnalyzer, frame_id: str) -> None:
    assert analyzer.analyze(frame(frame_id)).conditions == frozenset({"camera_covered"})


def test_a_straight_edge_across_the_picture_is_measured_above_the_noise() -> None:
    import cv2

    from candidatex.anticheat.vision import line_peak

    def measured(frame_id: str) -> float:
        grey = cv2.cvtColor(frame(frame_id), cv2.COLOR_BGR2GRAY)
        return line_peak(cv2.resize(grey, (160, 120), interpolation=cv2.INTER_AREA))

    rng = np.random.default_rng(3)
    flat = rng.normal(12, 3, (120, 160)).clip(0, 255).astype(np.uint8)  # black with sensor noise
    floor = flat.copy()
    floor[95:] = (floor[95:].astype(np.int16) - 5).clip(0, 255).astype(np.uint8)  # a floor 5 grey levels darker
    limit = VisionConfig().covered_line_peak
    assert line_peak(flat) < limit < line_peak(floor)
    # a cover that leaks light at one corner changes smoothly; a dark room's floor line runs across the frame
    assert measured("p8c-covered-leak-tune") < limit < measured("p8c-missing-dark-plain-room-tune0")
