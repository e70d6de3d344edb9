"""WS /interview/{id}/audio (the phone) reads frames like the other sockets: a text frame that is not JSON or names
an unknown command gets `{type: "error", code, message}` and the socket stays open for the stream that follows."""

from __future__ import annotations

import json

import httpx
import websockets
from websockets.exceptions import InvalidStatus

from tests.interviews.test_stream import signup, start_session, ws_url


async def test_bad_frames_get_an_error_event_and_the_phone_socket_stays_open(live_server: str) -> None:
    async with httpx.AsyncClient(base_url=live_server, timeout=60) as http:
        candidate, stranger = await signup(http), await signup(http)
        sid = await start_session(http, candidate)
        try:  # the services come by injection: the refusal before accept still holds
            await websockets.connect(ws_url(live_server, f"/interview/{sid}/audio?token={stranger['token']}"))
            raise AssertionError("another candidate opened the phone socket")
        except InvalidStatus as refused:
            assert refused.response.status_code == 403
        async with websockets.connect(ws_url(live_server, f"/interview/{sid}/audio?token={candidate['token']}")) as phone:
            for frame, code in [("not json at all", "bad_message"), ('["start"]', "bad_message"),
                                ("[" * 5000 + "]" * 5000, "bad_message"),
                                (json.dumps({"type": "dance"}), "unknown_type"), (json.dumps({}), "unknown_type")]:
                await phone.send(frame)
                error = json.loads(await phone.recv())
                assert error == {"type": "error", "code": code, "message": error["message"]}, (frame[:30], error)
            await phone.send(b"\x00\x00" * 160)  # audio before `start`
            assert json.loads(await phone.recv())["code"] == "not_started"
            await phone.send(json.dumps({"type": "start", "sample_rate": 16000, "format": "pcm16"}))
            assert json.loads(await phone.recv()) == {"type": "ready", "sample_rate": 16000, "channels": 1}
            await phone.send(json.dumps({"type": "stop"}))
