"""Sessions are listed through interview_listings (interviews/store.py): the session document keeps no secondary
index for the answer writes to rewrite, and the lists, the deadline sweep, erasure and old sessions still see each
session as it is."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from bson import ObjectId
from litestar import Litestar
from litestar.testing import AsyncTestClient
from pymongo.database import Database

from candidatex.core.timeutil import as_utc, utcnow
from candidatex.interviews import store
from tests.conftest import PASSWORD, Account, register
from tests.interviews.test_sessions_api import new_session, started

LIST_INDEXES = {("candidate_id", "created_at"), ("recruiter_id", "status"), ("status", "ends_at"),
                ("job_id", "candidate_id"), ("job_recruiter_id", "status")}


async def listed(client: AsyncTestClient, account: Account, **params: Any) -> list[str]:
    response = await client.get("/interview/sessions", headers=account.headers, params={"limit": 100, **params})
    assert response.status_code == 200, response.text
    return [item["session_id"] for item in response.json()["data"]["items"]]


async def test_the_session_keeps_no_secondary_index_and_its_listing_holds_the_lists_ones(
        client: AsyncTestClient, candidate: Account, db: Database) -> None:
    sid = (await new_session(client, candidate))["session_id"]
    # every answer, timer and anti-cheat write rewrites each secondary index entry of the session on SecantusDB
    assert list(db.interview_sessions.index_information()) == ["_id_"]
    listing_indexes = {tuple(field for field, _ in info["key"])
                       for name, info in db.interview_listings.index_information().items() if name != "_id_"}
    assert listing_indexes == LIST_INDEXES
    listing = db.interview_listings.find_one({"_id": ObjectId(sid)})
    assert listing is not None and (listing["candidate_id"], listing["status"]) == (candidate.id, "setup")


async def test_the_lists_follow_every_status_change(client: AsyncTestClient, candidate: Account,
                                                    recruiter: Account) -> None:
    waiting = (await new_session(client, candidate))["session_id"]
    running = (await started(client, candidate))["session"]["session_id"]
    assert await listed(client, candidate, status="setup") == [waiting]
    assert await listed(client, candidate, status="active") == [running]
    assert (await client.post(f"/interview/sessions/{running}/pause", headers=candidate.headers)).status_code == 200
    assert await listed(client, candidate, status="active") == []
    assert await listed(client, candidate, status="paused") == [running]
    assert (await client.post(f"/interview/sessions/{running}/resume", headers=candidate.headers)).status_code == 200
    assert (await client.post(f"/interview/sessions/{running}/finalize", headers=candidate.headers)).status_code == 200
    assert await listed(client, candidate, status="paused") == []
    assert await listed(client, candidate, status="completed") == [running]
    assert await listed(client, candidate) == [running, waiting]  # newest first
    # a recruiter's list: the live interview they scheduled, under its status as it changes
    live = (await new_session(client, recruiter, type="live", candidate_id=candidate.id))["session_id"]
    assert await listed(client, recruiter, status="setup") == [live]
    ended = await client.post(f"/interview/sessions/{live}/end", headers=recruiter.headers, json={"reason": "done"})
    assert ended.status_code == 200, ended.text
    assert await listed(client, recruiter, status="setup") == []
    assert await listed(client, recruiter, status="terminated") == [live]
    assert live in await listed(client, candidate, status="terminated")


async def test_the_deadline_sweep_ends_overdue_sessions_by_their_own_deadline(
        client: AsyncTestClient, app: Litestar, candidate: Account, db: Database) -> None:
    due = (await started(client, candidate))["session"]["session_id"]
    extended = (await started(client, candidate))["session"]["session_id"]
    past = utcnow() - timedelta(seconds=1)
    for collection in (db.interview_sessions, db.interview_listings):  # its time ran out
        collection.update_one({"_id": ObjectId(due)}, {"$set": {"ends_at": past}})
    # the other's listing lags its session: a copy of its state before a resume moved the deadline (the resume's
    # own copy still in flight)
    db.interview_listings.update_one({"_id": ObjectId(extended)},
                                     {"$set": {"ends_at": past}, "$inc": {store.LISTED_VERSION: -1}})
    await asyncio.to_thread(client.blocking_portal.call, app.state.interview_service.expire_overdue)
    status = {sid: (await client.get(f"/interview/sessions/{sid}", headers=candidate.headers)).json()["data"]["status"]
              for sid in (due, extended)}
    assert status == {due: "completed", extended: "active"}
    assert await listed(client, candidate, status="completed") == [due]
    # the stale listing is copied again from its session: the next sweep does not find it
    session = db.interview_sessions.find_one({"_id": ObjectId(extended)})
    listing = db.interview_listings.find_one({"_id": ObjectId(extended)})
    assert session is not None and listing is not None
    assert as_utc(listing["ends_at"]) == as_utc(session["ends_at"]) > utcnow()


async def test_erasure_removes_the_practice_sessions_and_their_listings(client: AsyncTestClient, recruiter: Account,
                                                                        db: Database) -> None:
    account = await register(client)
    practice = (await new_session(client, account))["session_id"]
    live = (await new_session(client, recruiter, type="live", candidate_id=account.id))["session_id"]
    erased = await client.request("DELETE", "/users/me", json={"password": PASSWORD}, headers=account.headers)
    assert erased.status_code == 200, erased.text
    assert db.interview_sessions.find_one({"_id": ObjectId(practice)}) is None
    assert db.interview_listings.find_one({"_id": ObjectId(practice)}) is None
    # the recruiter's interview keeps its frame, still in the recruiter's list
    assert db.interview_listings.find_one({"_id": ObjectId(live)}) is not None
    assert live in await listed(client, recruiter)


async def test_a_session_stored_before_the_listings_is_listed_after_the_backfill(
        client: AsyncTestClient, candidate: Account, db: Database) -> None:
    old = (await started(client, candidate))["session"]["session_id"]
    # as stored before this change: no listing, and the indexes the session collection had then
    db.interview_listings.delete_one({"_id": ObjectId(old)})
    db.interview_sessions.create_index([("candidate_id", 1), ("created_at", -1)])
    db.interview_sessions.update_one({"_id": ObjectId(old)}, {"$unset": {store.LISTED_VERSION: ""}})
    assert old not in await listed(client, candidate)
    assert await asyncio.to_thread(client.blocking_portal.call, store.backfill_listings) >= 1
    assert await listed(client, candidate, status="active") == [old]
    assert list(db.interview_sessions.index_information()) == ["_id_"]
