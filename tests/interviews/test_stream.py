"""WS /interview/{id}/stream over real sockets: the whole loop, replay after reconnect, auth before accept."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets
from bson import ObjectId
from pymongo.database import Database
from websockets.exceptions import InvalidStatus

from tests.conftest import PASSWORD, live_env
from tests.interviews.test_sessions_api import PRECHECK_OK, STRONG_ANSWER
from tests.servers import running_server


def ws_url(base: str, path: str) -> str:
    return base.replace("http://", "ws://") + path


async def signup(http: httpx.AsyncClient, role: str = "candidate") -> dict[str, Any]:
    email = f"{role}-{uuid.uuid4().hex[:8]}@example.com"
    response = await http.post("/auth/register", json={"email": email, "password": PASSWORD, "full_name": role,
                                                        "role": role})
    data = response.json()["data"]
    return {"id": data["user"]["id"], "token": data["access_token"],
            "headers": {"Authorization": f"Bearer {data['access_token']}"}}


async def start_session(http: httpx.AsyncClient, user: dict, **overrides: Any) -> str:
    body = {"type": "ai_mock", "mode": "behavioral", "job_title": "Backend Engineer", "question_count": 2,
            "duration_minutes": 10, **overrides}
    sid = (await http.post("/interview/sessions", json=body, headers=user["headers"])).json()["data"]["session_id"]
    await http.post(f"/interview/sessions/{sid}/precheck", json=PRECHECK_OK, headers=user["headers"])
    assert (await http.post(f"/interview/sessions/{sid}/start", headers=user["headers"])).status_code == 200
    return sid


async def next_event(ws: Any, wanted: str, timeout: float = 15) -> dict[str, Any]:
    async def wait() -> dict[str, Any]:
        while True:
            event = json.loads(await ws.recv())
            if event["type"] == wanted:
                return event

    return await asyncio.wait_for(wait(), timeout)


async def test_whole_loop_over_the_socket(live_server: str) -> None:
    async with httpx.AsyncClient(base_url=live_server) as http:
        candidate = await signup(http)
        sid = await start_session(http, candidate)
        async with websockets.connect(ws_url(live_server, f"/interview/{sid}/stream?token={candidate['token']}")) as ws:
            question = await next_event(ws, "question")  # replayed from seq 0
            timer = await next_event(ws, "timer")
            assert 0 < timer["data"]["remaining_seconds"] <= 600
            seqs = [question["seq"]]
            for _ in range(2):
                await ws.send(json.dumps({"type": "answer", "question_id": question["data"]["id"],
                                          "content": STRONG_ANSWER}))
                received = await next_event(ws, "feedback")
                evaluated = await next_event(ws, "feedback")
                assert received["data"]["stage"] == "received" and evaluated["data"]["stage"] == "evaluated"
                # evaluated, with a score: not "above 0", the plan draws questions at random and the fixed answer
                # may be honestly off-topic for one of them
                assert isinstance(evaluated["data"]["evaluation"]["score"], int | float)
                seqs += [received["seq"], evaluated["seq"]]
                if evaluated["data"]["question_id"] and _ == 0:
                    question = await next_event(ws, "question")
                    seqs.append(question["seq"])
            assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
            await ws.send(json.dumps({"type": "answer", "question_id": "nope", "content": "x"}))
            error = await next_event(ws, "error")
            assert error["data"]["code"] in ("wrong_question", "no_open_question")
            finalize = await http.post(f"/interview/sessions/{sid}/finalize", headers=candidate["headers"])
            assert finalize.status_code == 200
            complete = await next_event(ws, "complete")
            assert complete["data"]["status"] == "completed" and complete["data"]["total_score"] > 0


async def test_reconnect_with_last_seq_receives_only_what_was_missed(live_server: str) -> None:
    async with httpx.AsyncClient(base_url=live_server) as http:
        candidate = await signup(http)
        sid = await start_session(http, candidate)
        url = ws_url(live_server, f"/interview/{sid}/stream?token={candidate['token']}")
        async with websockets.connect(url) as ws:
            first = await next_event(ws, "question")
        # while disconnected, the candidate answers by REST (e.g. from another tab)
        await http.post(f"/interview/sessions/{sid}/answer", headers=candidate["headers"],
                        json={"question_id": first["data"]["id"], "content": STRONG_ANSWER})
        async with websockets.connect(url + f"&last_seq={first['seq']}") as ws:
            replayed = []
            while True:
                event = json.loads(await asyncio.wait_for(ws.recv(), 10))
                if event["type"] == "timer":
                    break
                replayed.append(event)
        assert [e["type"] for e in replayed] == ["feedback", "feedback", "question"]
        assert all(e["seq"] > first["seq"] and e.get("replayed") for e in replayed)
        assert replayed[-1]["data"]["id"] != first["data"]["id"]


async def test_only_participants_may_connect(live_server: str) -> None:
    async with httpx.AsyncClient(base_url=live_server) as http:
        candidate = await signup(http)
        stranger = await signup(http)
        recruiter = await signup(http, "recruiter")
        sid = await start_session(http, candidate)
        for token in (stranger["token"], recruiter["token"], "garbage"):
            with pytest.raises(InvalidStatus) as refused:
                async with websockets.connect(ws_url(live_server, f"/interview/{sid}/stream?token={token}")):
                    pass
            assert refused.value.response.status_code in (401, 403)
        with pytest.raises(InvalidStatus):
            async with websockets.connect(ws_url(live_server, f"/interview/{sid}/stream")):
                pass
        # a recruiter who schedules a live interview may watch it
        live = (await http.post("/interview/sessions", headers=recruiter["headers"],
                                json={"type": "live", "job_title": "Dev", "candidate_id": candidate["id"]})).json()["data"]
        async with websockets.connect(ws_url(live_server, f"/interview/{live['session_id']}/stream?token={recruiter['token']}")) as ws:
            assert (await next_event(ws, "timer"))["data"]["status"] == "setup"


async def test_duration_limit_ends_the_session_with_nobody_connected(live_server: str, live_db: Database) -> None:
    async with httpx.AsyncClient(base_url=live_server) as http:
        candidate = await signup(http)
        sid = await start_session(http, candidate, duration_minutes=1)
        # nobody is connected; move the deadline into the past as if the minute had run out
        for listed in (live_db.interview_sessions, live_db.interview_listings):  # the sweep reads the listing
            listed.update_one({"_id": ObjectId(sid)}, {"$set": {"ends_at": datetime.now(UTC) - timedelta(seconds=1)}})
        for _ in range(240):  # a bound on waiting under load, not a timing assertion
            session = (await http.get(f"/interview/sessions/{sid}", headers=candidate["headers"])).json()["data"]
            complete = live_db.interview_events.find_one({"session_id": sid, "type": "complete"})
            if session["status"] == "completed" and complete:
                break
            await asyncio.sleep(0.25)
        assert session["status"] == "completed" and session["result"]["reason"] == "time_up"
        assert complete["data"]["reason"] == "time_up"


def test_server_restart_mid_interview_loses_nothing(mongo_url: str, tmp_path: Path) -> None:
    env = live_env(mongo_url)
    # a fresh process plans its first interview (and loads its models) within the request: seconds on a busy machine

    async def first_half(url: str) -> tuple[dict, str, str]:
        async with httpx.AsyncClient(base_url=url, timeout=60) as http:
            candidate = await signup(http)
            sid = await start_session(http, candidate, question_count=3)
            question = (await http.get(f"/interview/sessions/{sid}/next-question", headers=candidate["headers"])).json()["data"]["question"]
            await http.post(f"/interview/sessions/{sid}/answer", headers=candidate["headers"],
                            json={"question_id": question["id"], "content": STRONG_ANSWER})
            return candidate, sid, question["id"]

    async def second_half(url: str, candidate: dict, sid: str, answered_id: str) -> None:
        async with httpx.AsyncClient(base_url=url, timeout=60) as http:
            session = (await http.get(f"/interview/sessions/{sid}", headers=candidate["headers"])).json()["data"]
            assert session["status"] == "active"
            assert [a["question_id"] for a in session["answers"]] == [answered_id]
            assert session["answers"][0]["evaluation"]["score"] > 0
            nxt = (await http.get(f"/interview/sessions/{sid}/next-question", headers=candidate["headers"])).json()["data"]
            assert nxt["question"]["id"] != answered_id and nxt["remaining_seconds"] > 0
            reply = await http.post(f"/interview/sessions/{sid}/answer", headers=candidate["headers"],
                                    json={"question_id": nxt["question"]["id"], "content": STRONG_ANSWER})
            assert reply.status_code == 200
            async with websockets.connect(ws_url(url, f"/interview/{sid}/stream?token={candidate['token']}")) as ws:
                events = []
                while True:
                    event = json.loads(await asyncio.wait_for(ws.recv(), 10))
                    if event["type"] == "timer":
                        break
                    events.append(event)
            seqs = [e["seq"] for e in events]
            assert seqs == list(range(1, len(seqs) + 1))  # the whole history, numbered without gaps
            final = await http.post(f"/interview/sessions/{sid}/finalize", headers=candidate["headers"])
            assert final.json()["data"]["result"]["answered"] == 2

    with running_server(env, tmp_path / "one") as (url, process):
        candidate, sid, answered_id = asyncio.run(first_half(url))
        process.kill()  # a crash, not a clean shutdown
        process.wait()
    with running_server(env, tmp_path / "two") as (url, _):
        asyncio.run(second_half(url, candidate, sid, answered_id))
