"""What the résumé domain tells the others, after the change is stored (matching subscribes: background.py).

Résumés sit below jobs and matching and import neither: a parsed or deleted résumé is announced, not pushed into
the rankings it feeds.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ResumeChanged:
    """Parsed again (read or failed): every ranking it was sent to is stale."""

    resume_id: str
    owner_id: str
    applied_job_ids: tuple[str, ...]
    readable: bool  # processed; False: the parse failed, so there is nothing new to score


@dataclass(frozen=True, slots=True)
class ResumeDeleted:
    resume_id: str
    owner_id: str
    applied_job_ids: tuple[str, ...]


ResumeEvent = ResumeChanged | ResumeDeleted
PublishResumeEvent = Callable[[ResumeEvent], Awaitable[None]]
