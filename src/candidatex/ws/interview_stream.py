"""WS /interview/{session_id}/stream: numbered events out (with replay from ?last_seq=), answers in."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from datetime import datetime
from typing import Any

from litestar import WebSocket, websocket
from litestar.channels import ChannelsPlugin
from litestar.exceptions import WebSocketDisconnect
from pydantic import ValidationError

from candidatex.core.errors import AppError
from candidatex.core.frames import BadFrame, read_frame, validation_message
from candidatex.core.timeutil import as_utc, utcnow
from candidatex.interviews.access import Action
from candidatex.interviews.clock import SessionClock
from candidatex.interviews.events import EventBus, channel_of
from candidatex.interviews.models import InterviewSession, SessionStatus
from candidatex.interviews.schemas import AnswerIn
from candidatex.interviews.service import ENDED, InterviewService, remaining_seconds
from candidatex.users.models import User
from candidatex.ws.events import CLIENT_MESSAGE, CLIENT_TYPES, error_event, timer_event

logger = logging.getLogger(__name__)
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
ENDED_VALUES = {status.value for status in ENDED}
MAX_MESSAGE_BYTES = 256 * 1024  # an answer's text (AnswerIn caps it) with room for the envelope


class StreamConnection:
    """One socket: forwards channel events in seq order and turns client messages into service calls. Its timer
    comes from the process clock (interviews/clock.py), computed from what the stream already knows."""

    def __init__(self, socket: WebSocket, user: User, session: InterviewSession, service: InterviewService,
                 bus: EventBus, message_handlers: dict[str, Any]) -> None:
        self.socket, self.user, self.session_id = socket, user, str(session.id)
        self.service, self.bus = service, bus
        self.message_handlers = message_handlers  # other domains (anti-cheat signals, voice) plug in here
        self.sent_seq = 0
        self.send_lock = asyncio.Lock()
        self.seq_lock = asyncio.Lock()
        self.pending_gap: int | None = None
        # the clock's view of the session, kept current by the status events this stream forwards
        self.status = session.status.value
        self.ends_at = as_utc(session.ends_at) if session.ends_at else None
        self.paused_remaining = remaining_seconds(session) if session.status == SessionStatus.paused else None
        # the session as this stream last knew it, for storing an answer without reading it first (the write's
        # filter checks the copy still holds; a miss reads, so a stale copy costs a read, never a wrong answer)
        self.held = session

    async def send(self, event: dict[str, Any]) -> None:
        async with self.send_lock:
            await self.socket.send_json(event)

    async def forward(self, subscriber: Any) -> None:
        async for raw in subscriber.iter_events():
            await self.deliver(json.loads(raw))

    async def deliver(self, event: dict[str, Any]) -> None:
        self._observe(event)
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

    def _observe(self, event: dict[str, Any]) -> None:
        data = event.get("data") or {}
        if event.get("type") == "complete":
            self.status, self.paused_remaining = str(data.get("status") or "completed"), None
        elif event.get("type") == "status" and data.get("status"):
            self.status = str(data["status"])
            if data.get("ends_at"):
                self.ends_at = as_utc(datetime.fromisoformat(data["ends_at"]))
            self.paused_remaining = data.get("remaining_seconds") if self.status == "paused" else None

    def remaining(self) -> int | None:
        if self.status in ENDED_VALUES:
            return 0
        if self.status == "paused":
            return self.paused_remaining
        if self.ends_at is None:
            return None
        return max(0, int((self.ends_at - utcnow()).total_seconds()))

    async def catch_up(self) -> None:
        """Safety net for events the fan-out never delivered and no later event reveals: a stored event still
        missing at two consecutive checks is sent from MongoDB."""
        async with self.seq_lock:
            missed = await self.bus.missed(self.session_id, self.sent_seq, limit=200)
            if not missed:
                self.pending_gap = None
                return
            if self.pending_gap is None or self.pending_gap != missed[0]["seq"]:
                self.pending_gap = missed[0]["seq"]  # give the live path one more check to deliver it
                return
            for event in missed:
                self._observe(event)
                await self.send(event)
                self.sent_seq = event["seq"]
            self.pending_gap = None

    async def behind(self, stored_seq: int) -> None:
        """The clock's periodic check: the session has stored more events than this socket was sent."""
        if stored_seq > self.sent_seq or self.pending_gap is not None:
            await self.catch_up()

    async def tick(self) -> None:
        if self.send_lock.locked():
            return  # the socket is busy (a slow client): this tick is skipped, not queued
        await self.send_timer()

    async def send_timer(self) -> None:
        # the clock is the server's: a reconnecting client gets the true time left, not its own count
        await self.send(timer_event(self.session_id, self.sent_seq, self.remaining(), self.status))

    async def receive(self) -> None:
        while True:
            raw = await self.socket.receive_data(mode="text")
            message = await self.parse(raw)
            if message is not None:
                await self.handle(message)

    async def parse(self, raw: str | bytes) -> dict[str, Any] | None:
        """A client frame as a declared message, or None after an `error` event (the socket stays open)."""
        try:
            return read_frame(raw, MAX_MESSAGE_BYTES, (*CLIENT_TYPES, *self.message_handlers), CLIENT_MESSAGE,
                              CLIENT_TYPES)
        except BadFrame as problem:
            await self.send_error(problem.code, problem.message)
            return None

    async def handle(self, message: dict[str, Any]) -> None:
        kind = message.get("type")
        try:
            if kind == "ping":
                await self.send({"type": "pong", "seq": self.sent_seq})
            elif kind == "answer":
                # "type" names the message here; the answer's own type travels as "answer_type"
                data = AnswerIn.model_validate({"question_id": message.get("question_id"), "content": message.get("content"),
                                                "type": message.get("answer_type", "text")})
                # acknowledged once stored (the `received` event); the evaluation follows as its own event
                held = self.held
                if held.event_seq < self.sent_seq:  # numbered since (e.g. the evaluation's events): the newer count
                    held = held.model_copy(update={"event_seq": self.sent_seq})
                received = await self.service.receive_answer(self.user, self.session_id, data.question_id,
                                                             data.content, data.type, held=held)
                self._hold(received.session)
                self.service.answer_in_background(received, then=self._hold)
            elif kind in self.message_handlers:
                reply = await self.message_handlers[kind](self.user, self.session_id, message)
                if reply:
                    await self.send(reply)
            else:
                await self.send_error("unknown_type", f"Unknown message type: {kind!r}")
        except ValidationError as error:
            await self.send_error("validation_error", validation_message(error))
        except AppError as error:
            await self.send_error(error.code, error.message)

    def _hold(self, session: InterviewSession) -> None:
        # only a newer copy (a later event number): an evaluation ending after the next answer was stored is not
        if session.event_seq >= self.held.event_seq:
            self.held = session

    async def send_error(self, code: str, message: str) -> None:
        await self.send(error_event(self.sent_seq, code.lower(), message))


