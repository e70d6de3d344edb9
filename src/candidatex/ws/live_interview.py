"""WS /live-interview/{session_id}?token=…: WebRTC signaling, presence and chat of a live interview.

The protocol is media/signaling.py's (join, leave, message, offer, answer, ice-candidate, end, error), its events
declared in ws/live_events.py; this handler authorises the user against the session before accepting the socket,
reads every frame as a declared message (anything else gets an `error` event, the socket stays open), applies the
app's rules that the library does not know (no publishing into an ended interview, who may publish or subscribe in
which kind of interview, admins may end too) and ties the socket's life to the peers.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from litestar import WebSocket, websocket
from litestar.exceptions import WebSocketDisconnect

from candidatex.core.errors import AppError
from candidatex.core.frames import BadFrame, read_frame
from candidatex.interviews.service import InterviewService
from candidatex.media.hub import Role
from candidatex.media.service import MediaService
from candidatex.media.signaling import NotAParticipant
from candidatex.users.models import User
from candidatex.ws.events import ErrorEvent
from candidatex.ws.live_events import LIVE_CLIENT_MESSAGE, LIVE_CLIENT_TYPES

logger = logging.getLogger(__name__)
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
MAX_MESSAGE_BYTES = 128 * 1024


@websocket("/live-interview/{session_id:str}")
async def live_interview(socket: WebSocket, session_id: str, media_service: MediaService,
                         interview_service: InterviewService) -> None:
    media = media_service
    user: User = socket.user
    try:
        session, role = await media.participant(user, session_id)
    except AppError:
        # before accept: the client sees the handshake refused, and nothing of the session
        await socket.close(code=CLOSE_FORBIDDEN, reason="not a participant of this interview")
        return
    await socket.accept()
    send_lock = asyncio.Lock()
    closed = False

    async def send(event: dict[str, Any]) -> None:
        async with send_lock:
            await socket.send_json(event)

    async def close() -> None:
        nonlocal closed
        if not closed:
            closed = True
            with contextlib.suppress(Exception):
                await socket.close(code=1000, reason="interview ended")

    try:
        connection = await media.signaling.connect(session_id, str(user.id), send, close)
    except NotAParticipant:
        await close()
        return
    try:
        while True:
            try:
                raw = await socket.receive_data(mode="text")
            except WebSocketDisconnect:
                break
            if closed:
                break
            try:
                message = read_frame(raw, MAX_MESSAGE_BYTES, LIVE_CLIENT_TYPES, LIVE_CLIENT_MESSAGE, LIVE_CLIENT_TYPES)
            except BadFrame as problem:
                await send(ErrorEvent(code=problem.code, message=problem.message).model_dump())
                continue
            if connection.joined:
                kind = message["type"]
                try:
                    if kind == "offer":
                        session = await interview_service.load(session_id)
                        media.check_direction(session, role, str(message.get("direction", "publish")))
                    elif kind == "end" and role is Role.ADMIN:
                        await media.end_by(user, session_id)
                        continue
                except AppError as error:
                    await send(ErrorEvent(code=error.code.lower(), message=error.message).model_dump())
                    continue
            await media.signaling.handle(connection, message)
    except WebSocketDisconnect:
        pass
    finally:
        await media.signaling.disconnect(connection)
        await close()
