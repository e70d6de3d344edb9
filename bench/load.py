"""Load test: N concurrent candidates through register -> create -> precheck -> start -> stream -> answers ->
finalize -> summary, with the stream socket open, against `candidatex serve --workers W` on MongoDB + Redis.

    PYTHONPATH=src:. python bench/load.py --workers 1 2 4 --candidates 20 --questions 3 --reads 2000
    PYTHONPATH=src:. python bench/load.py --workers 1 --pace 20-60 --open 200 --questions 2 --reads 500

The first is the burst mode (every candidate answers as soon as a question arrives); `--pace LOW-HIGH` is the
realistic one: `--open` interviews held open at once (streams open, timers ticking), each candidate answering
after LOW..HIGH seconds, and the server's resident memory per open interview (RSS delta / open interviews).

Per worker count it reports interviews/s, requests/s and p50/p95/p99 per step, including the latency from an
answer sent over the socket to its first feedback event ("received") and to its evaluation ("evaluated"),
and the ratio of an authenticated read (GET /users/me) to Litestar's own minimal endpoint (bench/minimal_app.py
served by uvicorn with the same worker count), both at the same concurrency in the same run.
Every run also reports the CPU each part of the system spent (the server's event loop, its scoring threads or
processes, its other threads, SecantusDB, redis, this client) per answer and per authenticated read; with
`--cpu-budget` the candidates wait for each other after every step, so the CPU per create, precheck, start and
answer is each step's own. `--scoring-pool process` serves with AI_SCORING_POOL=process.
The script starts its own SecantusDB and redis-server and stops everything it started.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

import httpx
import uvloop
import websockets

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PASSWORD = "Str0ng-Passw0rd!"
PRECHECK = {"camera": True, "microphone": True, "speaker": True, "fullscreen": True, "screens": 1}
ANSWER = ("In my last role our checkout API had p99 latency above two seconds during sales (situation). I owned "
          "bringing it under 300 ms (task). I profiled the service, found N+1 queries, added a composite index and "
          "a Redis cache, and moved emails to a queue (action). p99 dropped to 240 ms and conversion rose 3 percent "
          "(result).")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_http(url: str, timeout: float = 400) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


def _tree_cpu_seconds(root: int) -> float:
    """CPU time of a process and every process below it (the server's scoring processes too), from /proc."""
    return sum(_safe_ticks(pid) for pid in _descendants(root))


def _descendants(root: int) -> list[int]:
    """The process and every process below it (py-spy, the uvicorn supervisor, its workers, their pools)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    found, frontier = [root], [root]
    while frontier:
        below = [pid for pid, parent in parents.items() if parent in frontier]
        found += below
        frontier = below
    return found


def _ticks(stat: Path) -> float:
    fields = stat.read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_by_part(server: int, backing: Backing | None = None) -> dict[str, float]:
    """CPU seconds so far, by part: the server's event loop (each worker's main thread), its scoring (the
    `ai-scoring` threads, or the scoring processes), its other threads (planning, argon2, onnxruntime...),
    SecantusDB, redis and this load client. Differences of two snapshots are the CPU budget of what ran between."""
    parts: dict[str, float] = defaultdict(float)
    for pid in _descendants(server):
        try:
            cmdline = (Path(f"/proc/{pid}/cmdline").read_bytes()).replace(b"\0", b" ")
            if b"py-spy" in cmdline.split(b" ", 1)[0]:
                continue  # the profiler's own sampling is not the server's cost
            scoring_process = b"multiprocessing" in cmdline
            for task in Path(f"/proc/{pid}/task").iterdir():
                name = (task / "comm").read_text().strip()
                if scoring_process or name.startswith("ai-scoring"):
                    part = "server scoring"
                elif int(task.name) == pid and b"resource_tracker" not in cmdline:
                    part = "server loop"
                else:
                    part = "server other threads"
                parts[part] += _ticks(task / "stat")
        except (OSError, IndexError, ValueError):
            continue
    if backing is not None:
        for label, proc in zip(("SecantusDB", "redis"), backing.procs, strict=True):
            parts[label] = sum(_safe_ticks(pid) for pid in _descendants(proc.pid))
    own = os.times()
    parts["load client"] = own.user + own.system
    return dict(parts)


def _safe_ticks(pid: int) -> float:
    try:
        return _ticks(Path(f"/proc/{pid}/stat"))
    except (OSError, IndexError, ValueError):
        return 0.0


def cpu_delta(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    return {part: round(after.get(part, 0.0) - before.get(part, 0.0), 2) for part in sorted({*before, *after})}


def per_request(spent: dict[str, float], requests: int) -> dict[str, float]:
    """CPU milliseconds per request by part (the warm-up requests of `hammer` included: a few percent)."""
    return {part: round(sec * 1000 / max(1, requests), 2) for part, sec in spent.items() if sec}


def _tree_rss(root: int) -> int:
    """Resident memory (bytes) of a process and its children, from /proc (Linux)."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
            parent = int(status.split("PPid:", 1)[1].split()[0])
            if int(entry.name) == root or parent == root:
                total += int(status.split("VmRSS:", 1)[1].split()[0]) * 1024
        except (OSError, IndexError, ValueError):
            continue
    return total


