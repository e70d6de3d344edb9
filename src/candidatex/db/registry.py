"""Every Beanie document the app stores; Beanie creates their indexes at start-up."""

from __future__ import annotations

from typing import Any

from beanie import Document
from pymongo.errors import OperationFailure

INDEX_NOT_FOUND = 27  # server error code: dropped by another worker meanwhile


def document_models() -> list[type[Document]]:
    from candidatex.anticheat.models import AntiCheatSnapshot
    from candidatex.audit.models import AuditLog
    from candidatex.auth.models import ActionToken, LoginThrottle, RefreshTokenFamily
    from candidatex.core.mailer import OutboxEmail
    from candidatex.interviews.models import InterviewSession, SessionEvent
    from candidatex.jobs.models import Application, Job
    from candidatex.matching.models import Demographics, MatchResult, RankingEntry
    from candidatex.resumes.models import Resume
    from candidatex.screening.models import Screening
    from candidatex.users.models import User

    return [User, AuditLog, RefreshTokenFamily, ActionToken, OutboxEmail, InterviewSession, SessionEvent,
            Resume, Job, Application, MatchResult, RankingEntry, Demographics, AntiCheatSnapshot, LoginThrottle,
            Screening]


async def drop_retired_indexes(database: Any, models: list[type[Document]]) -> list[str]:
    """Beanie creates the indexes a model declares but never drops one it stopped declaring, and every write
    keeps maintaining it: each model names the ones it retired (`retired_indexes`, index names), dropped here
    at start-up when present. Returns the names dropped; idempotent (another worker may drop them first)."""
    dropped = []
    for model in models:
        retired = set(getattr(model, "retired_indexes", ()))
        if not retired:
            continue
        collection = database[model.Settings.name]  # as declared (Beanie reads it so)
        present = {index["name"] async for index in await collection.list_indexes()}
        for name in sorted(retired & present):
            try:
                await collection.drop_index(name)
            except OperationFailure as error:
                if error.code != INDEX_NOT_FOUND:
                    raise
            dropped.append(f"{collection.name}.{name}")
    return dropped
