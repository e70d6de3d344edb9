"""Anti-cheat over HTTP: the candidate's signed signals in; the integrity report, chain check and snapshots out."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.security.jwt import Token

from candidatex.anticheat import appeals, consent
from candidatex.anticheat.integrity import LogVerification
from candidatex.anticheat.coordinator import AntiCheatCoordinator
from candidatex.anticheat.report import integrity_report
from candidatex.anticheat.schemas import (
    AppealIn,
    CheckpointsOut,
    ConsentIn,
    ConsentOut,
    DecisionIn,
    FlagOut,
    FlagsOut,
    IntegrityOut,
    NoticeOut,
    SignalsIn,
    SignalsOut,
    SignalStateOut,
    VerifyIn,
    VerifyOut,
)
from candidatex.auth.guards import requires
from candidatex.core.request import meta_of
from candidatex.core.schemas import object_id_param, Envelope, ok
from candidatex.interviews.access import Action
from candidatex.core.errors import NotFound
from candidatex.interviews.models import InterviewSession
from candidatex.interviews.service import InterviewService
from candidatex.users.models import User

AuthedRequest = Request[User, Token, Any]
SessionId = object_id_param("interview session id")
SnapshotId = object_id_param("snapshot id from the integrity report")


class AntiCheatController(Controller):
    path = "/interview/sessions"
    tags = ["anti-cheat"]

    @post("/{session_id:str}/signals", status_code=200, guards=[requires("interview:own")])
    async def signals(self, request: AuthedRequest, data: SignalsIn,
                      anti_cheat: AntiCheatCoordinator, session_id: str = SessionId) -> Envelope[SignalsOut]:
        """Signed browser signals of the candidate of a running (active or paused) interview: one or a list."""
        out = await anti_cheat.ingest_signals(request.user, session_id, data.batch)
        rejected = sum(1 for r in out.results if not r.accepted)
        message = f"{len(out.results) - rejected} signal(s) accepted, {rejected} rejected"
        if out.terminated_reason:
            message += "; the interview was terminated"
        return ok(out, message)

    @get("/{session_id:str}/signals", guards=[requires("interview:own")])
    async def signal_state(self, request: AuthedRequest, anti_cheat: AntiCheatCoordinator,
                           interview_service: InterviewService, session_id: str = SessionId) -> Envelope[SignalStateOut]:
        """Where the signal sequence stands (a reloaded page resumes at last_seq + 1) and the strikes so far."""
        session = await interview_service.get_for(request.user, session_id)
        return ok(SignalStateOut(last_seq=session.signal_last_seq, strike_counts=session.strike_counts,
                                 thresholds=anti_cheat.thresholds, status=session.status.value))

    @get("/{session_id:str}/integrity", guards=[requires("interview:watch")])
    async def integrity(self, request: AuthedRequest, anti_cheat: AntiCheatCoordinator,
                        interview_service: InterviewService, session_id: str = SessionId) -> Envelope[IntegrityOut]:
        """The integrity report: timeline, strikes, risk score and its evidence, snapshots, chain check."""
        session = await interview_service.authorize(request.user, session_id, Action.review)
        report = integrity_report(session.anti_cheat_log, anti_cheat.thresholds, strikes=session.strike_counts,
                                  chain_key=anti_cheat.keys.chain_key(session_id),
                                  dismissed=appeals.dismissed_indices(session.flag_reviews)).to_dict()
        verification = await anti_cheat.verify(session_id)
        for snapshot in report["snapshots"]:
            snapshot["url"] = f"/interview/sessions/{session_id}/snapshots/{snapshot['ref']}"
        return ok(IntegrityOut(session_id=session_id, status=session.status.value,
                               terminated_reason=session.terminated_reason or report["terminated_reason"],
                               thresholds=anti_cheat.thresholds, timeline=report["timeline"],
                               counts_by_kind=report["counts_by_kind"], strikes=report["strikes"],
                               risk_score=report["risk_score"], risk_level=report["risk_level"],
                               evidence=report["evidence"], snapshots=report["snapshots"], chain=report["chain"],
                               notes=report["notes"], checkpoints=session.integrity_checkpoints,
                               verification=_verify_out(verification)))

    @get("/{session_id:str}/integrity/verify", guards=[requires("interview:watch")])
    async def verify(self, request: AuthedRequest, anti_cheat: AntiCheatCoordinator,
                     interview_service: InterviewService, session_id: str = SessionId) -> Envelope[VerifyOut]:
        """Verify the log: the keyed chain, strike counts recomputed from it, and its signed checkpoints."""
        await interview_service.authorize(request.user, session_id, Action.review)
        result = _verify_out(await anti_cheat.verify(session_id))
        return ok(result, "The log is intact" if result.valid else "The log does not verify")

    @post("/{session_id:str}/integrity/verify", status_code=200, guards=[requires("interview:own")])
    async def verify_checkpoint(self, request: AuthedRequest, data: VerifyIn, anti_cheat: AntiCheatCoordinator,
                                interview_service: InterviewService,
                                session_id: str = SessionId) -> Envelope[VerifyOut]:
        """The candidate or the session's staff verify the log against a checkpoint they were handed."""
        await interview_service.get_for(request.user, session_id)
        presented = [data.checkpoint.model_dump()] if data.checkpoint else []
        result = _verify_out(await anti_cheat.verify(session_id, presented))
        return ok(result, "The log is intact" if result.valid else "The log does not verify")

    @get("/{session_id:str}/integrity/checkpoints", guards=[requires("interview:own")])
    async def checkpoints(self, request: AuthedRequest, anti_cheat: AntiCheatCoordinator,
                          interview_service: InterviewService,
                          session_id: str = SessionId) -> Envelope[CheckpointsOut]:
        """The signed checkpoints of the session's log and the public key that verifies them."""
        session = await interview_service.get_for(request.user, session_id)
        return ok(CheckpointsOut(session_id=session_id, checkpoints=session.integrity_checkpoints,
                                 public_key=anti_cheat.keys.public_key_b64, key_id=anti_cheat.keys.key_id))

    # ---- the proctoring notice and the candidate's consent --------------------------------------------------
    @get("/{session_id:str}/proctoring/consent", guards=[requires("interview:own")])
    async def proctoring_consent(self, request: AuthedRequest, anti_cheat: AntiCheatCoordinator,
                                 interview_service: InterviewService,
                                 session_id: str = SessionId) -> Envelope[ConsentOut]:
        """The notice (what is monitored, who sees it, how long it is kept) and the consent given, if any."""
        session = await interview_service.get_for(request.user, session_id)
        return ok(_consent_out(anti_cheat, session.proctoring_consent))

    @post("/{session_id:str}/proctoring/consent", status_code=200, guards=[requires("interview:own")])
    async def agree(self, request: AuthedRequest, data: ConsentIn, anti_cheat: AntiCheatCoordinator,
                    interview_service: InterviewService, session_id: str = SessionId) -> Envelope[ConsentOut]:
        """The candidate agrees to the current notice, before the precheck; stored on the session and audited."""
        session = await interview_service.get_as_candidate(request.user, session_id)
        record = await consent.record_consent(session, str(request.user.id), data.notice_version,
                                              anti_cheat.settings.anti_cheat_retention_days)
        await interview_service.audit.record("proctoring.consent", meta=meta_of(request),
                                             actor_id=str(request.user.id), target_type="interview",
                                             target_id=session_id, details={"notice_version": record["notice_version"]})
        return ok(_consent_out(anti_cheat, record), "Thank you: your agreement is recorded")

    # ---- evidence and appeal ----------------------------------------------------------------------------------
    @get("/{session_id:str}/flags", guards=[requires("interview:own")])
    async def flags(self, request: AuthedRequest, interview_service: InterviewService,
                    session_id: str = SessionId) -> Envelope[FlagsOut]:
        """Every flag of the interview with its time, rule, evidence, snapshot and the state of its contest: for
        the candidate (their own interview) and its reviewers."""
        session = await interview_service.get_for(request.user, session_id)
        return ok(_flags_out(session))

    @post("/{session_id:str}/flags/{index:int}/appeal", status_code=200, guards=[requires("interview:own")])
    async def contest(self, request: AuthedRequest, data: AppealIn, interview_service: InterviewService,
                      index: int, session_id: str = SessionId) -> Envelope[FlagsOut]:
        """The candidate contests a flag of their ended interview with a comment (once per flag)."""
        session = await interview_service.get_as_candidate(request.user, session_id)
        await appeals.contest(session, index, data.comment, str(request.user.id))
        await interview_service.audit.record("integrity.flag_contested", meta=meta_of(request),
                                             actor_id=str(request.user.id), target_type="interview",
                                             target_id=session_id, details={"index": index})
        return ok(_flags_out(await interview_service.load(session_id)), "Your comment was sent for review")

    @post("/{session_id:str}/flags/{index:int}/decision", status_code=200, guards=[requires("interview:watch")])
    async def decide(self, request: AuthedRequest, data: DecisionIn, interview_service: InterviewService,
                     index: int, session_id: str = SessionId) -> Envelope[FlagsOut]:
        """The session's recruiter (interviewer or reviewer) or an admin upholds or dismisses a contested flag;
        audited. A dismissed flag leaves the strikes and the risk score."""
        session = await interview_service.authorize(request.user, session_id, Action.review)
        decision = await appeals.decide(session, index, data.outcome, data.note, str(request.user.id))
        await interview_service.audit.record("integrity.flag_decided", meta=meta_of(request),
                                             actor_id=str(request.user.id), target_type="interview",
                                             target_id=session_id, details={"index": index,
                                                                            "outcome": decision["outcome"]})
        return ok(_flags_out(await interview_service.load(session_id)), f"The flag was {decision['outcome']}")

    @get("/{session_id:str}/flags/{index:int}/snapshot", guards=[requires("interview:own")], media_type="image/jpeg")
    async def flag_snapshot(self, request: AuthedRequest, anti_cheat: AntiCheatCoordinator,
                            interview_service: InterviewService, index: int,
                            session_id: str = SessionId) -> Response[bytes]:
        """The snapshot behind one flag, for the candidate of the interview as well as its reviewers."""
        session = await interview_service.get_for(request.user, session_id)
        flag = next((f for f in appeals.flags_of(session) if f["index"] == index), None)
        ref = (session.anti_cheat_log[index].get("details") or {}).get("snapshot") if flag else None
        if ref is None:
            raise NotFound("This flag has no snapshot")
        snapshot = await anti_cheat.snapshot(session_id, str(ref))
        return Response(snapshot.data, media_type=snapshot.content_type,
                        headers={"Cache-Control": "private, max-age=3600"})

    @get("/{session_id:str}/snapshots/{snapshot_id:str}", guards=[requires("interview:watch")],
         media_type="image/jpeg")
    async def snapshot(self, request: AuthedRequest, anti_cheat: AntiCheatCoordinator,
                       interview_service: InterviewService, session_id: str = SessionId,
                       snapshot_id: str = SnapshotId) -> Response[bytes]:
        """The JPEG thumbnail of the frame behind a vision strike. Send the Authorization header (fetch as a blob)."""
        await interview_service.authorize(request.user, session_id, Action.review)
        snapshot = await anti_cheat.snapshot(session_id, snapshot_id)
        return Response(snapshot.data, media_type=snapshot.content_type,
                        headers={"Cache-Control": "private, max-age=3600"})


def _verify_out(result: LogVerification) -> VerifyOut:
    return VerifyOut(valid=result.valid, first_broken_index=result.first_broken_index, checked=result.checked,
                     explanation=result.explanation, problems=result.problems,
                     checkpoints_checked=result.checkpoints_checked)


def _flags_out(session: InterviewSession) -> FlagsOut:
    sid = str(session.id)
    flags = [FlagOut(**{k: v for k, v in flag.items() if k != "has_snapshot"},
                     snapshot_url=f"/interview/sessions/{sid}/flags/{flag['index']}/snapshot"
                     if flag["has_snapshot"] else None) for flag in appeals.flags_of(session)]
    return FlagsOut(session_id=sid, status=session.status.value, flags=flags)


def _consent_out(anti_cheat: AntiCheatCoordinator, record: dict[str, Any] | None) -> ConsentOut:
    settings = anti_cheat.settings
    return ConsentOut(notice=NoticeOut(**consent.notice(settings.anti_cheat_retention_days)), consent=record,
                      required=settings.anti_cheat_consent_required)
