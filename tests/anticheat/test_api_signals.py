"""Signed browser signals over REST: verification, strikes, warnings, termination and the chained log."""

from __future__ import annotations

import time
from typing import Any

from bson import ObjectId
from litestar.testing import AsyncTestClient
from pymongo.database import Database

from candidatex.anticheat.chain import verify_chain
from candidatex.anticheat.signals import sign_signal
from tests.anticheat.keys import server_chain_key
from tests.conftest import Account, register
from tests.interviews.test_sessions_api import started


def signed(key: str, sid: str, seq: int, kind: str, data: dict[str, Any] | None = None,
           ts: int | None = None) -> dict[str, Any]:
    data = data or {}
    ts = ts if ts is not None else int(time.time() * 1000)
    return {"kind": kind, "seq": seq, "ts": ts, "data": data,
            "hmac": sign_signal(key.encode(), sid, seq, kind, ts, data)}


async def start(client: AsyncTestClient, account: Account, **overrides: Any) -> tuple[str, str]:
    data = await started(client, account, **overrides)
    return data["session"]["session_id"], data["anti_cheat_key"]


def warnings_of(db: Database, sid: str) -> list[dict[str, Any]]:
    return [e["data"] for e in db.interview_events.find({"session_id": sid, "type": "warning"}).sort("seq", 1)]


async def post_signals(client: AsyncTestClient, account: Account, sid: str, body: Any) -> Any:
    return await client.post(f"/interview/sessions/{sid}/signals", json=body, headers=account.headers)


async def test_tab_switch_warns_then_terminates(client: AsyncTestClient, candidate: Account, db: Database) -> None:
    sid, key = await start(client, candidate)
    first = await post_signals(client, candidate, sid, signed(key, sid, 1, "tab_switch"))
    assert first.status_code == 200, first.text
    result = first.json()["data"]["results"][0]
    assert result["accepted"] and result["strike"]["count"] == 1 and not result["strike"]["terminate"]
    assert first.json()["data"]["status"] == "active"
    warnings = warnings_of(db, sid)
    assert warnings == [{"kind": "tab_switch", "message": warnings[0]["message"], "count": 1, "threshold": 2,
                         "terminate": False, "source": "client", "remaining": 1, "flagged_for_review": False}]
    assert "1 of 2" in warnings[0]["message"]

    second = await post_signals(client, candidate, sid, signed(key, sid, 2, "window_blur"))
    data = second.json()["data"]
    assert data["results"][0]["strike"]["terminate"], data
    assert data["terminated_reason"] == "anti_cheat:tab_switch"
    doc = db.interview_sessions.find_one({"_id": ObjectId(sid)})
    assert doc["status"] == "terminated" and doc["terminated_reason"] == "anti_cheat:tab_switch"
    assert doc["strike_counts"] == {"tab_switch": 2} and doc["signal_last_seq"] == 2
    assert [e["event"] for e in doc["anti_cheat_log"]] == ["tab_switch", "tab_switch", "terminated"]
    assert verify_chain(doc["anti_cheat_log"], key=server_chain_key(sid)).valid
    assert warnings_of(db, sid)[-1]["terminate"] is True
    complete = db.interview_events.find_one({"session_id": sid, "type": "complete"})
    assert complete["data"]["terminated_reason"] == "anti_cheat:tab_switch"

    # an ended session takes no more signals
    late = await post_signals(client, candidate, sid, signed(key, sid, 3, "tab_switch"))
    assert late.status_code == 409 and late.json()["error"]["code"] == "SESSION_NOT_RUNNING"


async def test_fullscreen_exit_once_terminates(client: AsyncTestClient, candidate: Account, db: Database) -> None:
    sid, key = await start(client, candidate)
    response = await post_signals(client, candidate, sid, signed(key, sid, 1, "fullscreen_exit"))
    assert response.json()["data"]["terminated_reason"] == "anti_cheat:fullscreen_exit"
    doc = db.interview_sessions.find_one({"_id": ObjectId(sid)})
    assert doc["status"] == "terminated" and doc["terminated_reason"] == "anti_cheat:fullscreen_exit"


