from __future__ import annotations

import asyncio
import time
from typing import Any

from litestar import Controller, Response, get
from litestar.datastructures import State

from candidatex.core.schemas import Envelope, ok

PUBLIC = {"exclude_from_auth": True}


async def _check(probe) -> dict[str, Any]:  # noqa: ANN001 - an async callable
    started = time.perf_counter()
    try:
        await asyncio.wait_for(probe(), timeout=2.0)
        return {"status": "ok", "latency_ms": round((time.perf_counter() - started) * 1000, 2)}
    except Exception as exc:  # noqa: BLE001 - readiness reports any failure, it never raises
        return {"status": "error", "latency_ms": round((time.perf_counter() - started) * 1000, 2),
                "error": type(exc).__name__}


class HealthController(Controller):
    path = "/health"
    tags = ["health"]

    @get("/", opt=PUBLIC)
    async def live(self) -> Envelope[dict[str, str]]:
        return ok({"status": "ok"})

    @get("/ready", opt=PUBLIC)
    async def ready(self, state: State) -> Response[Envelope[dict[str, Any]]]:
        checks = {"database": await _check(state.database.ping)}
        if state.redis is not None:
            checks["redis"] = await _check(state.redis.ping)
        healthy = all(c["status"] == "ok" for c in checks.values())
        body = ok({"status": "ready" if healthy else "degraded", "checks": checks})
        return Response(body, status_code=200 if healthy else 503)
