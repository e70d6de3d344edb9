"""Sensitive fields encrypted at rest, a full export for the user, and an erasure that really erases."""

from __future__ import annotations

import base64
import os

import pytest
from bson import ObjectId
from litestar.testing import AsyncTestClient
from pymongo.database import Database

from candidatex.core import crypto
from tests.conftest import PASSWORD, Account, register
from tests.interviews.test_sessions_api import STRONG_ANSWER, started

PHONE = "+44 20 7946 0958"


async def test_phone_is_encrypted_at_rest_and_readable_through_the_api(client: AsyncTestClient, candidate: Account,
                                                                      db: Database) -> None:
    saved = await client.put("/users/me", json={"phone": PHONE}, headers=candidate.headers)
    assert saved.status_code == 200 and saved.json()["data"]["phone"] == PHONE
    raw = db.users.find_one({"_id": ObjectId(candidate.id)})
    assert raw["phone"].startswith(crypto.PREFIX) and PHONE not in str(raw) and "7946" not in str(raw)
    again = db.users.find_one({"_id": ObjectId(candidate.id)})
    assert (await client.get("/users/me", headers=candidate.headers)).json()["data"]["phone"] == PHONE
    # a profile change writes only the fields sent: the sealed phone is left exactly as stored
    await client.put("/users/me", json={"headline": "Engineer"}, headers=candidate.headers)
    resealed = db.users.find_one({"_id": ObjectId(candidate.id)})["phone"]
    assert resealed == again["phone"] and crypto.cipher().decrypt(resealed) == PHONE
    # a new value is sealed with a fresh nonce; the ciphertext is authenticated
    await client.put("/users/me", json={"phone": PHONE}, headers=candidate.headers)
    assert db.users.find_one({"_id": ObjectId(candidate.id)})["phone"] != again["phone"]
    tampered = resealed[:-4] + ("AAAA" if not resealed.endswith("AAAA") else "BBBB")
    with pytest.raises(ValueError):
        crypto.cipher().decrypt(tampered)


def test_key_from_setting_or_derived_from_secret() -> None:
    key = base64.b64encode(os.urandom(32)).decode()
    explicit = crypto.FieldCipher(crypto.parse_key(key))
    derived = crypto.FieldCipher(crypto.derive_key("x" * 40))
    sealed = explicit.encrypt("secret value")
    assert explicit.decrypt(sealed) == "secret value"
    with pytest.raises(ValueError):
        derived.decrypt(sealed)  # another key cannot read it
    for bad in ("not base64!", base64.b64encode(b"short").decode()):
        with pytest.raises(ValueError):
            crypto.parse_key(bad)


async def _interview_with_answer(client: AsyncTestClient, account: Account) -> str:
    data = await started(client, account, resume_text="Jane Doe, 10 years of Python at Acme")
    sid = data["session"]["session_id"]
    question = (await client.get(f"/interview/sessions/{sid}/next-question", headers=account.headers)).json()["data"]
    answer = await client.post(f"/interview/sessions/{sid}/answer", headers=account.headers,
                               json={"question_id": question["question"]["id"], "content": STRONG_ANSWER})
    assert answer.status_code == 200
    return sid


async def test_export_holds_everything_about_the_user_and_no_secrets(client: AsyncTestClient, candidate: Account,
                                                                      db: Database) -> None:
    await client.put("/users/me", json={"phone": PHONE}, headers=candidate.headers)
    sid = await _interview_with_answer(client, candidate)
    response = await client.get("/users/me/export", headers=candidate.headers)
    assert response.status_code == 200
    assert response.headers["content-disposition"].startswith("attachment;")
    export = response.json()["data"]
    assert export["profile"]["email"] == candidate.email and export["profile"]["phone"] == PHONE
    session = next(s for s in export["interview_sessions"] if s["id"] == sid)
    assert session["answers"][0]["content"] == STRONG_ANSWER and session["answers"][0]["evaluation"]
    assert session["resume_text"].startswith("Jane Doe") and "anti_cheat_key" not in session
    assert any(e["session_id"] == sid and e["type"] == "feedback" for e in export["interview_events"])
    assert any(a["action"] == "user.update" for a in export["audit_logs"])
    assert export["refresh_token_families"] and "current_hash" not in export["refresh_token_families"][0]
    text = response.text
    raw_user = db.users.find_one({"_id": ObjectId(candidate.id)})
    assert raw_user["password_hash"] not in text and "password_hash" not in text


