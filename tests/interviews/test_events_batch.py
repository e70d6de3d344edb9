"""Events numbered in advance are stored in one insert (interviews/events.py, EventBus.emit_numbered); data BSON
cannot take as it is goes through the ODM's encoder without losing or repeating any event of the batch."""

from __future__ import annotations

import asyncio
import enum

from litestar.testing import AsyncTestClient
from pymongo.database import Database

from tests.conftest import register


class Stage(enum.Enum):  # not a str: BSON cannot take it as it is, the ODM's encoder stores its value
    RECEIVED = "received"


async def test_a_batch_of_events_bson_cannot_take_as_is_is_still_stored_whole_and_in_order(
        client: AsyncTestClient, db: Database) -> None:
    account = await register(client)
    created = await client.post("/interview/sessions", headers=account.headers, json={
        "type": "ai_mock", "mode": "technical", "job_title": "Backend Engineer", "question_count": 1,
        "duration_minutes": 10})
    sid = created.json()["data"]["session_id"]
    bus = client.app.state.event_bus
    events = [("status", {"status": "active"}, 1), ("feedback", {"stage": Stage.RECEIVED}, 2),
              ("status", {"status": "active", "note": "after"}, 3)]
    sent = await asyncio.to_thread(client.blocking_portal.call, bus.emit_numbered, sid, events)
    assert [e["seq"] for e in sent] == [1, 2, 3]
    stored = [(e["seq"], e["type"], e["data"].get("stage")) for e in
              db.interview_events.find({"session_id": sid}).sort("seq")]
    assert stored == [(1, "status", None), (2, "feedback", "received"), (3, "status", None)]
