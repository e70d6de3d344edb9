"""Speech benchmark: transcription speed and end-of-speech latency on this machine.

    PYTHONPATH=src python bench/speech_bench.py             # the defaults
    PYTHONPATH=src python bench/speech_bench.py --matrix    # + the latency speed-ups, one at a time and together

1. Real-time factor (processing time / audio time) of `Transcriber` and of faster-whisper called
   directly with the same model and options on the same audio, in the same run; their ratio is the
   overhead of the async wrapper (thread hop, semaphore, result conversion).
2. Latency from the end of a ~10 s answer to its final transcript through the streaming pipeline,
   with audio fed at real-time pace in 20 ms chunks (so partials compete for the CPU as in use):
   after an explicit "done", and after silence detection (which by design waits `end_silence_ms`).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np

from candidatex.speech.audio import SAMPLE_RATE, decode_audio_file, float32_to_pcm16
from candidatex.speech.pipeline import FinalTranscript, VoiceAnswerPipeline
from candidatex.speech.segmenter import SegmenterSettings
from candidatex.speech.transcriber import Transcriber

ANSWER = (
    "Last year I led the migration of our billing system to a new platform. "
    "We planned carefully, wrote many tests, and moved customers in small groups so that nothing broke."
)
RUNS = 5


def synthesise(text: str) -> np.ndarray:
    if shutil.which("espeak-ng") is None:
        raise SystemExit("espeak-ng is needed to synthesise the benchmark speech")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "answer.wav"
        subprocess.run(["espeak-ng", "-s", "160", "-w", str(path), text], check=True)
        return decode_audio_file(path.read_bytes())


def direct_transcribe(model, audio: np.ndarray, beam_size: int) -> str:
    segments, _ = model.transcribe(
        audio, beam_size=beam_size, word_timestamps=True, vad_filter=True, condition_on_previous_text=False
    )
    return " ".join(s.text.strip() for s in segments)


async def real_time_factor(transcriber: Transcriber, audio: np.ndarray) -> tuple[float, float]:
    model = transcriber._get_model()  # the very same model instance, called directly
    seconds = audio.size / SAMPLE_RATE
    wrapped, direct = [], []
    for _ in range(RUNS):  # interleaved, so that background load hits both alike
        start = time.perf_counter()
        direct_transcribe(model, audio, transcriber.beam_size)
        direct.append(time.perf_counter() - start)
        start = time.perf_counter()
        await transcriber.transcribe(audio)
        wrapped.append(time.perf_counter() - start)
    return statistics.median(wrapped) / seconds, statistics.median(direct) / seconds


async def stream_in_real_time(pipeline: VoiceAnswerPipeline, audio: np.ndarray) -> float:
    """Feed at the pace a microphone would; returns the wall-clock time of the last sample."""
    step = SAMPLE_RATE // 50
    began = time.perf_counter()
    for index, start in enumerate(range(0, audio.size, step)):
        pipeline.feed(float32_to_pcm16(audio[start : start + step]))
        await asyncio.sleep(max(0.0, began + (index + 1) * 0.02 - time.perf_counter()))
    return time.perf_counter()


def make_pipeline(transcriber: Transcriber, config: dict | None = None) -> VoiceAnswerPipeline:
    config = config or {}
    settings = SegmenterSettings(max_chunk_ms=config.get("max_chunk_ms", SegmenterSettings.max_chunk_ms))
    return VoiceAnswerPipeline(transcriber, settings, tail_beam_size=config.get("tail_beam"))


async def latency_after_done(transcriber: Transcriber, speech: np.ndarray, config: dict | None = None) -> float:
    pipeline = make_pipeline(transcriber, config)
    await stream_in_real_time(pipeline, speech)
    start = time.perf_counter()
    final = await pipeline.finish()
    elapsed = time.perf_counter() - start
    await pipeline.aclose()
    assert final is not None
    return elapsed


async def latency_after_silence(transcriber: Transcriber, speech: np.ndarray, config: dict | None = None) -> float:
    pipeline = make_pipeline(transcriber, config)
    arrived: list[float] = []

    async def watch() -> None:
        async for event in pipeline.events():
            if isinstance(event, FinalTranscript):
                arrived.append(time.perf_counter())

    watcher = asyncio.create_task(watch())
    speech_end = await stream_in_real_time(pipeline, speech)
    trailing = np.zeros(int(2.5 * SAMPLE_RATE), dtype=np.float32)
    await stream_in_real_time(pipeline, trailing)
    await pipeline.aclose()
    await watcher
    assert arrived, "no final transcript"
    return arrived[0] - speech_end


MATRIX = [
    ("defaults (cpu_threads auto, tail beam 5, chunks <= 20 s)", {}),
    ("cpu_threads = 2", {"cpu_threads": 2}),
    ("tail beam 1", {"tail_beam": 1}),
    ("chunks <= 4 s", {"max_chunk_ms": 4000}),
    ("all three", {"cpu_threads": 2, "tail_beam": 1, "max_chunk_ms": 4000}),
]


async def matrix(speech: np.ndarray) -> None:
    end_silence = SegmenterSettings().end_silence_ms / 1000
    print(f"\n{'configuration':58} {'done -> final (s)':>20} {'silence: beyond the wait (s)':>30}")
    for name, config in MATRIX:
        transcriber = Transcriber(cpu_threads=config.get("cpu_threads", 0))
        await transcriber.load()
        await transcriber.transcribe(speech[: SAMPLE_RATE * 2])  # warm
        done = [await latency_after_done(transcriber, speech, config) for _ in range(3)]
        silence = [await latency_after_silence(transcriber, speech, config) - end_silence for _ in range(2)]
        print(f"{name:58} {' '.join(f'{d:.2f}' for d in done):>20} {' '.join(f'{d:.2f}' for d in silence):>30}",
              flush=True)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--matrix", action="store_true", help="also measure the latency speed-ups")
    args = parser.parse_args()
    speech = synthesise(ANSWER)
    transcriber = Transcriber()
    load_start = time.perf_counter()
    await transcriber.load()
    print(f"model: {transcriber.model_name} ({transcriber.compute_type}, beam {transcriber.beam_size})")
    print(f"load: {time.perf_counter() - load_start:.2f} s; cpus: {os.cpu_count()}; load average: {os.getloadavg()[0]:.1f}")
    print(f"answer: {speech.size / SAMPLE_RATE:.1f} s of espeak-ng speech")

    wrapped, direct = await real_time_factor(transcriber, speech)
    print(f"RTF Transcriber: {wrapped:.3f}  faster-whisper direct: {direct:.3f}  overhead ratio: {wrapped / direct:.3f}")

    done = [await latency_after_done(transcriber, speech) for _ in range(2)]
    print(f"done -> final: {' '.join(f'{d:.2f}' for d in done)} s")
    end_silence = SegmenterSettings().end_silence_ms / 1000
    silence = [await latency_after_silence(transcriber, speech) for _ in range(2)]
    print(
        f"end of speech -> final (silence detection, waits {end_silence:.1f} s by design): "
        f"{' '.join(f'{d:.2f}' for d in silence)} s; beyond the wait: "
        f"{' '.join(f'{d - end_silence:.2f}' for d in silence)} s"
    )
    if args.matrix:
        await matrix(speech)


if __name__ == "__main__":
    asyncio.run(main())
