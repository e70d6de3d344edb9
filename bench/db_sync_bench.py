"""The cost of DB_SYNC_ON_COMMIT: small acknowledged writes on the embedded SecantusDB, fsync on every commit or not.

    PYTHONPATH=src python bench/db_sync_bench.py [writes per case, default 300]

For each setting: one writer doing insert_one + a conditional $inc in turn (what a login or an answer costs), then
8 concurrent writers (a busy app). Each case runs on its own fresh data folder; the order alternates so that a
neighbour's load on this shared machine does not favour one setting.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from pymongo import AsyncMongoClient

from candidatex.db.embedded import EmbeddedMongo


async def _writer(collection, count: int, latencies: list[float]) -> None:  # noqa: ANN001 - an AsyncCollection
    for _ in range(count):
        started = time.perf_counter()
        result = await collection.insert_one({"email": "x@example.com", "failed_logins": 0})
        await collection.update_one({"_id": result.inserted_id, "failed_logins": {"$lt": 5}},
                                    {"$inc": {"failed_logins": 1}})
        latencies.append((time.perf_counter() - started) * 1000)


async def _case(url: str, writers: int, per_writer: int) -> tuple[float, float, float]:
    client: AsyncMongoClient = AsyncMongoClient(url)
    collection = client.bench.writes
    latencies: list[float] = []
    started = time.perf_counter()
    await asyncio.gather(*(_writer(collection, per_writer, latencies) for _ in range(writers)))
    elapsed = time.perf_counter() - started
    await client.close()
    latencies.sort()
    return (writers * per_writer * 2 / elapsed, statistics.median(latencies),
            latencies[int(len(latencies) * 0.95) - 1])


def main() -> None:
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    results: dict[tuple[bool, int], list[tuple[float, float, float]]] = {}
    for round_ in range(2):
        for sync in ((True, False) if round_ % 2 == 0 else (False, True)):
            for writers in (1, 8):
                with tempfile.TemporaryDirectory() as folder:
                    server = EmbeddedMongo(Path(folder) / "db", sync_on_commit=sync)
                    url = server.start()
                    try:
                        results.setdefault((sync, writers), []).append(
                            asyncio.run(_case(url, writers, max(1, total // writers))))
                    finally:
                        server.stop()
    print(f"SecantusDB, {total} insert+$inc pairs per case, best of 2 rounds")
    print(f"{'setting':<22}{'writers':>8}{'writes/s':>11}{'p50 ms/pair':>13}{'p95 ms/pair':>13}")
    for (sync, writers), runs in sorted(results.items(), key=lambda item: (item[0][1], not item[0][0])):
        best = max(runs)
        print(f"{'sync on commit' if sync else 'no sync':<22}{writers:>8}{best[0]:>11.0f}{best[1]:>13.2f}{best[2]:>13.2f}")


if __name__ == "__main__":
    main()
