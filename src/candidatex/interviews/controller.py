from __future__ import annotations

from typing import Any, Literal

from litestar import Controller, Request, get, post
from litestar.security.jwt import Token

from candidatex.auth.guards import requires
from candidatex.core.pagination import PageNumber, page_size
from candidatex.core.request import meta_of
from candidatex.core.schemas import Envelope, Page, object_id_param, ok, page_of
from candidatex.interviews.models import SessionStatus, SessionType
from candidatex.interviews.schemas import (
    AnswerIn,
    AnswerOut,
    CreateSessionIn,
    EndSessionIn,
    EvaluationOut,
    HistoryPoint,
    NextQuestionOut,
    PrecheckIn,
    PrecheckOut,
    QuestionOut,
    SessionOut,
    StartOut,
)
from candidatex.interviews.service import InterviewService, context_of, remaining_seconds
from candidatex.users import store as user_store
from candidatex.users.models import User

AuthedRequest = Request[User, Token, Any]
SessionId = object_id_param("interview session id")


async def candidate_names(user: User, candidate_ids: set[str]) -> dict[str, str]:
    """The candidates' names; a candidate reading their own sessions (the polled case) costs no database read."""
    if candidate_ids <= {str(user.id)}:
        return {str(user.id): user.full_name or ""}
    return await user_store.full_names(candidate_ids)


def view(session: Any, user: User, candidate_name: str | None = None) -> SessionOut:
    shown = SessionOut.of(session, session.candidate_id == str(user.id), remaining_seconds(session))
    shown.candidate_name = candidate_name
    return shown


