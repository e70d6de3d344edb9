"""Issue 15 item 5: a log nobody can quietly rewrite. Each test edits the database the way someone with
access to it would (cut entries off, recompute the chain, edit the counters, empty the log, remove the
stored checkpoint) and expects verification to fail and to say why."""

from __future__ import annotations

import asyncio
import copy
from typing import Any

from bson import ObjectId
from litestar.testing import AsyncTestClient
from pymongo.database import Database

from candidatex.anticheat.chain import append
from tests.anticheat.test_api_signals import post_signals, signed, start
from tests.conftest import Account, make_admin, register


async def ended_session(client: AsyncTestClient, db: Database, candidate: Account) -> tuple[str, dict[str, Any]]:
    """A session with a few signals that ended by its second tab switch, once its checkpoint is stored."""
    sid, key = await start(client, candidate)
    batch = [signed(key, sid, n, kind) for n, kind in enumerate(["tab_switch", "copy", "right_click", "tab_switch"], 1)]
    assert (await post_signals(client, candidate, sid, batch)).status_code == 200
    for _ in range(200):  # the checkpoint is signed by the end-of-interview hook, just after the end
        doc = db.interview_sessions.find_one({"_id": ObjectId(sid)})
        if doc.get("integrity_checkpoints"):
            break
        await asyncio.sleep(0.05)
    assert doc["status"] == "terminated" and doc["integrity_checkpoints"], doc.get("status")
    return sid, doc


async def verify(client: AsyncTestClient, account: Account, sid: str, checkpoint: dict | None = None) -> dict:
    if checkpoint is None:
        response = await client.get(f"/interview/sessions/{sid}/integrity/verify", headers=account.headers)
    else:
        response = await client.post(f"/interview/sessions/{sid}/integrity/verify", headers=account.headers,
                                     json={"checkpoint": checkpoint})
    assert response.status_code == 200, response.text
    return response.json()["data"]


def restore(db: Database, doc: dict) -> None:
    db.interview_sessions.replace_one({"_id": doc["_id"]}, doc)


async def test_every_quiet_rewrite_of_the_log_is_detected(client: AsyncTestClient, db: Database,
                                                          candidate: Account) -> None:
    admin = await make_admin(client, db)
    sid, original = await ended_session(client, db, candidate)
    intact = await verify(client, admin, sid)
    assert intact["valid"], intact
    assert intact["checkpoints_checked"] == 1 and "intact" in intact["explanation"]
    log = original["anti_cheat_log"]
    collection = db.interview_sessions

    # 1. cut the last entries off (the termination and the strike before it): the chain alone cannot tell
    collection.update_one({"_id": original["_id"]}, {"$set": {"anti_cheat_log": log[:-2]}})
    cut = await verify(client, admin, sid)
    assert not cut["valid"] and any("cut off" in p for p in cut["problems"]), cut
    assert any("tab_switch: stored 2, log 1" in p for p in cut["problems"])
    restore(db, original)

    # 2. soften an entry and recompute the chain with plain SHA-256 (all anyone without the server's key can do)
    softened: list[dict[str, Any]] = []
    for entry in copy.deepcopy(log):
        entry.pop("sequence_hash")
        if entry["event"] == "tab_switch" and entry["details"]["strike"] == 2:
            entry["event"] = "signal"
        append(softened, entry)
    collection.update_one({"_id": original["_id"]}, {"$set": {"anti_cheat_log": softened}})
    recomputed = await verify(client, admin, sid)
    assert not recomputed["valid"] and recomputed["first_broken_index"] == 0
    assert "without the server's key" in recomputed["explanation"]
    restore(db, original)

    # 3. edit the stored strike counts
    collection.update_one({"_id": original["_id"]}, {"$set": {"strike_counts.tab_switch": 0}})
    counts = await verify(client, admin, sid)
    assert not counts["valid"] and counts["problems"] == [
        "the stored strike counts differ from the strikes in the log (tab_switch: stored 0, log 2)"]
    restore(db, original)

    # 4. empty the log and the counters together
    collection.update_one({"_id": original["_id"]}, {"$set": {"anti_cheat_log": [], "strike_counts": {}}})
    emptied = await verify(client, admin, sid)
    assert not emptied["valid"] and any("emptied" in p for p in emptied["problems"]), emptied
    restore(db, original)

    # 5. remove the stored checkpoint as well as cutting the log: the copy the candidate was handed still catches it
    handed = (await client.get(f"/interview/sessions/{sid}/integrity/checkpoints",
                               headers=candidate.headers)).json()["data"]
    assert handed["public_key"] and len(handed["checkpoints"]) == 1
    collection.update_one({"_id": original["_id"]}, {"$set": {"anti_cheat_log": log[:-2], "integrity_checkpoints": [],
                                                              "strike_counts": {"tab_switch": 1,
                                                                                "suspicious_input": 1}}})
    stored_only = await verify(client, admin, sid)
    assert not stored_only["valid"] and any("no signed checkpoint" in p for p in stored_only["problems"])
    presented = await verify(client, candidate, sid, handed["checkpoints"][0])
    assert not presented["valid"] and any("cut off" in p for p in presented["problems"]), presented

    # a forged checkpoint (length raised, signature kept) is refused as such
    forged = {**handed["checkpoints"][0], "length": 1}
    assert any("signature" in p for p in (await verify(client, candidate, sid, forged))["problems"])
    restore(db, original)


async def test_only_the_sessions_people_verify_its_checkpoints(client: AsyncTestClient, db: Database,
                                                               candidate: Account) -> None:
    sid, original = await ended_session(client, db, candidate)
    checkpoint = original["integrity_checkpoints"][0]
    stranger = await register(client, "candidate")
    for response in (
        await client.post(f"/interview/sessions/{sid}/integrity/verify", headers=stranger.headers,
                          json={"checkpoint": checkpoint}),
        await client.get(f"/interview/sessions/{sid}/integrity/checkpoints", headers=stranger.headers),
    ):
        assert response.status_code == 404 and response.json()["success"] is False
    bad = await client.post(f"/interview/sessions/{sid}/integrity/verify", headers=candidate.headers,
                            json={"checkpoint": {**checkpoint, "length": -1}})
    assert bad.status_code in (400, 422) and bad.json()["success"] is False
    assert (await client.post(f"/interview/sessions/{sid}/integrity/verify", json={})).status_code == 401
