"""One clock per process: every open stream's timer tick and every running interview's deadline, from one task.

Streams register a listener per socket; once per tick the clock calls each listener's ``tick()`` (in-memory work
and one send, no database read). Deadlines sit in a heap keyed by the end time; the clock wakes at the earliest
one (or the next tick) and ends that interview. Because deadlines can move elsewhere (a pause on another
worker, a restart, a session started by another process), ending is conditional on the stored ``ends_at`` being
past (InterviewService.expire), and every ``reconcile_seconds`` one query ends whatever is overdue anyway.
Every ``catch_up_ticks`` ticks, one batched read of the open sessions' event counters tells the listeners
that are behind to fetch what the fan-out missed.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Protocol

from candidatex.core.timeutil import as_utc

logger = logging.getLogger(__name__)
TASK_NAME = "interview-clock"


class ClockListener(Protocol):
    session_id: str

    async def tick(self) -> None: ...

    async def behind(self, stored_seq: int) -> None: ...


class SessionClock:
    def __init__(self, tick_seconds: float, expire: Callable[[str], Awaitable[object]],
                 expire_overdue: Callable[[], Awaitable[object]] | None = None, reconcile_seconds: float = 30.0,
                 event_counters: Callable[[list[str]], Awaitable[dict[str, int]]] | None = None,
                 catch_up_ticks: int = 5) -> None:
        self.tick_seconds = tick_seconds
        self._expire, self._expire_overdue, self._event_counters = expire, expire_overdue, event_counters
        self.reconcile_seconds, self.catch_up_ticks = reconcile_seconds, max(1, catch_up_ticks)
        self._deadlines: dict[str, float] = {}  # session id -> end (epoch seconds): the heap's live entries
        self._heap: list[tuple[float, str]] = []
        self._listeners: dict[str, set[ClockListener]] = {}
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._expiring: set[asyncio.Task[None]] = set()
        self._reconciling = False

    # ---- what the clock drives -----------------------------------------------------------------------------
    def set_deadline(self, session_id: str, ends_at: datetime | None) -> None:
        if ends_at is None:
            self.clear_deadline(session_id)
            return
        at = as_utc(ends_at).timestamp()
        self._deadlines[session_id] = at
        heapq.heappush(self._heap, (at, session_id))
        if self._heap[0] == (at, session_id):
            self._wake.set()  # earlier than what the loop sleeps towards

    def clear_deadline(self, session_id: str) -> None:
        self._deadlines.pop(session_id, None)  # its heap entry is skipped when it surfaces

    def add(self, listener: ClockListener) -> None:
        self._listeners.setdefault(listener.session_id, set()).add(listener)

    def remove(self, listener: ClockListener) -> None:
        listeners = self._listeners.get(listener.session_id)
        if listeners is not None:
            listeners.discard(listener)
            if not listeners:
                del self._listeners[listener.session_id]

    def stats(self) -> dict[str, int]:
        return {"listeners": sum(len(v) for v in self._listeners.values()), "deadlines": len(self._deadlines)}

    # ---- the one task --------------------------------------------------------------------------------------
    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name=TASK_NAME)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        if self._expiring:
            await asyncio.gather(*self._expiring, return_exceptions=True)

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        next_tick = loop.time() + self.tick_seconds
        next_reconcile = loop.time()
        ticks = 0
        while True:
            now = loop.time()
            wake_at = min(next_tick, next_reconcile if self._expire_overdue else next_tick)
            if self._heap:
                wake_at = min(wake_at, now + max(0.0, self._heap[0][0] - time.time()))
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), max(0.0, wake_at - now))
            self._fire_due_deadlines()
            now = loop.time()
            if self._expire_overdue is not None and now >= next_reconcile and not self._reconciling:
                next_reconcile = now + self.reconcile_seconds
                self._reconciling = True
                self._spawn(self._reconcile(), "reconcile")
            if now >= next_tick:
                next_tick = max(next_tick + self.tick_seconds, now)  # a late tick is not repeated to catch up
                ticks += 1
                await self._tick_all(catch_up=ticks % self.catch_up_ticks == 0)

    async def _reconcile(self) -> None:
        try:
            assert self._expire_overdue is not None
            await self._expire_overdue()
        finally:
            self._reconciling = False

    def _fire_due_deadlines(self) -> None:
        wall = time.time()
        while self._heap and self._heap[0][0] <= wall:
            at, session_id = heapq.heappop(self._heap)
            if self._deadlines.get(session_id) != at:
                continue  # moved or cleared since it was pushed
            del self._deadlines[session_id]
            self._spawn(self._expire(session_id), f"expire:{session_id}")

    async def _tick_all(self, catch_up: bool) -> None:
        listeners = [listener for group in self._listeners.values() for listener in group]
        if not listeners:
            return
        results = await asyncio.gather(*(listener.tick() for listener in listeners), return_exceptions=True)
        for result in results:
            if isinstance(result, Exception):
                logger.debug("a stream tick failed", exc_info=result)
        if catch_up and self._event_counters is not None:
            try:
                counters = await self._event_counters(list(self._listeners))
            except Exception:  # noqa: BLE001 - a database hiccup must not stop the clock
                logger.warning("event counters unavailable", exc_info=True)
                return
            for listener in listeners:
                stored = counters.get(listener.session_id)
                if stored is not None:
                    with contextlib.suppress(Exception):
                        await listener.behind(stored)

    def _spawn(self, work: Awaitable[object], name: str) -> None:
        async def run() -> None:
            try:
                await work
            except Exception:  # noqa: BLE001 - a database hiccup must not stop the clock
                logger.warning("clock job failed", exc_info=True, extra={"job": name})

        task = asyncio.get_running_loop().create_task(run(), name=f"{TASK_NAME}:{name}")
        self._expiring.add(task)
        task.add_done_callback(self._expiring.discard)
