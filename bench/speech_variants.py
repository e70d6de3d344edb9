"""Decoding and audio-preparation variants, scored on the same cached audio (the figures of the eighth pass).

    PYTHONPATH=src OMP_WAIT_POLICY=PASSIVE python bench/speech_variants.py --variants base notimes --splits tune fresh

Each sentence of the splits is synthesised once in its voices (speech_bench.VOICES for tune/holdout, FRESH_VOICES
for fresh) and cached in --cache; every variant then decodes the same samples with the interview's prompt and
hotwords, as the pipeline does, and is scored after the vocabulary correction with speech_bench's normalised WER.
Text only (no word timings: the delivered text is the same, speech/transcriber.py). Per variant: WER per voice,
the rows better and worse than the first variant, and the CPU time. A variant that only changes the level
(`peak05`) moves the WER by about as much as any of these: read small differences as noise.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import speech_bench as sb  # noqa: E402 - bench/ is not a package

from candidatex.speech.correction import correct_text  # noqa: E402
from candidatex.speech.transcriber import Transcriber  # noqa: E402
from candidatex.speech.vocabulary import FILLER_PROMPT  # noqa: E402


def wsola(x: np.ndarray, speed: float, n: int = 512, tol: int = 160) -> np.ndarray:
    """`x` played at `speed` (< 1 slower) with its pitch kept: waveform-similarity overlap-add, 32 ms frames."""
    if abs(speed - 1) < 1e-3 or x.size < 4 * n:
        return x
    hop = n // 2
    window = np.hanning(n).astype(np.float32)
    padded = np.concatenate([np.zeros(tol + n, np.float32), x, np.zeros(2 * n + tol, np.float32)])
    origin = tol + n
    frames = int(x.size / speed / hop) + 1
    out = np.zeros(frames * hop + n, np.float32)
    weight = np.zeros_like(out)
    previous = origin
    for k in range(frames):
        nominal = origin + round(k * hop * speed)
        position = nominal
        if k:
            natural = padded[previous + hop: previous + hop + n]  # what would follow the last frame copied
            low = max(nominal - tol, 0)
            region = padded[low: nominal + tol + n]
            if region.size < n or natural.size < n:
                break
            position = low + int(np.argmax(np.correlate(region, natural, "valid")))
        frame = padded[position: position + n]
        if frame.size < n:
            break
        out[k * hop: k * hop + n] += frame * window
        weight[k * hop: k * hop + n] += window
        previous = position
    size = int(x.size / speed)
    return (out[:size] / np.maximum(weight[:size], 1e-3)).astype(np.float32)


def peak(x: np.ndarray, level: float) -> np.ndarray:
    top = float(np.abs(x).max())
    return x * (level / top) if top > 0 else x


_SOFT_SKILLS = {"time management", "data analysis", "product management", "communication", "leadership"}


def clean_terms(row: dict) -> list[str]:
    """The vocabulary without the taxonomy's "Apache " prefix and its soft skills."""
    terms: list[str] = []
    for term in row["terms"]:
        term = term.removeprefix("Apache ")
        if term.lower() not in _SOFT_SKILLS and term.lower() not in {t.lower() for t in terms}:
            terms.append(term)
    return terms


def natural_prompt(row: dict) -> str:
    """The vocabulary as a sentence the candidate could say, after the question."""
    terms = clean_terms(row)
    listed = terms[0] if len(terms) == 1 else ", ".join(terms[:-1]) + " and " + terms[-1]
    return f"{row['question']} As a {row['title'].lower()}, I have worked with {listed}. {FILLER_PROMPT}"


Variant = dict[str, object]
VARIANTS: dict[str, Variant] = {
    "base": {},
    "slow85": {"prep": lambda a: wsola(a, 0.85)},  # time-stretched to 85 % of the rate
    "peak05": {"prep": lambda a: peak(a, 0.5)},  # the level only
    "nohot": {"hotwords": lambda r: None},
    "natural": {"prompt": natural_prompt, "hotwords": lambda r: None},
    "cleanhot": {"prompt": lambda r: r["prompt"].replace("Apache ", ""), "hotwords": lambda r: ", ".join(clean_terms(r))},
    "novad": {"options": {"vad_filter": False}},
    "notimes": {"options": {"without_timestamps": True}},  # text tokens only, no timestamp tokens
    "notemp_notimes": {"options": {"temperature": 0.0, "without_timestamps": True}},
    "patience2": {"options": {"patience": 2.0}},
    # The encoder reads the window cut after its audio (transcriber.trimmed_window), at least this many seconds.
    "window10": {"encoder_min_frames": 1000},
    "window5": {"encoder_min_frames": 500},
    "window20": {"encoder_min_frames": 2000},
    "window15": {"encoder_min_frames": 1500},
    # The encoder reads the audio plus a margin (whole seconds, at least a minimum: ShortWindow below), its padding
    # zero columns as faster-whisper's or the log-mel of silence (the floor OpenAI's padding of the audio gives).
    "window15fill": {"window": (1500, 0, True)},
    "window10fill": {"window": (1000, 0, True)},
    "window5fill": {"window": (500, 0, True)},
    "margin2": {"window": (0, 200, False)},
    "margin2fill": {"window": (0, 200, True)},
    "margin4fill": {"window": (0, 400, True)},
}
_OPTIONS = {"beam_size": 5, "word_timestamps": False, "vad_filter": True, "condition_on_previous_text": False,
            "vad_parameters": {"min_silence_duration_ms": 500, "speech_pad_ms": 150}, "language": "en"}


