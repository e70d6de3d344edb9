"""Jobs (drafts, publishing, search) and applications (the status pipeline, audited)."""

from __future__ import annotations

import re
from typing import Any

from pymongo.errors import DuplicateKeyError

from candidatex.audit.service import AuditService, RequestMeta
from candidatex.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from candidatex.core.pagination import offset, paginate
from candidatex.core.schemas import is_object_id
from candidatex.core.timeutil import utcnow
from candidatex.interviews import store as interview_store
from candidatex.interviews.access import JobLink
from candidatex.jobs.events import ApplicationReceived, JobUpdated, PublishJobEvent
from candidatex.jobs.models import (
    CLOSED,
    TRANSITIONS,
    Application,
    ApplicationStatus,
    Job,
    JobStatus,
    StatusChange,
)
from candidatex.resumes.models import Resume, ResumeStatus
from candidatex.resumes.search import keyword_match_stages
from candidatex.resumes.taxonomy import SKILL_KEYWORD_PREFIX, default_taxonomy, keywords
from candidatex.users.models import Role, User, own_side


def normalise_skills(skills: list[str]) -> list[str]:
    taxonomy = default_taxonomy()
    return list(dict.fromkeys(taxonomy.normalize(s) for s in skills if s.strip()))


def job_keywords(job: Job) -> list[str]:
    text = "\n".join([job.title, job.company, job.description, job.location, ", ".join(job.required_skills),
                      ", ".join(job.preferred_skills)])
    terms = set(keywords(text))
    terms.update(SKILL_KEYWORD_PREFIX + s.lower() for s in job.required_skills + job.preferred_skills)
    return sorted(terms)