@websocket("/interview/{session_id:str}/stream")
async def interview_stream(socket: WebSocket, session_id: str, channels: ChannelsPlugin,
                           interview_service: InterviewService, event_bus: EventBus, session_clock: SessionClock,
                           stream_message_handlers: dict[str, Any]) -> None:
    user: User = socket.user
    try:  # the same policy as the REST routes (interviews/access.py); refused before accept
        session = await interview_service.authorize(user, session_id, Action.view)
    except AppError as error:
        code = CLOSE_NOT_FOUND if error.status_code == 404 else CLOSE_FORBIDDEN
        await socket.close(code=code, reason="not a participant of this interview")
        return
    try:
        last_seq = max(0, int(socket.query_params.get("last_seq", "0")))
    except ValueError:
        last_seq = 0
    await socket.accept()
    connection = StreamConnection(socket, user, session, interview_service, event_bus, stream_message_handlers)
    connection.sent_seq = last_seq
    try:
        async with channels.start_subscription([channel_of(session_id)]) as subscriber:
            for event in await event_bus.missed(session_id, last_seq):
                connection._observe(event)  # noqa: SLF001 - the replay is this connection's own history
                await connection.send(event)
                connection.sent_seq = event["seq"]
            await connection.send_timer()
            forward = asyncio.create_task(connection.forward(subscriber))
            session_clock.add(connection)
            try:
                await connection.receive()
            finally:
                session_clock.remove(connection)
                forward.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await forward
    except WebSocketDisconnect:
        pass
