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


async def ranking_response(request: AuthedRequest, job_service: JobService, matching_service: MatchingService, job_id: str,
                   refresh: bool, page: int, limit: int, sort: str) -> Envelope[RankingOut]:
    job = await job_service.get_owned(request.user, job_id)
    ranking = await matching_service.job_ranking(job, refresh, page, limit, sort)
    message = None if ranking["status"] == "ready" else "The ranking is being computed; ask again shortly"
    return ok(RankingOut(**ranking), message)


class JobRankingController(Controller):
    """The ranking on the job's own path (the recruiter's ranking page reads it); jobs/ serves the rest of /jobs."""

    path = "/jobs"
    tags = ["jobs"]
    guards = [requires("jobs:read")]

    @get("/{job_id:str}/candidates", guards=[requires("candidates:read")])
    async def ranked_candidates(self, request: AuthedRequest, job_service: JobService,
                                matching_service: MatchingService, job_id: str = JobId, refresh: bool = False,
                                page: int = PageNumber, limit: int = page_size(50, 200),
                                sort: RankingSort = "rank") -> Envelope[RankingOut]:
        """The job's applicants ranked (best first), a page at a time, with breakdowns and reasons."""
        return await ranking_response(request, job_service, matching_service, job_id, refresh, page, limit, sort)


class MatchingController(Controller):
    path = "/matching"
    tags = ["matching"]

    @get("/jobs/{job_id:str}/candidates", guards=[requires("candidates:read")])
    async def ranked_candidates(self, request: AuthedRequest, job_service: JobService,
                                matching_service: MatchingService, job_id: str = JobId, refresh: bool = False,
                                page: int = PageNumber, limit: int = page_size(50, 200),
                                sort: RankingSort = "rank") -> Envelope[RankingOut]:
        return await ranking_response(request, job_service, matching_service, job_id, refresh, page, limit, sort)

    @get("/jobs/{job_id:str}/fairness", guards=[requires("candidates:read")])
    async def fairness(self, request: AuthedRequest, job_service: JobService, matching_service: MatchingService,
                       job_id: str = JobId, attribute: Attribute = "gender",
                       shortlist: Literal["top_n", "status"] = "top_n",
                       top_n: int | None = Parameter(default=None, ge=1, le=10_000),
                       stage: Literal["screening", "interview", "offer"] = "interview",
                       min_group_size: int = Parameter(default=DEFAULT_MIN_GROUP_SIZE, ge=LOWEST_MIN_GROUP_SIZE,
                                                       le=1000)) -> Envelope[FairnessOut]:
        job = await job_service.get_owned(request.user, job_id)
        report = await matching_service.fairness(job, attribute, shortlist, top_n, ApplicationStatus(stage),
                                                 min_group_size)
        return ok(FairnessOut(**report))

    @get("/jobs/{job_id:str}/fairness/export", guards=[requires("candidates:read")], media_type="text/csv")
    async def fairness_export(self, request: AuthedRequest, job_service: JobService,
                              matching_service: MatchingService, job_id: str = JobId,
                              file_format: Literal["csv", "pdf"] = Parameter(query="format", default="csv"),
                              attribute: Attribute = "gender", shortlist: Literal["top_n", "status"] = "top_n",
                              top_n: int | None = Parameter(default=None, ge=1, le=10_000),
                              stage: Literal["screening", "interview", "offer"] = "interview",
                              min_group_size: int = Parameter(default=DEFAULT_MIN_GROUP_SIZE,
                                                              ge=LOWEST_MIN_GROUP_SIZE, le=1000)) -> Response[bytes]:
        """The audit report as a CSV or PDF file."""
        job = await job_service.get_owned(request.user, job_id)
        report = await matching_service.fairness(job, attribute, shortlist, top_n, ApplicationStatus(stage),
                                                 min_group_size)
        return report_download(report, file_format, f"bias-audit-{job_id}-{attribute}", report_pdf, report_csv)

    @get("/candidates/me/jobs", guards=[requires("applications:own")])
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
