"""Ninth pass, p9m (2 December): the face-missing verdict's thin kinds, ids ``p9m-``, split tune / holdout.

Made like the earlier passes' frames (``make_frames``): morphs of two LFW crops in pairings no earlier frame used
(tune parents 0-49, held-out 50-99), LFW people and the astronaut's portrait, in Pillow-drawn rooms with seeds no
earlier frame used (130-175: even tune, odd held out), through the webcam pipeline. Labels come from the recipe:

* distance by camera geometry (a morph crop at d metres fills 0.188 / d of the frame's height, an LFW crop 0.21 / d):
  1.0-1.3 m is an honest candidate at the desk (``ok``), 2.4-3.4 m is ``face_too_far``; 1.3-2.2 m is left out;
* **a picture of a face is not a candidate.** A print, a poster or a screen showing a face that hangs or stands in
  the room (behind the desk, so its picture is under 0.45 of the frame's height) is no one at the desk: with nobody
  else there the frame is ``face_missing``; beside a candidate it is one face (``ok``), not ``multiple_faces``.
  (A photo held up to the lens at the candidate's place stays one face per frame, as the set has labelled it since
  its first pass: that is judged over time, by liveness.) Every picture here has what a real one has round it: a
  mat, a frame or a screen's bezel;
* soft (out of focus) and low-light candidates are ``ok``; empty rooms with face-like clutter (a cup, a cat, a clock,
  the Shepp-Logan phantom's oval with two dark ellipses) are ``face_missing``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import cv2
import numpy as np

from tests.data.proctoring import make_frames as mf

Recipe = tuple[str, str, str, Callable[[], np.ndarray | None], str]


def p9m_people(split: str) -> list[tuple[int, int]]:
    used = {p for s in ("tune", "holdout") for p in mf._morphs(s) + mf._p8m_people(s)}
    used |= {(50 + i, 75 + (i * 11 + 4) % 25) for i in range(25)}
    base = 0 if split == "tune" else 50
    pairs = [(base + i, base + 25 + (i * 17 + 3) % 25) for i in range(25)]
    return [p for p in pairs if p not in used]


def framed(picture: np.ndarray, mat: int, mat_colour: tuple[int, int, int], frame: int,
           frame_colour: tuple[int, int, int]) -> np.ndarray:
    """A print with a mat and a frame round it (either may be 0 px wide)."""
    out = cv2.copyMakeBorder(picture, mat, mat, mat, mat, cv2.BORDER_CONSTANT, value=mat_colour) if mat else picture
    return cv2.copyMakeBorder(out, frame, frame, frame, frame, cv2.BORDER_CONSTANT, value=frame_colour) if frame else out


def screen(face: np.ndarray, backdrop: tuple[int, int, int]) -> np.ndarray:
    """A monitor showing a video call: the face on a flat backdrop, in a dark bezel."""
    h = face.shape[0]
    display = np.full((int(h * 1.25), int(h * 1.8), 3), backdrop, np.uint8)
    side = int(h * 1.25 * 0.8)
    small = cv2.resize(face, (side, side), interpolation=cv2.INTER_AREA)
    y0, x0 = int(display.shape[0] * 0.55 - side / 2), (display.shape[1] - side) // 2
    display[y0:y0 + side, x0:x0 + side] = small
    return cv2.copyMakeBorder(display, 12, 12, 12, 12, cv2.BORDER_CONSTANT, value=(24, 24, 28))


def phantom() -> np.ndarray:
    from skimage import data

    return mf._bgr((data.shepp_logan_phantom() * 255).astype(np.uint8))


def recipes_p9m() -> Iterator[Recipe]:
    for split in ("tune", "holdout"):
        yield from _p9m_split(split)


def _p9m_split(split: str) -> Iterator[Recipe]:
    people = p9m_people(split)
    s = 0 if split == "tune" else 1
    lfw = (4, 12, 18, 28) if split == "tune" else (51, 63, 71, 87)

    def seed(k: int) -> int:
        return 130 + 2 * k + s

    def name(p: tuple[int, int]) -> str:
        return f"m{p[0]}x{p[1]}"

    def room(k: int, light: float = 1.0, busy: bool = False) -> np.ndarray:
        return mf._p8m_room(seed(k), light, busy) if busy else mf.drawn_room(seed(k), light)

    # distances 1-3.4 m by camera geometry: honest at the desk (1.0-1.3 m) and too far (2.4-3.4 m)
    for n, d in enumerate((1.0, 1.15, 1.3)):
        p, height, cx = people[n], round(0.188 / d, 3), (0.42, 0.58, 0.5)[n]
        yield (f"p9m-ok-at-{d}m-{name(p)}", "ok", f"morph {p} at {d} m (height {height}) in drawn room {seed(n)}",
               lambda p=p, n=n, h=height, x=cx: mf.webcam(mf.place(room(n), mf.morph(p, 200), x, 0.46, h),
                                                          400 + 20 * s + n, 1.0, 0.7), split)
    i = lfw[0]
    yield (f"p9m-ok-at-1.2m-lfw{i}", "ok", f"lfw{i} at 1.2 m (height 0.175) in drawn room {seed(3)}",
           lambda i=i: mf.webcam(mf.place(room(3), mf.person(i, 200), 0.45, 0.45, 0.175), 403 + 20 * s, 0.9, 0.7), split)
    for n, d in enumerate((2.4, 2.9, 3.4)):
        p, height, cx = people[3 + n], round(0.188 / d, 3), (0.35, 0.6, 0.48)[n]
        yield (f"p9m-far-{d}m-{name(p)}", "face_too_far", f"morph {p} at {d} m (height {height}) in drawn room "
               f"{seed(4 + n)}", lambda p=p, n=n, h=height, x=cx: mf.webcam(
                   mf.place(room(4 + n), mf.morph(p, 120), x, 0.44, h), 404 + 20 * s + n, 1.0, 0.5), split)
    i = lfw[1]
    yield (f"p9m-far-3.0m-lfw{i}", "face_too_far", f"lfw{i} at 3.0 m (height 0.07) in busy drawn room {seed(7)}",
           lambda i=i: mf.webcam(mf.place(room(7, busy=True), mf.person(i, 120), 0.55, 0.42, 0.07), 407 + 20 * s, 1.0,
                                 0.5), split)

    # pictures of faces, nobody at the desk: a framed print with a mat, a print in a thin dark frame, a monitor
    # showing a video call, a magazine-style portrait
    p = people[6]
    yield (f"p9m-missing-framed-print-{name(p)}", "face_missing",
           f"nobody there; a print of morph {p} with a light mat and a wooden frame, height 0.22, drawn room {seed(8)}",
           lambda p=p: mf.webcam(mf.place(room(8), framed(mf.morph(p, 200), 22, (225, 228, 230), 8, (40, 70, 110)),
                                          (0.3, 0.7)[s], 0.33, 0.22), 410 + 20 * s), split)
    i = lfw[2]
    yield (f"p9m-missing-dark-frame-print-lfw{i}", "face_missing",
           f"nobody there; a print of lfw{i} in a thin black frame, height 0.32, drawn room {seed(9)}",
           lambda i=i: mf.webcam(mf.place(room(9), framed(mf.person(i, 200), 0, (0, 0, 0), 7, (20, 20, 20)),
                                          (0.62, 0.4)[s], 0.36, 0.32), 411 + 20 * s), split)
    p = people[7]
    yield (f"p9m-missing-screen-face-{name(p)}", "face_missing",
           f"nobody there; a monitor behind the desk showing morph {p} on a video call, height 0.3, drawn room {seed(10)}",
           lambda p=p: mf.webcam(mf.place(room(10), screen(mf.morph(p, 200), ((120, 100, 80), (90, 110, 95))[s]),
                                          0.5, 0.45, 0.3), 412 + 20 * s), split)
    who = ("astronaut", "hopper")[s]
    yield (f"p9m-missing-portrait-poster-{who}", "face_missing",
           f"nobody there; a poster of {who}'s portrait with a white border, height 0.4, drawn room {seed(11)}",
           lambda w=who: mf.webcam(mf.place(room(11), framed(mf.portrait(w), 24, (238, 238, 238), 0, (0, 0, 0)),
                                            (0.35, 0.65)[s], 0.38, 0.4), 413 + 20 * s), split)

    # a candidate with a picture of a face on the wall or a screen behind: one face
    p, q = people[8], people[9]
    yield (f"p9m-ok-with-print-{name(p)}-{name(q)}", "ok",
           f"morph {p} at the desk (height 0.45), a framed print of morph {q} on the wall (height 0.2)",
           lambda p=p, q=q: mf.webcam(mf.place(mf.place(room(12), framed(mf.morph(q, 200), 20, (230, 230, 225), 7,
                                                                        (30, 30, 30)), (0.82, 0.18)[s], 0.28, 0.2),
                                               mf.morph(p), (0.42, 0.58)[s], 0.55, 0.45), 414 + 20 * s), split)
    p, q = people[10], people[11]
    yield (f"p9m-ok-with-screen-{name(p)}-{name(q)}", "ok",
           f"morph {p} at the desk (height 0.5), a monitor behind showing morph {q} (height 0.26)",
           lambda p=p, q=q: mf.webcam(mf.place(mf.place(room(13), screen(mf.morph(q, 200), (110, 90, 70)),
                                                        (0.18, 0.82)[s], 0.32, 0.26),
                                               mf.morph(p), (0.6, 0.4)[s], 0.56, 0.5), 415 + 20 * s), split)
    i, q = lfw[3], people[12]
    yield (f"p9m-ok-with-poster-lfw{i}-{name(q)}", "ok",
           f"lfw{i} sitting back at 1.2 m (height 0.175), a poster of morph {q} with a mat (height 0.3) on the wall",
           lambda i=i, q=q: mf.webcam(mf.place(mf.place(room(14), framed(mf.morph(q, 200), 24, (215, 220, 225), 0,
                                                                        (0, 0, 0)), (0.75, 0.25)[s], 0.32, 0.3),
                                               mf.person(i, 200), (0.4, 0.6)[s], 0.47, 0.175), 416 + 20 * s), split)

    # soft and low-light honest candidates
    for n, (blur, gain, sigma) in enumerate(((3.0, 0.45, 3.0), (1.2, 0.2, 4.0), (2.2, 0.35, 3.5))):
        p = people[13 + n]
        yield (f"p9m-ok-soft-dim-{name(p)}", "ok",
               f"morph {p} in drawn room {seed(15 + n)}, blur {blur}, light x{gain}, noise {sigma}",
               lambda p=p, n=n, b=blur, g=gain, sg=sigma: mf.webcam(
                   mf.place(room(15 + n), mf.morph(p), (0.45, 0.55, 0.5)[n], 0.5, 0.46), 420 + 20 * s + n, g, b, sg, 70),
               split)
    p = people[16]
    yield (f"p9m-ok-sitting-back-soft-dim-{name(p)}", "ok",
           f"morph {p} at 1.2 m (height 0.157), blur 1.8, light x0.5, drawn room {seed(18)}",
           lambda p=p: mf.webcam(mf.place(room(18), mf.morph(p, 160), 0.5, 0.45, 0.157), 423 + 20 * s, 0.5, 1.8, 3.0),
           split)

    # empty rooms with face-like clutter
    yield (f"p9m-missing-phantom-poster-{split}", "face_missing",
           f"nobody there; busy drawn room {seed(19)} with a poster of the Shepp-Logan phantom (an oval, two dark ovals)",
           lambda: mf.webcam(mf.place(room(19, busy=True), framed(phantom(), 0, (0, 0, 0), 10, (40, 40, 40)),
                                      (0.7, 0.3)[s], 0.35, 0.3), 424 + 20 * s), split)
    yield (f"p9m-missing-dim-clutter-{split}", "face_missing",
           f"nobody there; busy drawn room {seed(20)} in a dim light (x0.35), a clock on the wall",
           lambda: mf.webcam(mf.place(room(20, busy=True), mf._sources()["room_clock"], (0.4, 0.6)[s], 0.3, 0.25),
                             425 + 20 * s, 0.35, 1.0, 3.0), split)
    yield (f"p9m-missing-cup-poster-{split}", "face_missing",
           f"nobody there; drawn room {seed(21)} with a framed poster of the coffee cup, height 0.35",
           lambda: mf.webcam(mf.place(room(21), framed(mf._sources()["room_coffee"], 0, (0, 0, 0), 12, (40, 40, 40)),
                                      (0.55, 0.45)[s], 0.35, 0.35), 426 + 20 * s), split)
