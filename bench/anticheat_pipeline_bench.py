"""Anti-cheat vision pipeline: sustained frames/s against the raw detector, and face-leaving -> warning latency.

Run: PYTHONPATH=src python bench/anticheat_pipeline_bench.py [--seconds 8] [--rounds 2] [--reps 3]

1. Raw: ``FrameAnalyzer.analyze`` in a loop on 640x480 frames with one face (the astronaut photo filling a
   640x480 webcam frame, with sensor noise), for ``--seconds``.
2. Pipeline: ``VisionMonitor`` (sampling off, default queue of 4, analysis via ``asyncio.to_thread``) fed the
   same frames as fast as it accepts them (when ``submit`` refuses a frame, the feeder awaits ``drain()``);
   analysed frames counted from ``monitor.stats``.
   Raw and pipeline alternate for ``--rounds`` rounds in the same process, each with wall and CPU time
   (``time.process_time``), so the overhead ratio (pipeline cost per frame / raw cost per frame) compares
   like with like.
3. Latency: frames fed in real time at the sampling rate (2 fps production, 5 fps), the face present for
   ``window + 1`` s, then an empty room (skimage coffee photo) from time T; latency = wall time at which
   the ``on_violation`` callback receives ``face_missing`` minus T. The part fixed by the debouncing rule
   (stream time of the deciding frame minus T) is shown separately from what analysis adds.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time

import cv2
import numpy as np
from skimage import data

from candidatex.anticheat.monitor import Violation, VisionMonitor
from candidatex.anticheat.vision import FrameAnalyzer, VisionConfig

WIDTH, HEIGHT = 640, 480


def webcam_frame(rgb: np.ndarray) -> np.ndarray:
    """Scale to cover 640x480 and keep the top part, where the head is (as in tests/anticheat)."""
    bgr = cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)
    scale = max(WIDTH / bgr.shape[1], HEIGHT / bgr.shape[0])
    resized = cv2.resize(bgr, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    x0 = (resized.shape[1] - WIDTH) // 2
    return np.ascontiguousarray(resized[:HEIGHT, x0 : x0 + WIDTH])


def noisy(frame: np.ndarray, count: int, seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [(frame + rng.normal(0, 3, frame.shape)).clip(0, 255).astype(np.uint8) for _ in range(count)]


def raw(analyzer: FrameAnalyzer, frames: list[np.ndarray], seconds: float) -> tuple[int, float, float]:
    count = 0
    wall0, cpu0 = time.perf_counter(), time.process_time()
    while time.perf_counter() - wall0 < seconds:
        analyzer.analyze(frames[count % len(frames)], "raw")
        count += 1
    return count, time.perf_counter() - wall0, time.process_time() - cpu0


async def pipeline(analyzer: FrameAnalyzer, frames: list[np.ndarray], seconds: float) -> tuple[int, float, float, int]:
    monitor = VisionMonitor(analyzer, sample_fps=0, stream="pipeline")
    index, rejected = 0, 0
    async with monitor:
        wall0, cpu0 = time.perf_counter(), time.process_time()
        start = monitor.stats.frames_analyzed
        while time.perf_counter() - wall0 < seconds:
            if await monitor.submit(frames[index % len(frames)], float(index)):
                index += 1
            else:  # queue full: analysis is behind; wait for it instead of polling (polling would cost CPU)
                rejected += 1
                await monitor.drain()
        analysed = monitor.stats.frames_analyzed - start
        wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    return analysed, wall, cpu, monitor.stats.violations


async def leave_latency(analyzer: FrameAnalyzer, face: list[np.ndarray], empty: list[np.ndarray], fps: float,
                        window: float, min_ratio: float, min_samples: int) -> tuple[float, float] | None:
    """Seconds from the face leaving to the face_missing violation: (wall total, debouncing rule's part).

    Frames carry their scheduled capture time (a camera's timestamps, evenly spaced); the wall clock measures
    when they are really submitted and when the violation arrives. None if no violation within 3 windows + 5 s.
    """
    got: asyncio.Future[tuple[float, Violation]] = asyncio.get_running_loop().create_future()

    def on_violation(violation: Violation) -> None:
        if violation.kind == "face_missing" and not got.done():
            got.set_result((time.monotonic(), violation))

    monitor = VisionMonitor(analyzer, window_seconds=window, min_ratio=min_ratio, min_samples=min_samples,
                            sample_fps=fps, on_violation=on_violation, stream=f"latency-{fps}-{window}")
    interval = 1.0 / fps
    async with monitor:
        t0 = time.monotonic()
        switch_at: float | None = None
        n = 0
        while not got.done():
            target = t0 + n * interval
            await asyncio.sleep(max(0.0, target - time.monotonic()))
            now = time.monotonic()
            present = target - t0 < window + 1.0
            if not present and switch_at is None:
                switch_at, switch_ts = now, target
            frame = (face if present else empty)[n % len(face)]
            await monitor.submit(frame, target)
            n += 1
            if switch_at is not None and now - switch_at > 3 * window + 5:
                return None
        received_at, violation = got.result()
    assert switch_at is not None
    return received_at - switch_at, violation.detected_at - switch_ts


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=8.0, help="per throughput measurement")
    parser.add_argument("--rounds", type=int, default=2, help="raw/pipeline alternations")
    parser.add_argument("--reps", type=int, default=3, help="latency repetitions per case")
    args = parser.parse_args()

    face = noisy(webcam_frame(data.astronaut()), 8, 0)
    empty = noisy(webcam_frame(data.coffee()), 8, 1)
    print(f"Anti-cheat vision pipeline, 640x480 BGR, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")

    with FrameAnalyzer(VisionConfig()) as analyzer:
        assert analyzer.analyze(face[0]).face_count == 1 and analyzer.analyze(empty[0]).face_count == 0
        for frame in face[:3]:  # warm-up
            analyzer.analyze(frame, "raw")

        print(f"\nThroughput ({args.seconds:.0f} s per run, one face per frame)")
        print(f"  {'run':10s} {'frames':>7s} {'frames/s':>9s} {'ms/frame':>9s} {'CPU %':>6s} {'frames/CPU-s':>13s}")
        totals = {"raw": [0, 0.0, 0.0], "pipeline": [0, 0.0, 0.0]}
        for _ in range(args.rounds):
            for name in ("raw", "pipeline"):
                if name == "raw":
                    frames, wall, cpu = raw(analyzer, face, args.seconds)
                else:
                    frames, wall, cpu, violations = await pipeline(analyzer, face, args.seconds)
                    assert violations == 0, "a face in every frame must raise nothing"
                for i, value in enumerate((frames, wall, cpu)):
                    totals[name][i] += value
                print(f"  {name:10s} {frames:7d} {frames / wall:9.1f} {1000 * wall / frames:9.1f} "
                      f"{100 * cpu / wall:6.0f} {frames / cpu:13.1f}")
        (rf, rw, rc), (pf, pw, pc) = totals["raw"], totals["pipeline"]
        print(f"  {'raw total':10s} {rf:7d} {rf / rw:9.1f} {1000 * rw / rf:9.1f} {100 * rc / rw:6.0f} {rf / rc:13.1f}")
        print(f"  {'pipe total':10s} {pf:7d} {pf / pw:9.1f} {1000 * pw / pf:9.1f} {100 * pc / pw:6.0f} {pf / pc:13.1f}")
        print(f"  overhead ratio (pipeline / raw cost per frame): wall {(pw / pf) / (rw / rf):.3f}, "
              f"CPU {(pc / pf) / (rc / rf):.3f}")

        print(f"\nFace leaves -> face_missing violation (on_violation), median of {args.reps}")
        print(f"  {'settings':34s} {'fps':>4s} {'total s':>8s} {'rule s':>7s} {'analysis s':>11s}  all totals")
        cases = [
            ("default: window 3 s, ratio 0.6", 3.0, 0.6, 3),
            ("tests: window 1 s, ratio 0.6", 1.0, 0.6, 3),
        ]
        for label, window, ratio, min_samples in cases:
            for fps in (2.0, 5.0):
                runs = [await leave_latency(analyzer, face, empty, fps, window, ratio, min_samples)
                        for _ in range(args.reps)]
                if None in runs:
                    print(f"  {label:34s} {fps:4.0f}     none  (no face_missing within {3 * window + 5:.0f} s of the face leaving)")
                    continue
                total = statistics.median(r[0] for r in runs)
                rule = statistics.median(r[1] for r in runs)
                extra = statistics.median(r[0] - r[1] for r in runs)
                print(f"  {label:34s} {fps:4.0f} {total:8.2f} {rule:7.2f} {extra:11.3f}  "
                      + " ".join(f"{r[0]:.2f}" for r in runs))


if __name__ == "__main__":
    asyncio.run(main())
