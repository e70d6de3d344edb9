"""Every Beanie document the app stores; Beanie creates their indexes at start-up."""

from __future__ import annotations

from beanie import Document


def document_models() -> list[type[Document]]:
    from candidatex.anticheat.models import AntiCheatSnapshot
    from candidatex.audit.models import AuditLog
    from candidatex.auth.models import ActionToken, LoginThrottle, RefreshTokenFamily
    from candidatex.core.mailer import OutboxEmail
    from candidatex.interviews.models import InterviewListing, InterviewSession, SessionEvent
    from candidatex.jobs.models import Application, Job
    from candidatex.matching.models import Demographics, MatchResult, RankingEntry
    from candidatex.resumes.models import Resume
    from candidatex.screening.models import Screening
    from candidatex.users.models import User

    return [User, AuditLog, RefreshTokenFamily, ActionToken, OutboxEmail, InterviewSession, InterviewListing,
            SessionEvent, Resume, Job, Application, MatchResult, RankingEntry, Demographics, AntiCheatSnapshot, LoginThrottle,
            Screening]
