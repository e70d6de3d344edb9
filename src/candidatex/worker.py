"""`candidatex worker`: runs background tasks from the SAQ queue on Redis until SIGTERM (or SIGINT)."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys

from candidatex.config import Settings

logger = logging.getLogger(__name__)


async def run_worker(settings: Settings) -> int:
    from redis.asyncio import Redis

    from candidatex.audit.service import AuditService
    from candidatex.background import build_domain, build_queue, scheduled_tasks, task_handlers
    from candidatex.core.logging import configure_logging
    from candidatex.db.client import connect

    configure_logging(settings.log_level, settings.log_json)
    if not settings.redis_url:
        print("error: the worker needs REDIS_URL (without Redis the app runs tasks in-process)", file=sys.stderr)
        return 2
    if not settings.mongodb_url:
        print("error: the worker needs MONGODB_URL (the embedded database belongs to one app process)",
              file=sys.stderr)
        return 2
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    database = await connect(settings)
    redis = Redis.from_url(settings.redis_url, socket_connect_timeout=2, socket_timeout=30, health_check_interval=10)
    queue = build_queue(settings, redis)
    domain = build_domain(settings, database, queue, AuditService(settings.audit_retention_days))
    logger.info("worker started", extra={"concurrency": queue.concurrency})
    try:
        await queue.run(task_handlers(domain), stop, scheduled_tasks(settings))
    finally:
        logger.info("worker stopped", extra={"processed": queue.saq.complete, "failed": queue.saq.failed})
        await redis.aclose()
        await database.close()
    return 0
