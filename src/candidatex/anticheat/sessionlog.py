"""The session's anti-cheat store: its settings, the chained conditional append, seal, verify, and strike outcomes.

Every entry goes to ``InterviewSession.anti_cheat_log`` with its ``sequence_hash``. The append is a conditional
update on the log's length and last hash, so two writers (two API workers, or the media worker and an API worker)
can never fork the chain: the loser re-reads the tail and tries again. A per-session asyncio lock keeps writers of
one process from racing at all. Every strike emits a ``warning`` event; the policy's threshold terminates.
"""

from __future__ import annotations

import asyncio
import logging
import random
import weakref
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from bson import ObjectId
from prometheus_client import Counter

from candidatex.anticheat.integrity import IntegrityKeys, LogVerification, verify_session_log
from candidatex.anticheat.models import AntiCheatSnapshot
from candidatex.anticheat.policy import POLICY_TERMINATE, StrikeDecision, parse_thresholds
from candidatex.anticheat.service import AntiCheatSession
from candidatex.config import Settings
from candidatex.core.errors import Conflict, NotFound, Unavailable
from candidatex.core.timeutil import utcnow
from candidatex.interviews import store as session_store
from candidatex.interviews.models import SessionStatus

if TYPE_CHECKING:
    from candidatex.interviews.events import EventBus
    from candidatex.interviews.service import InterviewService

logger = logging.getLogger(__name__)
T = TypeVar("T")

RUNNING = (SessionStatus.active.value, SessionStatus.paused.value)
ENDED = (SessionStatus.completed.value, SessionStatus.terminated.value)
MAX_LOG_ENTRIES = 20_000  # ~ a few MB: far below MongoDB's 16 MB document limit
MAX_APPEND_ATTEMPTS = 50

STRIKES = Counter("candidatex_anticheat_strikes", "Strikes recorded", ["kind", "source"])
TERMINATIONS = Counter("candidatex_anticheat_terminations", "Sessions terminated by the anti-cheat policy", ["kind"])


@dataclass(slots=True)
class AntiCheatContext:
    """What every part of the coordinator shares: the services it calls, the settings and the tasks it spawned.
    One object, so a setting swapped on the facade (tests do, on the running app) reaches every part."""

    interviews: InterviewService
    bus: EventBus
    settings: Settings
    thresholds: dict[str, int] = field(init=False)
    ignored_strikes: frozenset[str] = field(init=False)
    vision_enabled: bool = field(init=False)
    consent_required: bool = field(init=False)
    keys: IntegrityKeys = field(init=False)
    grace_ms: int = field(init=False)
    tab_live_ms: int = field(init=False)
    tasks: set[asyncio.Task[Any]] = field(default_factory=set)

    def __post_init__(self) -> None:
        settings = self.settings
        self.thresholds = parse_thresholds(settings.anti_cheat_threshold)  # a bad setting fails start-up
        self.ignored_strikes = frozenset() if settings.tab_switch_detection else frozenset({"tab_switch"})
        self.vision_enabled = settings.face_detection_enabled
        self.consent_required = settings.anti_cheat_consent_required
        self.keys = IntegrityKeys.from_settings(settings.secret_key, settings.integrity_key)
        # another tab heard within this long is still open: a new tab then is a second tab, not a reload
        self.grace_ms = int(settings.anti_cheat_fullscreen_grace_seconds * 1000)
        self.tab_live_ms = int(max(settings.anti_cheat_heartbeat_timeout_seconds, 3 * 5) * 1000)

    def spawn(self, coro: Coroutine[Any, Any, Any], name: str) -> None:
        task = asyncio.get_running_loop().create_task(coro, name=name)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)


