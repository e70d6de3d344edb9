"""HTTP side of real-time media: one-shot offer/answer, hang-up, ICE servers, recordings, live-now list."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from litestar import Controller, Request, get, post
from litestar.params import Parameter
from litestar.response import Stream
from litestar.security.jwt import Token
from pydantic import BaseModel, ConfigDict, Field
from pymongo import DESCENDING

from candidatex.auth.guards import requires
from candidatex.core.schemas import Envelope, object_id_param, ok
from candidatex.interviews import store as interview_store
from candidatex.interviews.models import SessionStatus
from candidatex.interviews.service import remaining_seconds
from candidatex.media.service import MediaService
from candidatex.users import store as user_store
from candidatex.users.models import User

AuthedRequest = Request[User, Token, Any]
SessionId = object_id_param("interview session id")
MAX_SDP_CHARS = 64 * 1024


class OfferIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sdp: str = Field(min_length=1, max_length=MAX_SDP_CHARS, description="the client's SDP offer, ICE candidates included")
    type: Literal["offer"] = "offer"
    direction: Literal["publish", "subscribe"] = Field(
        default="publish", description="publish: send camera/microphone; subscribe: receive the other side's media")


class AnswerOut(BaseModel):
    sdp: str
    type: str
    direction: str


class IceServerOut(BaseModel):
    urls: str | list[str]
    username: str | None = None
    credential: str | None = None


class IceServersOut(BaseModel):
    ice_servers: list[IceServerOut]


class LiveSessionOut(BaseModel):
    session_id: str
    type: str
    mode: str
    status: str
    candidate_id: str
    candidate_name: str | None
    recruiter_id: str | None
    job_title: str
    started_at: datetime | None
    remaining_seconds: int | None
    publishing: bool
    publishers: list[str]
    watchers: int
    recording: bool


class MediaController(Controller):
    path = "/media"
    tags = ["media"]
    guards = [requires("interview:own")]

    @get("/ice-servers")
    async def ice_servers(self, media_service: MediaService) -> Envelope[IceServersOut]:
        """For the browser's RTCPeerConnection configuration (TURN credentials are meant for clients)."""
        return ok(IceServersOut(ice_servers=[IceServerOut(**s) for s in media_service.ice_servers()]))

    @post("/sessions/{session_id:str}/offer", status_code=200)
    async def offer(self, request: AuthedRequest, data: OfferIn, media_service: MediaService,
                    session_id: str = SessionId) -> Envelope[AnswerOut]:
        """Non-trickle negotiation: send an offer with its ICE candidates, get the server's answer."""
        answer = await media_service.negotiate(request.user, session_id, data.sdp, data.type, data.direction)
        return ok(AnswerOut(sdp=answer.sdp, type=answer.type, direction=data.direction))

    @post("/sessions/{session_id:str}/hangup", status_code=200)
    async def hangup(self, request: AuthedRequest, media_service: MediaService,
                     session_id: str = SessionId) -> Envelope[dict[str, bool]]:
        await media_service.hang_up(request.user, session_id)
        return ok({"closed": True}, "Media connections closed")

    @get("/sessions/{session_id:str}/recording", guards=[requires("interview:watch")])
    async def recording(self, request: AuthedRequest, media_service: MediaService,
                        session_id: str = SessionId) -> Stream:
        name, length, chunks = await media_service.recording_of(request.user, session_id)
        return Stream(chunks, media_type="video/webm",
                      headers={"Content-Disposition": f'attachment; filename="{name}"',
                               "Content-Length": str(length)})

    @get("/stats", guards=[requires("stats:read")])
    async def stats(self, media_service: MediaService,
                    session_id: str | None = Parameter(default=None, pattern=r"^[0-9a-f]{24}$",
                                                       description="also report this session's room")
                    ) -> Envelope[dict[str, Any]]:
        stats: dict[str, Any] = dict(media_service.hub.stats())
        if session_id:
            stats["room"] = media_service.room_state(session_id)
        return ok(stats)


@get("/interview/live", guards=[requires("interview:watch")], tags=["interviews"])
async def live_now(request: AuthedRequest, media_service: MediaService,
                   limit: int = Parameter(ge=1, le=500, default=100)) -> Envelope[list[LiveSessionOut]]:
    """Interviews running now (active or paused) that the caller may watch, with their media state."""
    user = request.user
    query: dict[str, Any] = {"status": {"$in": [SessionStatus.active.value, SessionStatus.paused.value]}}
    running = await interview_store.listed(query, [("started_at", DESCENDING)], limit=1000)
    visible = [s for s in running if await media_service.interviews.can_view(user, s)][:limit]
    names = await user_store.full_names({s.candidate_id for s in visible})
    items = []
    for s in visible:
        room = media_service.room_state(str(s.id))
        items.append(LiveSessionOut(
            session_id=str(s.id), type=s.type.value, mode=s.mode.value, status=s.status.value, candidate_id=s.candidate_id,
            candidate_name=names.get(s.candidate_id), recruiter_id=s.recruiter_id, job_title=s.job_title,
            started_at=s.started_at, remaining_seconds=remaining_seconds(s), publishing=room["publishing"],
            publishers=room["publishers"], watchers=room["subscribers"], recording=room["recording"]))
    return ok(items)
