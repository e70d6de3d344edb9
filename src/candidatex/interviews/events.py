"""Durable, numbered stream events: stored for replay, then fanned out over Litestar channels."""

from __future__ import annotations

from typing import Any

from bson.errors import InvalidDocument
from litestar.channels import ChannelsPlugin

from candidatex.core.timeutil import utcnow
from candidatex.interviews import store
from candidatex.interviews.models import SessionEvent

EVENT_TYPES = ("question", "timer", "feedback", "warning", "complete", "transcript", "status", "chat")


def channel_of(session_id: str) -> str:
    return f"interview:{session_id}"


class EventBus:
    def __init__(self, channels: ChannelsPlugin) -> None:
        self.channels = channels

    async def emit(self, session_id: str, event_type: str, data: dict[str, Any],
                   seq: int | None = None) -> dict[str, Any]:
        """``seq``: a number the caller already took with its own write (store.push_answer); else one is taken."""
        # the counter lives on the session document: one atomic $inc gives every worker the same order
        if seq is None:
            seq = await store.next_event_seq(session_id)
        now = utcnow()
        event = {"type": event_type, "seq": seq or 0, "session_id": session_id, "data": data,
                 "timestamp": now.isoformat()}
        if seq is None:  # no such session (erased meanwhile): nothing to number, store or send
            return event
        # the document as SessionEvent declares it, written without the ODM's per-insert validation work; data
        # that BSON cannot take as it is (enums, models) goes through the ODM's encoder
        try:
            await SessionEvent.get_pymongo_collection().insert_one({"session_id": session_id, "seq": seq,
                                                                    "type": event_type, "data": data,
                                                                    "created_at": now})
        except InvalidDocument:
            await SessionEvent(session_id=session_id, seq=seq, type=event_type, data=data, created_at=now).insert()
        self.channels.publish(event, channels=[channel_of(session_id)])
        return event

    def publish_ephemeral(self, session_id: str, event_type: str, data: dict[str, Any], seq: int) -> None:
        """Events that are state, not history (partial transcripts): not stored, carry the last durable seq."""
        self.channels.publish({"type": event_type, "seq": seq, "session_id": session_id, "data": data,
                               "timestamp": utcnow().isoformat(), "ephemeral": True},
                              channels=[channel_of(session_id)])

    async def missed(self, session_id: str, after_seq: int, limit: int = 1000) -> list[dict[str, Any]]:
        events = await SessionEvent.find({"session_id": session_id, "seq": {"$gt": after_seq}}).sort("seq").limit(limit).to_list()
        return [{"type": e.type, "seq": e.seq, "session_id": session_id, "data": e.data,
                 "timestamp": e.created_at.isoformat(), "replayed": True} for e in events]