class SessionLog:
    """The anti-cheat log of every session: appended under a lock and a condition, sealed, verified."""

    def __init__(self, ctx: AntiCheatContext) -> None:
        self.ctx = ctx
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()

    def lock(self, session_id: str) -> asyncio.Lock:
        lock = self._locks.get(session_id)
        if lock is None:
            lock = self._locks[session_id] = asyncio.Lock()
        return lock

    async def append(self, session_id: str, work: Callable[[AntiCheatSession], T], *,
                     allow_ended: bool = False) -> tuple[T, AntiCheatSession, dict[str, Any]]:
        """Run ``work`` on the session's anti-cheat state and store the entries it appended, atomically."""
        if not ObjectId.is_valid(session_id):
            raise NotFound("Interview session not found")
        ctx = self.ctx
        async with self.lock(session_id):
            for attempt in range(MAX_APPEND_ATTEMPTS):
                if attempt:  # another writer won the last round: a random pause breaks lock-step retries
                    await asyncio.sleep(random.uniform(0, 0.002 * min(attempt, 25)))  # noqa: S311 - retry jitter
                tail = await session_store.integrity_tail(session_id)
                if tail is None:
                    raise NotFound("Interview session not found")
                if not allow_ended and tail.get("status") not in RUNNING:
                    raise Conflict(f"The interview is not running (status: {tail.get('status')}); "
                                   "signals are taken while it is active or paused", code="session_not_running")
                key = tail.get("anti_cheat_key")
                if not key:
                    raise Conflict("The interview has no anti-cheat key; start it first", code="session_not_running")
                n = tail["n"]
                if n >= MAX_LOG_ENTRIES:
                    raise Conflict("The anti-cheat log of this interview is full", code="anti_cheat_log_full")
                last = list(tail.get("last") or [])
                state = AntiCheatSession(session_id, key.encode(), thresholds=ctx.thresholds, log=list(last),
                                 counts=tail.get("strike_counts") or {}, last_seq=tail.get("signal_last_seq") or 0,
                                 ignored_strikes=ctx.ignored_strikes, chain_key=ctx.keys.chain_key(session_id),
                                 policy_mode=tail.get("anti_cheat_policy") or POLICY_TERMINATE,
                                 tabs=tail.get("signal_tabs") or {}, tab_live_ms=ctx.tab_live_ms,
                                 fullscreen_grace_ms=ctx.grace_ms)
                result = work(state)
                new_entries = state.log[len(last):]
                if not new_entries:
                    return result, state, tail
                if await session_store.append_integrity_entries(
                        session_id, new_entries, expected_length=n,
                        last_hash=last[-1].get("sequence_hash") if last else None,
                        strike_counts=state.policy.counts, signal_last_seq=state.verifier.last_seq,
                        signal_tabs=state.verifier.tabs, require_running=not allow_ended):
                    return result, state, tail
                # another writer appended (or the session ended) in between: read the new tail and redo
            raise Unavailable("The anti-cheat log is busy; try again", code="anti_cheat_busy")

    async def after_strikes(self, session_id: str, decisions: list[tuple[StrikeDecision, str]]) -> str | None:
        """Warn for each strike; terminate at the first one that reaches its threshold. Returns the reason."""
        for decision, source in decisions:
            STRIKES.labels(decision.kind, source).inc()
            await self.ctx.bus.emit(session_id, "warning", {
                "kind": decision.kind, "message": decision.message, "count": decision.count,
                "threshold": decision.threshold, "terminate": decision.terminate, "source": source,
                "remaining": decision.remaining, "flagged_for_review": decision.flagged})
        for decision, _ in decisions:
            if decision.terminate:
                reason = f"anti_cheat:{decision.kind}"
                TERMINATIONS.labels(decision.kind).inc()
                logger.info("anti-cheat terminated an interview",
                            extra={"session_id": session_id, "kind": decision.kind, "count": decision.count})
                await self.ctx.interviews.terminate(session_id, reason)  # SessionEnded retires the monitor
                return reason
        return None

    async def flag(self, session_id: str, kind: str, evidence: dict[str, Any]) -> None:
        """A server-side finding (threshold 0 kinds): logged and warned; dropped when the session is not running."""
        now = utcnow()
        try:
            outcome, _, _ = await self.append(session_id, lambda state: state.server_strike(kind, now, evidence))
        except (Conflict, Unavailable, NotFound):
            return
        if outcome.decision is not None:
            await self.after_strikes(session_id, [(outcome.decision, "server")])

    async def seal(self, session_id: str) -> dict[str, Any] | None:
        """Sign (session, length, head) of the log as it stands and store the checkpoint with the session."""
        async with self.lock(session_id):
            record = await session_store.integrity_record(session_id)
            if record is None:
                return None
            checkpoint = self.ctx.keys.sign_checkpoint(session_id, record.get("anti_cheat_log") or [], utcnow())
            await session_store.add_integrity_checkpoint(session_id, checkpoint)
        return checkpoint

    async def verify(self, session_id: str, presented: list[dict[str, Any]] | None = None) -> LogVerification:
        """Verify a session's log with its stored checkpoints and any a candidate or recruiter presents."""
        record = await session_store.integrity_record(session_id)
        if record is None:
            raise NotFound("Interview session not found")
        if record.get("anti_cheat_purged_at"):
            purged_on = record["anti_cheat_purged_at"].date().isoformat()
            return LogVerification(valid=False, checked=0, problems=[
                f"the anti-cheat log was deleted on {purged_on} after the retention period "
                f"({self.ctx.settings.anti_cheat_retention_days} days): there is nothing left to verify"])
        checkpoints = [*(record.get("integrity_checkpoints") or []), *(presented or [])]
        return verify_session_log(self.ctx.keys, session_id, record.get("anti_cheat_log") or [],
                                  stored_counts=record.get("strike_counts") or {},
                                  ended=record.get("status") in ENDED, checkpoints=checkpoints)

    async def snapshot(self, session_id: str, snapshot_id: str) -> AntiCheatSnapshot:
        snapshot = await AntiCheatSnapshot.get(snapshot_id) if ObjectId.is_valid(snapshot_id) else None
        if snapshot is None or snapshot.session_id != session_id:
            raise NotFound("Snapshot not found")
        return snapshot
