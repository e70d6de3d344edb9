"""Background tasks on SAQ, in process memory and on a real redis-server: de-duplication, retries, timeouts,
progress, scheduled tasks, and the task of a worker that died mid-task."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from redis.asyncio import Redis
from saq import Status

from candidatex.tasks.queue import TaskOptions, TaskQueue, memory_queue, redis_queue, report_progress

FAST = TaskOptions(retries=3, timeout=30, retry_delay=0.0)


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_url)
    yield client
    await client.aclose()


@pytest.fixture(params=["memory", "redis"])
async def make_queue(request: pytest.FixtureRequest, redis_url: str) -> AsyncIterator[Callable[..., TaskQueue]]:
    clients: list[Redis] = []

    def make(options: dict[str, TaskOptions], concurrency: int = 2, sweep_seconds: int = 60) -> TaskQueue:
        if request.param == "memory":
            return memory_queue(concurrency, options)
        client = Redis.from_url(redis_url)
        clients.append(client)
        return redis_queue(client, concurrency, options, name=f"test-{uuid.uuid4().hex[:8]}",
                           sweep_seconds=sweep_seconds)

    yield make
    for client in clients:
        await client.aclose()


async def _run_until(queue: TaskQueue, handlers: dict[str, Any], done: Callable[[], Awaitable[bool]],
                     scheduled: dict[str, str] | None = None) -> None:
    stop = asyncio.Event()
    runner = asyncio.create_task(queue.run(handlers, stop, scheduled))
    try:
        for _ in range(600):
            if await done():
                return
            await asyncio.sleep(0.05)
        raise AssertionError("the tasks never finished")
    finally:
        stop.set()
        await asyncio.wait_for(runner, timeout=30)


async def test_ten_edits_cause_one_re_ranking(make_queue: Callable[..., TaskQueue]) -> None:
    queue = make_queue({"match.job": FAST})
    runs: list[dict[str, Any]] = []

    async def rank(payload: dict[str, Any]) -> None:
        runs.append(payload)

    accepted = [await queue.enqueue("match.job", {"job_id": "j1"}, key="match.job:j1") for _ in range(10)]
    assert accepted == [True] + [False] * 9
    assert await queue.enqueue("match.job", {"job_id": "j2"}, key="match.job:j2")  # another job: its own run
    await _run_until(queue, {"match.job": rank}, lambda: _done(len(runs) >= 2))
    await asyncio.sleep(0.3)
    assert sorted(run["job_id"] for run in runs) == ["j1", "j2"]
    assert await queue.enqueue("match.job", {"job_id": "j1"}, key="match.job:j1")  # finished: the key is free


async def test_an_edit_during_a_run_schedules_one_more(make_queue: Callable[..., TaskQueue]) -> None:
    queue = make_queue({"match.job": FAST})
    started, release = asyncio.Event(), asyncio.Event()
    runs = 0

    async def rank(_: dict[str, Any]) -> None:
        nonlocal runs
        runs += 1
        started.set()
        await release.wait()

    await queue.enqueue("match.job", {"job_id": "j"}, key="match.job:j")
    stop = asyncio.Event()
    runner = asyncio.create_task(queue.run({"match.job": rank}, stop))
    await asyncio.wait_for(started.wait(), timeout=30)
    # the running ranking may have read the job before these edits: one more run, not three
    assert [await queue.enqueue("match.job", {"job_id": "j"}, key="match.job:j") for _ in range(3)] == \
        [True, False, False]
    release.set()
    for _ in range(600):
        if runs >= 2:
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.3)
    stop.set()
    await asyncio.wait_for(runner, timeout=30)
    assert runs == 2


async def test_a_failing_task_is_retried_then_recorded_as_failed(make_queue: Callable[..., TaskQueue]) -> None:
    queue = make_queue({"flaky": FAST, "broken": FAST})
    calls = {"flaky": 0, "broken": 0}

    async def flaky(_: dict[str, Any]) -> None:
        calls["flaky"] += 1
        if calls["flaky"] < 3:
            raise RuntimeError("transient failure")

    async def broken(_: dict[str, Any]) -> None:
        calls["broken"] += 1
        raise RuntimeError("always fails")

    await queue.enqueue("flaky", {}, key="flaky-1")
    await queue.enqueue("broken", {}, key="broken-1")

    async def settled() -> bool:
        jobs = [await queue.saq.job("flaky-1"), await queue.saq.job("broken-1")]
        return all(job is not None and job.status in (Status.COMPLETE, Status.FAILED) for job in jobs)

    await _run_until(queue, {"flaky": flaky, "broken": broken}, settled)
    flaky_job, broken_job = await queue.saq.job("flaky-1"), await queue.saq.job("broken-1")
    assert flaky_job is not None and flaky_job.status == Status.COMPLETE and calls["flaky"] == 3
    assert broken_job is not None and broken_job.status == Status.FAILED and calls["broken"] == 3
    assert "always fails" in (broken_job.error or "")  # what operators read


async def test_an_attempt_past_its_timeout_is_cancelled_and_retried(make_queue: Callable[..., TaskQueue]) -> None:
    queue = make_queue({"slow": TaskOptions(retries=2, timeout=1, retry_delay=0.0)})
    attempts = 0

    async def slow(_: dict[str, Any]) -> None:
        nonlocal attempts
        attempts += 1
        if attempts == 1:
            await asyncio.sleep(60)  # hangs: the timeout must end it

    await queue.enqueue("slow", {}, key="slow-1")

    async def finished() -> bool:
        job = await queue.saq.job("slow-1")
        return job is not None and job.status == Status.COMPLETE

    await _run_until(queue, {"slow": slow}, finished)
    assert attempts == 2


async def test_a_running_task_reports_progress(make_queue: Callable[..., TaskQueue]) -> None:
    queue = make_queue({"long": FAST})
    halfway, release = asyncio.Event(), asyncio.Event()

    async def long(_: dict[str, Any]) -> None:
        await report_progress(0.5)
        halfway.set()
        await release.wait()

    await queue.enqueue("long", {}, key="long-1")
    stop = asyncio.Event()
    runner = asyncio.create_task(queue.run({"long": long}, stop))
    await asyncio.wait_for(halfway.wait(), timeout=30)
    job = await queue.saq.job("long-1")
    assert job is not None and job.status == Status.ACTIVE and job.progress == 0.5
    assert (await queue.info())["active"] == 1
    release.set()
    for _ in range(600):
        if (job := await queue.saq.job("long-1")) is not None and job.status == Status.COMPLETE:
            break
        await asyncio.sleep(0.05)
    stop.set()
    await asyncio.wait_for(runner, timeout=30)
    assert job is not None and job.progress == 1.0


async def test_a_scheduled_task_runs_on_its_cron(make_queue: Callable[..., TaskQueue]) -> None:
    queue = make_queue({"tick": FAST}, concurrency=2)
    ticks = 0

    async def tick(_: dict[str, Any]) -> None:
        nonlocal ticks
        ticks += 1

    await _run_until(queue, {"tick": tick}, lambda: _done(ticks >= 2), scheduled={"tick": "* * * * * *"})


async def test_a_killed_workers_task_is_swept_to_another(redis: Redis) -> None:
    name = f"test-{uuid.uuid4().hex[:8]}"
    dead = redis_queue(redis, 1, {"parse": TaskOptions(retries=3, timeout=1, retry_delay=0.0)}, name=name)
    await dead.enqueue("parse", {"resume_id": "r1"}, key="parse-r1")
    await dead.saq.connect()
    taken = await dead.saq.dequeue(timeout=5)  # a worker takes the task and dies before it finishes
    assert taken is not None and await dead.saq.count("active") == 1

    survivor = redis_queue(redis, 1, dead.options, name=name, sweep_seconds=1)
    seen: list[dict[str, Any]] = []

    async def parse(payload: dict[str, Any]) -> None:
        seen.append(payload)

    await _run_until(survivor, {"parse": parse}, lambda: _done(bool(seen)))
    assert seen == [{"resume_id": "r1"}]


async def _done(value: bool) -> bool:
    return value


def test_operators_read_the_queue_with_candidatex_tasks(redis_url: str, tmp_path: Any,
                                                        monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from candidatex.cli import main

    key = f"resume.parse:{uuid.uuid4().hex}"

    async def on_the_apps_queue(action: str) -> None:
        client = Redis.from_url(redis_url)
        try:
            queue = redis_queue(client)  # the app's queue name
            if action == "enqueue":
                await queue.enqueue("resume.parse", {"resume_id": "r-ops"}, key=key)
            elif (job := await queue.saq.job(key)) is not None:
                await queue.saq.abort(job, "test done")  # no later worker test gets this task
        finally:
            await client.aclose()

    asyncio.run(on_the_apps_queue("enqueue"))
    monkeypatch.setenv("CANDIDATEX_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("REDIS_URL", redis_url)
    try:
        assert main(["tasks", "--limit", "500"]) == 0
    finally:
        asyncio.run(on_the_apps_queue("abort"))
    shown = json.loads(capsys.readouterr().out)
    assert shown["queued"] >= 1
    assert any(job["key"] == key and job["status"] == "queued" for job in shown["jobs"])
    monkeypatch.delenv("REDIS_URL")
    assert main(["tasks"]) == 2  # no Redis: nothing to read from outside the app
