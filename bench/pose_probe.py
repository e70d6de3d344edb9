"""Would mediapipe Pose tell a turned head from an absence? (issue 15, thirteenth pass; measured and rejected)

    flock /tmp/cx-bench.lock env PYTHONPATH=src .venv/bin/python bench/pose_probe.py

On the seen frames (never the p11 held-out ones) it runs the analyzer and, beside it, ``mp.solutions.pose`` (static
images, the full landmark model shipped in the wheel) and prints: on how many frames of each label Pose finds a
person; every frame with no face (and no covered lens) where it finds one, with the head's landmarks (the ears'
span and the eyes-to-mouth height as shares of the frame, the nose's offset from the ears' midpoint over their span,
the nose's position, the shoulders' height); the same nose offset on honest frames; and, in a small loop, the CPU
cost of one Pose pass and of the profile cascade's head search on a frame with nobody in view.
"""

from __future__ import annotations

import os
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

import cv2  # noqa: E402
import mediapipe as mp  # noqa: E402
import numpy as np  # noqa: E402

from candidatex.anticheat.vision import FrameAnalyzer  # noqa: E402
from tests.data.proctoring.make_frames import build  # noqa: E402

NOSE, LEFT_EYE, RIGHT_EYE, LEFT_EAR, RIGHT_EAR, MOUTH_LEFT, MOUTH_RIGHT, LEFT_SHOULDER, RIGHT_SHOULDER = (
    0,
    2,
    5,
    7,
    8,
    9,
    10,
    11,
    12,
)


def head(points: np.ndarray) -> dict[str, float]:
    ear_span = abs(points[LEFT_EAR, 0] - points[RIGHT_EAR, 0])
    return {
        "ear_span": ear_span,
        "eyes_to_mouth": abs(
            (points[MOUTH_LEFT, 1] + points[MOUTH_RIGHT, 1]) / 2
            - (points[LEFT_EYE, 1] + points[RIGHT_EYE, 1]) / 2
        ),
        "nose_offset": (points[NOSE, 0] - (points[LEFT_EAR, 0] + points[RIGHT_EAR, 0]) / 2)
        / max(ear_span, 1e-6),
        "nose_x": points[NOSE, 0],
        "nose_y": points[NOSE, 1],
        "shoulders_y": min(points[LEFT_SHOULDER, 1], points[RIGHT_SHOULDER, 1]),
        "head_visibility": min(points[i, 3] for i in (NOSE, LEFT_EYE, RIGHT_EYE)),
    }


def cpu_ms(step, rounds: int = 20) -> float:
    step()
    started = time.process_time()
    for _ in range(rounds):
        step()
    return 1000 * (time.process_time() - started) / rounds


def main() -> None:
    frames = [f for f in build() if not (f.id.startswith("p11-") and f.split == "holdout")]
    analyzer = FrameAnalyzer()
    pose = mp.solutions.pose.Pose(static_image_mode=True, model_complexity=1, min_detection_confidence=0.5)
    found, total, honest_offsets = Counter(), Counter(), []
    print(
        f"{len(frames)} seen frames\n\nno face found, Pose finds a person (label id: analyzer verdicts, head):"
    )
    for frame in frames:
        observation = analyzer.analyze(frame.image)
        result = pose.process(cv2.cvtColor(frame.image, cv2.COLOR_BGR2RGB))
        total[frame.label] += 1
        if not result.pose_landmarks:
            continue
        found[frame.label] += 1
        points = np.array([(p.x, p.y, p.z, p.visibility) for p in result.pose_landmarks.landmark])
        features = head(points)
        if frame.label == "ok":
            honest_offsets.append(abs(features["nose_offset"]))
        if observation.face_count == 0 and not observation.covered:
            shown = " ".join(f"{k} {v:.3f}" for k, v in features.items())
            print(f"  {frame.label} {frame.id}: {sorted(observation.conditions)}, {shown}")
    print("\nPose finds a person on: " + ", ".join(f"{k} {found[k]} of {total[k]}" for k in sorted(total)))
    if honest_offsets:
        print(
            "honest frames' |nose offset from the ears' midpoint| / ear span, 50/90/99/100th percentile: "
            + " / ".join(f"{v:.2f}" for v in np.percentile(honest_offsets, [50, 90, 99, 100]))
        )
    empty = next(f.image for f in frames if f.id == "p6-missing-room-tune0")
    rgb, grey = cv2.cvtColor(empty, cv2.COLOR_BGR2RGB), cv2.cvtColor(empty, cv2.COLOR_BGR2GRAY)
    print(
        f"\nCPU on an empty room (640x480), ms a call: Pose {cpu_ms(lambda: pose.process(rgb)):.0f}, profile cascade "
        f"head search {cpu_ms(lambda: analyzer._turned_head(rgb, grey)):.0f}; load average {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
