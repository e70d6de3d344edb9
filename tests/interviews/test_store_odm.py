"""The interview store reads and inserts sessions without the ODM's per-call work (interviews/store.py), and what
it stores is what the ODM would have stored."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from beanie.odm.utils.dump import get_dict
from litestar.testing import AsyncTestClient
from pydantic import TypeAdapter
from pymongo.database import Database

from candidatex.auth import tokens
from candidatex.interviews.models import InterviewSession
from candidatex.users import store as user_store
from tests.conftest import register
from tests.interviews.test_sessions_api import PRECHECK_OK

CREATE = {"type": "ai_mock", "mode": "technical", "job_title": "Backend Engineer", "question_count": 2,
          "duration_minutes": 10, "focus_areas": ["databases", "caching"]}


@pytest.fixture
def type_adapters(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """Every pydantic TypeAdapter built while the test runs (Beanie builds one per `Document.get` / insert)."""
    built: list[Any] = []
    original = TypeAdapter.__init__

    def counting(self: TypeAdapter, *args: Any, **kwargs: Any) -> None:
        built.append(args[0] if args else kwargs.get("type"))
        original(self, *args, **kwargs)

    monkeypatch.setattr(TypeAdapter, "__init__", counting)
    # the per-token copies must not expire mid-test on a slow machine (a user read would build one)
    monkeypatch.setattr(user_store, "REQUEST_USER_TTL_SECONDS", 3600.0)
    monkeypatch.setattr(tokens, "LIVE_FAMILY_TTL_SECONDS", 3600.0)
    yield built


async def test_create_precheck_and_start_build_no_type_adapter(client: AsyncTestClient,
                                                               type_adapters: list[Any]) -> None:
    account = await register(client)
    assert (await client.get("/users/me", headers=account.headers)).status_code == 200  # the user copy is cached
    type_adapters.clear()
    created = await client.post("/interview/sessions", headers=account.headers, json=CREATE)
    assert created.status_code == 201, created.text
    sid = created.json()["data"]["session_id"]
    assert (await client.post(f"/interview/sessions/{sid}/precheck", headers=account.headers,
                              json=PRECHECK_OK)).status_code in (200, 201)
    started = await client.post(f"/interview/sessions/{sid}/start", headers=account.headers)
    assert started.status_code in (200, 201), started.text
    assert started.json()["data"]["session"]["status"] == "active"
    # Beanie's Document.get and insert build a TypeAdapter for the id on every call (~40 µs each on the loop)
    assert type_adapters == []


async def test_a_created_session_is_stored_as_the_odm_would_store_it(client: AsyncTestClient, db: Database) -> None:
    account = await register(client)
    created = await client.post("/interview/sessions", headers=account.headers, json=CREATE)
    assert created.status_code == 201, created.text
    sid = created.json()["data"]["session_id"]
    stored = db.interview_sessions.find_one({"_id": InterviewSession.model_validate({"_id": sid, "candidate_id": "x",
                                                                                    "job_title": "x"}).id})
    assert stored is not None
    # the ODM's own encoding of the same session: the same fields, values and types, nothing more or less
    assert stored == get_dict(InterviewSession.model_validate(stored), to_db=True)
    assert (stored["type"], stored["mode"], stored["status"]) == ("ai_mock", "technical", "setup")
    assert stored["focus_areas"] == ["databases", "caching"] and stored["candidate_id"] == account.id
    assert "revision_id" not in stored
    # and read back through the API as it was created
    read = await client.get(f"/interview/sessions/{sid}", headers=account.headers)
    assert read.status_code == 200
    assert read.json()["data"]["status"] == "setup"
