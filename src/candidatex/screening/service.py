"""Screening interviews: send from the pipeline, notice and consent, review, a person's decision, audit.

The AI's evaluation is a recommendation. The only path that moves an application is ``decide``: a recruiter
(or admin) acting with a reason. Expiry, reminders and the end of an interview never touch the application.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections import defaultdict
from collections.abc import Hashable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bson import ObjectId
from gridfs import AsyncGridFSBucket
from gridfs.errors import NoFile

from candidatex.anticheat.appeals import flags_of
from candidatex.audit.service import AuditService
from candidatex.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from candidatex.core.mailer import Mailer
from candidatex.core.meta import RequestMeta
from candidatex.core.timeutil import as_utc, utcnow
from candidatex.interviews import store as session_store
from candidatex.interviews.access import Action, allows
from candidatex.interviews.lifecycle import SessionEnded
from candidatex.interviews.models import InterviewSession, SessionEvent
from candidatex.jobs.models import CLOSED, Application, ApplicationStatus, Job
from candidatex.jobs.service import JobService
from candidatex.matching.fairness import audit_report
from candidatex.matching.service import MatchingService
from candidatex.resumes.models import Resume
from candidatex.screening import store
from candidatex.screening.models import Consent, Decision, Note, Screening, ScreeningStatus
from candidatex.users.models import Role, User, own_side

logger = logging.getLogger(__name__)

NOTICE: dict[str, Any] = json.loads((Path(__file__).parent / "notice.json").read_text())
RECORDINGS_BUCKET = "recordings"  # media/service.py stores recordings there, metadata.session_id
OUTCOME_STATUS = {"advance": ApplicationStatus.interview, "reject": ApplicationStatus.rejected}
MAX_FOCUS_AREAS = 10
MAX_DEADLINE_DAYS = 90


def notice(retention_days: int) -> dict[str, Any]:
    return {**NOTICE, "retention": f"Your answers, scores and integrity events are kept for {retention_days} days "
                                   "after the recruiter's decision, then deleted; the decision log (who decided "
                                   "what, and what the AI recommended) is kept for bias audits."}


def _millis(moment: datetime) -> datetime:
    # BSON dates keep milliseconds: a value matched later must be stored exactly
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def competencies(session: InterviewSession) -> dict[str, float]:
    """Average score per question category (the competencies the plan covered); unanswered count as 0."""
    scores = {a.question_id: float((a.evaluation or {}).get("score") or 0.0) for a in session.answers}
    grouped: dict[str, list[float]] = defaultdict(list)
    for question in session.questions:
        grouped[question.category].append(scores.get(question.id, 0.0))
    return {name: round(sum(values) / len(values), 1) for name, values in sorted(grouped.items())}


def ai_summary(session: InterviewSession, advance_score: float) -> dict[str, Any] | None:
    """What the AI says of an ended screening: its scores, per competency, and its recommendation."""
    result = session.result or {}
    if not session.answers or result.get("total_score") is None:
        return None
    total = float(result["total_score"])
    return {"total_score": total, "behavioral_score": result.get("behavioral_score"),
            "technical_score": result.get("technical_score"),
            "communication_score": result.get("communication_score"), "competencies": competencies(session),
            "recommendation": "advance" if total >= advance_score else "do_not_advance",
            "advance_score": advance_score, "answered": len(session.answers), "asked": len(session.questions),
            "open_flags": sum(f["status"] in ("open", "contested") for f in flags_of(session)),
            "session_status": session.status.value}


class ScreeningService:
    def __init__(self, jobs: JobService, mailer: Mailer, audit: AuditService, *, public_url: str,
                 advance_score: float, reminder_hours: float, retention_days: int, database: Any = None) -> None:
        self.jobs = jobs
        self.mailer = mailer
        self.audit = audit
        self.public_url = public_url
        self.advance_score = advance_score
        self.reminder_hours = reminder_hours
        self.retention_days = retention_days
        self.database = database  # for the recordings bucket (media/ stores recordings in GridFS)
        self.interviews: Any = None  # InterviewService (the app wires it): creates the session on consent
        jobs.move_checks.append(self.check_move)

    def link(self, screening: Screening) -> str:
        return f"{self.public_url}/candidate/screenings/{screening.id}"  # the one link of every email

    # ---- access -------------------------------------------------------------------------------------------
    async def _load(self, screening_id: str) -> Screening:
        screening = await store.get(screening_id)
        if screening is None:
            raise NotFound("Screening not found")
        return screening

    async def get_for(self, user: User, screening_id: str) -> Screening:
        """The candidate, the job's recruiter and admins; anyone else is told it does not exist."""
        screening = await self._load(screening_id)
        uid = str(user.id)
        if user.role == Role.admin or uid == screening.candidate_id:
            return screening
        if user.role == Role.recruiter and uid == screening.recruiter_id:
            application = await Application.get(ObjectId(screening.application_id))
            if application is not None and application.status != ApplicationStatus.withdrawn:
                return screening  # withdrawn: the candidate took back what they sent (rejected: the log stays)
        raise NotFound("Screening not found")

    async def as_candidate(self, user: User, screening_id: str) -> Screening:
        screening = await self.get_for(user, screening_id)
        if screening.candidate_id != str(user.id):
            raise Forbidden("Only the candidate answers their screening")
        return screening

    async def as_staff(self, user: User, screening_id: str) -> Screening:
        screening = await self.get_for(user, screening_id)
        if screening.candidate_id == str(user.id):
            raise Forbidden("Only the job's recruiter and admins review a screening")
        return screening

    # ---- send ---------------------------------------------------------------------------------------------
    async def send(self, user: User, application_id: str, data: dict[str, Any], meta: RequestMeta) -> Screening:
        application = await self.jobs.get_application(user, application_id)
        if user.role != Role.admin and application.recruiter_id != str(user.id):
            raise Forbidden("Only the recruiter who posted the job sends its screening interviews")
        if application.status != ApplicationStatus.screening:
            raise Conflict(f"Move the application to the screening stage first (it is {application.status})",
                           code="wrong_stage")
        job = await self.jobs.load(application.job_id)
        now = utcnow()
        deadline = as_utc(data["deadline"]) if data.get("deadline") else now + timedelta(days=data["deadline_days"])
        if not now + timedelta(hours=1) < deadline <= now + timedelta(days=MAX_DEADLINE_DAYS):
            raise InvalidInput(f"The deadline must be between an hour and {MAX_DEADLINE_DAYS} days away",
                               details=[{"field": "deadline", "message": "in the past, too close or too far"}])
        screening = await store.create(Screening(
            application_id=application_id, job_id=application.job_id, candidate_id=application.candidate_id,
            recruiter_id=application.recruiter_id, sent_by=str(user.id), job_title=job.title, mode=data["mode"],
            question_count=data["question_count"], duration_minutes=data["duration_minutes"],
            anti_cheat_policy=data["anti_cheat_policy"], deadline=_millis(deadline)))
        if screening is None:
            raise Conflict("This application already has a screening interview", code="already_sent")
        candidate = await User.get(application.candidate_id)
        if candidate is not None:
            await self.mailer.send(candidate.email, f"Screening interview for {job.title}",
                                   f"Hello {candidate.full_name},\n\n{job.company or 'The recruiter'} invites you to "
                                   f"a screening interview for {job.title}. Take it when it suits you before "
                                   f"{deadline:%Y-%m-%d %H:%M} UTC:\n{self.link(screening)}\n\nThe page explains "
                                   "first which parts an AI evaluates and asks for your consent.\n")
        await self.audit.record("screening.send", meta=meta, actor_id=str(user.id), target_type="screening",
                                target_id=str(screening.id), details={"application_id": application_id,
                                                                      "job_id": application.job_id})
        return screening

    async def list_for(self, user: User, job_id: str | None) -> list[Screening]:
        query: dict[str, Any] = own_side(user)
        if job_id:
            query["job_id"] = job_id
        screenings = await Screening.find(query).sort("-created_at").limit(200).to_list()
        if user.role != Role.recruiter or not screenings:
            return screenings
        withdrawn = {str(a["_id"]) async for a in Application.get_pymongo_collection().find(
            {"_id": {"$in": [ObjectId(s.application_id) for s in screenings]},
             "status": ApplicationStatus.withdrawn.value}, {"_id": 1})}
        return [s for s in screenings if s.application_id not in withdrawn]

    # ---- notice and consent -------------------------------------------------------------------------------
    async def consent(self, user: User, screening_id: str, accepted: bool, comment: str | None,
                      meta: RequestMeta) -> Screening:
        screening = await self.as_candidate(user, screening_id)
        now = utcnow()
        if screening.status != ScreeningStatus.invited:
            raise Conflict(f"You already answered this invitation ({screening.status})", code="already_answered")
        if as_utc(screening.deadline) <= now:
            raise Conflict("The deadline of this screening has passed", code="deadline_passed")
        consent = Consent(accepted=accepted, notice_version=NOTICE["version"], comment=comment, at=_millis(now))
        answered = await store.record_consent(screening_id, consent, now)
        if answered is None:
            raise Conflict("This invitation was answered or expired meanwhile", code="already_answered")
        await self.audit.record("screening.consent" if accepted else "screening.decline", meta=meta,
                                actor_id=str(user.id), target_type="screening", target_id=screening_id,
                                details={"notice_version": NOTICE["version"]})
        if not accepted:
            await self._tell_recruiter(answered, "asks for an interview with a person",
                                       "They declined the AI screening interview and ask for an interview with a "
                                       "person instead. Their application stays in the screening stage.")
            return answered
        try:
            session = await self._create_session(answered, meta)
        except Exception:
            await store.undo_consent(screening_id)
            raise
        return await store.attach_session(screening_id, str(session.id)) or await self._load(screening_id)

    async def _create_session(self, screening: Screening, meta: RequestMeta) -> InterviewSession:
        """The interview, built from the job and the candidate's résumé, as the recruiter who sent it."""
        sender = await User.get(screening.sent_by)
        application = await Application.get(screening.application_id)
        job = await Job.get(screening.job_id)
        if sender is None or application is None or job is None or application.status in CLOSED:
            raise Conflict("This application is closed", code="application_closed")
        resume = await Resume.get(application.resume_id)
        areas = [s[:60] for s in (*job.required_skills, *job.preferred_skills)][:MAX_FOCUS_AREAS]
        return await self.interviews.create(sender, {
            "type": "ai_mock", "mode": screening.mode, "job_title": job.title, "job_description": job.description,
            "experience_level": job.experience_level, "resume_text": (resume.text or None) if resume else None,
            "question_count": screening.question_count, "duration_minutes": screening.duration_minutes,
            "focus_areas": areas, "candidate_id": screening.candidate_id, "job_id": screening.job_id,
            "anti_cheat_policy": screening.anti_cheat_policy}, meta)

    async def _tell_recruiter(self, screening: Screening, subject: str, body: str) -> None:
        recruiter, candidate = await User.get(screening.recruiter_id), await User.get(screening.candidate_id)
        if recruiter is not None:
            name = candidate.full_name if candidate else "The candidate"
            await self.mailer.send(recruiter.email, f"{name} {subject} ({screening.job_title})",
                                   f"{name}: {body}\n{self.public_url}/recruiter/screenings/{screening.id}\n")

    # ---- after the interview ------------------------------------------------------------------------------
    async def session_ended(self, event: SessionEnded) -> None:
        """Lifecycle subscriber: keep the AI's summary on the screening (compare and audit read it)."""
        session_id, reason = event.session_id, event.reason
        session = await session_store.get(session_id)
        if session is None or session.job_id is None:
            return
        summary = ai_summary(session, self.advance_score)
        if summary is not None:
            summary["reason"] = reason
        if await store.set_ai_result(session_id, summary or {"recommendation": None, "reason": reason}) is None:
            return  # not a screening

    async def session_of(self, screening: Screening) -> InterviewSession | None:
        return await session_store.get(screening.session_id) if screening.session_id else None

    async def candidate_view(self, user: User, screening_id: str) -> dict[str, Any]:
        screening = await self.as_candidate(user, screening_id)
        session = await self.session_of(screening)
        ended = session is not None and session.status in session_store.ENDED
        answers = []
        if session is not None and ended:
            by_id = {q.id: q for q in session.questions}
            answers = [{"question": by_id[a.question_id].text if a.question_id in by_id else "",
                        "answer": a.content, "score": (a.evaluation or {}).get("score"),
                        "covered_key_points": (a.evaluation or {}).get("covered_key_points", []),
                        "missed_key_points": (a.evaluation or {}).get("missed_key_points", [])}
                       for a in session.answers]
        decision = screening.decision
        return {"answers": answers, "flags": flags_of(session) if session is not None and ended else [],
                "session_status": session.status.value if session else None,
                "outcome": decision.outcome if decision else None, "decided_at": decision.at if decision else None,
                "human_review_requested": bool(screening.human_review_requests)}

    async def request_human_review(self, user: User, screening_id: str, comment: str,
                                   meta: RequestMeta) -> Screening:
        screening = await self.as_candidate(user, screening_id)
        session = await self.session_of(screening)
        if session is None or session.status not in session_store.ENDED:
            raise Conflict("A review can be asked for once the interview has ended", code="not_finished")
        if screening.human_review_requests:
            raise Conflict("You already asked for a human review", code="already_requested")
        updated = await store.push_review_request(screening_id, {"comment": comment, "at": _millis(utcnow())})
        await self.audit.record("screening.human_review_request", meta=meta, actor_id=str(user.id),
                                target_type="screening", target_id=screening_id)
        await self._tell_recruiter(screening, "asks for a human review",
                                   f"They ask a person to review the AI's evaluation: \"{comment}\"")
        return updated or screening

    async def review(self, user: User, screening_id: str) -> dict[str, Any]:
        """Per-question answers with scores and evidence, recording offsets, flags with appeal state."""
        screening = await self.as_staff(user, screening_id)
        session = await self.session_of(screening)
        if session is None or not allows(user, session, Action.review):
            return {"session": None, "questions": [], "flags": [], "recording": None, "result": None,
                    "withheld": session is not None}
        answers = {a.question_id: a for a in session.answers}
        started = as_utc(session.started_at) if session.started_at else None
        questions = []
        for number, question in enumerate(session.questions, start=1):
            answer = answers.get(question.id)
            asked = as_utc(question.asked_at) if question.asked_at else None
            evaluation = (answer.evaluation or {}) if answer else {}
            questions.append({
                "number": number, "id": question.id, "text": question.text, "category": question.category,
                "kind": question.kind, "is_follow_up": question.is_follow_up,
                "offset_seconds": round((asked - started).total_seconds(), 1) if asked and started else None,
                "answer": answer.content if answer else None, "answer_type": answer.type if answer else None,
                "score": evaluation.get("score"), "rubric": evaluation.get("rubric", {}),
                "rubric_explanations": evaluation.get("rubric_explanations", {}),
                "covered_key_points": evaluation.get("covered_key_points", []),
                "missed_key_points": evaluation.get("missed_key_points", []),
                "factual_errors": evaluation.get("factual_errors", []), "guards": evaluation.get("guards", [])})
        return {"session": {"id": str(session.id), "status": session.status.value,
                            "started_at": session.started_at, "completed_at": session.completed_at,
                            "terminated_reason": session.terminated_reason},
                "questions": questions, "flags": flags_of(session), "recording": await self._recording(session),
                "result": session.result, "withheld": False}

    async def _recording(self, session: InterviewSession) -> dict[str, Any] | None:
        if self.database is None:
            return None
        found = await self.database["recordings.files"].find_one({"metadata.session_id": str(session.id)},
                                                                 {"_id": 1})
        return {"url": f"/media/sessions/{session.id}/recording"} if found else None

    async def add_note(self, user: User, screening_id: str, text: str) -> Screening:
        await self.as_staff(user, screening_id)
        note = Note(by=str(user.id), by_name=user.full_name, text=text, at=_millis(utcnow()))
        return await store.push_note(screening_id, note) or await self._load(screening_id)

    # ---- a person decides ---------------------------------------------------------------------------------
    async def decide(self, user: User, screening_id: str, outcome: str, reason: str, meta: RequestMeta) -> Screening:
        screening = await self.as_staff(user, screening_id)
        if screening.status == ScreeningStatus.started:
            session = await self.session_of(screening)
            if session is None or session.status not in session_store.ENDED:
                raise Conflict("Decide once the interview has ended", code="not_finished")
        elif screening.status == ScreeningStatus.invited:
            raise Conflict("The candidate has not taken the screening yet", code="not_finished")
        if screening.decision is not None:
            raise Conflict("This screening was already decided", code="already_decided")
        ai = screening.ai_result or {}
        decision = Decision(by=str(user.id), by_email=user.email, at=_millis(utcnow()), outcome=outcome,
                            reason=reason, ai_recommendation=ai.get("recommendation"),
                            ai_total_score=ai.get("total_score"))
        claimed = await store.claim_decision(screening_id, decision)
        if claimed is None:
            raise Conflict("This screening was decided meanwhile", code="already_decided")
        try:
            await self.jobs.change_status(user, screening.application_id, OUTCOME_STATUS[outcome],
                                          f"Screening decision: {reason}", meta)
        except Exception:
            await store.release_decision(screening_id, decision)
            raise
        await self.audit.record("screening.decision", meta=meta, actor_id=str(user.id), actor_email=user.email,
                                target_type="screening", target_id=screening_id,
                                details={"outcome": outcome, "ai_recommendation": decision.ai_recommendation})
        return claimed

    async def check_move(self, application: Application, status: ApplicationStatus) -> None:
        """JobService hook: a screened application leaves the screening stage only by a decision made here, with
        its reason and the AI's recommendation in the log (withdrawal by the candidate is not a move)."""
        if application.status != ApplicationStatus.screening or status not in OUTCOME_STATUS.values():
            return
        screening = await Screening.find_one({"application_id": str(application.id)})
        if screening is not None and screening.decision is None:
            raise Conflict("This application has a screening interview: decide it on the screening, with a reason",
                           code="decide_in_screening", details={"screening_id": str(screening.id)})

    async def compare(self, user: User, job_id: str) -> list[dict[str, Any]]:
        """The job's screened candidates side by side: AI scores per competency, the recommendation, the decision."""
        job = await self.jobs.get_owned(user, job_id)
        screenings = await Screening.find({"job_id": str(job.id)}).sort("-created_at").to_list()
        applications = {str(a.id): a for a in await Application.find({"job_id": str(job.id)}).to_list()}
        people = {str(u.id): u for u in await User.find(
            {"_id": {"$in": [ObjectId(s.candidate_id) for s in screenings]}}).to_list()}
        rows = []
        for screening in screenings:
            application = applications.get(screening.application_id)
            if application is None or application.status == ApplicationStatus.withdrawn:
                continue  # the candidate took it back: the recruiter no longer sees it
            person = people.get(screening.candidate_id)
            rows.append({"screening": screening, "candidate_name": person.full_name if person else "",
                         "application_status": application.status.value})
        return rows

    # ---- audit --------------------------------------------------------------------------------------------
    async def audit_export(self, user: User, job_id: str, attribute: str, since: datetime | None,
                           until: datetime | None, min_group_size: int) -> dict[str, Any]:
        """Decisions made in the range: the people's selection, the AI's, and how often people overrode it."""
        job = await self.jobs.get_owned(user, job_id)
        at: dict[str, Any] = {"$ne": None}
        if since:
            at["$gte"] = as_utc(since)
        if until:
            at["$lte"] = as_utc(until)
        decided = await Screening.find({"job_id": str(job.id), "decision.at": at}).to_list()
        disclosed = await MatchingService._disclosed(  # noqa: SLF001 - the one reader of disclosed data
            [s.candidate_id for s in decided])

        def label(candidate: str, name: str) -> str | None:
            record = disclosed.get(candidate)
            return getattr(record, name) if record else None

        pool = [(str(s.id), s.candidate_id) for s in decided]
        groups: list[tuple[Hashable, str | None]] = [(sid, label(cid, attribute)) for sid, cid in pool]
        crossed: list[tuple[Hashable, str | None, str | None]] = [
            (sid, label(cid, "gender"), label(cid, "ethnicity")) for sid, cid in pool]
        decisions = [(str(s.id), s.decision) for s in decided if s.decision is not None]
        with_ai = [(sid, decision) for sid, decision in decisions if decision.ai_recommendation]
        sets: dict[str, set[Hashable]] = {
            "human": {sid for sid, decision in decisions if decision.outcome == "advance"},
            "ai": {sid for sid, decision in with_ai if decision.ai_recommendation == "advance"},
            "override": {sid for sid, decision in with_ai if (decision.outcome == "advance")
                         != (decision.ai_recommendation == "advance")},
        }
        ai_ids = {sid for sid, _ in with_ai}
        described = {"human": "advanced by the recruiter", "ai": "recommended to advance by the AI",
                     "override": "decisions that went against the AI's recommendation (override rate)"}
        sections = {}
        for name, selected in sets.items():
            members = groups if name == "human" else [g for g in groups if g[0] in ai_ids]
            cross = crossed if name == "human" else [c for c in crossed if c[0] in ai_ids]
            report = audit_report(selected, members, attribute, min_group_size, intersection=cross)
            sections[name] = {"job_id": str(job.id), "job_title": f"{job.title} - {described[name]}",
                              "shortlist": described[name], "pool_size": len(members), "selected": len(selected),
                              **report}
        overrides = len(sets["override"])
        return {"job_id": str(job.id), "job_title": job.title, "attribute": attribute,
                "since": since, "until": until, "decisions": len(decided), "with_ai_recommendation": len(with_ai),
                "overrides": overrides,
                "override_rate": round(overrides / len(with_ai), 4) if with_ai else None,
                "min_group_size": min_group_size, "sections": sections}

    # ---- clocks -------------------------------------------------------------------------------------------
    async def send_due_reminders(self) -> int:
        """One reminder per invitation, ``reminder_hours`` before its deadline; then expire the unanswered."""
        now = utcnow()
        due = await Screening.find({"status": ScreeningStatus.invited.value, "reminded_at": None,
                                    "deadline": {"$gt": now, "$lte": now + timedelta(hours=self.reminder_hours)}}
                                   ).to_list()
        sent = 0
        for screening in due:
            if screening.id is None or not await store.claim_reminder(screening.id, now):
                continue  # another worker sent it
            candidate = await User.get(screening.candidate_id)
            if candidate is None:
                continue
            await self.mailer.send(candidate.email, f"Reminder: screening interview for {screening.job_title}",
                                   f"Hello {candidate.full_name},\n\nYour screening interview for "
                                   f"{screening.job_title} is open until {as_utc(screening.deadline):%Y-%m-%d %H:%M}"
                                   f" UTC:\n{self.link(screening)}\n")
            sent += 1
        await store.expire_overdue(now)
        await self.erase_expired_content(now)
        return sent

    async def erase_expired_content(self, now: datetime) -> int:
        """Keeps the notice's promise: ``retention_days`` after the decision, the answers, stream events,
        recording and notes are deleted; the decision log and the AI's scores stay for bias audits."""
        due = await Screening.find({"decision.at": {"$lte": now - timedelta(days=self.retention_days)},
                                    "content_erased_at": None}).limit(500).to_list()
        for screening in due:
            if screening.session_id:
                await session_store.erase_content(screening.session_id)
                await SessionEvent.get_pymongo_collection().delete_many({"session_id": screening.session_id})
                if self.database is not None:
                    bucket = AsyncGridFSBucket(self.database, bucket_name=RECORDINGS_BUCKET)
                    async for file in bucket.find({"metadata.session_id": screening.session_id}):
                        with contextlib.suppress(NoFile):
                            await bucket.delete(file._id)
            if screening.id is not None:
                await store.mark_content_erased(screening.id, now)
        return len(due)
