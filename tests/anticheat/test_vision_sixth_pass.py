"""Issue 15, sixth pass: a small second person behind the candidate, and dark empty rooms against covered lenses, on
frames built like the labelled set's (tests/data/proctoring/make_frames.py: new people as morphs of two LFW crops,
Pillow-drawn rooms, the webcam pipeline). Only tune people and rooms are used here."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from candidatex.anticheat.vision import FrameAnalyzer, VisionConfig, edge_map, edge_peak
from tests.data.proctoring import make_frames as frames

TUNE = frames._morphs("tune")


def _with_person_behind(candidate: tuple[int, int], behind: tuple[int, int], room: int, height: float,
                        where: tuple[float, float]) -> np.ndarray:
    back = frames.place(frames.drawn_room(room), frames.morph(behind, 160), where[0], where[1], height)
    return frames.webcam(frames.place(back, frames.morph(candidate), 0.45, 0.56, 0.5), room)


@pytest.mark.parametrize(("candidate", "behind", "room", "height", "where"), [
    (TUNE[0], TUNE[11], 2, 0.16, (0.85, 0.3)),
    (TUNE[7], TUNE[18], 0, 0.16, (0.2, 0.3)),
    (TUNE[3], TUNE[14], 6, 0.16, (0.85, 0.3)),
])
def test_a_small_person_behind_the_candidate_is_a_second_face(
    analyzer: FrameAnalyzer, candidate: tuple[int, int], behind: tuple[int, int], room: int, height: float,
    where: tuple[float, float],
) -> None:
    # The whole-frame detectors find the candidate only; before, the tiles that find small faces were searched only
    # when no face was found, so the person behind was never counted.
    observation = analyzer.analyze(_with_person_behind(candidate, behind, room, height, where))
    assert observation.face_count == 2
    assert "multiple_faces" in observation.conditions


def test_the_candidate_alone_in_the_same_room_is_one_face(analyzer: FrameAnalyzer) -> None:
    alone = frames.webcam(frames.place(frames.drawn_room(2), frames.morph(TUNE[0]), 0.45, 0.56, 0.5), 2)
    observation = analyzer.analyze(alone)
    assert observation.face_count == 1 and not observation.conditions


@pytest.mark.parametrize(("room", "light"), [(2, 0.2), (4, 0.3), (8, 0.25)])
def test_a_dark_empty_room_with_only_a_floor_line_is_a_missing_face_not_a_covered_lens(
    analyzer: FrameAnalyzer, room: int, light: float
) -> None:
    # A plain wall and floor lit by a weak lamp: dark, almost no texture on average, but the floor line is an edge a
    # covered lens cannot show. Before, such a room was "camera covered".
    dark_room = frames.webcam(frames.drawn_room(room, light, edges=False), room, 1.0, 1.0, 2.5)
    observation = analyzer.analyze(dark_room)
    assert observation.brightness < 40 and observation.texture < 1  # as dark and smooth as a lens under tape
    assert observation.conditions == {"face_missing"}


@pytest.mark.parametrize("room", [2, 4, 8])
def test_tape_over_the_lens_in_the_same_rooms_stays_covered(analyzer: FrameAnalyzer, room: int) -> None:
    taped = frames.webcam(cv2.GaussianBlur(frames.drawn_room(room), (0, 0), 30), room, 0.09, 0, 2.0)
    observation = analyzer.analyze(taped)
    assert observation.conditions == {"camera_covered"}


def test_sensor_noise_alone_is_no_edge() -> None:
    # The edge limit sits above what noise gives on a plain surface, so a black lens with a noisy sensor has no edge.
    rng = np.random.default_rng(5)
    noisy = (np.full((480, 640), 6.0) + rng.normal(0, 4.5, (480, 640))).clip(0, 255).astype(np.uint8)
    small = cv2.resize(noisy, (160, 120), interpolation=cv2.INTER_AREA)
    assert edge_peak(edge_map(small)) < VisionConfig().covered_edge_peak
