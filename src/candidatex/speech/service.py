"""Voice answers in interviews: three ways in (an uploaded recording, the mobile audio socket, the
candidate's WebRTC microphone), one pipeline, and every final transcript ends as
`InterviewService.answer(..., "voice", speaking_metrics)`.

Partial transcripts are published as ephemeral `transcript` events on the interview stream, so
recruiters watching see the words as they are spoken; the final transcript is a durable `transcript`
event followed by the engine's own feedback/question events.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import Any

from bson import ObjectId

from candidatex.core.errors import AppError, Conflict, Forbidden, InvalidInput
from candidatex.interviews.events import EventBus
from candidatex.interviews.models import AnswerRecord, InterviewSession, SessionStatus
from candidatex.interviews.service import ENDED, InterviewService
from candidatex.speech.audio import AudioError, UploadLimits
from candidatex.speech.metrics import SpeakingMetrics
from candidatex.speech.pipeline import FinalTranscript, PartialTranscript, VoiceAnswerPipeline, transcribe_recording
from candidatex.speech.segmenter import SegmenterSettings
from candidatex.speech.transcriber import Transcriber
from candidatex.users.models import User

logger = logging.getLogger(__name__)

STATUS_CHECK_SECONDS = 1.0
"""How long the WebRTC consumer trusts a session's status before reading it again."""


def metrics_dict(metrics: SpeakingMetrics) -> dict[str, Any]:
    """Speaking metrics as stored on the answer: the rubric reads `filler_word_count` and `words_per_minute`."""
    data = metrics.model_dump(mode="json")
    data["filler_word_count"] = sum(metrics.filler_words.values())
    return data


class TooLarge(AppError):
    status_code = 413
    code = "too_large"


def audio_error(exc: AudioError) -> AppError:
    """Client-facing error for a recording that cannot become an answer."""
    if exc.code == "too_large":
        return TooLarge(exc.message)
    return InvalidInput(exc.message, code=exc.code)


@dataclass(frozen=True)
class Snapshot:
    status: str
    question_id: str | None
    seq: int
    candidate_id: str


class VoiceService:
    def __init__(self, transcriber: Transcriber, interviews: InterviewService, bus: EventBus,
                 segmenter: SegmenterSettings | None = None, limits: UploadLimits | None = None) -> None:
        self.transcriber = transcriber
        self.interviews = interviews
        self.bus = bus
        self.segmenter = segmenter or SegmenterSettings()
        self.limits = limits or UploadLimits()

    def pipeline(self) -> VoiceAnswerPipeline:
        return VoiceAnswerPipeline(self.transcriber, self.segmenter, self.limits)

    async def snapshot(self, session_id: str) -> Snapshot | None:
        """Status, current question and last durable seq in one small read."""
        if not ObjectId.is_valid(session_id):
            return None
        doc = await InterviewSession.get_pymongo_collection().find_one(
            {"_id": ObjectId(session_id)},
            projection={"status": 1, "current_question_index": 1, "questions.id": 1, "event_seq": 1,
                        "candidate_id": 1})
        if doc is None:
            return None
        questions = doc.get("questions") or []
        index = doc.get("current_question_index", 0)
        return Snapshot(status=doc.get("status", ""), seq=doc.get("event_seq", 0), candidate_id=doc["candidate_id"],
                        question_id=questions[index]["id"] if index < len(questions) else None)

    async def open_for_candidate(self, user: User, session_id: str) -> InterviewSession:
        """The session, if `user` is its candidate and it still runs (NotFound/Forbidden/Conflict otherwise)."""
        session = await self.interviews.get_as_candidate(user, session_id)
        if session.status in ENDED:
            raise Conflict("This interview has ended", code="invalid_transition")
        return session

    # ---- (a) uploads --------------------------------------------------------------------------------------
    async def answer_upload(self, user: User, session_id: str, question_id: str,
                            data: bytes) -> tuple[FinalTranscript, AnswerRecord]:
        session = await self.open_for_candidate(user, session_id)
        # cheap checks before the expensive transcription; the engine checks again atomically
        if session.status == SessionStatus.paused:
            raise Conflict("The interview is paused; resume it to answer", code="session_paused")
        if session.status != SessionStatus.active:
            raise Conflict(f"This interview is not accepting answers (status: {session.status})",
                           code="invalid_transition")
        index = session.current_question_index
        current = session.questions[index].id if index < len(session.questions) else None
        if question_id != current:
            if any(a.question_id == question_id for a in session.answers):
                raise Conflict("This question was already answered", code="already_answered")
            if current is None:
                raise Conflict("Every question is answered; finalize the interview", code="no_open_question")
            raise InvalidInput("This is not the current question", code="wrong_question",
                               details=[{"field": "question_id", "message": f"the current question is {current}"}])
        try:
            final = await transcribe_recording(self.transcriber, data, self.limits)
        except AudioError as exc:
            raise audio_error(exc) from exc
        _, record = await self.submit(user, session_id, question_id, final, "upload")
        return final, record

    # ---- shared by every path -----------------------------------------------------------------------------
    async def submit(self, user: User, session_id: str, question_id: str, final: FinalTranscript,
                     source: str) -> tuple[InterviewSession, AnswerRecord]:
        metrics = metrics_dict(final.metrics)
        await self.bus.emit(session_id, "transcript", {"question_id": question_id, "text": final.text, "final": True,
                                                       "source": source, "ended_by": final.ended_by,
                                                       "duration_s": final.duration_s, "speaking_metrics": metrics})
        return await self.interviews.answer(user, session_id, question_id, final.text, "voice", metrics)

    async def publish_partial(self, session_id: str, text: str, snapshot: Snapshot | None = None) -> None:
        snapshot = snapshot or await self.snapshot(session_id)
        if snapshot is None or snapshot.status != SessionStatus.active.value or snapshot.question_id is None:
            return
        self.bus.publish_ephemeral(session_id, "transcript",
                                   {"question_id": snapshot.question_id, "text": text, "final": False}, snapshot.seq)

    async def submit_streamed(self, user: User, session_id: str, final: FinalTranscript,
                              source: str) -> dict[str, Any]:
        """A final from a stream answers the question that is current now; the reply describes what happened."""
        snapshot = await self.snapshot(session_id)
        if snapshot is None or snapshot.status != SessionStatus.active.value:
            return {"type": "error", "code": "not_accepting",
                    "message": "the interview is not accepting answers now; this answer was not saved"}
        if snapshot.question_id is None:
            return {"type": "error", "code": "no_open_question", "message": "every question is answered"}
        try:
            session, record = await self.submit(user, session_id, snapshot.question_id, final, source)
        except AppError as exc:
            return {"type": "error", "code": exc.code, "message": exc.message}
        index = session.current_question_index
        return {"type": "answer", "answer_index": final.answer_index, "question_id": record.question_id,
                "evaluation": record.evaluation or {}, "done": index >= len(session.questions),
                "next_question_id": session.questions[index].id if index < len(session.questions) else None}


