"""Background work: a task queue (in-process asyncio, or a Redis list) and the worker that drains it."""
