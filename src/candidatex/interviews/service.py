"""The interview engine: the session state machine and the question -> answer -> feedback -> report loop."""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from litestar.stores.base import Store
from pymongo import ASCENDING, DESCENDING

from candidatex.ai.schemas import GeneratedQuestion, InterviewContext
from candidatex.ai.service import AIService
from candidatex.audit.service import AuditService, RequestMeta
from candidatex.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from candidatex.core.pagination import offset
from candidatex.core.schemas import is_object_id
from candidatex.core.timeutil import as_utc, utcnow
from candidatex.interviews import store
from candidatex.interviews.access import Action, JobLink, JobLookup, allows, session_role
from candidatex.interviews.events import EventBus
from candidatex.interviews.lifecycle import (
    AnswerEvaluated,
    AnswerReceived,
    LifecycleBus,
    QuestionAsked,
    SessionEnded,
    SessionPaused,
    SessionResumed,
    SessionStarted,
)
from candidatex.interviews.models import (
    AnswerRecord,
    ChatMessage,
    InterviewSession,
    QuestionRecord,
    SessionStatus,
    SessionType,
)
from candidatex.users.models import Role, User

logger = logging.getLogger(__name__)
# (session, the page's precheck report) -> (passed, the record kept on the session)
PrecheckJudge = Callable[[InterviewSession, dict[str, Any]], Awaitable[tuple[bool, dict[str, Any]]]]
# anticheat/ says whether a live interview may start (the proctoring notice agreed to); raises an AppError if not
LiveStartCheck = Callable[[InterviewSession], None]

FORBIDDEN_MESSAGES = {
    Action.view: "You may not see this interview",
    Action.take: "Only the candidate of this interview can do this",
    Action.review: "Only the interviewer, the job's recruiter and admins see the integrity report",
    Action.end: "Only the interviewer or an admin can end the interview",
    Action.recording: "Only the interviewer and admins may download the recording",
}
ENDED = store.ENDED
RUNNING = store.RUNNING
NOT_ENDED = (SessionStatus.setup, SessionStatus.precheck, *RUNNING)
LIVE_POLICY = "flag_for_review"
MAX_FOLLOW_UPS = 2


def context_of(session: InterviewSession) -> InterviewContext:
    # seed: each session gets its own question plan; reveal_rubric: a screening (an interview for a job's
    # application) shows the candidate no feedback or key points until it ends, practice may coach.
    return InterviewContext(job_title=session.job_title, job_description=session.job_description,
                            experience_level=session.experience_level, mode=session.mode.value,
                            focus_areas=session.focus_areas, resume_text=session.resume_text,
                            question_count=session.question_count, seed=str(session.id or ""),
                            reveal_rubric=session.job_id is None)


def question_record(q: GeneratedQuestion, follows: str | None = None) -> QuestionRecord:
    return QuestionRecord(id=q.id or secrets.token_hex(6), text=q.text, kind=q.kind, category=q.category,
                          difficulty=q.difficulty, expected_concepts=q.expected_concepts,
                          time_limit_seconds=q.time_limit_seconds, speak_text=q.speak_text or q.text,
                          is_follow_up=q.is_follow_up or follows is not None, follows=follows, provider=q.provider)


def generated(q: QuestionRecord) -> GeneratedQuestion:
    return GeneratedQuestion(id=q.id, text=q.text, kind=q.kind, category=q.category, difficulty=q.difficulty,
                             expected_concepts=q.expected_concepts, time_limit_seconds=q.time_limit_seconds,
                             speak_text=q.speak_text, is_follow_up=q.is_follow_up, provider=q.provider)


def remaining_seconds(session: InterviewSession) -> int | None:
    if not session.ends_at:
        return None
    if session.status == SessionStatus.paused and session.paused_at:
        return max(0, int((as_utc(session.ends_at) - as_utc(session.paused_at)).total_seconds()))
    if session.status in ENDED:
        return 0
    return max(0, int((as_utc(session.ends_at) - utcnow()).total_seconds()))


@dataclass(frozen=True, slots=True)
class ReceivedAnswer:
    """An answer stored and acknowledged, waiting for its evaluation."""

    session_id: str
    session: InterviewSession
    index: int
    question: QuestionRecord
    record: AnswerRecord


