"""Registration, login, tokens, refresh rotation and reuse, logout, lockout, reset and verification."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import re

import jwt
from litestar.testing import AsyncTestClient
from pymongo.database import Database

from candidatex.config import Settings
from tests.conftest import PASSWORD, TEST_SECRET, Account, register


async def test_register_returns_user_and_tokens_in_envelope(client: AsyncTestClient) -> None:
    response = await client.post("/auth/register", json={"email": "New.Person@Example.com", "password": PASSWORD,
                                                          "full_name": "New Person", "role": "recruiter"})
    assert response.status_code == 201
    body = response.json()
    assert body["success"] is True and body["timestamp"]
    user = body["data"]["user"]
    assert user["email"] == "new.person@example.com" and user["role"] == "recruiter"
    assert "password_hash" not in response.text and PASSWORD not in response.text
    me = await client.get("/users/me", headers={"Authorization": f"Bearer {body['data']['access_token']}"})
    assert me.json()["data"]["email"] == "new.person@example.com"


async def test_registering_a_taken_email_answers_like_a_new_one_and_mails_the_owner(
        client: AsyncTestClient, candidate: Account, db: Database) -> None:
    fresh = await client.post("/auth/register", json={"email": f"fresh-{candidate.email}", "password": PASSWORD,
                                                       "full_name": "Dup", "role": "candidate"})
    taken = await client.post("/auth/register", json={"email": candidate.email.upper(), "password": PASSWORD,
                                                       "full_name": "Dup", "role": "candidate"})
    assert taken.status_code == fresh.status_code == 201
    assert taken.json()["message"] == fresh.json()["message"]
    assert set(taken.json()["data"]) == set(fresh.json()["data"])
    assert set(taken.json()["data"]["user"]) == set(fresh.json()["data"]["user"])
    assert taken.json()["data"]["user"]["id"] != candidate.id  # nothing of the real account comes back
    notice = db.outbox.find_one({"to": candidate.email, "subject": {"$regex": "tried to register"}})
    assert notice is not None
    # the stand-in tokens open nothing, and the owner's password still works
    decoy = taken.json()["data"]
    assert (await client.get("/users/me", headers={"Authorization": f"Bearer {decoy['access_token']}"})).status_code == 401
    assert (await client.post("/auth/refresh", json={"refresh_token": decoy["refresh_token"]})).status_code == 401
    assert db.users.count_documents({"email": candidate.email}) == 1
    assert (await client.post("/auth/login", json={"email": candidate.email, "password": PASSWORD})).status_code == 200


async def test_admin_role_cannot_be_self_registered(client: AsyncTestClient) -> None:
    response = await client.post("/auth/register", json={"email": "boss@example.com", "password": PASSWORD,
                                                          "full_name": "Boss", "role": "admin"})
    assert response.status_code == 422
    assert response.json()["success"] is False


async def test_weak_password_is_refused_with_field_details(client: AsyncTestClient) -> None:
    response = await client.post("/auth/register", json={"email": "weak@example.com", "password": "short",
                                                          "full_name": "Weak", "role": "candidate"})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "WEAK_PASSWORD"
    messages = " ".join(d["message"] for d in error["details"])
    assert "at least 10 characters" in messages and "uppercase" in messages


async def test_validation_errors_name_the_fields(client: AsyncTestClient) -> None:
    response = await client.post("/auth/register", json={"email": "not-an-email", "password": PASSWORD})
    assert response.status_code == 422
    fields = {d["field"] for d in response.json()["error"]["details"]}
    assert "email" in " ".join(fields) and "full_name" in " ".join(fields)


async def test_login_json_and_oauth2_form(client: AsyncTestClient, candidate: Account) -> None:
    as_json = await client.post("/auth/login", json={"email": candidate.email, "password": PASSWORD})
    assert as_json.status_code == 200 and as_json.json()["data"]["token_type"] == "bearer"
    as_form = await client.post("/auth/login", data={"username": candidate.email, "password": PASSWORD})
    assert as_form.status_code == 200 and as_form.json()["data"]["access_token"]


async def test_wrong_password_and_unknown_email_look_the_same(client: AsyncTestClient, candidate: Account) -> None:
    wrong = await client.post("/auth/login", json={"email": candidate.email, "password": "Wrong-Passw0rd!"})
    unknown = await client.post("/auth/login", json={"email": "nobody-here@example.com", "password": PASSWORD})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["error"] == unknown.json()["error"]


async def test_nosql_operator_payloads_are_rejected(client: AsyncTestClient, candidate: Account) -> None:
    for payload in ({"email": candidate.email, "password": {"$ne": None}},
                    {"email": {"$ne": None}, "password": PASSWORD},
                    {"email": candidate.email, "password": {"$gt": ""}}):
        response = await client.post("/auth/login", json=payload)
        assert response.status_code == 422, payload
        assert "access_token" not in response.text


def _claims(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def _private_key(settings: Settings) -> str:
    return (settings.data_dir / "jwt_private_key.pem").read_text()


async def test_access_token_is_short_lived_and_bound_to_session(client: AsyncTestClient, candidate: Account) -> None:
    header = jwt.get_unverified_header(candidate.access_token)
    assert header["alg"] == "RS256" and header["kid"]
    claims = _claims(candidate.access_token)
    assert 0 < claims["exp"] - claims["iat"] <= 15 * 60
    assert claims["iss"] == "candidatex-api" and claims["email"] == candidate.email and claims["role"] == "candidate"
    assert claims["extras"]["role"] == "candidate" and claims["extras"]["sid"]


async def test_a_token_verifies_with_only_the_published_jwks(client: AsyncTestClient, candidate: Account) -> None:
    response = await client.get("/.well-known/jwks.json")
    assert response.status_code == 200
    keys = response.json()["keys"]
    assert keys and all("d" not in k and "p" not in k for k in keys)  # public halves only
    kid = jwt.get_unverified_header(candidate.access_token)["kid"]
    jwk = next(k for k in keys if k["kid"] == kid)
    public_key = jwt.PyJWK(jwk).key
    claims = jwt.decode(candidate.access_token, public_key, algorithms=["RS256"], audience="candidatex:access",
                        issuer="candidatex-api")
    assert claims["sub"] == candidate.id


def _public_pem(settings: Settings) -> bytes:
    from cryptography.hazmat.primitives import serialization

    key = serialization.load_pem_private_key(_private_key(settings).encode(), password=None)
    return key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def _hs256_signed_with(payload: dict, secret: bytes) -> str:
    enc = lambda part: base64.urlsafe_b64encode(part).rstrip(b"=").decode()  # noqa: E731
    signing_input = enc(json.dumps({"alg": "HS256", "typ": "JWT"}).encode()) + "." + enc(json.dumps(payload).encode())
    return signing_input + "." + enc(hmac.new(secret, signing_input.encode(), hashlib.sha256).digest())


def _forge(payload: dict, header: dict) -> str:
    enc = lambda part: base64.urlsafe_b64encode(json.dumps(part).encode()).rstrip(b"=").decode()  # noqa: E731
    return f"{enc(header)}.{enc(payload)}."


async def test_tampered_expired_and_alg_none_tokens_are_401(client: AsyncTestClient, candidate: Account,
                                                             settings: Settings) -> None:
    claims = _claims(candidate.access_token)
    header, payload, signature = candidate.access_token.split(".")
    tampered_claims = {**claims, "extras": {**claims["extras"], "role": "admin"}}
    tampered = ".".join([header, base64.urlsafe_b64encode(json.dumps(tampered_claims).encode()).rstrip(b"=").decode(),
                         signature])
    expired = jwt.encode({**claims, "exp": claims["iat"] - 10}, _private_key(settings), algorithm="RS256")
    wrong_issuer = jwt.encode({**claims, "iss": "someone-else"}, _private_key(settings), algorithm="RS256")
    alg_none = _forge(claims, {"alg": "none", "typ": "JWT"})
    old_hs256 = jwt.encode(claims, TEST_SECRET, algorithm="HS256")  # tokens of the old scheme are refused
    confused = _hs256_signed_with(claims, _public_pem(settings))  # RS/HS key confusion
    for token in (tampered, expired, wrong_issuer, alg_none, old_hs256, confused, "garbage"):
        response = await client.get("/users/me", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401, token
        assert response.json()["success"] is False
    assert (await client.get("/users/me")).status_code == 401


async def test_refresh_rotates_and_reuse_revokes_the_family(client: AsyncTestClient, candidate: Account) -> None:
    first = await client.post("/auth/refresh", json={"refresh_token": candidate.refresh_token})
    assert first.status_code == 200
    rotated = first.json()["data"]
    assert rotated["refresh_token"] != candidate.refresh_token
    # the old token comes back (stolen copy): the whole session ends
    reuse = await client.post("/auth/refresh", json={"refresh_token": candidate.refresh_token})
    assert reuse.status_code == 401 and reuse.json()["error"]["code"] == "REFRESH_TOKEN_REUSED"
    after = await client.post("/auth/refresh", json={"refresh_token": rotated["refresh_token"]})
    assert after.status_code == 401
    me = await client.get("/users/me", headers={"Authorization": f"Bearer {rotated['access_token']}"})
    assert me.status_code == 401


async def test_refresh_accepts_the_token_as_a_bearer_header(client: AsyncTestClient, candidate: Account) -> None:
    response = await client.post("/auth/refresh", headers={"Authorization": f"Bearer {candidate.refresh_token}"})
    assert response.status_code == 200
    rotated = response.json()["data"]
    assert (await client.get("/users/me", headers={"Authorization": f"Bearer {rotated['access_token']}"})).status_code == 200
    missing = await client.post("/auth/refresh")
    assert missing.status_code == 422 and missing.json()["error"]["details"][0]["field"] == "refresh_token"


async def test_logout_revokes_access_and_refresh(client: AsyncTestClient, candidate: Account) -> None:
    response = await client.post("/auth/logout", json={"refresh_token": candidate.refresh_token},
                                 headers=candidate.headers)
    assert response.status_code == 200
    assert (await client.get("/users/me", headers=candidate.headers)).status_code == 401
    assert (await client.post("/auth/refresh", json={"refresh_token": candidate.refresh_token})).status_code == 401


async def test_lockout_after_repeated_failures(client: AsyncTestClient) -> None:
    account = await register(client)
    for _ in range(5):
        response = await client.post("/auth/login", json={"email": account.email, "password": "Wrong-Passw0rd!"})
        assert response.status_code == 401
    locked = await client.post("/auth/login", json={"email": account.email, "password": PASSWORD})
    assert locked.status_code == 429
    assert locked.json()["error"]["code"] == "ACCOUNT_LOCKED"
    assert int(locked.headers["Retry-After"]) > 0


async def outbox_link(db: Database, to: str, kind: str) -> str:
    """The token of the newest such email; forgot-password mails after answering, so wait for it (bounded)."""
    for _ in range(100):
        email = db.outbox.find_one({"to": to, "subject": {"$regex": kind}}, sort=[("created_at", -1)])
        if email is not None:
            break
        await asyncio.sleep(0.05)
    assert email is not None, f"no {kind} email for {to}"
    match = re.search(r"token=([A-Za-z0-9_\-]+)", email["body"])
    assert match
    return match.group(1)


async def test_password_reset_is_single_use_and_ends_sessions(client: AsyncTestClient, db: Database) -> None:
    account = await register(client)
    unknown = await client.post("/auth/forgot-password", json={"email": "ghost@example.com"})
    known = await client.post("/auth/forgot-password", json={"email": account.email})
    assert unknown.status_code == known.status_code == 200
    assert unknown.json()["message"] == known.json()["message"]
    token = await outbox_link(db, account.email, "Reset")
    weak = await client.post("/auth/reset-password", json={"token": token, "new_password": "weak"})
    assert weak.status_code == 422
    new_password = "Brand-New-Passw0rd!"
    done = await client.post("/auth/reset-password", json={"token": token, "new_password": new_password})
    assert done.status_code == 200
    again = await client.post("/auth/reset-password", json={"token": token, "new_password": "Another-Passw0rd!"})
    assert again.status_code == 422 and again.json()["error"]["code"] == "INVALID_TOKEN"
    assert (await client.get("/users/me", headers=account.headers)).status_code == 401
    assert (await client.post("/auth/login", json={"email": account.email, "password": new_password})).status_code == 200
    assert (await client.post("/auth/login", json={"email": account.email, "password": PASSWORD})).status_code == 401


async def test_email_verification(client: AsyncTestClient, db: Database) -> None:
    account = await register(client)
    assert (await client.get("/users/me", headers=account.headers)).json()["data"]["email_verified"] is False
    token = await outbox_link(db, account.email, "Confirm")
    response = await client.post("/auth/verify-email", json={"token": token})
    assert response.status_code == 200 and response.json()["data"]["email_verified"] is True
    assert (await client.post("/auth/verify-email", json={"token": token})).status_code == 422


async def test_secrets_never_reach_the_log(client: AsyncTestClient, db: Database, caplog) -> None:  # noqa: ANN001
    caplog.set_level("DEBUG")
    account = await register(client, password="Secret-Passw0rd-XYZ!")
    await client.post("/auth/forgot-password", json={"email": account.email})
    token = await outbox_link(db, account.email, "Reset")
    logged = "\n".join(r.getMessage() + str(r.__dict__) for r in caplog.records)
    assert "Secret-Passw0rd-XYZ!" not in logged
    assert token not in logged and account.refresh_token not in logged
