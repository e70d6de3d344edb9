"""With REDIS_URL set: Redis-backed stores, token denylist and rate limits shared by every app process."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx

from tests.conftest import PASSWORD
from tests.servers import running_server


def test_two_processes_share_denylist_and_rate_limits_through_redis(mongo_url: str, redis_url: str,
                                                                    tmp_path: Path) -> None:
    env = {"MONGODB_URL": mongo_url, "MONGODB_DB": f"redis_{uuid.uuid4().hex[:8]}", "REDIS_URL": redis_url,
           "RATE_LIMIT_PER_MINUTE": "12", "SECRET_KEY": "shared-secret-for-both-workers-0123456789abcdef",
           "SEED_DEMO": "false"}
    with running_server(env, tmp_path / "a") as (one, _), running_server(env, tmp_path / "b") as (two, _):
        ready = httpx.get(one + "/health/ready").json()["data"]
        assert ready["checks"]["redis"]["status"] == "ok"

        registered = httpx.post(one + "/auth/register", json={"email": "redis-user@example.com", "password": PASSWORD,
                                                               "full_name": "R", "role": "candidate"})
        headers = {"Authorization": f"Bearer {registered.json()['data']['access_token']}"}
        assert httpx.get(two + "/users/me", headers=headers).status_code == 200
        httpx.post(one + "/auth/logout", json={}, headers=headers)
        assert httpx.get(two + "/users/me", headers=headers).status_code == 401  # the denylist is shared

        codes = [httpx.post((one, two)[i % 2] + "/auth/forgot-password", json={"email": "a@example.com"}).status_code
                 for i in range(14)]
        assert codes.count(200) <= 12 and 429 in codes  # one budget across both workers
