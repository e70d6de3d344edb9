"""The database restarted mid-interview, an AI provider that hangs or fails, a client that drops mid-answer."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import httpx
import websockets

from tests.ai.fake_llm import API_KEY, FakeLLMServer
from tests.conftest import live_env
from tests.interviews.test_sessions_api import STRONG_ANSWER
from tests.interviews.test_stream import next_event, signup, start_session, ws_url
from tests.processes import MongoProcess
from tests.servers import running_server


async def _poll(probe, timeout: float = 60.0):  # noqa: ANN001, ANN202 - an async callable returning a value or None
    deadline = time.monotonic() + timeout
    while True:
        value = await probe()
        if value is not None:
            return value
        assert time.monotonic() < deadline, "condition not reached in time"
        await asyncio.sleep(0.25)


async def test_database_restart_mid_interview_reconnects_and_loses_nothing(tmp_path: Path) -> None:
    mongo = MongoProcess(tmp_path / "db")
    mongo.start()
    try:
        env = live_env(mongo.url)
        with running_server(env, tmp_path / "app") as (url, process):
            async with httpx.AsyncClient(base_url=url, timeout=30) as http:
                candidate = await signup(http)
                sid = await start_session(http, candidate, question_count=3)
                path = f"/interview/sessions/{sid}"
                first = (await http.get(path + "/next-question", headers=candidate["headers"])).json()["data"]["question"]
                answered = await http.post(path + "/answer", headers=candidate["headers"],
                                           json={"question_id": first["id"], "content": STRONG_ANSWER})
                assert answered.status_code == 200

                mongo.kill()
                down = await http.get(path, headers=candidate["headers"])
                assert down.status_code == 503, down.text  # a clear envelope, not a 500 traceback
                assert down.json()["error"]["code"] == "SERVICE_UNAVAILABLE"
                assert (await http.get("/health/ready")).json()["data"]["checks"]["database"]["status"] == "error"

                mongo.start()  # same port, same storage

                async def back() -> dict | None:
                    response = await http.get(path, headers=candidate["headers"])
                    return response.json()["data"] if response.status_code == 200 else None

                session = await _poll(back)
                assert session["status"] == "active"
                assert [a["question_id"] for a in session["answers"]] == [first["id"]]
                assert session["answers"][0]["evaluation"]["score"] > 0
                nxt = (await http.get(path + "/next-question", headers=candidate["headers"])).json()["data"]["question"]
                assert (await http.post(path + "/answer", headers=candidate["headers"],
                                        json={"question_id": nxt["id"], "content": STRONG_ANSWER})).status_code == 200
                final = (await http.post(path + "/finalize", headers=candidate["headers"])).json()["data"]
                assert final["result"]["answered"] == 2
            assert process.poll() is None
        log = "".join(p.read_text() for p in tmp_path.glob("server-*.log"))
        assert "unhandled error" not in log
    finally:
        mongo.stop()


async def test_slow_or_failing_ai_provider_falls_back_to_local_within_the_deadline(mongo_url: str,
                                                                                    tmp_path: Path) -> None:
    llm = FakeLLMServer(behaviour="hang")  # holds every request for 30 s
    await llm.start()
    try:
        env = live_env(mongo_url, AI_PROVIDER="openai", OPENAI_BASE_URL=llm.base_url + "/v1", OPENAI_API_KEY=API_KEY,
                       AI_TIMEOUT_SECONDS="1", AI_RETRIES="0")
        with running_server(env, tmp_path / "app") as (url, _):
            async with httpx.AsyncClient(base_url=url, timeout=60) as http:
                candidate = await signup(http)
                started = time.monotonic()
                sid = await start_session(http, candidate, question_count=2)
                path = f"/interview/sessions/{sid}"
                session = (await http.get(path, headers=candidate["headers"])).json()["data"]
                assert llm.hits >= 1  # the remote provider was asked ...
                assert time.monotonic() - started < 25  # ... and not waited for (it holds requests for 30 s)
                question = (await http.get(path + "/next-question", headers=candidate["headers"])).json()["data"]["question"]
                assert question["text"] and not question["text"].startswith("Remote question")

                llm.behaviour = "error"  # now it fails fast with HTTP 500
                reply = await http.post(path + "/answer", headers=candidate["headers"],
                                        json={"question_id": question["id"], "content": STRONG_ANSWER})
                assert reply.status_code == 200
                assert reply.json()["data"]["evaluation"]["provider"] == "local"
                assert reply.json()["data"]["evaluation"]["score"] > 0
                assert session["status"] == "active"
    finally:
        await llm.stop()


async def test_client_dropping_mid_answer_keeps_the_answer(live_server: str) -> None:
    async with httpx.AsyncClient(base_url=live_server) as http:
        candidate = await signup(http)
        sid = await start_session(http, candidate)
        url = ws_url(live_server, f"/interview/{sid}/stream?token={candidate['token']}")
        async with websockets.connect(url) as ws:
            question = await next_event(ws, "question")
            await ws.send(json.dumps({"type": "answer", "question_id": question["data"]["id"],
                                      "content": STRONG_ANSWER}))
        # the socket closed right after the answer left: the server still stores and evaluates it

        async def evaluated() -> dict | None:
            session = (await http.get(f"/interview/sessions/{sid}", headers=candidate["headers"])).json()["data"]
            answers = session["answers"]
            return answers[0] if answers and answers[0].get("evaluation") else None

        answer = await _poll(evaluated, 30)
        assert answer["question_id"] == question["data"]["id"] and answer["evaluation"]["score"] > 0
        # and a reconnect replays the feedback that was sent while nobody listened
        async with websockets.connect(url + f"&last_seq={question['seq']}") as ws:
            feedback = await next_event(ws, "feedback")
            assert feedback["replayed"] and feedback["data"]["question_id"] == question["data"]["id"]
