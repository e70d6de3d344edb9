from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from litestar import Controller, Request, Response, get, post
from litestar.params import Parameter
from litestar.security.jwt import Token

from candidatex.auth.guards import requires
from candidatex.core.downloads import report_download
from candidatex.core.request import meta_of
from candidatex.core.schemas import Envelope, object_id_param, ok
from candidatex.matching.fairness import DEFAULT_MIN_GROUP_SIZE, LOWEST_MIN_GROUP_SIZE
from candidatex.screening.export import audit_csv, audit_pdf
from candidatex.screening.schemas import (
    CandidateScreeningOut,
    CompareOut,
    CompareRow,
    ConsentIn,
    DecisionIn,
    HumanReviewIn,
    NoteIn,
    ReviewOut,
    ScreeningAuditOut,
    ScreeningNoticeOut,
    ScreeningOut,
    SendScreeningIn,
)
from candidatex.screening.service import ScreeningService, notice
from candidatex.users.models import Role, User

AuthedRequest = Request[User, Token, Any]
ScreeningId = object_id_param("screening id")
ApplicationId = object_id_param("application id")
JobId = object_id_param("job id")
Attribute = Literal["gender", "ethnicity", "age_band", "disability", "veteran"]
CANDIDATE = [requires("applications:own")]
STAFF = [requires("applications:manage")]


def _staff(user: User) -> bool:
    return user.role != Role.candidate


class SendScreeningController(Controller):
    path = "/applications"
    tags = ["screening"]

    @post("/{application_id:str}/screening", status_code=201, guards=STAFF)
    async def send_screening(self, request: AuthedRequest, data: SendScreeningIn, screening_service: ScreeningService,
                             application_id: str = ApplicationId) -> Envelope[ScreeningOut]:
        screening = await screening_service.send(request.user, application_id, data.model_dump(), meta_of(request))
        return ok(ScreeningOut.of(screening, staff=True), "Screening interview sent; the candidate was emailed")


class ScreeningController(Controller):
    path = "/screenings"
    tags = ["screening"]
    guards = [requires("interview:own")]

    @get("/")
    async def list_screenings(self, request: AuthedRequest, screening_service: ScreeningService,
                              job_id: str | None = Parameter(default=None, pattern=r"^[0-9a-f]{24}$")
                              ) -> Envelope[list[ScreeningOut]]:
        items = await screening_service.list_for(request.user, job_id)
        return ok([ScreeningOut.of(s, staff=_staff(request.user)) for s in items])

    @get("/{screening_id:str}")
    async def get_screening(self, request: AuthedRequest, screening_service: ScreeningService,
                            screening_id: str = ScreeningId) -> Envelope[ScreeningOut]:
        screening = await screening_service.get_for(request.user, screening_id)
        return ok(ScreeningOut.of(screening, staff=screening.candidate_id != str(request.user.id)))

    @get("/{screening_id:str}/candidate-view", guards=CANDIDATE)
    async def candidate_view(self, request: AuthedRequest, screening_service: ScreeningService,
                             screening_id: str = ScreeningId) -> Envelope[CandidateScreeningOut]:
        """The notice, then (after the interview) the candidate's own answers, flags and the outcome."""
        view = await screening_service.candidate_view(request.user, screening_id)
        screening = await screening_service.as_candidate(request.user, screening_id)
        return ok(CandidateScreeningOut(screening=ScreeningOut.of(screening, staff=False),
                                        notice=ScreeningNoticeOut(**notice(screening_service.retention_days)), **view))

    @post("/{screening_id:str}/consent", status_code=200, guards=CANDIDATE)
    async def consent(self, request: AuthedRequest, data: ConsentIn, screening_service: ScreeningService,
                      screening_id: str = ScreeningId) -> Envelope[ScreeningOut]:
        screening = await screening_service.consent(request.user, screening_id, data.accept, data.comment,
                                                    meta_of(request))
        return ok(ScreeningOut.of(screening, staff=False),
                  "Consent recorded; run the precheck next" if data.accept else
                  "Recorded: the recruiter is asked to offer you an interview with a person")

    @post("/{screening_id:str}/human-review", status_code=200, guards=CANDIDATE)
    async def human_review(self, request: AuthedRequest, data: HumanReviewIn, screening_service: ScreeningService,
                           screening_id: str = ScreeningId) -> Envelope[ScreeningOut]:
        screening = await screening_service.request_human_review(request.user, screening_id, data.comment,
                                                                 meta_of(request))
        return ok(ScreeningOut.of(screening, staff=False), "A person will review the AI's evaluation")

    @get("/{screening_id:str}/review", guards=STAFF)
    async def review(self, request: AuthedRequest, screening_service: ScreeningService,
                     screening_id: str = ScreeningId) -> Envelope[ReviewOut]:
        screening = await screening_service.as_staff(request.user, screening_id)
        review = await screening_service.review(request.user, screening_id)
        candidate = await User.get(screening.candidate_id)
        return ok(ReviewOut(screening=ScreeningOut.of(screening, staff=True),
                            candidate_name=candidate.full_name if candidate else "", **review))

    @post("/{screening_id:str}/notes", status_code=201, guards=STAFF)
    async def add_note(self, request: AuthedRequest, data: NoteIn, screening_service: ScreeningService,
                       screening_id: str = ScreeningId) -> Envelope[ScreeningOut]:
        screening = await screening_service.add_note(request.user, screening_id, data.text)
        return ok(ScreeningOut.of(screening, staff=True), "Note added")

    @post("/{screening_id:str}/decision", status_code=200, guards=STAFF)
    async def decide(self, request: AuthedRequest, data: DecisionIn, screening_service: ScreeningService,
                     screening_id: str = ScreeningId) -> Envelope[ScreeningOut]:
        screening = await screening_service.decide(request.user, screening_id, data.outcome, data.reason,
                                                   meta_of(request))
        return ok(ScreeningOut.of(screening, staff=True),
                  "Advanced to the interview stage" if data.outcome == "advance" else "Application rejected")


