"""The labelled sentences of the word-error-rate bench: each new split is new speech, in new voices."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SENTENCES = json.loads((ROOT / "tests" / "data" / "speech" / "technical_sentences.json").read_text())


def _bench():  # noqa: ANN202 - the bench module, loaded from its file (bench/ is not a package)
    spec = importlib.util.spec_from_file_location("speech_bench", ROOT / "bench" / "speech_bench.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_fresh2_split_is_new_professions_in_voices_no_other_split_used():
    by_split: dict[str, set[str]] = {}
    professions: dict[str, set[str]] = {}
    for profession in SENTENCES["professions"]:
        for split, sentence in profession["sentences"]:
            by_split.setdefault(split, set()).add(sentence)
            professions.setdefault(split, set()).add(profession["name"])
    fresh2 = by_split["fresh2"]
    assert len(fresh2) >= 30
    assert len(professions["fresh2"]) >= 5
    assert not professions["fresh2"] & set().union(*(v for k, v in professions.items() if k != "fresh2"))
    bench = _bench()
    earlier = {voice for voice, _ in bench.VOICES + bench.FRESH_VOICES}
    assert not {voice for voice, _ in bench.FRESH2_VOICES} & earlier
    speeds = [speed for _, speed in bench.FRESH2_VOICES]
    assert len(speeds) >= 3 and max(speeds) >= 190 and min(speeds) <= 130
