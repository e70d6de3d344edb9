"""Real photographs turned into webcam-like frames for the anti-cheat tests.

Faces: ``skimage.data.astronaut()`` (Eileen Collins, frontal), ``grace_hopper.jpg`` shipped with
matplotlib (frontal), and ``skimage.data.camera()`` (the cameraman, head turned to his camera).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

import cv2
import numpy as np
import pytest
from matplotlib import cbook
from skimage import data

from candidatex.anticheat.vision import FrameAnalyzer, VisionConfig

WIDTH, HEIGHT = 640, 480


def tune_frame(recipes: Iterable[tuple], frame_id: str) -> np.ndarray:
    """The frame ``frame_id`` rendered from a labelled set's recipes (id, label, recipe, make, split): tests pin
    behaviour on the tune split only, never on held-out frames."""
    for found, _label, _recipe, make, split in recipes:
        if found == frame_id:
            assert split == "tune"
            image = make()
            assert image is not None
            return image
    raise KeyError(frame_id)


def _to_bgr(rgb: np.ndarray) -> np.ndarray:
    if rgb.ndim == 2:
        return cv2.cvtColor(rgb, cv2.COLOR_GRAY2BGR)
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)


def _fill_frame(image: np.ndarray, width: int = WIDTH, height: int = HEIGHT) -> np.ndarray:
    """Scale to cover width x height and keep the top part, where the head is."""
    scale = max(width / image.shape[1], height / image.shape[0])
    resized = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    x0 = (resized.shape[1] - width) // 2
    return np.ascontiguousarray(resized[:height, x0 : x0 + width])


@pytest.fixture(scope="session")
def astronaut_frame() -> np.ndarray:
    return _fill_frame(_to_bgr(data.astronaut()))


@pytest.fixture(scope="session")
def hopper_frame() -> np.ndarray:
    image = cv2.imread(cbook.get_sample_data("grace_hopper.jpg", asfileobj=False))
    return _fill_frame(image)


@pytest.fixture(scope="session")
def turned_face_frame() -> np.ndarray:
    return _fill_frame(_to_bgr(data.camera()))


@pytest.fixture(scope="session")
def empty_room_frame() -> np.ndarray:
    return _fill_frame(_to_bgr(data.coffee()))


@pytest.fixture(scope="session")
def two_people_wide_frame(astronaut_frame: np.ndarray, hopper_frame: np.ndarray) -> np.ndarray:
    """Two people side by side in a 1280x480 frame (a 16:9-ish wide webcam)."""
    return np.ascontiguousarray(np.hstack([astronaut_frame, hopper_frame]))


@pytest.fixture(scope="session")
def far_face_frame() -> np.ndarray:
    """The astronaut shrunk into a corner of an empty room: a face far from the camera."""
    frame = _fill_frame(_to_bgr(data.coffee())).copy()
    small = cv2.resize(_to_bgr(data.astronaut()), (200, 200), interpolation=cv2.INTER_AREA)
    frame[140:340, 220:420] = small
    return frame


@pytest.fixture(scope="session")
def close_face_frame() -> np.ndarray:
    """The astronaut's face filling the frame: too close to the camera."""
    face = _to_bgr(data.astronaut())[50:170, 145:305]  # a 4:3 crop around the face
    return cv2.resize(face, (WIDTH, HEIGHT), interpolation=cv2.INTER_CUBIC)


@pytest.fixture(scope="session")
def covered_frame() -> np.ndarray:
    """A hand over the lens: almost black, with sensor noise."""
    rng = np.random.default_rng(7)
    return rng.normal(8, 3, size=(HEIGHT, WIDTH, 3)).clip(0, 255).astype(np.uint8)


def _with_sensor_noise(frame: np.ndarray, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    noise = rng.normal(0, 3, size=frame.shape)
    return (frame.astype(np.float32) + noise).clip(0, 255).astype(np.uint8)


@pytest.fixture(scope="session")
def with_sensor_noise() -> Callable[[np.ndarray, int], np.ndarray]:
    """A live camera never delivers the same frame twice: ``with_sensor_noise(frame, seed)``."""
    return _with_sensor_noise


@pytest.fixture(scope="session")
def shared_analyzer() -> Iterator[FrameAnalyzer]:
    with FrameAnalyzer(VisionConfig()) as analyzer:
        yield analyzer


@pytest.fixture
def analyzer(shared_analyzer: FrameAnalyzer) -> FrameAnalyzer:
    """The session's analyzer with no memory of earlier frames (frozen detection starts afresh)."""
    shared_analyzer.reset()
    return shared_analyzer
