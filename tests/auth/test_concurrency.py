"""No lost updates on accounts: 20+ requests at once against the real app, counters and single use checked.

Requests come through a trusted proxy (TRUSTED_PROXIES) from many client addresses, as a distributed attack
would: the per-address backoff then stays out of the way and the account-wide rules are what is tested.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pyotp
import pytest
import pytest_asyncio
from bson import ObjectId
from litestar.testing import AsyncTestClient
from pymongo import MongoClient

from tests.auth.apps import app_client, new_db_name
from tests.conftest import PASSWORD, Account, register

ATTEMPTS = 24
WRONG = "Wrong-Passw0rd!"


def via(address: str, headers: dict[str, str] | None = None) -> dict[str, str]:
    return {"X-Forwarded-For": address, **(headers or {})}


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def proxied(client: AsyncTestClient, mongo_url: str,
                  tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[tuple[AsyncTestClient, object]]:
    name = new_db_name()
    async with app_client(client, mongo_url, tmp_path_factory.mktemp("proxied"), MONGODB_DB=name,
                          TRUSTED_PROXIES="testclient", LOGIN_ACCOUNT_MAX_ATTEMPTS=str(ATTEMPTS + 1)) as (proxied_client, _):
        with MongoClient(mongo_url, tz_aware=True) as sync:
            yield proxied_client, sync[name]


async def login(client: AsyncTestClient, email: str, password: str, address: str) -> int:
    response = await client.post("/auth/login", json={"email": email, "password": password}, headers=via(address))
    return response.status_code


async def test_parallel_wrong_passwords_all_count_and_the_right_one_stays_out_during_lockout(proxied) -> None:  # noqa: ANN001
    client, db = proxied
    account = await register(client)
    codes = await asyncio.gather(*(login(client, account.email, WRONG, f"10.1.0.{i}") for i in range(ATTEMPTS)))
    assert codes == [401] * ATTEMPTS
    stored = db.users.find_one({"_id": ObjectId(account.id)})
    assert stored["failed_login_attempts"] == ATTEMPTS  # every attempt counted, none lost
    assert stored["locked_until"] is None
    assert await login(client, account.email, WRONG, "10.1.1.1") == 401  # the attempt that reaches the threshold
    assert db.users.find_one({"_id": ObjectId(account.id)})["locked_until"] is not None

    # during the lockout the right password, sent among wrong ones from fresh addresses, does not get in
    mixed = [login(client, account.email, WRONG, f"10.2.0.{i}") for i in range(ATTEMPTS - 1)]
    mixed.insert(ATTEMPTS // 2, login(client, account.email, PASSWORD, "10.2.1.1"))
    codes = await asyncio.gather(*mixed)
    assert 200 not in codes and codes[ATTEMPTS // 2] == 429
    # exactly one request saw the count reach the threshold: the owner got one unlock email
    assert db.outbox.count_documents({"to": account.email, "subject": {"$regex": "Unlock"}}) == 1

    import re

    body = db.outbox.find_one({"to": account.email, "subject": {"$regex": "Unlock"}})["body"]
    token = re.search(r"token=([A-Za-z0-9_\-]+)", body).group(1)
    assert (await client.post("/auth/unlock", json={"token": token})).status_code == 200
    assert await login(client, account.email, PASSWORD, "10.3.0.1") == 200
    assert (await client.post("/auth/unlock", json={"token": token})).status_code == 422  # the link works once


async def _two_factor_account(client: AsyncTestClient) -> tuple[Account, pyotp.TOTP, list[str]]:
    account = await register(client)
    secret = (await client.post("/users/me/2fa/setup", headers=account.headers)).json()["data"]["secret"]
    totp = pyotp.TOTP(secret)
    enabled = await client.post("/users/me/2fa/enable", json={"code": totp.now()}, headers=account.headers)
    assert enabled.status_code == 200
    return account, totp, enabled.json()["data"]["backup_codes"]


async def _challenges(client: AsyncTestClient, account: Account, count: int) -> list[str]:
    responses = await asyncio.gather(*(client.post("/auth/login", json={"email": account.email, "password": PASSWORD},
                                                   headers=via(f"10.4.0.{i}")) for i in range(count)))
    return [r.json()["data"]["challenge_token"] for r in responses]


async def test_a_backup_code_works_once_under_20_parallel_uses(proxied) -> None:  # noqa: ANN001
    client, db = proxied
    account, _, backup_codes = await _two_factor_account(client)
    challenges = await _challenges(client, account, 20)
    responses = await asyncio.gather(*(client.post("/auth/login/2fa", json={"challenge_token": c, "code": backup_codes[3]},
                                                   headers=via(f"10.5.0.{i}")) for i, c in enumerate(challenges)))
    assert [r.status_code for r in responses].count(200) == 1
    assert len(db.users.find_one({"_id": ObjectId(account.id)})["backup_code_hashes"]) == len(backup_codes) - 1


async def test_a_totp_code_works_once_under_20_parallel_uses(proxied) -> None:  # noqa: ANN001
    client, _ = proxied
    account, totp, _ = await _two_factor_account(client)
    challenges = await _challenges(client, account, 20)
    code = totp.at(time.time() + 30)  # the next step: the enabling code's step is spent
    responses = await asyncio.gather(*(client.post("/auth/login/2fa", json={"challenge_token": c, "code": code},
                                                   headers=via(f"10.6.0.{i}")) for i, c in enumerate(challenges)))
    assert [r.status_code for r in responses].count(200) == 1


async def test_one_challenge_token_signs_in_once_with_many_backup_codes(proxied) -> None:  # noqa: ANN001
    client, _ = proxied
    account, _, backup_codes = await _two_factor_account(client)
    [challenge] = await _challenges(client, account, 1)
    responses = await asyncio.gather(*(client.post("/auth/login/2fa", json={"challenge_token": challenge, "code": code},
                                                   headers=via(f"10.7.0.{i}")) for i, code in enumerate(backup_codes)))
    assert [r.status_code for r in responses].count(200) == 1


async def test_a_refresh_token_rotates_once_under_20_parallel_uses(proxied) -> None:  # noqa: ANN001
    client, db = proxied
    account = await register(client)
    responses = await asyncio.gather(*(client.post("/auth/refresh", json={"refresh_token": account.refresh_token})
                                       for _ in range(20)))
    assert [r.status_code for r in responses].count(200) == 1
    # the 19 late copies are a reused token: the session is ended, as for a stolen one
    family_id = account.refresh_token.split(".")[0]
    assert db.refresh_token_families.find_one({"_id": ObjectId(family_id)})["revoked"] is True


async def test_parallel_profile_and_admin_writes_keep_every_field(proxied) -> None:  # noqa: ANN001
    client, db = proxied
    account = await register(client)
    db.users.update_one({"_id": ObjectId(account.id)}, {"$set": {"failed_login_attempts": 0}})
    writes = [client.put("/users/me", json={field: f"value {i}"}, headers=account.headers)
              for i, field in enumerate(["headline", "location", "full_name"] * 7)]
    writes += [login(client, account.email, WRONG, f"10.8.0.{i}") for i in range(3)]
    await asyncio.gather(*writes)
    stored = db.users.find_one({"_id": ObjectId(account.id)})
    assert stored["headline"].startswith("value") and stored["location"].startswith("value")
    assert stored["full_name"].startswith("value") and stored["failed_login_attempts"] == 3
