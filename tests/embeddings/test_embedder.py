"""The packaged sentence model loads offline and its similarities mean something."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from candidatex.config import Settings
from candidatex.embeddings import Embedder, get_embedder
from candidatex.embeddings.embedder import default_model_files, length_batches

REFERENCE = "Store passwords with a slow salted hash such as bcrypt or Argon2, never in plain text."
STRONG = "I hash every password with Argon2id and a unique salt per user, so a leaked table cannot be reversed quickly."
WEAK = "Passwords should be kept safe in the database."
OFF_TOPIC = "Our team celebrated the quarterly sales results with a dinner downtown."


def test_vectors_are_normalised_and_ordered_by_meaning() -> None:
    embedder = Embedder()
    vectors = embedder.embed([REFERENCE, STRONG, WEAK, OFF_TOPIC])
    assert vectors.shape == (4, embedder.dim) and embedder.dim == 384
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    strong, weak, off = (float(vectors[0] @ vectors[i]) for i in (1, 2, 3))
    assert strong > weak > off


def test_same_text_same_vector_in_any_batch() -> None:
    embedder = Embedder()
    alone = embedder.embed([STRONG])[0]
    fresh = Embedder().embed([OFF_TOPIC, "", STRONG, WEAK])  # another instance, padded inside a mixed batch
    assert np.allclose(alone, fresh[2], atol=1e-5)
    assert fresh[1].shape == alone.shape  # empty text gives a vector, not an error


async def test_async_embedding_matches_sync() -> None:
    embedder = Embedder()
    vectors = await embedder.aembed([WEAK, STRONG])
    assert np.allclose(vectors, embedder.embed([WEAK, STRONG]), atol=1e-6)


def test_model_directory_from_settings(tmp_path: Path) -> None:
    onnx, tokenizer = default_model_files()
    shutil.copy(onnx, tmp_path / "model.onnx")
    shutil.copy(tokenizer, tmp_path / "tokenizer.json")
    settings = Settings.from_env({"CANDIDATEX_DATA_DIR": str(tmp_path / "var"), "EMBEDDING_MODEL": str(tmp_path)})
    embedder = get_embedder(settings)
    assert embedder is get_embedder(settings)  # one model per process
    assert embedder.embed([STRONG]).shape == (1, 384)


def test_missing_model_files_are_named(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="tokenizer.json"):
        (tmp_path / "model.onnx").write_bytes(b"")
        Embedder(tmp_path).embed(["x"])


def test_texts_are_batched_with_others_of_similar_length() -> None:
    # A long answer's pieces run 6 to 160 tokens: padded in one batch they cost ten times as much as grouped.
    lengths = [160, 6, 7, 60, 9, 64, 8, 75, 6]
    batches = length_batches(lengths)
    assert sorted(i for batch in batches for i in batch) == list(range(len(lengths)))
    assert [lengths[i] for i in batches[0]] == [6, 6, 7, 8, 9]
    assert [160] in [[lengths[i] for i in batch] for batch in batches]  # the whole answer alone
    assert all(len(batch) <= 32 for batch in length_batches([10] * 70))


def test_long_and_short_texts_in_one_call_match_their_vectors_alone() -> None:
    long_text = " ".join([STRONG] * 6)  # well past the 128 tokens the shipped tokenizer file pads to
    embedder = Embedder()
    mixed = embedder.embed([WEAK, long_text, STRONG])
    alone = Embedder()
    assert np.allclose(mixed[1], alone.embed([long_text])[0], atol=1e-5)
    assert np.allclose(mixed[0], alone.embed([WEAK])[0], atol=1e-5)
