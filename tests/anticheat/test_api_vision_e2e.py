"""End to end: a camera over real WebRTC to a real server, vision strikes on the stream, termination.

The server runs with short debounce windows (1 s, 5 analysed frames a second) so each phase takes
seconds. The camera is an aiortc track whose scene the test switches: the astronaut photograph (one
face), an empty room (coffee cup, no face), two people side by side.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from typing import Any

import cv2
import httpx
import numpy as np
import pytest
import websockets
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import VideoStreamTrack
from av.video.frame import VideoFrame
from bson import ObjectId
from pymongo import MongoClient
from pymongo.database import Database

from tests.anticheat.test_api_signals import signed
from tests.anticheat.test_api_stream import Events, start_with_key
from tests.anticheat.test_monitor import sway
from tests.conftest import PASSWORD, live_env
from tests.interviews.test_stream import signup, ws_url
from tests.servers import running_server

VISION_ENV = {"ANTI_CHEAT_WINDOW_SECONDS": "1", "ANTI_CHEAT_MIN_SAMPLES": "3", "ANTI_CHEAT_SAMPLE_FPS": "5",
              "MEDIA_VIDEO_SAMPLE_FPS": "5", "TAB_SWITCH_DETECTION": "false"}


@pytest.fixture(scope="module")
def vision_server(mongo_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Database]]:
    env = live_env(mongo_url, **VISION_ENV)
    with running_server(env, tmp_path_factory.mktemp("vision") / "data") as (url, _), \
            MongoClient(mongo_url, tz_aware=True) as client:
        yield url, client[env["MONGODB_DB"]]


class SceneCamera(VideoStreamTrack):
    """A camera showing ``scene`` (BGR), switchable at any time, with a moving stripe so frames differ, swaying a
    pixel or two as a person does (a picture that stays put is a photo: camera_frozen)."""

    def __init__(self, scene: np.ndarray) -> None:
        super().__init__()
        self.scene = scene
        self.sent = 0

    async def recv(self) -> VideoFrame:
        pts, time_base = await self.next_timestamp()
        image = cv2.cvtColor(sway(self.scene, self.sent), cv2.COLOR_BGR2RGB)
        row = (self.sent * 8) % image.shape[0]
        image[row : row + 3] = 255
        frame = VideoFrame.from_ndarray(image, format="rgb24")
        frame.pts, frame.time_base = pts, time_base
        self.sent += 1
        return frame


async def publish(http: httpx.AsyncClient, user: dict[str, Any], sid: str, camera: SceneCamera) -> RTCPeerConnection:
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    pc.addTrack(camera)
    await pc.setLocalDescription(await pc.createOffer())
    response = await http.post(f"/media/sessions/{sid}/offer", headers=user["headers"],
                               json={"sdp": pc.localDescription.sdp, "type": "offer", "direction": "publish"})
    assert response.status_code == 200, response.text
    answer = response.json()["data"]
    await pc.setRemoteDescription(RTCSessionDescription(sdp=answer["sdp"], type=answer["type"]))
    return pc


async def frames_analyzed(http: httpx.AsyncClient) -> float:
    text = (await http.get("/metrics")).text
    match = re.search(r"^candidatex_anticheat_frames_analyzed_total ([0-9.e+]+)$", text, re.M)
    return float(match.group(1)) if match else 0.0


async def until(predicate: Any, timeout: float = 60, what: str = "condition") -> None:
    async with asyncio.timeout(timeout):
        while not await predicate():
            await asyncio.sleep(0.2)


async def admin_headers(http: httpx.AsyncClient, db: Database) -> dict[str, str]:
    admin = await signup(http)
    db.users.update_one({"_id": ObjectId(admin["id"])}, {"$set": {"role": "admin"}})
    email = db.users.find_one({"_id": ObjectId(admin["id"])})["email"]
    token = (await http.post("/auth/login", json={"email": email, "password": PASSWORD})).json()["data"]["access_token"]
    return {"Authorization": f"Bearer {token}"}


async def test_face_then_no_face_warns_three_times_and_terminates(
        vision_server: tuple[str, Database], astronaut_frame: np.ndarray, empty_room_frame: np.ndarray) -> None:
    url, db = vision_server
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        candidate = await signup(http)
        sid, _ = await start_with_key(http, candidate)
        camera = SceneCamera(astronaut_frame)
        async with websockets.connect(ws_url(url, f"/interview/{sid}/stream?token={candidate['token']}")) as ws:
            events = Events(ws)
            before = await frames_analyzed(http)
            pc = await publish(http, candidate, sid, camera)
            try:
                # one face for a while: at least 15 analysed frames (three debounce windows), no warning
                async def enough() -> bool:
                    return await frames_analyzed(http) >= before + 15

                await until(enough, what="frames analysed with a face in view")
                assert [e for e in events.pending if e["type"] == "warning"] == []

                camera.scene = empty_room_frame  # the candidate walks away
                warnings = [await events.next("warning", timeout=60) for _ in range(3)]
                assert [w["data"]["kind"] for w in warnings] == ["face_missing"] * 3
                assert [w["data"]["count"] for w in warnings] == [1, 2, 3]
                assert [w["data"]["terminate"] for w in warnings] == [False, False, True]
                assert all(w["data"]["source"] == "vision" and w["data"]["threshold"] == 3 for w in warnings)
                complete = await events.next("complete", timeout=30)
                assert complete["data"]["terminated_reason"] == "anti_cheat:face_missing"
            finally:
                events.close()
                await pc.close()

        doc = db.interview_sessions.find_one({"_id": ObjectId(sid)})
        assert doc["status"] == "terminated" and doc["terminated_reason"] == "anti_cheat:face_missing"
        assert doc["strike_counts"] == {"face_missing": 3}

        headers = await admin_headers(http, db)

        async def stats_logged() -> bool:
            log = db.interview_sessions.find_one({"_id": ObjectId(sid)})["anti_cheat_log"]
            return any(e["event"] == "monitor_stats" for e in log)

        await until(stats_logged, what="the monitor's statistics in the log")
        report = (await http.get(f"/interview/sessions/{sid}/integrity", headers=headers)).json()["data"]
        assert report["chain"]["valid"] and report["risk_level"] == "high"
        assert [e["event"] for e in report["timeline"]][:4] == ["face_missing"] * 3 + ["terminated"]
        stats = next(e for e in report["timeline"] if e["event"] == "monitor_stats")["details"]
        assert stats["frames_analyzed"] >= 15 and stats["violations"] >= 3
        assert len(report["snapshots"]) == 3
        snapshot = await http.get(report["snapshots"][0]["url"], headers=headers)
        assert snapshot.status_code == 200 and snapshot.headers["content-type"] == "image/jpeg"
        thumbnail = cv2.imdecode(np.frombuffer(snapshot.content, np.uint8), cv2.IMREAD_COLOR)
        assert thumbnail is not None and thumbnail.shape[1] == 160
        assert (await http.get(report["snapshots"][0]["url"], headers=candidate["headers"])).status_code == 403
        verify = (await http.get(f"/interview/sessions/{sid}/integrity/verify", headers=headers)).json()["data"]
        assert verify["valid"] and verify["checked"] == len(report["timeline"])
        metrics = (await http.get("/metrics")).text
        assert "candidatex_anticheat_frames_dropped_total" in metrics
        assert 'candidatex_anticheat_violations_total{kind="face_missing"}' in metrics


async def test_two_faces_terminate_at_once(vision_server: tuple[str, Database],
                                           two_people_wide_frame: np.ndarray) -> None:
    url, db = vision_server
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        candidate = await signup(http)
        sid, _ = await start_with_key(http, candidate)
        async with websockets.connect(ws_url(url, f"/interview/{sid}/stream?token={candidate['token']}")) as ws:
            events = Events(ws)
            pc = await publish(http, candidate, sid, SceneCamera(two_people_wide_frame))
            try:
                warning = await events.next("warning", timeout=60)
                assert warning["data"]["kind"] == "multiple_faces" and warning["data"]["terminate"] is True
                complete = await events.next("complete", timeout=30)
                assert complete["data"]["terminated_reason"] == "anti_cheat:multiple_faces"
            finally:
                events.close()
                await pc.close()
        doc = db.interview_sessions.find_one({"_id": ObjectId(sid)})
        strike = next(e for e in doc["anti_cheat_log"] if e["event"] == "multiple_faces")
        assert strike["details"]["evidence"]["max_faces"] == 2 and strike["details"]["snapshot"]


async def test_tab_switch_detection_off_logs_without_strikes(vision_server: tuple[str, Database]) -> None:
    url, db = vision_server
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        candidate = await signup(http)
        sid, key = await start_with_key(http, candidate)
        batch = [signed(key, sid, n, kind) for n, kind in enumerate(["tab_switch", "window_blur", "tab_switch"], 1)]
        response = await http.post(f"/interview/sessions/{sid}/signals", json=batch, headers=candidate["headers"])
        data = response.json()["data"]
        assert all(r["accepted"] and r["strike"] is None for r in data["results"]) and data["status"] == "active"
        fullscreen = await http.post(f"/interview/sessions/{sid}/signals", headers=candidate["headers"],
                                     json=signed(key, sid, 4, "fullscreen_exit"))
        assert fullscreen.json()["data"]["terminated_reason"] == "anti_cheat:fullscreen_exit"
        log = db.interview_sessions.find_one({"_id": ObjectId(sid)})["anti_cheat_log"]
        assert [e["event"] for e in log[:3]] == ["signal"] * 3
        assert all(e["details"]["strike_disabled"] for e in log[:3])
