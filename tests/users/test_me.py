"""The signed-in user's account: profile, password, TOTP 2FA, sessions, erasure."""

from __future__ import annotations

import time

import pyotp
from litestar.testing import AsyncTestClient
from pymongo.database import Database

from tests.conftest import PASSWORD, Account, register


async def test_update_profile_validates_and_ignores_privileged_fields(client: AsyncTestClient, candidate: Account) -> None:
    ok = await client.put("/users/me", json={"full_name": "Carla Candidate", "phone": "+44 20 7946 0000"},
                          headers=candidate.headers)
    assert ok.status_code == 200 and ok.json()["data"]["full_name"] == "Carla Candidate"
    escalate = await client.put("/users/me", json={"role": "admin"}, headers=candidate.headers)
    assert escalate.status_code == 422
    bad_phone = await client.put("/users/me", json={"phone": "call me maybe"}, headers=candidate.headers)
    assert bad_phone.status_code == 422
    assert (await client.get("/users/me", headers=candidate.headers)).json()["data"]["role"] == "candidate"


async def test_change_password_requires_current_and_signs_out_sessions(client: AsyncTestClient) -> None:
    account = await register(client)
    wrong = await client.put("/users/me/password", json={"current_password": "Nope-Nope-123!", "new_password": "Next-Passw0rd!!"},
                             headers=account.headers)
    assert wrong.status_code == 401
    done = await client.put("/users/me/password", json={"current_password": PASSWORD, "new_password": "Next-Passw0rd!!"},
                            headers=account.headers)
    assert done.status_code == 200
    assert (await client.get("/users/me", headers=account.headers)).status_code == 401
    assert (await client.post("/auth/login", json={"email": account.email, "password": "Next-Passw0rd!!"})).status_code == 200


async def _enable_2fa(client: AsyncTestClient, account: Account) -> tuple[pyotp.TOTP, list[str]]:
    setup = await client.post("/users/me/2fa/setup", headers=account.headers)
    assert setup.status_code == 200
    data = setup.json()["data"]
    assert data["otpauth_uri"].startswith("otpauth://totp/") and data["qr_code"].startswith("data:image/svg+xml")
    totp = pyotp.TOTP(data["secret"])
    bad = await client.post("/users/me/2fa/enable", json={"code": "000000"}, headers=account.headers)
    assert bad.status_code == 422
    enabled = await client.post("/users/me/2fa/enable", json={"code": totp.now()}, headers=account.headers)
    assert enabled.status_code == 200
    return totp, enabled.json()["data"]["backup_codes"]


async def test_two_factor_login_replay_and_backup_codes(client: AsyncTestClient, db: Database) -> None:
    account = await register(client)
    totp, backup_codes = await _enable_2fa(client, account)
    assert len(backup_codes) == 10
    stored = db.users.find_one({"email": account.email})
    assert backup_codes[0] not in str(stored)  # only hashes are kept

    step1 = await client.post("/auth/login", json={"email": account.email, "password": PASSWORD})
    assert step1.status_code == 200 and step1.json()["data"]["two_factor_required"] is True
    challenge = step1.json()["data"]["challenge_token"]
    # the challenge token is not an access token
    assert (await client.get("/users/me", headers={"Authorization": f"Bearer {challenge}"})).status_code == 401
    code = totp.at(time.time() + 30)  # next step: the enabling code's step is already spent
    step2 = await client.post("/auth/login/2fa", json={"challenge_token": challenge, "code": code})
    assert step2.status_code == 200 and step2.json()["data"]["access_token"]
    # the challenge token worked once; a second use is refused whatever code comes with it
    again = await client.post("/auth/login/2fa", json={"challenge_token": challenge, "code": backup_codes[0]})
    assert again.status_code == 401 and again.json()["error"]["code"] == "CHALLENGE_INVALID"

    async def new_challenge() -> str:
        step = await client.post("/auth/login", json={"email": account.email, "password": PASSWORD})
        return step.json()["data"]["challenge_token"]

    replay = await client.post("/auth/login/2fa", json={"challenge_token": await new_challenge(), "code": code})
    assert replay.status_code == 401 and replay.json()["error"]["code"] == "INVALID_2FA_CODE"
    backup = await client.post("/auth/login/2fa", json={"challenge_token": await new_challenge(),
                                                         "code": backup_codes[0]})
    assert backup.status_code == 200
    reused = await client.post("/auth/login/2fa", json={"challenge_token": await new_challenge(),
                                                         "code": backup_codes[0]})
    assert reused.status_code == 401


async def test_disable_two_factor_needs_password_and_code(client: AsyncTestClient) -> None:
    account = await register(client)
    totp, backup_codes = await _enable_2fa(client, account)
    no = await client.post("/users/me/2fa/disable", json={"password": "Wrong-Passw0rd!", "code": backup_codes[1]},
                           headers=account.headers)
    assert no.status_code == 401
    yes = await client.post("/users/me/2fa/disable", json={"password": PASSWORD, "code": backup_codes[1]},
                            headers=account.headers)
    assert yes.status_code == 200
    login = await client.post("/auth/login", json={"email": account.email, "password": PASSWORD})
    assert "access_token" in login.json()["data"]


async def test_sessions_list_and_revoke_only_own(client: AsyncTestClient) -> None:
    account = await register(client)
    other = await register(client)
    second = (await client.post("/auth/login", json={"email": account.email, "password": PASSWORD})).json()["data"]
    listed = await client.get("/users/me/sessions", headers=account.headers)
    sessions = listed.json()["data"]
    assert len(sessions) == 2 and sum(s["current"] for s in sessions) == 1
    other_sessions = (await client.get("/users/me/sessions", headers=other.headers)).json()["data"]
    # someone else's session id is "not found", not revoked
    idor = await client.delete(f"/users/me/sessions/{other_sessions[0]['id']}", headers=account.headers)
    assert idor.status_code == 404
    assert (await client.get("/users/me", headers=other.headers)).status_code == 200
    not_current = next(s for s in sessions if not s["current"])
    assert (await client.delete(f"/users/me/sessions/{not_current['id']}", headers=account.headers)).status_code == 200
    assert (await client.get("/users/me", headers={"Authorization": f"Bearer {second['access_token']}"})).status_code == 401
    assert (await client.post("/auth/refresh", json={"refresh_token": second["refresh_token"]})).status_code == 401


async def test_delete_me_erases_personal_data(client: AsyncTestClient, db: Database) -> None:
    account = await register(client)
    await client.put("/users/me", json={"phone": "+1 555 0100", "headline": "Engineer"}, headers=account.headers)
    refused = await client.request("DELETE", "/users/me", json={"password": "Wrong-Passw0rd!"}, headers=account.headers)
    assert refused.status_code == 401
    erased = await client.request("DELETE", "/users/me", json={"password": PASSWORD}, headers=account.headers)
    assert erased.status_code == 200
    stored = db.users.find_one({"_id": __import__("bson").ObjectId(account.id)})
    assert account.email not in str(stored) and "+1 555 0100" not in str(stored) and "Engineer" not in str(stored)
    assert stored["status"] == "deleted"
    assert (await client.post("/auth/login", json={"email": account.email, "password": PASSWORD})).status_code == 401
    assert (await client.get("/users/me", headers=account.headers)).status_code == 401
