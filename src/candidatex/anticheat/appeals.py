"""Evidence and appeal: after the session the candidate sees every flag (time, rule, evidence, snapshot) and
may contest it with a comment; the session's reviewer (its recruiter) or an admin upholds or dismisses the
contest, and the decision is audited. Dismissed flags leave the risk score.

A *flag* is a strike entry of the session's anti-cheat log, named by its index in the log. Contests and
decisions live beside the log (``flag_reviews`` on the session), never in it: the log stays as written and
its chain and checkpoints keep verifying.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from candidatex.anticheat.kinds import StrikeKind, rule
from candidatex.core.errors import Conflict, NotFound
from candidatex.core.timeutil import utcnow
from candidatex.interviews import store as session_store
from candidatex.interviews.models import InterviewSession, SessionStatus

OUTCOMES = ("upheld", "dismissed")
_KINDS = {str(kind) for kind in StrikeKind}


def is_flag(entry: Mapping[str, Any]) -> bool:
    return str(entry.get("event")) in _KINDS and "strike" in (entry.get("details") or {})


def dismissed_indices(reviews: Sequence[Mapping[str, Any]]) -> set[int]:
    return {int(r["index"]) for r in reviews if (r.get("decision") or {}).get("outcome") == "dismissed"}


def flags_of(session: InterviewSession) -> list[dict[str, Any]]:
    """Every flag of the session with its evidence and the state of its contest."""
    reviews = {int(r["index"]): r for r in session.flag_reviews}
    flags = []
    for index, entry in enumerate(session.anti_cheat_log):
        if not is_flag(entry):
            continue
        details = entry.get("details") or {}
        kind = str(entry["event"])
        kind_rule = rule(kind)
        review = reviews.get(index) or {}
        decision = review.get("decision")
        flags.append({
            "index": index, "kind": kind, "at": entry.get("timestamp"), "source": details.get("source"),
            "rule": kind_rule.warning if kind_rule else kind, "strike": details.get("strike"),
            "threshold": details.get("threshold"), "evidence": details.get("evidence") or {},
            "has_snapshot": details.get("snapshot") is not None,
            "appeal": review.get("appeal"), "decision": decision,
            "status": decision["outcome"] if decision else ("contested" if review else "open"),
        })
    return flags


def _flag_entry(session: InterviewSession, index: int) -> Mapping[str, Any]:
    if not 0 <= index < len(session.anti_cheat_log) or not is_flag(session.anti_cheat_log[index]):
        raise NotFound("There is no flag with that index in this interview")
    return session.anti_cheat_log[index]


async def contest(session: InterviewSession, index: int, comment: str, candidate_id: str) -> dict[str, Any]:
    """The candidate contests one flag of their ended interview, once."""
    if session.status not in (SessionStatus.completed, SessionStatus.terminated):
        raise Conflict("Flags can be contested once the interview has ended", code="session_not_ended")
    _flag_entry(session, index)
    appeal = {"comment": comment, "at": utcnow(), "by": candidate_id}
    if not await session_store.add_flag_appeal(str(session.id), index, appeal):
        raise Conflict("This flag has already been contested", code="already_contested")
    return appeal


async def decide(session: InterviewSession, index: int, outcome: str, note: str, reviewer_id: str) -> dict[str, Any]:
    """The session's reviewer or an admin upholds or dismisses a contested flag, once."""
    _flag_entry(session, index)
    if outcome not in OUTCOMES:
        raise ValueError(outcome)
    decision = {"outcome": outcome, "note": note, "by": reviewer_id, "at": utcnow()}
    if not await session_store.decide_flag_appeal(str(session.id), index, decision):
        if not any(int(r["index"]) == index for r in session.flag_reviews):
            raise Conflict("Only a contested flag is decided", code="not_contested")
        raise Conflict("This contest has already been decided", code="already_decided")
    return decision
