"""Matching's side of the hiring events: a parsed or deleted résumé, an edited job or a new application marks the
rankings it feeds stale and schedules their re-ranking (a task per job or candidate, de-duplicated by its key: ten
edits, one re-ranking). Résumés and jobs publish these; they never import matching (background.build_domain wires
`RerankOnChange.follow`)."""

from __future__ import annotations

from typing import Any

from candidatex.core.bus import TypedBus
from candidatex.jobs.events import ApplicationReceived, JobUpdated
from candidatex.jobs.models import Application
from candidatex.matching.models import bump_ranking_inputs
from candidatex.resumes.events import ResumeChanged, ResumeDeleted
from candidatex.tasks.queue import TaskQueue


class RerankOnChange:
    def __init__(self, queue: TaskQueue) -> None:
        self.queue = queue

    def follow(self, bus: TypedBus[Any]) -> None:
        bus.subscribe(ResumeChanged, self.resume_changed)
        bus.subscribe(ResumeDeleted, self.resume_deleted)
        bus.subscribe(JobUpdated, self.job_changed)
        bus.subscribe(ApplicationReceived, self.job_changed)

    async def resume_changed(self, event: ResumeChanged) -> None:
        """Its applications are scored again by the next sync; a failed parse has nothing new to score."""
        await bump_ranking_inputs(list(event.applied_job_ids), applications={"resume_id": event.resume_id})
        if event.readable:
            await self._rerank_jobs_of(event.resume_id)
            await self._recommend(event.owner_id, event.resume_id)

    async def resume_deleted(self, event: ResumeDeleted) -> None:
        await bump_ranking_inputs(list(event.applied_job_ids), applications={"resume_id": event.resume_id})
        await self._rerank_jobs_of(event.resume_id)
        await self._recommend(event.owner_id, None)

    async def job_changed(self, event: JobUpdated | ApplicationReceived) -> None:
        await bump_ranking_inputs([event.job_id])
        await self._rerank(event.job_id)

    async def _rerank(self, job_id: str) -> None:
        await self.queue.enqueue("match.job", {"job_id": job_id}, key=f"match.job:{job_id}")

    async def _rerank_jobs_of(self, resume_id: str) -> None:
        async for application in Application.find({"resume_id": resume_id}):
            await self._rerank(application.job_id)

    async def _recommend(self, candidate_id: str, resume_id: str | None) -> None:
        payload = {"candidate_id": candidate_id} if resume_id is None else {"candidate_id": candidate_id,
                                                                            "resume_id": resume_id}
        await self.queue.enqueue("match.candidate", payload, key=f"match.candidate:{candidate_id}")
