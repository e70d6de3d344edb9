"""The integrity report, chain verification against tampering in the database, and who may read them."""

from __future__ import annotations

import base64

import cv2
import numpy as np
from bson import ObjectId
from litestar import Litestar
from litestar.testing import AsyncTestClient
from pymongo.database import Database

from tests.anticheat.test_api_signals import post_signals, signed, start
from tests.anticheat.test_monitor import sway
from tests.conftest import Account, make_admin, register
from tests.interviews.test_sessions_api import PRECHECK_OK, new_session


async def test_report_for_the_interviewer_and_admins_only(client: AsyncTestClient, db: Database) -> None:
    candidate = await register(client, "candidate")
    recruiter = await register(client, "recruiter")
    # the live session is scheduled by the recruiter for the candidate
    created = await client.post("/interview/sessions", headers=recruiter.headers,
                                json={"type": "live", "job_title": "SRE", "candidate_id": candidate.id})
    sid = created.json()["data"]["session_id"]
    await client.post(f"/interview/sessions/{sid}/precheck", json=PRECHECK_OK, headers=candidate.headers)
    key = (await client.post(f"/interview/sessions/{sid}/start", headers=candidate.headers)).json()["data"]["anti_cheat_key"]
    batch = [signed(key, sid, 1, "right_click"), signed("f" * 64, sid, 2, "copy"), signed(key, sid, 2, "copy"),
             signed(key, sid, 4, "tab_switch")]
    assert (await post_signals(client, candidate, sid, batch)).status_code == 200

    response = await client.get(f"/interview/sessions/{sid}/integrity", headers=recruiter.headers)
    assert response.status_code == 200, response.text
    report = response.json()["data"]
    assert report["strikes"] == {"suspicious_input": 1, "tab_switch": 1}
    assert [e["event"] for e in report["timeline"]] == ["signal", "signal_rejected", "suspicious_input", "signal_gap",
                                                        "tab_switch"]
    assert report["counts_by_kind"]["signal_rejected"] == 1
    assert report["chain"]["valid"] and report["chain"]["checked"] == 5
    assert 0 < report["risk_score"] <= 100 and report["risk_level"] in ("medium", "high")
    assert {e["what"] for e in report["evidence"]} >= {"forgery", "gap", "tab_switch", "suspicious_input"}
    assert report["thresholds"]["tab_switch"] == 2 and report["status"] == "active"

    admin = await make_admin(client, db)
    assert (await client.get(f"/interview/sessions/{sid}/integrity", headers=admin.headers)).status_code == 200
    # the candidate may not read it; a recruiter with no part in the interview does not even learn it exists
    refused = await client.get(f"/interview/sessions/{sid}/integrity", headers=candidate.headers)
    assert refused.status_code == 403 and refused.json()["success"] is False
    stranger = await register(client, "recruiter")
    assert (await client.get(f"/interview/sessions/{sid}/integrity", headers=stranger.headers)).status_code == 404
    for path in ("integrity/verify", f"snapshots/{'a' * 24}"):
        assert (await client.get(f"/interview/sessions/{sid}/{path}", headers=candidate.headers)).status_code == 403
        assert (await client.get(f"/interview/sessions/{sid}/{path}", headers=stranger.headers)).status_code == 404
    assert (await client.get(f"/interview/sessions/{sid}/snapshots/{'a' * 24}",
                             headers=recruiter.headers)).status_code == 404
    assert (await client.get(f"/interview/sessions/{sid}/integrity")).status_code == 401


async def test_verify_names_the_entry_tampered_with_in_the_database(client: AsyncTestClient, db: Database,
                                                                   candidate: Account) -> None:
    admin = await make_admin(client, db)
    sid, key = await start(client, candidate)
    batch = [signed(key, sid, n, kind) for n, kind in enumerate(["copy", "right_click", "tab_switch", "paste"], 1)]
    assert (await post_signals(client, candidate, sid, batch)).status_code == 200
    url = f"/interview/sessions/{sid}/integrity/verify"
    intact = (await client.get(url, headers=admin.headers)).json()["data"]
    assert intact["valid"] and intact["first_broken_index"] is None and intact["checked"] == 4

    # someone with database access softens the third entry (the tab switch)
    db.interview_sessions.update_one({"_id": ObjectId(sid)}, {"$set": {"anti_cheat_log.2.event": "right_click"}})
    broken = (await client.get(url, headers=admin.headers)).json()["data"]
    assert (broken["valid"], broken["first_broken_index"], broken["checked"]) == (False, 2, 3)
    assert "entry 2" in broken["explanation"]
    # the edit also took a tab-switch strike out of the log while the stored counter still has it
    assert any("tab_switch: stored 1, log 0" in problem for problem in broken["problems"])
    report = (await client.get(f"/interview/sessions/{sid}/integrity", headers=admin.headers)).json()["data"]
    assert not report["chain"]["valid"] and report["chain"]["first_broken_index"] == 2
    assert report["evidence"][0]["what"] == "chain_broken" and report["risk_level"] == "high"

    # deleting an entry is caught as well
    db.interview_sessions.update_one({"_id": ObjectId(sid)}, {"$pop": {"anti_cheat_log": -1}})
    removed = (await client.get(url, headers=admin.headers)).json()["data"]
    assert removed["valid"] is False and removed["first_broken_index"] == 0