class JobScreeningController(Controller):
    path = "/jobs"
    tags = ["screening"]
    guards = STAFF

    @get("/{job_id:str}/screenings")
    async def compare(self, request: AuthedRequest, screening_service: ScreeningService,
                      job_id: str = JobId) -> Envelope[CompareOut]:
        """The job's screened candidates side by side (AI scores per competency, recommendation, decision)."""
        rows = []
        for item in await screening_service.compare(request.user, job_id):
            s, ai = item["screening"], item["screening"].ai_result or {}
            rows.append(CompareRow(
                screening_id=str(s.id), application_id=s.application_id, candidate_name=item["candidate_name"],
                application_status=item["application_status"], status=s.status.value, session_id=s.session_id,
                total_score=ai.get("total_score"), competencies=ai.get("competencies") or {},
                behavioral_score=ai.get("behavioral_score"), technical_score=ai.get("technical_score"),
                communication_score=ai.get("communication_score"), ai_recommendation=ai.get("recommendation"),
                open_flags=ai.get("open_flags"), human_interview_requested=s.human_interview_requested,
                decision=s.decision.outcome if s.decision else None))
        names = sorted({name for row in rows for name in row.competencies})
        return ok(CompareOut(job_id=job_id, competencies=names, rows=rows))

    @get("/{job_id:str}/screening-audit")
    async def audit(self, request: AuthedRequest, screening_service: ScreeningService, job_id: str = JobId,
                    attribute: Attribute = "gender", since: datetime | None = Parameter(query="from", default=None),
                    until: datetime | None = Parameter(query="to", default=None),
                    min_group_size: int = Parameter(default=DEFAULT_MIN_GROUP_SIZE, ge=LOWEST_MIN_GROUP_SIZE,
                                                    le=1000)) -> Envelope[ScreeningAuditOut]:
        """Selection and impact ratios of the decisions in the range, the AI's, and the override rate by group."""
        report = await screening_service.audit_export(request.user, job_id, attribute, since, until, min_group_size)
        return ok(ScreeningAuditOut(**report))

    @get("/{job_id:str}/screening-audit/export", media_type="text/csv")
    async def audit_export(self, request: AuthedRequest, screening_service: ScreeningService, job_id: str = JobId,
                           file_format: Literal["csv", "pdf"] = Parameter(query="format", default="csv"),
                           attribute: Attribute = "gender",
                           since: datetime | None = Parameter(query="from", default=None),
                           until: datetime | None = Parameter(query="to", default=None),
                           min_group_size: int = Parameter(default=DEFAULT_MIN_GROUP_SIZE, ge=LOWEST_MIN_GROUP_SIZE,
                                                           le=1000)) -> Response[bytes]:
        """The screening audit as a CSV or PDF file for a bias auditor."""
        report = await screening_service.audit_export(request.user, job_id, attribute, since, until, min_group_size)
        return report_download(report, file_format, f"screening-audit-{job_id}-{attribute}", audit_pdf, audit_csv)
