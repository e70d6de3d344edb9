"""The event loop's own CPU per request, measured in process: the ASGI app is called directly on this thread's
loop (no HTTP client, no sockets to the app), and `time.thread_time()` counts only this thread, so the figure is
what the server's loop spends on create, precheck, start and `GET /users/me`, free of the load client and of the
server's other threads (scoring, argon2, the bank warm-up). SecantusDB and redis-server run as in bench/load.py.

    PYTHONPATH=src:. python bench/loop_cpu.py --sessions 40 [--profile /tmp/loop] [--cold]

Each step runs `--sessions` times one after another (reads: 10 x that); `--profile` writes one cProfile file per
step (CPU time of this thread) for `python -m pstats`, and prints the Python function calls per request of each
step (coroutine resumes included): a figure the machine's load does not move, unlike the CPU times (which the
profiler also inflates: take those from a run without it). `process_cpu_ms_per_request` is the whole process's
CPU (the loop and the worker threads it hands work to, e.g. a start's question plan). Measuring starts once the
start-up's own work in other threads is done.

`--cold`: before every request, the per-process copies a request may reuse for 2 s (the token's user, the check
that its session is live in MongoDB) are forgotten, as they are for every request of bench/load.py's burst (each
candidate's steps are seconds apart) and of a paced interview; without it, one user's requests follow each other
within the 2 s and skip both reads.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import pstats
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import uvloop
from litestar import Litestar, get

from bench.load import PASSWORD, PRECHECK, Backing
from candidatex.app import create_app
from candidatex.config import Settings
from candidatex.users import store as user_store

CREATE = {"type": "ai_mock", "mode": "behavioral", "job_title": "Backend Engineer", "question_count": 2,
          "duration_minutes": 30}


CALLS: dict[str, int] = {}
PROCESS: dict[str, float] = {}  # the whole server process's CPU per request: the loop and its worker threads


@get("/")
async def bare() -> dict[str, str]:
    return {"hello": "world"}


async def started(app: Any) -> None:
    """Runs the app's lifespan startup on this loop (its shutdown is left to the process exit)."""
    inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    outbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    asyncio.get_running_loop().create_task(app({"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}},
                                               inbox.get, outbox.put))
    await inbox.put({"type": "lifespan.startup"})
    message = await outbox.get()
    assert message["type"] == "lifespan.startup.complete", message


async def call(app: Any, method: str, path: str, headers: dict[str, str], body: Any = None) -> tuple[int, Any]:
    raw = json.dumps(body).encode() if body is not None else b""
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "", "state": {},
             "headers": [(k.lower().encode(), v.encode()) for k, v in {**headers, "content-type": "application/json"}.items()],
             "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000)}
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": raw, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    payload = b"".join(m.get("body", b"") for m in sent[1:])
    return sent[0]["status"], json.loads(payload) if payload else None


async def settled(quiet: float = 0.02, every: float = 0.5, timeout: float = 180) -> None:
    """Waits until this process's start-up work in other threads (the question bank's embeddings) is done: it
    contends for the GIL with the loop, and a fixed 3 s wait measured part of it into the first steps."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        before = time.process_time()
        await asyncio.sleep(every)
        if time.process_time() - before < quiet * every * 2:
            return


async def measure(label: str, work: Callable[[int], Awaitable[None]], count: int, profile: str | None) -> float:
    profiler = cProfile.Profile(time.thread_time)
    process = time.process_time()
    begin = time.thread_time()
    if profile:
        profiler.enable()
    for index in range(count):
        await work(index)
    profiler.disable()
    spent = (time.thread_time() - begin) / count * 1000
    PROCESS[label] = round((time.process_time() - process) / count * 1000, 3)
    if profile:
        profiler.dump_stats(f"{profile}_{label}.prof")
        # Python function calls (and coroutine resumes) per request: a count the machine's load does not move
        CALLS[label] = round(pstats.Stats(profiler).total_calls / count)  # type: ignore[attr-defined]
    return spent


async def run(args: argparse.Namespace, backing: Backing) -> dict[str, float]:
    env = {"MONGODB_URL": backing.mongo_url, "MONGODB_DB": f"loop_{uuid.uuid4().hex[:6]}", "REDIS_URL": backing.redis_url,
           "SECRET_KEY": "load-test-secret-key-0123456789abcdefghij", "CANDIDATEX_DATA_DIR": tempfile.mkdtemp(),
           "SEED_DEMO": "false", "RATE_LIMITS": "off", "RATE_LIMIT_PER_MINUTE": "10000000",
           "RATE_LIMIT_USER_PER_MINUTE": "10000000", "LOG_LEVEL": "WARNING", "SPEECH_PRELOAD": "false",
           "ANTI_CHEAT_PRECHECK_CAMERA": "false", "ANTI_CHEAT_CONSENT_REQUIRED": "false"}
    bare_app = Litestar([bare])
    await started(bare_app)
    app = create_app(Settings.from_env(env))
    await started(app)
    await settled()
    status, body = await call(app, "POST", "/auth/register", {}, {"email": f"c-{uuid.uuid4().hex[:8]}@example.com",
                                                                 "password": PASSWORD, "full_name": "Loop CPU",
                                                                 "role": "candidate"})
    assert status == 201, body
    headers = {"authorization": "Bearer " + body["data"]["access_token"]}
    user_id = body["data"]["user"]["id"]
    sessions: list[str] = []

    async def expect(method: str, path: str, wanted: tuple[int, ...], body: Any = None) -> Any:
        if args.cold:  # what a request seconds after its user's previous one finds (see the module's doc)
            user_store.forget(user_id)
            app.state.tokens._live_families.clear()  # noqa: SLF001 - a benchmark resetting a per-process memo
        status, answer = await call(app, method, path, headers, body)
        assert status in wanted, (path, status, answer)
        return answer

    async def create(_: int) -> None:
        sessions.append((await expect("POST", "/interview/sessions", (201,), CREATE))["data"]["session_id"])

    async def precheck(index: int) -> None:
        await expect("POST", f"/interview/sessions/{sessions[index]}/precheck", (200, 201), PRECHECK)

    async def start(index: int) -> None:
        await expect("POST", f"/interview/sessions/{sessions[index]}/start", (200, 201))

    async def read_me(_: int) -> None:
        await expect("GET", "/users/me", (200,))

    async def read_bare(_: int) -> None:
        assert (await call(bare_app, "GET", "/", {}))[0] == 200

    n = args.sessions
    result = {"create": await measure("create", create, n, args.profile),
              "precheck": await measure("precheck", precheck, n, args.profile),
              "start": await measure("start", start, n, args.profile)}
    for _ in range(50):  # the first reads also fill the per-process caches
        await read_me(0)
        await read_bare(0)
    result["users_me"] = await measure("users_me", read_me, 10 * n, args.profile)
    result["bare"] = await measure("bare", read_bare, 10 * n, args.profile)
    return {step: round(ms, 3) for step, ms in result.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=40)
    parser.add_argument("--cold", action="store_true", help="forget the 2 s per-token copies before each request")
    parser.add_argument("--profile", help="write <prefix>_<step>.prof (cProfile, this thread's CPU time)")
    args = parser.parse_args()
    with Backing() as backing:
        print(json.dumps({"loop_cpu_ms_per_request": uvloop.run(run(args, backing)),
                          "process_cpu_ms_per_request": PROCESS,
                          **({"python_calls_per_request": CALLS} if CALLS else {})}))


if __name__ == "__main__":
    main()