def jpeg_b64(image_bgr: np.ndarray) -> str:
    ok, encoded = cv2.imencode(".jpg", image_bgr, [cv2.IMWRITE_JPEG_QUALITY, 85])
    assert ok
    return base64.b64encode(encoded.tobytes()).decode()


async def test_precheck_with_a_camera_frame(client: AsyncTestClient, candidate: Account, astronaut_frame: np.ndarray,
                                            empty_room_frame: np.ndarray, two_people_wide_frame: np.ndarray) -> None:
    async def precheck(frame: str) -> tuple[int, dict]:
        sid = (await new_session(client, candidate))["session_id"]
        response = await client.post(f"/interview/sessions/{sid}/precheck", headers=candidate.headers,
                                     json={**PRECHECK_OK, "camera_frame": frame})
        return response.status_code, response.json()

    status, body = await precheck(jpeg_b64(astronaut_frame))
    assert status == 200 and body["data"]["status"] == "precheck", body
    assert body["data"]["precheck_result"]["camera_view"] == {"frames": 1, "faces": 1, "covered": False, "live": None}
    status, body = await precheck(jpeg_b64(empty_room_frame))
    assert status == 200 and body["data"]["status"] == "setup"
    assert [f["check"] for f in body["data"]["precheck_result"]["failures"]] == ["camera_view"]
    status, body = await precheck("data:image/jpeg;base64," + jpeg_b64(two_people_wide_frame))
    assert body["data"]["precheck_result"]["failures"][0]["message"] == "Only you may be visible on camera."
    dark = np.zeros((480, 640, 3), np.uint8)
    status, body = await precheck(jpeg_b64(dark))
    assert "uncover" in body["data"]["precheck_result"]["failures"][0]["message"]
    for bad in ("not base64!", base64.b64encode(b"plain text, not an image").decode(),
                base64.b64encode(b"\xff" * 520_000).decode()):
        status, body = await precheck(bad)
        assert status == 422 and body["success"] is False, body
    assert "500 KB" in body["error"]["message"]


async def test_precheck_needs_exactly_one_live_face(client: AsyncTestClient, app: Litestar, candidate: Account,
                                                    astronaut_frame: np.ndarray, two_people_wide_frame: np.ndarray) -> None:
    """Issue 15: the precheck passed with nobody on camera. Now the server wants frames, one face, and motion."""
    coordinator = app.state.anti_cheat
    default = coordinator.settings
    coordinator.settings = default.model_copy(update={"anti_cheat_precheck_camera": True})  # the production default

    async def precheck(frames: list[np.ndarray]) -> dict:
        sid = (await new_session(client, candidate))["session_id"]
        response = await client.post(f"/interview/sessions/{sid}/precheck", headers=candidate.headers,
                                     json={**PRECHECK_OK, "camera_frames": [jpeg_b64(f) for f in frames]})
        assert response.status_code == 200, response.text
        return response.json()["data"]

    try:
        nobody = await precheck([])
        assert nobody["status"] == "setup"
        assert [f["check"] for f in nobody["precheck_result"]["failures"]] == ["camera_view"]
        live = await precheck([sway(astronaut_frame, 0), sway(astronaut_frame, 1), sway(astronaut_frame, 2)])
        assert live["status"] == "precheck", live["precheck_result"]["failures"]
        assert live["precheck_result"]["camera_view"] == {"frames": 3, "faces": 1, "covered": False, "live": True}
        photo = await precheck([astronaut_frame, astronaut_frame.copy(), astronaut_frame.copy()])  # held still
        assert photo["status"] == "setup"
        assert [f["check"] for f in photo["precheck_result"]["failures"]] == ["camera_liveness"]
        second_person = await precheck([sway(astronaut_frame, 0), two_people_wide_frame])
        assert second_person["precheck_result"]["failures"][0]["message"] == "Only you may be visible on camera."
        # the start stays disabled after a failed precheck
        refused = await client.post(f"/interview/sessions/{photo['session_id']}/start", headers=candidate.headers)
        assert refused.status_code == 409 and refused.json()["error"]["code"] == "PRECHECK_REQUIRED"
        too_many = await client.post(f"/interview/sessions/{photo['session_id']}/precheck", headers=candidate.headers,
                                     json={**PRECHECK_OK, "camera_frames": [jpeg_b64(astronaut_frame)] * 6})
        assert too_many.status_code in (400, 422) and too_many.json()["success"] is False
    finally:
        coordinator.settings = default


def test_two_workers_never_fork_the_chain(mongo_url: str) -> None:
    """Two coordinators with separate locks (two worker processes) race on one log: the conditional append
    on (length, last hash) makes the loser re-read and retry, so every entry lands once, in one chain."""
    import json
    import os
    import subprocess
    import sys
    import uuid
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-m", "tests.anticheat.two_writers", mongo_url, f"race_{uuid.uuid4().hex[:8]}"],
                          cwd=root, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": f"{root / 'src'}:{root}"})
    assert done.returncode == 0, done.stderr[-3000:]
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert summary["valid"] and summary["first_broken_index"] is None, summary
    assert summary["entries"] == 80  # one entry per signal: accepted, gap or replay, never lost or doubled
    assert summary["last_seq"] == 80
