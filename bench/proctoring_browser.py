"""Proctoring in the browser, measured: each scenario of tests/e2e/proctoring_scenarios.py played by Chromium's
fake camera into a real interview room (page -> WebRTC -> server -> vision monitor) on a `candidatex serve`
with the default anti-cheat settings (3 s windows, the spec's thresholds). Prints one row per scenario and the
false-positive rate (honest scenarios with any strike) and false-negative rate (cheating scenarios without the
right flag, or with a wrong one).

    uv run --frozen python bench/proctoring_browser.py                # still_live 180 s, the others 45 s
    (an honest scenario and the photo moved by hand run at least 75 s: face_not_live's 60 s window and a margin)
    uv run --frozen python bench/proctoring_browser.py --seconds 20 --still-seconds 60 --only still_live,photo
    uv run --frozen python bench/proctoring_browser.py --seconds 30 --split holdout   # the held-out scenarios

Needs frontend/dist (make frontend) and /usr/bin/chromium. Minutes of wall time; run it alone.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from candidatex.anticheat.kinds import RULES, StrikeKind  # noqa: E402


class _Temp:
    """What tests.e2e.conftest.serve wants of pytest's tmp_path_factory."""

    def mktemp(self, name: str) -> Path:
        return Path(tempfile.mkdtemp(prefix=f"{name}-"))


LIVENESS_SECONDS = 3.0 * RULES[StrikeKind.face_not_live].window_factor + 15


def main() -> None:
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import serve
    from tests.e2e.proctoring_scenarios import FPS, SCENARIOS, run_scenario, write_video

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=45.0, help="video time per scenario")
    parser.add_argument("--still-seconds", type=float, default=180.0, help="video time of still_live")
    parser.add_argument("--only", default="", help="comma-separated scenario names")
    parser.add_argument("--split", choices=("tune", "holdout"), help="only the scenarios of this split")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON as well")
    args = parser.parse_args()
    names = [n for n in args.only.split(",") if n] or list(SCENARIOS)
    names = [n for n in names if args.split in (None, SCENARIOS[n].split)]

    # a loaded machine takes minutes to import the server's models
    server = serve(_Temp(), startup_seconds=300, TAB_SWITCH_DETECTION="false", MEDIA_VIDEO_SAMPLE_FPS=str(FPS))
    base_url = next(server)
    rows = []
    try:
        with sync_playwright() as playwright:
            for name in names:
                scenario = SCENARIOS[name]
                seconds = args.still_seconds if name == "still_live" else args.seconds
                # an honest scenario must outlast face_not_live's window (60 s) to count, and so must the photo moved
                if scenario.expected is None or StrikeKind.face_not_live in {scenario.expected, *scenario.also}:
                    seconds = max(seconds, LIVENESS_SECONDS)
                video = write_video(scenario, _Temp().mktemp(name) / f"{name}.y4m")
                # a flag that only marks the session for review (camera_frozen): on to its threshold, to show that
                # the interview goes on
                kind_rule = RULES.get(StrikeKind(scenario.expected)) if scenario.expected else None
                strikes = kind_rule.threshold if kind_rule and not kind_rule.terminates and kind_rule.threshold else 1
                # at least a third of the frames the monitor wants (2 fps) must have been analysed to judge
                row = run_scenario(playwright.chromium, base_url, scenario, video, seconds,
                                   min_frames=int(seconds * 2 / 3), strikes=strikes)
                rows.append(row)
                print(f"{row['scenario']:<16} expected {row['expected']:<15} strikes {json.dumps(row['strikes']):<40} "
                      f"frames {row['frames_analysed']:>4}  {row['seconds']:>6.1f} s  "
                      f"{'flag after ' + str(row['flagged_after_s']) + ' s' if row['flagged_after_s'] else '':<18} "
                      f"{row['status']:<10} "
                      f"{'ok' if row['correct'] else 'WRONG'}", flush=True)
    finally:
        server.close()
    honest = [r for r in rows if r["expected"] == "no strike"]
    cheating = [r for r in rows if r["expected"] != "no strike"]
    fp = sum(not r["correct"] for r in honest)
    fn = sum(not r["correct"] for r in cheating)
    print(f"false positives: {fp} of {len(honest)} honest scenarios"
          f" ({fp / len(honest):.2f})" if honest else "no honest scenario run")
    print(f"false negatives: {fn} of {len(cheating)} cheating scenarios"
          f" ({fn / len(cheating):.2f})" if cheating else "no cheating scenario run")
    if args.json:
        print(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
