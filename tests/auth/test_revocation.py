"""A logged-out or revoked token stays refused after an app restart with no Redis, and after Redis restarts empty."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar.testing import AsyncTestClient

from tests.auth.apps import app_client, new_db_name
from tests.conftest import register
from tests.processes import RedisProcess


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[RedisProcess]:
    """A real redis-server that keeps nothing on disk: a restart loses every key, as an unpersisted one does."""
    server = RedisProcess(tmp_path / "redis").start()
    yield server
    server.stop()


async def test_logout_and_session_revocation_survive_an_app_restart_without_redis(
        client: AsyncTestClient, mongo_url: str, tmp_path: Path) -> None:
    env = {"MONGODB_DB": new_db_name()}
    async with app_client(client, mongo_url, tmp_path, **env) as (first, _):
        logged_out = await register(first)
        revoked = await register(first)
        kept = await register(first)
        assert (await first.post("/auth/logout", json={}, headers=logged_out.headers)).status_code == 200
        sessions = (await first.get("/users/me/sessions", headers=revoked.headers)).json()["data"]
        assert (await first.delete(f"/users/me/sessions/{sessions[0]['id']}", headers=revoked.headers)).status_code == 200
        assert (await first.get("/users/me", headers=logged_out.headers)).status_code == 401
    # a new process: its in-memory denylist is empty, MongoDB still knows
    async with app_client(client, mongo_url, tmp_path, **env) as (second, _):
        assert (await second.get("/users/me", headers=logged_out.headers)).status_code == 401
        assert (await second.get("/users/me", headers=revoked.headers)).status_code == 401
        assert (await second.get("/users/me", headers=kept.headers)).status_code == 200  # same key, still valid
        assert (await second.post("/auth/refresh", json={"refresh_token": logged_out.refresh_token})).status_code == 401


async def test_logout_survives_a_redis_restart_that_lost_its_data(client: AsyncTestClient, mongo_url: str,
                                                                  tmp_path: Path, own_redis: RedisProcess) -> None:
    async with app_client(client, mongo_url, tmp_path, MONGODB_DB=new_db_name(), REDIS_URL=own_redis.url) as (app, _):
        gone = await register(app)
        kept = await register(app)
        assert (await app.post("/auth/logout", json={}, headers=gone.headers)).status_code == 200
        assert (await app.get("/users/me", headers=gone.headers)).status_code == 401
        own_redis.stop()
        own_redis.start()  # empty: the cached revocation is gone
        status = 503
        for _ in range(50):  # the first calls may still meet the dropped connection (503, fail closed)
            status = (await app.get("/users/me", headers=kept.headers)).status_code
            if status != 503:
                break
            await asyncio.sleep(0.1)
        assert status == 200
        assert (await app.get("/users/me", headers=gone.headers)).status_code == 401
