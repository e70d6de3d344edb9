"""Issue 15, fifth pass: the causes behind the face-missing misses, each on frames built like the labelled set's
(tests/data/proctoring/make_frames.py: real LFW people through a webcam pipeline, package rooms)."""

from __future__ import annotations

import cv2
import pytest

from candidatex.anticheat.vision import FrameAnalyzer, skin_share
from tests.data.proctoring import make_frames as frames


@pytest.mark.parametrize(("person", "gain"), [(3, 0.4), (17, 0.5), (51, 0.6)])
def test_a_hand_pressed_on_the_lens_in_a_lit_room_is_a_covered_camera(
    analyzer: FrameAnalyzer, person: int, gain: float
) -> None:
    # Light through the hand makes the picture brighter than the "dark" limit (40); before, such a frame was
    # a missing face. Skin filling a picture without texture is a covered lens, however bright.
    room = frames.place(frames._sources()["room_coffee"], frames.person(person), 0.5, 0.5, 0.55)
    pressed = cv2.GaussianBlur(frames.hand(room, 0.5, 0.5, 0.9, 0.9, person), (0, 0), 11)
    observation = analyzer.analyze(frames.webcam(pressed, person, gain, 0))
    assert observation.brightness > 40 and observation.contrast > 3  # neither dark nor one flat colour
    assert observation.conditions == {"camera_covered"}


@pytest.mark.parametrize("gain", [0.25, 0.3])
def test_a_dim_empty_room_with_edges_is_a_missing_face_not_a_covered_lens(analyzer: FrameAnalyzer, gain: float) -> None:
    # The text page in a dim light keeps its edges, only fainter: texture is judged against the light there is.
    room = frames.dim(frames._sources()["room_text"], gain, 4)
    observation = analyzer.analyze(room)
    assert observation.brightness < 40 and observation.texture < 4  # dark and below the absolute limit
    assert observation.conditions == {"face_missing"}


@pytest.mark.parametrize("zoom", [1.15, 1.25])
def test_a_face_filling_the_frame_beyond_the_detectors_range_is_too_close(analyzer: FrameAnalyzer, zoom: float) -> None:
    # Both detectors miss a face this large over the whole frame; before, it was "face missing" (a strike).
    close = frames._zoom_crop(frames._sources()["hopper"], (140, 60, 380, 240), zoom)
    observation = analyzer.analyze(frames.webcam(close, 2))
    assert observation.face_count == 1
    assert observation.conditions == {"face_too_close"}
    assert observation.landmarks is not None  # in frame pixels, for liveness
    assert observation.landmarks[:, 0].max() > 320  # not the shrunk canvas's coordinates


def test_the_shrunk_frame_pass_takes_no_small_face(analyzer: FrameAnalyzer) -> None:
    # Guard: on the shrunk frame the near detector and face mesh agree on a small "face" in the motorbike's
    # garage; a face that small is the whole-frame pass's to find, so the empty garage stays empty.
    garage = frames.webcam(frames.rotate(frames._more_rooms()["room_motorcycle"], -5), 0)
    assert analyzer.analyze(garage).conditions == {"face_missing"}


def test_a_skin_coloured_room_with_texture_is_no_covered_lens(analyzer: FrameAnalyzer) -> None:
    # Guard: the coffee table is red-orange almost everywhere, but it has edges: an absence, not a hand.
    table = frames.webcam(frames._sources()["room_coffee"], 1, 0.5)
    assert skin_share(cv2.resize(table, (160, 120), interpolation=cv2.INTER_AREA)) > 0.8
    assert analyzer.analyze(table).conditions == {"face_missing"}