def settle(root: int, quiet: float = 0.3, every: float = 2.0, timeout: float = 300) -> None:
    """Waits until the server's processes use less than `quiet` CPU seconds per `every` seconds."""
    deadline, last = time.monotonic() + timeout, _tree_cpu_seconds(root)
    while time.monotonic() < deadline:
        time.sleep(every)
        now = _tree_cpu_seconds(root)
        if now - last < quiet:
            return
        last = now


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))]


def summary(values: list[float]) -> dict[str, float]:
    return {"n": len(values), "p50": round(pct(values, 50) * 1000, 1), "p95": round(pct(values, 95) * 1000, 1),
            "p99": round(pct(values, 99) * 1000, 1), "mean": round(statistics.fmean(values) * 1000, 1) if values else 0}


class Backing:
    """SecantusDB and redis-server in a temporary folder."""

    def __init__(self, replica_set: bool = False) -> None:
        self.replica_set = replica_set  # the app's DB_REPLICA_SET (standalone, no oplog, by default)
        self.dir = Path(tempfile.mkdtemp(prefix="cx-load-"))
        self.mongo_port, self.redis_port = free_port(), free_port()
        self.procs: list[subprocess.Popen[bytes]] = []

    def __enter__(self) -> Backing:
        self.procs.append(subprocess.Popen([str(BIN / "secantusd-py"), "--host", "127.0.0.1", "--port",
                                            str(self.mongo_port), "--storage-path", str(self.dir / "db"),
                                            "--log-level", "WARNING", *self.flags()], stdout=subprocess.DEVNULL,
                                           stderr=subprocess.DEVNULL))
        self.procs.append(subprocess.Popen([shutil.which("redis-server") or "redis-server", "--port",
                                            str(self.redis_port), "--bind", "127.0.0.1", "--save", "",
                                            "--appendonly", "no"], stdout=subprocess.DEVNULL,
                                           stderr=subprocess.DEVNULL))
        from pymongo import MongoClient

        deadline = time.monotonic() + 60
        while True:
            try:
                with MongoClient(self.mongo_url, serverSelectionTimeoutMS=500) as client:
                    client.admin.command("ping")
                break
            except Exception:  # noqa: BLE001
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        return self

    def flags(self) -> list[str]:
        """The embedded server's flags, as the app starts it, without the fsync per commit (as the test suite)."""
        from candidatex.db.embedded import server_flags

        return server_flags(sync_on_commit=False, replica_set=self.replica_set)

    @property
    def mongo_url(self) -> str:
        return f"mongodb://127.0.0.1:{self.mongo_port}/?directConnection=true"

    @property
    def redis_url(self) -> str:
        return f"redis://127.0.0.1:{self.redis_port}/0"

    def __exit__(self, *_: object) -> None:
        for proc in self.procs:
            proc.terminate()
            proc.wait(timeout=20)
        shutil.rmtree(self.dir, ignore_errors=True)


