"""The chain key the test servers use (they all run with tests.conftest.TEST_SECRET)."""

from __future__ import annotations

from candidatex.anticheat.integrity import IntegrityKeys
from tests.conftest import TEST_SECRET


def server_chain_key(session_id: str) -> bytes:
    return IntegrityKeys.from_settings(TEST_SECRET).chain_key(session_id)
