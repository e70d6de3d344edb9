"""The HTTP entry point for voice answers (see speech/service.py for the logic; the phone's socket is ws/voice_audio.py)."""

from __future__ import annotations

import logging
from typing import Annotated, Any

from litestar import Controller, Request, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.security.jwt import Token
from pydantic import BaseModel, ConfigDict, Field

from candidatex.auth.guards import requires
from candidatex.core.errors import InvalidInput
from candidatex.core.schemas import Envelope, object_id_param, ok
from candidatex.interviews.schemas import QuestionOut
from candidatex.speech.service import VoiceService
from candidatex.users.models import User

logger = logging.getLogger(__name__)
AuthedRequest = Request[User, Token, Any]
SessionId = object_id_param("interview session id")
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
