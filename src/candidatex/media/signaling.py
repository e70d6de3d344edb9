"""Live-interview signaling, independent of the transport.

The WebSocket handler (`WS /live-interview/{session_id}?token=…`) authenticates the user, calls
`connect` with a send callback (and a close callback), feeds each received JSON object to `handle`
and calls `disconnect` when the socket goes away. Everything else lives here:

    in:  join | offer {sdp, direction: publish|subscribe} | ice-candidate {candidate, direction}
         | message {text} | leave | end (recruiter only)
    out: join / leave {participant_id, role, participants, ice_servers} to everyone in the room,
         answer {sdp, direction} to the caller, message {participant_id, role, text, sent_at} to
         everyone, end {participant_id} to everyone, error {code, message} to the caller.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiortc import RTCSessionDescription

from candidatex.media.hub import PUBLISHING_ROLES, MediaHub, MediaHubError, Role, ice_candidate_from_json

logger = logging.getLogger(__name__)

Event = dict[str, Any]
Send = Callable[[Event], Awaitable[None]]
Close = Callable[[], Awaitable[None]]
# Who may signal into a session, and as what: the caller knows the session document.
ResolveRole = Callable[[str, str], Awaitable[Role | None]]
OnChat = Callable[[str, str, str], Awaitable[None]]  # session_id, sender_id, text
OnEnd = Callable[[str, str], Awaitable[None]]  # session_id, ended_by

MAX_CHAT_LENGTH = 2000
DIRECTIONS = ("publish", "subscribe")


class NotAParticipant(Exception):
    """The user has no role in this session and may not signal into it."""


@dataclass(eq=False)
class Connection:
    session_id: str
    participant_id: str
    role: Role
    send: Send
    close: Close | None = None
    joined: bool = False


@dataclass
class _Room:
    connections: dict[str, Connection] = field(default_factory=dict)


class SignalingError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class SignalingService:
    def __init__(
        self,
        hub: MediaHub,
        resolve_role: ResolveRole,
        on_chat: OnChat | None = None,
        on_end: OnEnd | None = None,
    ) -> None:
        self._hub = hub
        self._resolve_role = resolve_role
        self._on_chat = on_chat
        self._on_end = on_end
        self._rooms: dict[str, _Room] = {}

    async def connect(self, session_id: str, participant_id: str, send: Send, close: Close | None = None) -> Connection:
        """Admit a participant's socket; raises NotAParticipant for anyone else. A second socket of the
        same participant replaces the first, which is closed."""
        role = await self._resolve_role(session_id, participant_id)
        if role is None:
            raise NotAParticipant(f"{participant_id} is not a participant of session {session_id}")
        connection = Connection(session_id, participant_id, Role(role), send, close)
        room = self._rooms.setdefault(session_id, _Room())
        previous = room.connections.get(participant_id)
        room.connections[participant_id] = connection
        if previous is not None and previous.close is not None:
            await previous.close()
        return connection

    async def handle(self, connection: Connection, message: Any) -> None:
        """Process one message from the participant; problems are answered with an error event."""
        try:
            if not isinstance(message, dict) or not isinstance(message.get("type"), str):
                raise SignalingError("invalid_message", "a message is a JSON object with a string 'type'")
            if not self._is_current(connection):
                raise SignalingError("not_connected", "this connection has been replaced or closed")
            handler = self._handlers.get(message["type"])
            if handler is None:
                raise SignalingError("unknown_type", f"unknown message type {message['type']!r}")
            if message["type"] != "join" and not connection.joined:
                raise SignalingError("not_joined", "send a join message first")
            await handler(self, connection, message)
        except SignalingError as error:
            await self._send(connection, {"type": "error", "code": error.code, "message": str(error)})
        except MediaHubError as error:
            await self._send(connection, {"type": "error", "code": error.code, "message": str(error)})

    async def disconnect(self, connection: Connection) -> None:
        """The socket is gone: hang up the participant's media and tell the others."""
        if self._is_current(connection):
            await self._leave(connection)
            room = self._rooms.get(connection.session_id)
            if room is not None:
                room.connections.pop(connection.participant_id, None)
                if not room.connections:
                    del self._rooms[connection.session_id]

    def participants(self, session_id: str) -> list[Event]:
        room = self._rooms.get(session_id)
        joined = [c for c in room.connections.values() if c.joined] if room else []
        return [{"participant_id": c.participant_id, "role": str(c.role)} for c in joined]

    async def end_session(self, session_id: str, ended_by: str) -> None:
        """End the live session for everyone (also usable by the session service on timeout)."""
        room = self._rooms.pop(session_id, None)
        connections = list(room.connections.values()) if room else []
        await self._broadcast(connections, {"type": "end", "participant_id": ended_by})
        await self._hub.close_session(session_id)
        for connection in connections:
            connection.joined = False
            if connection.close is not None:
                await connection.close()

    # -- message handlers --------------------------------------------------------------------------

    async def _join(self, connection: Connection, message: Event) -> None:
        connection.joined = True
        await self._broadcast_room(connection.session_id, self._presence_event("join", connection))

    async def _offer(self, connection: Connection, message: Event) -> None:
        direction = message.get("direction", "publish")
        sdp = message.get("sdp")
        if direction not in DIRECTIONS or not isinstance(sdp, str):
            raise SignalingError("invalid_message", "an offer carries 'sdp' and direction publish|subscribe")
        if direction == "publish" and connection.role not in PUBLISHING_ROLES:
            raise SignalingError("forbidden", f"a {connection.role} does not publish media")
        offer = RTCSessionDescription(sdp=sdp, type="offer")
        negotiate = self._hub.publish if direction == "publish" else self._hub.subscribe
        try:
            answer = await negotiate(connection.session_id, connection.participant_id, connection.role, offer)
        except MediaHubError:
            raise
        except Exception as error:  # aiortc raises plain ValueErrors on malformed SDP
            logger.info("offer from %s rejected: %s", connection.participant_id, error)
            raise SignalingError("invalid_offer", f"the offer could not be negotiated: {error}") from error
        await self._send(connection, {"type": "answer", "direction": direction, "sdp": answer.sdp})

    async def _ice_candidate(self, connection: Connection, message: Event) -> None:
        direction = message.get("direction", "publish")
        candidate = message.get("candidate")
        if direction not in DIRECTIONS or not (candidate is None or isinstance(candidate, dict)):
            raise SignalingError("invalid_message", "an ice-candidate carries 'candidate' and a direction")
        try:
            parsed = ice_candidate_from_json(candidate)
        except (ValueError, IndexError, KeyError) as error:
            raise SignalingError("invalid_message", f"unreadable ICE candidate: {error}") from error
        await self._hub.add_ice_candidate(connection.session_id, connection.participant_id, parsed, direction)

    async def _message(self, connection: Connection, message: Event) -> None:
        text = message.get("text")
        if not isinstance(text, str) or not text.strip():
            raise SignalingError("invalid_message", "a chat message carries non-empty 'text'")
        if len(text) > MAX_CHAT_LENGTH:
            raise SignalingError("message_too_long", f"chat messages are at most {MAX_CHAT_LENGTH} characters")
        if self._on_chat is not None:
            await self._on_chat(connection.session_id, connection.participant_id, text)
        event = {
            "type": "message",
            "participant_id": connection.participant_id,
            "role": str(connection.role),
            "text": text,
            "sent_at": datetime.now(UTC).isoformat(),
        }
        await self._broadcast_room(connection.session_id, event)

    async def _leave_message(self, connection: Connection, message: Event) -> None:
        await self._leave(connection)

    async def _end(self, connection: Connection, message: Event) -> None:
        if connection.role is not Role.RECRUITER:
            raise SignalingError("forbidden", "only the recruiter can end the interview")
        if self._on_end is not None:
            await self._on_end(connection.session_id, connection.participant_id)
        await self.end_session(connection.session_id, connection.participant_id)

    _handlers: dict[str, Callable[["SignalingService", Connection, Event], Awaitable[None]]] = {
        "join": _join,
        "offer": _offer,
        "ice-candidate": _ice_candidate,
        "message": _message,
        "leave": _leave_message,
        "end": _end,
    }

    # -- helpers -----------------------------------------------------------------------------------

    def _is_current(self, connection: Connection) -> bool:
        room = self._rooms.get(connection.session_id)
        return room is not None and room.connections.get(connection.participant_id) is connection

    async def _leave(self, connection: Connection) -> None:
        await self._hub.hang_up(connection.session_id, connection.participant_id)
        if connection.joined:
            event = self._presence_event("leave", connection)
            connection.joined = False
            event["participants"] = self.participants(connection.session_id)
            await self._broadcast_room(connection.session_id, event, also=connection)

    def _presence_event(self, kind: str, connection: Connection) -> Event:
        return {
            "type": kind,
            "participant_id": connection.participant_id,
            "role": str(connection.role),
            "participants": self.participants(connection.session_id),
            "ice_servers": [
                {"urls": server.urls, "username": server.username, "credential": server.credential}
                for server in self._hub.ice_servers
            ],
        }

    async def _broadcast_room(self, session_id: str, event: Event, also: Connection | None = None) -> None:
        room = self._rooms.get(session_id)
        targets = [c for c in room.connections.values() if c.joined] if room else []
        if also is not None and also not in targets:
            targets.append(also)
        await self._broadcast(targets, event)

    async def _broadcast(self, connections: list[Connection], event: Event) -> None:
        await asyncio.gather(*(self._send(connection, event) for connection in connections))

    @staticmethod
    async def _send(connection: Connection, event: Event) -> None:
        try:
            await connection.send(event)
        except Exception:  # a dead socket is cleaned up by its own disconnect
            logger.debug("could not send %s to %s", event.get("type"), connection.participant_id, exc_info=True)
