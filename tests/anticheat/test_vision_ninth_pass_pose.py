"""Issue 15, ninth pass: head pose of many people. Tune frames of the ``p9t-`` batch (tests/data/proctoring/
head_turns.py): frontal faces of LFW people, morphs and the astronaut re-projected in 3-D by a known yaw or pitch,
labelled by the rotation made. Real mediapipe, the analyzer's full path."""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest

from candidatex.anticheat.vision import FrameAnalyzer, VisionConfig, pose_away
from tests.anticheat.conftest import tune_frame
from tests.data.proctoring import head_turns


@cache
def _tune_frame(frame_id: str) -> np.ndarray:
    return tune_frame(head_turns._recipes_split("tune"), frame_id)


@pytest.mark.parametrize("frame_id", ["p9t-chin-up36-lfw34", "p9t-chin-up36-lfw54", "p9t-chin-up36-lfw62"])
def test_a_chin_up_head_is_looking_away(analyzer: FrameAnalyzer, frame_id: str) -> None:
    # Heads tipped 36 degrees up read -20 degrees of pitch: face mesh reads faces about 6.5 degrees bowed, so a limit
    # of 25 about zero let a candidate staring at the ceiling pass. Measured from the neutral pitch they are 26 away.
    observation = analyzer.analyze(_tune_frame(frame_id))
    assert observation.face_count == 1
    assert "looking_away" in observation.conditions


@pytest.mark.parametrize("frame_id", ["p9t-frontal-lfw68", "p9t-slight-yaw+0-pitch+7-lfw6"])
def test_a_frontal_face_read_slightly_bowed_is_not_looking_away(analyzer: FrameAnalyzer, frame_id: str) -> None:
    # A frontal face (and one tipped 7 degrees down) that face mesh reads at 25-27 degrees of pitch: an honest
    # candidate was looking away; 19-21 degrees from the neutral pitch is inside the limit.
    observation = analyzer.analyze(_tune_frame(frame_id))
    assert observation.face_count == 1
    assert observation.conditions == frozenset()


@pytest.mark.parametrize("frame_id", ["p9t-bowed36-lfw4", "p9t-bowed44-lfw10", "p9t-bowed36-astronaut",
                                      "p9t-yaw-42-lfw32", "p9t-yaw+38-lfw52", "p9t-yaw+50-lfw46"])
def test_bowed_and_turned_heads_of_other_people_are_looking_away(analyzer: FrameAnalyzer, frame_id: str) -> None:
    # Not only the cameraman: heads of other people bowed over notes (36-44 degrees) or turned 38-50 degrees.
    assert "looking_away" in analyzer.analyze(_tune_frame(frame_id)).conditions


@pytest.mark.parametrize("frame_id", ["p9t-frontal-lfw4", "p9t-frontal-astronaut", "p9t-slight-yaw+7-pitch+0-lfw52",
                                      "p9t-slight-yaw+0-pitch-7-lfw56"])
def test_the_same_people_frontal_or_barely_turned_raise_nothing(analyzer: FrameAnalyzer, frame_id: str) -> None:
    assert analyzer.analyze(_tune_frame(frame_id)).conditions == frozenset()


def test_the_pitch_limit_is_measured_from_the_neutral_pitch() -> None:
    cfg = VisionConfig()
    assert cfg.look_away_pitch_neutral_deg == 6.5
    assert not pose_away(0.0, 6.5 + 21.0, cfg) and not pose_away(0.0, 6.5 - 21.0, cfg)
    assert pose_away(0.0, 6.5 + 23.0, cfg) and pose_away(0.0, 6.5 - 23.0, cfg)
    assert pose_away(31.0, 6.5, cfg) and pose_away(-31.0, 6.5, cfg) and not pose_away(29.0, 6.5, cfg)
