"""An authenticated read costs one Redis round trip: the script that spends its rate limits also reads the token's
denylist entries; the limits and revocations still hold: with Redis, and with the in-memory stores of the
embedded default."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from redis.asyncio.client import Pipeline, Redis

from tests.auth.apps import app_client
from tests.conftest import register

USER_BUDGET = 6


class RedisCalls:
    """Every command or pipeline the app's Redis client sends (one each = one round trip)."""

    def __init__(self) -> None:
        self.recording = False
        self.calls: list[tuple[Any, ...]] = []


@pytest.fixture
def redis_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[RedisCalls]:
    calls = RedisCalls()
    execute_command, execute = Redis.execute_command, Pipeline.execute

    async def counted_command(self: Redis, *args: Any, **options: Any) -> Any:
        if calls.recording and not isinstance(self, Pipeline):
            calls.calls.append(args)
        return await execute_command(self, *args, **options)

    async def counted_pipeline(self: Pipeline, *args: Any, **options: Any) -> Any:
        if calls.recording:
            calls.calls.append(("PIPELINE", len(self.command_stack)))
        return await execute(self, *args, **options)

    monkeypatch.setattr(Redis, "execute_command", counted_command)
    monkeypatch.setattr(Pipeline, "execute", counted_pipeline)
    yield calls


@pytest.mark.parametrize("backend", ["redis", "memory"])
async def test_a_read_spends_one_round_trip_per_concern_and_limits_still_hold(
        client: AsyncTestClient, mongo_url: str, redis_url: str, tmp_path: Path, redis_calls: RedisCalls,
        backend: str) -> None:
    env = {"RATE_LIMIT_USER_PER_MINUTE": str(USER_BUDGET), "RATE_LIMIT_PER_MINUTE": "1000"}
    if backend == "redis":
        env["REDIS_URL"] = redis_url
    async with app_client(client, mongo_url, tmp_path, **env) as (app, _):
        reader, other = await register(app), await register(app)
        await app.get("/users/me", headers=reader.headers)  # the first read also checks the session in MongoDB
        redis_calls.calls.clear()
        redis_calls.recording = True
        second = await app.get("/users/me", headers=reader.headers)
        redis_calls.recording = False
        assert second.status_code == 200
        if backend == "redis":
            names = [str(call[0]).upper() for call in redis_calls.calls]
            # both budgets and both denylist keys in one script: EVALSHA sha 4 user:… address:… jti:… sid:… (it was
            # an EXISTS for the denylist, then the script)
            assert names == ["EVALSHA"], redis_calls.calls
            keys = [str(key) for key in redis_calls.calls[0][3:3 + int(redis_calls.calls[0][2])]]
            assert len(keys) == 4 and any(":jti:" in k for k in keys) and any(":sid:" in k for k in keys), keys
        else:
            assert redis_calls.calls == []
        # the per-address budget's headers, as before (1000 a minute; four requests spent so far)
        assert second.headers["ratelimit-limit"] == "1000"
        assert second.headers["ratelimit-remaining"] == str(1000 - 4)
        assert second.headers["ratelimit-policy"] == "1000; w=60"

        codes = [(await app.get("/users/me", headers=reader.headers)).status_code for _ in range(USER_BUDGET - 1)]
        assert codes == [200] * (USER_BUDGET - 2) + [429]  # the user's own budget of 6 is spent
        refused = await app.get("/users/me", headers=reader.headers)
        assert refused.status_code == 429
        assert refused.headers["ratelimit-limit"] == str(USER_BUDGET)
        assert refused.headers["ratelimit-remaining"] == "0"
        assert int(refused.headers["retry-after"]) >= 1
        assert (await app.get("/users/me", headers=other.headers)).status_code == 200  # others keep theirs

        assert (await app.post("/auth/logout", json={}, headers=other.headers)).status_code in (200, 204)
        redis_calls.calls.clear()
        redis_calls.recording = True
        assert (await app.get("/users/me", headers=other.headers)).status_code == 401  # revoked stays refused
        redis_calls.recording = False
        if backend == "redis":  # refused by the denylist entry the one script read
            assert [str(call[0]).upper() for call in redis_calls.calls] == ["EVALSHA"], redis_calls.calls
