"""The app-level anti-cheat: signals and camera frames of every running session -> the session's log.

One :class:`AntiCheatCoordinator` lives in ``app.state.anti_cheat``: a facade over the parts that do the work,

* ``sessionlog`` - the shared context and the session's log: the chained, conditional append, seal, verify, and
  what a strike does (a ``warning`` event; termination when the policy says so);
* ``ingest``     - signed browser signals (REST and the interview stream socket) and the page's heartbeats;
* ``watch``      - the vision watch: one :class:`VisionMonitor` per running session, the media hub's video consumer;
* ``judge``      - the precheck's verdict and a live interview's start;

and the retention sweep of ended sessions' anti-cheat data.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from candidatex.anticheat import consent
from candidatex.anticheat.ingest import SignalIngest
from candidatex.anticheat.integrity import IntegrityKeys, LogVerification
from candidatex.anticheat.judge import PrecheckJudge
from candidatex.anticheat.models import AntiCheatSnapshot
from candidatex.anticheat.policy import CameraView
from candidatex.anticheat.schemas import SignalIn, SignalsOut
from candidatex.anticheat.service import AntiCheatSession
from candidatex.anticheat.sessionlog import AntiCheatContext, SessionLog
from candidatex.anticheat.watch import VisionWatch, _Watch
from candidatex.config import Settings
from candidatex.users.models import User

if TYPE_CHECKING:
    from collections.abc import Callable

    import numpy as np

    from candidatex.interviews.events import EventBus
    from candidatex.interviews.models import InterviewSession
    from candidatex.interviews.service import InterviewService

logger = logging.getLogger(__name__)
T = TypeVar("T")


class _Shared(Generic[T]):
    """A facade attribute kept in the shared context, so that setting it (tests swap settings) reaches every part."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: AntiCheatCoordinator, objtype: type | None = None) -> T:
        return cast(T, getattr(obj.context, self.name))

    def __set__(self, obj: AntiCheatCoordinator, value: T) -> None:
        setattr(obj.context, self.name, value)