class VoiceSession:
    """One candidate's streamed answers in one interview (the WebRTC path): a pipeline, and a task that
    turns its partials into stream events and its finals into answers."""

    def __init__(self, service: VoiceService, user: User, session_id: str, source: str) -> None:
        self.service, self.user, self.session_id, self.source = service, user, session_id, source
        self.pipeline = service.pipeline()
        self.active = True
        self.checked_at = time.monotonic()
        self.task = asyncio.create_task(self._run(), name=f"voice:{session_id}")

    async def _run(self) -> None:
        async for event in self.pipeline.events():
            try:
                if isinstance(event, PartialTranscript):
                    await self.service.publish_partial(self.session_id, event.text)
                elif isinstance(event, FinalTranscript):
                    reply = await self.service.submit_streamed(self.user, self.session_id, event, self.source)
                    if reply["type"] == "error":
                        logger.info("voice answer not saved", extra={"session_id": self.session_id,
                                                                     "code": reply["code"]})
            except Exception:  # noqa: BLE001 - one failed event must not end the candidate's voice
                logger.exception("voice event failed", extra={"session_id": self.session_id})

    async def close(self, finish: bool = True) -> None:
        """Finish the answer in progress (its final still becomes an answer), then stop."""
        try:
            if finish:
                await self.pipeline.finish()
        finally:
            await self.pipeline.aclose()
            await self.task


class VoiceAudioConsumer:
    """The media hub's audio consumer: the candidate's microphone, segmented into answers by silence or by
    `{"type": "voice_done"}` on the interview stream. Audio is only transcribed while the session is active."""

    def __init__(self, service: VoiceService) -> None:
        self.service = service
        self.sessions: dict[str, VoiceSession] = {}
        self._inactive_until: dict[str, float] = {}
        self._opening: dict[str, asyncio.Lock] = {}

    async def consume_audio(self, session_id: str, pcm16: bytes, sample_rate: int, captured_at: float) -> None:
        voice = await self._voice_for(session_id)
        if voice is not None:
            voice.pipeline.feed(pcm16, sample_rate)

    async def _voice_for(self, session_id: str) -> VoiceSession | None:
        now = time.monotonic()
        voice = self.sessions.get(session_id)
        if voice is not None and now - voice.checked_at < STATUS_CHECK_SECONDS:
            return voice if voice.active else None
        if voice is None and self._inactive_until.get(session_id, 0.0) > now:
            return None
        snapshot = await self.service.snapshot(session_id)
        status = snapshot.status if snapshot else None
        if voice is not None:
            voice.checked_at = now
            if status in (s.value for s in ENDED) or snapshot is None:
                self.sessions.pop(session_id, None)
                await voice.close(finish=False)
                return None
            voice.active = status == SessionStatus.active.value
            return voice if voice.active else None
        if snapshot is None or status != SessionStatus.active.value:
            self._inactive_until[session_id] = now + STATUS_CHECK_SECONDS
            return None
        user = await User.get(snapshot.candidate_id)
        if user is None:
            self._inactive_until[session_id] = now + STATUS_CHECK_SECONDS
            return None
        self._inactive_until.pop(session_id, None)
        voice = self.sessions[session_id] = VoiceSession(self.service, user, session_id, "webrtc")
        return voice

    async def end_of_stream(self, session_id: str) -> None:
        self._inactive_until.pop(session_id, None)
        voice = self.sessions.pop(session_id, None)
        if voice is not None:
            await voice.close()

    async def voice_done(self, user: User, session_id: str, message: dict[str, Any]) -> dict[str, Any] | None:
        """Stream message handler for `{"type": "voice_done"}`: end the current spoken answer now."""
        voice = self.sessions.get(session_id)
        if voice is None:
            session = await self.service.interviews.get_for(user, session_id)
            if session.candidate_id != str(user.id):
                raise Forbidden("Only the candidate of this interview can do this")
            raise InvalidInput("No voice answer is in progress: publish your microphone first", code="no_speech")
        if str(voice.user.id) != str(user.id):
            raise Forbidden("Only the candidate of this interview can do this")
        final = await voice.pipeline.finish()
        if final is None:
            raise InvalidInput("No speech was heard in this answer", code="no_speech")
        return None  # the final arrives as a durable `transcript` event, then the engine's feedback

    async def shutdown(self) -> None:
        voices, self.sessions = list(self.sessions.values()), {}
        for voice in voices:
            try:
                await voice.close(finish=False)
            except Exception:  # noqa: BLE001
                logger.warning("voice session did not close cleanly", exc_info=True)

