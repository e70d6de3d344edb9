"""The proctoring notice, the candidate's agreement to it, and how long proctoring data is kept.

The notice's text is data (``notice.json``); its ``version`` is what a consent names, so a changed text needs
a new agreement. The agreement is stored on the session (``proctoring_consent``: who, when, which version,
with the retention that was shown) before the precheck; with ``ANTI_CHEAT_CONSENT_REQUIRED`` the precheck is
refused without it. Retention: the log and snapshots of sessions that ended more than
``ANTI_CHEAT_RETENTION_DAYS`` ago are purged by :func:`purge_expired` (the coordinator runs it hourly).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from candidatex.anticheat.models import AntiCheatSnapshot
from candidatex.core.errors import Conflict
from candidatex.core.timeutil import utcnow
from candidatex.interviews import store as session_store
from candidatex.interviews.models import InterviewSession, SessionStatus

BEFORE_PRECHECK = (SessionStatus.setup, SessionStatus.precheck)


@cache
def _notice_data() -> dict[str, Any]:
    return json.loads((Path(__file__).with_name("notice.json")).read_text(encoding="utf-8"))


def current_version() -> str:
    return str(_notice_data()["version"])


def notice(retention_days: int) -> dict[str, Any]:
    """The notice as the candidate reads it, with the configured retention period written in."""
    data = _notice_data()
    retention = (data["retention"].format(retention_days=retention_days) if retention_days > 0
                 else data["retention_forever"])
    return {"version": data["version"], "title": data["title"], "monitored": list(data["monitored"]),
            "kept": data["kept"], "who_sees": data["who_sees"], "retention": retention,
            "retention_days": retention_days}


async def record_consent(session: InterviewSession, user_id: str, notice_version: str,
                         retention_days: int) -> dict[str, Any]:
    """Store the candidate's agreement to the current notice, before the precheck (conditional on the status)."""
    current = current_version()
    if notice_version != current:
        raise Conflict(f"The proctoring notice changed (now version {current}); read it again",
                       code="notice_outdated")
    assert session.id is not None  # a stored session
    record = {"user_id": user_id, "at": utcnow(), "notice_version": current, "retention_days": retention_days}
    if await session_store.transition(session.id, BEFORE_PRECHECK, None, {"proctoring_consent": record}) is None:
        raise Conflict("Consent is given before the interview starts", code="invalid_transition")
    return record


def check_consent(session: InterviewSession, before: str = "the system check") -> None:
    """The precheck's (and a live interview's start) gate: the candidate agreed to the current notice."""
    consent = session.proctoring_consent
    if not consent or consent.get("notice_version") != current_version():
        raise Conflict(f"Read and agree to the proctoring notice before {before}", code="consent_required")


async def purge_expired(retention_days: int, now: datetime | None = None) -> list[str]:
    """Empty the anti-cheat log and delete the snapshots of every session that ended before the retention
    cut-off. Returns the purged session ids. ``retention_days <= 0`` keeps everything."""
    if retention_days <= 0:
        return []
    cutoff = (now or utcnow()) - timedelta(days=retention_days)
    purged = await session_store.purge_anti_cheat(cutoff)
    if purged:
        await AntiCheatSnapshot.find({"session_id": {"$in": purged}}).delete()
    return purged
