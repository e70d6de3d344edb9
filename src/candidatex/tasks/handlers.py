"""The domain services background tasks need, and the task name -> handler table (app and worker share it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from candidatex.audit.service import AuditService
from candidatex.config import Settings
from candidatex.embeddings import get_embedder
from candidatex.jobs.service import JobService
from candidatex.matching.weights import MatchWeights
from candidatex.matching.service import MatchingService
from candidatex.resumes.service import ResumeService
from candidatex.tasks.queue import Handlers, InProcessQueue, RedisQueue, TaskQueue


@dataclass
class Domain:
    resumes: ResumeService
    jobs: JobService
    matching: MatchingService


def match_weights(settings: Settings) -> MatchWeights:
    return MatchWeights(skills=settings.match_weight_skills, experience=settings.match_weight_experience,
                        education=settings.match_weight_education,
                        text_similarity=settings.match_weight_text_similarity,
                        career_consistency=settings.match_weight_career_consistency,
                        interview=settings.match_weight_interview)


def build_queue(settings: Settings, redis: Any) -> TaskQueue:
    if redis is not None:
        return RedisQueue(redis)
    return InProcessQueue(concurrency=settings.task_concurrency)


def build_domain(settings: Settings, database: Any, queue: TaskQueue, audit: AuditService) -> Domain:
    embedder = get_embedder(settings)  # loads on first use
    return Domain(resumes=ResumeService(database.db, queue, audit, embedder=embedder), jobs=JobService(queue, audit),
                  matching=MatchingService(queue, match_weights(settings), embedder))


def task_handlers(domain: Domain) -> Handlers:
    async def parse_resume(payload: dict[str, Any]) -> None:
        await domain.resumes.process(str(payload["resume_id"]))

    async def rank_job(payload: dict[str, Any]) -> None:
        await domain.matching.rank_job(str(payload["job_id"]))

    async def recommend(payload: dict[str, Any]) -> None:
        await domain.matching.recommend_for(str(payload["candidate_id"]), payload.get("resume_id"))

    return {"resume.parse": parse_resume, "match.job": rank_job, "match.candidate": recommend}
