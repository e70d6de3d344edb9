"""A live two-party interview through SignalingService: media both ways, chat, presence, end, refusal."""

import asyncio
from typing import Any

import numpy as np
import pytest
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import MediaStreamTrack

from candidatex.media.hub import MediaHub, Role
from candidatex.media.signaling import Connection, NotAParticipant, SignalingService

from .conftest import FACE_RGB, FaceVideoTrack, open_socket_count, resembles_face, wait_until

ROLES = {("live", "rec"): Role.RECRUITER, ("live", "cand"): Role.CANDIDATE, ("live", "admin"): Role.ADMIN}


async def resolve_role(session_id: str, user_id: str) -> Role | None:
    return ROLES.get((session_id, user_id))


class Browser:
    """One participant's socket and peers, speaking the signaling messages."""

    def __init__(self, service: SignalingService, participant_id: str) -> None:
        self.service, self.participant_id = service, participant_id
        self.events: list[dict[str, Any]] = []
        self.closed = False
        self.pcs: list[RTCPeerConnection] = []
        self.received: dict[str, MediaStreamTrack] = {}
        self.connection: Connection | None = None

    async def connect(self) -> None:
        self.connection = await self.service.connect("live", self.participant_id, self._on_event, self._on_close)

    async def say(self, message: dict[str, Any]) -> None:
        assert self.connection is not None
        await self.service.handle(self.connection, message)

    async def negotiate(self, direction: str, video: MediaStreamTrack | None = None) -> None:
        pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        self.pcs.append(pc)
        if direction == "publish":
            pc.addTrack(video)
        else:
            pc.addTransceiver("video", direction="recvonly")
            pc.on("track", lambda track: self.received.__setitem__(track.kind, track))
        await pc.setLocalDescription(await pc.createOffer())
        await self.say({"type": "offer", "direction": direction, "sdp": pc.localDescription.sdp})
        answer = self.last("answer")
        assert answer["direction"] == direction
        await pc.setRemoteDescription(RTCSessionDescription(sdp=answer["sdp"], type="answer"))

    async def first_video_frame(self) -> np.ndarray:
        async with asyncio.timeout(20):
            for _ in range(3):  # let the decoder settle past the first keyframe
                frame = await self.received["video"].recv()
        return frame.to_ndarray(format="rgb24")

    def last(self, event_type: str) -> dict[str, Any]:
        matching = [event for event in self.events if event["type"] == event_type]
        assert matching, f"{self.participant_id} received no {event_type} event; got {self.events}"
        return matching[-1]

    def types(self) -> list[str]:
        return [event["type"] for event in self.events]

    async def close(self) -> None:
        for pc in self.pcs:
            await pc.close()

    async def _on_event(self, event: dict[str, Any]) -> None:
        self.events.append(event)

    async def _on_close(self) -> None:
        self.closed = True


@pytest.fixture
async def live():
    media_hub = MediaHub(ice_servers=[])
    chats: list[tuple[str, str, str]] = []
    ended: list[tuple[str, str]] = []

    async def on_chat(session_id: str, sender_id: str, text: str) -> None:
        chats.append((session_id, sender_id, text))

    async def on_end(session_id: str, ended_by: str) -> None:
        ended.append((session_id, ended_by))

    service = SignalingService(media_hub, resolve_role, on_chat=on_chat, on_end=on_end)
    recruiter, candidate = Browser(service, "rec"), Browser(service, "cand")
    yield media_hub, service, recruiter, candidate, chats, ended
    await recruiter.close()
    await candidate.close()
    await media_hub.shutdown()


async def test_a_live_interview_end_to_end(live) -> None:
    media_hub, service, recruiter, candidate, chats, ended = live
    sockets_before = open_socket_count()
    await recruiter.connect()
    await recruiter.say({"type": "join"})
    await candidate.connect()
    await candidate.say({"type": "join"})
    joined = recruiter.last("join")
    assert joined["participant_id"] == "cand" and joined["role"] == "candidate"
    assert {p["participant_id"] for p in joined["participants"]} == {"rec", "cand"}
    assert candidate.last("join")["ice_servers"] == []

    # Each side subscribes before the other publishes: the order does not matter.
    await recruiter.negotiate("subscribe")
    await candidate.negotiate("subscribe")
    await candidate.negotiate("publish", FaceVideoTrack())
    flipped = np.ascontiguousarray(FACE_RGB[:, ::-1])
    await recruiter.negotiate("publish", FaceVideoTrack(flipped))
    assert resembles_face(await recruiter.first_video_frame())
    seen_by_candidate = await candidate.first_video_frame()
    assert np.abs(seen_by_candidate.astype(int) - flipped).mean() < np.abs(seen_by_candidate.astype(int) - FACE_RGB).mean()

    await candidate.say({"type": "message", "text": "Can you hear me?"})
    for browser in (recruiter, candidate):
        message = browser.last("message")
        assert (message["participant_id"], message["role"], message["text"]) == ("cand", "candidate", "Can you hear me?")
    assert chats == [("live", "cand", "Can you hear me?")]

    await candidate.say({"type": "end"})
    assert candidate.last("error")["code"] == "forbidden"
    assert "end" not in recruiter.types() and media_hub.stats()["peers"] == 4

    await recruiter.say({"type": "end"})
    assert ended == [("live", "rec")]
    for browser in (recruiter, candidate):
        assert browser.last("end")["participant_id"] == "rec"
        assert browser.closed
    assert media_hub.stats()["peers"] == 0 and media_hub.stats()["tasks"] == 0
    assert service.participants("live") == []
    await recruiter.close()
    await candidate.close()
    await wait_until(lambda: open_socket_count() <= sockets_before, what="sockets to close")


