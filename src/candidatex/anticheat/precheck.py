"""The precheck's camera test on the server: exactly one live face before the start is enabled.

The page sends a few camera frames taken about half a second apart. Each is decoded and analysed like
a monitored frame; the face's landmarks must move between frames (a live person always moves a
little; a photo held still or a frozen feed gives identical landmarks).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from typing import TYPE_CHECKING

from candidatex.anticheat.policy import CameraView
from candidatex.core.errors import InvalidInput

if TYPE_CHECKING:
    from candidatex.anticheat.vision import FrameAnalyzer, FrameObservation

MAX_CAMERA_FRAME_BYTES = 500 * 1024
MAX_CAMERA_FRAMES = 5
# Mean landmark motion between two precheck frames, as a share of the face's width, that shows life.
LIVE_MOTION = 0.002


def decode_frame(encoded: str) -> bytes:
    """A base64 JPEG/PNG (optionally a data: URL) -> its bytes, validated for size."""
    if encoded.startswith("data:"):
        encoded = encoded.partition(",")[2]
    try:
        raw = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput("camera_frame is not base64",
                           details=[{"field": "camera_frame", "message": "not base64"}]) from None
    if len(raw) > MAX_CAMERA_FRAME_BYTES:
        raise InvalidInput("camera_frame is larger than 500 KB",
                           details=[{"field": "camera_frame", "message": "too large"}])
    return raw


def analyze_bytes(analyzer: FrameAnalyzer, raw: bytes) -> FrameObservation | None:
    import cv2
    import numpy as np

    image = cv2.imdecode(np.frombuffer(raw, dtype=np.uint8), cv2.IMREAD_COLOR)
    if image is None or image.size == 0:
        return None
    return analyzer.analyze(image, stream="precheck")


def camera_view(observations: Sequence[FrameObservation]) -> CameraView:
    """Combine the analysed precheck frames into one view: faces, covered, distance, liveness."""
    from candidatex.anticheat.vision import landmark_motion

    with_face = [o for o in observations if o.face_count == 1 and o.landmarks is not None]
    live = None
    if len(with_face) >= 2:
        motions = []
        for previous, current in zip(with_face, with_face[1:], strict=False):
            width = float(current.landmarks[:, 0].max() - current.landmarks[:, 0].min())  # type: ignore[index]
            motions.append(landmark_motion(previous.landmarks, current.landmarks, width))  # type: ignore[arg-type]
        live = max(motions) >= LIVE_MOTION
    half = len(observations) / 2
    return CameraView(frames=len(observations), face_counts=tuple(o.face_count for o in observations),
                      covered=any(o.covered for o in observations),
                      too_far=sum(o.too_far for o in observations) > half,
                      too_close=sum(o.too_close for o in observations) > half, live=live)