async def test_replay_forgery_and_gap_are_logged(client: AsyncTestClient, candidate: Account, db: Database) -> None:
    sid, key = await start(client, candidate)
    ok = signed(key, sid, 1, "right_click")  # logged, no strike
    assert (await post_signals(client, candidate, sid, ok)).json()["data"]["results"][0]["accepted"]
    replay = await post_signals(client, candidate, sid, ok)
    assert replay.status_code == 200
    assert replay.json()["data"]["results"][0] == {"seq": 1, "kind": "right_click", "accepted": False,
                                                   "problem": "replay", "strike": None}
    forged = signed("0" * 64, sid, 2, "tab_switch")  # signed with the wrong key
    result = (await post_signals(client, candidate, sid, forged)).json()["data"]["results"][0]
    assert not result["accepted"] and result["problem"] == "forgery" and result["strike"] is None
    altered = signed(key, sid, 2, "copy")
    altered["data"] = {"chars": 5}  # changed after signing
    assert (await post_signals(client, candidate, sid, altered)).json()["data"]["results"][0]["problem"] == "forgery"
    # a gap: seq 5 after 1 is accepted (and counts), the missing numbers are logged
    gap = (await post_signals(client, candidate, sid, signed(key, sid, 5, "paste", {"length": 40}))).json()["data"]
    assert gap["results"][0]["accepted"] and gap["results"][0]["problem"] == "gap"
    assert gap["results"][0]["strike"]["kind"] == "suspicious_input"
    doc = db.interview_sessions.find_one({"_id": ObjectId(sid)})
    log = doc["anti_cheat_log"]
    assert [e["event"] for e in log] == ["signal", "signal_rejected", "signal_rejected", "signal_rejected",
                                         "signal_gap", "suspicious_input"]
    assert [e["details"]["reason"] for e in log[1:4]] == ["replay", "forgery", "forgery"]
    assert log[4]["details"]["missing"] == [2, 3, 4]
    assert doc["signal_last_seq"] == 5 and doc["status"] == "active"
    assert verify_chain(log, key=server_chain_key(sid)).valid
    assert gap["last_seq"] == 5
    # a reloaded page asks where the sequence stands and continues from there
    state = (await client.get(f"/interview/sessions/{sid}/signals", headers=candidate.headers)).json()["data"]
    assert state["last_seq"] == 5 and state["strike_counts"] == {"suspicious_input": 1}
    assert state["thresholds"]["suspicious_input"] == 5 and state["status"] == "active"
    stranger = await register(client, "candidate")
    assert (await client.get(f"/interview/sessions/{sid}/signals", headers=stranger.headers)).status_code == 404


async def test_batch_stops_at_termination(client: AsyncTestClient, candidate: Account, db: Database) -> None:
    sid, key = await start(client, candidate)
    batch = [signed(key, sid, 1, "copy"), signed(key, sid, 2, "fullscreen_exit"), signed(key, sid, 3, "paste")]
    data = (await post_signals(client, candidate, sid, batch)).json()["data"]
    assert [r["accepted"] for r in data["results"]] == [True, True, False]
    assert data["results"][2]["problem"] == "session_ended"
    assert data["strike_counts"] == {"suspicious_input": 1, "fullscreen_exit": 1}
    doc = db.interview_sessions.find_one({"_id": ObjectId(sid)})
    assert doc["terminated_reason"] == "anti_cheat:fullscreen_exit"


async def test_signals_need_the_candidate_and_a_running_session(client: AsyncTestClient, candidate: Account,
                                                               recruiter: Account) -> None:
    sid, key = await start(client, candidate)
    body = signed(key, sid, 1, "tab_switch")
    stranger = await register(client, "candidate")
    assert (await post_signals(client, stranger, sid, body)).status_code == 404
    assert (await post_signals(client, recruiter, sid, body)).status_code == 404
    assert (await client.post(f"/interview/sessions/{sid}/signals", json=body)).status_code == 401
    # not started yet: 409
    fresh = (await client.post("/interview/sessions", headers=candidate.headers,
                               json={"job_title": "Data Engineer"})).json()["data"]["session_id"]
    pending = await post_signals(client, candidate, fresh, signed(key, fresh, 1, "tab_switch"))
    assert pending.status_code == 409


async def test_bad_signals_are_422(client: AsyncTestClient, candidate: Account) -> None:
    sid, key = await start(client, candidate)
    good = signed(key, sid, 1, "tab_switch")
    for bad in ({**good, "kind": "teleport"}, {**good, "seq": 0}, {**good, "hmac": "xyz"}, {**good, "extra": 1},
                {**good, "data": {"$where": 1}}, {**good, "data": {"a.b": 1}}, {**good, "data": {"x": "y" * 5000}},
                {**good, "session_id": "0" * 24}, [], [good] * 101, "nonsense"):
        response = await post_signals(client, candidate, sid, bad)
        assert response.status_code == 422, (bad if not isinstance(bad, list) else len(bad), response.text)
        assert response.json()["success"] is False
    # session_id matching the path is fine (the browser sends it)
    assert (await post_signals(client, candidate, sid, {**good, "session_id": sid})).status_code == 200


async def test_paused_sessions_still_take_signals(client: AsyncTestClient, candidate: Account) -> None:
    sid, key = await start(client, candidate)
    assert (await client.post(f"/interview/sessions/{sid}/pause", headers=candidate.headers)).status_code == 200
    response = await post_signals(client, candidate, sid, signed(key, sid, 1, "copy"))
    assert response.status_code == 200 and response.json()["data"]["status"] == "paused"


async def test_typing_cadence_of_a_script_is_a_strike(client: AsyncTestClient, candidate: Account) -> None:
    sid, key = await start(client, candidate)
    human = [120, 340, 95, 210, 180, 400, 150, 90, 260, 310, 170, 130, 220, 500, 140, 115, 280, 190, 230, 160, 350]
    robot = [10.0] * 30
    results = (await post_signals(client, candidate, sid, [
        signed(key, sid, 1, "typing_cadence", {"intervals_ms": human}),
        signed(key, sid, 2, "typing_cadence", {"intervals_ms": robot}),
    ])).json()["data"]["results"]
    assert results[0]["strike"] is None and results[1]["strike"]["kind"] == "suspicious_input"
