"""Per-frame vision checks on the candidate's camera: faces, head pose, distance, covered, frozen.

mediapipe 0.10.x ships its face models inside the wheel, so nothing is downloaded. Two graphs are used:

* the *full-range* face detector (``model_selection=1``) counts faces. The short-range one misses
  faces that are small in a wide frame, e.g. a second person sitting beside the candidate.
* face mesh, run on a crop around the largest face, gives 3-D landmarks from which yaw and pitch
  are read. Face mesh has its own short-range detector, which is why it gets a crop, not the frame.

mediapipe graphs are not thread-safe; :class:`FrameAnalyzer` serialises calls with a lock, so one
analyzer may be shared by executor threads and by many sessions (each with its own ``stream`` id),
but never runs two frames at once. For more throughput, run one analyzer per worker thread.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field

import cv2
import mediapipe as mp
import numpy as np

# Face-mesh landmark indices: outer eye corners (image left / right), forehead top, chin.
_EYE_OUTER_LEFT = 33
_EYE_OUTER_RIGHT = 263
_FOREHEAD = 10
_CHIN = 152

# Checks that can be switched off one by one through VisionConfig.disabled_checks.
CHECKS = (
    "face_missing",
    "multiple_faces",
    "looking_away",
    "face_too_far",
    "face_too_close",
    "camera_covered",
    "camera_frozen",
)


@dataclass(frozen=True, slots=True)
class VisionConfig:
    """Thresholds for :class:`FrameAnalyzer`. Ratios are relative to the frame; angles in degrees."""

    enabled: bool = True
    disabled_checks: frozenset[str] = frozenset()
    min_detection_confidence: float = 0.5
    # |yaw| or |pitch| beyond these means the candidate looks away from the screen.
    look_away_yaw_deg: float = 30.0
    look_away_pitch_deg: float = 25.0
    # Face box area / frame area: below min the candidate sits too far, above max too close.
    face_min_area_ratio: float = 0.01
    face_max_area_ratio: float = 0.35
    # A frame whose mean grey level is below covered_brightness, or whose grey levels barely vary
    # (std below covered_std), shows a covered lens or a blank surface.
    covered_brightness: float = 25.0
    covered_std: float = 6.0
    # Mean absolute grey difference from the previous frame (160x120 sample grid) at or below
    # which the frame counts as a repeat. Sensor noise alone keeps a live camera above ~1.
    frozen_diff_threshold: float = 0.5

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
    frozen: bool
    brightness: float
    contrast: float
    frame_diff: float | None
    conditions: frozenset[str] = field(default_factory=frozenset)

    @property
    def primary_face(self) -> FaceBox | None:
        return max(self.faces, key=lambda f: f.area_ratio, default=None)


class FrameAnalyzer:
    """Synchronous, CPU-bound analysis of BGR frames. Call it from a worker thread, not the loop."""

    def __init__(self, config: VisionConfig | None = None) -> None:
        self.config = config or VisionConfig()
        self._lock = threading.Lock()
        self._detector = mp.solutions.face_detection.FaceDetection(
            model_selection=1, min_detection_confidence=self.config.min_detection_confidence
        )
        self._mesh = mp.solutions.face_mesh.FaceMesh(
            static_image_mode=True, max_num_faces=1, min_detection_confidence=0.3
        )
        # Last frame's sample grid per video stream, for frozen detection: one analyzer (and one
        # copy of the models) can serve many sessions, each passing its own stream id.
        self._previous_thumbs: dict[str, np.ndarray] = {}

    def close(self) -> None:
        with self._lock:
            self._detector.close()
            self._mesh.close()

    def __enter__(self) -> FrameAnalyzer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def reset(self, stream: str | None = None) -> None:
        """Forget the previous frame of ``stream`` (all streams if None): frozen detection restarts."""
        with self._lock:
            if stream is None:
                self._previous_thumbs.clear()
            else:
                self._previous_thumbs.pop(stream, None)

    def analyze(self, image_bgr: np.ndarray, stream: str = "") -> FrameObservation:
        """Analyse one frame of ``stream`` (the frozen check compares with that stream's last frame)."""
        with self._lock:
            return self._analyze(image_bgr, stream)

    def _analyze(self, image_bgr: np.ndarray, stream: str) -> FrameObservation:
        cfg = self.config
        grey = cv2.cvtColor(image_bgr, cv2.COLOR_BGR2GRAY)
        small = cv2.resize(grey, (160, 120), interpolation=cv2.INTER_AREA)
        brightness = float(small.mean())
        contrast = float(small.std())
        covered = cfg.check_enabled("camera_covered") and (
            brightness < cfg.covered_brightness or contrast < cfg.covered_std
        )

        # Nearest-neighbour sampling keeps each pixel's sensor noise (averaging would smooth it
        # away), so a live camera always differs from its previous frame and a stuck one does not.
        thumb = cv2.resize(grey, (160, 120), interpolation=cv2.INTER_NEAREST).astype(np.int16)
        frame_diff = None
        previous = self._previous_thumbs.get(stream)
        if previous is not None and previous.shape == thumb.shape:
            frame_diff = float(np.abs(thumb - previous).mean())
        self._previous_thumbs[stream] = thumb
        frozen = (
            cfg.check_enabled("camera_frozen")
            and frame_diff is not None
            and frame_diff <= cfg.frozen_diff_threshold
        )

        faces: tuple[FaceBox, ...] = ()
        primary: FaceBox | None = None
        yaw = pitch = None
        # A covered lens shows no face by construction; reporting it as missing too would double-count.
        if cfg.enabled and not covered:
            rgb = cv2.cvtColor(image_bgr, cv2.COLOR_BGR2RGB)
            faces = self._detect_faces(rgb)
            primary = max(faces, key=lambda f: f.area_ratio, default=None)
            if primary is not None and cfg.check_enabled("looking_away"):
                yaw, pitch = self._head_pose(rgb, primary)

        looking_away = (
            yaw is not None
            and pitch is not None
            and (abs(yaw) > cfg.look_away_yaw_deg or abs(pitch) > cfg.look_away_pitch_deg)
        )
        too_far = cfg.check_enabled("face_too_far") and (
            primary is not None and primary.area_ratio < cfg.face_min_area_ratio
        )
        too_close = cfg.check_enabled("face_too_close") and (
            primary is not None and primary.area_ratio > cfg.face_max_area_ratio
        )
        flags = {
            "face_missing": cfg.check_enabled("face_missing") and not covered and not faces,
            "multiple_faces": cfg.check_enabled("multiple_faces") and len(faces) > 1,
            "looking_away": looking_away,
            "face_too_far": too_far,
            "face_too_close": too_close,
            "camera_covered": covered,
            "camera_frozen": frozen,
        }
        return FrameObservation(
            face_count=len(faces),
            faces=faces,
            yaw=yaw,
            pitch=pitch,
            looking_away=looking_away,
            too_far=too_far,
            too_close=too_close,
            covered=covered,
            frozen=frozen,
            brightness=brightness,
            contrast=contrast,
            frame_diff=frame_diff,
            conditions=frozenset(kind for kind, present in flags.items() if present),
        )

    def _detect_faces(self, rgb: np.ndarray) -> tuple[FaceBox, ...]:
        result = self._detector.process(rgb)
        boxes = []
        for detection in result.detections or []:
            box = detection.location_data.relative_bounding_box
            boxes.append(
                FaceBox(
                    x=max(0.0, box.xmin),
                    y=max(0.0, box.ymin),
                    width=box.width,
                    height=box.height,
                    score=float(detection.score[0]),
                )
            )
        return tuple(boxes)

    def _head_pose(self, rgb: np.ndarray, face: FaceBox) -> tuple[float | None, float | None]:
        """Yaw and pitch in degrees from face-mesh landmarks on a crop around ``face``.

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
            return None, None
        if max(crop.shape[:2]) < 256:  # face mesh wants a face of a useful size
            scale = 256 / max(crop.shape[:2])
            crop = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_LINEAR)
        result = self._mesh.process(np.ascontiguousarray(crop))
        if not result.multi_face_landmarks:
            return None, None
        landmarks = result.multi_face_landmarks[0].landmark
        crop_h, crop_w = crop.shape[:2]

        def point(index: int) -> np.ndarray:
            lm = landmarks[index]
            return np.array([lm.x * crop_w, lm.y * crop_h, lm.z * crop_w])

        eyes = point(_EYE_OUTER_RIGHT) - point(_EYE_OUTER_LEFT)
        vertical = point(_CHIN) - point(_FOREHEAD)
        yaw = math.degrees(math.atan2(eyes[2], eyes[0]))
        pitch = math.degrees(math.atan2(vertical[2], vertical[1]))
        return yaw, pitch
