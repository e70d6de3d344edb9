"""Background tasks on SAQ: one interface, two stores.

Services see ``TaskQueue.enqueue(name, payload, key)``; a consumer calls ``TaskQueue.run(handlers, stop)``, which
runs an SAQ worker: retries with backoff, a timeout per task, scheduled (cron) tasks, progress, and the sweep that
gives the task of a worker killed mid-task (it outlived its timeout) to another worker.

- With ``REDIS_URL``: SAQ's Redis queue; ``candidatex worker`` processes run the tasks.
- Without: ``MemoryQueue`` below, an in-process implementation of SAQ's queue interface (SAQ itself has Redis,
  Postgres and HTTP queues only), run by the same SAQ worker inside the app.

De-duplication by ``key``: while a task with that key waits, enqueueing it again is a no-op (ten edits of a job in
a second cause one re-ranking). A change made while that task already runs schedules one more run (under the key's
``:again`` twin), so the last change is never missed.
"""

from __future__ import annotations

import asyncio
import collections
import contextvars
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from saq import CronJob, Job, Queue, Status, Worker
from saq.queue.redis import RedisQueue
from saq.types import CountKind, QueueInfo, WorkerInfo

logger = logging.getLogger(__name__)

Handler = Callable[[dict[str, Any]], Awaitable[Any]]
Handlers = Mapping[str, Handler]
_current_job: contextvars.ContextVar[Job | None] = contextvars.ContextVar("candidatex_task_job", default=None)


@dataclass(frozen=True)
class TaskOptions:
    retries: int = 3  # attempts in all, the first included
    timeout: int = 300  # seconds; past it the attempt is cancelled (and retried), and a dead worker's task swept
    retry_delay: float = 1.0  # before the first retry, doubling (with jitter) after each
    ttl: int = 3600  # how long a finished task's record (status, error, progress) is kept for operators


async def report_progress(fraction: float) -> None:
    """Called by a running handler: the fraction done (0..1), shown in the task's record."""
    job = _current_job.get()
    if job is not None:
        await job.update(progress=max(0.0, min(1.0, fraction)))


def _as_saq_function(name: str, handler: Handler) -> Callable[..., Awaitable[Any]]:
    async def run(ctx: dict[str, Any], **payload: Any) -> Any:
        token = _current_job.set(ctx.get("job"))
        try:
            return await handler(payload)
        finally:
            _current_job.reset(token)

    run.__qualname__ = name  # SAQ names functions (and cron jobs) by their qualified name
    return run


class _Worker(Worker):
    SIGNALS: list[Any] = []  # the app (uvicorn) or `candidatex worker` owns the signals and sets `stop`

    async def stop(self) -> None:
        # the upkeep loops sleep up to a sweep interval: end them now, so that only running tasks get the grace
        for task in self.tasks:
            if task.get_name() != "process":
                task.cancel()
        await super().stop()


class TaskQueue:
    def __init__(self, queue: Queue, options: Mapping[str, TaskOptions] | None = None, concurrency: int = 2,
                 sweep_seconds: int = 60, grace_seconds: int = 5) -> None:
        self.saq = queue
        self.options = dict(options or {})
        self.concurrency = max(1, concurrency)
        self.sweep_seconds = sweep_seconds
        self.grace_seconds = grace_seconds

    async def enqueue(self, name: str, payload: dict[str, Any], key: str | None = None,
                      delay_seconds: float = 0.0) -> bool:
        """True when a task was queued; False when one with this key was already waiting (merged)."""
        if await self._enqueue(name, payload, key, delay_seconds):
            return True
        if key is None:  # only a keyed task is ever refused; anything else is the queue's own failure
            raise RuntimeError(f"the task queue refused {name}")
        waiting = await self.saq.job(key)
        if waiting is not None and waiting.status == Status.ACTIVE:  # it runs already: it may have read old data
            return await self._enqueue(name, payload, f"{key}:again", delay_seconds)
        return False

    async def _enqueue(self, name: str, payload: dict[str, Any], key: str | None, delay_seconds: float) -> bool:
        options = self.options.get(name, TaskOptions())
        job = Job(function=name, kwargs=dict(payload), retries=options.retries, timeout=options.timeout,
                  retry_delay=options.retry_delay, retry_backoff=True, ttl=options.ttl,
                  scheduled=int(time.time() + delay_seconds) if delay_seconds > 0 else 0)
        if key is not None:
            job.key = key
        return await self.saq.enqueue(job) is not None

    async def info(self) -> QueueInfo:
        return await self.saq.info(jobs=True, limit=50)

    async def run(self, handlers: Handlers, stop: asyncio.Event, scheduled: Mapping[str, str] | None = None) -> None:
        """Processes tasks until ``stop`` is set; a task still running then has ``grace_seconds`` to finish.
        ``scheduled`` maps task names to cron expressions (six fields: the last is seconds); each runs once per
        tick however many consumers there are."""
        await self.saq.connect()
        functions = {name: _as_saq_function(name, handler) for name, handler in handlers.items()}
        cron = []
        for name, expression in (scheduled or {}).items():
            options = self.options.get(name, TaskOptions())
            cron.append(CronJob(functions[name], cron=expression, unique=True, timeout=options.timeout,
                                retries=options.retries, ttl=options.ttl))
        worker = _Worker(self.saq, list(functions.values()),
                         concurrency=self.concurrency, cron_jobs=cron, dequeue_timeout=1.0,
                         timers={"schedule": 1, "sweep": self.sweep_seconds, "abort": 1, "worker_info": 10},
                         shutdown_grace_period_s=self.grace_seconds)
        running = asyncio.create_task(worker.start())
        try:
            await stop.wait()
        finally:
            left = [*worker.tasks, running]
            if isinstance(self.saq, MemoryQueue):
                self.saq.release_consumers()
            try:
                await worker.stop()
            except asyncio.CancelledError:  # the app is being torn down: leave no task behind
                for task in left:
                    task.cancel()
                raise
            running.cancel()
            await asyncio.gather(running, return_exceptions=True)