class InterviewService:
    def __init__(self, ai: AIService, bus: EventBus, live_store: Store, audit: AuditService,
                 lifecycle: LifecycleBus | None = None, *, job_lookup: JobLookup | None = None) -> None:
        self.ai = ai
        self.bus = bus
        self.live = live_store
        self.audit = audit
        self.lifecycle = lifecycle or LifecycleBus()
        self._evaluations: set[asyncio.Task[None]] = set()
        self.job_lookup = job_lookup  # jobs/ answers for interviews tied to a job
        # anticheat/ judges the precheck (the page's report, its camera frames, the proctoring consent): whether the
        # session may start, and the record kept on it. Set by the composition root (services.py).
        self.precheck_judge: PrecheckJudge | None = None
        self.live_start_check: LiveStartCheck | None = None

    # ---- access -------------------------------------------------------------------------------------------
    async def load(self, session_id: str) -> InterviewSession:
        session = await store.get(session_id) if is_object_id(session_id) else None
        if not session:
            raise NotFound("Interview session not found")
        return session

    async def can_view(self, user: User, session: InterviewSession) -> bool:
        return allows(user, session, Action.view)

    async def authorize(self, user: User, session_id: str, action: Action) -> InterviewSession:
        """The session if ``user`` may do ``action`` on it (interviews/access.py): NotFound for anyone without a
        role in it (ids of other people's interviews are not confirmed), Forbidden for a role without the right."""
        session = await self.load(session_id)
        if session_role(user, session) is None:
            raise NotFound("Interview session not found")
        if not allows(user, session, action):
            raise Forbidden(FORBIDDEN_MESSAGES[action])
        return session

    async def get_for(self, user: User, session_id: str) -> InterviewSession:
        return await self.authorize(user, session_id, Action.view)

    async def get_as_candidate(self, user: User, session_id: str) -> InterviewSession:
        return await self.authorize(user, session_id, Action.take)

    # ---- lifecycle ----------------------------------------------------------------------------------------
    async def create(self, user: User, data: dict[str, Any], meta: RequestMeta) -> InterviewSession:
        candidate_id, recruiter_id = str(user.id), None
        if user.role in (Role.recruiter, Role.admin) and data.get("candidate_id"):
            candidate = await User.get(data["candidate_id"])
            if not candidate or candidate.role != Role.candidate:
                raise InvalidInput("The candidate does not exist", details=[{"field": "candidate_id", "message": "unknown"}])
            candidate_id, recruiter_id = str(candidate.id), str(user.id)
        elif data.get("candidate_id") and data["candidate_id"] != str(user.id):
            raise Forbidden("Candidates create interviews for themselves only")
        if data.get("type") == SessionType.live and recruiter_id is None:
            raise InvalidInput("A live interview is scheduled by a recruiter for a candidate",
                               details=[{"field": "type", "message": "live needs a recruiter and candidate_id"}])
        fields = {k: v for k, v in data.items() if k not in {"candidate_id"}}
        if data.get("type") == SessionType.live:
            fields["anti_cheat_policy"] = LIVE_POLICY  # the anti-cheat never ends a recruiter's live interview
        link = await self._job_link(user, data.get("job_id"), candidate_id, scheduled=recruiter_id is not None)
        tied = link if recruiter_id is not None else None  # practice sessions are never shown to a job's recruiter
        if tied is not None:
            # the job's owner reviews it only if the candidate applied to that job
            fields.update(job_recruiter_id=tied.owner_id if tied.applied else None,
                          application_closed=tied.application_closed)
        session = await store.create(InterviewSession(candidate_id=candidate_id, recruiter_id=recruiter_id, **fields))
        if tied is not None and tied.applied and not tied.application_closed:
            # the application may have closed while this was being created: check again, after the insert
            again = await self._job_link(user, session.job_id, candidate_id, scheduled=True)
            if again is not None and again.application_closed:
                await store.close_application(session.job_id or "", candidate_id)
                session = await self.load(str(session.id))
        await self.audit.record("interview.create", meta=meta, actor_id=str(user.id), target_type="interview",
                                target_id=str(session.id), details={"type": session.type, "mode": session.mode})
        return session

    async def _job_link(self, user: User, job_id: str | None, candidate_id: str, scheduled: bool) -> JobLink | None:
        if not job_id:
            return None
        link = await self.job_lookup(job_id, candidate_id) if self.job_lookup else None
        if link is None:
            raise InvalidInput("The job does not exist", details=[{"field": "job_id", "message": "unknown"}])
        if scheduled and user.role != Role.admin and link.owner_id != str(user.id):
            raise Forbidden("Interviews can be tied only to your own jobs")
        return link

    async def list_for(self, user: User, status: str | None, session_type: str | None, page: int,
                       limit: int) -> tuple[list[InterviewSession], int]:
        query: dict[str, Any] = {}
        if user.role == Role.candidate:
            query["candidate_id"] = str(user.id)
        elif user.role == Role.recruiter:  # the same sessions access.session_role gives a recruiter
            uid = str(user.id)
            query["$or"] = [{"recruiter_id": uid}, {"job_recruiter_id": uid, "recruiter_id": {"$ne": None}}]
            query["application_closed"] = {"$ne": True}
        if status:
            query["status"] = status
        if session_type:
            query["type"] = session_type
        total = await store.count_listed(query)
        return await store.listed(query, [("created_at", DESCENDING)], offset(page, limit), limit), total

    async def precheck(self, user: User, session_id: str, report: dict[str, Any]) -> tuple[InterviewSession, bool]:
        session = await self.get_as_candidate(user, session_id)
        if session.status not in (SessionStatus.setup, SessionStatus.precheck):
            raise Conflict(f"The precheck is done before the interview starts (status: {session.status})",
                           code="invalid_transition")
        if self.precheck_judge is None:
            raise RuntimeError("no precheck judge is wired (services.py)")
        passed, record = await self.precheck_judge(session, report)
        updated = await store.transition(str(session.id), (SessionStatus.setup, SessionStatus.precheck),
                                         SessionStatus.precheck if passed else SessionStatus.setup,
                                         {"precheck_result": record}, base=session)
        if updated is None:  # the interview started (or ended) while the camera frame was being checked
            raise Conflict("The precheck is done before the interview starts", code="invalid_transition")
        return updated, passed

    async def start(self, user: User, session_id: str) -> InterviewSession:
        session = await self.get_as_candidate(user, session_id)
        if session.status in RUNNING:
            return session  # starting twice is harmless: the same session continues
        if session.status in ENDED:
            raise Conflict("This interview has ended", code="invalid_transition")
        if session.type == SessionType.live:
            return await self._start_live(session)
        if session.status != SessionStatus.precheck or not (session.precheck_result or {}).get("passed"):
            raise Conflict("Pass the precheck (camera, microphone, speaker, fullscreen, one screen) first",
                           code="precheck_required")
        questions = await self.ai.generate_questions(context_of(session))
        now = utcnow()
        # the claim also numbers the two events it causes (`status`, then the first `question`)
        claimed = await store.transition(str(session.id), (SessionStatus.precheck,), SessionStatus.active, {
            "started_at": now, "ends_at": now + timedelta(minutes=session.duration_minutes),
            "questions": [dict(question_record(q).model_dump(), asked_at=now if i == 0 else None)
                          for i, q in enumerate(questions)],
            "anti_cheat_key": secrets.token_hex(32), "current_question_index": 0}, number_events=2, base=session)
        session = claimed or await self.load(session_id)  # None: a parallel start won; its session continues
        if claimed is not None:
            await self._save_live_state(session)
            ends_at = session.ends_at.isoformat() if session.ends_at else None  # set by the transition above
            kind, question, asked = self._question_event(session)
            await self.bus.emit_numbered(session_id, [("status", {"status": "active", "ends_at": ends_at},
                                                       session.event_seq - 1), (kind, question, session.event_seq)])
            await self.lifecycle.publish(SessionStarted(session_id, session.ends_at))
            if asked is not None:
                await self.lifecycle.publish(asked)
        return session

    async def _start_live(self, session: InterviewSession) -> InterviewSession:
        """A live interview has no system check: the recruiter leads and ends it. The candidate's live page starts it,
        which turns its proctoring on (the signal key; the vision watch sees an active session) under
        flag_for_review. The scheduled duration is its deadline, as for any interview. Its planned questions (the
        recruiter's guide, and what a candidate answering by phone hears) are made as for any interview."""
        if self.live_start_check is not None:
            self.live_start_check(session)
        questions = await self.ai.generate_questions(context_of(session)) if session.question_count else []
        session_id, now = str(session.id), utcnow()
        claimed = await store.transition(session_id, (SessionStatus.setup, SessionStatus.precheck), SessionStatus.active, {
            "started_at": now, "ends_at": now + timedelta(minutes=session.duration_minutes),
            "questions": [dict(question_record(q).model_dump(), asked_at=now if i == 0 else None)
                          for i, q in enumerate(questions)],
            "anti_cheat_key": secrets.token_hex(32),
            "anti_cheat_policy": LIVE_POLICY, "current_question_index": 0})
        if claimed is None:  # a parallel start won (its session continues), or the interview ended meanwhile
            current = await self.load(session_id)
            if current.status in ENDED:
                raise Conflict("This interview has ended", code="invalid_transition")
            return current
        await self._save_live_state(claimed)
        ends_at = claimed.ends_at.isoformat() if claimed.ends_at else None
        await self.bus.emit(session_id, "status", {"status": "active", "ends_at": ends_at})
        await self.lifecycle.publish(SessionStarted(session_id, claimed.ends_at))
        if claimed.questions:
            await self._emit_question(claimed)
        return claimed

    async def next_question(self, user: User, session_id: str) -> tuple[InterviewSession, QuestionRecord | None]:
        session = await self.get_for(user, session_id)
        if session.status == SessionStatus.precheck and session.candidate_id == str(user.id):
            session = await self.start(user, session_id)
        if session.status in (SessionStatus.setup, SessionStatus.precheck):
            raise Conflict("The interview has not started; pass the precheck first", code="precheck_required")
        index = session.current_question_index
        return session, session.questions[index] if index < len(session.questions) and session.status not in ENDED else None

    async def answer(self, user: User, session_id: str, question_id: str, content: str, answer_type: str = "text",
                     speaking_metrics: dict[str, Any] | None = None) -> tuple[InterviewSession, AnswerRecord]:
        """Store, acknowledge and evaluate an answer before returning (REST, voice, the demo)."""
        received = await self.receive_answer(user, session_id, question_id, content, answer_type, speaking_metrics)
        return await self.evaluate_received(received)

    def answer_in_background(self, received: ReceivedAnswer,
                             then: Callable[[InterviewSession], None] | None = None) -> None:
        """Evaluate an acknowledged answer after the caller has moved on (the stream): its result arrives as the
        `evaluated` feedback event. ``then``: given the session the evaluation's writes left (the stream keeps it
        for the next answer). Shutdown waits for the evaluations still running."""
        task = asyncio.create_task(self._evaluate_quietly(received, then),
                                   name=f"interview:evaluate:{received.session_id}")
        self._evaluations.add(task)
        task.add_done_callback(self._evaluations.discard)

    async def _evaluate_quietly(self, received: ReceivedAnswer,
                                then: Callable[[InterviewSession], None] | None = None) -> None:
        try:
            await self.evaluate_received(received, then=then)
        except Exception:  # noqa: BLE001 - the answer is stored; its evaluation can be redone from it
            logger.exception("answer evaluation failed", extra={"session_id": received.session_id})

    async def drain(self) -> None:
        if self._evaluations:
            await asyncio.gather(*self._evaluations, return_exceptions=True)

    async def receive_answer(self, user: User, session_id: str, question_id: str, content: str,
                             answer_type: str = "text", speaking_metrics: dict[str, Any] | None = None,
                             held: InterviewSession | None = None) -> ReceivedAnswer:
        """Check, store and acknowledge (the `received` event) an answer; no evaluation here. ``held``: the
        session as the caller last knew it (the stream's copy): tried first without reading the session, the
        write's filter checking what the read would have; a miss reads and answers as without it."""
        if held is not None:
            fast = await self._receive_on_held(user, held, question_id, content, answer_type, speaking_metrics)
            if fast is not None:
                return fast
        session = await self.get_as_candidate(user, session_id)
        if session.status == SessionStatus.paused:
            raise Conflict("The interview is paused; resume it to answer", code="session_paused")
        if session.status != SessionStatus.active:
            raise Conflict(f"This interview is not accepting answers (status: {session.status})",
                           code="invalid_transition")
        if session.ends_at and as_utc(session.ends_at) <= utcnow():
            await self.finalize_internal(session_id, reason="time_up")
            raise Conflict("Time is up; the interview was finalized", code="time_up")
        index = session.current_question_index
        current = session.questions[index] if index < len(session.questions) else None
        if current is None:
            raise Conflict("Every question is answered; finalize the interview", code="no_open_question")
        if question_id != current.id:
            if any(a.question_id == question_id for a in session.answers):
                raise Conflict("This question was already answered", code="already_answered")
            raise InvalidInput("This is not the current question", code="wrong_question",
                               details=[{"field": "question_id", "message": f"the current question is {current.id}"}])
        record = AnswerRecord(question_id=question_id, content=content, type=answer_type,
                              speaking_metrics=speaking_metrics)
        # stored before it is evaluated, and only once even if two requests race: no answer is ever lost; the same
        # write numbers the `received` event
        seq = await store.push_answer(str(session.id), index, record, seen_event_seq=session.event_seq)
        if seq is None:
            now = await self.load(session_id)
            if now.status != SessionStatus.active:
                raise Conflict(f"This interview is not accepting answers (status: {now.status})",
                               code="session_paused" if now.status == SessionStatus.paused else "invalid_transition")
            raise Conflict("This question was already answered", code="already_answered")
        return await self._received(session, index, current, record, seq)

    async def _receive_on_held(self, user: User, held: InterviewSession, question_id: str, content: str,
                               answer_type: str, speaking_metrics: dict[str, Any] | None) -> ReceivedAnswer | None:
        """The answer stored against ``held`` without reading the session; None when the copy cannot say (not
        the current question in it, not active in it) or the write's filter missed: the caller reads."""
        index = held.current_question_index
        if (not allows(user, held, Action.take) or held.status != SessionStatus.active or held.ends_at is None
                or index >= len(held.questions) or held.questions[index].id != question_id):
            return None
        record = AnswerRecord(question_id=question_id, content=content, type=answer_type,
                              speaking_metrics=speaking_metrics)
        seq = await store.push_answer(str(held.id), index, record, seen_event_seq=held.event_seq,
                                      held_follow_ups=held.follow_ups_asked)
        return None if seq is None else await self._received(held, index, held.questions[index], record, seq)

    async def _received(self, session: InterviewSession, index: int, current: QuestionRecord, record: AnswerRecord,
                        seq: int) -> ReceivedAnswer:
        session_id = str(session.id)
        await self.bus.emit(session_id, "feedback", {"question_id": record.question_id, "stage": "received"}, seq=seq)
        await self.lifecycle.publish(AnswerReceived(session_id, record.question_id, record.type))
        # the session as this write left it (what the evaluation's own writes start from): no re-read
        stored = session.model_copy(update={"answers": [*session.answers, record], "current_question_index": index + 1,
                                            "event_seq": seq})
        return ReceivedAnswer(session_id, stored, index, current, record)

    async def ask_current(self, session_id: str) -> InterviewSession:
        """Ask the question now current. The voice path asks the next planned question as soon as the answer
        is received, then evaluates it with `evaluate_received(..., next_asked=True)`."""
        session = await self.load(session_id)
        await self._save_live_state(session)
        if session.status == SessionStatus.active:
            await self._emit_question(session)
        return session

    async def evaluate_received(self, received: ReceivedAnswer, next_asked: bool = False,
                                then: Callable[[InterviewSession], None] | None = None,
                                ) -> tuple[InterviewSession, AnswerRecord]:
        """Evaluate, then ask the next question, unless it was already asked (`next_asked`: then no follow-up
        is inserted ahead of the question the candidate now hears). ``then``: given the session the writes
        left before the next question goes out (the stream answers it against that copy)."""
        session, record, index = received.session, received.record, received.index
        session_id, question_id = received.session_id, record.question_id
        evaluation = await self.ai.evaluate_answer(context_of(session), generated(received.question), record.content,
                                                   record.speaking_metrics)
        record.evaluation = evaluation.model_dump(mode="json", exclude={"follow_up_question"})
        record.provider = evaluation.provider
        # a follow-up only while the session as this answer left it has asked fewer than the limit (the write
        # checks the limit again): past it, asking would cost a write that cannot match
        follow_up = evaluation.follow_up_question if (evaluation.needs_follow_up and not next_asked and
                                                      session.follow_ups_asked < MAX_FOLLOW_UPS) else None
        feedback_seq: int | None = None
        question_seq: int | None = None
        latest: InterviewSession | None = None
        if follow_up is not None:
            # the evaluation and the follow-up in one write, numbering the `evaluated` event and the follow-up's
            # `question`; a miss (the candidate moved on, paused, the limit reached meanwhile) stores the
            # evaluation alone below
            asking = question_record(follow_up, follows=question_id)
            last = await store.record_evaluation_asking(str(session.id), question_id, record.evaluation,
                                                        record.provider, asking, index + 1, MAX_FOLLOW_UPS,
                                                        session.event_seq)
            if last is not None:
                feedback_seq, question_seq = last - 1, last
                if last == session.event_seq + 2:  # nobody wrote in between: no re-read
                    questions = [*session.questions[:index + 1], asking, *session.questions[index + 1:]]
                    latest = session.model_copy(update={"questions": questions, "event_seq": last,
                                                        "follow_ups_asked": session.follow_ups_asked + 1,
                                                        "status": SessionStatus.active})
                else:
                    latest = await self.load(session_id)
        if feedback_seq is None:
            # the writes number the events they cause: the `evaluated` feedback, then the next `question`; after a
            # missed follow-up only the feedback (as before the fold: the next question, if the session is still
            # active, is asked on its own below, and a pause meanwhile gives no status event of its own)
            numbers = 1 if next_asked or follow_up is not None else 2
            stored = await store.record_evaluation(str(session.id), question_id, record.evaluation, record.provider,
                                                   number_events=numbers,
                                                   seen={"event_seq": session.event_seq,
                                                         "status": session.status.value})
            feedback_seq = stored["event_seq"] - numbers + 1 if stored else None
            question_seq = stored["event_seq"] if stored and numbers == 2 else None
            if stored is not None:
                if stored["event_seq"] == session.event_seq + numbers:  # nobody wrote in between: no re-read
                    latest = session.model_copy(update={"event_seq": stored["event_seq"],
                                                        "status": SessionStatus(stored["status"])})
                else:
                    latest = await self.load(session_id)
        feedback = {"question_id": question_id, "stage": "evaluated"} | (
            {"evaluation": record.evaluation} if context_of(session).reveal_rubric else {})
        if feedback_seq is None:
            await self.bus.emit(session_id, "feedback", feedback)
        # the document after the last write above: no re-read before asking the next question
        session = latest or await self.load(session_id)
        events: list[tuple[str, dict[str, Any], int]] = [] if feedback_seq is None else [
            ("feedback", feedback, feedback_seq)]
        asked = None
        if question_seq is not None:
            if session.status == SessionStatus.active:
                kind, data, asked = self._question_event(session)
            else:  # it ended or paused meanwhile: the number taken for the question says so instead
                kind, data = "status", {"status": session.status.value}
            events.append((kind, data, question_seq))
        if then is not None:
            then(session)
        if events:
            await self.bus.emit_numbered(session_id, events)  # stored in one round trip
        await self.lifecycle.publish(AnswerEvaluated(session_id, question_id, evaluation.score))
        if asked is not None:
            await self.lifecycle.publish(asked)
        elif question_seq is None and session.status == SessionStatus.active and not next_asked:
            await self._emit_question(session)
        return session, record

    async def continue_answer(self, user: User, session_id: str, question_id: str,
                              content: str) -> tuple[InterviewSession, AnswerRecord]:
        """The rest of a spoken answer that began before the next question was shown: added to the stored
        answer to `question_id` (never filed against a question the candidate had not seen), then the whole
        answer is evaluated again."""
        for _ in range(3):
            session = await self.get_as_candidate(user, session_id)
            stored = next((a for a in session.answers if a.question_id == question_id), None)
            if stored is None:
                raise Conflict("This question has no answer to continue", code="wrong_question")
            updated = await store.append_to_answer(str(session.id), question_id, stored.content, content)
            if updated is not None:
                break
            if session.status != SessionStatus.active:
                raise Conflict(f"This interview is not accepting answers (status: {session.status})",
                               code="invalid_transition")
        else:
            raise Conflict("The answer changed while it was being continued; try again", code="already_answered")
        record = next(a for a in updated.answers if a.question_id == question_id)
        question = next(q for q in updated.questions if q.id == question_id)
        evaluation = await self.ai.evaluate_answer(context_of(updated), generated(question), record.content,
                                                   record.speaking_metrics)
        record.evaluation = evaluation.model_dump(mode="json", exclude={"follow_up_question"})
        record.provider = evaluation.provider
        numbered = await store.record_evaluation(str(updated.id), question_id, record.evaluation, record.provider,
                                                 number_events=1)
        await self.bus.emit(session_id, "feedback", {"question_id": question_id, "stage": "evaluated"}
                            | ({"evaluation": record.evaluation} if context_of(updated).reveal_rubric else {}),
                            seq=numbered["event_seq"] if numbered else None)
        return updated, record

    async def pause(self, user: User, session_id: str) -> InterviewSession:
        session = await self.get_as_candidate(user, session_id)
        paused = await store.transition(str(session.id), (SessionStatus.active,), SessionStatus.paused,
                                        {"paused_at": utcnow()})
        if paused is None:
            current = await self.load(session_id)
            raise Conflict(f"Only a running interview can be paused (status: {current.status})", code="invalid_transition")
        session = paused
        await self._save_live_state(session)
        await self.bus.emit(session_id, "status", {"status": "paused", "remaining_seconds": remaining_seconds(session)})
        await self.lifecycle.publish(SessionPaused(session_id, remaining_seconds(session)))
        return session

    async def resume(self, user: User, session_id: str) -> InterviewSession:
        session = await self.get_as_candidate(user, session_id)
        if session.status != SessionStatus.paused:
            raise Conflict(f"Only a paused interview can be resumed (status: {session.status})", code="invalid_transition")
        paused_for = utcnow() - as_utc(session.paused_at or utcnow())
        ends_at = as_utc(session.ends_at) + paused_for if session.ends_at else None
        # conditional on the pause it measured: a second resume of the same pause cannot add the time twice
        resumed = await store.transition(str(session.id), (SessionStatus.paused,), SessionStatus.active,
                                         {"ends_at": ends_at, "paused_at": None}, where={"paused_at": session.paused_at})
        if resumed is None:
            current = await self.load(session_id)
            raise Conflict(f"Only a paused interview can be resumed (status: {current.status})", code="invalid_transition")
        session = resumed
        await self._save_live_state(session)
        await self.bus.emit(session_id, "status", {"status": "active", "remaining_seconds": remaining_seconds(session),
                                                   "ends_at": session.ends_at.isoformat() if session.ends_at else None})
        await self.lifecycle.publish(SessionResumed(session_id, session.ends_at))
        return session

    async def finalize(self, user: User, session_id: str) -> InterviewSession:
        session = await self.get_as_candidate(user, session_id)
        if session.status in ENDED:
            raise Conflict("This interview is already finalized", code="already_finalized")
        if session.status not in RUNNING:
            raise Conflict("The interview has not started", code="invalid_transition")
        finished = await self._complete(session_id, reason="finalized", base=session)
        if finished is None:  # a parallel request (or the deadline) finalized it first: a second call is a 409
            raise Conflict("This interview is already finalized", code="already_finalized")
        return finished

    async def finalize_internal(self, session_id: str, reason: str) -> InterviewSession:
        # None: someone else (another worker, the clock) finalized it
        return await self._complete(session_id, reason) or await self.load(session_id)

    async def expire(self, session_id: str) -> bool:
        """The clock's deadline: ends the interview with `time_up` only if its stored end has passed (a pause or
        resume elsewhere may have moved it since the clock learnt it)."""
        return await self._complete(session_id, "time_up", where={"status": SessionStatus.active.value,
                                                                  "ends_at": {"$lte": utcnow()}}) is not None

    async def _complete(self, session_id: str, reason: str, where: dict[str, Any] | None = None,
                        base: InterviewSession | None = None) -> InterviewSession | None:
        """``base``: the session as the caller just read it. The report is made from it and stored by the write that
        ends it, numbering the `complete` event (one rewrite of the session); if anything was written since, the
        end is claimed first and the report made from what that claim found, as without ``base``."""
        stored: InterviewSession | None = None
        if base is not None:
            stored = await store.end(session_id, SessionStatus.completed, RUNNING,
                                     {"result": await self._report(base, reason)}, where=where, base=base,
                                     number_events=1)
        if stored is None:
            claimed = await store.end(session_id, SessionStatus.completed, RUNNING, where=where)
            if claimed is None:
                return None
            result = await self._report(claimed, reason)
            # the report's write also numbers the `complete` event, and builds the session from the claimed one
            stored = await store.set_result(session_id, result, base=claimed, number_events=1)
        session = stored or await self.load(session_id)
        await self._save_live_state(session)
        await self.bus.emit(session_id, "complete", {"status": "completed", "reason": reason,
                                                     "total_score": (session.result or {}).get("total_score")},
                            seq=stored.event_seq if stored is not None else None)
        await self._ended(session_id, reason, None)
        return session

    async def terminate(self, session_id: str, reason: str, actor: User | None = None,
                        meta: RequestMeta | None = None) -> InterviewSession:
        claimed = await store.end(session_id, SessionStatus.terminated, NOT_ENDED, {"terminated_reason": reason})
        if claimed is None:
            return await self.load(session_id)  # it had already ended: whoever ended it told everyone
        session = claimed
        if session.answers:
            session = await store.set_result(session_id, await self._report(session, reason)) or session
        await self._save_live_state(session)
        await self.bus.emit(session_id, "complete", {"status": session.status.value, "reason": reason,
                                                     "terminated_reason": session.terminated_reason})
        if actor:
            await self.audit.record("interview.end", meta=meta, actor_id=str(actor.id), target_type="interview",
                                    target_id=session_id, details={"reason": reason})
        await self._ended(session_id, reason, str(actor.id) if actor else None)
        return session

    async def _ended(self, session_id: str, reason: str, actor_id: str | None) -> None:
        # media closes the room, anti-cheat seals its log, the clock forgets the deadline (app.py wires them)
        await self.lifecycle.publish(SessionEnded(session_id, reason, actor_id))

    async def end_by_staff(self, user: User, session_id: str, reason: str, meta: RequestMeta) -> InterviewSession:
        session = await self.authorize(user, session_id, Action.end)
        if session.status in ENDED:
            raise Conflict("This interview has already ended", code="already_finalized")
        return await self.terminate(session_id, reason, actor=user, meta=meta)

    async def _report(self, session: InterviewSession, reason: str) -> dict[str, Any]:
        by_id = {q.id: q for q in session.questions}
        items = []
        for answer in session.answers:
            question = by_id.get(answer.question_id)
            if question is None or answer.evaluation is None:
                continue
            from candidatex.ai.schemas import AnswerEvaluation

            items.append((generated(question), answer.content, AnswerEvaluation.model_validate(answer.evaluation)))
        answered = {a.question_id for a in session.answers}
        unanswered = [generated(q) for q in session.questions if q.id not in answered]  # count as 0 in the total
        report = await self.ai.final_report(context_of(session), items, unanswered)
        result = report.model_dump(mode="json")
        result["reason"] = reason
        result["answered"] = len(session.answers)
        result["asked"] = len(session.questions)
        metrics = [a.speaking_metrics for a in session.answers if a.speaking_metrics]
        if metrics:
            result["speaking_metrics"] = _average_metrics(metrics)
        return result

    async def summary(self, user: User, session_id: str) -> InterviewSession:
        session = await self.get_for(user, session_id)
        if session.status not in ENDED:
            raise Conflict("The summary is ready once the interview is finalized", code="not_finalized")
        return session

    async def history(self, user: User, limit: int = 50) -> list[InterviewSession]:
        return await store.listed({"candidate_id": str(user.id), "status": {"$in": [s.value for s in ENDED]}},
                                  [("completed_at", ASCENDING)], limit=limit)

    async def add_chat(self, session_id: str, sender: User, text: str) -> ChatMessage:
        message = ChatMessage(sender_id=str(sender.id), sender_role=sender.role.value, text=text[:2000])
        await store.push_chat(session_id, message)
        return message

    # ---- clocks -------------------------------------------------------------------------------------------
    async def expire_overdue(self) -> int:
        """Ends every running interview whose time is up, whether or not anyone is connected."""
        overdue = await store.listed_ids({"status": SessionStatus.active.value, "ends_at": {"$lte": utcnow()}})
        ended = 0
        for session_id in overdue:
            # the listing may lag the session by a write in flight (a resume that moved ends_at, an end): the
            # end is conditional on the session's own status and deadline, as the clock's
            if await self.expire(str(session_id)):
                ended += 1
            else:  # not due after all, or ended by another writer: a listing left stale must not be found again
                await store.relist([session_id])
        return ended

    async def _emit_question(self, session: InterviewSession) -> None:
        kind, data, asked = self._question_event(session)
        await self.bus.emit(str(session.id), kind, data)
        if asked is not None:
            await self.lifecycle.publish(asked)

    @staticmethod
    def _question_event(session: InterviewSession) -> tuple[str, dict[str, Any], QuestionAsked | None]:
        """The stream event that asks the current question (and its lifecycle event), or says all are answered."""
        index = session.current_question_index
        if index >= len(session.questions):
            return "status", {"status": session.status.value, "all_answered": True}, None
        question = session.questions[index]
        return "question", {
            "id": question.id, "text": question.text, "speak_text": question.speak_text or question.text,
            "kind": question.kind, "category": question.category, "difficulty": question.difficulty,
            "time_limit_seconds": question.time_limit_seconds, "is_follow_up": question.is_follow_up,
            "number": index + 1, "total": len(session.questions), "provider": question.provider,
        }, QuestionAsked(str(session.id), question.id, index + 1)

    async def _save_live_state(self, session: InterviewSession) -> None:
        """Fast shared view of a running interview (current question, time left, last activity) for every worker."""
        index = session.current_question_index
        state = {"status": session.status.value, "ends_at": session.ends_at.isoformat() if session.ends_at else None,
                 "remaining_seconds": remaining_seconds(session),
                 "current_question_id": session.questions[index].id if index < len(session.questions) else None,
                 "last_activity_at": utcnow().isoformat()}
        await self.live.set(f"session:{session.id}", json.dumps(state), expires_in=24 * 3600)

    async def live_state(self, session_id: str) -> dict[str, Any] | None:
        raw = await self.live.get(f"session:{session_id}")
        return json.loads(raw) if raw else None


def _average_metrics(metrics: list[dict[str, Any]]) -> dict[str, Any]:
    numeric: dict[str, list[float]] = {}
    fillers: dict[str, int] = {}
    for entry in metrics:
        for key, value in entry.items():
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                numeric.setdefault(key, []).append(float(value))
            elif key == "filler_words" and isinstance(value, dict):
                for word, count in value.items():
                    fillers[word] = fillers.get(word, 0) + int(count)
    summary: dict[str, Any] = {key: round(sum(values) / len(values), 2) for key, values in numeric.items()}
    for total_key in ("talk_time_s", "pause_count"):
        if total_key in numeric:
            summary[total_key] = round(sum(numeric[total_key]), 2)
    summary["filler_words"] = fillers
    summary["answers_spoken"] = len(metrics)
    return summary
