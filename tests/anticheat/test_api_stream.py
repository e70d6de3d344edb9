"""Signed signals over the interview stream socket of a real server: acks, warnings, termination."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import websockets
from bson import ObjectId
from pymongo.database import Database

from tests.anticheat.test_api_signals import signed
from tests.interviews.test_sessions_api import PRECHECK_OK
from tests.interviews.test_stream import signup, ws_url


class Events:
    """Reads a socket in the background; ``next(type)`` returns the oldest unclaimed event of that type,
    so the order in which a warning and the ack of its signal arrive does not matter."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.pending: list[dict[str, Any]] = []
        self.arrived = asyncio.Event()
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for raw in self.ws:
            self.pending.append(json.loads(raw))
            self.arrived.set()

    async def next(self, wanted: str, timeout: float = 20) -> dict[str, Any]:
        async def wait() -> dict[str, Any]:
            while True:
                for index, event in enumerate(self.pending):
                    if event["type"] == wanted:
                        return self.pending.pop(index)
                self.arrived.clear()
                await self.arrived.wait()

        return await asyncio.wait_for(wait(), timeout)

    def close(self) -> None:
        self.reader.cancel()


async def start_with_key(http: httpx.AsyncClient, user: dict[str, Any]) -> tuple[str, str]:
    body = {"type": "ai_mock", "mode": "behavioral", "job_title": "Backend Engineer", "question_count": 2,
            "duration_minutes": 10}
    sid = (await http.post("/interview/sessions", json=body, headers=user["headers"])).json()["data"]["session_id"]
    await http.post(f"/interview/sessions/{sid}/precheck", json=PRECHECK_OK, headers=user["headers"])
    started = await http.post(f"/interview/sessions/{sid}/start", headers=user["headers"])
    return sid, started.json()["data"]["anti_cheat_key"]


async def send_signal(events: Events, body: dict[str, Any], sid: str) -> dict[str, Any]:
    # the browser sends the session id and the message type along with the signed fields
    await events.ws.send(json.dumps({"type": "signal", "session_id": sid, **body}))
    return await events.next("signal_ack")


async def test_signals_over_the_socket(live_server: str, live_db: Database) -> None:
    async with httpx.AsyncClient(base_url=live_server, timeout=30) as http:
        candidate = await signup(http)
        sid, key = await start_with_key(http, candidate)
        url = ws_url(live_server, f"/interview/{sid}/stream?token={candidate['token']}")
        async with websockets.connect(url) as ws:
            events = Events(ws)
            ack = await send_signal(events, signed(key, sid, 1, "tab_switch"), sid)
            assert ack["data"]["results"][0]["strike"]["count"] == 1 and ack["data"]["status"] == "active"
            warning = await events.next("warning")
            assert warning["data"]["kind"] == "tab_switch" and warning["data"]["count"] == 1
            assert warning["data"]["threshold"] == 2 and warning["data"]["terminate"] is False
            assert isinstance(warning["seq"], int)

            replay = await send_signal(events, signed(key, sid, 1, "tab_switch"), sid)
            assert replay["data"]["results"][0]["problem"] == "replay"
            forged = await send_signal(events, signed("1" * 64, sid, 2, "tab_switch"), sid)
            assert forged["data"]["results"][0]["problem"] == "forgery"
            await ws.send(json.dumps({"type": "signal", "kind": "tab_switch", "seq": 2}))
            error = await events.next("error")
            assert error["data"]["code"] == "validation_error"

            # seq 4: numbers 2 and 3 never arrived; the signal still counts, and ends the interview
            gap = await send_signal(events, signed(key, sid, 4, "window_blur"), sid)
            result = gap["data"]["results"][0]
            assert result["problem"] == "gap" and result["strike"]["terminate"]
            assert gap["data"]["terminated_reason"] == "anti_cheat:tab_switch"
            final = await events.next("warning")
            assert final["data"]["terminate"] is True and final["data"]["count"] == 2
            complete = await events.next("complete")
            assert complete["data"]["terminated_reason"] == "anti_cheat:tab_switch"
            await ws.send(json.dumps({"type": "signal", **signed(key, sid, 5, "tab_switch")}))
            late = await events.next("error")
            assert late["data"]["code"] == "session_not_running"
            events.close()

        doc = live_db.interview_sessions.find_one({"_id": ObjectId(sid)})
        assert doc["status"] == "terminated" and doc["terminated_reason"] == "anti_cheat:tab_switch"
        assert [e["event"] for e in doc["anti_cheat_log"]] == [
            "tab_switch", "signal_rejected", "signal_rejected", "signal_gap", "tab_switch", "terminated"]


async def test_only_the_candidate_signals(live_server: str, live_db: Database) -> None:
    async with httpx.AsyncClient(base_url=live_server, timeout=30) as http:
        candidate = await signup(http)
        admin = await signup(http)
        live_db.users.update_one({"_id": ObjectId(admin["id"])}, {"$set": {"role": "admin"}})
        from tests.conftest import PASSWORD

        email = live_db.users.find_one({"_id": ObjectId(admin["id"])})["email"]
        token = (await http.post("/auth/login", json={"email": email, "password": PASSWORD})).json()["data"]["access_token"]
        sid, key = await start_with_key(http, candidate)
        async with websockets.connect(ws_url(live_server, f"/interview/{sid}/stream?token={token}")) as ws:
            events = Events(ws)
            await ws.send(json.dumps({"type": "signal", **signed(key, sid, 1, "tab_switch")}))
            error = await events.next("error")
            assert error["data"]["code"] == "forbidden"
            events.close()
        await asyncio.sleep(0)
        doc = live_db.interview_sessions.find_one({"_id": ObjectId(sid)})
        assert doc["anti_cheat_log"] == [] and doc["status"] == "active"
