"""Rankings of a job's applicants and job recommendations, computed as background tasks; plus voluntary
demographics and the fairness audit of a shortlist.

A job's ranking is a run: its applicants' scores are RankingEntry documents (one per applicant), written
when they apply: each application carries a ``rank_pending`` time mark (set again when its resume changes),
and the ``match.job`` task scores only those marked since its last read (``pending_after``) and candidates
whose interview changed, into the current run.
A change to what every score depends on (the job's matching fields, the weights, the model: ``context_key``)
scores everyone into a new run, swapped in when complete, with progress and an ETA meanwhile. One sync per
job runs at a time (a lease in ``match_results.progress``), so the run's histograms (histogram.py) can be
kept by deltas; pages, ranks and percentiles are read from them with no sort over all entries. A read that
finds the ranking behind its inputs schedules a sync and answers ``pending``/``running`` with what is there.

Applicants' resumes are found by ``resumes.applied_job_ids`` (multikey-indexed), never by a long
``_id $in`` list, which the embedded database answers in quadratic time.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import heapq
import json
import logging
import secrets
import time
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from bson import ObjectId

from candidatex.core.crypto import seal_optional
from candidatex.core.errors import Conflict, InvalidInput, NotFound
from candidatex.core.lru import LRU
from candidatex.core.pagination import offset, page_count
from candidatex.core.schemas import is_object_id as is_oid
from candidatex.core.timeutil import utcnow
from candidatex.interviews import store as interview_store
from candidatex.interviews.models import SessionStatus
from candidatex.jobs.models import STAGE_ORDER, Application, ApplicationStatus, Job, JobStatus
from candidatex.matching import histogram
from candidatex.matching.engine import JobContext, Scored, recommendation, score_profiles
from candidatex.matching.fairness import audit_report, snap_top_n
from candidatex.matching.histogram import deltas, histograms_of
from candidatex.matching.models import RANKING_COMPONENTS, Demographics, MatchResult, RankingEntry
from candidatex.matching.profile import build_profile, profile_is_current
from candidatex.matching.weights import MatchWeights
from candidatex.resumes.events import ResumeChanged, ResumeDeleted
from candidatex.resumes.models import Resume, ResumeStatus
from candidatex.resumes.service import parsed_from_doc
from candidatex.tasks.queue import TaskQueue
from candidatex.users.models import User

logger = logging.getLogger(__name__)

DEMOGRAPHIC_ATTRIBUTES = ("gender", "ethnicity", "age_band", "disability", "veteran")
MAX_JOBS_CONSIDERED = 2000
RECOMMENDATIONS_KEPT = 50
SCORE_CHUNK = 500  # applicants scored per worker-thread call; progress is written after each
WRITE_BATCH = 1000
ID_BATCH = 100  # the rare `_id $in` lookups (legacy data) go in short batches
HISTOGRAM_FIELDS = ("total", *RANKING_COMPONENTS)
# sort name -> (histogram field, descending); a component sort breaks ties by rank
SORTS: dict[str, tuple[str, bool]] = {"rank": ("total", True), "-rank": ("total", False),
                                      **{name: (name, True) for name in RANKING_COMPONENTS}}
MAX_SYNC_PASSES = 5
PREVIEW_ENTRIES = 200  # a full run's first entries per sort, kept on its MatchResult while its entries are written
# a sync reads the marks newer than the last sync's start minus this: a mark stamped just before a read
# but stored just after it is read by the next sync too (re-scoring a few applications twice is harmless)
MARK_OVERLAP_NS = 2_000_000_000
POOL_WAIT_SECONDS = 30  # an audit waits this long for a sync under way, then reads the scores there are
_CONTEXT_CACHE_SIZE = 256
# prepared profiles kept in memory (~10 KB each decoded: at most ~200 MB), so re-scoring after a job edit reads
# neither the resumes nor their profiles again (see _applicant_resumes); larger than one job's pool, or a
# sequential pass through a least-recently-used cache misses every time
PROFILE_CACHE_SIZE = 20_000
# past this share of applicants whose profile in memory is not known to be current, one indexed query reads
# them all (a short `_id $in` batch per 100 ids costs more than reading everyone's at once)
FULL_READ_SHARE = 0.2


_LIGHT_RESUME = {"_id": 1, "status": 1, "updated_at": 1}
READ_NS = "read_ns"  # on a resume read here: time_ns() taken before the read (what its profile is current as of)
MARKS_KEPT = 8  # application marks remembered per kept profile (one per job it was sent to, usually)


@dataclasses.dataclass(frozen=True, slots=True)
class KeptProfile:
    """A resume's prepared profile as read at ``read_ns`` (time_ns before the read), when it had ``updated_at``;
    ``marks``: the ``rank_pending`` marks of its applications read before it, so it is at least as new as the
    change each of them stands for."""

    read_ns: int
    updated_at: Any
    profile: dict[str, Any]
    marks: frozenset[int] = frozenset()


RUN_STALLED_SECONDS = 120  # a run whose progress has not moved for this long is started again
# why an application has no entry, by its resume's status; any other (a deleted resume: None) is "resume_deleted"
_UNSCORED_REASONS: dict[str | None, str] = {"pending": "resume_pending", "failed": "resume_unreadable",
                                            "processed": "resume_unreadable"}


def _aware(moment: Any) -> Any:
    from datetime import UTC, datetime

    if not isinstance(moment, datetime):
        return datetime.min.replace(tzinfo=UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _hash(parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, default=str, sort_keys=True).encode()).hexdigest()[:32]


Sink = Callable[[list[dict[str, Any]]], Awaitable[None]]


def _preview_orders(entries: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Per sort, the application ids of a run's first PREVIEW_ENTRIES in the order its pages show them
    (``_page_entries``: rank order, ties by application; a component best first, ties by rank, none last)."""
    def rank_key(e: dict[str, Any]) -> tuple[float, str]:
        return -e["total"], e["application_id"]

    orders = {"rank": heapq.nsmallest(PREVIEW_ENTRIES, entries, key=rank_key),
              "-rank": heapq.nlargest(PREVIEW_ENTRIES, entries, key=rank_key)}
    for name in RANKING_COMPONENTS:
        def key(e: dict[str, Any], name: str = name) -> tuple[bool, float, float, str]:
            value = e["breakdown"].get(name)
            return value is None, -(value or 0.0), -e["total"], e["application_id"]

        orders[name] = heapq.nsmallest(PREVIEW_ENTRIES, entries, key=key)
    return {sort: [e["application_id"] for e in chosen] for sort, chosen in orders.items()}


