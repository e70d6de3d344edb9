"""Sign-in, refresh, mailed links, lockouts and screenings write by `_id`, never with a `findAndModify`, and never
with a top-level `$or` in the filter: SecantusDB serves both with a scan of the whole collection (core/writes.py), and
these collections grow with every account and sign-in. Counted by a pymongo command listener."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from pymongo import MongoClient, monitoring

from candidatex.app import create_app
from candidatex.auth import store as auth_store
from candidatex.core.timeutil import utcnow
from candidatex.screening import store as screening_store
from candidatex.screening.models import Consent, Screening
from tests.auth.apps import served_beside
from tests.auth.test_accounts import outbox_link
from tests.conftest import PASSWORD, make_settings, register

WRITES = {"insert", "update", "delete", "findAndModify"}


class Writes(monitoring.CommandListener):
    """Every write command while recording: (command, collection, its filters' top-level keys)."""

    def __init__(self) -> None:
        self.recording = False
        self.seen: list[tuple[str, str, tuple[str, ...]]] = []

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if not self.recording or event.command_name not in WRITES:
            return
        statements = event.command.get("updates") or event.command.get("deletes") or []
        filters = [s.get("q", {}) for s in statements] or [event.command.get("query", {})]
        keys = tuple(sorted({k for f in filters for k in f}))
        self.seen.append((event.command_name, str(event.command.get(event.command_name)), keys))

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


WRITTEN = Writes()


@pytest.fixture(scope="module")
def counted_app(mongo_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    monitoring.register(WRITTEN)  # applies to clients created from now on: this module's app only
    yield create_app(make_settings(mongo_url, tmp_path_factory.mktemp("writes")))


@pytest.fixture(scope="module")
async def counted(client: AsyncTestClient, counted_app: Any) -> AsyncIterator[AsyncTestClient]:
    async with served_beside(client, counted_app) as counted_client:
        yield counted_client


async def in_app(client: AsyncTestClient, work: Any) -> Any:
    """Runs ``work()`` on the app's own event loop (its database client is bound to it)."""
    return await asyncio.to_thread(client.blocking_portal.call, work)


def assert_point_writes(seen: list[tuple[str, str, tuple[str, ...]]]) -> None:
    assert seen, "nothing was written"
    for command, collection, keys in seen:
        assert command != "findAndModify", f"findAndModify on {collection}: a collection scan in SecantusDB"
        assert not [k for k in keys if k.startswith("$")], f"{command} on {collection} filters by {keys}: a scan"


async def test_sign_in_refresh_links_and_lockout_write_by_key(counted: AsyncTestClient, mongo_url: str) -> None:
    account = await register(counted)
    WRITTEN.seen.clear()
    WRITTEN.recording = True
    try:
        wrong = await counted.post("/auth/login", json={"email": account.email, "password": "Wrong-Passw0rd!"})
        assert wrong.status_code == 401
        right = await counted.post("/auth/login", json={"email": account.email, "password": PASSWORD})
        assert right.status_code == 200, right.text
        refreshed = await counted.post("/auth/refresh", json={"refresh_token": right.json()["data"]["refresh_token"]})
        assert refreshed.status_code == 200, refreshed.text
        with MongoClient(mongo_url) as reader:  # the mails, read with a client of this test's own (another loop)
            token = await outbox_link(reader[auth_store.ActionToken.get_pymongo_collection().database.name],
                                      account.email, "Confirm")
        verified = await counted.post("/auth/verify-email", json={"token": token})
        assert verified.status_code == 200 and verified.json()["data"]["email_verified"] is True
        assert (await counted.post("/auth/verify-email", json={"token": token})).status_code == 422  # once only
    finally:
        WRITTEN.recording = False
    written = {collection for _, collection, _ in WRITTEN.seen}
    assert {"users", "refresh_token_families", "login_throttle", "action_tokens"} <= written, written
    assert_point_writes(WRITTEN.seen)


async def test_concurrent_failures_each_get_their_own_count(counted: AsyncTestClient) -> None:
    key = f"pair-{utcnow().timestamp()}"
    WRITTEN.seen.clear()
    WRITTEN.recording = True
    try:
        async def failures() -> list[int]:
            return await asyncio.gather(*(auth_store.record_throttled_failure(key, timedelta(minutes=5))
                                          for _ in range(12)))

        counts = await in_app(counted, failures)
    finally:
        WRITTEN.recording = False
    assert sorted(counts) == list(range(1, 13))  # none lost, none counted twice

    async def stored() -> Any:
        return await auth_store.throttle_of(key)

    assert (await in_app(counted, stored)).failures == 12
    assert_point_writes(WRITTEN.seen)


async def test_screening_writes_by_key(counted: AsyncTestClient) -> None:
    now = utcnow()
    consent = Consent(accepted=True, at=now, notice_version="1")

    async def flow() -> dict[str, Any]:
        screening = await screening_store.create(Screening(
            application_id=f"app-{now.timestamp()}", job_id="j", candidate_id="c", recruiter_id="r", sent_by="r",
            job_title="Backend Engineer", deadline=now + timedelta(days=3)))
        assert screening is not None
        sid = str(screening.id)
        WRITTEN.seen.clear()
        WRITTEN.recording = True
        try:
            return {"consented": await screening_store.record_consent(sid, consent, now),
                    "again": await screening_store.record_consent(sid, consent, now),
                    "attached": await screening_store.attach_session(sid, f"session-{sid}"),
                    "stored": await screening_store.set_ai_result(f"session-{sid}", {"recommendation": "hire"}),
                    "missing": await screening_store.set_ai_result("no-such-session", {"recommendation": None}),
                    "sid": sid}
        finally:
            WRITTEN.recording = False

    done = await in_app(counted, flow)
    assert done["consented"] is not None and done["consented"].status.value == "started"
    assert done["again"] is None  # the notice is answered once
    assert done["attached"].session_id == f"session-{done['sid']}"
    assert done["stored"].ai_result == {"recommendation": "hire"} and done["missing"] is None
    assert_point_writes(WRITTEN.seen)
