from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from .fake_llm import FakeLLMServer


@pytest.fixture
async def llm_server() -> AsyncIterator[FakeLLMServer]:
    server = FakeLLMServer()
    await server.start()
    yield server
    await server.stop()
