"""Keys: a SECRET_KEY change never answers 500, a keyring opens what old keys sealed, `candidatex rotate-keys`
re-seals under the new key, TOTP secrets are sealed at rest, the signing key is private, demo seeding is gated."""

from __future__ import annotations

import os
import stat
import subprocess
import time
from pathlib import Path

import pyotp
from bson import ObjectId
from litestar.testing import AsyncTestClient
from pymongo import MongoClient

from candidatex.config import Settings
from candidatex.core import crypto
from candidatex.seed import DEMO_ACCOUNTS
from tests.auth.apps import app_client, new_db_name
from tests.conftest import PASSWORD, Account, register
from tests.servers import CANDIDATEX

PHONE = "+44 20 7946 0321"
OLD_KEY = "old-secret-key-" + "o" * 40
NEW_KEY = "new-secret-key-" + "n" * 40


async def _login(client: AsyncTestClient, email: str) -> dict:
    response = await client.post("/auth/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return response.json()["data"]


async def _admin_phone(client: AsyncTestClient, admin_email: str, user: Account) -> str | None:
    token = (await _login(client, admin_email))["access_token"]
    listed = await client.get("/admin/users", params={"q": user.email}, headers={"Authorization": f"Bearer {token}"})
    assert listed.status_code == 200, listed.text
    return listed.json()["data"]["items"][0]["phone"]


async def test_a_secret_key_change_never_gives_500_and_rotate_keys_reseals(client: AsyncTestClient, mongo_url: str,
                                                                          tmp_path: Path) -> None:
    name = new_db_name()
    with MongoClient(mongo_url, tz_aware=True) as sync:
        db = sync[name]
        async with app_client(client, mongo_url, tmp_path, MONGODB_DB=name, SECRET_KEY=OLD_KEY) as (old, _):
            user = await register(old)
            assert (await old.put("/users/me", json={"phone": PHONE}, headers=user.headers)).status_code == 200
            secret = (await old.post("/users/me/2fa/setup", headers=user.headers)).json()["data"]["secret"]
            enabled = await old.post("/users/me/2fa/enable", json={"code": pyotp.TOTP(secret).now()}, headers=user.headers)
            backup_codes = enabled.json()["data"]["backup_codes"]
            admin = await register(old)
            db.users.update_one({"_id": ObjectId(admin.id)}, {"$set": {"role": "admin"}})
        stored = db.users.find_one({"_id": ObjectId(user.id)})
        assert stored["totp_secret"].startswith(crypto.PREFIX) and secret not in str(stored)  # sealed at rest

        # SECRET_KEY changed and nothing else: what the old key sealed cannot be read, but nobody gets a 500
        async with app_client(client, mongo_url, tmp_path, MONGODB_DB=name, SECRET_KEY=NEW_KEY) as (changed, _):
            assert await _admin_phone(changed, admin.email, user) is None
            challenge = (await _login(changed, user.email))["challenge_token"]
            code = await changed.post("/auth/login/2fa", json={"challenge_token": challenge,
                                                               "code": pyotp.TOTP(secret).now()})
            assert code.status_code == 401

        # the old key in the keyring: everything opens again, TOTP and backup codes included
        keyring = {"MONGODB_DB": name, "SECRET_KEY": NEW_KEY, "SECRET_KEY_PREVIOUS": OLD_KEY}
        async with app_client(client, mongo_url, tmp_path, **keyring) as (ring, _):
            assert await _admin_phone(ring, admin.email, user) == PHONE
            challenge = (await _login(ring, user.email))["challenge_token"]
            signed_in = await ring.post("/auth/login/2fa", json={"challenge_token": challenge,
                                                                 "code": pyotp.TOTP(secret).at(time.time() + 30)})
            assert signed_in.status_code == 200
            challenge = (await _login(ring, user.email))["challenge_token"]
            backup = await ring.post("/auth/login/2fa", json={"challenge_token": challenge, "code": backup_codes[0]})
            assert backup.status_code == 200

        before = db.users.find_one({"_id": ObjectId(user.id)})
        env = {**os.environ, "MONGODB_URL": mongo_url, "CANDIDATEX_DATA_DIR": str(tmp_path), **keyring}
        rotated = subprocess.run([CANDIDATEX, "rotate-keys"], env=env, capture_output=True, text=True, timeout=120)
        assert rotated.returncode == 0, rotated.stderr
        assert "users: 2 re-sealed" in rotated.stdout  # phone and TOTP secret
        after = db.users.find_one({"_id": ObjectId(user.id)})
        assert after["phone"] != before["phone"] and after["totp_secret"] != before["totp_secret"]

        # the previous key can now go: the new one alone opens everything
        async with app_client(client, mongo_url, tmp_path, MONGODB_DB=name, SECRET_KEY=NEW_KEY) as (new, _):
            assert await _admin_phone(new, admin.email, user) == PHONE


def test_the_generated_signing_key_is_private(settings: Settings) -> None:
    key_file = settings.data_dir / "jwt_private_key.pem"
    assert key_file.exists() and stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_demo_seeding_only_in_development() -> None:
    base = {"SECRET_KEY": OLD_KEY, "SEED_DEMO": "true"}
    assert Settings.from_env({**base, "APP_ENV": "development"}).seed_demo is True
    for env in ("staging", "test", "production"):
        assert Settings.from_env({**base, "APP_ENV": env}).seed_demo is False, env


async def test_a_server_outside_development_seeds_no_demo_accounts(client: AsyncTestClient, mongo_url: str,
                                                                   tmp_path: Path) -> None:
    """SEED_DEMO=true asks for them; APP_ENV=staging still gets none (development seeding: tests/core/test_demo_seed.py)."""
    demo_emails = [email for email, _, _ in DEMO_ACCOUNTS]
    name = new_db_name()
    async with app_client(client, mongo_url, tmp_path, MONGODB_DB=name, APP_ENV="staging", SEED_DEMO="true"):
        pass
    with MongoClient(mongo_url, tz_aware=True) as sync:
        assert sync[name].users.count_documents({"email": {"$in": demo_emails}}) == 0
        assert sync[name].users.count_documents({}) == 0
