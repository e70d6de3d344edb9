"""Anti-cheat over HTTP: the candidate's signed signals in; the integrity report, chain check and snapshots out."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.security.jwt import Token

from candidatex.anticheat.integrity import LogVerification
from candidatex.anticheat.coordinator import AntiCheatCoordinator
from candidatex.anticheat.report import integrity_report
from candidatex.anticheat.schemas import (
    CheckpointsOut,
    IntegrityOut,
    SignalsIn,
    SignalsOut,
    SignalStateOut,
    VerifyIn,
    VerifyOut,
)
from candidatex.auth.guards import requires
from candidatex.core.schemas import object_id_param, Envelope, ok
from candidatex.interviews.access import Action
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
                                  chain_key=anti_cheat.keys.chain_key(session_id)).to_dict()
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
