"""Per-frame vision checks on the candidate's camera: faces, head pose, gaze, distance, covered lens,
and the landmarks from which the monitor reads signs of life.

mediapipe 0.10.x ships its face models inside the wheel, so nothing is downloaded. Three graphs:

* the *full-range* face detector (``model_selection=1``) counts faces; it finds small faces in a
  wide frame (a second person beside the candidate) that the short-range one misses;
* the *short-range* detector finds large, close or blurred faces the full-range model misses, so a
  present candidate is not "missing" and a blurred second person is still counted; a face only it
  finds counts when face mesh confirms it (alone it sees faces in coffee cups);
* face mesh with iris landmarks (``refine_landmarks``), run on a crop around the largest face,
  gives yaw and pitch, the iris position in the eye (gaze), the eye opening (blinks) and the
  landmark positions whose motion over time tells a live camera from a frozen one.

Verdict rules, each from evidence in the frame (see docs/anticheat.md for their measured error rates):

* faces are looked for first, in every frame, however dark: a dim room where a face is found is a
  present candidate, never a covered camera;
* a face larger than the detectors' range (filling the frame) is looked for on the frame shrunk to
  half when no face was found, a face smaller than it on four tiles also when one face was found (a
  small second person behind the candidate); both are confirmed by face mesh;
* before a face is called missing, OpenCV's Haar cascade looks for a face sitting far back (0.0375-0.135 of the
  frame's height, up to 0.2 with a second cascade on its crop) on the frame's middle band, confirmed by mediapipe on
  the crop; a face inside a picture (a print, a poster, a screen: a flat band of one width round it, with an edge to
  the room beyond) is nobody at the desk and is dropped wherever it is found; then a second look on square
  windows of the frame (a soft face at another scale), whose faces must pass face mesh, the short-range detector on
  the crop and on its mirror, in two windows, and a Haar cascade on the crop;
* a weak full-range detection (below ``_WEAK_SCORE``) counts when face mesh confirms it, a small one only with a
  Haar cascade as well (a hand over the face, a pattern in a dim room);
* *covered* means no face and a lens that sees nothing: no texture for the light there is (a dim
  room keeps its edges, only fainter, so texture is judged against the brightness) and dark, one
  flat colour, or skin filling the frame (a hand or finger pressed on the lens, lit through).
  A plain wall or an empty room has texture and light: that is a missing face, not a covered lens, and a dark
  empty room keeps a straight edge across the picture (its floor line) that no covered lens has;
  one absence is one kind of condition, never both;
* *looking away* is read from the head pose only where the pose can be trusted: a face large enough in pixels
  that does not fill the frame;
* *too far* compares the face mesh's forehead-to-chin span with the frame's height (calibrated by camera
  geometry; the box without a mesh); *too close* the face box with the frame's width and height (the box of a
  face that fills the frame is about half the frame, not 35 % of its area);
* *frozen* is not decided per frame: identical frames are normal for a still scene after
  Chromium's VP8 encoder. The monitor decides it over a window from the landmarks reported here.

mediapipe graphs are not thread-safe; :class:`FrameAnalyzer` serialises calls with a lock, so one
analyzer may be shared by executor threads and by many sessions, but never runs two frames at once.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import mediapipe as mp
import numpy as np

from candidatex.anticheat.kinds import VISION_KINDS

# Face-mesh landmark indices: outer eye corners (image left / right), forehead top, chin.
_EYE_OUTER_LEFT = 33
_EYE_OUTER_RIGHT = 263
_FOREHEAD = 10
_CHIN = 152
# Nose tip and the face oval's cheek points (image left / right), for the yaw read from the picture.
_NOSE_TIP = 1
_CHEEK_LEFT = 234
_CHEEK_RIGHT = 454
# Per eye (image left, image right): outer corner, inner corner, upper lid, lower lid, iris centre.
_EYES = ((33, 133, 159, 145, 468), (263, 362, 386, 374, 473))
# A sparse, stable subset of the mesh for motion: face oval, brows, eyes, nose, lips.
_MOTION_POINTS = (10, 152, 234, 454, 33, 133, 263, 362, 159, 145, 386, 374, 1, 4, 61, 291, 13, 14, 70, 300)

# A full-range detection below this score counts only when face mesh finds a face on its crop. Over the labelled
# set's seen frames every real face detected below it (about a hundred, 0.60-0.75) has a mesh; a hand over a face,
# detected at 0.62, has none.
_WEAK_SCORE = 0.75
# The far-face search looks at this band of the frame's height (top, bottom), for faces up to _FAR_LARGEST of it.
_FAR_BAND = (0.15, 0.75)
_FAR_LARGEST = 0.135
_FAR_SMALLEST = 0.0375
# ... and, with a second cascade's agreement, up to the size of a candidate sitting back 1 m from the camera (1.0-1.3
# m is 0.14-0.19 of the height: soft faces there that neither mediapipe detector finds read as missing).
_SEARCH_LARGEST = 0.2
# The full-scale pass for small far faces: the middle of the band, faces up to this share of the height.
_FAR_SMALL_BAND = (0.3, 0.62)
_FAR_SMALL_LARGEST = 0.09
# The profile cascade's scale step when it looks for a turned head: its cost is set by the number of scales, not the
# frame's pixels, and at 1.1 its two passes took 100-180 ms of a frame with nobody in view, which cut the frames a
# 2-core machine analysed in an absence below the window's minimum (one absence, too few face-missing strikes).
_HEAD_SCAN_STEP = 1.2

# Checks that can be switched off one by one through VisionConfig.disabled_checks.
CHECKS: tuple[str, ...] = tuple(str(kind) for kind in VISION_KINDS)


@dataclass(frozen=True, slots=True)
class VisionConfig:
    """Thresholds for :class:`FrameAnalyzer`. Ratios are relative to the frame; angles in degrees."""

    enabled: bool = True
    disabled_checks: frozenset[str] = frozenset()
    min_detection_confidence: float = 0.5
    # |yaw| beyond look_away_yaw_deg, or a pitch further than look_away_pitch_deg from the neutral one, means the
    # candidate looks away from the screen. Face mesh reads frontal faces pitched down by about 6.5 degrees (the
    # median of the labelled set's 300 honest frames; 1st-99th percentile -13.6 to +23.5), so a fixed limit about
    # zero caught frontal faces at +25 and missed chin-up heads (36 degrees up, read -20 to -32): the limit is
    # measured from that neutral. 22 degrees from it: chin-up and bowed heads of 36-44 degrees read 26-43 from it.
    look_away_yaw_deg: float = 30.0
    # Face mesh's depth is shallow, so its yaw under-reads real turns (13 of 18 p9t held-out misses read under 30
    # degrees for 38-50 degree turns). The nose tip's offset from the cheeks' midpoint over the cheeks' span, in the
    # picture, reads the turn without depth. On the 888 seen frames: honest faces 0.41 at most (99th percentile 0.32),
    # yaw turns of 38-78 degrees with a mesh 0.03-1.09 (the renderer's warps that the mesh reads as frontal stay low).
    # The limit sits a tenth above the honest maximum: beyond it the head is turned away.
    look_away_nose_offset: float = 0.45
    look_away_pitch_deg: float = 22.0
    look_away_pitch_neutral_deg: float = 6.5
    # ... judged only where the pose estimate can be trusted: a face whose box is at least pose_min_face_px on its
    # larger side and that does not fill the frame (box at most face_max_size_ratio). Face mesh on a smaller face
    # (its eye corners a dozen pixels apart) or on a face running off the frame read 25-28 degrees of pitch from
    # frontal faces; the real turns in the labelled set are 55-200 px.
    pose_min_face_px: float = 48.0
    # The face box's larger side relative to the frame's (width / width, height / height): below
    # min the candidate sits too far (over ~2 m from a laptop camera), above max too close (~25 cm).
    face_min_size_ratio: float = 0.1
    face_max_size_ratio: float = 0.62
    # With a face mesh, too far is judged on the face's own geometry instead of the detector's box (which runs
    # small on soft faces): the forehead-to-chin span (landmarks 10-152, ~0.156 m; or 1.8 x the outer eye corners'
    # distance when the head is pitched) over the frame's height. A laptop camera (75 degrees diagonal, 4:3) sees
    # 0.92 m of height per metre, so the span is 0.17 / d: 0.113 is 1.5 m, beyond anyone sitting back at the desk
    # (1.1-1.3 m: 0.13-0.15).
    face_min_span_ratio: float = 0.113
    # With no face found, a lens that sees nothing has no texture (edge energy below covered_texture, and
    # below covered_relative_texture x the mean grey, floored at 20 so sensor noise in the black is no texture)
    # and is dark (mean grey below covered_brightness), one flat colour (grey std below covered_flat_std) or
    # skin (a share above covered_skin_share of its pixels skin-hued and saturated: a hand on the lens).
    covered_brightness: float = 40.0
    covered_texture: float = 4.0
    covered_relative_texture: float = 0.06
    covered_flat_std: float = 3.0
    covered_skin_share: float = 0.8
    # ... and no edge anywhere: a room has one (a floor line, a door, a corner) even where its light is too dim
    # for the mean texture to count. The 99th percentile of the same smoothed |Laplacian| is 0.9-1.2 for sensor
    # noise on a plain or black surface (noise sigma 2-4.5), so an edge must reach about twice that.
    covered_edge_peak: float = 2.5
    # ... and no straight edge across the picture: the largest second difference of the smoothed row and column means
    # (line_peak). A dark room's floor line or corner runs across the frame, so averaging along it keeps it while
    # the sensor's noise averages away (0.004-0.095 on the set's covered lenses, 0.30-0.70 on its dark plain rooms).
    covered_line_peak: float = 0.17
    # ... and one colour: the spread of the smoothed chroma (Lab a and b, standard deviation) is 0-6.3 on the set's
    # covered lenses (a finger lit through, vignetted, is the most) and 15 on a dim colour chart whose patches are
    # of one brightness, so its grey has no edge: colours, however dim, are something the lens sees.
    covered_colour_spread: float = 10.0

    # A face inside a picture (a print, a poster, a screen) hung or standing in the room is no candidate: a flat band
    # of one colour (grey spread under picture_flat_std, colour steady to picture_step per line) at most picture_band_max
    # of the face wide, within picture_reach face sizes, with an edge to the room beyond it, on all four sides in
    # colours within picture_same_colour, round a picture under picture_max_height of the frame: on a wall behind the
    # desk (1.5 m or more away) a 0.6 m poster fills at most 0.43 of the height; a photo held up to the lens is larger.
    picture_reach: float = 2.5
    picture_flat_std: float = 10.0
    picture_edge: float = 30.0
    picture_band_spread: float = 0.25
    picture_same_colour: float = 40.0
    # ... and the band is of no strong hue (its mean colour's largest minus smallest channel under this): a mat, a
    # passe-partout, a screen's bezel, a black frame (0-30 on the set, a dark frame tinted by a blurred picture
    # beside it). A window's or a door's painted frame (90-110) is the room, not a picture.
    picture_band_chroma: float = 40.0
    picture_max_height: float = 0.45
    # A head turned or bowed past where every face detector gives up (yaw 60-80 degrees, bowed to the desk) is a
    # candidate looking away, not an absent one: with no face found, OpenCV's profile cascade (either way round) finding
    # a head of at least head_min_height of the frame with a stage weight of head_weight or more, outside a picture, is
    # a present head. On the tune frames the turned heads no detector finds weigh 1.0-3.1, the pictures of faces and
    # the rooms where it finds anything 0.5-2.2 (framed_picture drops the pictures). A weaker find (any weight) is
    # kept as head_evidence for the monitor, which counts it only right after a face was seen. The cascade's cost grows
    # with the square of (frame height / smallest head): at 0.15 it added ~100 ms to every frame with nobody in view
    # (too few frames analysed in an absence); 0.2 costs ~45 ms and on the seen frames loses no turn (recall 0.720 at
    # both, with steps of 1.2) and one looking-away false find fewer.
    head_min_height: float = 0.2
    head_weight: float = 1.0

    def check_enabled(self, check: str) -> bool:
        return self.enabled and check not in self.disabled_checks


@dataclass(frozen=True, slots=True)
class FaceBox:
    """A detected face in relative coordinates (0..1 of frame width / height)."""

    x: float
    y: float
    width: float
    height: float
    score: float

    @property
    def area_ratio(self) -> float:
        return self.width * self.height

    @property
    def size_ratio(self) -> float:
        """The box's larger side relative to the frame's same side."""
        return max(self.width, self.height)


@dataclass(frozen=True, slots=True)
class FrameObservation:
    """What one frame shows. Flags are already gated by the config's enabled checks."""

    face_count: int
    faces: tuple[FaceBox, ...]
    yaw: float | None
    pitch: float | None
    looking_away: bool
    too_far: bool
    too_close: bool
    covered: bool
    brightness: float
    contrast: float
    texture: float
    # Horizontal iris offset in the eye, -1 (image left corner) .. 1 (image right corner); None without a mesh.
    gaze: float | None = None
    # Eye opening (lid gap / eye width, mean of both eyes); a blink drops it below about 0.1.
    eye_openness: float | None = None
    # Landmarks (x, y in frame pixels) of _MOTION_POINTS on the primary face, for liveness over time.
    landmarks: np.ndarray | None = field(default=None, repr=False, compare=False)
    conditions: frozenset[str] = field(default_factory=frozenset)
    # With no face found: the profile cascade's strongest head find (its stage weight; 0.0 without one), evidence that
    # a head turned past the face detectors is still there. None when a face was found or the check did not run.
    head_evidence: float | None = None

    @property
    def primary_face(self) -> FaceBox | None:
        return max(self.faces, key=lambda f: f.area_ratio, default=None)


