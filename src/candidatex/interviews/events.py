"""Durable, numbered stream events: stored for replay, then fanned out over Litestar channels."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bson.errors import InvalidDocument
from litestar.channels import ChannelsPlugin
from pymongo.errors import DuplicateKeyError

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
        if seq is None:  # no such session (erased meanwhile): nothing to number, store or send
            return {"type": event_type, "seq": 0, "session_id": session_id, "data": data,
                    "timestamp": utcnow().isoformat()}
        return (await self.emit_numbered(session_id, [(event_type, data, seq)]))[0]

    async def emit_numbered(self, session_id: str,
                            events: Sequence[tuple[str, dict[str, Any], int]]) -> list[dict[str, Any]]:
        """Events (type, data, seq) numbered by the caller's own write: stored in one round trip, then sent in
        order."""
        now = utcnow()
        # the documents as SessionEvent declares them, written without the ODM's per-insert validation work
        docs = [{"session_id": session_id, "seq": seq, "type": event_type, "data": data, "created_at": now}
                for event_type, data, seq in events]
        try:
            collection = SessionEvent.get_pymongo_collection()
            if len(docs) == 1:  # the usual case: insert_one skips the bulk machinery, the same one insert command
                await collection.insert_one(docs[0])
            else:
                await collection.insert_many(docs)
        except InvalidDocument:  # data BSON cannot take as it is (enums, models): through the ODM's encoder
            await self._insert_one_by_one(docs)
        sent = [{"type": event_type, "seq": seq, "session_id": session_id, "data": data,
                 "timestamp": now.isoformat()} for event_type, data, seq in events]
        for event in sent:
            self.channels.publish(event, channels=[channel_of(session_id)])
        return sent

    @staticmethod
    async def _insert_one_by_one(docs: list[dict[str, Any]]) -> None:
        for doc in docs:
            doc.pop("_id", None)  # insert_many set it, whether or not that document reached the database
            try:
                await SessionEvent.get_pymongo_collection().insert_one(dict(doc))
            except InvalidDocument:
                await SessionEvent(**doc).insert()
            except DuplicateKeyError:
                continue  # (session, seq) is unique: it was written before the one that could not be encoded

    def publish_ephemeral(self, session_id: str, event_type: str, data: dict[str, Any], seq: int) -> None:
        """Events that are state, not history (partial transcripts): not stored, carry the last durable seq."""
        self.channels.publish({"type": event_type, "seq": seq, "session_id": session_id, "data": data,
                               "timestamp": utcnow().isoformat(), "ephemeral": True},
                              channels=[channel_of(session_id)])

    async def missed(self, session_id: str, after_seq: int, limit: int = 1000) -> list[dict[str, Any]]:
        events = await SessionEvent.find({"session_id": session_id, "seq": {"$gt": after_seq}}).sort("seq").limit(limit).to_list()
        return [{"type": e.type, "seq": e.seq, "session_id": session_id, "data": e.data,
                 "timestamp": e.created_at.isoformat(), "replayed": True} for e in events]
