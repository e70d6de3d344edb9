"""The precheck judge: the notice agreed to, the page's checks and one live face in the camera; a live start's gate."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from candidatex.anticheat import consent
from candidatex.anticheat.policy import CameraView, PrecheckReport, evaluate_precheck
from candidatex.anticheat.precheck import MAX_CAMERA_FRAMES, analyze_bytes, camera_view, decode_frame
from candidatex.anticheat.sessionlog import AntiCheatContext
from candidatex.core.errors import InvalidInput
from candidatex.core.timeutil import utcnow

if TYPE_CHECKING:
    from candidatex.anticheat.vision import FrameAnalyzer
    from candidatex.interviews.models import InterviewSession


class PrecheckJudge:
    def __init__(self, ctx: AntiCheatContext, get_analyzer: Callable[[], Awaitable[FrameAnalyzer]]) -> None:
        self.ctx = ctx
        self._get_analyzer = get_analyzer  # the vision watch's shared analyzer

    def check_live_start(self, session: InterviewSession) -> None:
        """A live interview starts proctored, so only once its candidate agreed to the notice (when that is required)."""
        if self.ctx.consent_required:
            consent.check_consent(session, before="the live interview")

    async def judge_precheck(self, session: InterviewSession, report: dict[str, Any]) -> tuple[bool, dict[str, Any]]:
        """The precheck: the notice agreed to, the page's checks, and (when the server checks it) one live face in
        the camera frames. Returns whether the session may start and the record kept on the session."""
        if self.ctx.consent_required:
            consent.check_consent(session)
        report = dict(report)
        frames = [f for f in (report.pop("camera_frame", None), *(report.pop("camera_frames", None) or [])) if f]
        checked = PrecheckReport(**report)
        observation = await self.analyze_camera_frames(frames)
        result = evaluate_precheck(checked, observation)
        record = {**result.as_session_record(checked), "checked_at": utcnow().isoformat(),
                  "failures": [{"check": f.check, "message": f.message} for f in result.failures]}
        if observation is not None:
            record["camera_view"] = observation.as_record()
        return result.passed, record

    async def analyze_camera_frames(self, encoded: list[str]) -> CameraView | None:
        """The precheck's camera frames (base64 JPEG/PNG) -> what they show together; None when the server does
        not check the camera view (vision off, or ANTI_CHEAT_PRECHECK_CAMERA=false and no frame sent)."""
        if not self.ctx.vision_enabled or (not encoded and not self.ctx.settings.anti_cheat_precheck_camera):
            return None
        if len(encoded) > MAX_CAMERA_FRAMES:
            raise InvalidInput(f"At most {MAX_CAMERA_FRAMES} camera frames",
                               details=[{"field": "camera_frames", "message": "too many"}])
        raws = [decode_frame(frame) for frame in encoded]
        if not raws:
            return camera_view([])
        analyzer = await self._get_analyzer()
        observations = []
        for raw in raws:
            observation = await asyncio.to_thread(analyze_bytes, analyzer, raw)
            if observation is None:
                raise InvalidInput("camera_frame is not a JPEG or PNG image",
                                   details=[{"field": "camera_frame", "message": "not an image"}])
            observations.append(observation)
        return camera_view(observations)
