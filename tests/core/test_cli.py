"""The `candidatex` command: create-admin (the only way to a first admin), outbox, argument errors."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import httpx
from pymongo import MongoClient

from tests.conftest import PASSWORD, TEST_SECRET
from tests.servers import running_server

CANDIDATEX = str(Path(sys.executable).parent / "candidatex")


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CANDIDATEX, *args], env={**os.environ, **env}, capture_output=True, text=True, timeout=180)


def test_create_admin_then_sign_in_and_read_the_outbox(mongo_url: str, tmp_path: Path) -> None:
    env = {"MONGODB_URL": mongo_url, "MONGODB_DB": f"cli_{uuid.uuid4().hex[:8]}", "SECRET_KEY": TEST_SECRET,
           "CANDIDATEX_DATA_DIR": str(tmp_path), "SEED_DEMO": "false"}
    weak = _run(["create-admin", "--email", "root@example.com", "--password", "weak"], env)
    assert weak.returncode == 2 and "too weak" in weak.stderr
    created = _run(["create-admin", "--email", "root@example.com", "--password", PASSWORD], env)
    assert created.returncode == 0, created.stderr
    with MongoClient(mongo_url) as client:
        stored = client[env["MONGODB_DB"]].users.find_one({"email": "root@example.com"})
    assert stored["role"] == "admin" and PASSWORD not in str(stored)
    with running_server(env, tmp_path / "data") as (url, _):
        login = httpx.post(url + "/auth/login", json={"email": "root@example.com", "password": PASSWORD})
        headers = {"Authorization": f"Bearer {login.json()['data']['access_token']}"}
        assert httpx.get(url + "/admin/users", headers=headers).status_code == 200
        httpx.post(url + "/auth/forgot-password", json={"email": "root@example.com"})
    outbox = _run(["outbox", "--to", "root@example.com"], env)
    assert outbox.returncode == 0 and "Reset your CandidateX password" in outbox.stdout and "token=" in outbox.stdout


def test_multi_worker_serve_needs_external_services() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("MONGODB_URL", "REDIS_URL")}
    result = subprocess.run([CANDIDATEX, "serve", "--workers", "2"], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "MONGODB_URL and REDIS_URL" in result.stderr
