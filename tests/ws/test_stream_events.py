"""WS /interview/{id}/stream speaks declared events: every event of a whole interview validates against
ws/events.py, and frames that are not JSON, not objects, too deep or of an unknown type get one `error` shape
while the socket stays open and keeps working."""

from __future__ import annotations

import json
from typing import Any

import httpx
import websockets

from candidatex.ws.events import check_event
from tests.interviews.test_sessions_api import STRONG_ANSWER
from tests.interviews.test_stream import signup, start_session, ws_url
from tests.ws.helpers import events_until


async def test_bad_frames_get_an_error_event_and_the_socket_stays_open(live_server: str) -> None:
    async with httpx.AsyncClient(base_url=live_server, timeout=120) as http:
        candidate = await signup(http)
        sid = await start_session(http, candidate)
        seen: list[dict[str, Any]] = []
        async with websockets.connect(ws_url(live_server, f"/interview/{sid}/stream?token={candidate['token']}")) as ws:
            question = await events_until(ws, "question", seen)
            bad_frames = [("this is not json{", "bad_message"), ("[1, 2, 3]", "bad_message"),
                          ('"a string"', "bad_message"), ("[" * 5000 + "]" * 5000, "bad_message"),
                          (json.dumps({"type": "dance"}), "unknown_type"), (json.dumps({"no": "type"}), "unknown_type"),
                          (json.dumps({"type": "answer", "question_id": question["data"]["id"]}), "validation_error")]
            for frame, code in bad_frames:
                await ws.send(frame)
                error = await events_until(ws, "error", seen)
                assert error["code"] == error["data"]["code"] == code, (frame[:40], error)
                assert error["message"] == error["data"]["message"] and isinstance(error["seq"], int)
                assert set(error) == {"type", "code", "message", "seq", "data"} and set(error["data"]) == {"code", "message"}
            # the same socket still carries a whole answer
            await ws.send(json.dumps({"type": "answer", "question_id": question["data"]["id"], "content": STRONG_ANSWER}))
            received = await events_until(ws, "feedback", seen)
            assert received["data"]["stage"] == "received"
            evaluated = await events_until(ws, "feedback", seen)
            assert evaluated["data"]["stage"] == "evaluated" and evaluated["data"]["evaluation"]["score"] > 0
            await ws.send(json.dumps({"type": "ping"}))
            await events_until(ws, "pong", seen)
            await events_until(ws, "timer", seen)
            assert (await http.post(f"/interview/sessions/{sid}/finalize", headers=candidate["headers"])).status_code == 200
            await events_until(ws, "complete", seen)
        kinds = {event["type"] for event in seen}
        assert {"question", "feedback", "timer", "error", "pong", "complete"} <= kinds
        for event in seen:
            check_event(event)  # every event is a declared one, with its declared fields
