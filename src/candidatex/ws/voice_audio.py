"""WS /interview/{session_id}/audio?token=…: the phone's microphone (speech/protocol.md); only the candidate.

The protocol itself is speech/stream.py's; this handler refuses everyone but the session's candidate before
accepting, paces the audio against real time and keeps the candidate's voice session across a dropped socket.
"""

from __future__ import annotations

import contextlib
from typing import Any

from litestar import WebSocket, websocket
from litestar.exceptions import WebSocketDisconnect

from candidatex.core.errors import AppError
from candidatex.speech.service import VoiceService
from candidatex.speech.stream import AudioPace, read_client
from candidatex.users.models import User
from candidatex.ws.events import ErrorEvent

CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
CLOSE_ENDED = 4409


@websocket("/interview/{session_id:str}/audio")
async def voice_audio_stream(socket: WebSocket, session_id: str, voice_service: VoiceService) -> None:
    """Microphone audio from native/mobile clients (docs/api.md, "Voice WebSocket"); only the candidate."""
    service = voice_service
    user: User = socket.user
    try:
        await service.open_for_candidate(user, session_id)
    except AppError as error:
        code = {404: CLOSE_NOT_FOUND, 403: CLOSE_FORBIDDEN}.get(error.status_code, CLOSE_ENDED)
        await socket.close(code=code, reason=error.code)  # before accept: the client sees the refusal
        return
    await socket.accept()

    pace = AudioPace()

    async def receive() -> str | bytes | None:
        while True:
            try:
                message = await socket.receive()
            except WebSocketDisconnect:
                return None
            if message["type"] != "websocket.receive":
                return None
            data = message.get("bytes") or message.get("text")
            if isinstance(data, bytes) and not pace.allow(len(data)):
                if not pace.warned:
                    pace.warned = True
                    await to_client(ErrorEvent(code="too_fast", message="audio is arriving much faster than real "
                                                                        "time; the excess is dropped").model_dump())
                continue
            if isinstance(data, str):
                pace.configure(data)
            return data

    gone = False

    async def to_client(message: dict[str, Any]) -> None:
        nonlocal gone
        if gone:
            return
        try:
            await socket.send_json(message)
        except Exception:  # noqa: BLE001 - the client left; the answer it finished is still saved
            gone = True

    # One voice session per interview outlives a dropped socket (reconnect_grace_s): the answer in progress
    # goes on when the phone comes back, or is finished and filed if it does not.
    voice = service.attach(user, session_id, "mobile", to_client)
    stopped = await read_client(voice.pipeline, receive, to_client, voice.show_question)
    if stopped:
        await voice.close()
    else:
        service.detach(voice)
    if not gone:
        with contextlib.suppress(Exception):
            await socket.close()
