"""Two `candidatex serve` processes sharing MongoDB and Redis: one interview watched from both."""

from __future__ import annotations

import asyncio
import json
import uuid
from pathlib import Path
from typing import Any

import httpx
import websockets
from bson import ObjectId
from pymongo import MongoClient
from redis import Redis

from tests.conftest import PASSWORD, live_env
from tests.interviews.test_sessions_api import STRONG_ANSWER
from tests.interviews.test_stream import next_event, signup, start_session, ws_url
from tests.servers import running_server


async def _durable_events(ws: Any, until: Any, timeout: float = 30) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []

    async def collect() -> None:
        while True:
            event = json.loads(await ws.recv())
            if event["type"] in ("timer", "pong", "error") or event.get("ephemeral"):
                continue
            events.append(event)
            if until(event):
                return

    await asyncio.wait_for(collect(), timeout)
    return events


async def _admin(http: httpx.AsyncClient, mongo_url: str, db_name: str) -> dict[str, Any]:
    user = await signup(http)
    with MongoClient(mongo_url) as client:
        client[db_name].users.update_one({"_id": ObjectId(user["id"])}, {"$set": {"role": "admin"}})
    email = (await http.get("/users/me", headers=user["headers"])).json()["data"]["email"]
    token = (await http.post("/auth/login", json={"email": email, "password": PASSWORD})).json()["data"]["access_token"]
    return {"id": user["id"], "token": token, "headers": {"Authorization": f"Bearer {token}"}}


async def test_candidate_on_one_worker_and_admin_on_another_see_the_same_stream(mongo_url: str, redis_url: str,
                                                                               tmp_path: Path) -> None:
    # its own Redis database: rate-limit budgets of other tests on the shared server stay untouched
    env = live_env(mongo_url, REDIS_URL=redis_url.rsplit("/", 1)[0] + "/5", MONGODB_DB=f"scale_{uuid.uuid4().hex[:8]}")
    with running_server(env, tmp_path / "a") as (worker_a, _), running_server(env, tmp_path / "b") as (worker_b, _):
        async with httpx.AsyncClient(base_url=worker_a, timeout=30) as a, \
                httpx.AsyncClient(base_url=worker_b, timeout=30) as b:
            candidate = await signup(a)
            admin = await _admin(b, mongo_url, env["MONGODB_DB"])
            sid = await start_session(a, candidate, question_count=2)
            on_a = websockets.connect(ws_url(worker_a, f"/interview/{sid}/stream?token={candidate['token']}"))
            on_b = websockets.connect(ws_url(worker_b, f"/interview/{sid}/stream?token={admin['token']}"))
            async with on_a as candidate_ws, on_b as admin_ws:
                question = await next_event(candidate_ws, "question")  # replayed history on both
                assert (await next_event(admin_ws, "question"))["seq"] == question["seq"]
                # both subscriptions are live before the answer goes in
                await next_event(candidate_ws, "timer")
                await next_event(admin_ws, "timer")

                reply = await a.post(f"/interview/sessions/{sid}/answer", headers=candidate["headers"],
                                     json={"question_id": question["data"]["id"], "content": STRONG_ANSWER})
                assert reply.status_code == 200

                def next_question(event: dict) -> bool:
                    return event["type"] == "question"

                seen_a, seen_b = await asyncio.gather(_durable_events(candidate_ws, next_question),
                                                      _durable_events(admin_ws, next_question))
                assert [(e["seq"], e["type"]) for e in seen_a] == [(e["seq"], e["type"]) for e in seen_b]
                assert [e["type"] for e in seen_a] == ["feedback", "feedback", "question"]
                assert seen_a[1]["data"]["evaluation"] == seen_b[1]["data"]["evaluation"]
                assert all(not e.get("replayed") for e in seen_a + seen_b)  # delivered live, across processes

                # live state written by worker A is what worker B's clock reports
                assert (await a.post(f"/interview/sessions/{sid}/pause", headers=candidate["headers"])).status_code == 200

                async def paused_timer() -> dict:
                    while True:
                        timer = await next_event(admin_ws, "timer")
                        if timer["data"]["status"] == "paused":
                            return timer

                timer = await asyncio.wait_for(paused_timer(), 30)
                assert timer["data"]["remaining_seconds"] > 0
                # the admin, connected to B, reads the session A changed
                viewed = (await b.get(f"/interview/sessions/{sid}", headers=admin["headers"])).json()["data"]
                assert viewed["status"] == "paused" and len(viewed["answers"]) == 1
                # and the live state is one shared record in Redis, not a per-process copy
                live = Redis.from_url(env["REDIS_URL"])
                keys = [k for k in live.scan_iter(match=f"*live*session:{sid}")]
                assert len(keys) == 1 and json.loads(live.get(keys[0]))["status"] == "paused"
                live.close()
