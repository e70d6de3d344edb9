"""Voice answers in interviews: three ways in (an uploaded recording, the phone's audio socket, the
candidate's WebRTC microphone), one pipeline, and one sink: every final transcript goes through
`VoiceService.file_answer`, which files it against the question the candidate was shown when the answer
began (carried with the audio as `question_id`) via `InterviewService.answer(..., "voice", metrics)`.

Partial transcripts are published as ephemeral `transcript` events on the interview stream, so
recruiters watching see the words as they are spoken; the final transcript is a durable `transcript`
event followed by the engine's own feedback/question events.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from bson import ObjectId

from candidatex.core.errors import AppError, Conflict, Forbidden, InvalidInput
from candidatex.interviews.events import EventBus
from candidatex.interviews.lifecycle import (
    LifecycleBus,
    SessionEnded,
    SessionPaused,
    SessionResumed,
    SessionStarted,
)
from candidatex.interviews.models import AnswerRecord, InterviewSession, SessionStatus
from candidatex.interviews.service import ENDED, InterviewService
from candidatex.speech.audio import AudioError, UploadLimits
from candidatex.speech.metrics import SpeakingMetrics
from candidatex.speech.pipeline import (
    FinalTranscript,
    PartialTranscript,
    PipelineEvent,
    SpeechStartedEvent,
    VoiceAnswerPipeline,
    transcribe_recording,
)
from candidatex.speech.segmenter import SegmenterSettings
from candidatex.speech.transcriber import Transcriber
from candidatex.speech.tts import synthesize
from candidatex.speech.turns import TurnPolicy
from candidatex.speech.vocabulary import Vocabulary, build_vocabulary
from candidatex.users.models import User

logger = logging.getLogger(__name__)

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


ACTIVE = SessionStatus.active.value
ENDED_MARK = "ended"  # a session that ended while its audio still arrives

SpeechHeard = Callable[[str, str | None], Awaitable[None]]  # (session id, question id)


@dataclass(frozen=True)
class Snapshot:
    status: str
    question_id: str | None
    seq: int
    candidate_id: str


class VoiceService:
    def __init__(self, transcriber: Transcriber, interviews: InterviewService, bus: EventBus,
                 segmenter: SegmenterSettings | None = None, limits: UploadLimits | None = None,
                 final_beam_size: int | None = None, turn_policy: TurnPolicy | None = None,
                 reconnect_grace_s: float = 30.0, *, recordings: RecordingSink | None = None,
                 on_speech_started: SpeechHeard | None = None,
                 partial_transcriber: Transcriber | Literal["same"] | None = "same") -> None:
        self.transcriber = transcriber
        self.partial_transcriber = partial_transcriber  # decodes the partials (WHISPER_PARTIAL_MODEL)
        self.final_beam_size = final_beam_size
        self.interviews = interviews
        self.bus = bus
        self.segmenter = segmenter or SegmenterSettings()
        self.limits = limits or UploadLimits()
        self.turn_policy = turn_policy or TurnPolicy()
        self.reconnect_grace_s = reconnect_grace_s
        self._detached: dict[str, tuple[VoiceSession, asyncio.TimerHandle]] = {}
        # The media hub, when interviews are recorded: the questions spoken to a WebRTC candidate go into the
        # recording (None: nothing to record into).
        self.recordings = recordings
        # told (session id, question id) whenever voice activity starts: the anti-cheat flags speech heard while
        # the page says the candidate answers in text (anticheat.AntiCheatCoordinator.speech_heard)
        self.on_speech_started = on_speech_started

    def pipeline(self) -> VoiceAnswerPipeline:
        return VoiceAnswerPipeline(self.transcriber, self.segmenter, self.limits, final_beam_size=self.final_beam_size,
                                   turn_policy=self.turn_policy, partial_transcriber=self.partial_transcriber)

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

    async def current_question(self, session_id: str) -> tuple[str | None, Vocabulary]:
        """The question on screen now and the words to expect in its answer."""
        session = await self.interviews.load(session_id)
        index = session.current_question_index
        question = session.questions[index] if index < len(session.questions) else None
        return (question.id if question else None), vocabulary_for(session, index)

    async def speak_into_recording(self, session_id: str, text: str) -> bool:
        """Put the question the candidate hears into the session's recording, in the interviewer's voice."""
        if self.recordings is None or not text or not self.recordings.is_recording(session_id):
            return False
        pcm, rate = await synthesize(text)
        return bool(rate) and await self.recordings.play_to_recording(session_id, pcm, rate)

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
            final = await transcribe_recording(self.transcriber, data, self.limits, vocabulary_for(session, index),
                                               question_id, segmenter=self.segmenter)
        except AudioError as exc:
            raise audio_error(exc) from exc
        _, record = await self.file_answer(user, session_id, final, "upload")
        return final, record

    # ---- the one sink ---------------------------------------------------------------------------------------
    async def file_answer(self, user: User, session_id: str, final: FinalTranscript, source: str,
                          on_stored: Callable[[InterviewSession], Awaitable[None]] | None = None,
                          ) -> tuple[InterviewSession, AnswerRecord]:
        """Save a final transcript as the answer to `final.question_id` (the question the candidate was shown
        when the answer began). The transcript is published first, so even an answer the engine refuses
        (the interview ended meanwhile) is on the stream and in the recruiter's view, not lost."""
        question_id = final.question_id
        if question_id is None:
            snapshot = await self.snapshot(session_id)
            question_id = snapshot.question_id if snapshot else None
        metrics = metrics_dict(final.metrics)
        await self.bus.emit(session_id, "transcript", {"question_id": question_id, "text": final.text, "final": True,
                                                       "source": source, "ended_by": final.ended_by,
                                                       "duration_s": final.duration_s, "speaking_metrics": metrics})
        if question_id is None:
            raise Conflict("Every question is answered; finalize the interview", code="no_open_question")
        if final.question_id is not None and on_stored is not None:
            session = await self.interviews.get_as_candidate(user, session_id)
            if any(a.question_id == question_id for a in session.answers):
                # Speech that began before the next question was shown is the rest of the last answer.
                return await self.interviews.continue_answer(user, session_id, question_id, final.text)
        if on_stored is None:
            return await self.interviews.answer(user, session_id, question_id, final.text, "voice", metrics)
        # A streamed turn ended: the next planned question is asked now, the evaluation follows.
        received = await self.interviews.receive_answer(user, session_id, question_id, final.text, "voice", metrics)
        await on_stored(await self.interviews.ask_current(session_id))
        return await self.interviews.evaluate_received(received, next_asked=True)

    async def publish_partial(self, session_id: str, text: str, question_id: str | None = None) -> None:
        snapshot = await self.snapshot(session_id)
        if snapshot is None or snapshot.status != SessionStatus.active.value or snapshot.question_id is None:
            return
        self.bus.publish_ephemeral(session_id, "transcript",
                                   {"question_id": question_id or snapshot.question_id, "text": text,
                                    "final": False}, snapshot.seq)

    async def file_streamed(self, user: User, session_id: str, final: FinalTranscript, source: str,
                            on_asked: Notify | None = None) -> dict[str, Any]:
        """A final from a stream. The turn ended, so the next planned question is asked as soon as the answer
        is stored: `on_asked` gets the `answer` reply (for the phone) then, before the evaluation's model call;
        the evaluation follows on the interview stream. Returns the reply, or an error."""
        snapshot = await self.snapshot(session_id)
        if snapshot is None or snapshot.status != SessionStatus.active.value:
            await self.bus.emit(session_id, "transcript", {"question_id": final.question_id, "text": final.text,
                                                           "final": True, "source": source, "saved": False})
            return {"type": "error", "code": "not_accepting", "question_id": final.question_id, "text": final.text,
                    "message": "the interview is not accepting answers now; this answer was not saved"}
        reply: dict[str, Any] = {}

        async def asked(session: InterviewSession) -> None:
            index = session.current_question_index
            reply.update(type="answer", answer_index=final.answer_index,
                         question_id=final.question_id or session.answers[-1].question_id,
                         done=index >= len(session.questions),
                         next_question_id=session.questions[index].id if index < len(session.questions) else None)
            if on_asked is not None:
                await on_asked(dict(reply))

        try:
            session, record = await self.file_answer(user, session_id, final, source, on_stored=asked)
            if not reply:  # the rest of an answer already filed: no new question is asked
                index = session.current_question_index
                reply.update(type="answer", answer_index=final.answer_index, question_id=record.question_id,
                             continued=True, done=index >= len(session.questions),
                             next_question_id=session.questions[index].id if index < len(session.questions) else None)
                if on_asked is not None:
                    await on_asked(dict(reply))
        except AppError as exc:
            if reply:  # stored and asked; only the evaluation failed
                logger.warning("voice answer stored but not evaluated", extra={"session_id": session_id})
                return reply
            return {"type": "error", "code": exc.code, "message": exc.message, "question_id": final.question_id,
                    "text": final.text}
        return reply

    # ---- phone sockets that drop and come back ----------------------------------------------------------------
    def attach(self, user: User, session_id: str, source: str, notify: Notify | None = None) -> VoiceSession:
        """The candidate's voice session for this interview: the one a dropped socket left behind (its answer in
        progress goes on), or a new one."""
        detached = self._detached.pop(session_id, None)
        if detached is not None:
            voice, timer = detached
            timer.cancel()
            if str(voice.user.id) == str(user.id) and voice.source == source:
                voice.notify = notify
                return voice
            asyncio.create_task(voice.close())
        return VoiceSession(self, user, session_id, source, notify)

    def detach(self, voice: VoiceSession) -> None:
        """The socket went away without `stop`: keep the answer in progress for `reconnect_grace_s`, then
        finish it (its final is still filed)."""
        voice.notify = None
        loop = asyncio.get_running_loop()
        timer = loop.call_later(self.reconnect_grace_s, lambda: loop.create_task(self._expire(voice)))
        self._detached[voice.session_id] = (voice, timer)

    async def _expire(self, voice: VoiceSession) -> None:
        if self._detached.get(voice.session_id, (None,))[0] is voice:
            self._detached.pop(voice.session_id, None)
            await voice.close()

    def take_detached(self, session_id: str) -> VoiceSession | None:
        """The phone's voice session waiting for its socket to come back, no longer waited for (the interview ended)."""
        detached = self._detached.pop(session_id, None)
        if detached is None:
            return None
        voice, timer = detached
        timer.cancel()
        return voice

    async def shutdown_detached(self) -> None:
        detached, self._detached = list(self._detached.values()), {}
        for voice, timer in detached:
            timer.cancel()
            await voice.close()


