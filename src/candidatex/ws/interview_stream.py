"""WS /interview/{session_id}/stream: numbered events out (with replay from ?last_seq=), answers in."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any

from litestar import WebSocket, websocket
from litestar.channels import ChannelsPlugin
from litestar.exceptions import WebSocketDisconnect
from pydantic import ValidationError

from candidatex.core.errors import AppError
from candidatex.interviews.access import Action
from candidatex.interviews.events import EventBus, channel_of
from candidatex.interviews.schemas import AnswerIn
from candidatex.interviews.service import InterviewService, remaining_seconds
from candidatex.users.models import User

logger = logging.getLogger(__name__)
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404


class StreamConnection:
    """One socket: forwards channel events in seq order and turns client messages into service calls."""

    def __init__(self, socket: WebSocket, user: User, session_id: str, service: InterviewService,
                 bus: EventBus, timer_seconds: float, message_handlers: dict[str, Any]) -> None:
        self.socket, self.user, self.session_id = socket, user, session_id
        self.service, self.bus = service, bus
        self.timer_seconds = timer_seconds
        self.message_handlers = message_handlers  # other domains (anti-cheat signals, voice) plug in here
        self.sent_seq = 0
        self.send_lock = asyncio.Lock()
        self.seq_lock = asyncio.Lock()
        self.pending_gap: int | None = None

    async def send(self, event: dict[str, Any]) -> None:
        async with self.send_lock:
            await self.socket.send_json(event)

    async def forward(self, subscriber: Any) -> None:
        async for raw in subscriber.iter_events():
            await self.deliver(json.loads(raw))

    async def deliver(self, event: dict[str, Any]) -> None:
        async with self.seq_lock:
            if not event.get("ephemeral"):
                if event["seq"] <= self.sent_seq:
                    return  # already sent (replay or catch-up)
                if event["seq"] > self.sent_seq + 1:
                    # a gap: the fan-out dropped events (a Redis outage); they are stored, send them first
                    for missed in await self.bus.missed(self.session_id, self.sent_seq):
                        if missed["seq"] < event["seq"]:
                            await self.send(missed)
                self.sent_seq = event["seq"]
            await self.send(event)

    async def catch_up(self) -> None:
        """Safety net for events the fan-out never delivered and no later event reveals: a stored event still
        missing at two consecutive ticks is sent from MongoDB."""
        async with self.seq_lock:
            missed = await self.bus.missed(self.session_id, self.sent_seq, limit=200)
            if not missed:
                self.pending_gap = None
                return
            if self.pending_gap is None or self.pending_gap != missed[0]["seq"]:
                self.pending_gap = missed[0]["seq"]  # give the live path one tick to deliver it
                return
            for event in missed:
                await self.send(event)
                self.sent_seq = event["seq"]
            self.pending_gap = None

    async def tick(self) -> None:
        while True:
            try:
                await self.catch_up()
                await self.send_timer()
            except (WebSocketDisconnect, asyncio.CancelledError):
                raise
            except Exception:  # noqa: BLE001 - a database hiccup must not stop the clock of this socket
                logger.warning("stream tick failed", exc_info=True, extra={"session_id": self.session_id})
            await asyncio.sleep(self.timer_seconds)

    async def send_timer(self) -> None:
        state = await self.service.live_state(self.session_id)
        if state is None:
            session = await self.service.load(self.session_id)
            state = {"status": session.status.value, "remaining_seconds": remaining_seconds(session)}
        elif state.get("status") == "active" and state.get("ends_at"):
            from datetime import datetime

            from candidatex.core.timeutil import utcnow

            state["remaining_seconds"] = max(0, int((datetime.fromisoformat(state["ends_at"]) - utcnow()).total_seconds()))
        # the clock is the server's: a reconnecting client gets the true time left, not its own count
        await self.send({"type": "timer", "seq": self.sent_seq, "session_id": self.session_id,
                         "data": {"remaining_seconds": state.get("remaining_seconds"), "status": state.get("status")}})

    async def receive(self) -> None:
        while True:
            try:
                message = await self.socket.receive_json()
            except (json.JSONDecodeError, ValueError, TypeError):
                await self.send_error("bad_message", "Messages must be JSON objects")
                continue
            if not isinstance(message, dict):
                await self.send_error("bad_message", "Messages must be JSON objects")
                continue
            await self.handle(message)

    async def handle(self, message: dict[str, Any]) -> None:
        kind = message.get("type")
        try:
            if kind == "ping":
                await self.send({"type": "pong", "seq": self.sent_seq})
            elif kind == "answer":
                # "type" names the message here; the answer's own type travels as "answer_type"
                data = AnswerIn.model_validate({"question_id": message.get("question_id"), "content": message.get("content"),
                                                "type": message.get("answer_type", "text")})
                await self.service.answer(self.user, self.session_id, data.question_id, data.content, data.type)
            elif kind in self.message_handlers:
                reply = await self.message_handlers[kind](self.user, self.session_id, message)
                if reply:
                    await self.send(reply)
            else:
                await self.send_error("unknown_type", f"Unknown message type: {kind!r}")
        except ValidationError as error:
            await self.send_error("validation_error", "; ".join(e["msg"] for e in error.errors()))
        except AppError as error:
            await self.send_error(error.code, error.message)

    async def send_error(self, code: str, message: str) -> None:
        await self.send({"type": "error", "seq": self.sent_seq, "data": {"code": code, "message": message}})


@websocket("/interview/{session_id:str}/stream")
async def interview_stream(socket: WebSocket, session_id: str, channels: ChannelsPlugin) -> None:
    state = socket.app.state
    service: InterviewService = state.interview_service
    user: User = socket.user
    try:  # the same policy as the REST routes (interviews/access.py); refused before accept
        await service.authorize(user, session_id, Action.view)
    except AppError as error:
        code = CLOSE_NOT_FOUND if error.status_code == 404 else CLOSE_FORBIDDEN
        await socket.close(code=code, reason="not a participant of this interview")
        return
    try:
        last_seq = max(0, int(socket.query_params.get("last_seq", "0")))
    except ValueError:
        last_seq = 0
    await socket.accept()
    connection = StreamConnection(socket, user, session_id, service, state.event_bus, state.settings_timer_seconds,
                                  state.stream_message_handlers)
    connection.sent_seq = last_seq
    try:
        async with channels.start_subscription([channel_of(session_id)]) as subscriber:
            for event in await state.event_bus.missed(session_id, last_seq):
                await connection.send(event)
                connection.sent_seq = event["seq"]
            tasks = [asyncio.create_task(connection.forward(subscriber)), asyncio.create_task(connection.tick())]
            try:
                await connection.receive()
            finally:
                for task in tasks:
                    task.cancel()
                for task in tasks:
                    with contextlib.suppress(asyncio.CancelledError, Exception):
                        await task
    except WebSocketDisconnect:
        pass
