"""HTTP and WebSocket entry points for voice answers (see speech/service.py for the logic)."""

from __future__ import annotations

import contextlib
import json
import logging
import time
from typing import Annotated, Any

from litestar import Controller, Request, WebSocket, post, websocket
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.exceptions import WebSocketDisconnect
from litestar.params import Body
from litestar.security.jwt import Token
from pydantic import BaseModel, ConfigDict, Field

from candidatex.auth.guards import requires
from candidatex.core.errors import AppError, InvalidInput
from candidatex.core.schemas import Envelope, object_id_param, ok
from candidatex.interviews.schemas import QuestionOut
from candidatex.speech.service import VoiceService
from candidatex.speech.stream import read_client
from candidatex.users.models import User

logger = logging.getLogger(__name__)
AuthedRequest = Request[User, Token, Any]
SessionId = object_id_param("interview session id")
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
CLOSE_ENDED = 4409
MULTIPART_OVERHEAD = 256 * 1024


class VoiceAnswerForm(BaseModel):
    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)

    file: UploadFile = Field(description="the recorded answer: webm/opus, ogg, m4a, mp3 or wav")
    question_id: str = Field(min_length=1, max_length=64)


class VoiceAnswerOut(BaseModel):
    question_id: str
    transcript: str
    duration_s: float
    speaking_metrics: dict[str, Any]
    evaluation: dict[str, Any]
    next_question: QuestionOut | None
    done: bool


def build_voice_controller(max_upload_bytes: int) -> type[Controller]:
    """The upload route; its body limit follows SPEECH_MAX_UPLOAD_BYTES rather than the global one."""

    class VoiceController(Controller):
        path = "/interview/sessions"
        tags = ["interviews"]
        guards = [requires("interview:own")]

        @post("/{session_id:str}/voice-answer", status_code=200,
              request_max_body_size=max_upload_bytes + MULTIPART_OVERHEAD)
        async def voice_answer(
            self, request: AuthedRequest, voice_service: VoiceService,
            data: Annotated[VoiceAnswerForm, Body(media_type=RequestEncodingType.MULTI_PART)],
            session_id: str = SessionId,
        ) -> Envelope[VoiceAnswerOut]:
            """Answer the current question with a recording; it is transcribed and scored like a typed answer,
            plus speaking metrics (pace, pauses, filler words). Only the session's candidate may call this."""
            if not isinstance(data.file, UploadFile):
                raise InvalidInput("Attach the recording as the `file` part", code="not_audio")
            content = await data.file.read()
            final, record = await voice_service.answer_upload(request.user, session_id, data.question_id, content)
            session = await voice_service.interviews.load(session_id)
            index = session.current_question_index
            following = session.questions[index] if index < len(session.questions) else None
            return ok(VoiceAnswerOut(
                question_id=record.question_id, transcript=final.text, duration_s=final.duration_s,
                speaking_metrics=record.speaking_metrics or {}, evaluation=record.evaluation or {},
                next_question=QuestionOut.of(following, index + 1, len(session.questions), reveal=False)
                if following else None, done=following is None), "Voice answer saved")

    return VoiceController


class AudioPace:
    """Streams may burst (a phone catching up after a stall) but not run far ahead of real time: that would
    queue unbounded transcription work. Frames beyond `burst_s` + `speed` x real time are dropped."""

    def __init__(self, speed: float = 2.0, burst_s: float = 60.0) -> None:
        self.speed, self.burst_s = speed, burst_s
        self.bytes_per_second = 32_000  # 16 kHz mono PCM16 until `start` says otherwise
        self.received = 0
        self.started = time.monotonic()
        self.warned = False

    def configure(self, text: str) -> None:
        with contextlib.suppress(ValueError, TypeError, AttributeError):
            command = json.loads(text)
            if command.get("type") == "start":
                rate, channels = int(command.get("sample_rate", 16_000)), int(command.get("channels", 1))
                self.bytes_per_second = max(rate, 8_000) * max(channels, 1) * 2

    def allow(self, size: int) -> bool:
        budget = (self.burst_s + self.speed * (time.monotonic() - self.started)) * self.bytes_per_second
        if self.received + size > budget:
            return False
        self.received += size
        return True


@websocket("/interview/{session_id:str}/audio")
async def voice_audio_stream(socket: WebSocket, session_id: str) -> None:
    """Microphone audio from native/mobile clients (docs/api.md, "Voice WebSocket"); only the candidate."""
    service: VoiceService = socket.app.state.voice_service
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
                    await to_client({"type": "error", "code": "too_fast",
                                     "message": "audio is arriving much faster than real time; the excess is dropped"})
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
