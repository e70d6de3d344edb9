"""Frames per second of FrameAnalyzer on 640x480 frames on this machine.

Run: PYTHONPATH=src python bench/vision_bench.py [--seconds 5]
"""

from __future__ import annotations

import argparse
import os
import time

import cv2
import numpy as np
from skimage import data

from candidatex.anticheat.vision import FrameAnalyzer, VisionConfig


def webcam_frame(rgb: np.ndarray) -> np.ndarray:
    bgr = cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)
    scale = max(640 / bgr.shape[1], 480 / bgr.shape[0])
    resized = cv2.resize(bgr, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    x0 = (resized.shape[1] - 640) // 2
    return np.ascontiguousarray(resized[:480, x0 : x0 + 640])


def measure(analyzer: FrameAnalyzer, frames: list[np.ndarray], seconds: float) -> float:
    for frame in frames[:3]:  # warm-up: graph initialisation, caches
        analyzer.analyze(frame)
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        analyzer.analyze(frames[count % len(frames)])
        count += 1
    return count / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    rng = np.random.default_rng(0)

    def noisy(frame: np.ndarray) -> list[np.ndarray]:
        return [(frame + rng.normal(0, 3, frame.shape)).clip(0, 255).astype(np.uint8) for _ in range(8)]

    cases = {
        "one face (detector + face mesh)": noisy(webcam_frame(data.astronaut())),
        "no face (detector only)": noisy(webcam_frame(data.coffee())),
        "covered (no model run)": noisy(np.full((480, 640, 3), 8, np.uint8)),
    }
    print(f"FrameAnalyzer, 640x480 BGR, {os.cpu_count()} CPUs, {args.seconds:.0f} s per case")
    with FrameAnalyzer(VisionConfig()) as analyzer:
        for name, frames in cases.items():
            fps = measure(analyzer, frames, args.seconds)
            print(f"  {name:34s} {fps:7.1f} frames/s  ({1000 / fps:5.1f} ms/frame)")


if __name__ == "__main__":
    main()
