"""What the jobs domain tells the others, after the change is stored (matching subscribes: background.py).

Jobs sit below matching and do not import it: an edit or a new application is announced, and matching marks the
job's ranking stale and schedules its re-ranking.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class JobUpdated:
    """The recruiter saved the job (its requirements may have changed)."""

    job_id: str


@dataclass(frozen=True, slots=True)
class ApplicationReceived:
    job_id: str
    application_id: str
    resume_id: str


JobEvent = JobUpdated | ApplicationReceived
PublishJobEvent = Callable[[JobEvent], Awaitable[None]]
