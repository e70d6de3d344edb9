"""Client addresses from trusted proxies only; backoff that slows an attacker without locking the owner out and
looks the same for unknown emails; reset links that die together; per-endpoint budgets (HTTP and WebSocket)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from litestar.exceptions import WebSocketDisconnect
from litestar.testing import AsyncTestClient
from pymongo import MongoClient
from pymongo.database import Database

from tests.auth.apps import app_client, new_db_name
from tests.auth.test_accounts import outbox_link
from tests.conftest import PASSWORD, register

WRONG = "Wrong-Passw0rd!"
BUDGETS = "login=12/minute,register=8/minute,forgot_password=6/minute,forgot_password_email=2/hour," \
          "answer=2/minute,upload=2/minute,ws_connect=2/minute"


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def proxied(client: AsyncTestClient, mongo_url: str,
                  tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[tuple[AsyncTestClient, Database]]:
    name = new_db_name()
    async with app_client(client, mongo_url, tmp_path_factory.mktemp("limits"), MONGODB_DB=name,
                          TRUSTED_PROXIES="testclient,10.9.0.0/16", RATE_LIMITS=BUDGETS) as (proxied_client, _):
        with MongoClient(mongo_url, tz_aware=True) as sync:
            yield proxied_client, sync[name]


def via(address: str) -> dict[str, str]:
    return {"X-Forwarded-For": address}


def last_login_ip(db: Database, email: str) -> str:
    entry = db.audit_logs.find_one({"action": "auth.login", "actor_email": email}, sort=[("created_at", -1)])
    assert entry is not None
    return entry["ip"]


async def test_forwarded_headers_from_an_untrusted_peer_are_ignored(client: AsyncTestClient, db: Database) -> None:
    email = "spoof-check@example.com"
    await client.post("/auth/login", json={"email": email, "password": WRONG},
                      headers={"X-Forwarded-For": "203.0.113.9", "Forwarded": "for=203.0.113.10"})
    assert last_login_ip(db, email) == "testclient"  # the peer, not what it claims


async def test_forwarded_headers_from_a_trusted_proxy_give_the_client_address(proxied) -> None:  # noqa: ANN001
    client, db = proxied
    # the client wrote its own X-Forwarded-For; only the hop our proxies saw counts
    await client.post("/auth/login", json={"email": "hop@example.com", "password": WRONG},
                      headers=via("198.51.100.7, 203.0.113.5, 10.9.1.1"))
    assert last_login_ip(db, "hop@example.com") == "203.0.113.5"
    await client.post("/auth/login", json={"email": "rfc7239@example.com", "password": WRONG},
                      headers={"Forwarded": 'for="[2001:db8::1]:4711";proto=https'})
    assert last_login_ip(db, "rfc7239@example.com") == "2001:db8::1"


async def _login(client: AsyncTestClient, email: str, password: str, address: str) -> int:
    return (await client.post("/auth/login", json={"email": email, "password": password},
                              headers=via(address))).status_code


async def test_a_stranger_backs_off_but_cannot_lock_the_owner_out(proxied) -> None:  # noqa: ANN001
    client, _ = proxied
    owner = await register(client)
    codes = [await _login(client, owner.email, WRONG, "192.0.2.66") for _ in range(6)]
    assert codes == [401] * 5 + [429]
    assert await _login(client, owner.email, PASSWORD, "192.0.2.66") == 429  # the attacker's address waits
    assert await _login(client, owner.email, PASSWORD, "192.0.2.1") == 200  # the owner elsewhere does not


async def test_unknown_and_known_emails_back_off_alike(proxied) -> None:  # noqa: ANN001
    client, _ = proxied
    known = await register(client)
    for email, address in ((known.email, "192.0.2.70"), ("nobody-at-all@example.com", "192.0.2.71")):
        responses = [await client.post("/auth/login", json={"email": email, "password": WRONG}, headers=via(address))
                     for _ in range(6)]
        assert [r.status_code for r in responses] == [401] * 5 + [429]
        assert responses[-1].json()["error"]["code"] == "ACCOUNT_LOCKED"


async def test_forgot_password_budget_per_email_and_one_reset_ends_every_other_link(proxied) -> None:  # noqa: ANN001
    client, db = proxied
    account = await register(client)
    for _ in range(3):
        response = await client.post("/auth/forgot-password", json={"email": account.email}, headers=via("192.0.2.80"))
        assert response.status_code == 200
    await outbox_link(db, account.email, "Reset")
    await asyncio.sleep(0.3)  # the third request's background work has finished too
    links = [m for m in db.outbox.find({"to": account.email, "subject": {"$regex": "Reset"}})]
    assert len(links) == 2  # the third stayed within the answer, not the mailbox
    first, second = [__import__("re").search(r"token=([A-Za-z0-9_\-]+)", m["body"]).group(1) for m in links]
    done = await client.post("/auth/reset-password", json={"token": second, "new_password": "Brand-New-Passw0rd!"})
    assert done.status_code == 200
    stale = await client.post("/auth/reset-password", json={"token": first, "new_password": "Other-New-Passw0rd!"})
    assert stale.status_code == 422 and stale.json()["error"]["code"] == "INVALID_TOKEN"


async def test_a_password_change_ends_open_reset_links(proxied) -> None:  # noqa: ANN001
    client, db = proxied
    account = await register(client)
    await client.post("/auth/forgot-password", json={"email": account.email}, headers=via("192.0.2.81"))
    link = await outbox_link(db, account.email, "Reset")
    changed = await client.put("/users/me/password", json={"current_password": PASSWORD,
                                                           "new_password": "Changed-Passw0rd!"}, headers=account.headers)
    assert changed.status_code == 200
    late = await client.post("/auth/reset-password", json={"token": link, "new_password": "Other-New-Passw0rd!"})
    assert late.status_code == 422


async def test_each_endpoint_has_its_own_budget(proxied) -> None:  # noqa: ANN001
    client, _ = proxied
    address = via("192.0.2.90")
    logins = [await _login(client, f"budget-{i}@example.com", WRONG, "192.0.2.90") for i in range(13)]
    assert logins[:12] == [401] * 12 and logins[12] == 429
    forgot = [(await client.post("/auth/forgot-password", json={"email": f"f{i}@example.com"}, headers=address)).status_code
              for i in range(7)]
    assert forgot == [200] * 6 + [429]
    registered = [(await client.post("/auth/register", json={"email": f"r{i}-budget@example.com", "password": PASSWORD,
                                                              "full_name": "R"}, headers=address)).status_code
                  for i in range(9)]
    assert registered == [201] * 8 + [429]
    user = await register(client)  # another address: its own budgets
    answers = [(await client.post("/interview/sessions/000000000000000000000000/answer",
                                  json={"question_id": "q", "content": "x"}, headers=user.headers)).status_code
               for _ in range(3)]
    assert 429 not in answers[:2] and answers[2] == 429
    refused = None
    for _ in range(3):
        try:
            with await client.websocket_connect(f"/interview/000000000000000000000000/stream?token={user.access_token}"):
                pass
        except WebSocketDisconnect as closed:
            refused = closed.code
    assert refused == 4429


async def test_a_per_user_budget_is_each_users_own_on_one_address(proxied) -> None:  # noqa: ANN001
    client, _ = proxied
    first, second = await register(client), await register(client)  # the same test client address
    path = "/interview/sessions/000000000000000000000000/answer"
    body = {"question_id": "q", "content": "x"}
    spent = [(await client.post(path, json=body, headers=first.headers)).status_code for _ in range(3)]
    assert spent[2] == 429
    # the other user's budget is untouched; a forged token is counted against the address, and refused anyway
    assert (await client.post(path, json=body, headers=second.headers)).status_code != 429
    forged = {"Authorization": "Bearer " + second.access_token[:-4] + "AAAA"}
    assert (await client.post(path, json=body, headers=forged)).status_code == 401
