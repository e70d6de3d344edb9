"""Issue 15, eleventh pass: heads turned past what face mesh's yaw reads, or past every face detector. Tune frames of
the ``p11-`` batch (tests/data/proctoring/head_turns_p11.py), real mediapipe and OpenCV, the analyzer's full path."""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest

from candidatex.anticheat.vision import FrameAnalyzer
from tests.anticheat.conftest import tune_frame
from tests.data.proctoring import head_turns_p11


@cache
def _tune_frame(frame_id: str) -> np.ndarray:
    return tune_frame(head_turns_p11._split("tune"), frame_id)


def test_a_turn_the_mesh_reads_under_30_degrees_is_looking_away_by_the_nose(analyzer: FrameAnalyzer) -> None:
    # a 46 degree turn that face mesh reads at 27 degrees; the nose sits half the cheeks' span off their midpoint
    observation = analyzer.analyze(_tune_frame("p11-yaw-46-lfw81"))
    assert observation.face_count == 1
    assert "looking_away" in observation.conditions


@pytest.mark.parametrize("frame_id", ["p11-yaw-74-m20x24", "p11-yaw-42-m71x76"])
def test_a_head_turned_past_the_face_detectors_is_looking_away_not_missing(analyzer: FrameAnalyzer,
                                                                          frame_id: str) -> None:
    # no face detector finds these; the profile cascade finds the head: the candidate is there, looking away
    observation = analyzer.analyze(_tune_frame(frame_id))
    assert observation.face_count == 0
    assert "looking_away" in observation.conditions
    assert "face_missing" not in observation.conditions


@pytest.mark.parametrize("frame_id", ["p11-frontal-lfw65", "p11-slight-yaw+7-pitch+0-lfw65", "p11-frontal-lfw81"])
def test_a_frontal_face_of_the_batch_raises_nothing(analyzer: FrameAnalyzer, frame_id: str) -> None:
    assert not analyzer.analyze(_tune_frame(frame_id)).conditions
