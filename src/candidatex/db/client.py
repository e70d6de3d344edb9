"""Database lifecycle: connect (or start the embedded server), register documents, create indexes."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

from beanie import Document, init_beanie
from pymongo import AsyncMongoClient

from candidatex.config import Settings
from candidatex.core import crypto
from candidatex.db.embedded import EmbeddedMongo, running_server_url
from candidatex.db.registry import document_models
from candidatex.db.supervisor import supervise


@dataclass
class Database:
    client: AsyncMongoClient
    name: str
    embedded: EmbeddedMongo | None = None
    models: list[type[Document]] = field(default_factory=list)
    supervisor: asyncio.Task[None] | None = None

    @property
    def db(self):  # noqa: ANN201 - pymongo's AsyncDatabase
        return self.client[self.name]

    async def ping(self) -> float:
        """Round-trip latency in milliseconds; raises when the server is unreachable."""
        started = time.perf_counter()
        await self.client.admin.command("ping")
        return (time.perf_counter() - started) * 1000

    def supervise(self, every: float = 1.0) -> None:
        """Restarts the embedded server, on the same port, whenever it dies while the app runs."""
        if self.embedded is not None and self.supervisor is None:
            self.supervisor = asyncio.create_task(supervise(self.embedded, every), name="embedded-db-supervisor")

    async def close(self) -> None:
        try:
            if self.supervisor is not None:  # first, or it would restart the server we stop below
                self.supervisor.cancel()
                await asyncio.gather(self.supervisor, return_exceptions=True)
            await self.client.close()
        finally:
            if self.embedded:
                # Synchronous on purpose: a second Ctrl-C cancels the shutdown, and an awaited stop would be skipped,
                # leaving the database running without its app.
                self.embedded.stop()


async def connect(settings: Settings, share_running: bool = False) -> Database:
    """With `share_running`, a command run beside `candidatex serve` uses that server's embedded database."""
    crypto.configure(settings.secret_key, settings.field_encryption_key)  # sensitive fields, sealed at rest
    embedded = None
    url = settings.mongodb_url
    if not url and share_running:
        url = await asyncio.to_thread(running_server_url, settings.data_dir)
    if not url:
        embedded = EmbeddedMongo(settings.data_dir / "db", sync_on_commit=settings.db_sync_on_commit,
                                 replica_set=settings.db_replica_set)
        url = await asyncio.to_thread(embedded.start)
    client: AsyncMongoClient = AsyncMongoClient(url, serverSelectionTimeoutMS=5000, tz_aware=True, uuidRepresentation="standard")
    models = document_models()
    try:
        await init_beanie(database=client[settings.mongodb_db], document_models=models)
        from candidatex.interviews.store import backfill_listings

        await backfill_listings()
    except Exception:
        await client.close()
        if embedded:
            embedded.stop()
        raise
    return Database(client=client, name=settings.mongodb_db, embedded=embedded, models=models)