class MemoryQueue(Queue):
    """SAQ's queue interface in process memory: the tasks of an app that has no Redis. Jobs are kept serialized,
    as the Redis queue keeps them, so a handler never shares an object with the queue."""

    def __init__(self, name: str = "candidatex", keep_finished: int = 1000) -> None:
        super().__init__(name=name, dump=None, load=None)
        self._records: dict[str, str | bytes] = {}
        self._incomplete: dict[str, int] = {}  # job id -> 0 (ready) or the time it is scheduled for
        self._queued: collections.deque[str] = collections.deque()
        self._active: list[str] = []
        self._finished: collections.OrderedDict[str, None] = collections.OrderedDict()
        self._keep_finished = keep_finished
        self._workers: dict[str, WorkerInfo] = {}
        self._ready = asyncio.Event()
        self._stopping = False

    async def connect(self) -> None:
        self._stopping = False
        await super().connect()

    def release_consumers(self) -> None:
        """Idle consumers return at once (a stopping worker then waits only for tasks that run)."""
        self._stopping = True
        self._ready.set()

    def _load_job(self, job_id: str) -> Job | None:
        record = self._records.get(job_id)
        return self.deserialize(record) if record is not None else None

    def _store(self, job: Job) -> None:
        self._records[job.id] = self.serialize(job)

    def _push(self, job_id: str) -> None:
        self._queued.append(job_id)
        self._ready.set()

    async def disconnect(self) -> None:
        return None

    async def info(self, jobs: bool = False, offset: int = 0, limit: int = 10) -> QueueInfo:
        listed = (self._active + [i for i in self._incomplete if i not in self._active])[offset:offset + limit]
        job_info = [job.to_dict() for job in map(self._load_job, listed) if job is not None] if jobs else []
        queued, active = len(self._queued), len(self._active)
        return {"workers": dict(self._workers), "name": self.name, "queued": queued, "active": active,
                "scheduled": len(self._incomplete) - queued - active, "jobs": job_info}

    async def count(self, kind: CountKind) -> int:
        sizes = {"queued": len(self._queued), "active": len(self._active), "incomplete": len(self._incomplete)}
        return sizes[kind]

    async def schedule(self, lock: int = 1) -> list[str]:
        due = [job_id for job_id, at in self._incomplete.items() if 0 < at <= time.time()]
        for job_id in due:
            self._incomplete[job_id] = 0
            self._push(job_id)
        return due

    async def sweep(self, lock: int = 60, abort: float = 5.0) -> list[str]:
        # the workers live in this process and stop with it: a task can be stuck, never orphaned
        swept = []
        for job_id in list(self._active):
            job = self._load_job(job_id)
            if job is None:
                self._active.remove(job_id)
                swept.append(job_id)
            elif job.stuck:
                swept.append(job_id)
                await self.abort(job, error=self.swept_error_message)
        return swept

    async def _update(self, job: Job, status: Status | None = None, **kwargs: Any) -> None:
        if not status:
            stored = self._load_job(job.id)
            status = stored.status if stored else None
        job.status = status or job.status
        self._store(job)

    async def job(self, job_key: str) -> Job | None:
        return self._load_job(self.job_id(job_key))

    async def jobs(self, job_keys: Iterable[str]) -> list[Job | None]:
        return [self._load_job(self.job_id(key)) for key in job_keys]

    async def iter_jobs(self, statuses: list[Status] | None = None, batch_size: int = 100) -> AsyncIterator[Job]:
        wanted = set(statuses if statuses is not None else Status)
        for job_id in list(self._records):
            job = self._load_job(job_id)
            if job is not None and job.status in wanted:
                yield job

    async def abort(self, job: Job, error: str, ttl: float = 5) -> None:
        job.status, job.error = Status.ABORTING, error
        waiting = job.id in self._queued or self._incomplete.get(job.id, 0) > 0
        if job.id in self._queued:
            self._queued.remove(job.id)
        self._incomplete.pop(job.id, None)
        self._store(job)
        if waiting:
            await self.finish(job, Status.ABORTED, error=error)

    async def dequeue(self, timeout: float = 0.0, poll_interval: float = 0.0) -> Job | None:  # noqa: ASYNC109 - SAQ's queue interface
        deadline = asyncio.get_running_loop().time() + timeout if timeout else None
        while not self._queued:
            if self._stopping:
                return None
            self._ready.clear()
            remaining = None if deadline is None else deadline - asyncio.get_running_loop().time()
            if remaining is not None and remaining <= 0:
                return None
            try:
                await asyncio.wait_for(self._ready.wait(), remaining)
            except TimeoutError:
                return None
        job_id = self._queued.popleft()
        self._active.append(job_id)
        return self._load_job(job_id)

    async def write_worker_info(self, worker_id: str, info: WorkerInfo, ttl: int) -> None:
        self._workers[worker_id] = info

    async def _retry(self, job: Job, error: str | None) -> None:
        if job.id in self._active:
            self._active.remove(job.id)
        if job.id in self._queued:
            self._queued.remove(job.id)
        delay = job.next_retry_delay()
        self._store(job)
        if delay:
            self._incomplete[job.id] = int(time.time() + delay) or 1
        else:
            self._incomplete[job.id] = 0
            self._push(job.id)

    async def _finish(self, job: Job, status: Status, *, result: Any = None, error: str | None = None) -> None:
        if job.id in self._active:
            self._active.remove(job.id)
        self._incomplete.pop(job.id, None)
        if job.ttl < 0:
            self._records.pop(job.id, None)
            return
        self._store(job)
        self._finished[job.id] = None
        self._finished.move_to_end(job.id)
        while len(self._finished) > self._keep_finished:  # a bounded history instead of Redis's TTLs
            old, _ = self._finished.popitem(last=False)
            if old not in self._incomplete:
                self._records.pop(old, None)

    async def _enqueue(self, job: Job) -> Job | None:
        if job.id in self._incomplete:
            return None
        self._store(job)
        self._finished.pop(job.id, None)
        self._incomplete[job.id] = job.scheduled
        if not job.scheduled:
            self._push(job.id)
        return job


