"""Shared fixtures: one real SecantusDB server per test session (or TEST_MONGODB_URL), the app on it."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from bson import ObjectId
from litestar import Litestar
from litestar.testing import AsyncTestClient
from pymongo import MongoClient
from pymongo.database import Database

from candidatex.app import create_app
from candidatex.config import Settings
from candidatex.db.embedded import EmbeddedMongo

TEST_SECRET = "test-secret-key-that-is-long-enough-0123456789"
PASSWORD = "Str0ng-Passw0rd!"


@pytest.fixture(scope="session")
def mongo_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if os.environ.get("TEST_MONGODB_URL"):
        yield os.environ["TEST_MONGODB_URL"]
        return
    # no fsync per commit: the suite needs no crash durability (tests/faults/test_db_recovery.py checks it)
    server = EmbeddedMongo(tmp_path_factory.mktemp("secantus") / "db", sync_on_commit=False)
    server.start()
    yield server.url
    server.stop()


def make_settings(mongo_url: str, data_dir: Path, **overrides: str) -> Settings:
    env = {
        "SECRET_KEY": TEST_SECRET,
        "CANDIDATEX_DATA_DIR": str(data_dir),
        "MONGODB_URL": mongo_url,
        "MONGODB_DB": f"test_{uuid.uuid4().hex[:10]}",
        "RATE_LIMIT_PER_MINUTE": "100000",
        "RATE_LIMIT_USER_PER_MINUTE": "100000",
        "RATE_LIMITS": "off",  # per-endpoint budgets are tested in tests/auth/test_limits.py
        "SEED_DEMO": "false",
        "LOG_JSON": "true",
        "APP_ENV": "test",
        "SPEECH_PRELOAD": "false",  # the model loads on first use, once per process
        "WHISPER_MODEL": "tiny.en",  # the floor model the speech tests were written against (production: auto)
        # API tests post prechecks without camera frames; tests/anticheat checks the camera requirement itself
        "ANTI_CHEAT_PRECHECK_CAMERA": "false",
        "ANTI_CHEAT_HEARTBEAT_TIMEOUT_SECONDS": "0",  # test clients publish video without a page's heartbeats
        # API tests post prechecks without agreeing to the notice first; tests/anticheat checks that requirement
        "ANTI_CHEAT_CONSENT_REQUIRED": "false",
    }
    env.update(overrides)
    return Settings.from_env(env)


@pytest.fixture(scope="session")
def settings(mongo_url: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return make_settings(mongo_url, tmp_path_factory.mktemp("data"))


@pytest.fixture(scope="session")
def db(mongo_url: str, settings: Settings) -> Iterator[Database]:
    """A synchronous view of the app's database for assertions (the app's async client lives on its own loop)."""
    with MongoClient(mongo_url, tz_aware=True) as sync_client:
        yield sync_client[settings.mongodb_db]


@pytest.fixture(scope="session")
def app(settings: Settings) -> Litestar:
    return create_app(settings)


@pytest.fixture(scope="session")
async def client(app: Litestar) -> AsyncIterator[AsyncTestClient]:
    async with AsyncTestClient(app, base_url="http://testserver.local") as test_client:
        yield test_client


@dataclass
class Account:
    id: str
    email: str
    password: str
    role: str
    access_token: str
    refresh_token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}


async def register(client: AsyncTestClient, role: str = "candidate", password: str = PASSWORD) -> Account:
    email = f"{role}-{uuid.uuid4().hex[:8]}@example.com"
    response = await client.post("/auth/register", json={"email": email, "password": password,
                                                          "full_name": f"Test {role.title()}", "role": role})
    assert response.status_code == 201, response.text
    data = response.json()["data"]
    return Account(data["user"]["id"], email, password, role, data["access_token"], data["refresh_token"])


async def make_admin(client: AsyncTestClient, db: Database) -> Account:
    """Admins cannot self-register: promote a registered user in the database, as the CLI would create one."""
    account = await register(client, "candidate")
    db.users.update_one({"_id": ObjectId(account.id)}, {"$set": {"role": "admin"}})
    response = await client.post("/auth/login", json={"email": account.email, "password": PASSWORD})
    data = response.json()["data"]
    return Account(account.id, account.email, PASSWORD, "admin", data["access_token"], data["refresh_token"])


@pytest.fixture
async def candidate(client: AsyncTestClient) -> Account:
    return await register(client, "candidate")


@pytest.fixture
async def recruiter(client: AsyncTestClient) -> Account:
    return await register(client, "recruiter")


@pytest.fixture
async def admin(client: AsyncTestClient, db: Database) -> Account:
    return await make_admin(client, db)


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real redis-server on a free loopback port (installed by the test command)."""
    import shutil
    import socket
    import subprocess
    import time

    if os.environ.get("TEST_REDIS_URL"):
        yield os.environ["TEST_REDIS_URL"]
        return
    binary = shutil.which("redis-server")
    if not binary:
        pytest.fail("redis-server is not installed: run the README's test command (make test) which installs it")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    workdir = tmp_path_factory.mktemp("redis")
    process = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                                "--dir", str(workdir)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    process.terminate()
    process.wait(timeout=10)


def live_env(mongo_url: str, **overrides: str) -> dict[str, str]:
    return {"MONGODB_URL": mongo_url, "MONGODB_DB": f"live_{uuid.uuid4().hex[:8]}", "SECRET_KEY": TEST_SECRET,
            "SEED_DEMO": "false", "RATE_LIMIT_PER_MINUTE": "100000", "RATE_LIMIT_USER_PER_MINUTE": "100000",
            "RATE_LIMITS": "off",
            "INTERVIEW_TIMER_SECONDS": "1", "DEADLINE_CHECK_SECONDS": "0.5", "SPEECH_PRELOAD": "false",
            "WHISPER_MODEL": "tiny.en",
            "ANTI_CHEAT_PRECHECK_CAMERA": "false", "ANTI_CHEAT_HEARTBEAT_TIMEOUT_SECONDS": "0",
            "ANTI_CHEAT_CONSENT_REQUIRED": "false", **overrides}


@pytest.fixture(scope="session")
def live_env_vars(mongo_url: str) -> dict[str, str]:
    return live_env(mongo_url)


@pytest.fixture(scope="session")
def live_server(live_env_vars: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real `candidatex serve` process (uvicorn, real sockets) on the test database server."""
    from tests.servers import running_server

    with running_server(live_env_vars, tmp_path_factory.mktemp("live") / "data") as (url, _):
        yield url


@pytest.fixture(scope="session")
def live_db(mongo_url: str, live_env_vars: dict[str, str]) -> Iterator[Database]:
    with MongoClient(mongo_url, tz_aware=True) as sync_client:
        yield sync_client[live_env_vars["MONGODB_DB"]]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Browser tests run last: sync Playwright drives its own event loop in the main thread while it is open."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)
