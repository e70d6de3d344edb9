"""WS /live-interview/{id} on a real server: a two-party live interview with media, chat, presence, end."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest
import websockets
from pymongo.database import Database
from websockets.exceptions import InvalidStatus

from tests.media.api_helpers import (
    HttpPeer,
    WsClient,
    frames_of,
    live_session,
    make_admin,
    signup,
    wait_for_track,
    ws_url,
)
from tests.media.conftest import resembles_face


async def connect(base: str, sid: str, user: dict) -> WsClient:
    return WsClient(await websockets.connect(ws_url(base, f"/live-interview/{sid}?token={user['token']}")))


async def test_a_live_interview_over_the_socket(live_server: str, live_db: Database, speech_wav: Path) -> None:
    async with httpx.AsyncClient(base_url=live_server, timeout=30) as http:
        recruiter = await signup(http, "recruiter")
        candidate = await signup(http, "candidate", "Ada Candidate")
        admin = await make_admin(http, live_db)
        sid = await live_session(http, recruiter, candidate)
        rec = await connect(live_server, sid, recruiter)
        cand = await connect(live_server, sid, candidate)
        publisher = HttpPeer(http, candidate, sid)
        try:
            joined = await rec.join()
            assert joined["role"] == "recruiter" and joined["ice_servers"] == []
            assert (await cand.join())["participant_id"] == candidate["id"]
            presence = await rec.next("join", participant_id=candidate["id"])
            assert {p["role"] for p in presence["participants"]} == {"recruiter", "candidate"}

            # the candidate publishes over HTTP; the recruiter subscribes through the socket
            assert (await publisher.publish(speech_wav)).status_code == 200
            answer = await rec.negotiate("subscribe")
            assert answer["type"] == "answer", answer
            images = await frames_of(await wait_for_track(rec.received, "video"), 5)
            assert any(resembles_face(image) for image in images)
            # the recruiter publishes in a live interview, and the candidate sees the recruiter
            assert (await rec.negotiate("publish"))["type"] == "answer"
            assert (await cand.negotiate("subscribe"))["type"] == "answer"
            assert await frames_of(await wait_for_track(cand.received, "video"), 2)

            live = await http.get("/interview/live", headers=recruiter["headers"])
            assert live.status_code == 200, live.text
            mine = [s for s in live.json()["data"] if s["session_id"] == sid]
            assert mine and mine[0]["publishing"] and mine[0]["candidate_name"] == "Ada Candidate"
            assert set(mine[0]["publishers"]) == {"candidate", "recruiter"} and mine[0]["remaining_seconds"] > 0
            assert any(s["session_id"] == sid for s in
                       (await http.get("/interview/live", headers=admin["headers"])).json()["data"])
            assert (await http.get("/interview/live", headers=candidate["headers"])).status_code == 403
            other = await signup(http, "recruiter")
            assert all(s["session_id"] != sid for s in
                       (await http.get("/interview/live", headers=other["headers"])).json()["data"])

            await cand.send({"type": "message", "text": "Can you hear me?"})
            for client in (rec, cand):
                message = await client.next("message")
                assert message["text"] == "Can you hear me?" and message["role"] == "candidate"
            session = (await http.get(f"/interview/sessions/{sid}", headers=recruiter["headers"])).json()["data"]
            assert [(m["sender_id"], m["text"]) for m in session["chat"]] == [(candidate["id"], "Can you hear me?")]
            assert live_db.interview_events.find_one({"session_id": sid, "type": "chat"})["data"]["text"] == \
                "Can you hear me?"

            await cand.send({"type": "end"})
            assert (await cand.next("error"))["code"] == "forbidden"
            await rec.send({"type": "end"})
            for client in (rec, cand):
                assert (await client.next("end"))["participant_id"] == recruiter["id"]
                await asyncio.wait_for(client.closed.wait(), 20)
            session = (await http.get(f"/interview/sessions/{sid}", headers=recruiter["headers"])).json()["data"]
            assert session["status"] == "terminated" and session["terminated_reason"] == "ended_by_recruiter"
        finally:
            await publisher.close()
            await rec.close()
            await cand.close()
        stats = (await http.get("/media/stats", headers=admin["headers"])).json()["data"]
        assert stats["peers"] == 0 and stats["rooms"] == 0
        # an ended interview takes no more media
        again = await HttpPeer(http, candidate, sid).publish(None)
        assert again.status_code == 409


async def test_leaving_and_losing_the_socket_are_seen_by_the_others(live_server: str, live_db: Database) -> None:
    async with httpx.AsyncClient(base_url=live_server, timeout=30) as http:
        recruiter = await signup(http, "recruiter")
        candidate = await signup(http)
        admin = await make_admin(http, live_db)
        sid = await live_session(http, recruiter, candidate, start=False)
        rec = await connect(live_server, sid, recruiter)
        cand = await connect(live_server, sid, candidate)
        watcher = await connect(live_server, sid, admin)
        try:
            await rec.join()
            await cand.join()
            assert (await watcher.join())["role"] == "admin"
            assert (await cand.negotiate("publish"))["type"] == "answer"
            assert (await watcher.negotiate("publish"))["code"] == "forbidden"  # watchers only watch
            await cand.close()  # the socket goes away without a leave message
            left = await rec.next("leave", participant_id=candidate["id"])
            assert {p["role"] for p in left["participants"]} == {"recruiter", "admin"}
            await watcher.send({"type": "leave"})
            await rec.next("leave", participant_id=admin["id"])
        finally:
            await rec.close()
            await watcher.close()

        async def drained() -> None:
            while (await http.get("/media/stats", headers=admin["headers"])).json()["data"]["peers"]:
                await asyncio.sleep(0.1)

        await asyncio.wait_for(drained(), 20)


async def test_strangers_are_refused_before_the_socket_opens(live_server: str) -> None:
    async with httpx.AsyncClient(base_url=live_server, timeout=30) as http:
        recruiter = await signup(http, "recruiter")
        candidate = await signup(http)
        sid = await live_session(http, recruiter, candidate, start=False)
        for outsider in (await signup(http), await signup(http, "recruiter")):
            with pytest.raises(InvalidStatus) as refused:
                await websockets.connect(ws_url(live_server, f"/live-interview/{sid}?token={outsider['token']}"))
            assert refused.value.response.status_code == 403
        with pytest.raises(InvalidStatus) as anonymous:
            await websockets.connect(ws_url(live_server, f"/live-interview/{sid}"))
        assert anonymous.value.response.status_code in (401, 403)
        with pytest.raises(InvalidStatus):
            await websockets.connect(ws_url(live_server, f"/live-interview/{'0' * 24}?token={candidate['token']}"))
