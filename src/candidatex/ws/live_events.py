"""The declared events of WS /live-interview/{id}: signaling, presence and chat of a live interview.

Client messages are read through `LiveClientMessage` (ws/frames.py): a frame that is not JSON, names no known type
or lacks a declared field gets the one `error` shape of every socket (ws/events.ErrorEvent) and the socket stays
open. What the server sends is built by media/signaling.py; `check_live_event` holds each event to its model here
(the tests read every event of a live interview through it).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, TypeAdapter

from candidatex.ws.events import ErrorEvent

Direction = Literal["publish", "subscribe"]


# ---- client -> server ------------------------------------------------------------------------------------
class JoinMessage(BaseModel):
    type: Literal["join"]


class OfferMessage(BaseModel):
    type: Literal["offer"]
    sdp: str
    direction: Direction = "publish"


class IceCandidateMessage(BaseModel):
    type: Literal["ice-candidate"]
    candidate: dict[str, Any] | None = None  # RTCIceCandidate.toJSON(); null ends the candidates
    direction: Direction = "publish"


class ChatMessage(BaseModel):
    type: Literal["message"]
    text: str  # blank or too long: signaling answers `invalid_message` / `message_too_long`


class LeaveMessage(BaseModel):
    type: Literal["leave"]


class EndMessage(BaseModel):
    type: Literal["end"]


LiveClientMessage = Annotated[JoinMessage | OfferMessage | IceCandidateMessage | ChatMessage | LeaveMessage
                              | EndMessage, Field(discriminator="type")]
LIVE_CLIENT_MESSAGE: TypeAdapter[Any] = TypeAdapter(LiveClientMessage)
LIVE_CLIENT_TYPES = ("join", "offer", "ice-candidate", "message", "leave", "end")


# ---- server -> client ------------------------------------------------------------------------------------
class Participant(BaseModel):
    participant_id: str
    role: str


class IceServer(BaseModel):
    urls: list[str] | str
    username: str | None = None
    credential: str | None = None


class PresenceEvent(BaseModel):
    type: Literal["join", "leave"]
    participant_id: str
    role: str
    participants: list[Participant]  # the whole room after the change
    ice_servers: list[IceServer]


class AnswerEvent(BaseModel):
    type: Literal["answer"]
    direction: Direction
    sdp: str


class ChatEvent(BaseModel):
    type: Literal["message"]
    participant_id: str
    role: str
    text: str
    sent_at: str


class EndEvent(BaseModel):
    type: Literal["end"]
    participant_id: str  # who ended it, or `server`


LiveServerEvent = Annotated[PresenceEvent | AnswerEvent | ChatEvent | EndEvent | ErrorEvent,
                            Field(discriminator="type")]
LIVE_SERVER_EVENT: TypeAdapter[Any] = TypeAdapter(LiveServerEvent)


def check_live_event(event: dict[str, Any]) -> BaseModel:
    """Validates a server event against its declared model (raises on an undeclared type or field)."""
    parsed: BaseModel = LIVE_SERVER_EVENT.validate_python(event)
    return parsed
