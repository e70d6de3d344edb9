"""Task queues. Both carry small JSON tasks ``{"name", "payload", "key", "attempts"}`` to async handlers.

- ``InProcessQueue``: a bounded asyncio.Queue consumed inside the app (no Redis configured).
- ``RedisQueue``: a Redis list. Producers LPUSH; each consumer moves a task atomically into its own
  processing list (BLMOVE, the successor of BRPOPLPUSH) and removes it only when the handler is done, so
  a worker killed mid-task loses nothing: a worker that starts later finds processing lists whose owner's
  heartbeat expired and pushes their tasks back onto the queue.

Both de-duplicate by ``key``: while a task with the same key waits, enqueueing it again is a no-op (ten
edits of a job in a second cause one re-ranking). The key is released when the task starts, so a change
made while it runs schedules another run. A failing handler is retried ``max_attempts`` times; then the
task is logged (and, on Redis, kept in a dead-letter list).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import secrets
import socket
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Protocol

logger = logging.getLogger(__name__)

Handler = Callable[[dict[str, Any]], Awaitable[Any]]
Handlers = Mapping[str, Handler]
DEFAULT_MAX_ATTEMPTS = 3


class TaskQueue(Protocol):
    async def enqueue(self, name: str, payload: dict[str, Any], key: str | None = None) -> bool: ...

    async def run(self, handlers: Handlers, stop: asyncio.Event) -> None: ...


def _task(name: str, payload: dict[str, Any], key: str | None, attempts: int = 0) -> dict[str, Any]:
    return {"name": name, "payload": payload, "key": key, "attempts": attempts}


async def _execute(handlers: Handlers, task: dict[str, Any]) -> bool:
    """Runs one task; True when it succeeded (or can never succeed: an unknown name is not retried)."""
    handler = handlers.get(task.get("name", ""))
    if handler is None:
        logger.error("unknown task dropped", extra={"task": task.get("name")})
        return True
    try:
        await handler(task.get("payload") or {})
        return True
    except asyncio.CancelledError:
        raise
    except Exception:  # noqa: BLE001 - a failing task must not stop the consumer
        logger.warning("task failed", exc_info=True, extra={"task": task.get("name"), "attempt": task["attempts"] + 1})
        return False


class InProcessQueue:
    """A bounded asyncio queue consumed by ``concurrency`` coroutines in the same process."""

    def __init__(self, maxsize: int = 1000, concurrency: int = 2, max_attempts: int = DEFAULT_MAX_ATTEMPTS) -> None:
        self._queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(maxsize=maxsize)
        self._pending: set[str] = set()
        self.concurrency = concurrency
        self.max_attempts = max_attempts
        self.processed = 0
        self.failed = 0

    def qsize(self) -> int:
        return self._queue.qsize()

    async def enqueue(self, name: str, payload: dict[str, Any], key: str | None = None) -> bool:
        if key is not None:
            if key in self._pending:
                return False
            self._pending.add(key)
        await self._queue.put(_task(name, payload, key))  # waits when full: back-pressure, nothing is dropped
        return True

    async def run(self, handlers: Handlers, stop: asyncio.Event) -> None:
        async def consume() -> None:
            while not stop.is_set():
                getter = asyncio.ensure_future(self._queue.get())
                stopper = asyncio.ensure_future(stop.wait())
                done, _ = await asyncio.wait({getter, stopper}, return_when=asyncio.FIRST_COMPLETED)
                if getter not in done:
                    getter.cancel()
                    stopper.cancel()
                    return
                stopper.cancel()
                task = getter.result()
                if task["key"] is not None:
                    self._pending.discard(task["key"])
                if await _execute(handlers, task):
                    self.processed += 1
                elif task["attempts"] + 1 < self.max_attempts:
                    await self._queue.put({**task, "attempts": task["attempts"] + 1, "key": None})
                else:
                    self.failed += 1
                    logger.error("task gave up", extra={"task": task["name"], "attempts": task["attempts"] + 1})

        await asyncio.gather(*(consume() for _ in range(self.concurrency)))


class RedisQueue:
    """A reliable Redis list queue (see the module docstring)."""

    def __init__(self, redis: Any, prefix: str = "candidatex:tasks", max_attempts: int = DEFAULT_MAX_ATTEMPTS,
                 heartbeat_seconds: int = 10, poll_seconds: float = 1.0) -> None:
        self.redis = redis
        self.prefix = prefix
        self.queue_key = f"{prefix}:queue"
        self.failed_key = f"{prefix}:failed"
        self.max_attempts = max_attempts
        self.heartbeat_seconds = heartbeat_seconds
        self.poll_seconds = poll_seconds
        self.worker_id = f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(4)}"
        self.processed = 0

    def processing_key(self, worker_id: str | None = None) -> str:
        return f"{self.prefix}:processing:{worker_id or self.worker_id}"

    def heartbeat_key(self, worker_id: str | None = None) -> str:
        return f"{self.prefix}:heartbeat:{worker_id or self.worker_id}"

    def _pending_key(self, key: str) -> str:
        return f"{self.prefix}:pending:{key}"

    async def enqueue(self, name: str, payload: dict[str, Any], key: str | None = None) -> bool:
        if key is not None and not await self.redis.set(self._pending_key(key), "1", nx=True, ex=3600):
            return False
        await self.redis.lpush(self.queue_key, json.dumps(_task(name, payload, key)))
        return True

    async def recover_orphans(self) -> int:
        """Puts back the tasks of workers that died mid-task (their heartbeat expired)."""
        recovered = 0
        async for key in self.redis.scan_iter(match=self.processing_key("*"), count=100):
            key = key.decode() if isinstance(key, bytes) else key
            owner = key.rsplit(":", 1)[-1]
            if owner == self.worker_id or await self.redis.exists(self.heartbeat_key(owner)):
                continue
            while await self.redis.lmove(key, self.queue_key, "RIGHT", "RIGHT") is not None:
                recovered += 1  # back at the consuming end: they were taken first, they run first
        if recovered:
            logger.warning("recovered tasks of a stopped worker", extra={"count": recovered})
        return recovered

    async def _heartbeat(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            await self.redis.set(self.heartbeat_key(), "1", ex=self.heartbeat_seconds * 3)
            try:
                await asyncio.wait_for(stop.wait(), timeout=self.heartbeat_seconds)
            except TimeoutError:
                pass

    async def run(self, handlers: Handlers, stop: asyncio.Event) -> None:
        await self.redis.set(self.heartbeat_key(), "1", ex=self.heartbeat_seconds * 3)
        await self.recover_orphans()
        beat = asyncio.create_task(self._heartbeat(stop))
        processing = self.processing_key()
        try:
            while not stop.is_set():
                raw = await self.redis.blmove(self.queue_key, processing, self.poll_seconds, "RIGHT", "LEFT")
                if raw is None:
                    continue
                try:
                    task = json.loads(raw)
                except ValueError:
                    logger.error("malformed task dropped")
                    await self.redis.lrem(processing, 1, raw)
                    continue
                if task.get("key"):
                    await self.redis.delete(self._pending_key(task["key"]))
                ok = await _execute(handlers, task)
                pipe = self.redis.pipeline()
                if ok:
                    self.processed += 1
                elif task["attempts"] + 1 < self.max_attempts:
                    pipe.lpush(self.queue_key, json.dumps({**task, "attempts": task["attempts"] + 1, "key": None}))
                else:
                    logger.error("task gave up", extra={"task": task.get("name"), "attempts": task["attempts"] + 1})
                    pipe.lpush(self.failed_key, raw)
                    pipe.ltrim(self.failed_key, 0, 999)
                pipe.lrem(processing, 1, raw)
                await pipe.execute()
        finally:
            beat.cancel()
            await asyncio.gather(beat, return_exceptions=True)
            await self.redis.delete(self.heartbeat_key())