class ShortWindow:
    """CTranslate2's Whisper, its encoder reading each 30 s window of features only up to the audio (the last
    column that is not all zeros) plus `margin` frames, in whole seconds, at least `min_frames`; with `silence`
    the padding kept is the window's lowest value (the log-mel floor of silence) instead of zero columns."""

    def __init__(self, model: Any, min_frames: int, margin: int, silence: bool) -> None:  # noqa: ANN401
        self._model, self.min_frames, self.margin, self.silence = model, min_frames, margin, silence

    def encode(self, features: Any, **options: Any) -> Any:  # noqa: ANN401 - ctranslate2.StorageView
        import ctranslate2

        array = np.array(features)
        frames = array.shape[-1]
        columns = np.flatnonzero(np.any(array.reshape(-1, frames) != 0, axis=0))
        content = int(columns[-1]) + 1 if columns.size else 0
        keep = min(frames, max(self.min_frames, -(-(content + self.margin) // 100) * 100))
        window = np.array(array[..., :keep])
        if self.silence and 0 < content < keep:
            window[..., content:] = window[..., :content].min()
        return self._model.encode(ctranslate2.StorageView.from_array(np.ascontiguousarray(window)), **options)

    def __getattr__(self, name: str) -> Any:  # noqa: ANN401
        return getattr(self._model, name)


def cached_rows(cache: Path, splits: tuple[str, ...]) -> tuple[list[dict], dict[str, np.ndarray]]:
    rows_file, audio_file = cache / "rows.json", cache / "audio.npz"
    if not rows_file.exists():
        cache.mkdir(parents=True, exist_ok=True)
        voices = {"tune": sb.VOICES, "holdout": sb.VOICES, "fresh": sb.FRESH_VOICES}
        rows: list[dict] = []
        audio: dict[str, np.ndarray] = {}
        for p in sb.reference_set():
            for split, sentence in p["sentences"]:
                for voice, speed in voices.get(split, ()):
                    key = str(len(rows))
                    audio[key] = sb.synthesise(sentence, voice, speed)
                    rows.append({"key": key, "profession": p["name"], "split": split, "voice": f"{voice} {speed}",
                                 "said": sentence, "question": p["question"], "title": p["title"],
                                 "prompt": " ".join((p["vocabulary"].prompt, FILLER_PROMPT)),
                                 "hotwords": p["vocabulary"].hotwords, "terms": list(p["vocabulary"].terms)})
        np.savez(audio_file, **audio)
        rows_file.write_text(json.dumps(rows))
    loaded = np.load(audio_file)
    rows = [r for r in json.loads(rows_file.read_text()) if r["split"] in splits]
    return rows, {r["key"]: loaded[r["key"]] for r in rows}


def run(transcriber: Transcriber, name: str, rows: list[dict], audio: dict[str, np.ndarray]) -> list[int]:
    model = transcriber._get_model()  # noqa: SLF001 - the bench passes faster-whisper's options directly
    variant = VARIANTS[name]
    prepare: Callable = variant.get("prep", lambda a: a)  # type: ignore[assignment]
    prompt: Callable = variant.get("prompt", lambda r: r["prompt"])  # type: ignore[assignment]
    hotwords: Callable = variant.get("hotwords", lambda r: r["hotwords"])  # type: ignore[assignment]
    options = {**_OPTIONS, **variant.get("options", {})}  # type: ignore[dict-item]
    model.encoder_min_frames = variant.get("encoder_min_frames")  # type: ignore[attr-defined]
    encoder = model.model
    if "window" in variant:
        model.model = ShortWindow(encoder, *variant["window"])  # type: ignore[misc]
    per_voice: dict[tuple[str, str], list[int]] = {}
    errors_by_row: list[int] = []
    cpu = time.process_time()
    for row in rows:
        segments, _ = model.transcribe(prepare(audio[row["key"]]), initial_prompt=prompt(row),
                                       hotwords=hotwords(row) or None, **options)
        text = " ".join(s.text.strip() for s in segments if not (s.no_speech_prob > 0.6 and s.avg_logprob < -1.0))
        errors, words = sb.word_errors(row["said"], correct_text(text, tuple(row["terms"])))
        total = per_voice.setdefault((row["split"], row["voice"]), [0, 0])
        total[0], total[1] = total[0] + errors, total[1] + words
        errors_by_row.append(errors)
    cpu = time.process_time() - cpu
    model.model = encoder
    for (split, voice), (e, n) in sorted(per_voice.items()):
        print(f"    {split:7} {voice:20} {e / n:.3f} ({e}/{n})")
    e, n = sum(errors_by_row), sum(v[1] for v in per_voice.values())
    print(f"  {name}: WER {e / n:.3f} ({e}/{n}), CPU {cpu:.0f} s, load {os.getloadavg()[0]:.1f}", flush=True)
    return errors_by_row


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="base")
    parser.add_argument("--variants", nargs="+", default=["base", "notimes"], choices=sorted(VARIANTS))
    parser.add_argument("--splits", nargs="+", default=["tune", "fresh"], choices=["tune", "holdout", "fresh"])
    parser.add_argument("--cache", type=Path, default=Path("var") / "speech_variants")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    rows, audio = cached_rows(args.cache, tuple(args.splits))
    transcriber = Transcriber(args.model, cpu_threads=args.threads)
    first: list[int] | None = None
    for name in args.variants:
        errors = run(transcriber, name, rows, audio)
        if first is None:
            first = errors
        else:
            better = sum(e < f for e, f in zip(errors, first, strict=True))
            worse = sum(e > f for e, f in zip(errors, first, strict=True))
            print(f"    against {args.variants[0]}: {better} sentences better, {worse} worse")


if __name__ == "__main__":
    main()
