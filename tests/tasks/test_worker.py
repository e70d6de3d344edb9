"""`candidatex worker` against real Redis and MongoDB: a `candidatex serve` process enqueues resume parsing,
and only the worker process runs it."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid
from pathlib import Path

import httpx

from tests.conftest import PASSWORD
from tests.resumes.conftest import RESUME_LINES, make_pdf
from tests.servers import CANDIDATEX, running_server


def _resume(url: str, headers: dict[str, str], rid: str) -> dict:
    return httpx.get(f"{url}/resume/{rid}", headers=headers).json()["data"]


def test_worker_processes_the_redis_queue(mongo_url: str, redis_url: str, tmp_path: Path) -> None:
    env = {"MONGODB_URL": mongo_url, "MONGODB_DB": f"worker_{uuid.uuid4().hex[:8]}", "REDIS_URL": redis_url,
           "SECRET_KEY": "worker-test-secret-key-0123456789abcdefghij", "SEED_DEMO": "false",
           "RATE_LIMIT_PER_MINUTE": "100000", "RATE_LIMIT_USER_PER_MINUTE": "100000"}
    with running_server(env, tmp_path / "app") as (url, _):
        registered = httpx.post(url + "/auth/register", json={"email": f"w-{uuid.uuid4().hex[:6]}@example.com",
                                                               "password": PASSWORD, "full_name": "W",
                                                               "role": "candidate"})
        headers = {"Authorization": f"Bearer {registered.json()['data']['access_token']}"}
        uploaded = httpx.post(url + "/resume/upload", headers=headers,
                              files={"data": ("cv.pdf", make_pdf(RESUME_LINES), "application/pdf")})
        assert uploaded.status_code == 201, uploaded.text
        rid = uploaded.json()["data"]["id"]
        time.sleep(1.0)
        assert _resume(url, headers, rid)["status"] == "pending"  # with Redis, the app itself runs no tasks

        log = open(tmp_path / "worker.log", "w")  # noqa: SIM115
        worker = subprocess.Popen([CANDIDATEX, "worker"], env={**os.environ, **env, "CANDIDATEX_DATA_DIR":
                                  str(tmp_path / "worker")}, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 60
            while (data := _resume(url, headers, rid))["status"] == "pending":
                assert worker.poll() is None, (tmp_path / "worker.log").read_text()
                assert time.monotonic() < deadline, "the worker never processed the resume"
                time.sleep(0.2)
            assert data["status"] == "processed" and "Kubernetes" in data["skills"]
        finally:
            worker.send_signal(signal.SIGTERM)
            code = worker.wait(timeout=30)
            log.close()
        assert code == 0, (tmp_path / "worker.log").read_text()
        assert "worker stopped" in (tmp_path / "worker.log").read_text()


def test_worker_needs_redis(mongo_url: str, tmp_path: Path) -> None:
    env = {**os.environ, "MONGODB_URL": mongo_url, "SECRET_KEY": "worker-test-secret-key-0123456789abcdefghij",
           "CANDIDATEX_DATA_DIR": str(tmp_path)}
    env.pop("REDIS_URL", None)
    result = subprocess.run([CANDIDATEX, "worker"], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "REDIS_URL" in result.stderr
