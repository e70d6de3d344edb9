"""The domain services background tasks need, the task name -> handler table and the periodic tasks.

The app and `candidatex worker` share them. It sits above every domain, so tasks/ (the queue) stays below them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

from candidatex.audit.service import AuditService
from candidatex.config import Settings
from candidatex.core.bus import TypedBus
from candidatex.core.mailer import Mailer
from candidatex.embeddings import get_embedder
from candidatex.jobs.events import JobEvent
from candidatex.jobs.service import JobService
from candidatex.matching.profile import build_profile
from candidatex.matching.reactions import RerankOnChange
from candidatex.matching.service import MatchingService
from candidatex.matching.weights import MatchWeights
from candidatex.resumes.events import ResumeChanged, ResumeDeleted, ResumeEvent
from candidatex.resumes.service import ResumeService
from candidatex.screening.service import ScreeningService
from candidatex.tasks.queue import Handlers, TaskOptions, TaskQueue, memory_queue, redis_queue

HiringBus = TypedBus[ResumeEvent | JobEvent]


@dataclass
class Domain:
    resumes: ResumeService
    jobs: JobService
    matching: MatchingService
    screening: ScreeningService
    events: HiringBus  # résumés and jobs publish; matching subscribes (RerankOnChange)


def match_weights(settings: Settings) -> MatchWeights:
    return MatchWeights(skills=settings.match_weight_skills, experience=settings.match_weight_experience,
                        education=settings.match_weight_education,
                        text_similarity=settings.match_weight_text_similarity,
                        career_consistency=settings.match_weight_career_consistency,
                        interview=settings.match_weight_interview)


# per task: attempts and the longest an attempt may take (ranking reads every application of a job)
TASK_OPTIONS = {"resume.parse": TaskOptions(timeout=300), "match.job": TaskOptions(timeout=900),
                "match.candidate": TaskOptions(timeout=300)}


def _every(seconds: float) -> str:
    """A six-field cron expression (the last field is seconds) that fires every `seconds`, rounded to a divisor."""
    if seconds < 60:
        return f"* * * * * */{max(1, round(seconds))}"
    return f"*/{max(1, min(59, round(seconds / 60)))} * * * * 0"


def scheduled_tasks(settings: Settings) -> dict[str, str]:
    """The periodic tasks, run once per tick however many workers there are (SAQ cron jobs)."""
    return {"screening.remind": _every(settings.screening_reminder_check_seconds)}


def build_queue(settings: Settings, redis: Any) -> TaskQueue:
    if redis is not None:
        return redis_queue(redis, settings.task_concurrency, TASK_OPTIONS)
    return memory_queue(settings.task_concurrency, TASK_OPTIONS)


def build_domain(settings: Settings, database: Any, queue: TaskQueue, audit: AuditService) -> Domain:
    """The hiring floors, lowest first: résumés <- jobs <- matching. A lower one imports no higher one: it gets
    what it needs from above as a callable (the profile builder, the applications) and announces its changes
    on the hiring bus, which matching follows. The app and the worker both build it here."""
    embedder = get_embedder(settings)  # loads on first use
    events: HiringBus = TypedBus("hiring")
    jobs = JobService(audit, events.publish)
    resumes = ResumeService(database.db, queue, audit, applications=jobs, publish=events.publish,
                            build_profile=partial(build_profile, embedder=embedder))
    RerankOnChange(queue).follow(events)
    screening = ScreeningService(jobs, Mailer(settings), audit, public_url=settings.public_url,
                                 advance_score=settings.screening_advance_score,
                                 reminder_hours=settings.screening_reminder_hours,
                                 retention_days=settings.screening_retention_days, database=database.db)
    matching = MatchingService(queue, match_weights(settings), embedder)
    events.subscribe(ResumeChanged, matching.resume_changed)  # its kept profile is forgotten in this process
    events.subscribe(ResumeDeleted, matching.resume_changed)
    return Domain(resumes=resumes, jobs=jobs, matching=matching,
                  screening=screening, events=events)


def task_handlers(domain: Domain) -> Handlers:
    async def parse_resume(payload: dict[str, Any]) -> None:
        await domain.resumes.process(str(payload["resume_id"]))

    async def rank_job(payload: dict[str, Any]) -> None:
        await domain.matching.rank_job(str(payload["job_id"]))

    async def recommend(payload: dict[str, Any]) -> None:
        await domain.matching.recommend_for(str(payload["candidate_id"]), payload.get("resume_id"))

    async def screening_reminders(payload: dict[str, Any]) -> None:
        await domain.screening.send_due_reminders()

    return {"resume.parse": parse_resume, "match.job": rank_job, "match.candidate": recommend,
            "screening.remind": screening_reminders}
