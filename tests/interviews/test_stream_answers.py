"""Answers over the stream, which stores them against the session it holds without reading it first
(interviews/service.py `_receive_on_held`): whatever changed since the copy was taken, the answer is stored
once, against the right question, or refused with the error a fresh read gives. Real sockets, real SecantusDB."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import websockets
from bson import ObjectId
from pymongo.database import Database

from tests.interviews.test_sessions_api import STRONG_ANSWER
from tests.interviews.test_stream import next_event, signup, start_session, ws_url


async def answer(ws: Any, question_id: str, content: str = STRONG_ANSWER) -> None:
    await ws.send(json.dumps({"type": "answer", "question_id": question_id, "content": content}))


async def reply(ws: Any, timeout: float = 30) -> dict[str, Any]:
    """The first `received` feedback or `error` this socket gets (another tab's events arrive here too)."""
    async def wait() -> dict[str, Any]:
        while True:
            event = json.loads(await ws.recv())
            if event["type"] == "error" or (event["type"] == "feedback" and event["data"]["stage"] == "received"):
                return event

    return await asyncio.wait_for(wait(), timeout)


async def until_evaluated(ws: Any, timeout: float = 60) -> list[dict[str, Any]]:
    """Every event up to the `evaluated` feedback (a refusal is sent at once; the evaluation takes longer)."""
    seen: list[dict[str, Any]] = []

    async def wait() -> list[dict[str, Any]]:
        while True:
            seen.append(json.loads(await ws.recv()))
            if seen[-1]["type"] == "feedback" and seen[-1]["data"]["stage"] == "evaluated":
                return seen

    return await asyncio.wait_for(wait(), timeout)


def stored_answers(db: Database, sid: str) -> list[str]:
    return [a["question_id"] for a in db.interview_sessions.find_one({"_id": ObjectId(sid)})["answers"]]


async def test_two_tabs_answering_store_one_answer_and_a_stale_tab_answers_the_current_question(
        live_server: str, live_db: Database) -> None:
    async with httpx.AsyncClient(base_url=live_server, timeout=60) as http:
        candidate = await signup(http)
        sid = await start_session(http, candidate, question_count=3)
        url = ws_url(live_server, f"/interview/{sid}/stream?token={candidate['token']}")
        async with websockets.connect(url) as first, websockets.connect(url) as second:
            question = (await next_event(first, "question"))["data"]
            await next_event(second, "question")
            # both tabs hold the session at the first question and answer it at once: one answer is stored
            await asyncio.gather(answer(first, question["id"], f"{STRONG_ANSWER} one"),
                                 answer(second, question["id"], f"{STRONG_ANSWER} two"))
            seen = [await until_evaluated(first), await until_evaluated(second)]
            errors = [[e for e in events if e["type"] == "error"] for events in seen]
            assert sorted(len(e) for e in errors) == [0, 1], errors
            assert [e["data"]["code"] for e in errors[0] + errors[1]] == ["already_answered"]
            assert stored_answers(live_db, sid) == [question["id"]]
            # the loser's copy is a question behind: its answer to the question now asked is stored all the same
            following = (await next_event(second, "question"))["data"]
            assert following["id"] != question["id"]
            loser = first if errors[0] else second
            await answer(loser, following["id"])
            assert (await reply(loser))["type"] == "feedback"
            assert stored_answers(live_db, sid) == [question["id"], following["id"]]
            # an answer to a question already answered, from a tab that saw it asked: refused, nothing stored twice
            await answer(loser, question["id"])
            refused = await reply(loser)
            assert refused["type"] == "error" and refused["data"]["code"] == "already_answered", refused
            assert stored_answers(live_db, sid) == [question["id"], following["id"]]


async def test_a_stream_answer_after_the_deadline_ends_the_interview_and_is_not_stored(
        live_server: str, live_db: Database) -> None:
    async with httpx.AsyncClient(base_url=live_server, timeout=60) as http:
        candidate = await signup(http)
        sid = await start_session(http, candidate)
        async with websockets.connect(ws_url(live_server, f"/interview/{sid}/stream?token={candidate['token']}")) as ws:
            question = (await next_event(ws, "question"))["data"]
            # the stream holds the session with its deadline ahead; the time runs out before the answer comes
            for listed in (live_db.interview_sessions, live_db.interview_listings):  # the sweep reads the listing
                listed.update_one({"_id": ObjectId(sid)}, {"$set": {"ends_at": datetime.now(UTC) - timedelta(seconds=1)}})
            await answer(ws, question["id"])
            refused = await reply(ws)
            # time_up, or (if the clock ended it first) the interview is no longer taking answers
            assert refused["type"] == "error" and refused["data"]["code"] in ("time_up", "invalid_transition"), refused
        doc = live_db.interview_sessions.find_one({"_id": ObjectId(sid)})
        assert doc["answers"] == [] and doc["status"] == "completed" and doc["result"]["reason"] == "time_up"


async def test_a_stream_answer_while_paused_is_refused_and_after_resume_stored(live_server: str,
                                                                                live_db: Database) -> None:
    async with httpx.AsyncClient(base_url=live_server, timeout=60) as http:
        candidate = await signup(http)
        sid = await start_session(http, candidate)
        async with websockets.connect(ws_url(live_server, f"/interview/{sid}/stream?token={candidate['token']}")) as ws:
            question = (await next_event(ws, "question"))["data"]
            assert (await http.post(f"/interview/sessions/{sid}/pause", headers=candidate["headers"])).status_code == 200
            await answer(ws, question["id"])
            refused = await reply(ws)
            assert refused["type"] == "error" and refused["data"]["code"] == "session_paused", refused
            assert stored_answers(live_db, sid) == []
            assert (await http.post(f"/interview/sessions/{sid}/resume", headers=candidate["headers"])).status_code == 200
            await answer(ws, question["id"])
            assert (await reply(ws))["type"] == "feedback"
            assert stored_answers(live_db, sid) == [question["id"]]
