"""One clock per process: with many open interview streams there is still one timer task; its ticks reach every
socket and a session's deadline, learnt from the lifecycle events, still ends it with its reason.

The app runs under uvicorn inside the test's event loop, so the test can see the loop's tasks; clients are real
websockets and HTTP over TCP."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import uvicorn
import websockets
from bson import ObjectId
from litestar.testing import AsyncTestClient
from pymongo import MongoClient

from candidatex.app import create_app
from candidatex.interviews.clock import TASK_NAME
from tests.auth.apps import rebind
from tests.conftest import make_settings
from tests.interviews.test_stream import next_event, signup, start_session, ws_url

STREAMS = 24


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.asynccontextmanager
async def in_loop_server(session_client: AsyncTestClient, mongo_url: str,
                         data_dir: Path) -> AsyncIterator[tuple[str, Any, str]]:
    """An app served by uvicorn on the test's loop; afterwards the session app's document binding is put back."""
    # the overdue query is far apart: only the clock's own deadline can end the interview in time here
    settings = make_settings(mongo_url, data_dir, INTERVIEW_TIMER_SECONDS="0.5", DEADLINE_CHECK_SECONDS="3600")
    app = create_app(settings)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="on", log_config=None,
                                           ws="websockets-sansio"))
    serving = asyncio.create_task(server.serve())
    for _ in range(600):  # a bound on start-up under load, not a timing assertion
        if server.started or serving.done():
            break
        await asyncio.sleep(0.1)
    assert server.started
    try:
        yield f"http://127.0.0.1:{port}", app, settings.mongodb_db
    finally:
        server.should_exit = True
        await serving
        session_client.blocking_portal.call(rebind, session_client.app)


def clock_tasks() -> list[asyncio.Task[Any]]:
    return [t for t in asyncio.all_tasks() if t.get_name() == TASK_NAME]


async def test_many_streams_one_timer_task_and_the_deadline_still_ends_the_session(client: AsyncTestClient,
                                                                                  mongo_url: str,
                                                                                  tmp_path: Path) -> None:
    async with in_loop_server(client, mongo_url, tmp_path) as (base, app, db_name), httpx.AsyncClient(base_url=base, timeout=120) as http:
        assert len(clock_tasks()) == 1
        candidate = await signup(http)
        sids = [await start_session(http, candidate) for _ in range(STREAMS)]
        async with contextlib.AsyncExitStack() as stack:
            sockets = [await stack.enter_async_context(websockets.connect(
                ws_url(base, f"/interview/{sid}/stream?token={candidate['token']}"))) for sid in sids]
            ticks = await asyncio.gather(*(next_event(ws, "timer", timeout=60) for ws in sockets))
            # ...and the clock's ticks after that first one, on every socket
            ticks = await asyncio.gather(*(next_event(ws, "timer", timeout=60) for ws in sockets))
            assert all(0 < t["data"]["remaining_seconds"] <= 600 and t["data"]["status"] == "active" for t in ticks)
            assert len(clock_tasks()) == 1  # not one per socket
            # per socket, one task forwards the channel's events; none keeps time
            per_socket = [t.get_coro().__qualname__ for t in asyncio.all_tasks()
                          if t.get_coro().__qualname__.startswith("StreamConnection.")]
            assert per_socket == ["StreamConnection.forward"] * STREAMS
            assert app.state.session_clock.stats()["listeners"] == STREAMS

            # the deadline: one session's end is moved near, then a pause and resume (REST) tell the clock
            sid, ws = sids[0], sockets[0]
            with MongoClient(mongo_url, tz_aware=True) as sync:
                for listed in ("interview_sessions", "interview_listings"):  # the sweep reads the listing
                    sync[db_name][listed].update_one(
                        {"_id": ObjectId(sid)}, {"$set": {"ends_at": datetime.now(UTC) + timedelta(seconds=2)}})
            assert (await http.post(f"/interview/sessions/{sid}/pause", headers=candidate["headers"])).status_code == 200
            assert (await next_event(ws, "status", timeout=60))["data"]["status"] == "paused"
            paused = await next_event(ws, "timer", timeout=60)  # the clock's view follows the stream's events
            assert paused["data"]["status"] == "paused" and paused["data"]["remaining_seconds"] <= 2
            assert (await http.post(f"/interview/sessions/{sid}/resume", headers=candidate["headers"])).status_code == 200
            complete = await next_event(ws, "complete", timeout=120)
            assert complete["data"]["reason"] == "time_up" and complete["data"]["status"] == "completed"
            session = (await http.get(f"/interview/sessions/{sid}", headers=candidate["headers"])).json()["data"]
            assert session["status"] == "completed" and session["result"]["reason"] == "time_up"
            after = await next_event(ws, "timer", timeout=60)
            assert after["data"] == {"remaining_seconds": 0, "status": "completed"}
            # the other sessions run on
            other = (await http.get(f"/interview/sessions/{sids[1]}", headers=candidate["headers"])).json()["data"]
            assert other["status"] == "active"
        assert app.state.session_clock.stats()["listeners"] == 0  # closed sockets leave the clock
