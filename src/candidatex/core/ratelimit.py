"""Fixed-window request budgets, every budget a request falls under spent in one store round trip.

A window starts with its first request and lasts its length (Litestar's RateLimitMiddleware semantics); a
request is refused when any of its budgets is already spent, and a refused request spends none of them.
Redis runs the check and the spending of all the request's budgets as one Lua script (atomic across workers);
the embedded default keeps the windows in process memory (no await between the check and the spend).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from candidatex.core.resilience import REDIS_DOWN, Throttled


@dataclass(frozen=True, slots=True)
class Budget:
    key: str
    limit: int
    window: int  # seconds


@dataclass(frozen=True, slots=True)
class Spent:
    refused: int | None  # index of the first budget that was already spent, else None
    counts: list[int]  # requests in each window (this one included unless refused)
    resets: list[int]  # seconds until each window starts again
    present: int | None = None  # how many of the `check` keys exist; None: not read (no Redis round trip)


class Windows(Protocol):
    async def spend(self, budgets: Sequence[Budget], check: Sequence[str] = ()) -> Spent:
        """``check``: Redis keys whose existence the same round trip reads (`Spent.present`); stores that are
        not Redis leave it None."""
        ...


class MemoryWindows:
    """One process's windows (the embedded default, and the fallback while Redis is unreachable)."""

    def __init__(self, max_keys: int = 100_000) -> None:
        self._windows: dict[str, tuple[int, float]] = {}  # key -> (count, window ends at)
        self.max_keys = max_keys

    async def spend(self, budgets: Sequence[Budget], check: Sequence[str] = ()) -> Spent:
        now = time.time()
        if len(self._windows) > self.max_keys:
            self._windows = {k: w for k, w in self._windows.items() if w[1] > now}
            if len(self._windows) > self.max_keys // 2:
                # Still full of live windows (a flood of distinct keys): drop the oldest half, so memory stays
                # bounded and the sweep does not run again on every request.
                self._windows = dict(list(self._windows.items())[-(self.max_keys // 2):])
        current = []
        for budget in budgets:
            window = self._windows.get(budget.key)
            current.append(window if window is not None and window[1] > now else (0, now + budget.window))
        resets = [max(int(ends - now), 0) for _, ends in current]
        for index, (budget, (count, _)) in enumerate(zip(budgets, current, strict=True)):
            if count >= budget.limit:
                return Spent(index, [c for c, _ in current], resets)
        for budget, (count, ends) in zip(budgets, current, strict=True):
            self._windows[budget.key] = (count + 1, ends)
        return Spent(None, [c + 1 for c, _ in current], resets)


# KEYS: one per budget, then the keys whose existence is read in the same round trip (`check`); ARGV: the number
# of budgets, then limit, window seconds for each. Returns refused index (0 = none), then count, ttl for each
# budget, then how many of the `check` keys exist.
_SPEND = """
local n = tonumber(ARGV[1])
local counts, ttls = {}, {}
for i = 1, n do
  counts[i] = tonumber(redis.call('GET', KEYS[i]) or '0')
  ttls[i] = redis.call('TTL', KEYS[i])
  if ttls[i] < 0 then counts[i] = 0; ttls[i] = tonumber(ARGV[2 * i + 1]) end
end
local result = {0}
for i = 1, n do
  if counts[i] >= tonumber(ARGV[2 * i]) then
    result[1] = i
    break
  end
end
for i = 1, n do
  if result[1] == 0 then
    counts[i] = redis.call('INCR', KEYS[i])
    if counts[i] == 1 then redis.call('EXPIRE', KEYS[i], ARGV[2 * i + 1]) end
  end
  result[2 * i] = counts[i]
  result[2 * i + 1] = ttls[i]
end
local present = 0
for i = n + 1, #KEYS do
  present = present + redis.call('EXISTS', KEYS[i])
end
result[2 * n + 2] = present
return result
"""


class RedisWindows:
    """Windows shared by every worker: a counter key per budget, expiring when its window ends."""

    def __init__(self, redis: Any, prefix: str) -> None:
        self.prefix, self.redis = prefix, redis
        self._script = redis.register_script(_SPEND)

    async def spend(self, budgets: Sequence[Budget], check: Sequence[str] = ()) -> Spent:
        args: list[int] = [len(budgets)]
        for budget in budgets:
            args += [budget.limit, budget.window]
        result = await self._script(keys=[*(self.prefix + b.key for b in budgets), *check], args=args)
        refused, spent = int(result[0]), result[1:-1]
        return Spent(refused - 1 if refused else None, [int(c) for c in spent[0::2]], [int(t) for t in spent[1::2]],
                     int(result[-1]))


class FallbackWindows:
    """Redis's windows, or this process's own while Redis is unreachable (limits still hold, per worker)."""

    def __init__(self, primary: Windows, fallback: Windows | None = None) -> None:
        self.primary, self.fallback = primary, fallback or MemoryWindows()
        self._log = Throttled()

    @property
    def redis(self) -> Any:
        """The Redis client the shared windows are spent on (None: this process's own windows only)."""
        return getattr(self.primary, "redis", None)

    async def spend(self, budgets: Sequence[Budget], check: Sequence[str] = ()) -> Spent:
        try:
            return await self.primary.spend(budgets, check)
        except REDIS_DOWN as exc:
            self._log.warn("redis unreachable: using the local store", store="rate_limit", error=type(exc).__name__)
            return await self.fallback.spend(budgets)


def build_windows(redis: Any) -> Windows:
    if redis is None:
        return MemoryWindows()
    return FallbackWindows(RedisWindows(redis, "candidatex_rate_limit:"))
