from __future__ import annotations

from typing import Any, Literal

from litestar import Controller, Request, Response, delete, get, put
from litestar.params import Parameter
from litestar.security.jwt import Token

from candidatex.auth.guards import requires
from candidatex.core.downloads import report_download
from candidatex.core.pagination import PageNumber, page_size
from candidatex.core.schemas import Envelope, object_id_param, ok
from candidatex.jobs.models import ApplicationStatus
from candidatex.jobs.service import JobService
from candidatex.matching.fairness import DEFAULT_MIN_GROUP_SIZE, LOWEST_MIN_GROUP_SIZE, report_csv, report_pdf
from candidatex.matching.schemas import (
    DemographicsIn,
    DemographicsOut,
    FairnessOut,
    RankingOut,
    RecommendationsOut,
)
from candidatex.matching.service import MatchingService
from candidatex.users.models import User

AuthedRequest = Request[User, Token, Any]
JobId = object_id_param("job id")


RankingSort = Literal["rank", "-rank", "skills", "experience", "education", "text_similarity",
                      "career_consistency", "interview"]
Attribute = Literal["gender", "ethnicity", "age_band", "disability", "veteran"]
Shortlist = Literal["top_n", "status"]
Stage = Literal["screening", "interview", "offer"]
TopN = Parameter(default=None, ge=1, le=10_000)
MinGroupSize = Parameter(default=DEFAULT_MIN_GROUP_SIZE, ge=LOWEST_MIN_GROUP_SIZE, le=1000)


async def fairness_report(request: AuthedRequest, job_service: JobService, matching_service: MatchingService,
                          job_id: str, attribute: str, shortlist: str, top_n: int | None, stage: str,
                          min_group_size: int) -> dict[str, Any]:
    job = await job_service.get_owned(request.user, job_id)
    return await matching_service.fairness(job, attribute, shortlist, top_n, ApplicationStatus(stage), min_group_size)


class MatchingController(Controller):
    """Rankings, recommendations and the fairness audit. A job's ranking is served on the job's own path too (the
    recruiter's ranking page reads that one)."""

    path = "/"
    tags = ["matching"]

    @get(["/jobs/{job_id:str}/candidates", "/matching/jobs/{job_id:str}/candidates"],
         guards=[requires("candidates:read")])
    async def ranked_candidates(self, request: AuthedRequest, job_service: JobService,
                                matching_service: MatchingService, job_id: str = JobId, refresh: bool = False,
                                page: int = PageNumber, limit: int = page_size(50, 200),
                                sort: RankingSort = "rank") -> Envelope[RankingOut]:
        """The job's applicants ranked (best first), a page at a time, with breakdowns and reasons."""
        job = await job_service.get_owned(request.user, job_id)
        ranking = await matching_service.job_ranking(job, refresh, page, limit, sort)
        message = None if ranking["status"] == "ready" else "The ranking is being computed; ask again shortly"
        return ok(RankingOut(**ranking), message)

    @get("/matching/jobs/{job_id:str}/fairness", guards=[requires("candidates:read")])
    async def fairness(self, request: AuthedRequest, job_service: JobService, matching_service: MatchingService,
                       job_id: str = JobId, attribute: Attribute = "gender", shortlist: Shortlist = "top_n",
                       top_n: int | None = TopN, stage: Stage = "interview",
                       min_group_size: int = MinGroupSize) -> Envelope[FairnessOut]:
        return ok(FairnessOut(**await fairness_report(request, job_service, matching_service, job_id, attribute,
                                                      shortlist, top_n, stage, min_group_size)))

    @get("/matching/jobs/{job_id:str}/fairness/export", guards=[requires("candidates:read")], media_type="text/csv")
    async def fairness_export(self, request: AuthedRequest, job_service: JobService,
                              matching_service: MatchingService, job_id: str = JobId,
                              file_format: Literal["csv", "pdf"] = Parameter(query="format", default="csv"),
                              attribute: Attribute = "gender", shortlist: Shortlist = "top_n",
                              top_n: int | None = TopN, stage: Stage = "interview",
                              min_group_size: int = MinGroupSize) -> Response[bytes]:
        """The audit report as a CSV or PDF file."""
        report = await fairness_report(request, job_service, matching_service, job_id, attribute, shortlist, top_n,
                                       stage, min_group_size)
        return report_download(report, file_format, f"bias-audit-{job_id}-{attribute}", report_pdf, report_csv)

    @get("/matching/candidates/me/jobs", guards=[requires("applications:own")])
    async def recommended_jobs(self, request: AuthedRequest, matching_service: MatchingService,
                               resume_id: str | None = Parameter(default=None, pattern=r"^[0-9a-f]{24}$"),
                               limit: int = Parameter(default=10, ge=1, le=50)) -> Envelope[RecommendationsOut]:
        result = await matching_service.recommendations(request.user, resume_id, limit)
        message = None if result["status"] == "ready" else "Recommendations are being computed; ask again shortly"
        return ok(RecommendationsOut(**result), message)


class DemographicsController(Controller):
    path = "/users/me/demographics"
    tags = ["users"]
    guards = [requires("profile")]

    @get("/")
    async def read(self, request: AuthedRequest, matching_service: MatchingService) -> Envelope[DemographicsOut]:
        found = await matching_service.demographics_of(request.user)
        return ok(DemographicsOut(**found.model_dump(exclude={"id", "user_id"})) if found else DemographicsOut())

    @put("/")
    async def save(self, request: AuthedRequest, data: DemographicsIn,
                   matching_service: MatchingService) -> Envelope[DemographicsOut]:
        saved = await matching_service.set_demographics(request.user, data.model_dump())
        return ok(DemographicsOut(**saved.model_dump(exclude={"id", "user_id"})),
                  "Saved. This is optional, never used to score you, and only counted in anonymous fairness checks")

    @delete("/", status_code=200)
    async def remove(self, request: AuthedRequest, matching_service: MatchingService) -> Envelope[None]:
        await matching_service.delete_demographics(request.user)
        return ok(None, "Removed")