class InterviewController(Controller):
    path = "/interview/sessions"
    tags = ["interviews"]
    guards = [requires("interview:own")]

    @post("/", status_code=201)
    async def create_session(self, request: AuthedRequest, data: CreateSessionIn,
                             interview_service: InterviewService) -> Envelope[SessionOut]:
        session = await interview_service.create(request.user, data.model_dump(), meta_of(request))
        return ok(view(session, request.user), "Interview created; run the precheck next")

    @get("/")
    async def list_sessions(self, request: AuthedRequest, interview_service: InterviewService,
                            status: SessionStatus | None = None, type: SessionType | None = None,  # noqa: A002
                            page: int = PageNumber, limit: int = page_size()) -> Envelope[Page[SessionOut]]:
        items, total = await interview_service.list_for(request.user, status, type, page, limit)
        names = await candidate_names(request.user, {s.candidate_id for s in items})
        return ok(page_of([view(s, request.user, names.get(s.candidate_id)) for s in items], total, page, limit))

    @get("/history")
    async def history(self, request: AuthedRequest, interview_service: InterviewService) -> Envelope[list[HistoryPoint]]:
        sessions = await interview_service.history(request.user)
        return ok([HistoryPoint(session_id=str(s.id), job_title=s.job_title, mode=s.mode.value,
                                completed_at=s.completed_at, status=s.status.value,
                                total_score=(s.result or {}).get("total_score"),
                                behavioral_score=(s.result or {}).get("behavioral_score"),
                                technical_score=(s.result or {}).get("technical_score")) for s in sessions])

    @get("/{session_id:str}")
    async def get_session(self, request: AuthedRequest, interview_service: InterviewService,
                          session_id: str = SessionId) -> Envelope[SessionOut]:
        session = await interview_service.get_for(request.user, session_id)
        names = await candidate_names(request.user, {session.candidate_id})
        return ok(view(session, request.user, names.get(session.candidate_id)), "The interview session")

    @post("/{session_id:str}/precheck", status_code=200)
    async def precheck(self, request: AuthedRequest, data: PrecheckIn, interview_service: InterviewService,
                       session_id: str = SessionId) -> Envelope[PrecheckOut]:
        session, passed = await interview_service.precheck(request.user, session_id, data.report())
        record = session.precheck_result or {}
        shown = view(session, request.user).model_dump()
        return ok(PrecheckOut(**shown, passed=passed, warnings=record.get("warnings", []),
                              failures=record.get("failures", [])),
                  "Precheck passed; you can start" if passed else
                  "Precheck failed: " + "; ".join(f["message"] for f in record.get("failures", [])))

    @post("/{session_id:str}/start", status_code=200)
    async def start(self, request: AuthedRequest, interview_service: InterviewService,
                    session_id: str = SessionId) -> Envelope[StartOut]:
        session = await interview_service.start(request.user, session_id)
        return ok(StartOut(session=view(session, request.user), anti_cheat_key=session.anti_cheat_key),
                  "The interview has started")

    @get("/{session_id:str}/next-question")
    async def next_question(self, request: AuthedRequest, interview_service: InterviewService,
                            session_id: str = SessionId) -> Envelope[NextQuestionOut]:
        session, question = await interview_service.next_question(request.user, session_id)
        total = len(session.questions)
        shown = QuestionOut.of(question, session.current_question_index + 1, total,
                               reveal=session.candidate_id != str(request.user.id)) if question else None
        return ok(NextQuestionOut(
            question=shown, remaining_seconds=remaining_seconds(session), answered=len(session.answers), total=total,
            done=question is None, id=shown.id if shown else None, content=shown.content if shown else None,
            type=shown.type if shown else None),
            "The current question" if shown else "Every question is answered; finalize the interview")

    @post("/{session_id:str}/answer", status_code=200)
    async def answer(self, request: AuthedRequest, data: AnswerIn, interview_service: InterviewService,
                     session_id: str = SessionId) -> Envelope[AnswerOut]:
        session, record = await interview_service.answer(request.user, session_id, data.question_id, data.content,
                                                         data.type)
        index = session.current_question_index
        following = session.questions[index] if index < len(session.questions) else None
        # a screening reveals no feedback while it runs
        shown = record.evaluation if context_of(session).reveal_rubric else None
        visible = None if shown is None else EvaluationOut.model_validate(shown)
        return ok(AnswerOut(question_id=record.question_id, evaluation=visible,
                            feedback=visible, next_question_id=following.id if following else None,
                            next_question=QuestionOut.of(following, index + 1, len(session.questions), reveal=False)
                            if following else None, done=following is None), "Answer saved")

    @post("/{session_id:str}/pause", status_code=200)
    async def pause(self, request: AuthedRequest, interview_service: InterviewService,
                    session_id: str = SessionId) -> Envelope[SessionOut]:
        return ok(view(await interview_service.pause(request.user, session_id), request.user), "Paused")

    @post("/{session_id:str}/resume", status_code=200)
    async def resume(self, request: AuthedRequest, interview_service: InterviewService,
                     session_id: str = SessionId) -> Envelope[SessionOut]:
        return ok(view(await interview_service.resume(request.user, session_id), request.user), "Resumed")

    @post("/{session_id:str}/finalize", status_code=200)
    async def finalize(self, request: AuthedRequest, interview_service: InterviewService,
                       session_id: str = SessionId) -> Envelope[SessionOut]:
        session = await interview_service.finalize(request.user, session_id)
        return ok(view(session, request.user), "Interview finalized; your report is ready")

    @post("/{session_id:str}/end", status_code=200, guards=[requires("interview:watch")])
    async def end(self, request: AuthedRequest, interview_service: InterviewService, data: EndSessionIn | None = None,
                  session_id: str = SessionId) -> Envelope[SessionOut]:
        session = await interview_service.end_by_staff(request.user, session_id,
                                                       data.reason if data else "ended_by_recruiter", meta_of(request))
        return ok(view(session, request.user), "Interview ended")

    @get("/{session_id:str}/summary")
    async def summary(self, request: AuthedRequest, interview_service: InterviewService,
                      session_id: str = SessionId) -> Envelope[SessionOut]:
        return ok(view(await interview_service.summary(request.user, session_id), request.user), "The interview summary")


RunningFilter = Literal["active", "paused"]
