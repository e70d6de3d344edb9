"""Sentence embeddings: wall and CPU milliseconds per sentence on the packaged model.

    PYTHONPATH=src python bench/embeddings_bench.py [--sentences 200]
"""

from __future__ import annotations

import argparse
import time

from candidatex.embeddings import Embedder


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sentences", type=int, default=200)
    args = parser.parse_args()
    embedder = Embedder()
    embedder.embed(["warm-up"])
    texts = [f"I led the migration of service number {i} to Kubernetes and cut p99 latency by {i} percent."
             for i in range(args.sentences)]
    wall, cpu = time.perf_counter(), time.process_time()
    embedder.embed(texts)  # distinct texts: nothing comes from the cache
    n = len(texts)
    print(f"{n} sentences: {(time.perf_counter() - wall) / n * 1000:.2f} ms wall, "
          f"{(time.process_time() - cpu) / n * 1000:.2f} ms CPU per sentence")


if __name__ == "__main__":
    main()
