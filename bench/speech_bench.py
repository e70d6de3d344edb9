"""Speech benchmark: the right words, sub-second turns, and no false ends on thinking pauses.

    PYTHONPATH=src python bench/speech_bench.py                       # every model, every part
    PYTHONPATH=src python bench/speech_bench.py --models base --parts turns

1. wer: word error rate on technical sentences of four professions (tests/data/speech/technical_sentences.json:
   software, clinical, finance, support; 449 reference words split tune/holdout) spoken by espeak-ng in four
   voices and speeds, per model: without biasing, with the prompt and hotwords the interview gives (its
   question, job description and résumé skills), and with the vocabulary correction after that
   (speech/correction.py). `--splits fresh` runs the 30 sentences of six more professions in three other voices
   (FRESH_VOICES), `--splits fresh2` the 36 sentences of six more in three more (FRESH2_VOICES). Scored after Whisper's English normalisation (`_tokens`), and raw. `--save FILE` keeps the
   transcripts; `--rescore FILE` scores them again.
2. latency: answers streamed through `VoiceAnswerPipeline` at real-time pace (20 ms chunks, partials
   competing for the CPU as in use); from the moment the end of the turn is decided (Silero VAD + Smart
   Turn + the words) to the final transcript, p50/p95; and the same after an explicit "done". CPU seconds
   of this process per second of audio streamed, and the WER of the streamed finals (audio lost or pieces
   cut badly show there).
3. pauses: tests/data/speech/turn_taking.json, split tune/holdout: answers with 2-6 s thinking pauses (how many
   of them were ended at the pause: a false end) and answers that are over (how much silence they took to
   end: a late end). Pauses are judged as on a machine that keeps up (the pipeline is drained while the
   silence lasts): the worst case, since a late verdict is void once the candidate speaks again.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np

from candidatex.speech.audio import SAMPLE_RATE, decode_audio_file, float32_to_pcm16
from candidatex.speech.correction import correct_text, edit_distance
from candidatex.speech.pipeline import FinalTranscript, VoiceAnswerPipeline
from candidatex.speech.segmenter import SegmenterSettings
from candidatex.speech.transcriber import Transcriber, partial_transcriber
from candidatex.speech.vocabulary import FILLER_PROMPT, build_vocabulary

JOB = ("Backend engineer: Python services on Kubernetes, PostgreSQL and Redis, OAuth sign-in, Kafka events, "
       "gRPC APIs, idempotent payment handlers, p99 latency budgets.")
QUESTION = "How would you design a payment API that stays fast and correct under load?"
SENTENCES_FILE = Path(__file__).resolve().parents[1] / "tests" / "data" / "speech" / "technical_sentences.json"
VOICES = [("en-us", 150), ("en", 175), ("en-us+f3", 130), ("en-gb-x-rp", 160)]
"""espeak-ng voices and speeds; en-gb-x-rp is a second accent (no second engine is installed here)."""
FRESH_VOICES = [("en-us-nyc", 140), ("en-gb-scotland", 180), ("en-us+m3", 200)]
"""Voices and speeds no pass before the sixth used, for the 'fresh' sentences only."""
FRESH2_VOICES = [("en-gb-x-gbcwmd", 195), ("en-029", 125), ("en-gb-x-gbclan+f2", 160)]
"""Voices and speeds no pass before the eighth used (one fast, one slow), for the 'fresh2' sentences only."""
ANSWERS = [
    "Last year I led the migration of our billing system to a new platform.",
    "I would keep the sessions in Redis because it is fast and every key can expire.",
    "We use PostgreSQL for the orders, with an index on the customer and the date.",
    "My greatest strength is patience when I teach new engineers on my team.",
    "First I would measure the p99 latency, then I would look at the slowest queries.",
    "The payment handler is idempotent, so a retried request is only charged once.",
]
TURNS_FILE = SENTENCES_FILE.with_name("turn_taking.json")
"""Answers with thinking pauses (a false end if they end early) and real ends (how late they end)."""


def synthesise(text: str, voice: str = "en-us", speed: int = 160) -> np.ndarray:
    if shutil.which("espeak-ng") is None:
        raise SystemExit("espeak-ng is needed to synthesise the benchmark speech")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "speech.wav"
        subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(path), text], check=True)
        return decode_audio_file(path.read_bytes())


_UNITS = {w: n for n, w in enumerate(("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                                      "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
                                      "seventeen", "eighteen", "nineteen"))}
_TENS = {w: 10 * n for n, w in enumerate(("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"),
                                         2)}
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000}
_SHORT_UNITS = {"ms": "milliseconds", "s": "seconds"}


def _digits(tokens: list[str]) -> list[str]:
    """Spelled numbers as digits ("two hundred" → "200"), as Whisper's English normaliser scores them: "200"
    for "two hundred" is the right transcript, not two word errors. "one two three" stays three numbers."""
    out: list[str] = []
    total = current = 0
    last = ""  # the kind of the previous number word: unit, tens or scale

    def flush() -> None:
        nonlocal total, current, last
        if last:
            out.append(str(total + current))
        total = current = 0
        last = ""

    for token in tokens:
        if token in _UNITS:
            if last == "unit" or (last == "tens" and _UNITS[token] >= 10):
                flush()
            current += _UNITS[token]
            last = "unit"
        elif token in _TENS:
            if last in ("unit", "tens"):
                flush()
            current += _TENS[token]
            last = "tens"
        elif token in _SCALES and last:
            current = max(current, 1) * _SCALES[token]
            if _SCALES[token] >= 1000:
                total, current = total + current, 0
            last = "scale"
        else:
            flush()
            out.append(token)
    flush()
    return out


_FILLERS = re.compile(r"\b(?:hmm+|mm+|mhm+|uh+|um+|umm+|uhm+|ah+|er+|erm+)\b")
_CONTRACTIONS = [(re.compile(pattern), spelled) for pattern, spelled in (
    (r"\bwon't\b", "will not"), (r"\bcan't\b", "can not"), (r"\blet's\b", "let us"), (r"n't\b", " not"),
    (r"'re\b", " are"), (r"'s been\b", " has been"), (r"'d been\b", " had been"), (r"'d\b", " would"),
    (r"'ll\b", " will"), (r"'ve\b", " have"), (r"'m\b", " am"))]
_ORDINALS = {w: f"{n}{'st' if n == 1 else 'nd' if n == 2 else 'rd' if n == 3 else 'th'}" for n, w in enumerate(
    ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"), 1)
    if w != "second"}  # "one second" is a time


def _raw_tokens(text: str) -> list[str]:
    """The raw figure: case and punctuation only."""
    return re.findall(r"[a-z0-9]+(?:'[a-z]+)?", text.lower())


def _tokens(text: str) -> list[str]:
    """The normalised figure, by the rules of OpenAI Whisper's `EnglishTextNormalizer` (the normaliser its paper
    scores with), on both sides and for every model alike: lower case; hesitations (um, uh, hmm) removed;
    contractions spelled out; hyphens and other punctuation as spaces; letters split from digits ("p99" →
    "p 99"); spelled numbers as digits ("two hundred" → "200", "third" → "3rd"); "%" as "percent"; and, beyond
    Whisper's rules, "ms"/"s" after a number as the word. Not done here: its British → American spelling map
    (the references are American)."""
    text = _FILLERS.sub(" ", text.lower().replace("’", "'"))
    for pattern, spelled in _CONTRACTIONS:
        text = pattern.sub(spelled, text)
    text = text.replace("-", " ").replace("%", " percent")
    text = re.sub(r"\b(\d+)\s*(ms|s)\b", lambda m: f"{m[1]} {_SHORT_UNITS[m[2]]}", text)
    text = re.sub(r"([a-z])(\d)", r"\1 \2", text)
    text = re.sub(r"\b(\d+)(st|nd|rd|th)\b", r"\1\2", text)
    tokens = [_ORDINALS.get(t, t) for t in re.findall(r"[a-z0-9]+(?:'[a-z]+)?", text)]
    return _digits(tokens)


def word_errors(reference: str, hypothesis: str, normalise: bool = True) -> tuple[int, int]:
    """Levenshtein distance over words, and the reference length (normalised or raw tokens)."""
    tokens = _tokens if normalise else _raw_tokens
    ref = tokens(reference)
    return edit_distance(ref, tokens(hypothesis)), len(ref)


def word_misses(reference: str, hypothesis: str) -> list[str]:
    """The reference words the hypothesis got wrong, as "said → heard" ("idempotent → item potent"),
    from a backtrace of the word alignment; insertions show as "+ heard"."""
    ref, hyp = _tokens(reference), _tokens(hypothesis)
    cost = [[i + j if i * j == 0 else 0 for j in range(len(hyp) + 1)] for i in range(len(ref) + 1)]
    for i in range(1, len(ref) + 1):
        for j in range(1, len(hyp) + 1):
            cost[i][j] = min(cost[i - 1][j] + 1, cost[i][j - 1] + 1, cost[i - 1][j - 1] + (ref[i - 1] != hyp[j - 1]))
    misses: list[tuple[str, list[str]]] = []
    i, j = len(ref), len(hyp)
    while i or j:
        if i and j and cost[i][j] == cost[i - 1][j - 1] + (ref[i - 1] != hyp[j - 1]):
            if ref[i - 1] != hyp[j - 1]:
                misses.append((ref[i - 1], [hyp[j - 1]]))
            i, j = i - 1, j - 1
        elif i and cost[i][j] == cost[i - 1][j] + 1:
            misses.append((ref[i - 1], []))
            i -= 1
        else:
            misses.append(("+", [hyp[j - 1]]))
            j -= 1
    return [f"{said} → {' '.join(heard) or '∅'}" if said != "+" else f"+ {heard[0]}" for said, heard in misses[::-1]]


def reference_set() -> list[dict]:
    """The professions of tests/data/speech/technical_sentences.json, each with its vocabulary."""
    professions = json.loads(SENTENCES_FILE.read_text())["professions"]
    for p in professions:
        p["vocabulary"] = build_vocabulary(p["question"], (), p["title"], p["job_description"], p["resume"])
    return professions


async def transcribe_set(transcriber: Transcriber, save: Path | None = None,
                         splits: tuple[str, ...] = ("tune", "holdout")) -> dict:
    """Every sentence of `splits` in each of its voices (the fresh split has its own), without and with the
    interview's prompt and hotwords: {voice: [rows]}, saved after each voice (a run stopped half way keeps what it
    heard). The texts are the delivered ones: transcribed with word timestamps, as the pipeline does."""
    heard: dict[str, list[dict]] = {}
    voices = ([(v, s, ("tune", "holdout")) for v, s in VOICES] + [(v, s, ("fresh",)) for v, s in FRESH_VOICES]
              + [(v, s, ("fresh2",)) for v, s in FRESH2_VOICES])
    for voice, speed, voice_splits in voices:
        if not set(voice_splits) & set(splits):
            continue
        rows = heard[f"{voice} {speed}"] = []
        for p in reference_set():
            prompt = " ".join((p["vocabulary"].prompt, FILLER_PROMPT))
            for split, sentence in p["sentences"]:
                if split not in splits or split not in voice_splits:
                    continue
                samples = synthesise(sentence, voice, speed)
                plain = await transcriber.transcribe(samples)
                biased = await transcriber.transcribe(samples, initial_prompt=prompt,
                                                      hotwords=p["vocabulary"].hotwords)
                rows.append({"profession": p["name"], "split": split, "said": sentence,
                             "plain": plain.text, "biased": biased.text})
        print(f"  transcribed {voice} {speed} wpm", flush=True)
        if save is not None:
            await asyncio.to_thread(save.write_text, json.dumps(heard, indent=1))
    return heard


def score(heard: dict) -> None:
    """WER per voice and split: no biasing, prompt + hotwords, and then the vocabulary correction; normalised
    (`_tokens`) and, for the corrected text, raw (case and punctuation only)."""
    terms = {p["name"]: p["vocabulary"].terms for p in reference_set()}
    for split in ("tune", "holdout", "fresh", "fresh2"):
        totals = {"plain": [0, 0], "biased": [0, 0], "corrected": [0, 0], "corrected raw": [0, 0]}
        for voice, rows in heard.items():
            rows = [row for row in rows if row["split"] == split]
            if not rows:
                continue
            line = []
            misses: list[str] = []
            for kind in totals:
                errors = words = 0
                for row in rows:
                    text = (correct_text(row["biased"], terms[row["profession"]]) if kind.startswith("corrected")
                            else row[kind])
                    e, n = word_errors(row["said"], text, normalise=kind != "corrected raw")
                    errors, words = errors + e, words + n
                    if kind == "corrected" and e:
                        misses += word_misses(row["said"], text)
                totals[kind][0] += errors
                totals[kind][1] += words
                line.append(f"{kind} {errors / words:.3f} ({errors}/{words})")
            print(f"  WER {split:7} {voice:17}: {'  '.join(line)}", flush=True)
            print(f"      word errors left: {'; '.join(misses)}", flush=True)
        if totals["plain"][1]:
            print(f"  WER {split:7} all voices       : "
                  + "  ".join(f"{k} {e / n:.3f} ({e}/{n})" for k, (e, n) in totals.items()), flush=True)


async def wer(transcriber: Transcriber, save: Path | None = None, splits: tuple[str, ...] = ("tune", "holdout")) -> None:
    score(await transcribe_set(transcriber, save, splits))


async def stream_real_time(pipeline: VoiceAnswerPipeline, audio: np.ndarray) -> None:
    step = SAMPLE_RATE // 50
    began = time.perf_counter()
    for index, start in enumerate(range(0, audio.size, step)):
        pipeline.feed(float32_to_pcm16(audio[start : start + step]))
        await asyncio.sleep(max(0.0, began + (index + 1) * 0.02 - time.perf_counter()))


def collect_finals(pipeline: VoiceAnswerPipeline) -> tuple[list[FinalTranscript], asyncio.Task]:
    """The finals the pipeline publishes, as they come (until it is closed)."""
    finals: list[FinalTranscript] = []

    async def watch() -> None:
        async for event in pipeline.events():
            if isinstance(event, FinalTranscript):
                finals.append(event)

    return finals, asyncio.create_task(watch())


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def latency(transcriber: Transcriber, partials: Transcriber | None) -> None:
    """Both ends of each answer, timed; and the words of the streamed finals, scored (a piece cut too early
    or a lost stretch of audio shows there)."""
    vocabulary = build_vocabulary(QUESTION, (), "Backend engineer", JOB)
    turn_ms: list[float] = []
    done_ms: list[float] = []
    behind: list[str] = []
    scored = {"turn": [0, 0], "done": [0, 0]}
    ended_by: list[str] = []
    streamed_s = 0.0
    stages: dict[str, list[float]] = {}
    align_start = transcriber.align_cpu_s
    cpu_start = time.process_time()
    silence = np.zeros(int(0.1 * SAMPLE_RATE), dtype=np.float32)
    for text in ANSWERS:
        speech = synthesise(text)
        pipeline = VoiceAnswerPipeline(transcriber, partial_transcriber=partials)
        pipeline.show_question("q", vocabulary)
        finals, watcher = collect_finals(pipeline)
        await stream_real_time(pipeline, speech)
        streamed_s += speech.size / SAMPLE_RATE
        waited = 0.0
        while not finals and waited < 12:  # silence, in real time, until the turn ends
            await stream_real_time(pipeline, silence)
            waited += 0.1
        streamed_s += waited
        await pipeline.aclose(finish=False)
        await watcher
        _add_stages(stages, pipeline)
        if finals and finals[0].end_to_final_ms is not None:
            turn_ms.append(finals[0].end_to_final_ms)
            ended_by.append(finals[0].ended_by)
        _score_into(scored["turn"], text, " ".join(f.text for f in finals))
        # the same answer ended by "done" (the button) right after the last word
        pipeline = VoiceAnswerPipeline(transcriber, partial_transcriber=partials)
        pipeline.show_question("q", vocabulary)
        await stream_real_time(pipeline, speech)
        streamed_s += speech.size / SAMPLE_RATE
        runs_before = dict(pipeline.runs)
        started = time.perf_counter()
        final = await pipeline.finish()
        if final is not None:
            done_ms.append((time.perf_counter() - started) * 1000)
            # the decodes that ended between "done" and the final: the one in progress, then what was queued
            behind.append(f"{done_ms[-1]:.0f} ms (" + ", ".join(
                f"{stage} {pipeline.runs[stage] - runs}" for stage, runs in runs_before.items()
                if pipeline.runs[stage] > runs and stage != "correction") + ")")
        _score_into(scored["done"], text, final.text if final else "")
        await pipeline.aclose(finish=False)
        _add_stages(stages, pipeline)
    cpu = time.process_time() - cpu_start
    print(f"  end of turn -> final: p50 {pct(turn_ms, 0.5):.0f} ms, p95 {pct(turn_ms, 0.95):.0f} ms "
          f"(n={len(turn_ms)}, ended by {', '.join(sorted(set(ended_by)))})")
    print(f"  'done' -> final:      p50 {pct(done_ms, 0.5):.0f} ms, p95 {pct(done_ms, 0.95):.0f} ms (n={len(done_ms)})")
    print(f"  each 'done' -> final, with the decodes it waited for: {'; '.join(behind)}")
    print(f"  CPU: {cpu / streamed_s:.3f} s per second of audio streamed ({streamed_s:.0f} s, this process)")
    print("  CPU per stage, s per second of audio (runs): " + ", ".join(
        f"{stage} {cpu_s / streamed_s:.3f} ({runs:.0f})" for stage, (cpu_s, runs) in stages.items())
        + f"; of the decodes, word alignment {(transcriber.align_cpu_s - align_start) / streamed_s:.3f}")
    print("  WER of the streamed finals: " + ", ".join(f"{path} {e / n:.3f} ({e}/{n})" for path, (e, n) in scored.items()))


def _add_stages(stages: dict[str, list[float]], pipeline: VoiceAnswerPipeline) -> None:
    for stage, cpu_s in pipeline.cpu_s.items():
        total = stages.setdefault(stage, [0.0, 0])
        total[0] += cpu_s
        total[1] += pipeline.runs[stage]


def _score_into(total: list[int], said: str, heard: str) -> None:
    errors, words = word_errors(said, heard)
    total[0] += errors
    total[1] += words


async def _first_final_within(pipeline: VoiceAnswerPipeline, finals: list[FinalTranscript], seconds: float,
                              step_s: float = 0.1) -> float | None:
    """Feed `seconds` of silence, the end-of-turn verdict ruling while it lasts (drained, as on a machine that
    keeps up); the silence after which a final appeared, or None."""
    fed = 0.0
    already = len(finals)
    while fed < seconds - 1e-6:
        piece = min(step_s, seconds - fed)
        pipeline.feed_float32(np.zeros(int(piece * SAMPLE_RATE), dtype=np.float32))
        fed += piece
        await pipeline.drain()
        await asyncio.sleep(0.01)  # the watcher takes a final published just now (earlier runs missed some)
        if len(finals) > already:
            return round(fed, 1)
    return None


async def pauses(transcriber: Transcriber, partials: Transcriber | None,
                 splits: tuple[str, ...] = ("tune", "holdout")) -> None:
    """Every answer of tests/data/speech/turn_taking.json: thinking answers must not end before their last
    part (a false end); real ends should end soon after the last word (the silence they take is shown)."""
    cases = json.loads(TURNS_FILE.read_text())["answers"]
    for split in (s for s in splits if any(c["split"] == s for c in cases)):
        false_ends: list[str] = []
        thinking = 0
        end_silences: list[float] = []
        late: list[str] = []
        for case in (c for c in cases if c["split"] == split):
            pipeline = VoiceAnswerPipeline(transcriber, SegmenterSettings(), partial_transcriber=partials)
            finals, watcher = collect_finals(pipeline)
            ended_after: float | None = None
            for index, (text, silence_s) in enumerate(case["parts"]):
                pipeline.feed_float32(synthesise(text))
                ended_after = await _first_final_within(pipeline, finals, silence_s)
                last = index == len(case["parts"]) - 1
                if not last and ended_after is not None:
                    false_ends.append(f"{case['id']} ({case['cause']}): ended {ended_after} s into the "
                                      f"{silence_s} s pause as {finals[-1].text!r}")
                    break
            await pipeline.aclose()
            await watcher
            if case["kind"] == "thinking":
                thinking += 1
                continue
            waited = ended_after if ended_after is not None else float("inf")
            end_silences.append(waited)
            how = finals[-1].ended_by if finals else "never"
            print(f"    end {case['id']:22} ({case['cause']}): ended after {waited} s of silence ({how})")
            if waited > 3.0:
                late.append(case["id"])
        print(f"  {split}: false ends {len(false_ends)} of {thinking} thinking answers; real ends "
              f"{len(end_silences)}: silence to the end p50 {pct(end_silences, 0.5)} s, max "
              f"{max(end_silences)} s, later than 3 s: {len(late)} {late}", flush=True)
        for line in false_ends:
            print(f"    false end: {line}")


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--models", nargs="+", default=["tiny.en", "base"])
    parser.add_argument("--parts", nargs="+", default=["wer", "latency", "pauses"])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--beam", type=int, default=5, help="beam size of every transcription")
    parser.add_argument("--save", type=Path, help="wer: keep the transcripts in this JSON file (MODEL is replaced)")
    parser.add_argument("--splits", nargs="+", default=["tune", "holdout"],
                        help="wer and pauses: which splits to run (wer also has 'fresh' and 'fresh2', each in its own voices)")
    parser.add_argument("--whisper-word-timestamps", action="store_true",
                        help="faster-whisper's own word-timestamp decoding (before the sixth pass), not the alignment")
    parser.add_argument("--encoder-min-seconds", type=float, default=Transcriber().encoder_min_s,
                        help="the encoder's shortest window (WHISPER_ENCODER_MIN_SECONDS; 0: Whisper's full 30 s)")
    parser.add_argument("--partial-model", default="auto",
                        help="latency and pauses: the model of the partials (WHISPER_PARTIAL_MODEL: auto, same, none, a model)")
    parser.add_argument("--rescore", type=Path, help="wer: score saved transcripts again, without a model")
    args = parser.parse_args()
    if args.rescore:
        score(json.loads(args.rescore.read_text()))
        return
    print(f"cpus: {os.cpu_count()}; load average at start: {os.getloadavg()[0]:.1f}; "
          f"OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY', '(unset)')}")
    for model in args.models:
        transcriber = Transcriber(model, cpu_threads=args.threads, beam_size=args.beam,
                                  aligned_words=not args.whisper_word_timestamps,
                                  encoder_min_s=args.encoder_min_seconds)
        partials = partial_transcriber(transcriber, args.partial_model)
        started = time.perf_counter()
        await transcriber.load()
        await transcriber.transcribe(synthesise("warm up"))
        if partials is not None and partials is not transcriber:
            await partials.load()
            await partials.transcribe(synthesise("warm up"))
        print(f"model {model} ({transcriber.compute_type}, beam {transcriber.beam_size}, {args.threads} threads, "
              f"{'aligned' if transcriber.aligned_words else 'whisper'} word timestamps, "
              f"encoder window at least {transcriber.encoder_min_s or 30:g} s, "
              f"partials by {'none' if partials is None else partials.requested_model}): "
              f"loaded in {time.perf_counter() - started:.1f} s", flush=True)
        for part in args.parts:
            if part == "wer":
                await wer(transcriber, Path(str(args.save).replace("MODEL", model)) if args.save else None,
                          tuple(args.splits))
            elif part == "latency":
                await latency(transcriber, partials)
            elif part == "pauses":
                await pauses(transcriber, partials, tuple(args.splits))
        print(f"  load average now: {os.getloadavg()[0]:.1f}", flush=True)


if __name__ == "__main__":
    asyncio.run(main())
