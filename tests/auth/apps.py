"""Extra in-process apps on their own settings (restarts, other keys, trusted proxies), beside the session app.

Beanie binds documents to one client at a time: when an extra app stops, the session app's binding and field
keys are put back, so the tests after it run as before.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from beanie import init_beanie
from litestar import Litestar
from litestar.testing import AsyncTestClient

from candidatex.app import create_app
from candidatex.config import Settings
from candidatex.core import crypto
from tests.conftest import make_settings


def new_db_name() -> str:
    return f"auth_{uuid.uuid4().hex[:10]}"


async def rebind(session_app: Litestar) -> None:
    database = session_app.state.database
    await init_beanie(database=database.db, document_models=database.models)
    crypto.configure_from_settings(session_app.state.settings)


@asynccontextmanager
async def app_client(session_client: AsyncTestClient, mongo_url: str, data_dir: Path,
                     **env: str) -> AsyncIterator[tuple[AsyncTestClient, Settings]]:
    """`session_client` is the session app's client: its app runs on its own event loop (the client's portal),
    so its binding is put back from there."""
    settings = make_settings(mongo_url, data_dir, **env)
    async with served_beside(session_client, create_app(settings)) as client:
        yield client, settings


@asynccontextmanager
async def served_beside(session_client: AsyncTestClient, app: Litestar) -> AsyncIterator[AsyncTestClient]:
    """A client of `app`, an extra app already built; afterwards the session app's binding is put back."""
    try:
        async with AsyncTestClient(app, base_url="http://testserver.local") as client:
            yield client
    finally:
        session_client.blocking_portal.call(rebind, session_client.app)
