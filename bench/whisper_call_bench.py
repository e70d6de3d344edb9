"""Wall and CPU time of one Whisper call on a short piece of speech, per encoder window, paired in one run.

    PYTHONPATH=src OMP_WAIT_POLICY=PASSIVE python bench/whisper_call_bench.py --model base --windows 0 15 10 5

Pieces of 1-5 s (the answers of speech_bench, cut at word boundaries, espeak-ng's en-us voice) are transcribed the
way the pipeline commits them (beam 5, the interview's prompt and hotwords, aligned word timestamps), each piece
once per window in turn (A B C A B C ...), so a change of the machine's load hits every window alike. Also times
CTranslate2's encoder alone on each window's length. Window 0 is Whisper's full 30 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import speech_bench as sb  # noqa: E402 - bench/ is not a package

from candidatex.speech.transcriber import Transcriber  # noqa: E402


def pieces() -> list[np.ndarray]:
    """1-5 s pieces of speech: the first 2, 4, ... words of each answer, as many words as fit."""
    out = []
    for answer in sb.ANSWERS:
        words = answer.split()
        for count in (3, 6, 10):
            out.append(sb.synthesise(" ".join(words[:count])))
    return [p for p in out if 0.8 <= p.size / 16000 <= 5.5]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="base")
    parser.add_argument("--windows", nargs="+", type=float, default=[0.0, 15.0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    vocabulary = sb.build_vocabulary(sb.QUESTION, (), "Backend engineer", sb.JOB, "")
    prompt = " ".join((vocabulary.prompt, sb.FILLER_PROMPT))
    transcriber = Transcriber(args.model, cpu_threads=args.threads)
    model = transcriber._get_model()  # noqa: SLF001 - the encoder is timed on its own below
    audio = pieces()
    print(
        f"{len(audio)} pieces, {min(a.size for a in audio) / 16000:.1f}-{max(a.size for a in audio) / 16000:.1f} s;"
        f" load {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    transcriber.transcribe_sync(audio[0], initial_prompt=prompt)  # warm up
    wall: dict[float, list[float]] = {w: [] for w in args.windows}
    cpu: dict[float, list[float]] = {w: [] for w in args.windows}
    texts: dict[float, list[str]] = {w: [] for w in args.windows}
    for _ in range(args.rounds):
        for piece in audio:
            for window in args.windows:
                started, cpu_started = time.perf_counter(), time.process_time()
                transcript = transcriber.transcribe_sync(
                    piece, initial_prompt=prompt, hotwords=vocabulary.hotwords, encoder_min_s=window
                )
                wall[window].append(time.perf_counter() - started)
                cpu[window].append(time.process_time() - cpu_started)
                texts[window].append(transcript.text)
    import ctranslate2

    for window in args.windows:
        frames = round(window * 100) or 3000
        features = ctranslate2.StorageView.from_array(np.zeros((1, 80, frames), dtype=np.float32))
        model.model.encode(features)
        encoder_started = time.perf_counter()
        for _ in range(5):
            model.model.encode(features)
        encoder_ms = (time.perf_counter() - encoder_started) / 5 * 1000
        same = sum(t == f for t, f in zip(texts[window], texts[args.windows[0]], strict=True))
        print(
            f"window {window or 30:>4.0f} s: wall p50 {statistics.median(wall[window]) * 1000:4.0f} ms, "
            f"mean {statistics.mean(wall[window]) * 1000:4.0f} ms; CPU mean {statistics.mean(cpu[window]) * 1000:4.0f} ms;"
            f" encoder alone {encoder_ms:4.0f} ms; text as window {args.windows[0] or 30:.0f} s in "
            f"{same}/{len(texts[window])}",
            flush=True,
        )
    print(f"load now {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
