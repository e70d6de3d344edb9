"""Precision and recall of the proctoring verdicts on the labelled frame set (tests/data/proctoring).

    uv run --frozen python bench/proctoring_eval.py [--errors] [--split tune|holdout|all|seen] [--new]
        [--pass fifth|sixth|seventh|eighth] [--prefix p8c-|p8m-]

For each verdict it prints precision and recall of the anti-cheat analyzer (candidatex.anticheat.vision)
and of the raw mediapipe full-range face detector on the same frames (its verdicts: no face = face
missing, two or more = multiple faces; it has none for the others). A frame's predicted verdict is the
analyzer's per-frame condition; the ``ok`` frames must raise none. ``--errors`` lists every miss. Rendered head
turns are reported on their own line and never count as looking away's false positives.

``--split``: ``tune`` (the default: every frame from before the fifth pass, all of which were looked at, and the
fifth and sixth passes' tune frames), ``holdout`` (the fifth and sixth passes' held-out people, rooms and lenses: run
once, at the end of a change; the fifth's has been looked at since) or ``all``. ``--new`` keeps only the frames the fifth and sixth passes added; ``--pass fifth`` or ``--pass
sixth`` only one pass's frames (the sixth: new people as morphs of two LFW crops, drawn rooms; its held-out split
is split by parent person and was run once; the seventh: a small fresh batch, all held out, new morph pairings and rooms;
the eighth: two batches, split tune / holdout each, ``p8c-`` the head turns, covered lenses and dark rooms, ``p8m-`` far
faces, empty rooms, soft honest faces, printed faces and hands). ``--prefix`` keeps the frames whose id starts with
it. ``--split seen`` is every frame but the p11 batch's held-out ones (eleventh pass: ``p11-`` head turns of people p9t
never used, past where detectors find a face, and empty rooms; run once, at the end of its pass; every other held-out
split, p9m's and p9t's included, has been run and may be tuned on).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

import cv2  # noqa: E402
import mediapipe as mp  # noqa: E402

from candidatex.anticheat.vision import FrameAnalyzer  # noqa: E402
from tests.data.proctoring.make_frames import build  # noqa: E402

VERDICTS = ("face_missing", "multiple_faces", "camera_covered", "looking_away", "face_too_far", "face_too_close")


def ours(analyzer: FrameAnalyzer, image) -> set[str]:
    return set(analyzer.analyze(image).conditions)


def raw(detector, image) -> set[str]:
    found = len(detector.process(cv2.cvtColor(image, cv2.COLOR_BGR2RGB)).detections or [])
    return {"face_missing"} if found == 0 else {"multiple_faces"} if found > 1 else set()


def table(name: str, rows: list[tuple[str, set[str]]], verdicts: tuple[str, ...]) -> None:
    print(f"\n{name}")
    print(f"{'verdict':16} {'frames':>6} {'TP':>4} {'FP':>4} {'FN':>4} {'precision':>9} {'recall':>7}")
    for verdict in verdicts:
        tp = sum(1 for label, got in rows if label == verdict and verdict in got)
        # A rendered turn (45-55 degrees) seen as looking away is right, not a false positive; its recall has its line.
        fp = sum(1 for label, got in rows if label != verdict and verdict in got
                 and not (verdict == "looking_away" and label == "rendered_turn"))
        fn = sum(1 for label, got in rows if label == verdict and verdict not in got)
        precision = tp / (tp + fp) if tp + fp else float("nan")
        recall = tp / (tp + fn) if tp + fn else float("nan")
        print(f"{verdict:16} {tp + fn:6} {tp:4} {fp:4} {fn:4} {precision:9.3f} {recall:7.3f}")
    rendered = [got for label, got in rows if label == "rendered_turn"]
    if rendered and "looking_away" in verdicts:
        found = sum("looking_away" in got for got in rendered)
        print(f"rendered head turns (45-55 degrees, inner face only) seen as looking away: {found} of {len(rendered)}")
    honest = [got for label, got in rows if label == "ok"]
    flagged = sum(1 for got in honest if got)
    print(f"honest frames with any verdict (false positives): {flagged} of {len(honest)}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--errors", action="store_true")
    parser.add_argument("--split", choices=("tune", "holdout", "all", "seen"), default="tune")
    parser.add_argument("--new", action="store_true", help="only the frames added in the fifth and sixth passes")
    parser.add_argument("--pass", dest="added", choices=("fifth", "sixth", "seventh", "eighth", "ninth", "eleventh"),
                        help="only the frames one pass added")
    parser.add_argument("--prefix", default="", help="only the frames whose id starts with this (p8c-, p8m-)")
    args = parser.parse_args()

    def wanted(f) -> bool:
        split = (args.split == "all" or f.split == args.split
                 or (args.split == "seen" and not (f.id.startswith("p11-") and f.split == "holdout")))
        return (split and (f.added or not args.new) and f.id.startswith(args.prefix)
                and (args.added is None or f.added.startswith(f"{args.added} pass")))

    frames = [f for f in build() if wanted(f)]
    print(f"split {args.split}{', added frames only' if args.new else ''}{f', {args.added} pass' if args.added else ''}"
          f"{f', ids {args.prefix}*' if args.prefix else ''}")
    labels = Counter(f.label for f in frames)
    print(f"{len(frames)} frames: " + ", ".join(f"{k} {v}" for k, v in sorted(labels.items())))
    analyzer = FrameAnalyzer()
    detector = mp.solutions.face_detection.FaceDetection(model_selection=1, min_detection_confidence=0.5)
    started, cpu_started = time.perf_counter(), time.process_time()
    mine = [(f.label, ours(analyzer, f.image)) for f in frames]
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    base = [(f.label, raw(detector, f.image)) for f in frames]
    table("candidatex analyzer", mine, VERDICTS)
    table("raw mediapipe full-range detector", base, ("face_missing", "multiple_faces"))
    print(f"\nanalyzer: {1000 * elapsed / len(frames):.0f} ms a frame (CPU, all threads: {1000 * cpu / len(frames):.0f} ms), "
          f"load average {os.getloadavg()[0]:.1f}")
    if args.errors:
        print("\nmisses (id: label -> verdicts)")
        for frame, (label, got) in zip(frames, mine, strict=True):
            expected = set() if label == "ok" else {label}
            if label == "rendered_turn":
                expected = {"looking_away"}
            if not (got == expected or (label != "ok" and (label in got or expected <= got))):
                print(f"  {frame.id}: {label} -> {sorted(got) or 'none'}")
            elif got - expected:  # found, with a wrong verdict beside it (a false positive of that verdict)
                print(f"  {frame.id}: {label} -> {sorted(got)} (also {sorted(got - expected)})")


if __name__ == "__main__":
    main()
