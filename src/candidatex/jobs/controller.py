from __future__ import annotations

from typing import Any

from bson import ObjectId
from litestar import Controller, Request, get, patch, post, put
from litestar.params import Parameter
from litestar.security.jwt import Token

from candidatex.auth.guards import requires
from candidatex.core.pagination import PageNumber, page_size
from candidatex.core.request import meta_of
from candidatex.core.schemas import Envelope, Page, object_id_param, ok, page_of
from candidatex.jobs.models import Application, ApplicationStatus, Job, JobStatus
from candidatex.jobs.schemas import (
    ApplicationOut,
    ApplyIn,
    ExperienceLevel,
    JobIn,
    JobOut,
    JobUpdateIn,
    StatusIn,
)
from candidatex.jobs.service import JobService
from candidatex.users.models import Role, User

AuthedRequest = Request[User, Token, Any]
JobId = object_id_param("job id")
ApplicationId = object_id_param("application id")


async def application_views(user: User, applications: list[Application]) -> list[ApplicationOut]:
    """Applications with their job's title, and for staff the candidate's name and email."""
    job_ids = list({ObjectId(a.job_id) for a in applications})
    jobs = {str(j.id): j for j in await Job.find({"_id": {"$in": job_ids}}).to_list()}
    people: dict[str, User] = {}
    if user.role != Role.candidate:
        ids = list({ObjectId(a.candidate_id) for a in applications})
        people = {str(u.id): u for u in await User.find({"_id": {"$in": ids}}).to_list()}
    return [ApplicationOut.of(a, jobs.get(a.job_id), people.get(a.candidate_id),
                              for_candidate=a.candidate_id == str(user.id)) for a in applications]


class JobController(Controller):
    path = "/jobs"
    tags = ["jobs"]
    guards = [requires("jobs:read")]

    @post("/", status_code=201, guards=[requires("jobs:write")])
    async def create_job(self, request: AuthedRequest, data: JobIn, job_service: JobService) -> Envelope[JobOut]:
        job = await job_service.create(request.user, data.model_dump(), meta_of(request))
        return ok(JobOut.of(job), "Job published" if job.status == JobStatus.published else "Draft saved")

    @get("/")
    async def list_jobs(self, request: AuthedRequest, job_service: JobService, q: str | None = Parameter(
                            default=None, max_length=200, description="keywords; skills match their synonyms"),
                        skills: str | None = Parameter(default=None, max_length=500, description="comma-separated"),
                        experience_level: ExperienceLevel | None = None,
                        location: str | None = Parameter(default=None, max_length=200),
                        remote: bool | None = None,
                        salary_min: int | None = Parameter(default=None, ge=0, le=100_000_000),
                        salary_max: int | None = Parameter(default=None, ge=0, le=100_000_000),
                        mine: bool = False, status: JobStatus | None = None,
                        page: int = PageNumber, limit: int = page_size()) -> Envelope[Page[JobOut]]:
        skill_list = [s for s in (skills or "").split(",") if s.strip()]
        items, total = await job_service.search(request.user, q=q, skills=skill_list, experience_level=experience_level,
                                                location=location, remote=remote, salary_min=salary_min,
                                                salary_max=salary_max, mine=mine, status=status, page=page, limit=limit)
        counts = await job_service.application_counts([str(j.id) for j in items]) if mine else {}
        return ok(page_of([JobOut.of(j, counts.get(str(j.id), 0) if mine else None) for j in items], total, page,
                          limit))

    @get("/{job_id:str}")
    async def get_job(self, request: AuthedRequest, job_service: JobService, job_id: str = JobId) -> Envelope[JobOut]:
        return ok(JobOut.of(await job_service.get_visible(request.user, job_id)))

    @put("/{job_id:str}", guards=[requires("jobs:write")])
    async def update_job(self, request: AuthedRequest, data: JobUpdateIn, job_service: JobService,
                         job_id: str = JobId) -> Envelope[JobOut]:
        job = await job_service.update(request.user, job_id, data.model_dump(exclude_unset=True), meta_of(request))
        return ok(JobOut.of(job), "Job saved")

    @post("/{job_id:str}/publish", status_code=200, guards=[requires("jobs:write")])
    async def publish(self, request: AuthedRequest, job_service: JobService, job_id: str = JobId) -> Envelope[JobOut]:
        job = await job_service.set_status(request.user, job_id, JobStatus.published, meta_of(request))
        return ok(JobOut.of(job), "Job published")

    @post("/{job_id:str}/close", status_code=200, guards=[requires("jobs:write")])
    async def close(self, request: AuthedRequest, job_service: JobService, job_id: str = JobId) -> Envelope[JobOut]:
        job = await job_service.set_status(request.user, job_id, JobStatus.closed, meta_of(request))
        return ok(JobOut.of(job), "Job closed")

    @post("/{job_id:str}/apply", status_code=201, guards=[requires("applications:own")])
    async def apply(self, request: AuthedRequest, data: ApplyIn, job_service: JobService,
                    job_id: str = JobId) -> Envelope[ApplicationOut]:
        application = await job_service.apply(request.user, job_id, data.resume_id, data.cover_letter,
                                              meta_of(request))
        return ok((await application_views(request.user, [application]))[0], "Application sent")


class ApplicationController(Controller):
    path = "/applications"
    tags = ["applications"]

    @get("/")
    async def list_applications(self, request: AuthedRequest, job_service: JobService,
                                job_id: str | None = Parameter(default=None, pattern=r"^[0-9a-f]{24}$"),
                                status: ApplicationStatus | None = None,
                                page: int = PageNumber,
                                limit: int = page_size()) -> Envelope[Page[ApplicationOut]]:
        items, total = await job_service.list_applications(request.user, job_id, status, page, limit)
        return ok(page_of(await application_views(request.user, items), total, page, limit))

    @get("/{application_id:str}")
    async def get_application(self, request: AuthedRequest, job_service: JobService,
                              application_id: str = ApplicationId) -> Envelope[ApplicationOut]:
        application = await job_service.get_application(request.user, application_id)
        return ok((await application_views(request.user, [application]))[0])

    @patch("/{application_id:str}", guards=[requires("applications:manage")])
    async def change_status(self, request: AuthedRequest, data: StatusIn, job_service: JobService,
                            application_id: str = ApplicationId) -> Envelope[ApplicationOut]:
        application = await job_service.change_status(request.user, application_id, data.status, data.note,
                                                      meta_of(request))
        return ok((await application_views(request.user, [application]))[0], f"Moved to {application.status}")

    @post("/{application_id:str}/withdraw", status_code=200, guards=[requires("applications:own")])
    async def withdraw(self, request: AuthedRequest, job_service: JobService,
                       application_id: str = ApplicationId) -> Envelope[ApplicationOut]:
        application = await job_service.withdraw(request.user, application_id, meta_of(request))
        return ok((await application_views(request.user, [application]))[0], "Application withdrawn")
