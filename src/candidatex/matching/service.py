"""Rankings of a job's applicants and job recommendations, computed as background tasks and cached in
``match_results``; plus voluntary demographics and the fairness audit of a shortlist.

A cached result carries a fingerprint of its inputs (the job, each applicant's resume version, completed
interviews, the weights). A read whose fingerprint differs schedules a refresh and answers ``pending``
with the previous items, so a stale ranking is never shown as current and no request waits on scoring.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import json
import time
from typing import Any

from bson import ObjectId

from candidatex.core.errors import Conflict, InvalidInput, NotFound
from candidatex.core.timeutil import utcnow
from candidatex.interviews.models import InterviewSession, SessionStatus
from candidatex.jobs.models import STAGE_ORDER, Application, ApplicationStatus, Job, JobStatus
from candidatex.matching.fairness import fairness_audit
from candidatex.matching.models import Demographics, MatchResult
from candidatex.matching.scoring import (
    CandidateProfile,
    JobProfile,
    MatchScore,
    MatchWeights,
    rank_candidates,
    recommend_jobs,
)
from candidatex.resumes.models import Resume, ResumeStatus
from candidatex.resumes.service import is_oid, parsed_from_doc
from candidatex.tasks.queue import TaskQueue
from candidatex.users.models import User

DEMOGRAPHIC_ATTRIBUTES = ("gender", "ethnicity", "age_band", "disability", "veteran")
MAX_JOBS_CONSIDERED = 2000
RECOMMENDATIONS_KEPT = 50


def _hash(parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, default=str, sort_keys=True).encode()).hexdigest()[:32]


def score_view(score: MatchScore) -> dict[str, Any]:
    return {"total": score.total, "breakdown": score.breakdown, "weights": score.weights,
            "matched_skills": score.matched_skills, "missing_skills": score.missing_skills,
            "explanation": score.explanation}


def job_profile(job: Job) -> JobProfile:
    return JobProfile.from_posting(str(job.id), job.title, job.description, job.required_skills,
                                   job.preferred_skills, job.min_years_experience, job.education_level)  # type: ignore[arg-type]


class MatchingService:
    def __init__(self, queue: TaskQueue, weights: MatchWeights = MatchWeights()) -> None:
        self.queue = queue
        self.weights = weights

    # ---- job rankings -------------------------------------------------------------------------------------
    async def _job_inputs(self, job: Job) -> tuple[str, list[dict[str, Any]], dict[str, dict[str, Any]],
                                                   dict[str, dict[str, Any]]]:
        """Fingerprint, applications, resume versions and each candidate's interview session (light fields)."""
        applications = await (Application.get_pymongo_collection().find(
            {"job_id": str(job.id)}, {"_id": 1, "candidate_id": 1, "resume_id": 1})).to_list()
        resume_ids = [ObjectId(a["resume_id"]) for a in applications]
        resumes = {str(r["_id"]): r async for r in Resume.get_pymongo_collection().find(
            {"_id": {"$in": resume_ids}}, {"_id": 1, "status": 1, "updated_at": 1})}
        interviews = await self._interview_of([a["candidate_id"] for a in applications], str(job.id))
        fingerprint = _hash([str(job.updated_at), dataclasses.astuple(self.weights),
                             sorted((str(a["_id"]), a["resume_id"], str(resumes.get(a["resume_id"], {}).get("updated_at")),
                                     resumes.get(a["resume_id"], {}).get("status"))
                                    for a in applications),
                             sorted((c, s["id"], str(s["completed_at"])) for c, s in interviews.items())])
        return fingerprint, applications, resumes, interviews

    @staticmethod
    async def _interview_of(candidate_ids: list[str], job_id: str) -> dict[str, dict[str, Any]]:
        """Per candidate, the completed interview that counts: the latest for this job, else the latest."""
        chosen: dict[str, dict[str, Any]] = {}
        cursor = InterviewSession.get_pymongo_collection().find(
            {"candidate_id": {"$in": candidate_ids}, "status": SessionStatus.completed.value},
            {"_id": 1, "candidate_id": 1, "job_id": 1, "completed_at": 1, "result.total_score": 1})
        async for session in cursor:
            score = (session.get("result") or {}).get("total_score")
            if score is None:
                continue
            entry = {"id": str(session["_id"]), "for_job": session.get("job_id") == job_id,
                     "completed_at": session.get("completed_at"), "score": float(score)}
            best = chosen.get(session["candidate_id"])
            rank = (entry["for_job"], str(entry["completed_at"]))
            if best is None or rank > (best["for_job"], str(best["completed_at"])):
                chosen[session["candidate_id"]] = entry
        return chosen

    async def rank_job(self, job_id: str) -> MatchResult | None:
        """The background task: score every applicant of the job and store the ranking."""
        job = await Job.get(job_id) if is_oid(job_id) else None
        if job is None:
            return None
        started = time.perf_counter()
        fingerprint, applications, versions, interviews = await self._job_inputs(job)
        resumes = {str(r.id): r for r in await Resume.find(
            {"_id": {"$in": [ObjectId(a["resume_id"]) for a in applications]},
             "status": ResumeStatus.processed.value}).to_list()}
        profiles, unscored, by_application = [], [], {}
        for application in applications:
            app_id, resume_id = str(application["_id"]), application["resume_id"]
            resume = resumes.get(resume_id)
            by_application[app_id] = application
            if resume is None or resume.parsed is None:
                status = versions.get(resume_id, {}).get("status")
                reason = {"pending": "resume_pending", "failed": "resume_unreadable"}.get(status, "resume_deleted")
                unscored.append({"application_id": app_id, "candidate_id": application["candidate_id"],
                                 "reason": reason})
                continue
            interview = interviews.get(application["candidate_id"])
            profiles.append(CandidateProfile.from_resume(app_id, parsed_from_doc(resume.parsed), resume.text or "",
                                                         interview["score"] if interview else None))
        ranked = await asyncio.to_thread(rank_candidates, job_profile(job), profiles, self.weights)
        items = []
        for entry in ranked:
            application = by_application[entry.candidate_id]
            interview = interviews.get(application["candidate_id"])
            items.append({"application_id": entry.candidate_id, "candidate_id": application["candidate_id"],
                          "resume_id": application["resume_id"], "rank": entry.rank, "percentile": entry.percentile,
                          "recommendation": entry.recommendation, **score_view(entry.score),
                          "interview_session_id": interview["id"] if interview else None})
        return await self._store("job", str(job.id), fingerprint, items, unscored, started)

    async def _store(self, kind: str, subject_id: str, fingerprint: str, items: list[dict[str, Any]],
                     unscored: list[dict[str, Any]], started: float) -> MatchResult:
        fields = {"fingerprint": fingerprint, "items": items, "unscored": unscored,
                  "weights": dataclasses.asdict(self.weights), "computed_at": utcnow(),
                  "duration_ms": round((time.perf_counter() - started) * 1000, 1)}
        await MatchResult.get_pymongo_collection().update_one({"kind": kind, "subject_id": subject_id},
                                                              {"$set": fields}, upsert=True)
        return await MatchResult.find_one({"kind": kind, "subject_id": subject_id})  # type: ignore[return-value]

    async def job_ranking(self, job: Job, refresh: bool = False) -> dict[str, Any]:
        fingerprint, applications, _, _ = await self._job_inputs(job)
        cached = await MatchResult.find_one({"kind": "job", "subject_id": str(job.id)})
        fresh = cached is not None and cached.fingerprint == fingerprint and not refresh
        if not fresh:
            await self.queue.enqueue("match.job", {"job_id": str(job.id)}, key=f"match.job:{job.id}")
        items = list(cached.items) if cached else []
        # the pipeline status and names are read now: they change without changing any score
        current = {str(a.id): a for a in await Application.find({"job_id": str(job.id)}).to_list()}
        people = {str(u.id): u for u in await User.find(
            {"_id": {"$in": [ObjectId(a.candidate_id) for a in current.values()]}}).to_list()}
        view = []
        for item in items:
            application = current.get(item["application_id"])
            if application is None:
                continue
            person = people.get(application.candidate_id)
            view.append({**item, "application_status": application.status,
                         "candidate_name": person.full_name if person else None,
                         "candidate_email": person.email if person else None})
        return {"job_id": str(job.id), "status": "ready" if fresh else "pending",
                "computed_at": cached.computed_at if cached else None, "applicants": len(applications),
                "weights": cached.weights if cached else dataclasses.asdict(self.weights), "items": view,
                "unscored": cached.unscored if cached else []}

    async def fresh_job_ranking(self, job: Job) -> MatchResult:
        """The ranking now: cached when current, otherwise computed in this request."""
        fingerprint, *_ = await self._job_inputs(job)
        cached = await MatchResult.find_one({"kind": "job", "subject_id": str(job.id)})
        if cached is not None and cached.fingerprint == fingerprint:
            return cached
        result = await self.rank_job(str(job.id))
        assert result is not None
        return result

    # ---- recommendations for a candidate ------------------------------------------------------------------
    async def _resume_for(self, candidate_id: str, resume_id: str | None) -> Resume:
        if resume_id:
            resume = await Resume.get(resume_id) if is_oid(resume_id) else None
            if resume is None or resume.owner_id != candidate_id:
                raise NotFound("Resume not found")
            if resume.status != ResumeStatus.processed:
                raise Conflict("That resume has not been processed", code="resume_not_ready")
            return resume
        resume = await Resume.find({"owner_id": candidate_id, "status": ResumeStatus.processed.value}).sort(
            "-created_at").first_or_none()
        if resume is None:
            raise Conflict("Upload a resume to get job recommendations", code="no_resume")
        return resume

    async def _jobs_fingerprint(self, resume: Resume) -> str:
        collection = Job.get_pymongo_collection()
        published = {"status": JobStatus.published.value}
        count = await collection.count_documents(published)
        latest = await collection.find(published, {"updated_at": 1}).sort("updated_at", -1).limit(1).to_list()
        return _hash([str(resume.id), str(resume.updated_at), count, str(latest[0]["updated_at"]) if latest else None,
                      dataclasses.astuple(self.weights)])

    async def recommend_for(self, candidate_id: str, resume_id: str | None = None) -> MatchResult | None:
        """The background task: score every published job against the candidate's resume."""
        try:
            resume = await self._resume_for(candidate_id, resume_id)
        except (Conflict, NotFound):
            return None
        started = time.perf_counter()
        fingerprint = await self._jobs_fingerprint(resume)
        jobs = await Job.find({"status": JobStatus.published.value}).sort("-published_at").limit(
            MAX_JOBS_CONSIDERED).to_list()
        profile = CandidateProfile.from_resume(candidate_id, parsed_from_doc(resume.parsed or {}), resume.text or "")
        recommended = await asyncio.to_thread(recommend_jobs, profile, [job_profile(j) for j in jobs],
                                              RECOMMENDATIONS_KEPT, self.weights)
        items = [{"job_id": r.job_id, "rank": r.rank, **score_view(r.score)} for r in recommended]
        return await self._store("candidate", candidate_id, fingerprint, items, [], started)

    async def recommendations(self, user: User, resume_id: str | None, limit: int) -> dict[str, Any]:
        resume = await self._resume_for(str(user.id), resume_id)
        fingerprint = await self._jobs_fingerprint(resume)
        cached = await MatchResult.find_one({"kind": "candidate", "subject_id": str(user.id)})
        fresh = cached is not None and cached.fingerprint == fingerprint
        if not fresh:
            await self.queue.enqueue("match.candidate", {"candidate_id": str(user.id), "resume_id": str(resume.id)},
                                     key=f"match.candidate:{user.id}")
        items = list(cached.items) if cached else []
        jobs = {str(j.id): j for j in await Job.find(
            {"_id": {"$in": [ObjectId(i["job_id"]) for i in items]}, "status": JobStatus.published.value}).to_list()}
        view = [{**item, "title": jobs[item["job_id"]].title, "company": jobs[item["job_id"]].company,
                 "location": jobs[item["job_id"]].location, "remote": jobs[item["job_id"]].remote}
                for item in items if item["job_id"] in jobs][:limit]
        return {"resume_id": str(resume.id), "status": "ready" if fresh else "pending",
                "computed_at": cached.computed_at if cached else None, "items": view}

    # ---- demographics and fairness ------------------------------------------------------------------------
    @staticmethod
    async def demographics_of(user: User) -> Demographics | None:
        return await Demographics.find_one({"user_id": str(user.id)})

    @staticmethod
    async def set_demographics(user: User, values: dict[str, str | None]) -> Demographics:
        fields = {name: values.get(name) for name in DEMOGRAPHIC_ATTRIBUTES}
        await Demographics.get_pymongo_collection().update_one(
            {"user_id": str(user.id)}, {"$set": {**fields, "updated_at": utcnow()}}, upsert=True)
        return await Demographics.find_one({"user_id": str(user.id)})  # type: ignore[return-value]

    @staticmethod
    async def delete_demographics(user: User) -> None:
        await Demographics.get_pymongo_collection().delete_one({"user_id": str(user.id)})

    async def fairness(self, job: Job, attribute: str, shortlist: str, top_n: int | None, stage: ApplicationStatus,
                       min_group_size: int) -> dict[str, Any]:
        if attribute not in DEMOGRAPHIC_ATTRIBUTES:
            raise InvalidInput("Unknown attribute", details=[{"field": "attribute", "message": "unknown"}])
        applications = await Application.find({"job_id": str(job.id)}).to_list()
        if shortlist == "top_n":
            ranking = await self.fresh_job_ranking(job)
            pool = [(item["application_id"], item["candidate_id"]) for item in ranking.items]
            n = top_n if top_n is not None else max(1, len(pool) // 4)
            ordered = sorted(ranking.items, key=lambda item: (item["rank"], -item["total"]))
            selected = {item["application_id"] for item in ordered[:n]}
            described = f"the top {n} of {len(pool)} ranked applicants"
        else:
            reached = STAGE_ORDER.index(stage)
            pool = [(str(a.id), a.candidate_id) for a in applications]
            selected = {str(a.id) for a in applications
                        if max((STAGE_ORDER.index(c.status) for c in a.status_history if c.status in STAGE_ORDER),
                               default=0) >= reached}
            described = f"applicants who reached the {stage.value} stage ({len(selected)} of {len(pool)})"
        disclosed = {d.user_id: getattr(d, attribute) async for d in Demographics.find(
            {"user_id": {"$in": [candidate for _, candidate in pool]}})}
        report = fairness_audit(selected, [(app_id, disclosed.get(candidate)) for app_id, candidate in pool],
                                attribute, min_group_size)
        return {"job_id": str(job.id), "shortlist": described, "pool_size": len(pool), "selected": len(selected),
                **dataclasses.asdict(report)}
