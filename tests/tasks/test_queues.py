"""The two task queues: de-duplication, retries, dead letters, and recovery of a killed worker's tasks."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import pytest
from redis.asyncio import Redis

from candidatex.tasks.queue import InProcessQueue, RedisQueue


class Recorder:
    def __init__(self, fail_times: int = 0) -> None:
        self.seen: list[dict[str, Any]] = []
        self.fail_times = fail_times
        self.done = asyncio.Event()
        self.expected = 1

    async def __call__(self, payload: dict[str, Any]) -> None:
        self.seen.append(payload)
        if len(self.seen) <= self.fail_times:
            raise RuntimeError("transient failure")
        if len(self.seen) >= self.expected:
            self.done.set()


async def _drain(queue: Any, handlers: dict[str, Any], until: asyncio.Event) -> None:
    stop = asyncio.Event()
    runner = asyncio.create_task(queue.run(handlers, stop))
    await asyncio.wait_for(until.wait(), timeout=30)
    stop.set()
    await asyncio.wait_for(runner, timeout=30)


async def test_in_process_queue_deduplicates_and_retries() -> None:
    queue = InProcessQueue(concurrency=2)
    flaky, plain = Recorder(fail_times=2), Recorder()
    plain.expected = 2
    assert await queue.enqueue("flaky", {"n": 1}, key="k1")
    assert not await queue.enqueue("flaky", {"n": 2}, key="k1")  # same key still waiting: merged
    assert await queue.enqueue("plain", {"n": 3}, key="k2")
    assert await queue.enqueue("plain", {"n": 4})
    assert await queue.enqueue("unknown", {})
    both = asyncio.Event()

    async def watch() -> None:
        await flaky.done.wait()
        await plain.done.wait()
        both.set()

    watcher = asyncio.create_task(watch())
    await _drain(queue, {"flaky": flaky, "plain": plain}, both)
    await watcher
    assert flaky.seen == [{"n": 1}] * 3  # two failures, then success
    assert sorted(p["n"] for p in plain.seen) == [3, 4]
    assert queue.failed == 0 and queue.qsize() == 0
    assert await queue.enqueue("flaky", {"n": 5}, key="k1")  # the key is free again once the task started


async def test_in_process_queue_gives_up_after_max_attempts() -> None:
    queue = InProcessQueue(concurrency=1, max_attempts=2)
    broken = Recorder(fail_times=99)
    await queue.enqueue("broken", {})
    stop = asyncio.Event()
    runner = asyncio.create_task(queue.run({"broken": broken}, stop))
    for _ in range(500):
        if queue.failed:
            break
        await asyncio.sleep(0.01)
    stop.set()
    await runner
    assert len(broken.seen) == 2 and queue.failed == 1 and queue.qsize() == 0


@pytest.fixture
async def redis(redis_url: str):  # noqa: ANN201
    client = Redis.from_url(redis_url)
    yield client
    await client.aclose()


async def test_redis_queue_deduplicates_retries_and_dead_letters(redis: Redis) -> None:
    prefix = f"test:{uuid.uuid4().hex[:8]}"
    queue = RedisQueue(redis, prefix=prefix, poll_seconds=0.2)
    ok, broken = Recorder(), Recorder(fail_times=99)
    ok.expected = 2
    assert await queue.enqueue("ok", {"n": 1}, key="same")
    assert not await queue.enqueue("ok", {"n": 1}, key="same")
    assert await queue.enqueue("ok", {"n": 2})
    assert await queue.enqueue("broken", {"n": 3})
    await _drain(queue, {"ok": ok, "broken": broken}, ok.done)
    runner_stop = asyncio.Event()
    runner = asyncio.create_task(queue.run({"ok": ok, "broken": broken}, runner_stop))
    for _ in range(300):
        if await redis.llen(queue.failed_key):
            break
        await asyncio.sleep(0.02)
    runner_stop.set()
    await runner
    assert sorted(p["n"] for p in ok.seen) == [1, 2] and len(broken.seen) == 3
    dead = json.loads(await redis.lindex(queue.failed_key, 0))
    assert dead["name"] == "broken" and dead["attempts"] == 2
    assert await redis.llen(queue.queue_key) == 0 and await redis.llen(queue.processing_key()) == 0
    assert not await redis.exists(queue.heartbeat_key())  # a clean stop leaves no heartbeat behind


async def test_redis_queue_recovers_tasks_of_a_dead_worker(redis: Redis) -> None:
    prefix = f"test:{uuid.uuid4().hex[:8]}"
    # a worker took this task and died: it sits in that worker's processing list with no heartbeat
    orphan = json.dumps({"name": "ok", "payload": {"n": 7}, "key": None, "attempts": 0})
    await redis.lpush(f"{prefix}:processing:dead-worker", orphan)
    # a live worker's in-flight task must not be taken from it
    await redis.lpush(f"{prefix}:processing:live-worker", orphan)
    await redis.set(f"{prefix}:heartbeat:live-worker", "1", ex=60)
    ok = Recorder()
    queue = RedisQueue(redis, prefix=prefix, poll_seconds=0.2)
    await _drain(queue, {"ok": ok}, ok.done)
    assert ok.seen == [{"n": 7}]
    assert await redis.llen(f"{prefix}:processing:dead-worker") == 0
    assert await redis.llen(f"{prefix}:processing:live-worker") == 1
