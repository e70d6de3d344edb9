"""Throughput of the anti-cheat log append (verify signal, chain hash, conditional update) on SecantusDB.

    PYTHONPATH=src:. python bench/anticheat_append_bench.py

One writer appending in turn, then two coordinators (two workers' worth) racing on one session's log.
"""

from __future__ import annotations

import asyncio
import random
import secrets
import tempfile
import time
from pathlib import Path

from beanie import init_beanie
from pymongo import AsyncMongoClient

from candidatex.anticheat.coordinator import AntiCheatCoordinator
from candidatex.anticheat.signals import ClientSignal, sign_signal
from candidatex.config import Settings
from candidatex.core.timeutil import utcnow
from candidatex.db.embedded import EmbeddedMongo
from candidatex.db.registry import document_models
from candidatex.interviews.models import InterviewSession, SessionStatus


async def run(url: str, writers: int, per_writer: int) -> tuple[float, int, int]:
    client: AsyncMongoClient = AsyncMongoClient(url, tz_aware=True)
    await init_beanie(database=client[f"bench_{secrets.token_hex(4)}"], document_models=document_models())
    key = secrets.token_hex(32)
    session = InterviewSession(candidate_id="c" * 24, job_title="Bench", status=SessionStatus.active, anti_cheat_key=key)
    await session.insert()
    sid = str(session.id)
    coordinators = [AntiCheatCoordinator(None, None, Settings()) for _ in range(writers)]  # type: ignore[arg-type]
    attempts = 0

    async def write(coordinator: AntiCheatCoordinator, offset: int) -> None:
        nonlocal attempts
        for i in range(per_writer):
            seq = writers * i + offset
            signal = ClientSignal(kind="right_click", seq=seq, ts=seq, data={},
                                  hmac=sign_signal(key.encode(), sid, seq, "right_click", seq, {}))

            def work(state, signal=signal):  # noqa: ANN001, ANN202
                nonlocal attempts
                attempts += 1
                return state.handle_signal(signal, utcnow())

            await coordinator._append(sid, work)
            if writers > 1:
                await asyncio.sleep(random.uniform(0, 0.01))  # a worker does other things between appends

    started = time.perf_counter()
    await asyncio.gather(*(write(c, n + 1) for n, c in enumerate(coordinators)))
    elapsed = time.perf_counter() - started
    doc = await InterviewSession.get_pymongo_collection().find_one({"_id": session.id})
    await client.close()
    total = writers * per_writer
    assert len(doc["anti_cheat_log"]) == total
    return total / elapsed, attempts - total, total


def main() -> None:
    server = EmbeddedMongo(Path(tempfile.mkdtemp()) / "db")
    url = server.start()
    try:
        for writers, per_writer in ((1, 50), (1, 400), (2, 200)):
            rate, retries, total = asyncio.run(run(url, writers, per_writer))
            print(f"  {writers} writer(s), {total} appends: {rate:7.1f} appends/s, {retries} retries")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