@dataclass(frozen=True, slots=True)
class _Mesh:
    yaw: float
    pitch: float
    gaze: float
    eye_openness: float
    landmarks: np.ndarray


def skin_share(bgr_small: np.ndarray) -> float:
    """Share of pixels with a skin hue (red to orange) and a skin's saturation: near 1 when a hand or a
    finger fills the picture, low for walls (unsaturated) and most rooms."""
    hsv = cv2.cvtColor(bgr_small, cv2.COLOR_BGR2HSV)
    hue, sat, val = hsv[..., 0], hsv[..., 1], hsv[..., 2]
    skin = ((hue <= 25) | (hue >= 170)) & (sat >= 60) & (val >= 15)
    return float(skin.mean())


def colour_spread(bgr_small: np.ndarray) -> float:
    """The larger standard deviation of the Lab chroma channels (a, b) of a small image, smoothed first so sensor noise
    does not count: near 0 for one colour (tape, a cap, a finger), high where patches of several colours are seen."""
    lab = cv2.cvtColor(bgr_small, cv2.COLOR_BGR2LAB).astype(np.float32)
    return max(float(cv2.GaussianBlur(lab[..., c], (0, 0), 3).std()) for c in (1, 2))


def edge_map(grey_small: np.ndarray) -> np.ndarray:
    """Absolute Laplacian of a small grey image, smoothed first so sensor noise does not count as texture. Its
    mean is the scene's texture (~0 for a blocked lens); its 99th percentile, :func:`edge_peak`, is lifted by a
    single edge across the picture (a floor line in a dim room) that hardly moves the mean."""
    smooth = cv2.GaussianBlur(grey_small.astype(np.float32), (5, 5), 1.5)
    return np.abs(cv2.Laplacian(smooth, cv2.CV_32F, ksize=3))


