"""The labelled proctoring frame set, made from images that installed packages ship.

Nothing here is downloaded or committed as pixels: ``build()`` makes every frame from a recipe,
deterministically (fixed seeds), and ``manifest.json`` beside this file lists each frame's id,
recipe and label, so the set can be reviewed and any change to it shows in a diff.

Sources: ``skimage.data`` (astronaut: Eileen Collins, public domain; camera: the cameraman, head
turned; lfw_subset: 100 face crops from Labeled Faces in the Wild; coffee, brick, grass, gravel,
rocket, chelsea, page, text, clock as rooms, walls and a cat) and matplotlib's grace_hopper.jpg.

Labels (one per frame): ``ok`` (one honest candidate: frontal, dim, blurred, hand on chin, slightly
turned, half out of the frame, a photo held up - a photo is one face per frame, its liveness is a
matter of time), ``face_missing``, ``multiple_faces``, ``camera_covered``, ``looking_away`` (a real
head turned past 30 degrees: the cameraman), ``face_too_far``, ``face_too_close``, and
``rendered_turn``: frontal faces whose face-mesh landmarks were turned 45-55 degrees in 3-D and drawn
triangle by triangle, far to near (``turn_head``). The render turns the inner face only (hair and outline
stay), so it is a weaker turn than a real one; the benchmark reports its recall on its own line.

    python tests/data/proctoring/make_frames.py            # rewrite manifest.json
    python tests/data/proctoring/make_frames.py --out DIR  # also write the frames as PNG for a look
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import cv2
import numpy as np

W, H = 640, 480
MANIFEST = Path(__file__).with_name("manifest.json")


@dataclass(frozen=True)
class Frame:
    id: str
    label: str
    recipe: str
    image: np.ndarray  # BGR, H x W


def _bgr(rgb: np.ndarray) -> np.ndarray:
    if rgb.ndim == 2:
        return cv2.cvtColor(rgb, cv2.COLOR_GRAY2BGR)
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)


def _cover(image: np.ndarray, width: int = W, height: int = H) -> np.ndarray:
    scale = max(width / image.shape[1], height / image.shape[0])
    resized = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC)
    y0 = (resized.shape[0] - height) // 2
    x0 = (resized.shape[1] - width) // 2
    return np.ascontiguousarray(resized[y0 : y0 + height, x0 : x0 + width])


@cache
def _sources() -> dict[str, np.ndarray]:
    from matplotlib import cbook
    from skimage import data

    rooms = {name: _cover(_bgr(getattr(data, name)())) for name in
             ("coffee", "rocket", "chelsea", "page", "text", "clock", "brick", "grass", "gravel")}
    hopper = cv2.imread(cbook.get_sample_data("grace_hopper.jpg", asfileobj=False))
    return {
        "astronaut": _bgr(data.astronaut()),
        "hopper": hopper,
        "camera": _bgr(data.camera()),
        **{f"room_{k}": v for k, v in rooms.items()},
    }


@cache
def _lfw() -> np.ndarray:
    from skimage import data

    return (data.lfw_subset()[:100] * 255).astype(np.uint8)  # the first 100 are faces


# Head-and-shoulders crops (x0, y0, x1, y1) of the two portraits: the face is ~40 % of the crop's width.
_PORTRAITS = {"astronaut": (100, 0, 380, 300), "hopper": (60, 0, 460, 420)}


def portrait(name: str) -> np.ndarray:
    x0, y0, x1, y1 = _PORTRAITS[name]
    return _sources()[name][y0:y1, x0:x1]


def lfw_face(index: int, size: int = 200) -> np.ndarray:
    face = cv2.resize(_lfw()[index], (size, size), interpolation=cv2.INTER_CUBIC)
    return cv2.cvtColor(face, cv2.COLOR_GRAY2BGR)


def place(background: np.ndarray, item: np.ndarray, cx: float, cy: float, height: float) -> np.ndarray:
    """Paste ``item`` scaled to ``height`` (share of frame height), centred at (cx, cy) in frame shares."""
    out = background.copy()
    h = max(8, int(height * H))
    w = max(8, int(item.shape[1] * h / item.shape[0]))
    scaled = cv2.resize(item, (w, h), interpolation=cv2.INTER_AREA if h < item.shape[0] else cv2.INTER_CUBIC)
    x0, y0 = int(cx * W - w / 2), int(cy * H - h / 2)
    fx0, fy0, fx1, fy1 = max(0, x0), max(0, y0), min(W, x0 + w), min(H, y0 + h)
    if fx1 > fx0 and fy1 > fy0:
        out[fy0:fy1, fx0:fx1] = scaled[fy0 - y0 : fy1 - y0, fx0 - x0 : fx1 - x0]
    return out


def rotate(image: np.ndarray, degrees: float) -> np.ndarray:
    matrix = cv2.getRotationMatrix2D((image.shape[1] / 2, image.shape[0] / 2), degrees, 1.0)
    return cv2.warpAffine(image, matrix, (image.shape[1], image.shape[0]), borderMode=cv2.BORDER_REFLECT)


def noise(image: np.ndarray, sigma: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return (image.astype(np.float32) + rng.normal(0, sigma, image.shape)).clip(0, 255).astype(np.uint8)


def dim(image: np.ndarray, gain: float, seed: int) -> np.ndarray:
    return noise((image.astype(np.float32) * gain).astype(np.uint8), 2.0, seed)


def hand(image: np.ndarray, cx: float, cy: float, rx: float, ry: float, seed: int) -> np.ndarray:
    """A skin-toned, softly shaded ellipse: a hand or fingers in front of the camera."""
    out = image.copy()
    mask = np.zeros(image.shape[:2], np.float32)
    cv2.ellipse(mask, (int(cx * W), int(cy * H)), (int(rx * W), int(ry * H)), 15, 0, 360, 1.0, -1)
    mask = cv2.GaussianBlur(mask, (0, 0), 6)[..., None]
    rng = np.random.default_rng(seed)
    tone = np.array([120, 150, 205], np.float32) * rng.uniform(0.7, 1.1)  # BGR skin
    shading = np.linspace(0.8, 1.1, W, dtype=np.float32)[None, :, None]
    skin = np.clip(tone * shading + rng.normal(0, 3, image.shape), 0, 255)
    return (out * (1 - mask) + skin * mask).astype(np.uint8)


def turn_head(image: np.ndarray, yaw_deg: float, pitch_deg: float = 0.0) -> np.ndarray | None:
    """Render the face turned by ``yaw_deg`` (and ``pitch_deg``): face mesh gives its 3-D landmarks, they are
    rotated about the head's centre (half a face width behind the face), and the mesh's triangles are drawn far
    to near, those turned away from the camera left out, so the near cheek hides the nose's far side as it does
    on a real turn. The face's old place is filled in from its surroundings first. (Before: one piecewise-affine
    warp of all the landmarks, which folded the face over itself past ~40 degrees: a rendered 55 degrees was
    measured as 13-20.)"""
    import mediapipe as mp

    h, w = image.shape[:2]
    with mp.solutions.face_mesh.FaceMesh(static_image_mode=True, max_num_faces=1) as mesh:
        result = mesh.process(cv2.cvtColor(image, cv2.COLOR_BGR2RGB))
    if not result.multi_face_landmarks:
        return None
    points = np.array([[p.x * w, p.y * h, p.z * w] for p in result.multi_face_landmarks[0].landmark])[:468]
    points[:, 0] = points[:, 0].clip(0, w - 1)
    points[:, 1] = points[:, 1].clip(0, h - 1)
    a, b = math.radians(yaw_deg), math.radians(pitch_deg)
    yaw = np.array([[math.cos(a), 0, math.sin(a)], [0, 1, 0], [-math.sin(a), 0, math.cos(a)]])
    pitch = np.array([[1, 0, 0], [0, math.cos(b), -math.sin(b)], [0, math.sin(b), math.cos(b)]])
    centre = points.mean(axis=0) + np.array([0.0, 0.0, 0.5 * float(np.ptp(points[:, 0]))])
    moved = (points - centre) @ (pitch @ yaw).T + centre
    subdiv = cv2.Subdiv2D((0, 0, w, h))
    for x, y in points[:, :2]:
        subdiv.insert((float(x), float(y)))
    triangles = []
    for corners in subdiv.getTriangleList().reshape(-1, 3, 2):
        ids = [int(np.argmin(np.hypot(*(points[:, :2] - corner).T))) for corner in corners]
        if len(set(ids)) == 3:
            triangles.append(ids)
    hull = np.zeros((h, w), np.uint8)
    cv2.fillConvexPoly(hull, cv2.convexHull(points[:, :2].astype(np.int32)), 255)
    out = cv2.inpaint(image, hull, 5, cv2.INPAINT_TELEA)

    def signed_area(tri: np.ndarray) -> float:
        return float((tri[1, 0] - tri[0, 0]) * (tri[2, 1] - tri[0, 1]) - (tri[2, 0] - tri[0, 0]) * (tri[1, 1] - tri[0, 1]))

    for ids in sorted(triangles, key=lambda t: -float(moved[t, 2].mean())):  # face mesh's z: larger is farther
        src, dst = points[ids, :2].astype(np.float32), moved[ids, :2].astype(np.float32)
        if np.sign(signed_area(src)) != np.sign(signed_area(dst)) or abs(signed_area(dst)) < 0.5:
            continue  # turned away from the camera
        x, y, bw, bh = cv2.boundingRect(dst)
        x0, y0, x1, y1 = max(x, 0), max(y, 0), min(x + bw, w), min(y + bh, h)
        if x1 <= x0 or y1 <= y0:
            continue
        local = dst - np.float32([x, y])
        patch = cv2.warpAffine(image, cv2.getAffineTransform(src, local), (bw, bh), borderMode=cv2.BORDER_REFLECT)
        mask = np.zeros((bh, bw), np.uint8)
        cv2.fillConvexPoly(mask, local.astype(np.int32), 255)
        inside = mask[y0 - y : y1 - y, x0 - x : x1 - x] > 0
        out[y0:y1, x0:x1][inside] = patch[y0 - y : y1 - y, x0 - x : x1 - x][inside]
    return out


def _recipes() -> Iterator[tuple[str, str, str, Callable[[], np.ndarray | None]]]:
    src = _sources()
    rooms = [k for k in src if k.startswith("room_") and k not in ("room_chelsea",)]
    textured_rooms = ["room_coffee", "room_rocket", "room_page", "room_text", "room_clock", "room_brick"]

    def wall(seed: int, level: float) -> np.ndarray:
        rng = np.random.default_rng(seed)
        ramp = np.linspace(level - 12, level + 12, W, dtype=np.float32)[None, :, None]
        tint = rng.uniform(0.85, 1.1, size=3).astype(np.float32)
        return cv2.GaussianBlur((ramp * tint + rng.normal(0, 3, (H, W, 3))).clip(0, 255).astype(np.uint8), (3, 3), 0)

    faces = [("astronaut", lambda: portrait("astronaut")), ("hopper", lambda: portrait("hopper"))]
    # 18 people; lfw30 and lfw75 are left out: their heads are turned about 30 degrees (hand-labelled
    # as ambiguous, neither honest-frontal nor clearly away).
    faces += [(f"lfw{i}", (lambda i=i: lfw_face(i))) for i in range(0, 100, 5) if i not in (30, 75)]

    # ok: one frontal candidate at a normal distance, on varied rooms, slight roll
    for n, (name, face) in enumerate(faces):
        room = textured_rooms[n % len(textured_rooms)]
        height = 0.75 if name in _PORTRAITS else 0.5
        roll = (-8, 0, 8)[n % 3]
        yield (f"ok-frontal-{name}", "ok", f"{name} on {room}, height {height}, roll {roll}",
               lambda f=face, r=room, h=height, d=roll: noise(rotate(place(src[r], f(), 0.5, 0.5, h), d), 2, 1))
    for n, (name, face) in enumerate(faces[:12]):
        gain = (0.18, 0.25, 0.35)[n % 3]
        height = 0.75 if name in _PORTRAITS else 0.5
        yield (f"ok-dim-{name}", "ok", f"{name} on room_coffee, brightness x{gain}",
               lambda f=face, g=gain, h=height, n=n: dim(place(src["room_coffee"], f(), 0.5, 0.5, h), g, n))
    for n, (name, face) in enumerate(faces[:10]):
        sigma = (2.0, 3.5)[n % 2]
        height = 0.75 if name in _PORTRAITS else 0.5
        yield (f"ok-blur-{name}", "ok", f"{name} on room_rocket, gaussian blur sigma {sigma}",
               lambda f=face, s=sigma, h=height: cv2.GaussianBlur(place(src["room_rocket"], f(), 0.5, 0.5, h), (0, 0), s))
    for n, (name, face) in enumerate(faces[:10]):
        height = 0.75 if name in _PORTRAITS else 0.5
        chin_y = 0.5 + (0.33 if name in _PORTRAITS else 0.22) * (1 if name in _PORTRAITS else 1)
        yield (f"ok-hand-on-chin-{name}", "ok", f"{name}, a hand under the chin",
               lambda f=face, h=height, y=chin_y, n=n, portrait=name in _PORTRAITS: hand(
                   place(src["room_clock"], f(), 0.5, 0.5, h), 0.52, 0.72 if portrait else y, 0.1, 0.06, n))
    for n, (name, face) in enumerate(faces[:8]):
        side = (0.16, 0.84)[n % 2]
        height = 0.75 if name in _PORTRAITS else 0.5
        yield (f"ok-half-in-frame-{name}", "ok", f"{name} at the frame's edge, about a third of the face cut off",
               lambda f=face, s=side, h=height: place(src["room_page"], f(), s if h < 0.7 else (0.2 if s < 0.5 else 0.8),
                                                     0.5, h))
    for n, (name, face) in enumerate(faces[:8]):
        room = textured_rooms[(n + 2) % len(textured_rooms)]
        yield (f"ok-photo-held-up-{name}", "ok", f"a printed photo of {name} with a white border, held up on {room}",
               lambda f=face, r=room: place(src[r], cv2.copyMakeBorder(f(), 20, 20, 20, 20, cv2.BORDER_CONSTANT,
                                                                      value=(235, 235, 235)), 0.5, 0.5, 0.6))
    for name in ("astronaut", "hopper"):
        for yaw in (-12, 12):
            yield (f"ok-slight-turn-{name}{yaw:+d}", "ok", f"{name} rendered turned {yaw} degrees",
                   lambda n=name, y=yaw: _turned(n, y))

    # face_missing: empty rooms, plain walls, dim empty rooms, a cat, a hand over the face
    for n, room in enumerate(rooms):
        for angle in (0, 6):
            yield (f"missing-room-{room}-{angle}", "face_missing", f"{room}, nobody there, rotated {angle}",
                   lambda r=room, a=angle, n=n: noise(rotate(src[r], a), 2, n))
    for n, level in enumerate((60, 110, 150, 190, 225, 90, 130, 170)):
        yield (f"missing-wall-{level}", "face_missing", f"a plain wall, grey level {level}",
               lambda n=n, lv=level: wall(n, lv))
    for n, room in enumerate(("room_coffee", "room_clock", "room_page", "room_rocket", "room_brick", "room_text")):
        yield (f"missing-dim-{room}", "face_missing", f"{room} in a dim light (x0.3), nobody there",
               lambda r=room, n=n: dim(src[r], 0.3, n))
    yield ("missing-cat", "face_missing", "room_chelsea: a cat, no person", lambda: noise(src["room_chelsea"], 2, 5))
    for n, (name, face) in enumerate(faces[:8]):
        height = 0.75 if name in _PORTRAITS else 0.5
        yield (f"missing-hand-over-face-{name}", "face_missing", f"{name} with a hand over the whole face",
               lambda f=face, h=height, n=n: hand(place(src["room_coffee"], f(), 0.5, 0.5, h),
                                                  0.5, 0.36 if h > 0.7 else 0.5, 0.22, 0.3, n))

    # multiple_faces: two people side by side, a second person behind, three people
    for n in range(14):
        a, b = faces[n % len(faces)], faces[(n + 7) % len(faces)]
        ha = 0.6 if a[0] in _PORTRAITS else 0.42
        hb = 0.6 if b[0] in _PORTRAITS else 0.42
        room = rooms[n % len(rooms)]
        yield (f"multiple-side-by-side-{a[0]}-{b[0]}", "multiple_faces", f"{a[0]} and {b[0]} side by side on {room}",
               lambda a=a, b=b, ha=ha, hb=hb, r=room: place(place(src[r], a[1](), 0.27, 0.5, ha), b[1](), 0.73, 0.5, hb))
    for n in range(8):
        a, b = faces[n % len(faces)], faces[(n + 3) % len(faces)]
        ha = 0.75 if a[0] in _PORTRAITS else 0.5
        yield (f"multiple-behind-{a[0]}-{b[0]}", "multiple_faces", f"{a[0]} with {b[0]} smaller, behind, at the side",
               lambda a=a, b=b, ha=ha: place(place(src["room_clock"], b[1](), 0.85, 0.3, 0.28), a[1](), 0.42, 0.55, ha))
    for n in range(3):
        trio = [faces[(n + k * 4) % len(faces)] for k in range(3)]
        yield (f"multiple-three-{n}", "multiple_faces", "three people in a row",
               lambda t=trio: place(place(place(src["room_page"], t[0][1](), 0.18, 0.5, 0.35), t[1][1](), 0.5, 0.5, 0.35),
                                    t[2][1](), 0.82, 0.5, 0.35))

    # camera_covered: a dark lens, a finger lit from behind, a hand pressed on the lens
    for n, level in enumerate((0, 3, 6, 10, 14, 18)):
        yield (f"covered-dark-{level}", "camera_covered", f"black with sensor noise, level {level}",
               lambda lv=level, n=n: noise(np.full((H, W, 3), lv, np.uint8), 3, n))
    for n, tone in enumerate(((40, 70, 160), (30, 60, 130), (60, 90, 190), (20, 40, 90), (50, 80, 150), (35, 55, 110))):
        yield (f"covered-finger-{n}", "camera_covered", f"a finger lit from behind, BGR {tone}",
               lambda t=tone, n=n: cv2.GaussianBlur(noise(np.full((H, W, 3), t, np.uint8), 3, n), (0, 0), 8))
    for n, (name, face) in enumerate(faces[:6]):
        yield (f"covered-hand-on-lens-{name}", "camera_covered", f"a hand pressed on the lens in front of {name}: dark, blurred skin",
               lambda f=face, n=n: cv2.GaussianBlur(dim(hand(place(src["room_coffee"], f(), 0.5, 0.5, 0.6),
                                                            0.5, 0.5, 0.9, 0.9, n), 0.25, n), (0, 0), 10))
    for n, room in enumerate(("room_coffee", "room_clock")):
        yield (f"covered-tape-{room}", "camera_covered", "tape over the lens: a dark, featureless picture",
               lambda r=room, n=n: noise(cv2.GaussianBlur(dim(src[r], 0.08, n), (0, 0), 25), 2, n))

    # looking_away: head turned past 30 degrees
    for name in ("astronaut", "hopper"):
        for yaw in (-55, -45, 45, 55):
            yield (f"render-turn-{name}{yaw:+d}", "rendered_turn", f"{name} rendered turned {yaw} degrees",
                   lambda n=name, y=yaw: _turned(n, y))
    for index in (0, 20, 40, 60):
        for yaw in (-50, 50):
            yield (f"render-turn-lfw{index}{yaw:+d}", "rendered_turn", f"lfw{index} rendered turned {yaw} degrees",
                   lambda i=index, y=yaw: _turned_lfw(i, y))
    for mirrored in (False, True):
        for n, room in enumerate(("room_coffee", "room_rocket")):
            yield (f"away-cameraman-{'mirror-' if mirrored else ''}{room}", "looking_away",
                   f"the cameraman, head turned to his camera{', mirrored' if mirrored else ''}",
                   lambda m=mirrored, n=n: noise(_cover(src["camera"][:, ::-1] if m else src["camera"]), 2, n))
        for variant, make in (("dim", lambda im: dim(im, 0.35, 3)), ("blur", lambda im: cv2.GaussianBlur(im, (0, 0), 2)),
                              ("zoom", lambda im: _zoom_crop(im, (100, 20, 420, 260), 1.0))):
            yield (f"away-cameraman-{'mirror-' if mirrored else ''}{variant}", "looking_away",
                   f"the cameraman, head turned, {variant}{', mirrored' if mirrored else ''}",
                   lambda m=mirrored, f=make: f(_cover(np.ascontiguousarray(src["camera"][:, ::-1]) if m else src["camera"])))

    # face_too_far / face_too_close
    # Far needs sharp faces: the LFW crops are 25 px and vanish when small, so the two portraits.
    for n in range(12):
        name = ("astronaut", "hopper")[n % 2]
        height, cx = (0.2, 0.22, 0.24)[n % 3], (0.3, 0.5, 0.7)[(n // 2) % 3]
        room = textured_rooms[n % len(textured_rooms)]
        yield (f"far-{name}-{n}", "face_too_far", f"{name} small and far on {room}, height {height}",
               lambda nm=name, h=height, r=room, x=cx: place(src[r], portrait(nm), x, 0.45, h))
    close_crops = {"astronaut": (145, 50, 305, 170), "hopper": (140, 60, 380, 240)}
    for name, (x0, y0, x1, y1) in close_crops.items():
        for zoom in (1.0, 0.85, 1.15):
            yield (f"close-{name}-{zoom}", "face_too_close", f"{name}'s face filling the frame (zoom {zoom})",
                   lambda nm=name, c=(x0, y0, x1, y1), z=zoom: _zoom_crop(src[nm], c, z))
    for i in range(0, 60, 10):
        yield (f"close-lfw{i}", "face_too_close", f"lfw{i}'s face filling the frame",
               lambda i=i: cv2.resize(_lfw()[i][2:23, 1:24], (W, H), interpolation=cv2.INTER_CUBIC)[..., None].repeat(3, 2))


def _zoom_crop(image: np.ndarray, crop: tuple[int, int, int, int], zoom: float) -> np.ndarray:
    x0, y0, x1, y1 = crop
    cx, cy, hw, hh = (x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) / 2 / zoom, (y1 - y0) / 2 / zoom
    part = image[int(max(0, cy - hh)) : int(cy + hh), int(max(0, cx - hw)) : int(cx + hw)]
    return cv2.resize(part, (W, H), interpolation=cv2.INTER_CUBIC)


@cache
def _turned(name: str, yaw: float) -> np.ndarray | None:
    rendered = turn_head(portrait(name), yaw)
    if rendered is None:
        return None
    return noise(place(_sources()["room_brick"], rendered, 0.5, 0.5, 0.75), 2, int(yaw) % 7)


@cache
def _turned_lfw(index: int, yaw: float) -> np.ndarray | None:
    rendered = turn_head(lfw_face(index, 300), yaw)
    if rendered is None:
        return None
    return noise(place(_sources()["room_coffee"], rendered, 0.5, 0.5, 0.55), 2, index % 7)


def build() -> Iterator[Frame]:
    for frame_id, label, recipe, make in _recipes():
        image = make()
        if image is not None:
            yield Frame(frame_id, label, recipe, image)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, help="also write each frame as PNG into this folder")
    args = parser.parse_args()
    entries = []
    for frame in build():
        entries.append({"id": frame.id, "label": frame.label, "recipe": frame.recipe,
                        "mean_grey": round(float(frame.image.mean()), 1)})
        if args.out:
            args.out.mkdir(parents=True, exist_ok=True)
            cv2.imwrite(str(args.out / f"{frame.id}.png"), frame.image)
    MANIFEST.write_text(json.dumps({"frames": entries}, indent=1) + "\n")
    counts: dict[str, int] = {}
    for entry in entries:
        counts[entry["label"]] = counts.get(entry["label"], 0) + 1
    print(len(entries), "frames", counts)


if __name__ == "__main__":
    main()
