"""Consent before the precheck (who, when, which notice version, stored on the session) and retention: the log
and snapshots of interviews that ended longer ago than ANTI_CHEAT_RETENTION_DAYS are purged."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bson import ObjectId
from litestar import Litestar
from litestar.testing import AsyncTestClient
from pymongo.database import Database

from candidatex.core.timeutil import utcnow
from tests.anticheat.test_api_signals import post_signals, signed, start
from tests.conftest import Account, register
from tests.interviews.test_sessions_api import PRECHECK_OK


async def new_session(client: AsyncTestClient, candidate: Account) -> str:
    response = await client.post("/interview/sessions", headers=candidate.headers, json={"job_title": "Data Engineer"})
    return response.json()["data"]["session_id"]


async def test_consent_is_stored_before_the_precheck(client: AsyncTestClient, app: Litestar, candidate: Account,
                                                     admin: Account, db: Database) -> None:
    anti_cheat = app.state.anti_cheat
    anti_cheat.consent_required = True  # ANTI_CHEAT_CONSENT_REQUIRED, the production default (tests turn it off)
    try:
        sid = await new_session(client, candidate)
        url = f"/interview/sessions/{sid}/proctoring/consent"
        shown = (await client.get(url, headers=candidate.headers)).json()["data"]
        notice = shown["notice"]
        assert shown["consent"] is None and notice["retention_days"] == 365 and "365 days" in notice["retention"]
        assert notice["monitored"] and "administrators" in notice["who_sees"]

        refused = await client.post(f"/interview/sessions/{sid}/precheck", headers=candidate.headers, json=PRECHECK_OK)
        assert refused.status_code == 409 and refused.json()["error"]["code"] == "CONSENT_REQUIRED"

        stale = await client.post(url, headers=candidate.headers, json={"notice_version": "2020-01-01"})
        assert stale.status_code == 409 and stale.json()["error"]["code"] == "NOTICE_OUTDATED"
        for body in ({}, {"notice_version": ""}, {"notice_version": "x", "extra": 1}):
            assert (await client.post(url, headers=candidate.headers, json=body)).status_code == 422
        # staff may read it, never agree in the candidate's place; strangers learn nothing
        assert (await client.get(url, headers=admin.headers)).status_code == 200
        assert (await client.post(url, headers=admin.headers, json={"notice_version": notice["version"]})).status_code == 403
        stranger = await register(client, "candidate")
        assert (await client.get(url, headers=stranger.headers)).status_code == 404

        agreed = await client.post(url, headers=candidate.headers, json={"notice_version": notice["version"]})
        assert agreed.status_code == 200, agreed.text
        doc = db.interview_sessions.find_one({"_id": ObjectId(sid)})
        record = doc["proctoring_consent"]
        assert record["user_id"] == candidate.id and record["notice_version"] == notice["version"]
        assert record["retention_days"] == 365 and abs((utcnow() - record["at"].replace(tzinfo=utcnow().tzinfo)).total_seconds()) < 60
        assert db.audit_logs.find_one({"action": "proctoring.consent", "target_id": sid}) is not None

        passed = await client.post(f"/interview/sessions/{sid}/precheck", headers=candidate.headers, json=PRECHECK_OK)
        assert passed.status_code == 200 and passed.json()["data"]["precheck_result"]["passed"]
        await client.post(f"/interview/sessions/{sid}/start", headers=candidate.headers)
        late = await client.post(url, headers=candidate.headers, json={"notice_version": notice["version"]})
        assert late.status_code == 409  # consent is given before the interview, not during it
    finally:
        anti_cheat.consent_required = False


async def test_retention_purges_ended_sessions_only(client: AsyncTestClient, app: Litestar, candidate: Account,
                                                    admin: Account, db: Database) -> None:
    coordinator = app.state.anti_cheat
    portal = client.blocking_portal  # the app (and its database client) runs on the portal's loop

    async def ended_with_evidence(days_ago: float) -> str:
        sid, key = await start(client, candidate)
        await post_signals(client, candidate, sid, signed(key, sid, 1, "copy"))
        await client.post(f"/interview/sessions/{sid}/finalize", headers=candidate.headers)
        for listed in (db.interview_sessions, db.interview_listings):  # the retention sweep finds it by its listing
            listed.update_one({"_id": ObjectId(sid)}, {"$set": {"completed_at": utcnow() - timedelta(days=days_ago)}})
        db.anti_cheat_snapshots.insert_one({"session_id": sid, "kind": "face_missing", "data": b"\xff\xd8",
                                            "content_type": "image/jpeg", "created_at": utcnow()})
        return sid

    old, recent = await ended_with_evidence(400), await ended_with_evidence(10)
    running, running_key = await start(client, candidate)
    await post_signals(client, candidate, running, signed(running_key, running, 1, "copy"))
    for listed in (db.interview_sessions, db.interview_listings):  # a running session is never purged
        listed.update_one({"_id": ObjectId(running)}, {"$set": {"completed_at": utcnow() - timedelta(days=999)}})

    purged = await asyncio.to_thread(portal.call, coordinator.purge_expired)
    assert old in purged and recent not in purged and running not in purged
    doc = db.interview_sessions.find_one({"_id": ObjectId(old)})
    assert doc["anti_cheat_log"] == [] and doc["anti_cheat_purged_at"] is not None
    assert db.anti_cheat_snapshots.count_documents({"session_id": old}) == 0
    assert db.anti_cheat_snapshots.count_documents({"session_id": recent}) == 1
    assert db.interview_sessions.find_one({"_id": ObjectId(recent)})["anti_cheat_log"]
    assert db.interview_sessions.find_one({"_id": ObjectId(running)})["anti_cheat_log"]
    verify = (await client.get(f"/interview/sessions/{old}/integrity/verify", headers=admin.headers)).json()["data"]
    assert not verify["valid"] and "retention period" in verify["explanation"]
    assert old not in await asyncio.to_thread(portal.call, coordinator.purge_expired)  # once

    default = coordinator.settings
    coordinator.settings = default.model_copy(update={"anti_cheat_retention_days": 0})  # 0: kept with the interview
    try:
        assert await asyncio.to_thread(portal.call, coordinator.purge_expired) == []
    finally:
        coordinator.settings = default