class Server:
    def __init__(self, args: list[str], env: dict[str, str], health: str, log: Path) -> None:
        self.args, self.env, self.health, self.log = args, env, health, log
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        self.proc = subprocess.Popen(self.args, env={**os.environ, **self.env}, stdout=self.log.open("wb"),
                                     stderr=subprocess.STDOUT, cwd=ROOT, start_new_session=True)
        try:
            wait_http(self.health)
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *_: object) -> None:
        assert self.proc
        with contextlib.suppress(ProcessLookupError):
            # the uvicorn supervisor and its workers
            os.killpg(self.proc.pid, 15)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


class Pacing:
    """Realistic mode: every candidate holds its stream open and answers after a random think time; the server's
    memory is read once every stream is open (RSS delta / open interviews)."""

    def __init__(self, low: float, high: float, expected: int, server_pid: int) -> None:
        self.low, self.high, self.expected, self.pid = low, high, expected, server_pid
        self.opened = self.registered = 0
        self.all_open, self.all_registered = asyncio.Event(), asyncio.Event()
        self.rss_before = 0
        self.rss_open: int | None = None

    async def signed_up(self) -> None:
        """Every candidate waits for the others to register: the memory baseline is taken after the argon2 hashing
        (whose buffers the allocator keeps), so the delta is what the open interviews hold."""
        self.registered += 1
        self._check()
        await self.all_registered.wait()

    async def think(self) -> None:
        await asyncio.sleep(random.uniform(self.low, self.high))

    def stream_opened(self) -> None:
        self.opened += 1
        self._check()

    def failed(self, registered: bool) -> None:
        """A candidate that failed is not waited for (nor counted in the memory per interview)."""
        self.expected -= 1
        self.registered -= registered
        self._check()

    def _check(self) -> None:
        if self.registered >= self.expected and not self.all_registered.is_set():
            self.rss_before = _tree_rss(self.pid)
            self.all_registered.set()
        if self.opened >= self.expected and self.expected > 0 and not self.all_open.is_set():
            self.rss_open = _tree_rss(self.pid)
            self.all_open.set()


class Phases:
    """CPU budget mode: every candidate waits for the others at the end of each step, so the CPU each part of the
    system spent between two barriers is that step's, for every candidate (divided by the requests made)."""

    STEPS = ("register", "create", "precheck", "start", "answers", "finish")

    def __init__(self, expected: int, server_pid: int, backing: Backing) -> None:
        self.expected, self.pid, self.backing = expected, server_pid, backing
        self.arrived = dict.fromkeys(self.STEPS, 0)
        self.done = {step: asyncio.Event() for step in self.STEPS}
        self.snapshots: dict[str, dict[str, float]] = {"begin": cpu_by_part(server_pid, backing)}

    async def reached(self, step: str) -> None:
        self.arrived[step] += 1
        self._check()
        await self.done[step].wait()

    def failed(self) -> None:
        """A candidate that failed is waiting at no barrier: the later ones stop expecting it."""
        self.expected -= 1
        self._check()

    def _check(self) -> None:
        for step in self.STEPS:
            if not self.done[step].is_set() and self.arrived[step] >= self.expected:
                self.snapshots[step] = cpu_by_part(self.pid, self.backing)
                self.done[step].set()
            if not self.done[step].is_set():
                return

    def budget(self, timings: dict[str, list[float]]) -> dict[str, Any]:
        """CPU milliseconds per request (per answer for the answers step) and part, and the total per step."""
        counts = {"register": len(timings["register"]), "create": len(timings["create"]),
                  "precheck": len(timings["precheck"]), "start": len(timings["start"]),
                  "answers": len(timings["answer_to_evaluation"]), "finish": len(timings["summary"])}
        out: dict[str, Any] = {}
        previous = "begin"
        for step in self.STEPS:
            if step not in self.snapshots:
                break
            delta = cpu_delta(self.snapshots[previous], self.snapshots[step])
            per = max(1, counts[step])
            out[step] = {"requests": counts[step], "ms_per_request": {part: round(sec * 1000 / per, 1)
                                                                      for part, sec in delta.items()},
                         "ms_per_request_total": round(sum(delta.values()) * 1000 / per, 1)}
            previous = step
        return out


