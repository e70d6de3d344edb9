"""What the app does when Redis or MongoDB goes away, and how it comes back without a restart.

Policy (docs/operations.md, "Redis outage"):
- token denylist: fail closed. A revoked token must never be accepted, so authenticated requests answer
  503 `service_unavailable` (exception handlers below) until Redis is back.
- rate limits: degrade to a per-process in-memory budget while Redis is unreachable (limits still hold,
  per worker), back to the shared budget as soon as Redis answers again.
- live state and the AI cache: soft. A failed read is a miss (callers fall back to MongoDB / the provider),
  a failed write is skipped.
- stream fan-out (channels): a failed publish is logged and dropped; every event is stored in MongoDB first
  and sockets fill any gap in `seq` from there, so nothing is lost. The subscriber loop survives the outage
  and re-subscribes when Redis returns.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncGenerator
from datetime import timedelta
from typing import Any

from litestar import Request, Response
from litestar.channels.backends.redis import RedisChannelsPubSubBackend
from litestar.stores.base import Store
from litestar.stores.redis import RedisStore
from pymongo.errors import ConnectionFailure
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from candidatex.core.schemas import ErrorBody, ErrorEnvelope

logger = logging.getLogger(__name__)

REDIS_DOWN = (RedisConnectionError, RedisTimeoutError, ConnectionError, OSError, asyncio.TimeoutError)


class Throttled:
    """Logs an outage once every `every` seconds instead of once per request."""

    def __init__(self, every: float = 10.0) -> None:
        self.every, self.last = every, 0.0

    def warn(self, message: str, **extra: Any) -> None:
        now = time.monotonic()
        if now - self.last >= self.every:
            self.last = now
            logger.warning(message, extra=extra)


async def exists_any(store: Store, keys: list[str]) -> bool:
    """Whether any of the keys is set: one round trip on Redis (EXISTS k1 k2 …), whatever the number of keys."""
    if isinstance(store, RedisStore):
        return bool(await store._redis.exists(*(store._make_key(key) for key in keys)))  # noqa: SLF001
    for key in keys:
        if await store.exists(key):
            return True
    return False


class SoftStore(Store):
    """A store whose failures are misses: reads give None, writes are skipped (callers have another source)."""

    def __init__(self, primary: Store, name: str = "") -> None:
        self.primary, self.name = primary, name
        self._log = Throttled()

    async def _call(self, method: str, default: Any, *args: Any) -> Any:
        try:
            return await getattr(self.primary, method)(*args)
        except REDIS_DOWN as exc:
            self._log.warn("redis unreachable: store degraded", store=self.name, error=type(exc).__name__)
            return default

    async def set(self, key: str, value: str | bytes, expires_in: int | timedelta | None = None) -> None:
        await self._call("set", None, key, value, expires_in)

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        return await self._call("get", None, key, renew_for)

    async def delete(self, key: str) -> None:
        await self._call("delete", None, key)

    async def delete_all(self) -> None:
        await self._call("delete_all", None)

    async def exists(self, key: str) -> bool:
        return await self._call("exists", False, key)

    async def expires_in(self, key: str) -> int | None:
        return await self._call("expires_in", None, key)


class ResilientRedisChannelsBackend(RedisChannelsPubSubBackend):
    """Litestar's Redis pub/sub backend, whose publisher and subscriber tasks outlive a Redis outage.

    Litestar runs one publisher task and one subscriber task per process; an exception ends either for good.
    Here a failed publish is dropped (the event is already in MongoDB), and the subscriber loop waits and
    retries: redis-py reconnects the pub/sub connection and re-subscribes its channels on the next read.
    """

    retry_delay = 0.5

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._log = Throttled()
        # redis-py's PubSub is not safe for concurrent SUBSCRIBE: two first subscribers racing in connect()
        # each take a connection, and the subscription sent on the one that is overwritten never delivers.
        self._subscribe_lock = asyncio.Lock()

    async def publish(self, data: bytes, channels: Any) -> None:
        try:
            await super().publish(data, channels)
        except REDIS_DOWN as exc:
            self._log.warn("redis unreachable: stream event not fanned out (stored in MongoDB)",
                           error=type(exc).__name__)

    async def subscribe(self, channels: Any) -> None:
        try:
            async with self._subscribe_lock:
                await super().subscribe(channels)
        except REDIS_DOWN as exc:
            # remembered by the pub/sub object only once sent; keep the wish so the reconnect re-subscribes
            self._log.warn("redis unreachable: subscription deferred", error=type(exc).__name__)
            pubsub = self._pub_sub
            wanted = pubsub._normalize_keys(dict.fromkeys(channels))  # noqa: SLF001 - redis-py's own key form
            pubsub.channels.update(wanted)  # redis-py re-subscribes these when its connection comes back
            pubsub.pending_unsubscribe_channels.difference_update(wanted)
            self._has_subscribed.set()

    async def unsubscribe(self, channels: Any) -> None:
        try:
            async with self._subscribe_lock:
                await super().unsubscribe(channels)
        except REDIS_DOWN as exc:
            self._log.warn("redis unreachable: unsubscribe deferred", error=type(exc).__name__)
            pubsub = self._pub_sub
            for key in pubsub._normalize_keys(dict.fromkeys(channels)):  # noqa: SLF001
                pubsub.channels.pop(key, None)
                pubsub.pending_unsubscribe_channels.discard(key)
            if not pubsub.channels:
                self._has_subscribed.clear()

    async def stream_events(self) -> AsyncGenerator[tuple[str, Any], None]:
        while True:
            try:
                async for item in super().stream_events():
                    yield item
            except (*REDIS_DOWN, RuntimeError) as exc:  # RuntimeError: the very first connection never came up
                self._log.warn("redis unreachable: stream subscriber waiting to reconnect", error=type(exc).__name__)
                await asyncio.sleep(self.retry_delay)
                pubsub = self._pub_sub
                if pubsub.connection is None and pubsub.channels:
                    with contextlib.suppress(*REDIS_DOWN):
                        await pubsub.subscribe(*list(pubsub.channels))


def _unavailable(what: str) -> Response:
    body = ErrorEnvelope(error=ErrorBody(code="service_unavailable",
                                         message=f"{what} is unreachable; try again in a moment"))
    return Response(body.model_dump(mode="json"), status_code=503, headers={"Retry-After": "5"})


_log = Throttled()


def redis_unavailable_handler(request: Request, exc: Exception) -> Response:
    _log.warn("redis unreachable: request refused", path=request.url.path, error=type(exc).__name__)
    return _unavailable("The session store")


def database_unavailable_handler(request: Request, exc: Exception) -> Response:
    _log.warn("database unreachable: request refused", path=request.url.path, error=type(exc).__name__)
    return _unavailable("The database")


RESILIENCE_HANDLERS = {
    RedisConnectionError: redis_unavailable_handler,
    RedisTimeoutError: redis_unavailable_handler,
    ConnectionFailure: database_unavailable_handler,
}
