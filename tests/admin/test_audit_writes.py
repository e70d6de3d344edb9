"""Audit entries are written as AuditLog declares them (no ODM encoding on the hot path), and read back as such."""

from __future__ import annotations

from litestar.testing import AsyncTestClient
from pymongo.database import Database

from tests.conftest import Account


async def test_an_interview_create_stores_its_audit_entry_as_declared(client: AsyncTestClient, candidate: Account,
                                                                       db: Database) -> None:
    created = await client.post("/interview/sessions", headers=candidate.headers, json={
        "type": "ai_mock", "mode": "behavioral", "job_title": "Backend Engineer", "question_count": 2,
        "duration_minutes": 30}, )
    assert created.status_code == 201, created.text
    session_id = created.json()["data"]["session_id"]
    entries = list(db.audit_logs.find({"target_id": session_id}))
    assert len(entries) == 1
    entry = entries[0]
    assert set(entry) == {"_id", "actor_id", "actor_email", "action", "target_type", "target_id", "outcome", "ip",
                          "user_agent", "details", "created_at", "expires_at"}
    assert (entry["action"], entry["actor_id"], entry["target_type"]) == ("interview.create", candidate.id, "interview")
    assert entry["expires_at"] > entry["created_at"]
