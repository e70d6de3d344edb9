"""A bounded least-recently-used map: the one in-memory cache of embeddings, job contexts and résumé profiles;
and `single_flight`, the same map as a decorator whose concurrent first calls compute a value once."""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, ParamSpec, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class LRU(Generic[K, V]):
    """At most `size` entries; reading one makes it the newest, adding past the size drops the oldest. Not
    thread-safe by itself (callers that share it across threads hold their own lock)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        value = self._items.get(key)
        if value is not None:
            self._items.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> None:
        if self.size <= 0:
            return
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self.size:
            self._items.popitem(last=False)

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def discard(self, key: K) -> None:
        self._items.pop(key, None)

    def __len__(self) -> int:
        return len(self._items)


P = ParamSpec("P")
R = TypeVar("R")
_MISSING = object()


def single_flight(size: int) -> Callable[[Callable[P, R]], _SingleFlight[P, R]]:
    """``functools.lru_cache`` for work done in worker threads: concurrent first calls with the same arguments
    compute the value once, the others wait for it. lru_cache lets every thread that misses compute it: 40
    interviews starting at once built the skill taxonomy and the family ranking once per worker thread."""

    def decorate(function: Callable[P, R]) -> _SingleFlight[P, R]:
        return _SingleFlight(function, size)

    return decorate


class _SingleFlight(Generic[P, R]):
    def __init__(self, function: Callable[P, R], size: int) -> None:
        self._function, self.size = function, size
        self._values: LRU[Hashable, object] = LRU(size)
        self._lock = threading.Lock()  # guards the two maps, never held while computing
        self._building: dict[Hashable, threading.Lock] = {}
        functools.update_wrapper(self, function)
        self.computed = 0  # how many times the function ran (tests: once per key and process)

    def _cached(self, key: Hashable) -> object:
        with self._lock:
            value = self._values.get(key)
            return _MISSING if value is None and key not in self._values else value

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        key: Hashable = (args, tuple(sorted(kwargs.items())))
        value = self._cached(key)
        if value is _MISSING:
            with self._lock:
                building = self._building.setdefault(key, threading.Lock())
            with building:  # one thread computes; the others wait here, then read its value
                value = self._cached(key)
                if value is _MISSING:
                    try:
                        value = self._function(*args, **kwargs)
                        with self._lock:
                            self._values.put(key, value)
                            self.computed += 1
                    finally:
                        with self._lock:
                            self._building.pop(key, None)
        return value  # type: ignore[return-value]

    def cache_clear(self) -> None:
        with self._lock:
            self._values = LRU(self.size)