def vocabulary_for(session: InterviewSession, index: int) -> Vocabulary:
    question = session.questions[index] if index < len(session.questions) else None
    return build_vocabulary(question.text if question else "", question.expected_concepts if question else (),
                            session.job_title, session.job_description, session.resume_text)


Notify = Callable[[dict[str, Any]], Awaitable[None]]


class RecordingSink(Protocol):
    """What the voice service needs of the media hub to record the interviewer's side."""

    def is_recording(self, session_id: str) -> bool: ...

    async def play_to_recording(self, session_id: str, pcm16: bytes, sample_rate: int) -> bool: ...


class VoiceSession:
    """One candidate's streamed answers in one interview (WebRTC or the phone socket): a pipeline, and a task
    that turns its partials into stream events and its finals into answers (through `file_answer`). `notify`
    receives every pipeline event and every filing reply (the phone's socket; None for WebRTC)."""

    def __init__(self, service: VoiceService, user: User, session_id: str, source: str,
                 notify: Notify | None = None) -> None:
        self.service, self.user, self.session_id, self.source = service, user, session_id, source
        self.notify = notify
        self.pipeline = service.pipeline()
        self.active = True
        self._spoken: str | None = None  # the last question put into the recording
        self._recording: asyncio.Task[None] | None = None
        self.ready = asyncio.create_task(self._show_current())
        self.task = asyncio.create_task(self._run(), name=f"voice:{session_id}")

    async def _show_current(self) -> None:
        try:
            question_id, vocabulary = await self.service.current_question(self.session_id)
        except AppError:
            return
        self.pipeline.show_question(question_id, vocabulary)
        if self.source == "webrtc" and question_id is not None and question_id != self._spoken:
            self._spoken = question_id
            self._recording = asyncio.create_task(self._record_question(question_id))

    async def _record_question(self, question_id: str) -> None:
        try:
            session = await self.service.interviews.load(self.session_id)
            question = next((q for q in session.questions if q.id == question_id), None)
            if question is not None:
                await self.service.speak_into_recording(self.session_id, question.speak_text or question.text)
        except Exception:  # noqa: BLE001 - a recording without the question must not stop the interview
            logger.warning("question not recorded", extra={"session_id": self.session_id}, exc_info=True)

    async def show_question(self, question_id: str | None) -> None:
        """The client says which question it shows; only the interview's current one is taken."""
        current, vocabulary = await self.service.current_question(self.session_id)
        if question_id is not None and question_id == current:
            self.pipeline.show_question(current, vocabulary)

    async def _send(self, message: dict[str, Any]) -> None:
        if self.notify is not None:
            try:
                await self.notify(message)
            except Exception:  # noqa: BLE001 - the socket went away; the answer is still filed
                self.notify = None

    async def _run(self) -> None:
        async for event in self.pipeline.events():
            try:
                await self._handle(event)
            except Exception:  # noqa: BLE001 - one failed event must not end the candidate's voice
                logger.exception("voice event failed", extra={"session_id": self.session_id})

    async def _handle(self, event: PipelineEvent) -> None:
        await self._send(event.model_dump(mode="json"))
        if isinstance(event, SpeechStartedEvent) and self.service.on_speech_started is not None:
            await self.service.on_speech_started(self.session_id, event.question_id)
        elif isinstance(event, PartialTranscript):
            await self.service.publish_partial(self.session_id, event.text, event.question_id)
        elif isinstance(event, FinalTranscript):
            async def asked(reply: dict[str, Any]) -> None:
                if self.source == "webrtc":
                    # The room shows the next question as soon as the stream announces it.
                    await self._show_current()
                else:
                    # Until the phone says it shows the next question, speech continues the answer just filed.
                    self.pipeline.show_question(reply["question_id"])
                await self._send(reply)

            reply = await self.service.file_streamed(self.user, self.session_id, event, self.source, asked)
            if reply["type"] == "error":
                logger.info("voice answer not saved", extra={"session_id": self.session_id, "code": reply["code"]})
                await self._send(reply)

    async def close(self, finish: bool = True) -> None:
        """Finish the answer in progress (its final still becomes an answer), then stop."""
        await self.pipeline.aclose(finish=finish)
        await self.task


