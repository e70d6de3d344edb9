"""The user of an authenticated request, read again once its per-process copy is older than the TTL (every
request of an interview: its steps are seconds apart), is one point read validated as the model, not Beanie's
`Document.get` (a query object and an id TypeAdapter built per call); what the read decides still holds."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from bson import ObjectId
from litestar.testing import AsyncTestClient
from pymongo.database import Database

from candidatex.users import store as user_store
from candidatex.users.models import User
from tests.conftest import register


@pytest.fixture
def beanie_gets(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    calls: list[Any] = []
    get = User.get

    async def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        return await get(*args, **kwargs)

    monkeypatch.setattr(User, "get", counted)
    yield calls


async def test_a_stale_request_user_is_read_without_beanies_document_get(
        client: AsyncTestClient, beanie_gets: list[Any]) -> None:
    account = await register(client)
    user_store.forget(account.id)  # the copy has aged past the TTL
    beanie_gets.clear()
    me = await client.get("/users/me", headers=account.headers)
    assert me.status_code == 200, me.text
    assert me.json()["data"]["id"] == account.id and me.json()["data"]["email"] == account.email
    assert beanie_gets == []  # the old code called User.get on every such request


async def test_the_point_read_still_refuses_suspended_and_deleted_users(client: AsyncTestClient, db: Database) -> None:
    account = await register(client)
    db.users.update_one({"_id": ObjectId(account.id)}, {"$set": {"status": "suspended"}})
    user_store.forget(account.id)
    assert (await client.get("/users/me", headers=account.headers)).status_code == 401
    db.users.delete_one({"_id": ObjectId(account.id)})
    user_store.forget(account.id)
    assert (await client.get("/users/me", headers=account.headers)).status_code == 401


async def test_an_id_that_is_not_an_object_id_finds_no_user() -> None:
    assert await user_store.get_for_request("z" * 24, "jti") is None
