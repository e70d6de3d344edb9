"""Rankings of a job's applicants and job recommendations, computed as background tasks; plus voluntary
demographics and the fairness audit of a shortlist.

A job's ranking is a run: its applicants' scores are stored as RankingEntry documents (one per applicant,
indexed by job, run and rank) and ``match_results`` names the current run with a fingerprint of its inputs
(the job, an inputs version bumped by every application and resume change, completed interviews for the
job, the weights). A read whose fingerprint differs schedules a new run and answers ``pending`` (or
``running`` with a percentage and an ETA) with the previous run's entries, so a stale ranking is never shown
as current and no request waits on scoring.

Applicants' resumes are found by ``resumes.applied_job_ids`` (multikey-indexed), never by a long
``_id $in`` list, which the embedded database answers in quadratic time.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import json
import logging
import secrets
import time
from collections import OrderedDict
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING

from candidatex.core.crypto import seal_optional
from candidatex.core.errors import Conflict, InvalidInput, NotFound
from candidatex.core.timeutil import utcnow
from candidatex.interviews.models import InterviewSession, SessionStatus
from candidatex.jobs.models import STAGE_ORDER, Application, ApplicationStatus, Job, JobStatus
from candidatex.matching.engine import JobContext, Scored, rank, recommendation, score_profiles
from candidatex.matching.fairness import audit_report, snap_top_n
from candidatex.matching.models import Demographics, MatchResult, RankingEntry
from candidatex.matching.profile import build_profile, profile_is_current
from candidatex.matching.scoring import MatchWeights
from candidatex.resumes.models import Resume, ResumeStatus
from candidatex.resumes.service import is_oid, parsed_from_doc
from candidatex.tasks.queue import TaskQueue
from candidatex.users.models import User
from candidatex.core.pagination import offset, page_count

logger = logging.getLogger(__name__)

DEMOGRAPHIC_ATTRIBUTES = ("gender", "ethnicity", "age_band", "disability", "veteran")
MAX_JOBS_CONSIDERED = 2000
RECOMMENDATIONS_KEPT = 50
SCORE_CHUNK = 500  # applicants scored per worker-thread call; progress is written after each
WRITE_BATCH = 1000
ID_BATCH = 100  # the rare `_id $in` lookups (legacy data) go in short batches
SORTS: dict[str, list[tuple[str, int]]] = {
    "rank": [("rank", ASCENDING)],
    "-rank": [("rank", DESCENDING)],
    **{name: [(f"breakdown.{name}", DESCENDING), ("rank", ASCENDING)]
       for name in ("skills", "experience", "education", "text_similarity", "career_consistency", "interview")},
}
_CONTEXT_CACHE_SIZE = 256


RUN_STALLED_SECONDS = 120  # a run whose progress has not moved for this long is started again


def _aware(moment: Any) -> Any:
    from datetime import UTC, datetime

    if not isinstance(moment, datetime):
        return datetime.min.replace(tzinfo=UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _hash(parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, default=str, sort_keys=True).encode()).hexdigest()[:32]


def new_run_id() -> str:
    """Sortable by start time, so an older run never replaces or deletes a newer one."""
    return f"{time.time_ns():020d}{secrets.token_hex(4)}"


class MatchingService:
    def __init__(self, queue: TaskQueue, weights: MatchWeights = MatchWeights(), embedder: Any | None = None) -> None:
        self.queue = queue
        self.weights = weights
        self.embedder = embedder
        self._contexts: OrderedDict[str, JobContext] = OrderedDict()

    # ---- job contexts ---------------------------------------------------------------------------------------
    def _context(self, job: Job, detailed: bool = True) -> JobContext:
        """The job's scoring context (its vectors), cached while the job's matching fields stay the same.
        ``detailed=False`` (recommendations over many jobs) embeds only the job and its title."""
        key = _hash([str(job.id), job.title, job.description, job.required_skills, job.preferred_skills,
                     job.min_years_experience, job.education_level, detailed])
        context = self._contexts.get(key)
        if context is None:
            context = JobContext.build(job.title, job.description, job.required_skills, job.preferred_skills,
                                       job.min_years_experience, job.education_level,
                                       self.embedder if detailed else None)
            if not detailed and self.embedder is not None:
                import numpy as np

                vectors = self.embedder.embed([f"{job.title}. {job.description}"[:2000], job.title])
                padding = np.zeros((len(context.requirements), vectors.shape[1]), np.float32)  # no semantic credit
                context.matrix = np.concatenate([vectors, padding])
                context.sentence_rows = slice(0, 0)
            self._contexts[key] = context
            while len(self._contexts) > _CONTEXT_CACHE_SIZE:
                self._contexts.popitem(last=False)
        return context

    async def prepare(self, resume_id: str, text: str, parsed: dict[str, Any]) -> dict[str, Any]:
        """Build and store the prepared profile of a parsed resume."""
        profile = await asyncio.to_thread(build_profile, text, parsed_from_doc(parsed), self.embedder)
        await Resume.get_pymongo_collection().update_one({"_id": ObjectId(resume_id)}, {"$set": {"profile": profile}})
        return profile

    # ---- job rankings -------------------------------------------------------------------------------------
    @staticmethod
    async def _job_interviews(job_id: str) -> dict[str, dict[str, Any]]:
        """Per candidate, their latest completed interview for this job (indexed by job_id)."""
        chosen: dict[str, dict[str, Any]] = {}
        async for session in InterviewSession.get_pymongo_collection().find(
                {"job_id": job_id, "status": SessionStatus.completed.value},
                {"_id": 1, "candidate_id": 1, "completed_at": 1, "result.total_score": 1}):
            score = (session.get("result") or {}).get("total_score")
            if score is None:
                continue
            entry = {"id": str(session["_id"]), "completed_at": session.get("completed_at"), "score": float(score)}
            best = chosen.get(session["candidate_id"])
            if best is None or str(entry["completed_at"]) > str(best["completed_at"]):
                chosen[session["candidate_id"]] = entry
        return chosen

    @staticmethod
    async def _result(kind: str, subject_id: str) -> tuple[MatchResult | None, int]:
        result = await MatchResult.find_one({"kind": kind, "subject_id": subject_id})
        return result, result.inputs_version if result else 0

    async def _current_fingerprint(self, job: Job) -> tuple[str, MatchResult | None]:
        result, version = await self._result("job", str(job.id))
        interviews = await self._job_interviews(str(job.id))
        return self._fingerprint_of(job, version, interviews), result

    def _fingerprint_of(self, job: Job, version: int, interviews: dict[str, dict[str, Any]]) -> str:
        return _hash([str(job.updated_at), version, dataclasses.astuple(self.weights),
                      sorted((c, s["id"], str(s["completed_at"])) for c, s in interviews.items()),
                      getattr(self.embedder, "model_name", None)])

    async def _applicant_resumes(self, job_id: str, applications: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
        """The resumes sent to a job, by the indexed ``applied_job_ids``; older data is found in short batches
        and tagged so the next run needs no batches."""
        projection = {"_id": 1, "status": 1, "profile": 1, "owner_id": 1}
        resumes = {str(r["_id"]): r async for r in Resume.get_pymongo_collection().find(
            {"applied_job_ids": job_id}, projection)}
        missing = list({a["resume_id"] for a in applications if a["resume_id"] not in resumes and is_oid(a["resume_id"])})
        for start in range(0, len(missing), ID_BATCH):
            ids = [ObjectId(i) for i in missing[start:start + ID_BATCH]]
            async for found in Resume.get_pymongo_collection().find({"_id": {"$in": ids}}, projection):
                resumes[str(found["_id"])] = found
            await Resume.get_pymongo_collection().update_many({"_id": {"$in": ids}},
                                                              {"$addToSet": {"applied_job_ids": job_id}})
        return resumes

    async def _ensure_profile(self, resume: dict[str, Any]) -> dict[str, Any] | None:
        """A processed resume's profile, built now if it predates prepared profiles or another model."""
        if profile_is_current(resume.get("profile"), self.embedder):
            return resume["profile"]
        full = await Resume.get_pymongo_collection().find_one({"_id": resume["_id"]}, {"text": 1, "parsed": 1})
        if not full or full.get("parsed") is None:
            return None
        return await self.prepare(str(resume["_id"]), full.get("text") or "", full["parsed"])

    async def _progress(self, job_id: str, run_id: str, done: int, total: int, started: float) -> None:
        elapsed = time.perf_counter() - started
        eta = round(elapsed / done * (total - done), 1) if done else None
        await MatchResult.get_pymongo_collection().update_one(
            {"kind": "job", "subject_id": job_id, "$or": [{"progress": None}, {"progress.run_id": {"$lte": run_id}}]},
            {"$set": {"progress": {"run_id": run_id, "done": done, "total": total,
                                   "percent": round(100 * done / total, 1) if total else 100.0,
                                   "eta_seconds": eta, "updated_at": utcnow()}}})

    async def rank_job(self, job_id: str) -> MatchResult | None:
        """The background task: score every applicant of the job and store the run's entries."""
        job = await Job.get(job_id) if is_oid(job_id) else None
        if job is None:
            return None
        started = time.perf_counter()
        run_id = new_run_id()
        collection = MatchResult.get_pymongo_collection()
        # progress first: reads during the run see it and do not schedule the same run again
        await collection.update_one({"kind": "job", "subject_id": job_id},
                                    {"$setOnInsert": {"inputs_version": 0},
                                     "$set": {"progress": {"run_id": run_id, "done": 0, "total": 0, "percent": 0.0,
                                                           "eta_seconds": None, "updated_at": utcnow()}}},
                                    upsert=True)
        _, version = await self._result("job", job_id)
        interviews = await self._job_interviews(job_id)
        fingerprint = self._fingerprint_of(job, version, interviews)
        applications = await Application.get_pymongo_collection().find(
            {"job_id": job_id}, {"_id": 1, "candidate_id": 1, "resume_id": 1}).to_list()
        await self._progress(job_id, run_id, 0, len(applications), started)
        stages = {"applications": time.perf_counter() - started}
        resumes = await self._applicant_resumes(job_id, applications)
        stages["resumes"] = time.perf_counter() - started
        items, unscored = [], []
        for application in applications:
            resume = resumes.get(application["resume_id"])
            if resume is None or resume.get("status") != ResumeStatus.processed.value:
                status = (resume or {}).get("status")
                reason = {"pending": "resume_pending", "failed": "resume_unreadable"}.get(status, "resume_deleted")
                unscored.append({"application_id": str(application["_id"]), "candidate_id": application["candidate_id"],
                                 "reason": reason})
                continue
            profile = await self._ensure_profile(resume)
            if profile is None:
                unscored.append({"application_id": str(application["_id"]),
                                 "candidate_id": application["candidate_id"], "reason": "resume_unreadable"})
                continue
            interview = interviews.get(application["candidate_id"])
            items.append((str(application["_id"]), profile, interview["score"] if interview else None))

        stages["profiles"] = time.perf_counter() - started
        context = await asyncio.to_thread(self._context, job)
        scored: list[Scored] = []
        for start in range(0, len(items), SCORE_CHUNK):
            scored.extend(await asyncio.to_thread(score_profiles, context, items[start:start + SCORE_CHUNK],
                                                  self.weights))
            await self._progress(job_id, run_id, len(scored), len(applications), started)
        stages["scoring"] = time.perf_counter() - started
        by_application = {str(a["_id"]): a for a in applications}
        entries = []
        for item, position, percentile in rank(scored):
            application = by_application[str(item.key)]
            interview = interviews.get(application["candidate_id"])
            # slim documents: what pages are sorted and filtered by; reasons are worked out for the page read
            entries.append({"job_id": job_id, "run_id": run_id, "application_id": str(item.key),
                            "candidate_id": application["candidate_id"], "resume_id": application["resume_id"],
                            "rank": position, "percentile": percentile, "recommendation": recommendation(item),
                            "total": item.total, "breakdown": item.breakdown,
                            "flag_codes": [flag["code"] for flag in item.flags],
                            "interview_session_id": interview["id"] if interview else None,
                            "interview_score": interview["score"] if interview else None})
        for start in range(0, len(entries), WRITE_BATCH):
            await RankingEntry.get_pymongo_collection().insert_many(entries[start:start + WRITE_BATCH], ordered=False)
        stages["entries"] = time.perf_counter() - started
        fields = {"fingerprint": fingerprint, "run_id": run_id,
                  "stages_ms": {name: round(at * 1000, 1) for name, at in stages.items()}, "unscored": unscored, "scored": len(entries),
                  "applicants": len(applications), "weights": dataclasses.asdict(self.weights),
                  "computed_at": utcnow(), "duration_ms": round((time.perf_counter() - started) * 1000, 1)}
        swapped = await collection.update_one(
            {"kind": "job", "subject_id": job_id, "$or": [{"run_id": None}, {"run_id": {"$lt": run_id}}]},
            {"$set": fields})
        # the progress shown is this run's only if no other run started meanwhile
        await collection.update_one({"kind": "job", "subject_id": job_id, "progress.run_id": run_id},
                                    {"$set": {"progress": None}})
        entries_collection = RankingEntry.get_pymongo_collection()
        if swapped.modified_count:
            await entries_collection.delete_many({"job_id": job_id, "run_id": {"$lt": run_id}})
        else:  # a newer run finished first
            await entries_collection.delete_many({"run_id": run_id})
        logger.info("job ranked", extra={"job_id": job_id, "applicants": len(applications),
                                         "duration_ms": fields["duration_ms"]})
        result, _ = await self._result("job", job_id)
        return result

    async def job_ranking(self, job: Job, refresh: bool = False, page: int = 1, limit: int = 50,
                          sort: str = "rank") -> dict[str, Any]:
        fingerprint, cached = await self._current_fingerprint(job)
        fresh = cached is not None and cached.run_id is not None and cached.fingerprint == fingerprint and not refresh
        running = cached is not None and cached.progress is not None and \
            (utcnow() - _aware(cached.progress.get("updated_at"))).total_seconds() < RUN_STALLED_SECONDS
        if not fresh and not running:  # a run under way is not started again; a change it missed re-runs after
            await self.queue.enqueue("match.job", {"job_id": str(job.id)}, key=f"match.job:{job.id}")
        raw_entries: list[dict[str, Any]] = []
        total = cached.scored if cached and cached.run_id else 0
        if cached is not None and cached.run_id:
            raw_entries = await RankingEntry.get_pymongo_collection().find(
                {"job_id": str(job.id), "run_id": cached.run_id}, {"_id": 0, "job_id": 0, "run_id": 0}).sort(
                SORTS[sort]).skip(offset(page, limit)).limit(limit).to_list()
        # the pipeline status and names are read now: they change without changing any score
        app_ids = [ObjectId(e["application_id"]) for e in raw_entries]
        current = {str(a["_id"]): a async for a in Application.get_pymongo_collection().find(
            {"_id": {"$in": app_ids}}, {"_id": 1, "status": 1, "candidate_id": 1})} if app_ids else {}
        people = {str(u["_id"]): u async for u in User.get_pymongo_collection().find(
            {"_id": {"$in": [ObjectId(a["candidate_id"]) for a in current.values()]}},
            {"full_name": 1, "email": 1})} if current else {}
        details = await self._details(job, raw_entries)
        view = []
        for entry in raw_entries:
            application = current.get(entry["application_id"])
            if application is None:
                continue
            person = people.get(application["candidate_id"])
            # a resume deleted since the run has no profile left to explain it: the stored figures only
            detail = details.get(entry["application_id"]) or {
                "weights": {}, "matched_skills": [], "missing_skills": [], "explanation": [], "reasons": [],
                "flags": [{"code": code, "message": code.replace("_", " ")} for code in entry.get("flag_codes", [])]}
            view.append({**detail, **{k: v for k, v in entry.items() if k not in ("flag_codes", "interview_score")},
                         "application_status": application["status"],
                         "candidate_name": (person or {}).get("full_name"),
                         "candidate_email": (person or {}).get("email")})
        progress = cached.progress if cached is not None and not fresh else None
        status = "ready" if fresh else "running" if progress else "pending"
        applicants = cached.applicants if fresh and cached is not None else None
        if applicants is None:
            applicants = await Application.get_pymongo_collection().count_documents({"job_id": str(job.id)})
        return {"job_id": str(job.id), "status": status, "computed_at": cached.computed_at if cached else None,
                "applicants": applicants, "weights": cached.weights if cached and cached.weights
                else dataclasses.asdict(self.weights), "items": view,
                "unscored": cached.unscored if cached else [], "total": total, "page": page, "limit": limit,
                "pages": page_count(total, limit), "sort": sort, "progress": progress}

    async def _details(self, job: Job, entries: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
        """Reasons, skills and flags of one page of entries, scored again from the stored profiles (the
        same numbers the run stored; a page is at most a few hundred applicants)."""
        if not entries:
            return {}
        ids = [ObjectId(e["resume_id"]) for e in entries if is_oid(e["resume_id"])]
        profiles = {str(r["_id"]): r.get("profile") async for r in Resume.get_pymongo_collection().find(
            {"_id": {"$in": ids}}, {"profile": 1})}
        items = [(e["application_id"], profiles[e["resume_id"]], e.get("interview_score")) for e in entries
                 if profiles.get(e["resume_id"])]
        context = await asyncio.to_thread(self._context, job)
        scored = await asyncio.to_thread(score_profiles, context, items, self.weights)
        return {str(item.key): item.view() for item in scored}

    async def ranked_pool(self, job: Job) -> list[dict[str, Any]]:
        """Every ranked applicant of the current run (computed in this request when stale), best first."""
        fingerprint, cached = await self._current_fingerprint(job)
        if cached is None or cached.run_id is None or cached.fingerprint != fingerprint:
            cached = await self.rank_job(str(job.id))
        if cached is None or cached.run_id is None:
            return []
        return await RankingEntry.get_pymongo_collection().find(
            {"job_id": str(job.id), "run_id": cached.run_id},
            {"_id": 0, "application_id": 1, "candidate_id": 1, "rank": 1, "total": 1}).sort("rank", 1).to_list()

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
                      dataclasses.astuple(self.weights), getattr(self.embedder, "model_name", None)])

    async def recommend_for(self, candidate_id: str, resume_id: str | None = None) -> MatchResult | None:
        """The background task: score every published job against the candidate's resume."""
        try:
            resume = await self._resume_for(candidate_id, resume_id)
        except (Conflict, NotFound):
            return None
        started = time.perf_counter()
        fingerprint = await self._jobs_fingerprint(resume)
        profile = resume.profile if profile_is_current(resume.profile, self.embedder) else await self.prepare(
            str(resume.id), resume.text or "", resume.parsed or {})
        jobs = await Job.find({"status": JobStatus.published.value}).sort("-published_at").limit(
            MAX_JOBS_CONSIDERED).to_list()

        def score_all() -> list[tuple[Job, Scored]]:
            return [(job, score_profiles(self._context(job, detailed=False), [(str(job.id), profile, None)],
                                         self.weights)[0]) for job in jobs]

        scored = await asyncio.to_thread(score_all)
        scored.sort(key=lambda pair: (-pair[1].total, str(pair[0].id)))
        items = [{"job_id": str(job.id), "rank": index + 1, "recommendation": recommendation(score), **score.view()}
                 for index, (job, score) in enumerate(scored[:RECOMMENDATIONS_KEPT])]
        fields = {"fingerprint": fingerprint, "items": items, "unscored": [],
                  "weights": dataclasses.asdict(self.weights), "computed_at": utcnow(),
                  "duration_ms": round((time.perf_counter() - started) * 1000, 1)}
        await MatchResult.get_pymongo_collection().update_one({"kind": "candidate", "subject_id": candidate_id},
                                                              {"$set": fields}, upsert=True)
        result, _ = await self._result("candidate", candidate_id)
        return result

    async def recommendations(self, user: User, resume_id: str | None, limit: int) -> dict[str, Any]:
        resume = await self._resume_for(str(user.id), resume_id)
        fingerprint = await self._jobs_fingerprint(resume)
        cached, _ = await self._result("candidate", str(user.id))
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
        fields = {name: seal_optional(values.get(name)) for name in DEMOGRAPHIC_ATTRIBUTES}  # encrypted at rest
        await Demographics.get_pymongo_collection().update_one(
            {"user_id": str(user.id)}, {"$set": {**fields, "updated_at": utcnow()}}, upsert=True)
        return await Demographics.find_one({"user_id": str(user.id)})  # type: ignore[return-value]

    @staticmethod
    async def delete_demographics(user: User) -> None:
        await Demographics.get_pymongo_collection().delete_one({"user_id": str(user.id)})

    @staticmethod
    async def _disclosed(candidate_ids: list[str]) -> dict[str, Demographics]:
        found: dict[str, Demographics] = {}
        for start in range(0, len(candidate_ids), ID_BATCH):
            async for record in Demographics.find({"user_id": {"$in": candidate_ids[start:start + ID_BATCH]}}):
                found[record.user_id] = record
        return found

    async def fairness(self, job: Job, attribute: str, shortlist: str, top_n: int | None, stage: ApplicationStatus,
                       min_group_size: int) -> dict[str, Any]:
        if attribute not in DEMOGRAPHIC_ATTRIBUTES:
            raise InvalidInput("Unknown attribute", details=[{"field": "attribute", "message": "unknown"}])
        ranked = await self.ranked_pool(job)
        scores = {item["application_id"]: item["total"] for item in ranked}
        top_n_used = None
        if shortlist == "top_n":
            pool = [(item["application_id"], item["candidate_id"]) for item in ranked]
            requested = top_n if top_n is not None else max(1, len(pool) // 4)
            top_n_used = snap_top_n(requested, min_group_size)
            selected = {item["application_id"] for item in ranked[:top_n_used]}
            described = f"the top {top_n_used} of {len(pool)} ranked applicants"
        else:
            applications = await Application.get_pymongo_collection().find(
                {"job_id": str(job.id)}, {"_id": 1, "candidate_id": 1, "status_history.status": 1}).to_list()
            reached = STAGE_ORDER.index(stage)
            pool = [(str(a["_id"]), a["candidate_id"]) for a in applications]
            selected = {str(a["_id"]) for a in applications
                        if max((STAGE_ORDER.index(ApplicationStatus(c["status"])) for c in a.get("status_history", [])
                                if c["status"] in STAGE_ORDER), default=0) >= reached}
            described = f"applicants who reached the {stage.value} stage"
        disclosed = await self._disclosed([candidate for _, candidate in pool])

        def label(candidate: str, name: str) -> str | None:
            record = disclosed.get(candidate)
            return getattr(record, name) if record else None

        report = audit_report(
            selected, [(app_id, label(candidate, attribute)) for app_id, candidate in pool], attribute,
            min_group_size, scores=scores,
            intersection=[(app_id, label(candidate, "gender"), label(candidate, "ethnicity")) for app_id, candidate in pool])
        return {"job_id": str(job.id), "job_title": job.title, "shortlist": described, "pool_size": len(pool),
                "selected": len(selected), "top_n_requested": top_n if shortlist == "top_n" else None,
                "top_n_used": top_n_used, **report}
