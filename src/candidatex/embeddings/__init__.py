"""Sentence embeddings, offline: one shared model per process for scoring answers and matching résumés."""

from candidatex.embeddings.embedder import Embedder, get_embedder

__all__ = ["Embedder", "get_embedder"]
