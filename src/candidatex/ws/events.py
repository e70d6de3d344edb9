"""The declared events of WS /interview/{id}/stream: what the server sends and what a client may send.

Every server event has the same envelope (`type`, `seq`, `data`, and `session_id`/`timestamp` for numbered events).
Errors have the one shape of every socket (`ErrorEvent`: `{"type": "error", "code", "message"}`, a lower-case code);
on this stream they also carry the envelope (`seq`, and the same two fields in `data`). Client frames are read
through `ClientMessage` (ws/frames.py); a frame that is not JSON, or names no known type, gets an `error` event and
the socket stays open.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter


class _Data(BaseModel):
    model_config = ConfigDict(extra="allow")  # producers may add fields; the declared ones are always there


class QuestionData(_Data):
    id: str
    text: str
    speak_text: str
    number: int
    total: int


class FeedbackData(_Data):
    question_id: str
    stage: Literal["received", "evaluated"]


class TimerData(_Data):
    remaining_seconds: int | None
    status: str


class StatusData(_Data):
    status: str


class CompleteData(_Data):
    status: str
    reason: str


class WarningData(_Data):
    kind: str


class TranscriptData(_Data):
    text: str


class ChatData(_Data):
    text: str


class ErrorData(BaseModel):
    code: str = Field(pattern=r"^[a-z0-9_]+$")  # lower-case, as every socket writes them
    message: str


class ErrorEvent(ErrorData):
    """The one error shape of every socket (stream, live interview, phone audio): lower-case code, a sentence."""

    type: Literal["error"] = "error"


class StreamEvent(BaseModel):
    model_config = ConfigDict(extra="allow")  # replayed, ephemeral

    type: str
    seq: int
    session_id: str | None = None
    timestamp: str | None = None
    data: dict[str, Any] = Field(default_factory=dict)


EVENT_DATA: dict[str, type[BaseModel]] = {
    "question": QuestionData, "feedback": FeedbackData, "timer": TimerData, "status": StatusData,
    "complete": CompleteData, "warning": WarningData, "transcript": TranscriptData, "chat": ChatData,
    "error": ErrorData,
}
REPLIES = {"pong", "signal_ack", "voice_ack"}  # direct replies to a client message; their data is the service's


def check_event(event: dict[str, Any]) -> StreamEvent:
    """Validates an event against its declared model (tests and docs use it; producers build them)."""
    parsed = StreamEvent.model_validate(event)
    model = EVENT_DATA.get(parsed.type)
    if model is None and parsed.type not in REPLIES:
        raise ValueError(f"undeclared stream event type {parsed.type!r}")
    if model is not None:
        model.model_validate(parsed.data)
    if parsed.type == "error":
        ErrorEvent.model_validate(event)  # the shape shared with the other sockets, at the top level too
    return parsed


def timer_event(session_id: str, seq: int, remaining_seconds: int | None, status: str) -> dict[str, Any]:
    return {"type": "timer", "seq": seq, "session_id": session_id,
            "data": TimerData(remaining_seconds=remaining_seconds, status=status).model_dump()}


def error_event(seq: int, code: str, message: str) -> dict[str, Any]:
    error = ErrorEvent(code=code, message=message)
    return {**error.model_dump(), "seq": seq, "data": ErrorData(code=code, message=message).model_dump()}


# ---- client -> server ------------------------------------------------------------------------------------
class AnswerMessage(BaseModel):
    type: Literal["answer"]
    question_id: Any = None  # checked by interviews.schemas.AnswerIn, the REST endpoint's own model
    content: Any = None
    answer_type: str = "text"


class PingMessage(BaseModel):
    type: Literal["ping"]


class DomainMessage(BaseModel):
    """Messages other domains read (anti-cheat `signal`, speech `voice_done`): validated by their handlers."""

    model_config = ConfigDict(extra="allow")
    type: Literal["signal", "voice_done"]


ClientMessage = Annotated[AnswerMessage | PingMessage | DomainMessage, Field(discriminator="type")]
CLIENT_MESSAGE = TypeAdapter(ClientMessage)
CLIENT_TYPES = ("answer", "ping", "signal", "voice_done")