async def test_export_is_only_ever_your_own(client: AsyncTestClient, candidate: Account) -> None:
    other = await register(client, "candidate")
    sid = await _interview_with_answer(client, other)
    export = (await client.get("/users/me/export", headers=candidate.headers)).json()["data"]
    assert sid not in str(export) and other.email not in str(export)
    assert (await client.get("/users/me/export")).status_code == 401


async def test_demographics_are_encrypted_at_rest_exported_and_erased(client: AsyncTestClient, db: Database) -> None:
    account = await register(client, "candidate")
    saved = await client.put("/users/me/demographics", json={"gender": "Female", "age_band": "25_34"},
                             headers=account.headers)
    assert saved.status_code == 200, saved.text
    raw = db.demographics.find_one({"user_id": account.id})
    assert raw["gender"].startswith(crypto.PREFIX) and "female" not in str(raw).lower() and "25_34" not in str(raw)
    read = (await client.get("/users/me/demographics", headers=account.headers)).json()["data"]
    assert read["gender"] == "female" and read["age_band"] == "25_34"  # stored normalised
    export = (await client.get("/users/me/export", headers=account.headers)).json()["data"]
    assert export["demographics"][0]["gender"] == "female"
    await client.request("DELETE", "/users/me", json={"password": PASSWORD}, headers=account.headers)
    assert db.demographics.count_documents({"user_id": account.id}) == 0


async def test_erasure_removes_answers_resume_text_events_and_mail(client: AsyncTestClient, db: Database) -> None:
    account = await register(client, "candidate")
    await client.put("/users/me", json={"phone": PHONE}, headers=account.headers)
    practice = await _interview_with_answer(client, account)
    recruiter = await register(client, "recruiter")
    live = (await client.post("/interview/sessions", headers=recruiter.headers, json={
        "type": "live", "job_title": "Dev", "candidate_id": account.id, "resume_text": "Jane Doe CV"})).json()["data"]
    await client.post("/auth/forgot-password", json={"email": account.email})
    assert db.outbox.count_documents({"to": account.email}) >= 1

    wrong = await client.request("DELETE", "/users/me", json={"password": "wrong-password"}, headers=account.headers)
    assert wrong.status_code == 401 and db.interview_sessions.count_documents({"_id": ObjectId(practice)}) == 1
    erased = await client.request("DELETE", "/users/me", json={"password": PASSWORD}, headers=account.headers)
    assert erased.status_code == 200

    user = db.users.find_one({"_id": ObjectId(account.id)})
    assert user["status"] == "deleted" and user["email"] != account.email and user.get("phone") is None
    assert db.interview_sessions.count_documents({"_id": ObjectId(practice)}) == 0
    assert db.interview_events.count_documents({"session_id": {"$in": [practice, live["session_id"]]}}) == 0
    kept = db.interview_sessions.find_one({"_id": ObjectId(live["session_id"])})
    assert kept["answers"] == [] and kept["resume_text"] is None and kept["result"] is None
    assert db.outbox.count_documents({"to": account.email}) == 0
    assert db.refresh_token_families.count_documents({"user_id": account.id}) == 0
    assert db.action_tokens.count_documents({"user_id": account.id}) == 0
    leftovers = [d for d in db.audit_logs.find({"$or": [{"actor_id": account.id}, {"target_id": account.id}]})]
    assert leftovers and all(d.get("actor_email") is None and d.get("ip") is None for d in leftovers)
    assert (await client.get("/users/me", headers=account.headers)).status_code == 401
    login = await client.post("/auth/login", json={"email": account.email, "password": PASSWORD})
    assert login.status_code == 401


async def test_retention_is_applied_by_ttl_indexes(client: AsyncTestClient, candidate: Account, db: Database,
                                                   settings) -> None:  # noqa: ANN001 - the session Settings
    await client.put("/users/me", json={"headline": "ttl"}, headers=candidate.headers)
    for collection in ("audit_logs", "refresh_token_families", "action_tokens"):
        ttl = [i for i in db[collection].list_indexes() if "expireAfterSeconds" in i]
        assert ttl and list(ttl[0]["key"]) == ["expires_at"] and ttl[0]["expireAfterSeconds"] == 0, collection
    entry = db.audit_logs.find_one({"actor_id": candidate.id, "action": "user.update"})
    assert round((entry["expires_at"] - entry["created_at"]).total_seconds() / 86400) == settings.audit_retention_days
