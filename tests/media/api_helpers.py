"""Helpers for the media API tests: real users on a real server, aiortc clients over HTTP and WS."""

from __future__ import annotations

import asyncio
import json
import uuid
from pathlib import Path
from typing import Any

import httpx
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.contrib.media import MediaPlayer
from aiortc.mediastreams import MediaStreamTrack
from bson import ObjectId
from pymongo.database import Database

from tests.conftest import PASSWORD
from tests.interviews.test_sessions_api import PRECHECK_OK
from tests.media.conftest import FaceVideoTrack


def ws_url(base: str, path: str) -> str:
    return base.replace("http://", "ws://") + path


async def signup(http: httpx.AsyncClient, role: str = "candidate", name: str | None = None) -> dict[str, Any]:
    email = f"{role}-{uuid.uuid4().hex[:8]}@example.com"
    response = await http.post("/auth/register", json={"email": email, "password": PASSWORD,
                                                        "full_name": name or f"Test {role}", "role": role})
    assert response.status_code == 201, response.text
    data = response.json()["data"]
    return {"id": data["user"]["id"], "email": email, "token": data["access_token"],
            "headers": {"Authorization": f"Bearer {data['access_token']}"}}


async def make_admin(http: httpx.AsyncClient, db: Database) -> dict[str, Any]:
    account = await signup(http, "candidate", "Test admin")
    db.users.update_one({"_id": ObjectId(account["id"])}, {"$set": {"role": "admin"}})
    data = (await http.post("/auth/login", json={"email": account["email"], "password": PASSWORD})).json()["data"]
    return {**account, "token": data["access_token"], "headers": {"Authorization": f"Bearer {data['access_token']}"}}


async def live_session(http: httpx.AsyncClient, recruiter: dict, candidate: dict, start: bool = True) -> str:
    body = {"type": "live", "mode": "behavioral", "job_title": "Staff Engineer", "question_count": 2,
            "duration_minutes": 10, "candidate_id": candidate["id"]}
    response = await http.post("/interview/sessions", json=body, headers=recruiter["headers"])
    assert response.status_code == 201, response.text
    sid = response.json()["data"]["session_id"]
    if start:
        await http.post(f"/interview/sessions/{sid}/precheck", json=PRECHECK_OK, headers=candidate["headers"])
        assert (await http.post(f"/interview/sessions/{sid}/start", headers=candidate["headers"])).status_code == 200
    return sid


async def mock_session(http: httpx.AsyncClient, candidate: dict, start: bool = True) -> str:
    body = {"type": "ai_mock", "mode": "behavioral", "job_title": "Backend Engineer", "question_count": 2,
            "duration_minutes": 10}
    sid = (await http.post("/interview/sessions", json=body, headers=candidate["headers"])).json()["data"]["session_id"]
    if start:
        await http.post(f"/interview/sessions/{sid}/precheck", json=PRECHECK_OK, headers=candidate["headers"])
        assert (await http.post(f"/interview/sessions/{sid}/start", headers=candidate["headers"])).status_code == 200
    return sid


class HttpPeer:
    """A client negotiating through POST /media/sessions/{id}/offer (non-trickle)."""

    def __init__(self, http: httpx.AsyncClient, user: dict, sid: str) -> None:
        self.http, self.user, self.sid = http, user, sid
        self.pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        self.players: list[MediaPlayer] = []
        self.received: dict[str, MediaStreamTrack] = {}

    async def publish(self, wav: Path | None) -> httpx.Response:
        self.video = FaceVideoTrack()
        self.pc.addTrack(self.video)
        if wav is not None:
            player = MediaPlayer(str(wav), loop=True)
            self.players.append(player)
            self.pc.addTrack(player.audio)
        return await self._negotiate("publish")

    async def subscribe(self) -> httpx.Response:
        self.pc.addTransceiver("video", direction="recvonly")
        self.pc.addTransceiver("audio", direction="recvonly")
        self.pc.on("track", lambda track: self.received.__setitem__(track.kind, track))
        return await self._negotiate("subscribe")

    async def _negotiate(self, direction: str) -> httpx.Response:
        await self.pc.setLocalDescription(await self.pc.createOffer())
        response = await self.http.post(f"/media/sessions/{self.sid}/offer", headers=self.user["headers"],
                                        json={"sdp": self.pc.localDescription.sdp, "type": "offer",
                                              "direction": direction})
        if response.status_code == 200:
            answer = response.json()["data"]
            await self.pc.setRemoteDescription(RTCSessionDescription(sdp=answer["sdp"], type=answer["type"]))
        return response

    async def close(self) -> None:
        await self.pc.close()


class WsClient:
    """A participant on WS /live-interview/{id}: events are queued by type."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.events: list[dict[str, Any]] = []
        self._queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._reader = asyncio.create_task(self._read())
        self.pcs: list[RTCPeerConnection] = []
        self.received: dict[str, MediaStreamTrack] = {}
        self.closed = asyncio.Event()

    async def _read(self) -> None:
        try:
            async for raw in self.ws:
                event = json.loads(raw)
                self.events.append(event)
                await self._queue.put(event)
        except Exception:  # noqa: BLE001 - closed
            pass
        finally:
            self.closed.set()

    async def send(self, message: dict[str, Any]) -> None:
        await self.ws.send(json.dumps(message))

    async def next(self, wanted: str, timeout: float = 20, **match: Any) -> dict[str, Any]:
        async def wait() -> dict[str, Any]:
            while True:
                event = await self._queue.get()
                if event["type"] == wanted and all(event.get(k) == v for k, v in match.items()):
                    return event

        return await asyncio.wait_for(wait(), timeout)

    async def join(self) -> dict[str, Any]:
        await self.send({"type": "join"})
        return await self.next("join")

    async def negotiate(self, direction: str, video: MediaStreamTrack | None = None) -> dict[str, Any]:
        pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        self.pcs.append(pc)
        if direction == "subscribe":
            pc.addTransceiver("video", direction="recvonly")
            pc.addTransceiver("audio", direction="recvonly")
            pc.on("track", lambda track: self.received.__setitem__(track.kind, track))
        else:
            pc.addTrack(video or FaceVideoTrack())
        await pc.setLocalDescription(await pc.createOffer())
        await self.send({"type": "offer", "direction": direction, "sdp": pc.localDescription.sdp})
        event = await self.next_of(("answer", "error"))
        if event["type"] == "answer":
            await pc.setRemoteDescription(RTCSessionDescription(sdp=event["sdp"], type="answer"))
        return event

    async def next_of(self, kinds: tuple[str, ...], timeout: float = 20) -> dict[str, Any]:
        async def wait() -> dict[str, Any]:
            while True:
                event = await self._queue.get()
                if event["type"] in kinds:
                    return event

        return await asyncio.wait_for(wait(), timeout)

    async def close(self) -> None:
        for pc in self.pcs:
            await pc.close()
        await self.ws.close()
        self._reader.cancel()


async def frames_of(track: MediaStreamTrack, count: int, timeout: float = 30) -> list[Any]:
    images = []
    async with asyncio.timeout(timeout):
        while len(images) < count:
            frame = await track.recv()
            images.append(frame.to_ndarray(format="rgb24"))
    return images


async def wait_for_track(holder: dict[str, MediaStreamTrack], kind: str, timeout: float = 20) -> MediaStreamTrack:
    async with asyncio.timeout(timeout):
        while kind not in holder:
            await asyncio.sleep(0.05)
    return holder[kind]
