"""The Redis channels backend under concurrent first subscriptions and an outage."""

from __future__ import annotations

import asyncio
from pathlib import Path

from redis.asyncio import Redis

from candidatex.core.resilience import ResilientRedisChannelsBackend
from tests.processes import RedisProcess


async def _receive(backend: ResilientRedisChannelsBackend, wanted: set[str], timeout: float = 20) -> set[str]:
    got: set[str] = set()

    async def collect() -> None:
        async for channel, _ in backend.stream_events():
            got.add(channel)
            if got >= wanted:
                return

    await asyncio.wait_for(collect(), timeout)
    return got


async def test_concurrent_first_subscriptions_all_deliver(redis_url: str) -> None:
    redis = Redis.from_url(redis_url)
    backend = ResilientRedisChannelsBackend(redis=redis)
    channels = {f"interview:{n}" for n in range(12)}
    # a burst of sockets opening at once on a fresh process: each subscribes its own channel
    await asyncio.gather(*(backend.subscribe([c]) for c in channels))
    for channel in channels:
        await backend.publish(b"x", [channel])
    assert await _receive(backend, channels) == channels
    await backend.on_shutdown()
    await redis.aclose()


async def test_subscriber_survives_an_outage_and_resubscribes(tmp_path: Path) -> None:
    server = RedisProcess(tmp_path / "redis").start()
    redis = Redis.from_url(server.url, socket_connect_timeout=1)
    backend = ResilientRedisChannelsBackend(redis=redis)
    try:
        await backend.subscribe(["interview:a"])
        await backend.publish(b"1", ["interview:a"])
        assert await _receive(backend, {"interview:a"}) == {"interview:a"}
        server.stop()
        await backend.publish(b"lost", ["interview:a"])  # dropped and logged, no exception
        listener = asyncio.create_task(_receive(backend, {"interview:a", "interview:b"}, timeout=30))
        await asyncio.sleep(1)  # the listener meets the dead connection and waits
        await backend.subscribe(["interview:b"])  # deferred until Redis is back
        server.start()
        for _ in range(40):
            await asyncio.sleep(0.25)
            await backend.publish(b"2", ["interview:a"])
            await backend.publish(b"3", ["interview:b"])
            if listener.done():
                break
        assert await listener == {"interview:a", "interview:b"}
    finally:
        await backend.on_shutdown()
        await redis.aclose()
        server.stop()