async def test_leaving_and_losing_the_socket_reach_the_others(live) -> None:
    media_hub, service, recruiter, candidate, _, _ = live
    for browser in (recruiter, candidate):
        await browser.connect()
        await browser.say({"type": "join"})
    await candidate.negotiate("publish", FaceVideoTrack())
    await candidate.say({"type": "leave"})
    assert recruiter.last("leave")["participant_id"] == "cand"
    assert candidate.last("leave")["participant_id"] == "cand"
    assert media_hub.stats()["publishers"] == 0

    await candidate.say({"type": "join"})
    await candidate.negotiate("publish", FaceVideoTrack())
    assert candidate.connection is not None
    await service.disconnect(candidate.connection)  # the socket dropped without a goodbye
    assert [e["participant_id"] for e in recruiter.events if e["type"] == "leave"] == ["cand", "cand"]
    assert media_hub.stats()["publishers"] == 0
    assert service.participants("live") == [{"participant_id": "rec", "role": "recruiter"}]


async def test_only_participants_may_signal(live) -> None:
    _, service, _, _, _, _ = live

    async def ignore(event: dict[str, Any]) -> None:
        raise AssertionError("an outsider was sent an event")

    with pytest.raises(NotAParticipant):
        await service.connect("live", "stranger", ignore)
    with pytest.raises(NotAParticipant):
        await service.connect("another-session", "cand", ignore)


async def test_bad_and_unauthorised_messages_are_answered_with_errors(live) -> None:
    media_hub, service, _, candidate, _, _ = live
    admin = Browser(service, "admin")
    await admin.connect()
    await admin.say({"type": "message", "text": "hello"})
    assert admin.last("error")["code"] == "not_joined"
    await admin.say({"type": "join"})
    for message, code in [
        ({"type": "dance"}, "unknown_type"),
        ({"kind": "join"}, "invalid_message"),
        ({"type": "message", "text": "   "}, "invalid_message"),
        ({"type": "message", "text": "x" * 5000}, "message_too_long"),
        ({"type": "offer", "direction": "publish", "sdp": "v=0"}, "forbidden"),
        ({"type": "offer", "direction": "subscribe", "sdp": "not sdp"}, "invalid_offer"),
        ({"type": "ice-candidate", "candidate": {"candidate": "candidate:1 1 udp 1 127.0.0.1 9 typ host",
                                                 "sdpMLineIndex": 0}}, "no_peer"),
        ({"type": "ice-candidate", "candidate": {"candidate": "garbage", "sdpMLineIndex": 0}}, "invalid_message"),
        ({"type": "end"}, "forbidden"),
    ]:
        await admin.say(message)
        assert admin.last("error")["code"] == code, message
    assert media_hub.stats()["peers"] == 0
    await admin.close()


async def test_trickled_ice_candidates_are_accepted(live) -> None:
    _, _, _, candidate, _, _ = live
    await candidate.connect()
    await candidate.say({"type": "join"})
    await candidate.negotiate("publish", FaceVideoTrack())
    lines = [line for line in candidate.pcs[0].localDescription.sdp.splitlines() if line.startswith("a=candidate:")]
    await candidate.say({"type": "ice-candidate", "candidate": {"candidate": lines[0][2:], "sdpMid": "0",
                                                                "sdpMLineIndex": 0}})
    await candidate.say({"type": "ice-candidate", "candidate": None})  # end of candidates
    assert "error" not in candidate.types()
    # Closing while ICE is completing trips a race in aioice 0.13 that leaves a consent task running
    # for ~30 s; waiting for the connection also proves the trickled candidates did no harm.
    await wait_until(lambda: candidate.pcs[0].connectionState == "connected", what="the connection")


async def test_a_second_socket_replaces_the_first(live) -> None:
    _, service, recruiter, _, _, _ = live
    await recruiter.connect()
    first = recruiter.connection
    assert first is not None
    await recruiter.connect()
    assert recruiter.closed
    await service.handle(first, {"type": "join"})
    assert recruiter.last("error")["code"] == "not_connected"
    await service.disconnect(first)  # the old socket's cleanup must not evict the new one
    await recruiter.say({"type": "join"})
    assert service.participants("live") == [{"participant_id": "rec", "role": "recruiter"}]
