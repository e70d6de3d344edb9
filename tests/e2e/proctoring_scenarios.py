"""Browser proctoring scenarios: what a fake camera shows, what the anti-cheat must say, and one runner.

Each scenario is a short looped video (Chromium's fake camera plays a y4m file) made from the package
photographs of the labelled frame set (tests/data/proctoring/make_frames.py). The honest candidates move as
people do: a pixel or two of sway, a blink once in 10 s and the lips moving a little, warped along the face mesh
of the photograph (``_alive``); the photos held up (propped, or moved by hand) move only as a flat picture does. ``expected`` is None for an
honest candidate (no strike of any kind may be recorded) or the strike kind that must appear; ``forbidden``
names kinds that would be the wrong verdict (a plain wall is an absence, never a covered camera).
Used by tests/e2e/test_anticheat_camera.py (a quick subset, short windows) and bench/proctoring_browser.py
(all of them, the default windows, minutes each).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

FPS = 5
LOOP_SECONDS = 10


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    expected: str | None  # None: honest, zero strikes
    frames: Callable[[], list[np.ndarray]]  # BGR 640x480, LOOP_SECONDS * FPS of them
    forbidden: frozenset[str] = frozenset()
    # other kinds that are the right flag too (a photo propped up is a still picture or a face that is not live)
    also: frozenset[str] = frozenset()
    # "tune": looked at while changing the rules; "holdout": run once at the end (sixth pass onwards)
    split: str = "tune"


def _sway(frame: np.ndarray, step: int) -> np.ndarray:
    """A live person is never perfectly still: a pixel or two of breathing and head sway."""
    import cv2

    dx, dy = 1.5 * np.sin(step * 0.9), 1.0 * np.cos(step * 0.7)
    matrix = np.float32([[1, 0, dx], [0, 1, dy]])
    return cv2.warpAffine(frame, matrix, (frame.shape[1], frame.shape[0]), borderMode=cv2.BORDER_REFLECT)


# Face mesh points of each eye's (outer corner, inner corner, upper lid, lower lid) and of the mouth's
# (left corner, right corner, upper lip, lower lip).
_EYES = ((33, 133, 159, 145), (263, 362, 386, 374))
_MOUTH = (61, 291, 13, 14)


def _mesh_points(frame: np.ndarray) -> np.ndarray:
    import cv2
    import mediapipe as mp

    with mp.solutions.face_mesh.FaceMesh(static_image_mode=True, max_num_faces=1) as mesh:
        result = mesh.process(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB))
    if not result.multi_face_landmarks:
        raise ValueError("no face in the scenario's picture")
    h, w = frame.shape[:2]
    return np.array([[p.x * w, p.y * h] for p in result.multi_face_landmarks[0].landmark])


def _lid_and_lip_shift(points: np.ndarray, closed: float, mouth: float, shape: tuple[int, int]) -> np.ndarray:
    """Vertical source offsets (pixels) that close the eyes by ``closed`` (0..1) and open the mouth by ``mouth``
    (share of the mouth's width): the upper lid's skin is stretched down over the eye, the lower lip is pulled
    down. A non-rigid change of the face, as a blink or speech is; nothing outside the eyes and the mouth moves."""
    h, w = shape
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    shift = np.zeros((h, w), np.float32)
    for outer, inner, upper, lower in _EYES:
        (x0, _), (x1, _) = points[outer], points[inner]
        cx, width = (x0 + x1) / 2, abs(x1 - x0)
        top, bottom = points[upper][1], points[lower][1]
        opening = max(bottom - top, 1.0) * closed
        start = top - 1.5 * max(bottom - top, 2.0)
        across = np.clip(1.2 - np.abs(xs - cx) / (0.6 * width), 0, 1)  # full over the eye, fading at its ends
        ramp = np.clip((ys - start) / max(bottom - start, 1.0), 0, 1) * (ys <= bottom)
        shift += across * ramp * opening
    left, right, upper, lower = (points[i] for i in _MOUTH)
    cx, width = (left[0] + right[0]) / 2, abs(right[0] - left[0])
    drop = mouth * width
    lip = upper[1]
    across = np.clip(1.3 - np.abs(xs - cx) / (0.55 * width), 0, 1)
    below = np.clip(1 - (ys - lip) / (0.9 * width), 0, 1) * (ys >= lip)
    shift += across * below * drop
    return shift


def _alive(still: np.ndarray, blink_every: int, seed: int = 0) -> list[np.ndarray]:
    """A live candidate: the picture sways a pixel or two, the eyes blink every ``blink_every`` frames (two
    frames, half then fully closed) and the lips move a little now and then (reading under one's breath),
    warped along the face mesh of the still picture."""
    import cv2

    points = _mesh_points(still)
    h, w = still.shape[:2]
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    rng = np.random.default_rng(seed)
    frames = []
    for i in range(LOOP_SECONDS * FPS):
        phase = (i + seed) % blink_every
        closed = {0: 0.5, 1: 1.0}.get(phase, 0.0)
        mouth = max(0.0, 0.12 * np.sin(i * 2 * np.pi / (3.5 * FPS))) + rng.uniform(0, 0.02)
        shift = _lid_and_lip_shift(points, closed, mouth, (h, w))
        warped = cv2.remap(still, xs, ys - shift, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
        frames.append(_sway(warped, i))
    return frames


def _swaying(picture: np.ndarray) -> list[np.ndarray]:
    return [_sway(picture, i) for i in range(LOOP_SECONDS * FPS)]


def _mf():  # noqa: ANN202 - the frame set's generator, imported late (it loads skimage's data)
    from tests.data.proctoring import make_frames

    return make_frames


def _candidate(name: str = "astronaut", room: str = "room_clock") -> np.ndarray:
    mf = _mf()
    return mf.place(mf._sources()[room], mf.portrait(name), 0.5, 0.5, 0.75)  # noqa: SLF001


# Frames between blinks: once per loop, 6 a minute, about a screen reader's rate (4-5 a minute; 15-20 at rest).
BLINK_EVERY = LOOP_SECONDS * FPS


def _live(still: np.ndarray) -> list[np.ndarray]:
    return _alive(still, BLINK_EVERY)


def _still_live() -> list[np.ndarray]:
    return _live(_candidate())


def _dim() -> list[np.ndarray]:
    return _live(_mf().dim(_candidate("hopper"), 0.25, 3))


def _hand_on_chin() -> list[np.ndarray]:
    mf = _mf()
    return _live(mf.hand(_candidate(), 0.52, 0.72, 0.1, 0.06, 4))


def _glance() -> list[np.ndarray]:
    """Looks at notes for one second (the cameraman's turned head stands in for the glance) every 10 s."""
    mf = _mf()
    alive, glance = _live(_candidate()), mf._cover(mf._sources()["camera"])  # noqa: SLF001
    return [_sway(glance, i) if 4 * FPS <= i < 5 * FPS else frame for i, frame in enumerate(alive)]


def _plain_wall() -> list[np.ndarray]:
    ramp = np.linspace(150, 176, 640, dtype=np.float32)[None, :, None] * np.array([0.95, 1.0, 1.05], np.float32)
    wall = np.broadcast_to(ramp, (480, 640, 3)).astype(np.uint8)
    return [_mf().noise(wall, 2.0, i) for i in range(LOOP_SECONDS * FPS)]


def _absence() -> list[np.ndarray]:
    room = _mf()._sources()["room_coffee"]  # noqa: SLF001
    return _swaying(room)


def _two_people() -> list[np.ndarray]:
    mf = _mf()
    both = mf.place(mf.place(mf._sources()["room_page"], mf.portrait("astronaut"), 0.27, 0.5, 0.6),  # noqa: SLF001
                    mf.portrait("hopper"), 0.73, 0.5, 0.6)
    return _swaying(both)


def _photo() -> list[np.ndarray]:
    """A printed photo propped in front of the camera: the picture never changes but for sensor noise."""
    import cv2

    mf = _mf()
    printed = cv2.copyMakeBorder(mf.portrait("hopper"), 20, 20, 20, 20, cv2.BORDER_CONSTANT, value=(235, 235, 235))
    photo = mf.place(mf._sources()["room_brick"], printed, 0.5, 0.5, 0.8)  # noqa: SLF001
    return [mf.noise(photo, 1.5, i) for i in range(LOOP_SECONDS * FPS)]


def _photo_moved() -> list[np.ndarray]:
    """The same printed photo held in a hand: it moves rigidly (a few pixels, a slight tilt) and never blinks.
    The candidates above move as people do (blinks, lips); this one moves as a flat picture does."""
    import cv2

    mf = _mf()
    printed = cv2.copyMakeBorder(mf.portrait("hopper"), 20, 20, 20, 20, cv2.BORDER_CONSTANT, value=(235, 235, 235))
    photo = mf.place(mf._sources()["room_brick"], printed, 0.5, 0.5, 0.8)  # noqa: SLF001
    frames = []
    for i in range(LOOP_SECONDS * FPS):
        matrix = cv2.getRotationMatrix2D((320, 240), 1.5 * np.sin(i * 0.4), 1.0)
        matrix[:, 2] += (4 * np.sin(i * 0.3), 3 * np.cos(i * 0.5))
        moved = cv2.warpAffine(photo, matrix, (640, 480), borderMode=cv2.BORDER_REFLECT)
        frames.append(mf.noise(moved, 1.5, i))
    return frames


# Real people (fifth pass): LFW photographs of three more people, through the frame set's webcam pipeline.
def _real_person(index: int, room: str, gain: float = 1.0) -> np.ndarray:
    mf = _mf()
    rooms = mf._sources() | mf._more_rooms()  # noqa: SLF001
    return mf.webcam(mf.place(rooms[room], mf.person(index), 0.5, 0.5, 0.5), index, gain)


def _real_person_live() -> list[np.ndarray]:
    return _live(_real_person(12, "room_motorcycle"))


def _real_person_dim() -> list[np.ndarray]:
    return _live(_real_person(33, "room_coins", 0.35))


def _two_real_people() -> list[np.ndarray]:
    mf = _mf()
    both = mf.place(mf.place(mf._more_rooms()["room_clock_motion"], mf.person(22), 0.28, 0.5, 0.42),  # noqa: SLF001
                    mf.person(57), 0.72, 0.52, 0.4)
    return _swaying(mf.webcam(both, 5))


def _hand_on_lens_lit() -> list[np.ndarray]:
    """A hand pressed on the lens in a lit room: the light through the skin makes it brighter than "dark"."""
    import cv2

    mf = _mf()
    behind = mf.place(mf._sources()["room_coffee"], mf.person(46), 0.5, 0.5, 0.55)  # noqa: SLF001
    pressed = mf.webcam(cv2.GaussianBlur(mf.hand(behind, 0.5, 0.5, 0.9, 0.9, 57), (0, 0), 11), 6, 0.5, 0)
    return [mf.noise(pressed, 1.5, i) for i in range(LOOP_SECONDS * FPS)]


# Sixth pass (labelled before the frozen rule changed): more dim rooms and real people, frozen feeds made from live
# ones (the camera hangs: Chromium gets the very same frame again and again) and a photo in a dim room.
def _frozen(frames: list[np.ndarray], at: int = 7) -> list[np.ndarray]:
    """A camera that hangs on one frame of a live feed: every frame identical, its sensor noise included."""
    return [frames[at].copy() for _ in frames]


def _real_person_dim_b() -> list[np.ndarray]:
    return _live(_real_person(38, "room_moon", 0.35))


def _real_person_dim_c() -> list[np.ndarray]:
    return _live(_real_person(71, "room_coffee", 0.25))


def _real_person_dim_d() -> list[np.ndarray]:
    return _live(_real_person(87, "room_clock_motion", 0.5))


def _frozen_feed() -> list[np.ndarray]:
    return _frozen(_real_person_live())


def _frozen_feed_dim() -> list[np.ndarray]:
    return _frozen(_live(_real_person(59, "room_page", 0.3)), 23)


def _photo_dim() -> list[np.ndarray]:
    """A printed photo of a real person (LFW 64) propped up in a dim room (x0.35): fresh sensor noise every frame."""
    import cv2

    mf = _mf()
    printed = cv2.copyMakeBorder(mf.person(64), 20, 20, 20, 20, cv2.BORDER_CONSTANT, value=(235, 235, 235))
    photo = mf.place(mf._sources()["room_text"], printed, 0.5, 0.5, 0.6)  # noqa: SLF001
    return [mf.webcam(photo, i, 0.35) for i in range(LOOP_SECONDS * FPS)]


SCENARIOS: dict[str, Scenario] = {s.name: s for s in (
    Scenario("still_live", "one person, still but breathing", None, _still_live),
    Scenario("dim_light", "one person in a dim room (x0.25)", None, _dim),
    Scenario("hand_on_chin", "one person, a hand under the chin", None, _hand_on_chin),
    Scenario("glance_at_notes", "one person who looks aside for 1 s every 10 s", None, _glance),
    Scenario("plain_wall", "nobody in front of a plain wall", "face_missing", _plain_wall,
             forbidden=frozenset({"camera_covered"})),
    Scenario("real_absence", "nobody in an empty room", "face_missing", _absence,
             forbidden=frozenset({"camera_covered", "camera_frozen"})),
    Scenario("two_people", "two people side by side", "multiple_faces", _two_people),
    Scenario("photo", "a printed photo propped in front of the camera", "camera_frozen", _photo,
             also=frozenset({"face_not_live"})),
    Scenario("photo_moved", "a printed photo held in a moving hand", "face_not_live", _photo_moved,
             forbidden=frozenset({"camera_frozen"})),
    Scenario("real_person", "a real person (LFW 12) in a garage, webcam-like", None, _real_person_live),
    Scenario("real_person_dim", "a real person (LFW 33) in a dim room (x0.35)", None, _real_person_dim),
    Scenario("two_real_people", "two real people (LFW 22, 57) side by side", "multiple_faces", _two_real_people),
    Scenario("hand_on_lens_lit", "a hand pressed on the lens in a lit room, LFW 46 behind it", "camera_covered",
             _hand_on_lens_lit, forbidden=frozenset({"face_missing"})),
    Scenario("real_person_dim_b", "a real person (LFW 38) in a dark room (moon, x0.35)", None, _real_person_dim_b),
    Scenario("real_person_dim_c", "a real person (LFW 71) in a dim room (x0.25)", None, _real_person_dim_c,
             split="holdout"),
    Scenario("real_person_dim_d", "a real person (LFW 87) in a half-lit room (x0.5)", None, _real_person_dim_d,
             split="holdout"),
    Scenario("frozen_feed", "the camera hangs on one frame of a live real person (LFW 12)", "camera_frozen",
             _frozen_feed),
    Scenario("frozen_feed_dim", "the camera hangs on one frame of a real person (LFW 59) in a dim room (x0.3)",
             "camera_frozen", _frozen_feed_dim, split="holdout"),
    Scenario("photo_dim", "a printed photo of a real person (LFW 64) propped up in a dim room (x0.35)",
             "camera_frozen", _photo_dim, also=frozenset({"face_not_live"}), split="holdout"),
)}


def write_video(scenario: Scenario, path: Path) -> Path:
    import cv2

    from tests.e2e.conftest import write_y4m

    write_y4m(path, (cv2.cvtColor(frame, cv2.COLOR_BGR2RGB) for frame in scenario.frames()), FPS)
    return path


def analysed_frames(base_url: str) -> float:
    import httpx

    text = httpx.get(f"{base_url}/metrics", timeout=10).text
    found = re.search(r"^candidatex_anticheat_frames_analyzed_total ([0-9.e+]+)$", text, re.M)
    return float(found.group(1)) if found else 0.0


def run_scenario(browser_type: Any, base_url: str, scenario: Scenario, video: Path, seconds: float,
                 min_frames: int, strikes: int = 1) -> dict[str, Any]:
    """Play the scenario's video as the camera of a candidate in a running interview for ``seconds`` (a cheating
    scenario stops once its flag has been struck ``strikes`` times, or the session ended) and report the strikes the
    server recorded and the session's status (a flag that only marks the session for review leaves it active)."""
    from playwright.sync_api import expect

    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, Account, sign_in
    from tests.e2e.test_interview import started_session

    browser = browser_type.launch(executable_path=str(CHROMIUM),
                                  args=[*CHROMIUM_ARGS, f"--use-file-for-fake-video-capture={video}"])
    try:
        context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 800},
                                      permissions=["camera", "microphone"])
        page = context.new_page()
        page.set_default_timeout(30_000)
        candidate = Account(base_url, "candidate")
        session_id = started_session(candidate)
        sign_in(page, candidate.email, candidate.password)
        expect(page).to_have_url(re.compile(r"/candidate$"))
        page.goto(f"/candidate/interviews/{session_id}/room")
        expect(page.get_by_test_id("publishing")).to_be_visible(timeout=60_000)
        before, started = analysed_frames(base_url), time.monotonic()
        flagged_after = None
        counts: dict[str, int] = {}
        right = {scenario.expected, *scenario.also} if scenario.expected else set()
        while True:
            stored = candidate.call("GET", f"/interview/sessions/{session_id}")
            counts = stored.get("strike_counts") or {}
            elapsed = time.monotonic() - started
            if scenario.expected and right & set(counts) and flagged_after is None:
                flagged_after = round(elapsed, 1)
            struck = sum(counts.get(kind, 0) for kind in right)
            done = elapsed >= seconds and analysed_frames(base_url) - before >= min_frames
            if (flagged_after is not None and struck >= strikes) or stored["status"] not in ("active", "paused") or done \
                    or elapsed > seconds + 120:
                break
            page.wait_for_timeout(1000)
        frames = analysed_frames(base_url) - before
        context.close()
    finally:
        browser.close()
    if scenario.expected is None:
        correct = not counts
    else:
        correct = bool(right & set(counts)) and not (scenario.forbidden & set(counts))
    return {"scenario": scenario.name, "expected": scenario.expected or "no strike", "strikes": counts,
            "status": stored["status"], "frames_analysed": int(frames), "seconds": round(time.monotonic() - started, 1),
            "flagged_after_s": flagged_after, "correct": correct}
