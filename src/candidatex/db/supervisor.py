"""Keeps the embedded database up: when its process dies, start it again on the same port.

The app's client keeps its URL, so PyMongo reconnects by itself and requests recover without an app restart;
while the server is down they answer 503 (core/resilience.py), never hang.
"""

from __future__ import annotations

import asyncio
import logging

from candidatex.db.embedded import EmbeddedMongo

logger = logging.getLogger(__name__)
MAX_BACKOFF_SECONDS = 30.0


async def supervise(embedded: EmbeddedMongo, every: float = 1.0) -> None:
    backoff = every
    while True:
        await asyncio.sleep(every)
        if embedded.alive:
            backoff = every
            continue
        code = embedded.process.returncode if embedded.process is not None else None
        logger.warning("embedded database exited; restarting it", extra={"exit_code": code, "port": embedded.port})
        try:
            await asyncio.to_thread(embedded.start)
            logger.info("embedded database restarted", extra={"port": embedded.port})
            backoff = every
        except Exception:  # noqa: BLE001 - try again later: the port may still be held, the disk may be full
            logger.error("embedded database restart failed", exc_info=True)
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