def _batches(ids: list[str]) -> list[list[str]]:
    return [ids[start:start + ID_BATCH] for start in range(0, len(ids), ID_BATCH)]


def new_run_id() -> str:
    """Sortable by start time, so an older run never replaces or deletes a newer one."""
    return f"{time.time_ns():020d}{secrets.token_hex(4)}"


class MatchingService:
    def __init__(self, queue: TaskQueue, weights: MatchWeights = MatchWeights(), embedder: Any | None = None) -> None:
        self.queue = queue
        self.weights = weights
        self.embedder = embedder
        self._contexts: LRU[str, JobContext] = LRU(_CONTEXT_CACHE_SIZE)
        self._profiles: LRU[str, KeptProfile] = LRU(PROFILE_CACHE_SIZE)

    # ---- prepared profiles in memory ------------------------------------------------------------------------
    # A kept profile is used without reading its resume while its application's mark is one read before the
    # profile, or older than the read by the clock margin of the marks: a resume's change or deletion marks its
    # applications (``rank_pending``, a new time) in the database, so every worker sees it; this process also
    # forgets the profile on the event. Otherwise the resume is read and its profile used only when its
    # ``updated_at`` is the same.
    def _cached_profile(self, resume: dict[str, Any]) -> dict[str, Any] | None:
        """The profile kept for this resume, if the resume has not changed since (same ``updated_at``)."""
        hit = self._profiles.get(str(resume["_id"]))
        if hit is None or resume.get("updated_at") is None or hit.updated_at != resume["updated_at"]:
            return None
        return hit.profile

    def _unchanged_profile(self, application: dict[str, Any]) -> dict[str, Any] | None:
        """The profile kept for the application's resume, if the application was not marked since it was read."""
        hit = self._profiles.get(application["resume_id"])
        mark = application.get("rank_pending")
        if hit is None or not isinstance(mark, int):
            return None
        return hit.profile if mark in hit.marks or mark < hit.read_ns - MARK_OVERLAP_NS else None

    def _keep_profile(self, resume: dict[str, Any], profile: dict[str, Any], mark: Any) -> None:
        """``mark``: the rank_pending of the application read before this resume."""
        if resume.get("updated_at") is None or not resume.get(READ_NS):
            return
        resume_id = str(resume["_id"])
        marks = {mark} if isinstance(mark, int) else set()
        hit = self._profiles.get(resume_id)
        if hit is not None and hit.updated_at == resume["updated_at"]:
            marks |= set(sorted(hit.marks)[-(MARKS_KEPT - 1):])
        self._profiles.put(resume_id, KeptProfile(resume[READ_NS], resume["updated_at"], profile, frozenset(marks)))

    async def resume_changed(self, event: ResumeChanged | ResumeDeleted) -> None:
        """A resume changed or was deleted (its event, in this process): its kept profile is forgotten."""
        self._profiles.discard(event.resume_id)

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
            self._contexts.put(key, context)
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
        completed = await interview_store.listed_ids({"job_id": job_id, "status": SessionStatus.completed.value})
        for session in await interview_store.by_ids(
                completed, {"_id": 1, "candidate_id": 1, "completed_at": 1, "result.total_score": 1}):
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

    def context_key(self, job: Job) -> str:
        """What every applicant's score depends on besides their own resume and interview."""
        return _hash([job.title, job.description, job.required_skills, job.preferred_skills,
                      job.min_years_experience, job.education_level, dataclasses.astuple(self.weights),
                      getattr(self.embedder, "model_name", None)])

    def _is_current(self, job: Job, result: MatchResult | None, interviews: dict[str, dict[str, Any]]) -> bool:
        return (result is not None and result.run_id is not None and result.context_key == self.context_key(job)
                and result.synced_version >= result.inputs_version
                and result.interview_sessions == {c: s["id"] for c, s in interviews.items()})

    @staticmethod
    async def _read_resumes(query: dict[str, Any], projection: dict[str, Any]) -> dict[str, dict[str, Any]]:
        read_ns = time.time_ns()
        return {str(r["_id"]): {**r, READ_NS: read_ns}
                async for r in Resume.get_pymongo_collection().find(query, projection)}

    async def _applicant_resumes(self, job_id: str, applications: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
        """The applicants' resumes. A profile kept in memory whose application was not marked since is used as
        it is (no read: after a job edit, usually everyone). The others are read by a light projection, in
        short ``_id $in`` batches when few, else all those sent to the job at once (the indexed
        ``applied_job_ids``; older data not tagged with it is found in batches and tagged), and their
        profiles read only when the resume changed since its profile was kept."""
        resumes: dict[str, dict[str, Any]] = {}
        unsure: set[str] = set()
        for application in applications:
            profile = self._unchanged_profile(application)
            if profile is not None:
                resumes[application["resume_id"]] = {"_id": ObjectId(application["resume_id"]), "profile": profile,
                                                     "status": ResumeStatus.processed.value}
            elif is_oid(application["resume_id"]):
                unsure.add(application["resume_id"])
        if not unsure:
            return resumes
        full = {**_LIGHT_RESUME, "profile": 1}
        collection = Resume.get_pymongo_collection()
        many = len(unsure) > max(ID_BATCH, FULL_READ_SHARE * len(applications))
        light: dict[str, dict[str, Any]] = {}
        if many:
            light = await self._read_resumes({"applied_job_ids": job_id}, _LIGHT_RESUME)
            for untagged in _batches(sorted(unsure - set(light))):
                oids = [ObjectId(i) for i in untagged]
                light.update(await self._read_resumes({"_id": {"$in": oids}}, full))
                await collection.update_many({"_id": {"$in": oids}}, {"$addToSet": {"applied_job_ids": job_id}})
        else:
            for ids in _batches(sorted(unsure)):
                light.update(await self._read_resumes({"_id": {"$in": [ObjectId(i) for i in ids]}}, _LIGHT_RESUME))
        need = []
        for resume_id in unsure & set(light):
            resume = resumes[resume_id] = light[resume_id]
            if "profile" in resume or resume.get("status") != ResumeStatus.processed.value:
                continue
            cached = self._cached_profile(resume)
            if cached is not None:
                resume["profile"] = cached
            else:
                need.append(resume_id)
        if many and len(need) > max(ID_BATCH, FULL_READ_SHARE * len(applications)):
            wanted = set(need)
            for resume_id, found in (await self._read_resumes({"applied_job_ids": job_id}, full)).items():
                if resume_id in wanted:
                    resumes[resume_id] = found  # its own updated_at: it may have changed since the first read
        else:
            for ids in _batches(need):
                resumes.update(await self._read_resumes({"_id": {"$in": [ObjectId(i) for i in ids]}}, full))
        return resumes

    async def _ensure_profile(self, resume: dict[str, Any], mark: Any = None) -> dict[str, Any] | None:
        """A processed resume's profile, built now if it predates prepared profiles or another model. ``mark``:
        the rank_pending of the application read before the resume."""
        if profile_is_current(resume.get("profile"), self.embedder):
            self._keep_profile(resume, resume["profile"], mark)
            return resume["profile"]
        full = await Resume.get_pymongo_collection().find_one({"_id": resume["_id"]}, {"text": 1, "parsed": 1})
        if not full or full.get("parsed") is None:
            return None
        profile = await self.prepare(str(resume["_id"]), full.get("text") or "", full["parsed"])
        self._keep_profile(resume, profile, mark)
        return profile

    async def _progress(self, job_id: str, lease: str, done: int, total: int, started: float,
                        since_started: int | None = None) -> None:
        """``since_started``: how many of ``done`` were done since ``started`` (the rest earlier, at another
        pace), so the ETA is the pace of the work left."""
        elapsed = time.perf_counter() - started
        counted = done if since_started is None else since_started
        eta = round(elapsed / counted * (total - done), 1) if counted else None
        await MatchResult.get_pymongo_collection().update_one(
            {"kind": "job", "subject_id": job_id, "progress.run_id": lease},
            {"$set": {"progress": {"run_id": lease, "done": done, "total": total,
                                   "percent": round(100 * done / total, 1) if total else 100.0,
                                   "eta_seconds": eta, "updated_at": utcnow()}}})

    async def _take_lease(self, job_id: str, lease: str) -> bool:
        """One sync per job at a time (the histograms are updated by deltas): the lease is the progress field,
        taken when empty or stalled."""
        collection = MatchResult.get_pymongo_collection()
        await collection.update_one({"kind": "job", "subject_id": job_id}, {"$setOnInsert": {"inputs_version": 0}},
                                    upsert=True)
        stalled = utcnow() - timedelta(seconds=RUN_STALLED_SECONDS)
        taken = await collection.update_one(
            {"kind": "job", "subject_id": job_id, "$or": [{"progress": None}, {"progress.updated_at": {"$lt": stalled}}]},
            {"$set": {"progress": {"run_id": lease, "done": 0, "total": 0, "percent": 0.0, "eta_seconds": None,
                                   "updated_at": utcnow()}}})
        return bool(taken.modified_count)

    async def rank_job(self, job_id: str) -> MatchResult | None:
        """The background task: bring the job's ranking up to date. A new job, a change to its matching fields,
        the weights or the model (or a refresh) scores every applicant into a new run; otherwise only the
        applications marked pending (new, or their resume changed) and those whose interview changed are
        scored, into the current run. Loops until nothing changed meanwhile."""
        job = await Job.get(job_id) if is_oid(job_id) else None
        if job is None:
            return None
        lease = new_run_id()
        if not await self._take_lease(job_id, lease):
            return (await self._result("job", job_id))[0]  # the sync under way picks the change up
        started = time.perf_counter()
        try:
            for _ in range(MAX_SYNC_PASSES):
                result, _ = await self._result("job", job_id)
                interviews = await self._job_interviews(job_id)
                if result is None or result.run_id is None or result.context_key != self.context_key(job):
                    await self._full_run(job, result, interviews, lease, started)
                else:
                    await self._catch_up(job, result, interviews, lease, started)
                job = await Job.get(job_id)
                if job is None or self._is_current(job, (await self._result("job", job_id))[0],
                                                   await self._job_interviews(job_id)):
                    break
        finally:
            await MatchResult.get_pymongo_collection().update_one(
                {"kind": "job", "subject_id": job_id, "progress.run_id": lease},
                {"$set": {"progress": None, "preview": None}})
        result, _ = await self._result("job", job_id)
        if job is not None and not self._is_current(job, result, await self._job_interviews(job_id)):
            # changed between the last check and the release: its own task found the lease taken
            await self.queue.enqueue("match.job", {"job_id": job_id}, key=f"match.job:{job_id}")
        if result is not None and result.run_id:
            # runs older than the current one, deleted after the lease is released (10,000 entries take
            # ~15 s on SecantusDB, which the next applicant's sync need not wait for); a run newer than this
            # one (another sync's, under way) sorts above it and is kept
            await RankingEntry.get_pymongo_collection().delete_many({"job_id": job_id,
                                                                     "run_id": {"$lt": result.run_id}})
        return result

    async def _score_applications(self, job: Job, applications: list[dict[str, Any]],
                                  resumes: dict[str, dict[str, Any]], interviews: dict[str, dict[str, Any]],
                                  lease: str, started: float, total: int, sink: Sink | None = None,
                                  busy: defaultdict[str, float] | None = None,
                                  on_scored: Callable[[dict[str, dict[str, Any]]], Awaitable[None]] | None = None,
                                  ) -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]]]:
        """Entry documents (without run_id) by application id, and the applications that cannot be scored.
        With a ``sink``, chunks are written by a writer task and progress counts written entries, so 100 %
        means stored. The writer works while the next chunks are scored, unless ``on_scored`` is given: then
        it starts once everyone is scored and ``on_scored`` has been awaited with every entry (the first page
        of the new ranking first: writes in the event loop slow the scoring thread down)."""
        items, unscored = [], []
        for application in applications:
            resume = resumes.get(application["resume_id"])
            profile = None
            if resume is not None and resume.get("status") == ResumeStatus.processed.value:
                profile = await self._ensure_profile(resume, application.get("rank_pending"))
            if profile is None:
                status = (resume or {}).get("status")
                reason = _UNSCORED_REASONS.get(status, "resume_deleted")
                unscored.append({"application_id": str(application["_id"]), "candidate_id": application["candidate_id"],
                                 "reason": reason})
                continue
            interview = interviews.get(application["candidate_id"])
            items.append((str(application["_id"]), profile, interview["score"] if interview else None))
        context = await asyncio.to_thread(self._context, job)
        by_application = {str(a["_id"]): a for a in applications}
        entries: dict[str, dict[str, Any]] = {}
        busy = busy if busy is not None else defaultdict(float)
        chunks: asyncio.Queue[list[dict[str, Any]] | None] = asyncio.Queue()
        scored_all = asyncio.Event()

        async def writer() -> None:
            assert sink is not None
            written = 0
            if on_scored is not None:
                await scored_all.wait()
            writes_began = time.perf_counter()  # what is left is writing: the ETA is its pace
            while (documents := await chunks.get()) is not None:
                began = time.perf_counter()
                await sink(documents)
                busy["writing"] += time.perf_counter() - began
                written += len(documents)
                await self._progress(str(job.id), lease, written + len(unscored), total, writes_began, written)

        writing = asyncio.create_task(writer()) if sink is not None else None
        try:
            for start in range(0, len(items), SCORE_CHUNK):
                began = time.perf_counter()
                scored = await asyncio.to_thread(score_profiles, context, items[start:start + SCORE_CHUNK], self.weights,
                                                 False)  # scores only: a page is explained when read
                busy["scoring"] += time.perf_counter() - began
                chunk = []
                for item in scored:
                    application = by_application[str(item.key)]
                    interview = interviews.get(application["candidate_id"])
                    # slim documents: what pages are filtered by; reasons are worked out for the page read
                    chunk.append({
                        "job_id": str(job.id), "application_id": str(item.key),
                        "candidate_id": application["candidate_id"], "resume_id": application["resume_id"],
                        "recommendation": recommendation(item), "total": item.total, "breakdown": item.breakdown,
                        "flag_codes": [flag["code"] for flag in item.flags],
                        "interview_session_id": interview["id"] if interview else None,
                        "interview_score": interview["score"] if interview else None})
                entries.update((entry["application_id"], entry) for entry in chunk)
                if writing is None:
                    await self._progress(str(job.id), lease, len(entries) + len(unscored), total, started)
                elif writing.done():
                    break  # the writes failed: the run is never swapped in (awaited below)
                else:
                    chunks.put_nowait(chunk)
            if on_scored is not None and (writing is None or not writing.done()):
                await on_scored(entries)
            scored_all.set()
            if writing is not None:
                chunks.put_nowait(None)
                await writing
        finally:
            if writing is not None and not writing.done():  # scoring failed: the run is never swapped in
                writing.cancel()
        return entries, unscored

    async def _full_run(self, job: Job, result: MatchResult | None, interviews: dict[str, dict[str, Any]],
                        lease: str, started: float) -> None:
        """Every applicant scored into a new run, swapped in when complete (the old run is shown meanwhile).
        The new run's entries are written chunk by chunk while the next chunk is scored; readers see none of
        them until the swap."""
        job_id, run_id = str(job.id), new_run_id()
        version, watermark = (result.inputs_version if result else 0), time.time_ns() - MARK_OVERLAP_NS
        applications = await Application.get_pymongo_collection().find(
            {"job_id": job_id}, {"_id": 1, "candidate_id": 1, "resume_id": 1, "rank_pending": 1}).to_list()
        await self._progress(job_id, lease, 0, len(applications), started)
        stages = {"applications": time.perf_counter() - started}
        resumes = await self._applicant_resumes(job_id, applications)
        stages["resumes"] = time.perf_counter() - started

        async def sink(documents: list[dict[str, Any]]) -> None:
            await self._insert_entries(run_id, documents)

        histograms: dict[str, dict[str, int]] = {}

        async def publish(scored: dict[str, dict[str, Any]]) -> None:
            # the new ranking's first pages, served while its entries are written (job_ranking)
            stages["scored"] = time.perf_counter() - started
            histograms.update(histograms_of(scored.values(), HISTOGRAM_FIELDS))
            orders = _preview_orders(list(scored.values()))
            kept = {i for order in orders.values() for i in order}
            preview = {"run_id": run_id, "context_key": self.context_key(job), "histograms": histograms,
                       "applicants": len(applications),  # a count over 10,000 applications costs ~1 s per read
                       "orders": orders,
                       "entries": {i: {k: v for k, v in scored[i].items() if k != "job_id"} for i in kept}}
            await MatchResult.get_pymongo_collection().update_one(
                {"kind": "job", "subject_id": job_id, "progress.run_id": lease}, {"$set": {"preview": preview}})

        busy: defaultdict[str, float] = defaultdict(float)  # seconds spent per stage
        entries, unscored = await self._score_applications(job, applications, resumes, interviews, lease, started,
                                                           len(applications), sink=sink, busy=busy,
                                                           on_scored=publish)
        stages["entries"] = time.perf_counter() - started
        documents = [{**entry, "run_id": run_id} for entry in entries.values()]
        fields = {"run_id": run_id, "context_key": self.context_key(job), "synced_version": version,
                  "pending_after": watermark, "preview": None,
                  "interview_sessions": {c: s["id"] for c, s in interviews.items()},
                  "histograms": histograms or histograms_of(documents, HISTOGRAM_FIELDS),
                  "stages_ms": {**{name: round(at * 1000, 1) for name, at in stages.items()},
                                **{f"{name}_busy": round(seconds * 1000, 1) for name, seconds in busy.items()}},
                  "unscored": unscored,
                  "scored": len(documents), "applicants": len(applications),
                  "weights": dataclasses.asdict(self.weights), "computed_at": utcnow(),
                  "duration_ms": round((time.perf_counter() - started) * 1000, 1)}
        await MatchResult.get_pymongo_collection().update_one({"kind": "job", "subject_id": job_id}, {"$set": fields})
        logger.info("job ranked", extra={"job_id": job_id, "applicants": len(applications),
                                         "duration_ms": fields["duration_ms"]})

    @staticmethod
    async def _insert_entries(run_id: str, documents: list[dict[str, Any]]) -> None:
        collection = RankingEntry.get_pymongo_collection()
        for start in range(0, len(documents), WRITE_BATCH):
            await collection.insert_many([{**entry, "run_id": run_id} for entry in documents[start:start + WRITE_BATCH]],
                                         ordered=False)

    async def _catch_up(self, job: Job, result: MatchResult, interviews: dict[str, dict[str, Any]],
                        lease: str, started: float) -> None:
        """Score only what changed, into the current run: entries replaced one by one, histograms by deltas."""
        job_id, run_id = str(job.id), result.run_id
        version, watermark = result.inputs_version, time.time_ns() - MARK_OVERLAP_NS
        projection = {"_id": 1, "candidate_id": 1, "resume_id": 1, "rank_pending": 1}
        collection = Application.get_pymongo_collection()
        # marked since the last sync read them (an indexed range; no per-application unmarking, which costs
        # a write each on SecantusDB)
        changed: dict[str, dict[str, Any]] = {str(a["_id"]): a async for a in collection.find(
            {"job_id": job_id, "rank_pending": {"$gt": result.pending_after}}, projection)}
        seen = {c: s["id"] for c, s in interviews.items()}
        moved = sorted(c for c in set(seen) | set(result.interview_sessions) if seen.get(c) != result.interview_sessions.get(c))
        for start in range(0, len(moved), ID_BATCH):
            async for application in collection.find(
                    {"job_id": job_id, "candidate_id": {"$in": moved[start:start + ID_BATCH]}}, projection):
                changed[str(application["_id"])] = application
        applications = list(changed.values())
        resumes: dict[str, dict[str, Any]] = {}
        existing: dict[str, dict[str, Any]] = {}
        for batch in _batches(sorted({a["resume_id"] for a in applications if is_oid(a["resume_id"])})):
            resumes.update(await self._read_resumes({"_id": {"$in": [ObjectId(i) for i in batch]}},
                                                    {**_LIGHT_RESUME, "profile": 1}))
        ids = list(changed)
        for start in range(0, len(ids), ID_BATCH):
            async for entry in RankingEntry.get_pymongo_collection().find(
                    {"job_id": job_id, "run_id": run_id, "application_id": {"$in": ids[start:start + ID_BATCH]}}):
                existing[entry["application_id"]] = entry
        entries, unscored = await self._score_applications(job, applications, resumes, interviews, lease, started,
                                                           len(applications))
        entry_collection = RankingEntry.get_pymongo_collection()
        change: Counter[str] = Counter()
        fresh = []
        for application_id in ids:
            old, new = existing.get(application_id), entries.get(application_id)
            change.update(deltas(old, new, HISTOGRAM_FIELDS))
            if new is None:
                if old is not None:
                    await entry_collection.delete_one({"_id": old["_id"]})
            elif old is None:
                fresh.append({**new, "run_id": run_id})
            else:
                await entry_collection.replace_one({"_id": old["_id"]}, {**new, "run_id": run_id})
        for start in range(0, len(fresh), WRITE_BATCH):
            await entry_collection.insert_many(fresh[start:start + WRITE_BATCH], ordered=False)
        kept = [u for u in result.unscored if u["application_id"] not in changed] + unscored
        scored = result.scored + sum(1 for i in ids if i in entries and i not in existing) \
            - sum(1 for i in ids if i in existing and i not in entries)
        await MatchResult.get_pymongo_collection().update_one(
            {"kind": "job", "subject_id": job_id, "run_id": run_id},
            {"$set": {"synced_version": version, "pending_after": watermark, "interview_sessions": seen,
                      "unscored": kept, "scored": scored, "applicants": scored + len(kept), "computed_at": utcnow()},
             **({"$inc": {f"histograms.{path}": n for path, n in change.items()}} if change else {})})

    async def job_ranking(self, job: Job, refresh: bool = False, page: int = 1, limit: int = 50,
                          sort: str = "rank") -> dict[str, Any]:
        """One page of the current run, read by value ranges the histograms point to (see histogram.py)."""
        if refresh:  # everyone is scored again, by the sync under way if there is one
            await MatchResult.get_pymongo_collection().update_one({"kind": "job", "subject_id": str(job.id)},
                                                                  {"$set": {"context_key": ""}})
        cached, _ = await self._result("job", str(job.id))
        interviews = await self._job_interviews(str(job.id))
        fresh = self._is_current(job, cached, interviews)
        running = cached is not None and cached.progress is not None and \
            (utcnow() - _aware(cached.progress.get("updated_at"))).total_seconds() < RUN_STALLED_SECONDS
        if not fresh and not running:  # a sync under way picks up what changed meanwhile
            await self.queue.enqueue("match.job", {"job_id": str(job.id)}, key=f"match.job:{job.id}")
        raw_entries: list[dict[str, Any]] = []
        applicants: int | None = None
        run_id = cached.run_id if cached is not None else None
        histograms = cached.histograms if cached is not None and run_id else {}
        total = histogram.count(histograms.get("total", {}))
        preview = cached.preview if cached is not None and not fresh else None
        order = (preview or {}).get("orders", {}).get(sort)
        if preview and order is not None and preview["context_key"] == self.context_key(job) and (
                offset(page, limit) + limit <= len(order)
                or len(order) == histogram.count(preview["histograms"]["total"])):
            # a full run scored and still being written: the first pages of every sort are in the preview
            histograms = preview["histograms"]
            total = histogram.count(histograms["total"])
            applicants = preview["applicants"]
            raw_entries = [preview["entries"][i] for i in order[offset(page, limit):offset(page, limit) + limit]]
        elif histograms and run_id:
            raw_entries = await self._page_entries(str(job.id), run_id, histograms, sort, page, limit)
        # the pipeline status and names are read now: they change without changing any score
        app_ids = [ObjectId(e["application_id"]) for e in raw_entries]
        current = {str(a["_id"]): a async for a in Application.get_pymongo_collection().find(
            {"_id": {"$in": app_ids}}, {"_id": 1, "status": 1, "candidate_id": 1, "resume_id": 1, "rank_pending": 1})
        } if app_ids else {}
        people = {str(u["_id"]): u async for u in User.get_pymongo_collection().find(
            {"_id": {"$in": [ObjectId(a["candidate_id"]) for a in current.values()]}},
            {"full_name": 1, "email": 1})} if current else {}
        details = await self._details(job, raw_entries, current)
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
            position, percentile = histogram.rank_and_percentile(histograms["total"], entry["total"])
            view.append({**detail, **{k: v for k, v in entry.items() if k not in ("flag_codes", "interview_score")},
                         "rank": position, "percentile": percentile,
                         "application_status": application["status"],
                         "candidate_name": (person or {}).get("full_name"),
                         "candidate_email": (person or {}).get("email")})
        progress = cached.progress if cached is not None and not fresh else None
        status = "ready" if fresh else "running" if progress else "pending"
        if cached is not None and cached.run_id and (fresh or running):
            # while a sync runs, the count its run started from (a count over 10,000 applications costs ~0.2 s
            # of the database's CPU per read, taken from the sync the recruiter waits for)
            applicants = cached.applicants
        if applicants is None:
            applicants = await Application.get_pymongo_collection().count_documents({"job_id": str(job.id)})
        return {"job_id": str(job.id), "status": status, "computed_at": cached.computed_at if cached else None,
                "applicants": applicants, "weights": cached.weights if cached and cached.weights
                else dataclasses.asdict(self.weights), "items": view,
                "unscored": cached.unscored if cached else [], "total": total, "page": page, "limit": limit,
                "pages": page_count(total, limit), "sort": sort, "progress": progress}

    @staticmethod
    async def _page_entries(job_id: str, run_id: str, histograms: dict[str, dict[str, int]], sort: str,
                            page: int, limit: int) -> list[dict[str, Any]]:
        """The page's entries: one indexed range query on the sort field, sorted here (a page and its ties)."""
        name, descending = SORTS[sort]
        if set(histograms.get(name, {})) <= {histogram.NONE_BIN}:
            name, descending = "total", True  # no entry has the component: its order is the rank's
        skip = offset(page, limit)
        found = histogram.window(histograms.get(name, {}), skip, limit, descending)
        if found is None:
            return []
        path = "total" if name == "total" else f"breakdown.{name}"
        base = {"job_id": job_id, "run_id": run_id}
        projection = {"_id": 0, "job_id": 0, "run_id": 0}
        collection = RankingEntry.get_pymongo_collection()
        entries = []
        if found.low is not None:
            entries += await collection.find({**base, path: {"$gte": found.low, "$lt": found.high}}, projection).to_list()
        if found.with_none:
            entries += await collection.find({**base, path: None}, projection).to_list()
        entries.sort(key=lambda e: (-e["total"], e["application_id"]))  # best first, ties by application
        if name == "total" and not descending:
            entries.reverse()
        elif name != "total":
            entries.sort(key=lambda e: (e["breakdown"].get(name) is None, -(e["breakdown"].get(name) or 0.0)))
        start = skip - found.before
        return entries[start:start + limit]

    async def _details(self, job: Job, entries: list[dict[str, Any]],
                       applications: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        """Reasons, skills and flags of one page of entries, scored again from the prepared profiles (the
        same numbers the run stored; a page is at most a few hundred applicants): those kept in memory while
        their application (read just before) is unmarked since, the others read."""
        if not entries:
            return {}
        profiles: dict[str, Any] = {}
        for entry in entries:
            application = applications.get(entry["application_id"])
            if application is not None and application.get("resume_id") == entry["resume_id"]:
                kept = self._unchanged_profile(application)
                if kept is not None:
                    profiles[entry["resume_id"]] = kept
        ids = [ObjectId(e["resume_id"]) for e in entries if is_oid(e["resume_id"]) and e["resume_id"] not in profiles]
        if ids:
            profiles.update({str(r["_id"]): r.get("profile") async for r in Resume.get_pymongo_collection().find(
                {"_id": {"$in": ids}}, {"profile": 1})})
        items = [(e["application_id"], profile, e.get("interview_score")) for e in entries
                 if (profile := profiles.get(e["resume_id"]))]
        context = await asyncio.to_thread(self._context, job)
        scored = await asyncio.to_thread(score_profiles, context, items, self.weights)
        return {str(item.key): item.view() for item in scored}

    async def ranked_pool(self, job: Job) -> list[dict[str, Any]]:
        """Every ranked applicant of the current run (brought up to date in this request), best first."""
        cached, _ = await self._result("job", str(job.id))
        deadline = time.monotonic() + POOL_WAIT_SECONDS
        while not self._is_current(job, cached, await self._job_interviews(str(job.id))) \
                and time.monotonic() < deadline:
            cached = await self.rank_job(str(job.id))  # returns at once while another sync holds the lease
            if cached is None:
                return []
            if cached.progress is not None:
                await asyncio.sleep(0.2)
        if cached is None or cached.run_id is None:
            return []
        entries = await RankingEntry.get_pymongo_collection().find(
            {"job_id": str(job.id), "run_id": cached.run_id},
            {"_id": 0, "application_id": 1, "candidate_id": 1, "total": 1}).to_list()
        entries.sort(key=lambda e: (-e["total"], e["application_id"]))
        return [{**e, "rank": histogram.rank_and_percentile(cached.histograms["total"], e["total"])[0]}
                for e in entries]

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