def edge_peak(edges: np.ndarray) -> float:
    return float(np.percentile(edges, 99))


_PROFILE_KERNEL = np.exp(-0.5 * (np.arange(-4, 5) / 1.5) ** 2)
_PROFILE_KERNEL /= _PROFILE_KERNEL.sum()  # a 9-tap Gaussian, sigma 1.5 rows


def line_peak(grey_small: np.ndarray) -> float:
    """The strongest straight edge across a small grey image: the largest absolute second difference of its row
    means and of its column means, each lightly smoothed. A floor line or a wall's corner in a dark room spans the
    frame, so the mean along it keeps it while sensor noise (averaged over 160 or 120 pixels) goes; a lens that
    sees nothing (tape, a finger, a cap, a shutter) changes only smoothly (vignetting, light leaking round it)."""
    grey = grey_small.astype(np.float32)
    peaks = [np.abs(np.diff(np.convolve(grey.mean(axis=axis), _PROFILE_KERNEL, mode="valid"), 2)).max()
             for axis in (0, 1)]
    return float(max(peaks))


class FrameAnalyzer:
    """Synchronous, CPU-bound analysis of BGR frames. Call it from a worker thread, not the loop."""

    def __init__(self, config: VisionConfig | None = None) -> None:
        self.config = config or VisionConfig()
        self._lock = threading.Lock()
        confidence = self.config.min_detection_confidence
        self._detector = mp.solutions.face_detection.FaceDetection(
            model_selection=1, min_detection_confidence=confidence
        )
        self._near_detector = mp.solutions.face_detection.FaceDetection(
            model_selection=0, min_detection_confidence=confidence
        )
        self._mesh = mp.solutions.face_mesh.FaceMesh(
            static_image_mode=True, max_num_faces=1, refine_landmarks=True, min_detection_confidence=0.3
        )
        # OpenCV's Haar cascade (frontal faces, alt2; shipped inside the cv2 wheel): the far-face search's finder.
        self._far_cascade = _cascade("haarcascade_frontalface_alt2.xml")
        self._profile_cascade = _cascade("haarcascade_profileface.xml")

    def close(self) -> None:
        with self._lock:
            self._detector.close()
            self._near_detector.close()
            self._mesh.close()

    def __enter__(self) -> FrameAnalyzer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def reset(self, stream: str | None = None) -> None:
        """Kept for callers of the per-stream API: the analyzer holds no per-stream state any more
        (liveness over time lives in the monitor), so there is nothing to forget."""

    def analyze(self, image_bgr: np.ndarray, stream: str = "") -> FrameObservation:
        """Analyse one frame. ``stream`` is accepted for compatibility; frames are independent."""
        with self._lock:
            return self._analyze(image_bgr)

    def _analyze(self, image_bgr: np.ndarray) -> FrameObservation:
        cfg = self.config
        grey = cv2.cvtColor(image_bgr, cv2.COLOR_BGR2GRAY)
        small = cv2.resize(grey, (160, 120), interpolation=cv2.INTER_AREA)
        brightness = float(small.mean())
        contrast = float(small.std())
        edges = edge_map(small)  # once: the texture here, the edge peak in the covered test below
        texture = float(edges.mean())

        faces: tuple[FaceBox, ...] = ()
        mesh: _Mesh | None = None
        rgb = np.ascontiguousarray(cv2.cvtColor(image_bgr, cv2.COLOR_BGR2RGB)) if cfg.enabled else None
        if rgb is not None:
            faces, mesh = self._find_faces(rgb)
        primary = max(faces, key=lambda f: f.area_ratio, default=None)

        # Only a frame with no face can show a covered lens; a face in the dark is a present candidate.
        covered = (
            cfg.check_enabled("camera_covered")
            and not faces
            and texture < min(cfg.covered_texture, cfg.covered_relative_texture * max(brightness, 20.0))
            and edge_peak(edges) < cfg.covered_edge_peak
            and line_peak(small) < cfg.covered_line_peak
            and colour_spread(small_bgr := cv2.resize(image_bgr, (160, 120), interpolation=cv2.INTER_AREA))
            < cfg.covered_colour_spread
            and (
                brightness < cfg.covered_brightness
                or contrast < cfg.covered_flat_std
                or skin_share(small_bgr) > cfg.covered_skin_share
            )
        )
        head_evidence = None
        if rgb is not None and not faces and not covered:
            head_evidence = self._turned_head(rgb, grey)
        # a head turned past the face detectors: present, looking away (an absence would end the interview)
        turned_head = head_evidence is not None and head_evidence >= cfg.head_weight
        looking_away = cfg.check_enabled("looking_away") and (turned_head or (
            mesh is not None
            and primary is not None
            and pose_trusted(primary, grey.shape, cfg)
            and (pose_away(mesh.yaw, mesh.pitch, cfg) or abs(nose_offset(mesh.landmarks)) > cfg.look_away_nose_offset)
        ))
        too_far = cfg.check_enabled("face_too_far") and primary is not None and (
            face_span(mesh.landmarks) / grey.shape[0] < cfg.face_min_span_ratio if mesh is not None
            else primary.size_ratio < cfg.face_min_size_ratio
        )
        too_close = cfg.check_enabled("face_too_close") and (
            primary is not None and primary.size_ratio > cfg.face_max_size_ratio
        )
        flags = {
            "face_missing": cfg.check_enabled("face_missing") and not covered and not faces and not turned_head,
            "multiple_faces": cfg.check_enabled("multiple_faces") and len(faces) > 1,
            "looking_away": looking_away,
            "face_too_far": too_far,
            "face_too_close": too_close,
            "camera_covered": covered,
        }
        return FrameObservation(
            face_count=len(faces),
            faces=faces,
            yaw=mesh.yaw if mesh else None,
            pitch=mesh.pitch if mesh else None,
            looking_away=looking_away,
            too_far=too_far,
            too_close=too_close,
            covered=covered,
            brightness=brightness,
            contrast=contrast,
            texture=texture,
            gaze=mesh.gaze if mesh else None,
            eye_openness=mesh.eye_openness if mesh else None,
            landmarks=mesh.landmarks if mesh else None,
            conditions=frozenset(kind for kind, present in flags.items() if present),
            head_evidence=head_evidence,
        )

    def _turned_head(self, rgb: np.ndarray, grey: np.ndarray) -> float:
        """The strongest head the profile cascade finds on the frame (``rgb`` and its ``grey``) and on its mirror (a
        head turned either way, or bowed: its outline is a profile's), at least ``head_min_height`` of the frame's
        height and not inside a picture; its stage weight, 0.0 when there is none."""
        grey = cv2.equalizeHist(grey)
        height, width = grey.shape
        smallest = int(self.config.head_min_height * height)
        best = 0.0
        for mirrored in (False, True):
            view = np.ascontiguousarray(grey[:, ::-1]) if mirrored else grey
            boxes, _, weights = self._profile_cascade.detectMultiScale3(
                view, scaleFactor=_HEAD_SCAN_STEP, minNeighbors=2, minSize=(smallest, smallest), outputRejectLevels=True)
            for (x, y, w, h), weight in zip(boxes, np.ravel(weights), strict=True):
                if float(weight) <= best:
                    continue
                x = width - x - w if mirrored else x
                box = FaceBox(x=x / width, y=y / height, width=w / width, height=h / height, score=float(weight))
                if not framed_picture(rgb, box, self.config):
                    best = float(weight)
        return best

    def _find_faces(self, rgb: np.ndarray) -> tuple[tuple[FaceBox, ...], _Mesh | None]:
        """Faces from both detectors, and the primary face's mesh.

        The full-range model's faces are taken as found, a weak one (score below ``_WEAK_SCORE``) when face mesh
        confirms it. The short-range model finds large, close or
        blurred faces the full-range one misses, but also sees faces in cups and knots: each face
        only it finds counts when face mesh confirms a face in its crop.
        """
        meshes: dict[int, _Mesh | None] = {}
        found = _boxes(self._detector.process(rgb))
        faces = []
        for box in found:
            if box.score < _WEAK_SCORE:  # a weak find counts when face mesh agrees (a hand over a face: it does not)
                meshes[id(box)] = self._face_mesh(rgb, box)
                if meshes[id(box)] is None:
                    continue
                # and a weak small one (a far face's size) needs what a far face needs: a Haar cascade as well
                if box.height < _FAR_LARGEST and not self._cascade_agrees(rgb, box):
                    continue
            if framed_picture(rgb, box, self.config):  # a print, a poster or a screen in the room: nobody there
                continue
            faces.append(box)
        # (a part of a face the weak find did not hold up on is no face of its own: a face filling the frame is
        # looked for below)
        near = [box for box in _boxes(self._near_detector.process(rgb)) if not any(_overlap(box, f) for f in found)]
        for box in near[:3]:
            mesh = self._face_mesh(rgb, box)
            if mesh is not None and not framed_picture(rgb, box, self.config):
                meshes[id(box)] = mesh
                faces.append(box)
        if not faces:  # a face too large for either model over the whole frame (filling it)
            for box, mesh in self._large_faces(rgb):
                meshes[id(box)] = mesh
                faces.append(box)
        # A face too small for either model over the whole frame: the candidate sitting far back, or a second
        # person behind the one found. Not beside a face filling the frame (its tiles see parts of that face).
        # Beside a face, only the two upper tiles (half the cost): the camera is at the candidate's eye level, so
        # the head of anyone sitting or standing further back is seen near that level, in the upper 60 %.
        if not faces or (len(faces) == 1 and faces[0].size_ratio < 0.5):
            for box in self._small_faces(rgb, upper_only=bool(faces)):
                if any(_overlap(box, face) for face in faces):
                    continue
                mesh = self._face_mesh(rgb, box)
                if mesh is None:  # a detection on an enlarged tile counts only when face mesh agrees,
                    continue
                # a weak small one only with a Haar cascade as well (as on the whole frame: a pattern in a dim room)
                if box.score < _WEAK_SCORE and box.height < _FAR_LARGEST and not self._cascade_agrees(rgb, box):
                    continue
                if not framed_picture(rgb, box, self.config):
                    meshes[id(box)] = mesh
                    faces.append(box)
        if not faces:  # a face too small even for the tiles: the candidate sitting far back (over 2 m)
            for box, mesh in self._far_faces(rgb):
                if not framed_picture(rgb, box, self.config):
                    meshes[id(box)] = mesh
                    faces.append(box)
        if not faces:  # before calling a face missing, a second look (soft, blurred or odd-sized faces)
            for box, mesh in self._second_look(rgb):
                if not framed_picture(rgb, box, self.config):
                    meshes[id(box)] = mesh
                    faces.append(box)
        primary = max(faces, key=lambda f: f.area_ratio, default=None)
        if primary is None:
            return (), None
        mesh = meshes[id(primary)] if id(primary) in meshes else self._face_mesh(rgb, primary)
        return tuple(faces), mesh

    def _large_faces(self, rgb: np.ndarray) -> list[tuple[FaceBox, _Mesh]]:
        """Faces larger than the models' range (filling the frame, pressed to the camera): the short-range
        detector and face mesh on the frame shrunk to half in the middle of a grey canvas, where such a face
        fits them. Boxes and landmarks in frame coordinates. Only faces that are large in the frame count
        (at least half its width or height): a smaller one the whole-frame pass would have found."""
        height, width = rgb.shape[:2]
        canvas = np.full_like(rgb, 128)
        small = cv2.resize(rgb, (width // 2, height // 2), interpolation=cv2.INTER_AREA)
        y0, x0 = (height - small.shape[0]) // 2, (width - small.shape[1]) // 2
        canvas[y0:y0 + small.shape[0], x0:x0 + small.shape[1]] = small
        found = []
        for box in _boxes(self._near_detector.process(canvas))[:2]:
            x, y = (box.x * width - x0) * 2 / width, (box.y * height - y0) * 2 / height
            x1, y1 = min(1.0, x + box.width * 2), min(1.0, y + box.height * 2)
            x, y = max(0.0, x), max(0.0, y)
            if max(x1 - x, y1 - y) < 0.5:
                continue
            mesh = self._face_mesh(canvas, box)
            if mesh is not None:
                landmarks = (mesh.landmarks - np.array([x0, y0])) * 2
                found.append((FaceBox(x=x, y=y, width=x1 - x, height=y1 - y, score=box.score),
                              _Mesh(mesh.yaw, mesh.pitch, mesh.gaze, mesh.eye_openness, landmarks)))
        return found

    def _second_look(self, rgb: np.ndarray) -> list[tuple[FaceBox, _Mesh]]:
        """A confirming second look before a face is called missing: both detectors on three square windows of a
        wide frame (centre, left, right), which frame a face at another scale and position than the whole frame, so
        a soft face the first pass missed is found. Textures that look like a face to one framing (a cat, a
        motorcycle, a rocket) must hold up: face mesh on the face, the short-range detector on its crop and on its
        mirror image (a face is close to symmetric, a chance pattern seldom is), each in two of the windows."""
        height, width = rgb.shape[:2]
        if width <= height:
            return []
        offsets = ((width - height) // 2, 0, width - height)
        seen: list[tuple[FaceBox, _Mesh, set[int]]] = []
        for k, x0 in enumerate(offsets):
            if k == len(offsets) - 1 and not seen:
                break  # nothing in two windows: no face can be seen twice
            window = np.ascontiguousarray(rgb[:, x0:x0 + height])
            for detector in (self._detector, self._near_detector):
                for box in _boxes(detector.process(window))[:2]:
                    full = FaceBox(x=(x0 + box.x * height) / width, y=box.y, width=box.width * height / width,
                                   height=box.height, score=box.score)
                    known = next((entry for entry in seen if _overlap(full, entry[0])), None)
                    if (known is not None and k in known[2]) or not self._mirror_confirmed(window, box):
                        continue
                    if known is None and not self._cascade_agrees(window, box):
                        continue
                    mesh = self._face_mesh(window, box)
                    if mesh is None:
                        continue
                    if known is not None:
                        known[2].add(k)
                    else:
                        landmarks = mesh.landmarks + np.array([x0, 0])
                        seen.append((full, _Mesh(mesh.yaw, mesh.pitch, mesh.gaze, mesh.eye_openness, landmarks), {k}))
        return [(box, mesh) for box, mesh, windows in seen if len(windows) >= 2]

    def _far_faces(self, rgb: np.ndarray) -> list[tuple[FaceBox, _Mesh]]:
        """Faces of 0.0375-0.135 of the frame's height (a candidate 1.3-3.4 m back), which neither mediapipe detector finds
        over the frame or its tiles: both are trained on larger faces, and a soft small face falls below their range.
        OpenCV's Haar cascade, a different kind of model, finds them on the frame's middle band (the camera is at the
        candidate's eye level, so the head of someone sitting or standing further back is seen near that level).
        Its finds count only when mediapipe agrees on the enlarged crop: the short-range detector on it and on its
        mirror, and face mesh."""
        found: list[tuple[FaceBox, _Mesh]] = []
        # Two samplings of the cascade's window sizes (scale factor 1.1): a face whose size falls between one pass's
        # windows is seen by the other. First the band at 0.75 (18 px = 0.05 of a 480-px height; 11-19 ms for 640 x
        # 480) for faces up to a candidate sitting back (_SEARCH_LARGEST); then, only if that found none, at full scale
        # for small faces (0.0375-0.09), on the middle of the band where a far head at the camera's eye level is seen
        # (it lost faces of 0.052-0.09 of the height, far candidates read as missing).
        height = rgb.shape[0]
        passes = ((_FAR_BAND, 18 / (0.05 * height), _SEARCH_LARGEST), (_FAR_SMALL_BAND, 18 / (_FAR_SMALLEST * height),
                                                                         _FAR_SMALL_LARGEST))
        for band, scale, largest in passes:
            if not found:
                found = self._far_pass(rgb, band, min(1.0, scale), largest)
        return found

    def _far_pass(self, rgb: np.ndarray, band: tuple[float, float], scale: float, largest_share: float
                  ) -> list[tuple[FaceBox, _Mesh]]:
        height, width = rgb.shape[:2]
        top, bottom = int(band[0] * height), int(band[1] * height)
        grey = cv2.resize(cv2.cvtColor(rgb[top:bottom], cv2.COLOR_RGB2GRAY), None, fx=scale, fy=scale,
                          interpolation=cv2.INTER_AREA)
        largest = max(19, int(largest_share * height * scale))
        found: list[tuple[FaceBox, _Mesh]] = []
        candidates = self._far_cascade.detectMultiScale(grey, scaleFactor=1.1, minNeighbors=3, minSize=(18, 18),
                                                        maxSize=(largest, largest))
        for x, y, w, h in list(candidates)[:3]:
            box = FaceBox(x=x / scale / width, y=(y / scale + top) / height, width=w / scale / width,
                          height=h / scale / height, score=self.config.min_detection_confidence)
            if any(_overlap(box, other) for other, _ in found) or not self._mirror_confirmed(rgb, box):
                continue
            # a face of the size of someone sitting back at the desk that no mediapipe detector found needs what a new
            # face of the second look needs: a Haar cascade on its crop too (a coin on a table passes the rest)
            if box.height > _FAR_LARGEST and not self._cascade_agrees(rgb, box):
                continue
            mesh = self._face_mesh(rgb, box)
            if mesh is not None:
                found.append((box, mesh))
        return found

    def _cascade_agrees(self, rgb: np.ndarray, face: FaceBox) -> bool:
        """OpenCV's Haar cascades, a different kind of model from mediapipe's, find a face (frontal, or in profile
        either way: a turned head) on the crop around ``face`` (2.2 times its size, scaled to 160 pixels)."""
        crop = _square_crop(rgb, face, 2.2, 160)
        if crop is None:
            return False
        grey = cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY)
        smallest = (36, 36)
        for cascade, view in ((self._far_cascade, grey), (self._profile_cascade, grey),
                              (self._profile_cascade, np.ascontiguousarray(grey[:, ::-1]))):
            if len(cascade.detectMultiScale(view, scaleFactor=1.1, minNeighbors=2, minSize=smallest)):
                return True
        return False

    def _mirror_confirmed(self, rgb: np.ndarray, face: FaceBox) -> bool:
        """The short-range detector finds a face on the crop around ``face`` (twice its size) and on its mirror."""
        crop = _square_crop(rgb, face, 2.0, 256)
        if crop is None:
            return False
        return all(_boxes(self._near_detector.process(np.ascontiguousarray(view))) for view in (crop, crop[:, ::-1]))

    def _small_faces(self, rgb: np.ndarray, upper_only: bool = False) -> list[FaceBox]:
        """The full-range detector on four overlapping tiles (each 60 % of the frame's side; the upper two only
        with ``upper_only``), so a face twice as small as it can find over the whole frame is found; boxes in frame
        coordinates, duplicates merged."""
        height, width = rgb.shape[:2]
        tile_w, tile_h = int(width * 0.6), int(height * 0.6)
        found: list[FaceBox] = []
        for x0 in (0, width - tile_w):
            for y0 in (0,) if upper_only else (0, height - tile_h):
                tile = np.ascontiguousarray(rgb[y0:y0 + tile_h, x0:x0 + tile_w])
                for box in _boxes(self._detector.process(tile)):
                    full = FaceBox(x=(x0 + box.x * tile_w) / width, y=(y0 + box.y * tile_h) / height,
                                   width=box.width * tile_w / width, height=box.height * tile_h / height,
                                   score=box.score)
                    if not any(_overlap(full, other) for other in found):
                        found.append(full)
        return found[:3]

    def _face_mesh(self, rgb: np.ndarray, face: FaceBox) -> _Mesh | None:
        """Head pose, gaze, eye opening and motion landmarks from face mesh on a crop around ``face``.

        Face mesh gives each landmark a depth (z, in the same scale as x). The line between the
        outer eye corners turns with the head about the vertical axis, so its depth slope is the
        yaw; the forehead-to-chin line gives the pitch the same way. Positive yaw: the candidate's
        face turns towards the image right.
        """
        height, width = rgb.shape[:2]
        side = 1.8 * max(face.width * width, face.height * height)
        cx = (face.x + face.width / 2) * width
        cy = (face.y + face.height / 2) * height
        x0, y0 = int(max(0, cx - side / 2)), int(max(0, cy - side / 2))
        x1, y1 = int(min(width, cx + side / 2)), int(min(height, cy + side / 2))
        crop = rgb[y0:y1, x0:x1]
        if crop.shape[0] < 16 or crop.shape[1] < 16:
            return None
        scale = 1.0
        if max(crop.shape[:2]) < 256:  # face mesh wants a face of a useful size
            scale = 256 / max(crop.shape[:2])
            crop = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_LINEAR)
        result = self._mesh.process(np.ascontiguousarray(crop))
        if not result.multi_face_landmarks:
            return None
        marks = result.multi_face_landmarks[0].landmark
        crop_h, crop_w = crop.shape[:2]
        points = np.array([[lm.x * crop_w, lm.y * crop_h, lm.z * crop_w] for lm in marks], dtype=np.float64)

        eyes = points[_EYE_OUTER_RIGHT] - points[_EYE_OUTER_LEFT]
        vertical = points[_CHIN] - points[_FOREHEAD]
        yaw = math.degrees(math.atan2(eyes[2], eyes[0]))
        pitch = math.degrees(math.atan2(vertical[2], vertical[1]))

        gazes, openings = [], []
        for outer, inner, upper, lower, iris in _EYES:
            left_x, right_x = sorted((points[outer][0], points[inner][0]))
            eye_width = max(right_x - left_x, 1e-6)
            gazes.append(2 * (points[iris][0] - left_x) / eye_width - 1)
            openings.append(float(np.linalg.norm(points[upper][:2] - points[lower][:2])) / eye_width)
        # Back to frame pixels, so head sway and landmark motion compare across frames.
        frame_points = points[list(_MOTION_POINTS), :2] / scale + np.array([x0, y0])
        return _Mesh(yaw, pitch, float(np.mean(gazes)), float(np.mean(openings)), frame_points)


def _square_crop(rgb: np.ndarray, face: FaceBox, factor: float, size: int) -> np.ndarray | None:
    """The square around ``face``, ``factor`` times its larger side (cut at the frame's edges), scaled to ``size``;
    None when under 16 pixels."""
    height, width = rgb.shape[:2]
    side = factor * max(face.width * width, face.height * height)
    cx, cy = (face.x + face.width / 2) * width, (face.y + face.height / 2) * height
    x0, y0 = int(max(0, cx - side / 2)), int(max(0, cy - side / 2))
    crop = rgb[y0:int(min(height, cy + side / 2)), x0:int(min(width, cx + side / 2))]
    if crop.shape[0] < 16 or crop.shape[1] < 16:
        return None
    return cv2.resize(crop, (size, size), interpolation=cv2.INTER_LINEAR)


def _edge_pairs(lines: np.ndarray, flat: float, edge: float) -> list[tuple[int, int, np.ndarray]]:
    """Flat bands between two straight edges in lines read outward from a face (n x across x 3 colour): each line's
    mean colour, the steps in it (a local peak of the colour change across two lines, over ``edge``: an edge parallel
    to the lines), and every pair of steps with flat lines between (grey spread across under ``flat``), as (inner
    edge, outer edge, the band's colour)."""
    means = lines.mean(axis=1)
    spreads = lines.mean(axis=2).std(axis=1)
    change = np.zeros(len(means))
    change[1:-1] = np.abs(means[2:] - means[:-2]).sum(axis=1)
    steps = [i for i in range(1, len(means) - 1)
             if change[i] > edge and change[i] >= change[i - 1] and change[i] > change[i + 1]]
    pairs = []
    for k, inner in enumerate(steps):
        for outer in steps[k + 1:k + 4]:
            band = slice(inner + 1, outer)
            if outer - inner >= 2 and float(spreads[band].mean()) < flat:
                pairs.append((inner, outer, means[band].mean(axis=0)))
    return pairs


def framed_picture(rgb: np.ndarray, face: FaceBox, cfg: VisionConfig) -> bool:
    """Whether ``face`` is a picture hanging or standing in the room: a print, a poster or a screen, whose mat, frame
    or bezel runs round it as a flat band of one colour and one width between two straight edges (the picture's and
    the room's), on all four sides, the picture (band included) under ``picture_max_height`` of the frame. A person's
    face has no such band round it (hair, neck and shoulders, the room behind without two edges at one distance on
    every side). Each side is read from inside the face (a detector's box may overhang a small print) outward, over
    the face's middle 60 %."""
    height, width = rgb.shape[:2]
    size = max(face.width * width, face.height * height)
    cx, cy = int((face.x + face.width / 2) * width), int((face.y + face.height / 2) * height)
    inner, reach = int(0.25 * size), int(cfg.picture_reach * size)
    half_w, half_h = max(1, int(0.3 * face.width * width)), max(1, int(0.3 * face.height * height))
    # about 24 pixels across each line are enough for its mean and spread (and a twentieth of the cost)
    across_x = slice(max(0, cx - half_w), cx + half_w, max(1, half_w // 12))
    across_y = slice(max(0, cy - half_h), cy + half_h, max(1, half_h // 12))
    sides = (  # lines outward from the face: up, down, left, right
        rgb[max(0, cy - reach):max(0, cy - inner), across_x][::-1],
        rgb[cy + inner:cy + reach, across_x],
        rgb[across_y, max(0, cx - reach):max(0, cx - inner)][:, ::-1].transpose(1, 0, 2),
        rgb[across_y, cx + inner:cx + reach].transpose(1, 0, 2),
    )
    found = []
    for lines in sides:
        pairs = _edge_pairs(lines.astype(np.float32), cfg.picture_flat_std, cfg.picture_edge) if len(lines) >= 4 else []
        if not pairs:
            return False
        found.append(pairs)
    for start, end, colour in found[0]:
        if float(colour.max() - colour.min()) > cfg.picture_band_chroma:
            continue  # mats, passe-partouts and bezels are white, grey or black; a coloured band is the room's
        band, ends = end - start, [end]
        for pairs in found[1:]:
            match = [e for s, e, other in pairs if float(np.abs(other - colour).sum()) < cfg.picture_same_colour
                     and abs((e - s) - band) <= max(2.0, cfg.picture_band_spread * band)]
            if not match:
                break
            ends.append(min(match))
        else:
            if (ends[0] + ends[1] + 2 * inner) / height < cfg.picture_max_height:
                return True
    return False


def _cascade(name: str) -> cv2.CascadeClassifier:
    """One of the Haar cascades the cv2 wheel ships (its ``data`` folder, ``cv2.data.haarcascades``)."""
    cascade = cv2.CascadeClassifier(str(Path(cv2.__file__).parent / "data" / name))
    if cascade.empty():
        raise RuntimeError(f"OpenCV's {name} is not installed with cv2")
    return cascade


def _boxes(result: object) -> tuple[FaceBox, ...]:
    boxes = []
    for detection in getattr(result, "detections", None) or []:
        box = detection.location_data.relative_bounding_box
        x, y = max(0.0, box.xmin), max(0.0, box.ymin)
        boxes.append(
            FaceBox(
                x=x,
                y=y,
                width=min(box.width, 1.0 - x),
                height=min(box.height, 1.0 - y),
                score=float(detection.score[0]),
            )
        )
    return tuple(boxes)


def _overlap(a: FaceBox, b: FaceBox) -> bool:
    """True when one box's centre lies inside the other: two detections of one face."""
    ax, ay = a.x + a.width / 2, a.y + a.height / 2
    bx, by = b.x + b.width / 2, b.y + b.height / 2
    return (b.x <= ax <= b.x + b.width and b.y <= ay <= b.y + b.height) or (
        a.x <= bx <= a.x + a.width and a.y <= by <= a.y + a.height)


def pose_trusted(face: FaceBox, frame_shape: tuple[int, ...], cfg: VisionConfig) -> bool:
    """Whether face mesh's head pose of ``face`` is worth a verdict: the face is large enough in pixels for its
    landmarks' depth to mean something, and it does not fill the frame (where the mesh's crop runs off the picture
    and the mesh extrapolates the missing part)."""
    height, width = frame_shape[:2]
    return (max(face.width * width, face.height * height) >= cfg.pose_min_face_px
            and face.size_ratio <= cfg.face_max_size_ratio)


def pose_away(yaw: float, pitch: float, cfg: VisionConfig) -> bool:
    """Whether a head pose (face mesh's yaw and pitch, degrees; positive pitch: bowed) is turned away from the
    screen: past the yaw limit, or further than the pitch limit from the neutral pitch face mesh reads on frontal
    faces, up or down."""
    return abs(yaw) > cfg.look_away_yaw_deg or abs(pitch - cfg.look_away_pitch_neutral_deg) > cfg.look_away_pitch_deg


def face_span(landmarks: np.ndarray) -> float:
    """The face's height in pixels from its mesh (``_MOTION_POINTS`` landmarks): forehead to chin, or 1.8 x the outer
    eye corners' distance where that is longer (a pitched head shortens the one, a turned head the other)."""
    points = {index: landmarks[k] for k, index in enumerate(_MOTION_POINTS)}
    vertical = float(np.linalg.norm(points[_CHIN] - points[_FOREHEAD]))
    eyes = float(np.linalg.norm(points[_EYE_OUTER_RIGHT] - points[_EYE_OUTER_LEFT]))
    return max(vertical, 1.8 * eyes)


def nose_offset(landmarks: np.ndarray) -> float:
    """The nose tip's horizontal offset from the midpoint of the cheeks (face oval landmarks 234 and 454) over the
    cheeks' span, from the ``_MOTION_POINTS`` landmarks in the picture: about 0 for a frontal face, growing with the
    yaw (the nose swings out, the far cheek's span shrinks) with no need for face mesh's shallow depth."""
    nose, left, right = (landmarks[_MOTION_POINTS.index(point)][0] for point in (_NOSE_TIP, _CHEEK_LEFT, _CHEEK_RIGHT))
    return float((nose - (left + right) / 2) / max(abs(right - left), 1e-6))


def landmark_motion(previous: np.ndarray, current: np.ndarray, face_width_px: float) -> float:
    """Mean landmark displacement between two frames, as a share of the face's width."""
    return float(np.linalg.norm(current - previous, axis=1).mean() / max(face_width_px, 1.0))



def planar_residuals(reference: np.ndarray, frames: np.ndarray) -> np.ndarray:
    """For each frame's landmarks (``frames``: n x points x 2), the mean distance (pixels) to ``reference``'s moved by
    the best affine map (least squares: shift, turn, scale, shear; a flat picture moved in front of the camera).
    One projection onto the maps' span serves every frame, so a minute of frames costs microseconds."""
    design = np.hstack([reference, np.ones((len(reference), 1))])
    unexplained = np.eye(len(reference)) - design @ np.linalg.pinv(design)
    residuals = np.einsum("pq,nqc->npc", unexplained, frames)
    return np.linalg.norm(residuals, axis=2).mean(axis=1)