async def one_candidate(base: str, questions: int, timings: dict[str, list[float]], errors: list[str],
                        pacing: Pacing | None = None, progress: dict[str, bool] | None = None,
                        phases: Phases | None = None) -> None:
    progress = {} if progress is None else progress

    async def barrier(step: str) -> None:
        if phases is not None:
            await phases.reached(step)
    # plain HTTP: verify=False builds no TLS context (httpx's default loads certifi's bundle, ~28 ms of this
    # client's CPU per candidate, on the cores the server shares, inside the measured wall time)
    async with httpx.AsyncClient(base_url=base, timeout=120, verify=False) as http:  # noqa: S501 - plain HTTP
        async def step(name: str, method: str, path: str, **kwargs: Any) -> httpx.Response:
            started = time.perf_counter()
            try:
                response = await http.request(method, path, **kwargs)
            except httpx.TransportError as exc:  # say which step lost its connection, and after how long
                raise RuntimeError(f"{name}: {type(exc).__name__} after {time.perf_counter() - started:.1f} s") from exc
            timings[name].append(time.perf_counter() - started)
            if response.status_code >= 400:
                raise RuntimeError(f"{name}: {response.status_code} {response.text[:200]}")
            return response

        email = f"load-{uuid.uuid4().hex[:10]}@example.com"
        reg = await step("register", "POST", "/auth/register", json={"email": email, "password": PASSWORD,
                                                                     "full_name": "Load", "role": "candidate"})
        token = reg.json()["data"]["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        if pacing is not None:
            progress["registered"] = True
            await pacing.signed_up()
        await barrier("register")
        created = await step("create", "POST", "/interview/sessions", headers=headers, json={
            "type": "ai_mock", "mode": "behavioral", "job_title": "Backend Engineer", "question_count": questions,
            "duration_minutes": 30})
        sid = created.json()["data"]["session_id"]
        await barrier("create")
        await step("precheck", "POST", f"/interview/sessions/{sid}/precheck", headers=headers, json=PRECHECK)
        await barrier("precheck")
        await step("start", "POST", f"/interview/sessions/{sid}/start", headers=headers)
        await barrier("start")
        ws_base = base.replace("http://", "ws://")
        started = time.perf_counter()
        async with websockets.connect(f"{ws_base}/interview/{sid}/stream?token={token}", max_size=2**22, max_queue=None) as ws:
            timings["stream_connect"].append(time.perf_counter() - started)

            seen: list[tuple[Any, ...]] = []

            async def until(predicate, timeout: float = 90) -> dict[str, Any]:  # noqa: ANN001
                async def wait() -> dict[str, Any]:
                    while True:
                        event = json.loads(await ws.recv())
                        if event["type"] != "timer":
                            seen.append((event["type"], event["seq"], event["data"].get("stage")))
                        if event["type"] == "error":
                            raise RuntimeError(f"stream error: {event['data']}")
                        if predicate(event):
                            return event

                try:  # one deadline for the wanted event (timer ticks keep arriving meanwhile)
                    return await asyncio.wait_for(wait(), timeout)
                except TimeoutError:
                    raise RuntimeError(f"session {sid}: no wanted event in {timeout} s; saw {seen}") from None

            question = await until(lambda e: e["type"] == "question")
            if pacing is not None:
                progress["opened"] = True
                pacing.stream_opened()
            answered = 0
            while question is not None:
                if pacing is not None:
                    await pacing.think()  # timer ticks keep arriving; they are read with the next wanted event
                sent = time.perf_counter()
                await ws.send(json.dumps({"type": "answer", "question_id": question["data"]["id"],
                                          "content": ANSWER}))
                await until(lambda e: e["type"] == "feedback" and e["data"]["stage"] == "received")
                timings["answer_to_first_feedback"].append(time.perf_counter() - sent)
                await until(lambda e: e["type"] == "feedback" and e["data"]["stage"] == "evaluated")
                timings["answer_to_evaluation"].append(time.perf_counter() - sent)
                answered += 1
                following = await until(lambda e: e["type"] == "question" or
                                        (e["type"] == "status" and e["data"].get("all_answered")))
                question = following if following["type"] == "question" else None
            await barrier("answers")
            await step("finalize", "POST", f"/interview/sessions/{sid}/finalize", headers=headers)
        await step("summary", "GET", f"/interview/sessions/{sid}/summary", headers=headers)
        timings["interview_total"].append(time.perf_counter() - started)
        await barrier("finish")


async def run_interviews(base: str, candidates: int, questions: int, pacing: Pacing | None = None,
                         phases: Phases | None = None, cpu: tuple[int, Backing] | None = None) -> dict[str, Any]:
    timings: dict[str, list[float]] = defaultdict(list)
    errors: list[str] = []

    async def guarded() -> None:
        progress: dict[str, bool] = {}
        try:
            await one_candidate(base, questions, timings, errors, pacing, progress, phases)
        except Exception as exc:  # noqa: BLE001 - counted and reported
            errors.append(f"{type(exc).__name__}: {exc}"[:300])
            if pacing is not None and not progress.get("opened"):
                pacing.failed(registered=progress.get("registered", False))
            if phases is not None:
                phases.failed()

    cpu_before = cpu_by_part(*cpu) if cpu else {}
    started = time.perf_counter()
    await asyncio.gather(*(guarded() for _ in range(candidates)))
    wall = time.perf_counter() - started
    done = len(timings["summary"])
    requests = sum(len(v) for k, v in timings.items() if k not in ("answer_to_first_feedback", "answer_to_evaluation",
                                                                   "interview_total", "stream_connect"))
    memory: dict[str, Any] = {}
    if pacing is not None and pacing.rss_open is not None:
        memory = {"rss_before_mb": round(pacing.rss_before / 2**20, 1), "rss_all_open_mb": round(pacing.rss_open / 2**20, 1),
                  "kb_per_open_interview": round((pacing.rss_open - pacing.rss_before) / 1024 / pacing.expected, 1)}
    answers = len(timings["answer_to_evaluation"])
    if cpu:  # the whole run's CPU by part, and per answer (the burst's steps overlap: see --cpu-budget for each)
        spent = cpu_delta(cpu_before, cpu_by_part(*cpu))
        memory["cpu_s"] = spent
        memory["cpu_ms_per_answer"] = {part: round(sec * 1000 / max(1, answers), 1) for part, sec in spent.items()}
    if phases is not None:
        memory["cpu_budget"] = phases.budget(timings)
    return {"candidates": candidates, "completed": done, "errors": errors[:5], "error_count": len(errors), **memory,
            "wall_s": round(wall, 2), "interviews_per_s": round(done / wall, 3),
            "http_requests_per_s": round(requests / wall, 1), "answers_per_s": round(len(timings["answer_to_evaluation"]) / wall, 2),
            "steps": {name: summary(values) for name, values in timings.items()}}


async def hammer(url: str, headers: dict[str, str], total: int, concurrency: int) -> dict[str, Any]:
    latencies: list[float] = []
    failures = 0
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(total):
        queue.put_nowait(i)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(timeout=60, limits=limits, verify=False) as http:  # noqa: S501 - plain HTTP
        async def worker() -> None:
            nonlocal failures
            while not queue.empty():
                queue.get_nowait()
                started = time.perf_counter()
                response = await http.get(url, headers=headers)
                latencies.append(time.perf_counter() - started)
                failures += response.status_code != 200

        for _ in range(min(20, total // 10)):  # warm-up, not counted
            await http.get(url, headers=headers)
        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        wall = time.perf_counter() - started
    return {"requests": total, "failures": failures, "requests_per_s": round(total / wall, 1), **summary(latencies)}


def run_for(workers: int, backing: Backing, args: argparse.Namespace, logs: Path) -> dict[str, Any]:
    port = free_port()
    env = {"MONGODB_URL": backing.mongo_url, "MONGODB_DB": f"load_{workers}_{uuid.uuid4().hex[:6]}",
           "REDIS_URL": backing.redis_url, "SECRET_KEY": "load-test-secret-key-0123456789abcdefghij",
           "SEED_DEMO": "false", "RATE_LIMITS": "off", "ANTI_CHEAT_PRECHECK_CAMERA": "false", "ANTI_CHEAT_CONSENT_REQUIRED": "false", "RATE_LIMIT_PER_MINUTE": "10000000", "RATE_LIMIT_USER_PER_MINUTE": "10000000",
           "AI_SCORING_POOL": args.scoring_pool, "LOG_LEVEL": "WARNING", "CANDIDATEX_DATA_DIR": str(logs / f"data{workers}"), "PYTHONPATH": str(ROOT / "src")}
    command = [str(BIN / "candidatex"), "serve", "--port", str(port), "--workers", str(workers)]
    app = Server(command, env,
                 f"http://127.0.0.1:{port}/health", logs / f"app-{workers}.log")
    mini_port = free_port()
    minimal = Server([str(BIN / "uvicorn"), "bench.minimal_app:app", "--port", str(mini_port), "--workers",
                      str(workers), "--log-level", "warning", "--no-access-log"], {"PYTHONPATH": str(ROOT)},
                     f"http://127.0.0.1:{mini_port}/", logs / f"minimal-{workers}.log")
    with app, minimal:
        base = f"http://127.0.0.1:{port}"
        settle(app.proc.pid)  # every worker has finished its start-up (imports, indexes) before measuring
        # py-spy attaches once start-up has settled, so the file holds the measured run only (not the imports and
        # the embedding warm-up, which dwarfed it); SIGINT at the end lets it write the speedscope file
        profiler = subprocess.Popen([str(BIN / "py-spy"), "record", "--pid", str(app.proc.pid), "--subprocesses",
                                     "--format", "speedscope", "--rate", str(args.profile_rate), "--output", str(args.profile)],
                                    stdout=subprocess.DEVNULL) if args.profile else None
        pacing = None
        if args.pace:
            low, _, high = args.pace.partition("-")
            pacing = Pacing(float(low), float(high or low), args.open, app.proc.pid)
        candidates = args.open if pacing else args.candidates
        assert app.proc is not None and minimal.proc is not None
        phases = Phases(candidates, app.proc.pid, backing) if args.cpu_budget else None
        interviews = uvloop.run(run_interviews(base, candidates, args.questions, pacing, phases,
                                                (app.proc.pid, backing)))
        if profiler is not None:
            profiler.send_signal(2)
            profiler.wait(timeout=60)
        reg = httpx.post(base + "/auth/register", json={"email": f"reader-{uuid.uuid4().hex[:8]}@example.com",
                                                        "password": PASSWORD, "full_name": "R", "role": "candidate"})
        headers = {"Authorization": f"Bearer {reg.json()['data']['access_token']}"}
        before = cpu_by_part(app.proc.pid, backing)
        authed = uvloop.run(hammer(base + "/users/me", headers, args.reads, args.read_concurrency))
        authed["cpu_ms_per_request"] = per_request(cpu_delta(before, cpu_by_part(app.proc.pid, backing)), args.reads)
        before = cpu_by_part(minimal.proc.pid)
        baseline = uvloop.run(hammer(f"http://127.0.0.1:{mini_port}/", {}, args.reads, args.read_concurrency))
        baseline["cpu_ms_per_request"] = per_request(cpu_delta(before, cpu_by_part(minimal.proc.pid)), args.reads)
    return {"workers": workers, "interviews": interviews, "read_users_me": authed, "read_minimal_litestar": baseline,
            "read_ratio_throughput": round(authed["requests_per_s"] / baseline["requests_per_s"], 3)}


def print_table(results: list[dict[str, Any]]) -> None:
    print("\n| workers | interviews/s | answers/s | HTTP req/s | answer->first feedback p50/p95/p99 ms | "
          "answer->evaluation p50/p95/p99 ms | errors |")
    print("|---|---|---|---|---|---|---|")
    for r in results:
        i = r["interviews"]
        f, e = i["steps"].get("answer_to_first_feedback", {}), i["steps"].get("answer_to_evaluation", {})
        print(f"| {r['workers']} | {i['interviews_per_s']} | {i['answers_per_s']} | {i['http_requests_per_s']} | "
              f"{f.get('p50')}/{f.get('p95')}/{f.get('p99')} | {e.get('p50')}/{e.get('p95')}/{e.get('p99')} | "
              f"{i['error_count']} |")
    for r in results:
        if "kb_per_open_interview" in r["interviews"]:
            i = r["interviews"]
            print(f"\nmemory: {i['rss_before_mb']} MB before, {i['rss_all_open_mb']} MB with {i['candidates']} open "
                  f"interviews: {i['kb_per_open_interview']} KB per open interview")
    print("\n| workers | step | p50 ms | p95 ms | p99 ms |")
    print("|---|---|---|---|---|")
    for r in results:
        for name, s in r["interviews"]["steps"].items():
            print(f"| {r['workers']} | {name} | {s['p50']} | {s['p95']} | {s['p99']} |")
    for r in results:
        i = r["interviews"]
        if "cpu_ms_per_answer" in i:
            print(f"\nCPU over the whole run ({r['workers']} worker(s)), ms per answer: {i['cpu_ms_per_answer']}")
        for step, b in i.get("cpu_budget", {}).items():
            print(f"| {r['workers']} | CPU ms per {step} ({b['requests']}) | total {b['ms_per_request_total']} | "
                  + " | ".join(f"{part} {ms}" for part, ms in b["ms_per_request"].items()) + " |")
        print(f"CPU ms per GET /users/me: {r['read_users_me'].get('cpu_ms_per_request')}; per bare GET: "
              f"{r['read_minimal_litestar'].get('cpu_ms_per_request')}")
    print("\n| workers | GET /users/me req/s (p50/p99 ms) | minimal Litestar req/s (p50/p99 ms) | ratio |")
    print("|---|---|---|---|")
    for r in results:
        a, b = r["read_users_me"], r["read_minimal_litestar"]
        print(f"| {r['workers']} | {a['requests_per_s']} ({a['p50']}/{a['p99']}) | {b['requests_per_s']} "
              f"({b['p50']}/{b['p99']}) | {r['read_ratio_throughput']} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--candidates", type=int, default=20, help="concurrent candidates per run")
    parser.add_argument("--questions", type=int, default=3)
    parser.add_argument("--reads", type=int, default=2000, help="requests per read-ratio endpoint")
    parser.add_argument("--read-concurrency", type=int, default=20)
    parser.add_argument("--pace", help="realistic mode: answer every LOW-HIGH seconds (e.g. 20-60) instead of at once")
    parser.add_argument("--open", type=int, default=200, help="with --pace: interviews held open at the same time")
    parser.add_argument("--json", type=Path, help="write the raw results here")
    parser.add_argument("--scoring-pool", choices=("thread", "process"), default="thread",
                        help="the server's AI_SCORING_POOL: local scoring in threads or in worker processes")
    parser.add_argument("--cpu-budget", action="store_true",
                        help="candidates wait for each other after every step: the CPU per request of each step")
    parser.add_argument("--db-replica-set", action="store_true",
                        help="SecantusDB as a single-node replica set with its oplog (DB_REPLICA_SET=true)")
    parser.add_argument("--profile-rate", type=int, default=50, help="py-spy samples per second (higher: finer, slower)")
    parser.add_argument("--profile", type=Path, help="record the server with py-spy during the interviews (after start-up) into this speedscope file")
    args = parser.parse_args()
    logs = Path(tempfile.mkdtemp(prefix="cx-load-logs-"))
    results = []
    with Backing(args.db_replica_set) as backing:
        for workers in args.workers:
            shape = (f"{args.open} open interviews answering every {args.pace} s" if args.pace
                     else f"{args.candidates} candidates at once")
            print(f"-- {workers} worker(s), {shape} x {args.questions} questions", flush=True)
            results.append(run_for(workers, backing, args, logs))
            print(json.dumps(results[-1]), flush=True)
            if args.json:
                args.json.write_text(json.dumps(results, indent=2))
    print(f"cpus: {os.cpu_count()}; load average: {os.getloadavg()[0]:.1f}; logs: {logs}")
    print_table(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
