"""Issue 15, ninth pass (face missing): a picture of a face in the room is nobody at the desk, a dim colour chart is an
empty room and not a covered lens, and a weak face found on a tile needs a second model before it counts as a
second person. Real mediapipe on tune frames of the labelled set (tests/data/proctoring: make_frames.py and
frames_p9m.py) and on frames built the same way."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pytest

from candidatex.anticheat.vision import FaceBox, FrameAnalyzer, VisionConfig
from tests.data.proctoring import frames_p9m
from tests.data.proctoring import make_frames as frames


def _frame(frame_id: str) -> np.ndarray:
    # (the p8m held-out frames were run once, by the eighth pass, and may be tuned on now)
    recipes: Iterable[tuple] = (*frames._p8m_split("tune"), *frames._p8m_split("holdout"), *frames_p9m._p9m_split("tune"),
                                *frames._recipes_real_people())
    for found, _label, _recipe, make, split in recipes:
        if found == frame_id:
            assert split == "tune" or not found.startswith("p9m-")  # the p9m held-out frames are run once, by the eval
            image = make()
            assert image is not None
            return image
    raise KeyError(frame_id)


@pytest.mark.parametrize("frame_id", ["p8m-missing-printed-face-m16x42", "p8m-missing-printed-face-m17x30",
                                      "p9m-missing-framed-print-m6x30", "p9m-missing-portrait-poster-astronaut"])
def test_a_print_of_a_face_on_the_wall_of_an_empty_room_is_a_missing_face(
    analyzer: FrameAnalyzer, frame_id: str
) -> None:
    # A print with a mat (or a poster with a white border) hangs on the wall and nobody sits at the desk. Every
    # detector finds the printed face, so the empty room passed as a present candidate (or one too far away). A face
    # inside a flat band with an edge to the room beyond it on all four sides, in a picture under 0.45 of the frame's
    # height, is now a picture: not a candidate.
    assert analyzer.analyze(_frame(frame_id)).conditions == frozenset({"face_missing"})


def test_a_cup_on_a_framed_poster_is_no_face(analyzer: FrameAnalyzer) -> None:
    # The coffee cup seen from above, on a poster in a dark frame: mediapipe and face mesh read a face into it.
    assert analyzer.analyze(_frame("p9m-missing-cup-poster-tune")).conditions == frozenset({"face_missing"})


def test_a_candidate_with_a_video_call_on_a_screen_behind_is_one_face(analyzer: FrameAnalyzer) -> None:
    # The monitor's face (in its bezel) was counted as a second person.
    observation = analyzer.analyze(_frame("p9m-ok-with-screen-m10x48-m11x40"))
    assert observation.face_count == 1
    assert observation.conditions == frozenset()


@pytest.mark.parametrize("frame_id", ["p9m-ok-at-1.0m-m0x28", "p9m-ok-at-1.3m-m2x37", "p9m-ok-with-print-m8x39-m9x31",
                                      "p9m-ok-soft-dim-m15x33"])
def test_honest_candidates_in_new_rooms_stay_present(analyzer: FrameAnalyzer, frame_id: str) -> None:
    # Guard: a face at the desk (with or without a picture on the wall behind) is no picture.
    assert analyzer.analyze(_frame(frame_id)).conditions == frozenset()


def test_a_dim_colour_chart_is_an_empty_room_not_a_covered_lens(analyzer: FrameAnalyzer) -> None:
    # Dimmed to a mean grey of 24, the chart's patches have about one brightness, so its grey has no edge (peak 2.46
    # under 2.5) and it read as covered. Its colours still differ (chroma spread 15; covered lenses 0-6.3).
    assert analyzer.analyze(_frame("p5-missing-dim-room_colour_chart")).conditions == frozenset({"face_missing"})


def test_a_weak_small_face_on_a_tile_is_no_second_person(analyzer: FrameAnalyzer) -> None:
    # A far candidate (lfw68 at 0.08 of the height) and a weak (0.63) find on a tile beside him that face mesh
    # accepts: two faces. A weak tile find of a far face's size now needs a Haar cascade too, as the whole frame's do.
    assert analyzer.analyze(_frame("p5-far-lfw68")).conditions == frozenset({"face_too_far"})


def _print_on_wall(mat: int) -> np.ndarray:
    face = frames.morph((20, 40), 200)
    picture = frames_p9m.framed(face, mat, (228, 228, 228), 0, (0, 0, 0))
    return frames.webcam(frames.place(frames.drawn_room(176), picture, 0.3, 0.35, 0.25), 520)


def test_the_same_face_is_a_picture_with_a_mat_and_a_person_without(analyzer: FrameAnalyzer) -> None:
    # In a room no frame uses: the same morph pasted bare (the set's way of placing a person) and printed with a mat.
    from candidatex.anticheat.vision import framed_picture

    cfg = VisionConfig()
    bare, printed = _print_on_wall(0), _print_on_wall(20)
    seen = analyzer.analyze(bare)
    assert seen.face_count == 1
    assert analyzer.analyze(printed).conditions == frozenset({"face_missing"})
    box = seen.primary_face
    assert isinstance(box, FaceBox)
    assert framed_picture(np.ascontiguousarray(printed[..., ::-1]), box, cfg)
    assert not framed_picture(np.ascontiguousarray(bare[..., ::-1]), box, cfg)


@pytest.mark.parametrize("frame_id", ["p8m-far-lfw2", "p8m-far-m50x84"])
def test_a_far_candidate_between_the_cascades_window_sizes_is_too_far_not_missing(
    analyzer: FrameAnalyzer, frame_id: str
) -> None:
    # 0.055-0.07 of the frame's height (2.8-3.4 m): the Haar cascade's windows at 0.75 scale sat tight round the face
    # and its find did not hold up under mediapipe, so the candidate was missing. A second sampling at full scale, on
    # the middle of the band, finds it when the first found nothing.
    assert analyzer.analyze(_frame(frame_id)).conditions == frozenset({"face_too_far"})


def test_a_soft_candidate_sitting_back_whom_mediapipe_misses_is_present(analyzer: FrameAnalyzer) -> None:
    # lfw4 at 1.2 m (0.175 of the height): neither detector, the tiles nor the second look find the soft face, and the
    # far search stopped at 0.135. It now goes to 0.2 (1 m) where a second cascade on the crop agrees.
    assert analyzer.analyze(_frame("p9m-ok-at-1.2m-lfw4")).conditions == frozenset()
