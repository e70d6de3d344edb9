"""What socket tests share: reading a stream's events up to the one wanted, keeping every event seen."""

from __future__ import annotations

import asyncio
import json
from typing import Any


async def events_until(ws: Any, wanted: str, seen: list[dict[str, Any]], timeout: float = 60) -> dict[str, Any]:
    """The first event of type `wanted`; every event read on the way is appended to `seen` (the timeout only
    guards against a hang)."""
    async def wait() -> dict[str, Any]:
        while True:
            event = json.loads(await ws.recv())
            seen.append(event)
            if event["type"] == wanted:
                return event

    return await asyncio.wait_for(wait(), timeout)
