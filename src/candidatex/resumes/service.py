"""Resumes: upload to GridFS, background parsing, access rules, ATS analysis, deletion."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import re
from collections.abc import Callable
from datetime import date
from typing import Any, Protocol

from gridfs import AsyncGridFSBucket
from gridfs.errors import NoFile

from candidatex.audit.service import AuditService, RequestMeta
from candidatex.core.errors import AppError, Conflict, Forbidden, NotFound
from candidatex.core.pagination import paginate
from candidatex.core.schemas import is_object_id
from candidatex.core.timeutil import utcnow
from candidatex.resumes.ats import AtsReport, ats_analysis
from candidatex.resumes.events import PublishResumeEvent, ResumeChanged, ResumeDeleted
from candidatex.resumes.files import MEDIA_TYPES, DocumentError, UploadLimits, sniff_document
from candidatex.resumes.models import Resume, ResumeStatus
from candidatex.resumes.parsing import Contact, Education, ParsedResume, Position, read_resume
from candidatex.resumes.taxonomy import keywords
from candidatex.tasks.queue import TaskQueue
from candidatex.users.models import Role, User

# the prepared profile a ranking scores (matching.profile.build_profile with the shared embedder), built while
# the document is parsed so a slow or failing build fails the upload like a slow or failing parse
ProfileBuilder = Callable[[str, ParsedResume], dict[str, Any]]


class TargetJob(Protocol):
    """The fields of a job an ATS analysis compares a résumé with."""

    title: str
    description: str
    required_skills: list[str]
    preferred_skills: list[str]


class Applications(Protocol):
    """What résumés ask the applications about (jobs/ answers; the composition root passes the job service)."""

    async def recruiter_sees_resume(self, resume_id: str, recruiter_id: str) -> bool: ...

    async def latest_applied_job(self, candidate_id: str) -> str | None: ...

    async def get_visible(self, user: User, job_id: str) -> TargetJob: ...

# the target of an analysis asked for without a job: the resume alone (structure, contact, skills found)
GENERAL_CHECK_TITLE = "General ATS check"
logger = logging.getLogger(__name__)

MAX_RESUMES_PER_USER = 20
PARSE_TIMEOUT_SECONDS = 30  # a document that takes longer is failed with a reason, never left pending
_STATUS_OF_CODE = {"too_large": 413, "unsupported_type": 415, "empty": 422, "corrupt": 422, "zip_bomb": 422,
                   "password_protected": 422}


def document_error(error: DocumentError) -> AppError:
    return AppError(error.message, code=error.code, status_code=_STATUS_OF_CODE.get(error.code, 422))


def safe_filename(name: str | None) -> str:
    base = re.split(r"[\\/]", name or "")[-1]
    base = re.sub(r"[\x00-\x1f\x7f\"]", "", base).strip() or "resume"
    return base[:200]


# ---- ParsedResume <-> stored dict (dates become ISO strings: BSON has no date-only type) -------------------

def parsed_to_doc(parsed: ParsedResume) -> dict[str, Any]:
    doc = dataclasses.asdict(parsed)
    for position in doc["positions"]:
        for key in ("start", "end"):
            position[key] = position[key].isoformat() if position[key] else None
    doc["highest_degree"] = parsed.highest_degree
    return doc


def parsed_from_doc(doc: dict[str, Any]) -> ParsedResume:
    def day(value: str | None) -> date | None:
        return date.fromisoformat(value) if value else None

    return ParsedResume(
        skills=list(doc.get("skills", [])),
        skill_evidence=dict(doc.get("skill_evidence", {})),
        years_experience=doc.get("years_experience"),
        education=[Education(**e) for e in doc.get("education", [])],
        contact=Contact(**doc.get("contact", {})),
        positions=[Position(p.get("title"), p.get("company"), day(p.get("start")), day(p.get("end")),
                            bool(p.get("current")), p.get("line")) for p in doc.get("positions", [])],
        word_count=doc.get("word_count", 0),
        sections=list(doc.get("sections", [])),
        hidden_text=list(doc.get("hidden_text", [])),
    )


class ResumeService:
    def __init__(self, database: Any, queue: TaskQueue, audit: AuditService, *, applications: Applications,
                 publish: PublishResumeEvent, build_profile: ProfileBuilder,
                 limits: UploadLimits = UploadLimits()) -> None:
        self.bucket = AsyncGridFSBucket(database, bucket_name="resumes")
        self.queue = queue
        self.audit = audit
        self.applications = applications
        self.publish = publish  # parsed and deleted résumés, after they are stored: matching re-ranks
        self.build_profile = build_profile
        self.limits = limits

    # ---- upload and parsing -------------------------------------------------------------------------------
    async def upload(self, user: User, filename: str | None, data: bytes, meta: RequestMeta) -> Resume:
        name = safe_filename(filename)
        try:
            kind = await asyncio.to_thread(sniff_document, data, name, self.limits)
        except DocumentError as error:
            raise document_error(error) from error
        # failed uploads do not count against the cap
        if await Resume.find({"owner_id": str(user.id), "status": {"$ne": ResumeStatus.failed.value}}).count() \
                >= MAX_RESUMES_PER_USER:
            raise Conflict(f"You can keep at most {MAX_RESUMES_PER_USER} resumes; delete one first",
                           code="too_many_resumes")
        gridfs_id = await self.bucket.upload_from_stream(name, data, metadata={"owner_id": str(user.id), "kind": kind})
        resume = Resume(owner_id=str(user.id), filename=name, content_type=MEDIA_TYPES[kind], kind=kind,
                        size=len(data), gridfs_id=gridfs_id)
        await resume.insert()
        await self.audit.record("resume.upload", meta=meta, actor_id=str(user.id), target_type="resume",
                                target_id=str(resume.id), details={"kind": kind, "size": len(data)})
        await self.queue.enqueue("resume.parse", {"resume_id": str(resume.id)}, key=f"resume.parse:{resume.id}")
        return resume

    async def process(self, resume_id: str) -> Resume | None:
        """The background task: read the file from GridFS, extract and parse it, store the results."""
        resume = await Resume.get(resume_id) if is_object_id(resume_id) else None
        if resume is None:
            return None  # deleted before it was parsed
        try:
            stream = await self.bucket.open_download_stream(resume.gridfs_id)
            data = await stream.read()
        except NoFile:
            return None
        collection = Resume.get_pymongo_collection()
        try:
            kind, text, parsed = await asyncio.wait_for(
                asyncio.to_thread(read_resume, data, resume.filename, self.limits), PARSE_TIMEOUT_SECONDS)
            parsed_doc = parsed_to_doc(parsed)
            profile = await asyncio.wait_for(
                asyncio.to_thread(self.build_profile, text, parsed), PARSE_TIMEOUT_SECONDS)
            update = {"status": ResumeStatus.processed.value, "error": None, "text": text, "kind": kind,
                      "parsed": parsed_doc, "skills": parsed.skills, "profile": profile,
                      "keywords": await asyncio.to_thread(keywords, text)}
        except DocumentError as error:
            update = {"status": ResumeStatus.failed.value, "error": {"code": error.code, "message": error.message}}
        except TimeoutError:
            update = {"status": ResumeStatus.failed.value,
                      "error": {"code": "timeout", "message": f"reading the document took longer than "
                                                              f"{PARSE_TIMEOUT_SECONDS} s; try a simpler file"}}
        except Exception:  # noqa: BLE001 - whatever breaks, the upload must end failed, not pending
            logger.exception("resume parsing failed", extra={"resume_id": resume_id})
            update = {"status": ResumeStatus.failed.value,
                      "error": {"code": "unreadable", "message": "the document could not be read"}}
        now = utcnow()
        await collection.update_one({"_id": resume.id}, {"$set": {**update, "processed_at": now, "updated_at": now}})
        await self.publish(ResumeChanged(str(resume.id), resume.owner_id, tuple(resume.applied_job_ids),
                                         readable=update["status"] == ResumeStatus.processed.value))
        logger.info("resume parsed", extra={"resume_id": resume_id, "status": update["status"]})
        return await Resume.get(resume.id)

    # ---- access -------------------------------------------------------------------------------------------
    async def _load(self, resume_id: str) -> Resume:
        resume = await Resume.get(resume_id) if is_object_id(resume_id) else None
        if resume is None:
            raise NotFound("Resume not found")
        return resume

    async def can_view(self, user: User, resume: Resume) -> bool:
        if user.role == Role.admin or resume.owner_id == str(user.id):
            return True
        if user.role == Role.recruiter:
            return await self.applications.recruiter_sees_resume(str(resume.id), str(user.id))
        return False

    async def get_for(self, user: User, resume_id: str) -> Resume:
        resume = await self._load(resume_id)
        if not await self.can_view(user, resume):
            raise NotFound("Resume not found")  # other people's resume ids are not confirmed
        return resume

    async def get_own(self, user: User, resume_id: str) -> Resume:
        resume = await self.get_for(user, resume_id)
        if resume.owner_id != str(user.id):
            raise Forbidden("Only the owner of this resume can do this")
        return resume

    async def list_mine(self, user: User, page: int, limit: int) -> tuple[list[Resume], int]:
        return await paginate(Resume.find({"owner_id": str(user.id)}), "-created_at", page, limit)

    async def download(self, user: User, resume_id: str, meta: RequestMeta) -> tuple[Resume, bytes]:
        resume = await self.get_for(user, resume_id)
        try:
            stream = await self.bucket.open_download_stream(resume.gridfs_id)
            data = await stream.read()
        except NoFile as error:
            raise NotFound("The resume file is missing") from error
        if resume.owner_id != str(user.id):
            await self.audit.record("resume.download", meta=meta, actor_id=str(user.id), actor_email=user.email,
                                    target_type="resume", target_id=str(resume.id),
                                    details={"owner_id": resume.owner_id})
        return resume, data

    async def delete(self, user: User, resume_id: str, meta: RequestMeta) -> None:
        resume = await self.get_own(user, resume_id)
        try:
            await self.bucket.delete(resume.gridfs_id)
        except NoFile:
            pass
        await resume.delete()
        await self.audit.record("resume.delete", meta=meta, actor_id=str(user.id), target_type="resume",
                                target_id=str(resume.id))
        await self.publish(ResumeDeleted(str(resume.id), resume.owner_id, tuple(resume.applied_job_ids)))

    # ---- ATS analysis -------------------------------------------------------------------------------------
    async def analyze(self, user: User, resume_id: str, job_id: str | None, job_title: str | None,
                      job_description: str | None) -> tuple[Resume, AtsReport]:
        """The resume with its new ``ats_report`` saved, and that report."""
        resume = await self.get_own(user, resume_id)
        if resume.status != ResumeStatus.processed or resume.parsed is None:
            raise Conflict("The resume has not been processed yet" if resume.status == ResumeStatus.pending
                           else "The resume could not be read; upload another file", code="resume_not_ready")
        required: list[str] = []
        preferred: list[str] = []
        if not job_id and not job_title:  # no target named: the latest application's job, else a general check
            job_id = await self.applications.latest_applied_job(str(user.id))
        if job_id:
            job = await self.applications.get_visible(user, job_id)  # drafts only for their owner: else 404
            job_title, job_description = job.title, job.description
            required, preferred = job.required_skills, job.preferred_skills
        elif not job_title:
            job_title, job_description = GENERAL_CHECK_TITLE, ""
        report = await asyncio.to_thread(ats_analysis, parsed_from_doc(resume.parsed), resume.text or "", job_title,
                                         job_description or "", required, None, preferred, resume.profile)
        resume.ats_report = {**dataclasses.asdict(report), "job_id": job_id, "job_title": job_title,
                             "analyzed_at": utcnow().isoformat()}
        await Resume.get_pymongo_collection().update_one(
            {"_id": resume.id}, {"$set": {"ats_report": resume.ats_report}})
        return resume, report
