"""Two anti-cheat coordinators (as two API workers would have) append to one session's log at once.

Run as a script (its own event loop and Beanie binding, apart from the test app):
``python -m tests.anticheat.two_writers MONGO_URL DB_NAME`` prints a JSON summary.
"""

from __future__ import annotations

import asyncio
import json
import random
import secrets
import sys

from beanie import init_beanie
from pymongo import AsyncMongoClient

from candidatex.anticheat.chain import verify_chain
from candidatex.anticheat.coordinator import AntiCheatCoordinator
from candidatex.anticheat.signals import ClientSignal, sign_signal
from candidatex.config import Settings
from candidatex.core.timeutil import utcnow
from candidatex.db.registry import document_models
from candidatex.interviews.models import InterviewSession, SessionStatus

PER_WRITER = 40


async def main(url: str, name: str) -> dict[str, object]:
    client: AsyncMongoClient = AsyncMongoClient(url, tz_aware=True)
    await init_beanie(database=client[name], document_models=document_models())
    key = secrets.token_hex(32)
    session = InterviewSession(candidate_id="c" * 24, job_title="Race", status=SessionStatus.active, anti_cheat_key=key)
    await session.insert()
    sid = str(session.id)
    writers = [AntiCheatCoordinator(None, None, Settings()) for _ in range(2)]  # type: ignore[arg-type]
    retries = {"count": 0}

    async def write(coordinator: AntiCheatCoordinator, offset: int) -> None:
        for i in range(PER_WRITER):
            seq = 2 * i + offset
            signal = ClientSignal(kind="right_click", seq=seq, ts=seq, data={"writer": offset},
                                  hmac=sign_signal(key.encode(), sid, seq, "right_click", seq, {"writer": offset}))
            calls = {"n": 0}

            def work(state, signal=signal, calls=calls):  # noqa: ANN001, ANN202
                calls["n"] += 1
                return state.handle_signal(signal, utcnow())

            await coordinator._append(sid, work)
            retries["count"] += calls["n"] - 1
            await asyncio.sleep(random.uniform(0, 0.01))  # a worker does other things between appends

    await asyncio.gather(write(writers[0], 1), write(writers[1], 2))
    doc = await InterviewSession.get_pymongo_collection().find_one({"_id": session.id})
    log = doc["anti_cheat_log"]
    check = verify_chain(log, key=writers[0].keys.chain_key(sid))  # both workers share the server key
    await client.close()
    return {"entries": len(log), "valid": check.valid, "first_broken_index": check.first_broken_index,
            "last_seq": doc["signal_last_seq"], "retries": retries["count"]}


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(sys.argv[1], sys.argv[2]))))
