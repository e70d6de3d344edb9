"""WS /live-interview/{id} speaks declared events (ws/live_events.py): a frame that is not JSON, names an unknown
type or lacks a declared field gets the one error shape of every socket, `{type: "error", code, message}`, and the
same socket then carries a whole live interview (join, negotiation, chat, end), every event of it a declared one."""

from __future__ import annotations

import json

import httpx
import websockets

from candidatex.ws.live_events import check_live_event
from tests.media.api_helpers import WsClient, live_session, signup, ws_url


async def test_bad_frames_get_an_error_event_and_the_live_socket_stays_open(live_server: str) -> None:
    async with httpx.AsyncClient(base_url=live_server, timeout=60) as http:
        recruiter, candidate = await signup(http, "recruiter"), await signup(http)
        sid = await live_session(http, recruiter, candidate)
        rec = WsClient(await websockets.connect(ws_url(live_server, f"/live-interview/{sid}?token={recruiter['token']}")))
        cand = WsClient(await websockets.connect(ws_url(live_server, f"/live-interview/{sid}?token={candidate['token']}")))
        try:
            bad_frames = [("this is not json{", "bad_message"), ("[1, 2]", "bad_message"),
                          ("[" * 5000 + "]" * 5000, "bad_message"), ("x" * (200 * 1024), "message_too_large"),
                          (json.dumps({"type": "dance"}), "unknown_type"), (json.dumps({"no": "type"}), "unknown_type"),
                          (json.dumps({"type": "offer"}), "validation_error"),
                          (json.dumps({"type": "offer", "sdp": "v=0", "direction": "sideways"}), "validation_error"),
                          (json.dumps({"type": "message", "text": 42}), "validation_error")]
            for frame, code in bad_frames:
                await rec.ws.send(frame)
                error = await rec.next("error")
                assert error == {"type": "error", "code": code, "message": error["message"]}, (frame[:40], error)
            # the same socket goes on: it joins, negotiates, chats and ends the interview
            assert (await rec.join())["role"] == "recruiter"
            assert (await cand.join())["role"] == "candidate"
            assert (await rec.negotiate("publish"))["type"] == "answer"
            await cand.send({"type": "message", "text": "Hello, can you hear me?"})
            heard = await rec.next("message")
            assert heard["text"] == "Hello, can you hear me?" and heard["participant_id"] == candidate["id"]
            await cand.send({"type": "end"})  # only the interviewer ends it
            assert (await cand.next("error"))["code"] == "forbidden"
            await rec.send({"type": "end"})
            assert (await cand.next("end"))["participant_id"] == recruiter["id"]
            await rec.closed.wait()
        finally:
            await rec.close()
            await cand.close()
        seen = rec.events + cand.events
        assert {"join", "answer", "message", "end", "error"} <= {event["type"] for event in seen}
        for event in seen:
            check_live_event(event)  # every event is a declared one, with its declared fields
        status = (await http.get(f"/interview/sessions/{sid}", headers=recruiter["headers"])).json()["data"]["status"]
        assert status == "terminated"