class VoiceAudioConsumer:
    """The media hub's audio consumer: the candidate's microphone, segmented into answers by silence or by
    `{"type": "voice_done"}` on the interview stream. Audio is only transcribed while the session is active: what a
    session's status is comes from one read when its first audio arrives, then from the lifecycle events (`follow`):
    paused and resumed switch transcription off and on, ended closes the voice session. Nothing polls."""

    def __init__(self, service: VoiceService) -> None:
        self.service = service
        self.sessions: dict[str, VoiceSession] = {}
        self._status: dict[str, str] = {}  # session id -> its status, for sessions with audio and no voice yet
        self._opening: dict[str, asyncio.Lock] = {}
        self._closing: set[asyncio.Task[None]] = set()

    def follow(self, lifecycle: LifecycleBus) -> None:
        lifecycle.subscribe(SessionStarted, self._running)
        lifecycle.subscribe(SessionResumed, self._running)
        lifecycle.subscribe(SessionPaused, self._paused)
        lifecycle.subscribe(SessionEnded, self._ended)

    def _heard(self, session_id: str, status: str, voice: VoiceSession | None = None) -> None:
        """Only sessions whose audio arrived are remembered (an unknown one is read once when its audio comes)."""
        if session_id in self._status or session_id in self._opening or voice is not None:
            self._status[session_id] = status

    async def _running(self, event: SessionStarted | SessionResumed) -> None:
        self._heard(event.session_id, ACTIVE)
        if (voice := self.sessions.get(event.session_id)) is not None:
            voice.active = True

    async def _paused(self, event: SessionPaused) -> None:
        self._heard(event.session_id, SessionStatus.paused.value)
        if (voice := self.sessions.get(event.session_id)) is not None:
            voice.active = False  # audio while paused is dropped, not transcribed

    async def _ended(self, event: SessionEnded) -> None:
        voice = self.sessions.pop(event.session_id, None)
        self._heard(event.session_id, ENDED_MARK, voice)  # remembered until its audio stops (end_of_stream)
        closing = [voice, self.service.take_detached(event.session_id)]
        for voice in filter(None, closing):
            # not awaited here: the end may have been published from inside this voice session's own answer
            task = asyncio.create_task(voice.close(finish=False))
            self._closing.add(task)
            task.add_done_callback(self._closing.discard)

    async def consume_audio(self, session_id: str, pcm16: bytes, sample_rate: int, captured_at: float) -> None:
        voice = await self._voice_for(session_id)
        if voice is not None:
            voice.pipeline.feed(pcm16, sample_rate)

    async def _voice_for(self, session_id: str) -> VoiceSession | None:
        voice = self.sessions.get(session_id)
        if voice is not None:
            return voice if voice.active else None
        if self._status.get(session_id, ACTIVE) != ACTIVE:
            return None  # known not to run (setup, paused, ended, gone): the lifecycle says when it does
        lock = self._opening.setdefault(session_id, asyncio.Lock())
        async with lock:  # audio chunks arrive back to back: one read and one voice session per interview
            voice = self.sessions.get(session_id)
            if voice is None and self._status.get(session_id, ACTIVE) == ACTIVE:
                voice = await self._open(session_id)
        self._opening.pop(session_id, None)
        return voice if voice is not None and voice.active else None

    async def _open(self, session_id: str) -> VoiceSession | None:
        self._status.pop(session_id, None)  # from here on, an entry is a lifecycle event heard during the read
        snapshot = await self.service.snapshot(session_id)
        user = await User.get(snapshot.candidate_id) if snapshot is not None else None
        status = self._status.get(session_id) or (snapshot.status if snapshot is not None else "missing")
        if user is None or status != ACTIVE:
            self._status[session_id] = status if user is not None else "missing"
            return None
        self._status.pop(session_id, None)
        voice = self.sessions[session_id] = VoiceSession(self.service, user, session_id, "webrtc")
        return voice

    async def end_of_stream(self, session_id: str) -> None:
        self._status.pop(session_id, None)
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
        await asyncio.gather(*self._closing, return_exceptions=True)
        await self.service.shutdown_detached()
        voices, self.sessions = list(self.sessions.values()), {}
        for voice in voices:
            try:
                await voice.close(finish=False)
            except Exception:  # noqa: BLE001
                logger.warning("voice session did not close cleanly", exc_info=True)

