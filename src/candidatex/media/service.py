"""The app's side of real-time media: who may do what in a session's room, chat, ending, recordings.

The hub (hub.py) and the signaling protocol (signaling.py) know nothing of users or interviews; this
service ties them to the interview sessions:

* roles come from the interviews' access policy (interviews/access.py), the same as REST and the stream:
  candidate -> CANDIDATE, interviewer -> RECRUITER, admin -> ADMIN, the job's recruiter (reviewer) ->
  WATCHER, anyone else: none;
* publishing needs a session that has not ended; the recruiter publishes only in live interviews,
  and the candidate subscribes (sees the recruiter) only in live interviews;
* chat is stored on the session and emitted as a durable "chat" event on the interview stream;
* when the interview ends (any way: finalized, timed out, terminated, ended over the socket) every
  peer and socket of the room is closed and the recording, if any, is stored in GridFS.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from typing import Any

from aiortc import RTCSessionDescription

from candidatex.core.errors import AppError, Conflict, Forbidden, InvalidInput, NotFound
from candidatex.interviews.access import Action, SessionRole, session_role
from candidatex.interviews.events import EventBus
from candidatex.interviews.lifecycle import SessionEnded
from candidatex.interviews.models import InterviewSession, SessionType
from candidatex.interviews.service import ENDED, InterviewService
from candidatex.media.hub import PUBLISHING_ROLES, MediaHub, MediaHubError, Role
from candidatex.media.recorder import RECORDING_SUFFIX
from candidatex.media.signaling import SignalingError, SignalingService
from candidatex.users.models import User

logger = logging.getLogger(__name__)

MEDIA_ROLES = {SessionRole.candidate: Role.CANDIDATE, SessionRole.interviewer: Role.RECRUITER,
               SessionRole.admin: Role.ADMIN, SessionRole.reviewer: Role.WATCHER}
RECORDINGS_BUCKET = "recordings"
CHUNK_BYTES = 255 * 1024


class MediaService:
    def __init__(self, hub: MediaHub, interviews: InterviewService, bus: EventBus, database: Any = None) -> None:
        self.hub = hub
        self.interviews = interviews
        self.bus = bus
        self._db = database  # pymongo AsyncDatabase, for the recordings bucket
        self.signaling = SignalingService(hub, self._resolve_role_by_id, on_chat=self._on_chat, on_end=self._on_end)
        self._storing: set[asyncio.Task[None]] = set()
        interviews.lifecycle.subscribe(SessionEnded, self._ended)

    # ---- roles ---------------------------------------------------------------------------------------------
    async def role_of(self, user: User, session: InterviewSession) -> Role | None:
        role = session_role(user, session)
        return MEDIA_ROLES[role] if role is not None else None

    async def participant(self, user: User, session_id: str) -> tuple[InterviewSession, Role]:
        """The session and the user's role in it; NotFound for anyone without one (ids are not confirmed)."""
        session = await self.interviews.load(session_id)
        role = await self.role_of(user, session)
        if role is None:
            raise NotFound("Interview session not found")
        return session, role

    async def _resolve_role_by_id(self, session_id: str, participant_id: str) -> Role | None:
        user = await User.get(participant_id) if len(participant_id) == 24 else None
        if user is None:
            return None
        try:
            session = await self.interviews.load(session_id)
        except NotFound:
            return None
        return await self.role_of(user, session)

    @staticmethod
    def check_direction(session: InterviewSession, role: Role, direction: str) -> None:
        live = session.type == SessionType.live
        if direction == "publish":
            if role not in PUBLISHING_ROLES or (role is Role.RECRUITER and not live):
                raise Forbidden(f"A {role} does not publish media in this interview", code="forbidden")
            if session.status in ENDED:
                raise Conflict("This interview has ended", code="session_ended")
        elif direction == "subscribe":
            if role is Role.CANDIDATE and not live:
                raise Forbidden("Only live interviews send the interviewer's media to the candidate")
        else:
            raise InvalidInput("direction is publish or subscribe")

    # ---- negotiation ---------------------------------------------------------------------------------------
    async def negotiate(self, user: User, session_id: str, sdp: str, sdp_type: str,
                        direction: str) -> RTCSessionDescription:
        session, role = await self.participant(user, session_id)
        self.check_direction(session, role, direction)
        offer = RTCSessionDescription(sdp=sdp, type=sdp_type)
        negotiate = self.hub.publish if direction == "publish" else self.hub.subscribe
        try:
            return await negotiate(session_id, str(user.id), role, offer)
        except MediaHubError as error:
            if error.code == "forbidden":
                raise Forbidden(str(error)) from error
            raise InvalidInput(str(error), code=error.code) from error
        except Exception as error:  # aiortc raises plain ValueErrors on malformed SDP
            logger.info("offer rejected", extra={"session_id": session_id, "error": str(error)[:200]})
            raise InvalidInput("The offer could not be negotiated", code="invalid_offer",
                               details=[{"field": "sdp", "message": str(error)[:200]}]) from error

    async def hang_up(self, user: User, session_id: str) -> None:
        await self.participant(user, session_id)
        await self.hub.hang_up(session_id, str(user.id))

    def ice_servers(self) -> list[dict[str, Any]]:
        return [{"urls": s.urls, "username": s.username, "credential": s.credential} for s in self.hub.ice_servers]

    # ---- signaling callbacks -------------------------------------------------------------------------------
    async def _on_chat(self, session_id: str, sender_id: str, text: str) -> None:
        sender = await User.get(sender_id)
        if sender is None:
            return
        message = await self.interviews.add_chat(session_id, sender, text)
        await self.bus.emit(session_id, "chat", message.model_dump(mode="json"))

    async def _on_end(self, session_id: str, ended_by: str) -> None:
        actor = await User.get(ended_by)
        try:
            if actor is None:
                raise NotFound("Interview session not found")
            await self.end_by(actor, session_id)
        except AppError as error:  # access ended meanwhile: an error on the socket, and the room stays open
            raise SignalingError(error.code, error.message) from error

    async def end_by(self, user: User, session_id: str) -> None:
        """An admin (or the interviewer) ends the live interview from the signaling socket: the same
        policy as POST /interview/sessions/{id}/end."""
        await self.interviews.authorize(user, session_id, Action.end)
        await self.interviews.terminate(session_id, "ended_by_recruiter", actor=user)

    # ---- end of the interview ------------------------------------------------------------------------------
    async def _ended(self, event: SessionEnded) -> None:
        await self.session_ended(event.session_id, event.reason, event.actor_id)

    async def session_ended(self, session_id: str, reason: str, actor_id: str | None) -> None:
        """On SessionEnded: close every socket and peer of the room, then keep the recording."""
        recording = self.hub.is_recording(session_id)
        await self.signaling.end_session(session_id, actor_id or "server")  # also closes the hub's room
        if recording:
            # storing a long recording takes a while: the caller (an HTTP request, the deadline watcher)
            # does not wait for it; shutdown does
            task = asyncio.create_task(self._store_quietly(session_id), name=f"media:store:{session_id}")
            self._storing.add(task)
            task.add_done_callback(self._storing.discard)

    async def _store_quietly(self, session_id: str) -> None:
        try:
            await self.store_recording(session_id)
        except Exception:  # noqa: BLE001 - the file stays in the data folder and is swept at shutdown
            logger.exception("could not store the recording", extra={"session_id": session_id})

    async def shutdown(self) -> None:
        """Close every room (finishing recordings), then keep whatever was recorded."""
        await self.hub.shutdown()
        if self._storing:
            await asyncio.gather(*self._storing, return_exceptions=True)
        for path in self._leftover_recordings():
            await self._store_quietly(path.name.removesuffix(RECORDING_SUFFIX))

    def _leftover_recordings(self) -> list[Any]:
        try:
            directory = self.hub.recording_path("x").parent
        except MediaHubError:
            return []
        return sorted(directory.glob(f"*{RECORDING_SUFFIX}")) if directory.exists() else []

    async def store_recording(self, session_id: str) -> str | None:
        """Moves the finished recording file into GridFS (bucket "recordings", metadata.session_id)."""
        if self._db is None:
            return None
        try:
            path = self.hub.recording_path(session_id)
        except MediaHubError:
            return None
        if not path.exists() or path.stat().st_size == 0:
            return None
        from gridfs import AsyncGridFSBucket

        bucket = AsyncGridFSBucket(self._db, bucket_name=RECORDINGS_BUCKET)
        with path.open("rb") as source:
            file_id = await bucket.upload_from_stream(
                path.name, source, metadata={"session_id": session_id, "content_type": "video/webm"})
        await asyncio.to_thread(path.unlink, True)
        logger.info("recording stored", extra={"session_id": session_id, "file_id": str(file_id)})
        return str(file_id)

    async def recording_of(self, user: User, session_id: str) -> tuple[str, int, AsyncIterator[bytes]]:
        """The session's newest recording for its recruiter or an admin: (file name, length, chunks)."""
        await self.interviews.authorize(user, session_id, Action.recording)
        from gridfs import AsyncGridFSBucket

        if self._db is None:
            raise NotFound("No recording for this interview")
        bucket = AsyncGridFSBucket(self._db, bucket_name=RECORDINGS_BUCKET)
        found = await bucket.find({"metadata.session_id": session_id}).sort("uploadDate", -1).limit(1).to_list()
        if not found:
            raise NotFound("No recording for this interview", code="no_recording")
        grid_out = await bucket.open_download_stream(found[0]._id)

        async def chunks() -> AsyncIterator[bytes]:
            try:
                while chunk := await grid_out.readchunk():
                    yield chunk
            finally:
                await grid_out.close()

        return found[0].filename or f"{session_id}.webm", found[0].length, chunks()

    def room_state(self, session_id: str) -> dict[str, Any]:
        return self.hub.room_stats(session_id)