def memory_queue(concurrency: int = 2, options: Mapping[str, TaskOptions] | None = None) -> TaskQueue:
    return TaskQueue(MemoryQueue(), options, concurrency=concurrency)


class _SweepLaterRedisQueue(RedisQueue):
    """SAQ's sweep takes a task that sits in the active list without the ACTIVE status for a dead worker's; a
    worker that has just dequeued one is in that state for a moment, and every worker sweeps as it starts. The first
    sweep waits one interval, so starting a worker does not run the task it took twice."""

    def __init__(self, redis: Any, name: str, first_sweep_after: float) -> None:
        super().__init__(redis, name=name)
        self._first_sweep_after = first_sweep_after
        self._sweep_from: float | None = None

    async def sweep(self, lock: int = 60, abort: float = 5.0) -> list[str]:
        if self._sweep_from is None:
            self._sweep_from = time.monotonic() + self._first_sweep_after
        if time.monotonic() < self._sweep_from:
            return []
        return await super().sweep(lock, abort)


def redis_queue(redis: Any, concurrency: int = 2, options: Mapping[str, TaskOptions] | None = None,
                name: str = "candidatex", sweep_seconds: int = 60) -> TaskQueue:
    return TaskQueue(_SweepLaterRedisQueue(redis, name, sweep_seconds), options, concurrency=concurrency,
                     sweep_seconds=sweep_seconds)
