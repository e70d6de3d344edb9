"""An access token's signature is verified once per process, not on every request; what can change is still
checked every time: expiry, logout and revocation, and a token altered by one character is refused."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from litestar.exceptions import NotAuthorizedException
from litestar.stores.memory import MemoryStore
from litestar.testing import AsyncTestClient

from candidatex.auth.keys import SigningKeys, generate_private_pem
from candidatex.auth.tokens import ACCESS_AUDIENCE, TokenService
from tests.conftest import register


@pytest.fixture
def verifications(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Counts RSA signature checks (the costly part of reading a token)."""
    from jwt.algorithms import RSAAlgorithm

    counted: list[int] = []
    verify = RSAAlgorithm.verify

    def counting(self: RSAAlgorithm, *args: Any) -> bool:
        counted.append(1)
        return verify(self, *args)

    monkeypatch.setattr(RSAAlgorithm, "verify", counting)
    yield counted


async def test_repeated_requests_verify_the_signature_once(client: AsyncTestClient, verifications: list[int]) -> None:
    account = await register(client)
    verifications.clear()
    codes = [(await client.get("/users/me", headers=account.headers)).status_code for _ in range(4)]
    assert codes == [200] * 4
    assert len(verifications) == 1


async def test_a_cached_token_is_still_refused_when_altered_or_logged_out(client: AsyncTestClient) -> None:
    account = await register(client)
    assert (await client.get("/users/me", headers=account.headers)).status_code == 200
    token = account.headers["Authorization"].partition(" ")[2]
    head, payload, signature = token.split(".")
    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
    for altered in (f"{head}.{payload}.{flipped}", f"{head}.{payload[:-1]}.{signature}", token + "x"):
        response = await client.get("/users/me", headers={"Authorization": f"Bearer {altered}"})
        assert response.status_code == 401, altered
    assert (await client.post("/auth/logout", json={}, headers=account.headers)).status_code == 200
    assert (await client.get("/users/me", headers=account.headers)).status_code == 401


def test_a_cached_token_expires_on_time() -> None:
    tokens = TokenService(SigningKeys.from_private_pem(generate_private_pem()), 15, 1, MemoryStore())
    encoded = tokens._sign({"sub": "a" * 24, "aud": ACCESS_AUDIENCE, "exp": int(time.time()) + 2,
                            "extras": {"sid": "b" * 24}})
    first = tokens.decode(encoded, ACCESS_AUDIENCE)
    first.extras["sid"] = "changed by a caller"
    assert tokens.decode(encoded, ACCESS_AUDIENCE).extras["sid"] == "b" * 24  # the cache is not the caller's
    with pytest.raises(NotAuthorizedException):
        tokens.decode(encoded, "candidatex:2fa")  # verified for one audience is not verified for another
    time.sleep(max(0.0, first.exp.timestamp() - time.time()) + 0.05)
    with pytest.raises(NotAuthorizedException):
        tokens.decode(encoded, ACCESS_AUDIENCE)