class AntiCheatCoordinator:
    RETENTION_SWEEP_SECONDS = 3600.0

    interviews = _Shared["InterviewService"]()
    bus = _Shared["EventBus"]()
    settings = _Shared[Settings]()
    thresholds = _Shared[dict[str, int]]()
    ignored_strikes = _Shared[frozenset[str]]()
    vision_enabled = _Shared[bool]()
    consent_required = _Shared[bool]()
    keys = _Shared[IntegrityKeys]()

    def __init__(self, interview_service: InterviewService, event_bus: EventBus, settings: Settings) -> None:
        self.context = AntiCheatContext(interview_service, event_bus, settings)
        self.log = SessionLog(self.context)
        self.vision = VisionWatch(self.context, self.log)
        self.signals = SignalIngest(self.context, self.log, self.vision.watches)
        self.judge = PrecheckJudge(self.context, self.vision.get_analyzer)
        self._sweeper: asyncio.Task[None] | None = None
        self._retention: asyncio.Task[None] | None = None

    # ---- lifecycle --------------------------------------------------------------------------------------
    def start(self) -> None:
        loop = asyncio.get_running_loop()
        if self.vision_enabled and self._sweeper is None:
            self._sweeper = loop.create_task(self.vision.sweep(), name="anticheat-sweeper")
        if self.settings.anti_cheat_retention_days > 0 and self._retention is None:
            self._retention = loop.create_task(self._retention_loop(), name="anticheat-retention")

    async def close(self) -> None:
        for task in (self._sweeper, self._retention):
            if task is not None:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
        self._sweeper = self._retention = None
        await self.vision.close()
        if self.context.tasks:
            await asyncio.gather(*self.context.tasks, return_exceptions=True)
        await self.vision.close_analyzer()

    def status_changed(self, session_id: str, status: str) -> None:
        """On SessionStarted/Paused/Resumed (the lifecycle bus, services.py): the watch follows at once. The status
        check every STATUS_TTL stays as the net for changes made by another worker (the bus is in-process)."""
        self.vision.status_changed(session_id, status)

    async def session_ended(self, session_id: str, reason: str, actor_id: str | None) -> None:
        """On SessionEnded (the lifecycle bus, services.py): retire the monitor, then sign a checkpoint of the final log.
        Spawned, never awaited here: the hook may run inside the monitor's own violation callback (a vision strike
        that terminates), and stopping a monitor waits for it."""
        self.signals.video_stopped(session_id)
        self.context.spawn(self._retire_and_seal(session_id), f"anticheat-seal:{session_id}")

    async def _retire_and_seal(self, session_id: str) -> None:
        if session_id in self.vision.watches:
            await self.vision.retire(session_id)
        await self.seal(session_id)

    # ---- the session's log ------------------------------------------------------------------------------
    async def seal(self, session_id: str) -> dict[str, Any] | None:
        return await self.log.seal(session_id)

    async def verify(self, session_id: str, presented: list[dict[str, Any]] | None = None) -> LogVerification:
        return await self.log.verify(session_id, presented)

    async def snapshot(self, session_id: str, snapshot_id: str) -> AntiCheatSnapshot:
        return await self.log.snapshot(session_id, snapshot_id)

    async def _append(self, session_id: str, work: Callable[[AntiCheatSession], T], *,
                      allow_ended: bool = False) -> tuple[T, AntiCheatSession, dict[str, Any]]:
        """The log's append (tests/anticheat/two_writers.py and its bench race two coordinators with it)."""
        return await self.log.append(session_id, work, allow_ended=allow_ended)

    # ---- browser signals --------------------------------------------------------------------------------
    async def ingest_signals(self, user: User, session_id: str, signals: list[SignalIn]) -> SignalsOut:
        return await self.signals.ingest_signals(user, session_id, signals)

    async def handle_stream_message(self, user: User, session_id: str, message: dict[str, Any]) -> dict[str, Any]:
        return await self.signals.handle_stream_message(user, session_id, message)

    def heard(self, session_id: str, answer_mode: str | None = None) -> None:
        self.signals.heard(session_id, answer_mode)

    async def speech_heard(self, session_id: str, question_id: str | None) -> None:
        await self.signals.speech_heard(session_id, question_id)

    # ---- vision -----------------------------------------------------------------------------------------
    async def consume_video(self, session_id: str, image_bgr: np.ndarray, captured_at: float) -> None:
        """The media hub's video consumer: one sampled frame of a session's candidate camera."""
        now = self.signals.video_seen(session_id)
        if not self.vision_enabled:
            return
        watch = await self.vision.admit(session_id, now)
        if watch is None:
            return
        self.signals.check_heartbeats(session_id, watch, now)
        await self.vision.submit(watch, image_bgr, captured_at)

    @property
    def watched_sessions(self) -> list[str]:
        return list(self.vision.watches)

    @property
    def _watches(self) -> dict[str, _Watch]:  # tests place a watch of their own
        return self.vision.watches

    @property
    def STATUS_TTL(self) -> float:  # noqa: N802 - the vision watch's constant; a test lengthens it
        return self.vision.STATUS_TTL

    @STATUS_TTL.setter
    def STATUS_TTL(self, seconds: float) -> None:  # noqa: N802
        self.vision.STATUS_TTL = seconds

    # ---- precheck and consent ---------------------------------------------------------------------------
    async def judge_precheck(self, session: InterviewSession, report: dict[str, Any]) -> tuple[bool, dict[str, Any]]:
        return await self.judge.judge_precheck(session, report)

    async def analyze_camera_frames(self, encoded: list[str]) -> CameraView | None:
        return await self.judge.analyze_camera_frames(encoded)

    def check_live_start(self, session: InterviewSession) -> None:
        self.judge.check_live_start(session)

    async def agree_to_notice(self, session: InterviewSession, user_id: str) -> dict[str, Any]:
        """The candidate agrees to the current proctoring notice (the demo seed; the page uses the HTTP route)."""
        return await consent.record_consent(session, user_id, consent.current_version(),
                                            self.settings.anti_cheat_retention_days)

    async def purge_expired(self) -> list[str]:
        """Retention: delete the log and snapshots of sessions that ended more than ANTI_CHEAT_RETENTION_DAYS ago."""
        purged = await consent.purge_expired(self.settings.anti_cheat_retention_days)
        if purged:
            logger.info("anti-cheat data purged after the retention period", extra={"sessions": len(purged)})
        return purged

    async def _retention_loop(self) -> None:
        while True:
            try:
                # a backlog: keep going in batches, yielding between them (a loop that waits on nothing)
                while len(await self.purge_expired()) >= 1000:  # noqa: ASYNC110
                    await asyncio.sleep(0)
            except Exception:  # noqa: BLE001 - the next round tries again
                logger.warning("anti-cheat retention purge failed", exc_info=True)
            await asyncio.sleep(self.RETENTION_SWEEP_SECONDS)