class JobService:
    def __init__(self, audit: AuditService, publish: PublishJobEvent) -> None:
        self.audit = audit
        self.publish = publish  # edits and applications, after they are stored: matching re-ranks the job
        # async checks(application, new status) that may refuse a move (screening/: a person decides it there)
        self.move_checks: list[Any] = []

    # ---- jobs ---------------------------------------------------------------------------------------------
    async def load(self, job_id: str) -> Job:
        job = await Job.get(job_id) if is_object_id(job_id) else None
        if job is None:
            raise NotFound("Job not found")
        return job

    @staticmethod
    def owns(user: User, job: Job) -> bool:
        return user.role == Role.admin or job.recruiter_id == str(user.id)

    async def get_visible(self, user: User, job_id: str) -> Job:
        """Published and closed jobs are public; drafts only for their owner and admins."""
        job = await self.load(job_id)
        if job.status == JobStatus.draft and not self.owns(user, job):
            raise NotFound("Job not found")
        return job

    async def get_owned(self, user: User, job_id: str) -> Job:
        job = await self.get_visible(user, job_id)
        if not self.owns(user, job):
            raise Forbidden("Only the recruiter who posted this job can do this")
        return job

    def _index(self, job: Job) -> None:
        job.required_skills = normalise_skills(job.required_skills)
        job.preferred_skills = [s for s in normalise_skills(job.preferred_skills) if s not in job.required_skills]
        job.keywords = job_keywords(job)
        job.location_key = " ".join(job.location.lower().split())

    async def create(self, user: User, data: dict[str, Any], meta: RequestMeta) -> Job:
        publish = data.pop("publish", False)
        job = Job(recruiter_id=str(user.id), **data)
        if publish:
            job.status, job.published_at = JobStatus.published, utcnow()
        self._index(job)
        await job.insert()
        await self.audit.record("job.create", meta=meta, actor_id=str(user.id), target_type="job",
                                target_id=str(job.id), details={"status": job.status})
        return job

    async def update(self, user: User, job_id: str, changes: dict[str, Any], meta: RequestMeta) -> Job:
        job = await self.get_owned(user, job_id)
        for name, value in changes.items():
            setattr(job, name, value)
        if job.salary_min is not None and job.salary_max is not None and job.salary_min > job.salary_max:
            raise InvalidInput("salary_min must not exceed salary_max",
                               details=[{"field": "salary_min", "message": "above salary_max"}])
        self._index(job)
        job.updated_at = utcnow()
        await job.save()
        await self.audit.record("job.update", meta=meta, actor_id=str(user.id), target_type="job",
                                target_id=str(job.id), details={"fields": sorted(changes)})
        await self.publish(JobUpdated(str(job.id)))
        return job

    async def set_status(self, user: User, job_id: str, status: JobStatus, meta: RequestMeta) -> Job:
        job = await self.get_owned(user, job_id)
        if job.status == status:
            raise Conflict(f"The job is already {status}", code="invalid_transition")
        now = utcnow()
        job.status, job.updated_at = status, now
        if status == JobStatus.published:
            job.published_at, job.closed_at = now, None
        else:
            job.closed_at = now
        await job.save()
        await self.audit.record(f"job.{'publish' if status == JobStatus.published else 'close'}", meta=meta,
                                actor_id=str(user.id), target_type="job", target_id=str(job.id))
        return job

    async def search(self, user: User, *, q: str | None = None, skills: list[str] | None = None,
                     experience_level: str | None = None, location: str | None = None, remote: bool | None = None,
                     salary_min: int | None = None, salary_max: int | None = None, mine: bool = False,
                     status: JobStatus | None = None, page: int = 1, limit: int = 20) -> tuple[list[Job], int]:
        """Keyword search over the multikey-indexed ``keywords`` array (no text index needed), plus filters."""
        stages: list[dict[str, Any]] = []
        if q and q.strip():
            stages = keyword_match_stages(q)
            if not stages:  # only stopwords: nothing searchable, so nothing matches
                return [], 0
        filters: dict[str, Any] = {}
        if mine:
            if user.role == Role.candidate:
                raise Forbidden("Only recruiters have their own jobs")
            filters["recruiter_id"] = str(user.id)
            if status:
                filters["status"] = status.value
        else:
            filters["status"] = JobStatus.published.value
        if skills:
            wanted = [SKILL_KEYWORD_PREFIX + s.lower() for s in normalise_skills(skills)]
            filters.setdefault("$and", []).append({"keywords": {"$all": wanted}})
        if experience_level:
            filters["experience_level"] = experience_level
        if location and location.strip():
            filters["location_key"] = {"$regex": re.escape(" ".join(location.lower().split()))}
        if remote is not None:
            filters["remote"] = remote
        if salary_min is not None:  # ranges overlap: the job pays at least what is asked somewhere in its range
            filters["salary_max"] = {"$gte": salary_min}
        if salary_max is not None:
            filters["salary_min"] = {"$lte": salary_max}
        if not stages:
            stages = [{"$match": filters}]
        else:
            stages.append({"$match": filters})
        collection = Job.get_pymongo_collection()
        counted = await (await collection.aggregate([*stages, {"$count": "n"}])).to_list()
        total = counted[0]["n"] if counted else 0
        sort_key = "created_at" if mine else "published_at"
        cursor = await collection.aggregate([*stages, {"$sort": {sort_key: -1, "_id": -1}},
                                             {"$skip": offset(page, limit)}, {"$limit": limit}])
        return [Job.model_validate(doc) for doc in await cursor.to_list()], total

    @staticmethod
    async def application_counts(job_ids: list[str]) -> dict[str, int]:
        """Applications per job, for one page of jobs (a short list)."""
        cursor = await Application.get_pymongo_collection().aggregate(
            [{"$match": {"job_id": {"$in": job_ids}}}, {"$group": {"_id": "$job_id", "n": {"$sum": 1}}}])
        return {row["_id"]: row["n"] for row in await cursor.to_list()}

    # ---- applications -------------------------------------------------------------------------------------
    async def apply(self, user: User, job_id: str, resume_id: str, cover_letter: str | None,
                    meta: RequestMeta) -> Application:
        job = await self.get_visible(user, job_id)
        if job.status != JobStatus.published:
            raise Conflict("This job is not accepting applications", code="job_not_open")
        resume = await Resume.get(resume_id)
        if resume is None or resume.owner_id != str(user.id):
            raise InvalidInput("Choose one of your resumes", details=[{"field": "resume_id", "message": "unknown"}])
        if resume.status == ResumeStatus.failed:
            raise Conflict("That resume could not be read; upload another file", code="resume_not_ready")
        now = utcnow()
        application = Application(job_id=str(job.id), candidate_id=str(user.id), recruiter_id=job.recruiter_id,
                                  resume_id=resume_id, cover_letter=cover_letter,
                                  status_history=[StatusChange(status=ApplicationStatus.applied, at=now,
                                                               by=str(user.id))])
        try:
            await application.insert()
        except DuplicateKeyError as error:
            raise Conflict("You have already applied to this job", code="already_applied") from error
        # ranking finds a job's resumes by this indexed field (no long `_id $in` lists)
        await Resume.get_pymongo_collection().update_one({"_id": resume.id},
                                                         {"$addToSet": {"applied_job_ids": str(job.id)}})
        await self.audit.record("application.create", meta=meta, actor_id=str(user.id), target_type="application",
                                target_id=str(application.id), details={"job_id": str(job.id)})
        await self.publish(ApplicationReceived(str(job.id), str(application.id), resume_id))
        return application

    async def list_applications(self, user: User, job_id: str | None, status: ApplicationStatus | None, page: int,
                                limit: int) -> tuple[list[Application], int]:
        query: dict[str, Any] = own_side(user)
        if job_id:
            query["job_id"] = job_id
        if status:
            query["status"] = status.value
        return await paginate(Application.find(query), "-created_at", page, limit)

    async def get_application(self, user: User, application_id: str) -> Application:
        application = await Application.get(application_id) if is_object_id(application_id) else None
        if application is None or not (user.role == Role.admin or str(user.id) in (application.candidate_id,
                                                                                  application.recruiter_id)):
            raise NotFound("Application not found")
        return application

    async def change_status(self, user: User, application_id: str, status: ApplicationStatus, note: str | None,
                            meta: RequestMeta) -> Application:
        application = await self.get_application(user, application_id)
        if user.role != Role.admin and application.recruiter_id != str(user.id):
            raise Forbidden("Only the recruiter who posted the job can move applications")
        current = application.status
        if status not in TRANSITIONS[current]:
            allowed = sorted(TRANSITIONS[current])
            raise Conflict(f"An application cannot move from {current} to {status}",
                           code="invalid_transition", details={"from": current, "to": status, "allowed": allowed})
        for check in self.move_checks:
            await check(application, status)
        now = utcnow()
        change = StatusChange(status=status, at=now, by=str(user.id), note=note)
        moved = await Application.get_pymongo_collection().update_one(
            {"_id": application.id, "status": current.value},
            {"$set": {"status": status.value, "updated_at": now}, "$push": {"status_history": change.model_dump()}})
        if not moved.modified_count:
            raise Conflict("The application changed meanwhile; reload it", code="invalid_transition")
        if status in CLOSED:
            await interview_store.close_application(application.job_id, application.candidate_id)
        await self.audit.record("application.status", meta=meta, actor_id=str(user.id), actor_email=user.email,
                                target_type="application", target_id=str(application.id),
                                details={"from": current.value, "to": status.value, "job_id": application.job_id,
                                         "candidate_id": application.candidate_id})
        return await self.get_application(user, application_id)

    async def withdraw(self, user: User, application_id: str, meta: RequestMeta) -> Application:
        """The candidate takes the application back: the recruiter no longer sees the résumé or the interviews."""
        application = await self.get_application(user, application_id)
        if application.candidate_id != str(user.id):
            raise Forbidden("Only the candidate can withdraw an application")
        now = utcnow()
        change = StatusChange(status=ApplicationStatus.withdrawn, at=now, by=str(user.id))
        moved = await Application.get_pymongo_collection().update_one(
            {"_id": application.id, "status": {"$nin": [s.value for s in CLOSED]}},
            {"$set": {"status": ApplicationStatus.withdrawn.value, "updated_at": now},
             "$push": {"status_history": change.model_dump()}})
        if not moved.modified_count:
            raise Conflict(f"The application is already {application.status}", code="invalid_transition")
        await interview_store.close_application(application.job_id, application.candidate_id)
        await self.audit.record("application.withdraw", meta=meta, actor_id=str(user.id), target_type="application",
                                target_id=str(application.id), details={"job_id": application.job_id})
        return await self.get_application(user, application_id)

    # ---- hooks for other domains --------------------------------------------------------------------------
    @staticmethod
    async def interview_link(job_id: str, candidate_id: str) -> JobLink | None:
        """For interviews tied to a job: its owner, and whether the candidate's application to it is closed."""
        job = await Job.get(job_id) if is_object_id(job_id) else None
        if job is None:
            return None
        application = await Application.find_one({"job_id": job_id, "candidate_id": candidate_id})
        return JobLink(owner_id=job.recruiter_id, applied=application is not None,
                       application_closed=application is not None and application.status in CLOSED)

    @staticmethod
    async def recruiter_sees_resume(resume_id: str, recruiter_id: str) -> bool:
        """Only while an application with it to one of their jobs is open: rejected or withdrawn ends it."""
        return await Application.find_one({"resume_id": resume_id, "recruiter_id": recruiter_id,
                                           "status": {"$nin": [s.value for s in CLOSED]}}) is not None

    @staticmethod
    async def latest_applied_job(candidate_id: str) -> str | None:
        latest = await Application.find({"candidate_id": candidate_id}).sort("-created_at").limit(1).to_list()
        return latest[0].job_id if latest else None

    @staticmethod
    async def stats() -> dict[str, Any]:
        return {"jobs_total": await Job.find({}).count(),
                "jobs_published": await Job.find({"status": JobStatus.published.value}).count(),
                "applications_total": await Application.find({}).count(),
                "resumes_total": await Resume.find({}).count()}
