"""Issue 15 item 6: after the session the candidate sees every flag with its time, rule and evidence and can
contest it; the session's reviewer or an admin upholds or dismisses (audited); dismissed flags leave the score."""

from __future__ import annotations

import asyncio

from bson import ObjectId
from litestar.testing import AsyncTestClient
from pymongo.database import Database

from tests.anticheat.test_api_signals import post_signals, signed, start
from tests.conftest import Account, make_admin, register


async def test_a_contested_flag_dismissed_by_an_admin_leaves_the_risk_score(
        client: AsyncTestClient, db: Database, candidate: Account) -> None:
    admin = await make_admin(client, db)
    sid, key = await start(client, candidate)
    paste = signed(key, sid, 1, "paste", {"length": 40})
    assert (await post_signals(client, candidate, sid, paste)).status_code == 200
    url = f"/interview/sessions/{sid}/flags"
    early = await client.post(f"{url}/0/appeal", headers=candidate.headers, json={"comment": "I pasted my own notes"})
    assert early.status_code == 409 and early.json()["error"]["code"].lower() == "session_not_ended"
    tabs = [signed(key, sid, n, "tab_switch") for n in (2, 3)]
    assert (await post_signals(client, candidate, sid, tabs)).json()["data"]["status"] == "terminated"

    # the candidate sees every flag with its time, rule and evidence
    flags = (await client.get(url, headers=candidate.headers)).json()["data"]["flags"]
    assert [(f["index"], f["kind"], f["status"]) for f in flags] == [
        (0, "suspicious_input", "open"), (1, "tab_switch", "open"), (2, "tab_switch", "open")]
    assert flags[1]["rule"] == "Please stay on the interview tab and window." and flags[1]["at"]
    assert flags[0]["evidence"]["signal"] == "paste" and flags[0]["source"] == "client"
    before = (await client.get(f"/interview/sessions/{sid}/integrity", headers=admin.headers)).json()["data"]

    contested = await client.post(f"{url}/1/appeal", headers=candidate.headers,
                                  json={"comment": "A fire alarm went off; I checked the building's page."})
    assert contested.status_code == 200, contested.text
    flag = contested.json()["data"]["flags"][1]
    assert flag["status"] == "contested" and flag["appeal"]["comment"].startswith("A fire alarm")
    again = await client.post(f"{url}/1/appeal", headers=candidate.headers, json={"comment": "once more"})
    assert again.status_code == 409 and again.json()["error"]["code"].lower() == "already_contested"
    not_a_flag = await client.post(f"{url}/3/appeal", headers=candidate.headers, json={"comment": "the end entry"})
    assert not_a_flag.status_code == 404
    assert (await client.post(f"{url}/1/appeal", headers=candidate.headers, json={"comment": ""})).status_code == 422

    # who may decide: not the candidate, not a stranger; the admin may, once, and only contested flags
    stranger = await register(client, "recruiter")
    decision = {"outcome": "dismissed", "note": "The alarm is in the building log."}
    assert (await client.post(f"{url}/1/decision", headers=candidate.headers, json=decision)).status_code == 403
    assert (await client.post(f"{url}/1/decision", headers=stranger.headers, json=decision)).status_code == 404
    assert (await client.get(url, headers=stranger.headers)).status_code == 404
    uncontested = await client.post(f"{url}/2/decision", headers=admin.headers, json=decision)
    assert uncontested.status_code == 409 and uncontested.json()["error"]["code"].lower() == "not_contested"
    decided = await client.post(f"{url}/1/decision", headers=admin.headers, json=decision)
    assert decided.status_code == 200, decided.text
    assert decided.json()["data"]["flags"][1]["status"] == "dismissed"
    twice = await client.post(f"{url}/1/decision", headers=admin.headers, json={"outcome": "upheld"})
    assert twice.status_code == 409 and twice.json()["error"]["code"].lower() == "already_decided"

    after = (await client.get(f"/interview/sessions/{sid}/integrity", headers=admin.headers)).json()["data"]
    assert before["strikes"]["tab_switch"] == 2 and after["strikes"]["tab_switch"] == 1
    assert after["risk_score"] < before["risk_score"]
    assert after["timeline"][1].get("dismissed") is True and "dismissed" not in after["timeline"][2]
    assert after["verification"]["valid"]  # the log itself is untouched: contests live beside it
    for _ in range(50):
        actions = {a["action"] for a in db.audit_logs.find({"target_id": sid})}
        if {"integrity.flag_contested", "integrity.flag_decided"} <= actions:
            break
        await asyncio.sleep(0.05)
    assert {"integrity.flag_contested", "integrity.flag_decided"} <= actions
    # the candidate sees the outcome
    mine = (await client.get(url, headers=candidate.headers)).json()["data"]["flags"][1]
    assert mine["decision"]["outcome"] == "dismissed" and mine["decision"]["note"].startswith("The alarm")
    assert db.interview_sessions.find_one({"_id": ObjectId(sid)})["flag_reviews"][0]["index"] == 1
