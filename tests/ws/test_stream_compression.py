"""Stream sockets are not compressed unless WS_COMPRESSION asks for it: the client's offer of permessage-deflate
is declined by default (each compressing socket keeps its own zlib state) and accepted when it is on."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
import websockets

from tests.conftest import live_env
from tests.interviews.test_stream import next_event, signup, start_session, ws_url
from tests.servers import running_server


@pytest.mark.parametrize(("setting", "negotiated"), [(None, []), ("true", ["permessage-deflate"])])
async def test_compression_is_negotiated_only_when_configured(mongo_url: str, tmp_path: Path, setting: str | None,
                                                              negotiated: list[str]) -> None:
    env = live_env(mongo_url) | ({"WS_COMPRESSION": setting} if setting else {})
    with running_server(env, tmp_path / "app") as (url, _):
        async with httpx.AsyncClient(base_url=url, timeout=20) as http:
            candidate = await signup(http)
            sid = await start_session(http, candidate, question_count=1)
            stream = ws_url(url, f"/interview/{sid}/stream?token={candidate['token']}")
            async with websockets.connect(stream, compression="deflate") as ws:  # the client offers it
                assert (await next_event(ws, "question"))["type"] == "question"
                assert [extension.name for extension in ws.protocol.extensions] == negotiated
