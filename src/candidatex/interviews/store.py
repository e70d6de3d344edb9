"""The only module that writes InterviewSession documents.

Every write is one conditional, atomic update of the fields it means to change ($set / $inc / $push with
preconditions in the filter), never a save() of a copy read earlier: a request that read the session a
moment ago cannot wipe the answers, chat, event counter or anti-cheat log another writer stored since.
Operations return the document as it is after the write, or None (False) when a precondition failed,
so callers decide what a refused write means (409, "someone else did it", retry).

Writes are `update_one` with the `_id` first in the filter, never `findAndModify`: SecantusDB re-asserts a
findAndModify's query as `{_id, $and: [query]}`, which its planner cannot serve from the `_id` lookup, so every
findAndModify scanned the whole collection (its CPU grew with the number of sessions ever stored). Event numbers
are taken by compare-and-set on `event_seq` instead of `$inc` + returning the document (`_numbered`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from beanie import PydanticObjectId
from bson import ObjectId
from bson.errors import InvalidDocument
from pymongo.errors import BulkWriteError

from candidatex.core.timeutil import utcnow
from candidatex.core.writes import by_key
from candidatex.interviews.models import (
    LISTED_FIELDS,
    AnswerRecord,
    ChatMessage,
    InterviewListing,
    InterviewSession,
    QuestionRecord,
    SessionStatus,
)

ENDED = (SessionStatus.completed, SessionStatus.terminated)
RUNNING = (SessionStatus.active, SessionStatus.paused)


def _collection() -> Any:
    return InterviewSession.get_pymongo_collection()


def _listings() -> Any:
    return InterviewListing.get_pymongo_collection()


def _oid(session_id: str | ObjectId) -> ObjectId | None:
    if isinstance(session_id, ObjectId):
        return session_id
    return ObjectId(session_id) if ObjectId.is_valid(session_id) and len(session_id) == 24 else None


def _values(statuses: Iterable[SessionStatus | str]) -> list[str]:
    return [s.value if isinstance(s, SessionStatus) else str(s) for s in statuses]


def _model(doc: Mapping[str, Any] | None) -> InterviewSession | None:
    return InterviewSession.model_validate(doc) if doc else None


CAS_ATTEMPTS = 50  # compare-and-set rounds before a write gives up (other writers numbering events meanwhile)


async def _write(oid: ObjectId, where: Mapping[str, Any], update: dict[str, Any], **options: Any) -> bool:
    """One conditional update; the `_id` leads the filter so SecantusDB finds the document by its key, and the
    conditions are shaped so that its planner does not look for another index for each (core/writes.py). A write
    that changes a listed field also counts the session's listed version and copies it into its listing."""
    update.setdefault("$set", {})["updated_at"] = utcnow()
    lists = _lists(update)
    if lists:
        update = {**update, "$inc": {**update.get("$inc", {}), LISTED_VERSION: 1}}
    result = await _collection().update_one(by_key({"_id": oid, **where}), update, **options)
    if result.matched_count and lists:
        await relist([oid])
    return bool(result.matched_count)


def _lists(update: Mapping[str, Any]) -> bool:
    """Whether the update changes a field the lists filter by (the answer and anti-cheat writes do not)."""
    return any(not set(fields).isdisjoint(LISTED_FIELDS) for fields in update.values() if isinstance(fields, Mapping))


# counted by every write that changes a listed field, in that same write: which of two copies of the listed fields
# is the newer, whatever the clocks of the workers that wrote them (an `updated_at` may repeat or go backwards).
# The store's alone: not a field of InterviewSession (models and API never see it)
LISTED_VERSION = "listed_version"


async def relist(oids: list[ObjectId]) -> None:
    """Copy the sessions' listed fields, as they are now, into their listings.

    Why the order is safe: a session is listed before it is stored (`create`), and lists read ids from the
    listings, then the sessions themselves by `_id`, so a stored session is never missing from the lists, and a
    listed session is shown as it is now. A write that changes a listed field writes the session first (that
    write is the conditional one: it may miss), then copies what it reads after, which carries every write
    before it; until that copy lands (the write in flight), the session is listed under its former values. Two
    copies that cross keep the one of the higher listed version, so a listing ends on the session's last state.
    The copy is shielded from cancellation: a request cancelled after its write still updates the listing."""
    await asyncio.shield(_copy_listed(oids))


async def _copy_listed(oids: list[ObjectId]) -> None:
    # the whole document: SecantusDB spends more CPU on a projection naming a dozen fields than on sending it all
    async for doc in _collection().find({"_id": {"$in": oids}}):
        version = int(doc.get(LISTED_VERSION) or 0)
        await _listings().update_one(by_key({"_id": doc["_id"], LISTED_VERSION: {"$lt": version}}),
                                     {"$set": {**_listed(doc), LISTED_VERSION: version}})


def _listed(doc: Mapping[str, Any]) -> dict[str, Any]:
    return {field: doc.get(field) for field in LISTED_FIELDS}


async def _after(oid: ObjectId, numbered: Mapping[str, Any] | None = None) -> InterviewSession | None:
    """The document after a write (a point read); ``numbered``: the values that write set, kept as it set them
    (a later event numbered meanwhile must not look like this write's)."""
    session = _model(await _collection().find_one({"_id": oid}))
    if session is not None and numbered:
        session = session.model_copy(update=dict(numbered))
    return session


def _with(base: InterviewSession, fields: Mapping[str, Any]) -> InterviewSession:
    """``base`` with the top-level fields a `$set` wrote (validated as the document would be when read)."""
    return InterviewSession.model_validate({**base.model_dump(by_alias=True), **fields})


async def _numbered(oid: ObjectId, where: Mapping[str, Any], update: dict[str, Any], count: int,
                    seen: Mapping[str, Any] | None = None, guard: tuple[str, ...] = (),
                    **options: Any) -> dict[str, Any] | None:
    """``update`` under ``where``, taking ``count`` event numbers: compare-and-set on `event_seq` (and on the
    ``guard`` fields, so the caller knows their values at the moment of its write). ``seen``: those values as
    the caller last read them (else they are read). Returns them with `event_seq` = the last number taken, or
    None when ``where`` does not hold. Numbers stay gap-free and distinct: a write numbered by someone else in
    between makes this one miss, re-read and retry."""
    fields = ("event_seq", *guard)
    assert not set(fields) & set(where), "a guarded field cannot also be a condition"
    for _ in range(CAS_ATTEMPTS):
        if seen is None:
            seen = await _collection().find_one(by_key({"_id": oid, **where}), projection=dict.fromkeys(fields, 1))
            if seen is None:
                return None
        values = {field: seen.get(field) for field in fields}
        last = int(values["event_seq"] or 0) + count
        step = {**update, "$set": {**update.get("$set", {}), "event_seq": last}}
        if await _write(oid, {**where, **values}, step, **options):
            return {**values, "event_seq": last}
        seen = None
    raise RuntimeError(f"session {oid}: event numbers contended {CAS_ATTEMPTS} times in a row")


async def _update(session_id: str | ObjectId, where: Mapping[str, Any], update: dict[str, Any], *,
                  number_events: int = 0, base: InterviewSession | None = None,
                  **options: Any) -> InterviewSession | None:
    """The write and the document after it. ``base``: the document as the caller read it, for a `$set` of
    top-level fields: the result is built from it instead of read again."""
    oid = _oid(session_id)
    if oid is None:
        return None
    numbered: dict[str, Any] | None = None
    if number_events:
        seen = {"event_seq": base.event_seq} if base is not None else None
        numbered = await _numbered(oid, where, update, number_events, seen, **options)
        if numbered is None:
            return None
    elif not await _write(oid, where, update, **options):
        return None
    unchanged_since = base is not None and (numbered is None or numbered["event_seq"] == base.event_seq + number_events)
    if base is not None and unchanged_since and set(update) == {"$set"}:
        return _with(base, {**update["$set"], **(numbered or {})})
    return await _after(oid, numbered)


# ---- reading (projections, so hot paths do not pull the whole log) ------------------------------------------
async def get(session_id: str | ObjectId) -> InterviewSession | None:
    """A point read validated as the model: Beanie's `Document.get` builds a pydantic TypeAdapter for the id and
    a query object on every call (a third of the read's CPU on the event loop); no caller uses its ODM state."""
    oid = _oid(session_id)
    return _model(await _collection().find_one({"_id": oid})) if oid is not None else None


async def status_of(session_id: str) -> str | None:
    oid = _oid(session_id)
    if oid is None:
        return None
    doc = await _collection().find_one({"_id": oid}, projection={"status": 1})
    return doc.get("status") if doc else None


async def create(session: InterviewSession) -> InterviewSession:
    """The insert of the document as InterviewSession declares it (`model_dump`, the same fields and values
    Beanie's encoder stores), without the ODM's per-field encoder walk: most of an interview create's CPU."""
    document = session.model_dump(exclude={"id", "revision_id"})
    # the listing first, under the session's id: a session is never stored without being in the lists (a listing
    # whose session failed to insert lists nothing: lists fetch the sessions by id)
    session.id = PydanticObjectId()
    document["_id"] = session.id
    await _listings().insert_one({"_id": session.id, **_listed(document), LISTED_VERSION: 0})
    try:
        session.id = (await _collection().insert_one(document)).inserted_id
    except InvalidDocument:  # a value BSON cannot take as it is (an enum, a model in a dict): the ODM's encoder
        await session.insert()
    return session


# ---- the state machine ------------------------------------------------------------------------------------
async def transition(session_id: str | ObjectId, from_statuses: Iterable[SessionStatus | str],
                     to: SessionStatus | str | None, set_fields: Mapping[str, Any] | None = None, *,
                     where: Mapping[str, Any] | None = None, number_events: int = 0,
                     base: InterviewSession | None = None) -> InterviewSession | None:
    """Move the session from one of ``from_statuses`` to ``to`` (None: keep the status) and set ``set_fields``,
    in one write that happens only if the status (and ``where``) still hold. None: the precondition failed.
    No transition leaves completed/terminated: an ended session cannot be reopened. ``number_events``: the same
    write takes that many stream event numbers (the last is the returned ``event_seq``). ``base``: the session
    as the caller just read it (the result is built from it, not read again)."""
    allowed = [s for s in _values(from_statuses) if s not in _values(ENDED)]
    if not allowed:
        return None
    fields = dict(set_fields or {})
    if to is not None:
        fields["status"] = to.value if isinstance(to, SessionStatus) else str(to)
    return await _update(session_id, {**(where or {}), "status": {"$in": allowed}}, {"$set": fields},
                         number_events=number_events, base=base)


async def end(session_id: str | ObjectId, to: SessionStatus, from_statuses: Iterable[SessionStatus | str],
              set_fields: Mapping[str, Any] | None = None, where: Mapping[str, Any] | None = None,
              base: InterviewSession | None = None, number_events: int = 0) -> InterviewSession | None:
    """The one way into completed/terminated; None when the session was not in ``from_statuses`` (already ended)
    or does not match ``where`` (e.g. a deadline that has not passed). ``base``: the session as the caller just
    read it: the write then also requires its `updated_at` and `event_seq` (every write but a chat message moves
    one), and the result is built from it; another write since makes that miss, and the end is done as without.
    ``number_events`` (with ``base`` only): the same write takes that many event numbers, and a miss returns None
    (the caller, who built ``set_fields`` from ``base``, ends it again without)."""
    if to not in ENDED:
        raise ValueError(f"{to} is not an end state")
    now = utcnow()
    fields = {"completed_at": now, "paused_at": None, **(set_fields or {}), "status": to.value}
    allowed = [s for s in _values(from_statuses) if s not in _values(ENDED)]
    condition: dict[str, Any] = {**(where or {})}
    condition["status"] = {"$in": [s for s in allowed if s == condition["status"]] if "status" in condition
                           else allowed}
    if base is not None and number_events:  # the event counter is compared by the numbering itself
        return await _update(session_id, {**condition, "updated_at": base.updated_at}, {"$set": dict(fields)},
                             base=base, number_events=number_events)
    if base is not None:
        unchanged = {"updated_at": base.updated_at, "event_seq": base.event_seq}
        ended = await _update(session_id, {**condition, **unchanged}, {"$set": dict(fields)}, base=base)
        if ended is not None:
            return ended
    return await _update(session_id, condition, {"$set": fields})


async def set_result(session_id: str | ObjectId, result: dict[str, Any], *, base: InterviewSession | None = None,
                     number_events: int = 0) -> InterviewSession | None:
    """Store the final report of an ended session, once (the first writer's report stays). ``number_events``:
    the same write takes that many event numbers; ``base``: the session as the end left it (built from it)."""
    return await _update(session_id, {"status": {"$in": _values(ENDED)}, "result": None}, {"$set": {"result": result}},
                         number_events=number_events, base=base)


# ---- answers and questions ----------------------------------------------------------------------------------
async def push_answer(session_id: str | ObjectId, index: int, record: AnswerRecord,
                      seen_event_seq: int | None = None, *, held_follow_ups: int | None = None) -> int | None:
    """Store the answer to the question at ``index`` and move to the next one, if the session is active, that
    question is still the current one and it has no answer yet: two racing submissions store exactly one.
    The same write takes the next stream event number (returned; None: a precondition failed).
    ``seen_event_seq``: the counter as the caller read it. ``held_follow_ups``: the caller did not read the
    session but holds a copy (the stream's) with that many follow-ups asked: the filter then also checks what
    the read would have, so a match means the copy's questions are the stored ones (only a follow-up changes
    them once started) and the deadline has not passed."""
    oid = _oid(session_id)
    if oid is None:
        return None
    update: dict[str, Any] = {"$push": {"answers": record.model_dump()},
                              "$set": {"current_question_index": index + 1, "last_activity_at": utcnow()}}
    where: dict[str, Any] = {"status": SessionStatus.active.value, "current_question_index": index,
                             "answers.question_id": {"$ne": record.question_id}}
    if held_follow_ups is not None:
        where.update({f"questions.{index}.id": record.question_id, "follow_ups_asked": held_follow_ups,
                      "ends_at": {"$gt": utcnow()}})
    numbered = await _numbered(oid, where, update, 1, None if seen_event_seq is None else {"event_seq": seen_event_seq})
    return numbered["event_seq"] if numbered else None


async def record_evaluation(session_id: str | ObjectId, question_id: str, evaluation: dict[str, Any],
                            provider: str, number_events: int = 0,
                            seen: Mapping[str, Any] | None = None) -> dict[str, Any] | None:
    """Store the evaluation of the answer to ``question_id``. ``number_events``: the same write takes that many
    event numbers, the `evaluated` event's first. Returns the `event_seq` (the last number taken) and the
    `status` at the moment of the write (None: no such answer). ``seen``: both as the caller last knew them."""
    oid = _oid(session_id)
    if oid is None:
        return None
    update: dict[str, Any] = {"$set": {"answers.$[a].evaluation": evaluation, "answers.$[a].provider": provider}}
    where = {"answers.question_id": question_id}
    if not number_events:
        found = await _write(oid, where, update, array_filters=[{"a.question_id": question_id}])
        return dict(await _collection().find_one({"_id": oid}, projection={"event_seq": 1, "status": 1}) or {}) \
            if found else None
    return await _numbered(oid, where, update, number_events, seen, guard=("status",),
                           array_filters=[{"a.question_id": question_id}])


async def record_evaluation_asking(session_id: str | ObjectId, question_id: str, evaluation: dict[str, Any],
                                   provider: str, question: QuestionRecord, position: int, max_follow_ups: int,
                                   seen_event_seq: int) -> int | None:
    """`record_evaluation` and the insertion of a follow-up question in one write: store the evaluation of the answer to
    ``question_id`` and insert ``question`` as the next one, numbering the `evaluated` event and the follow-up's
    `question` event (the returned ``event_seq`` is the question's). Only while the session is active, the
    candidate is at ``position`` and fewer than ``max_follow_ups`` were asked; None when that does not hold (the
    caller then stores the evaluation alone). One rewrite of the session document instead of two."""
    oid = _oid(session_id)
    if oid is None:
        return None
    where = {"answers.question_id": question_id, "status": SessionStatus.active.value,
             "current_question_index": position, "follow_ups_asked": {"$lt": max_follow_ups}}
    update: dict[str, Any] = {
        "$set": {"answers.$[a].evaluation": evaluation, "answers.$[a].provider": provider},
        "$push": {"questions": {"$each": [question.model_dump()], "$position": position}},
        "$inc": {"follow_ups_asked": 1}}
    numbered = await _numbered(oid, where, update, 2, {"event_seq": seen_event_seq},
                               array_filters=[{"a.question_id": question_id}])
    return numbered["event_seq"] if numbered else None


async def append_to_answer(session_id: str | ObjectId, question_id: str, previous: str,
                           addition: str) -> InterviewSession | None:
    """Add the rest of a spoken answer to the stored one while the session runs, only if the stored text is
    still ``previous`` (two racing additions cannot lose one)."""
    return await _update(session_id, {"status": SessionStatus.active.value,
                                      "answers": {"$elemMatch": {"question_id": question_id, "content": previous}}},
                         {"$set": {"answers.$[a].content": f"{previous} {addition}".strip(),
                                   "last_activity_at": utcnow()}},
                         array_filters=[{"a.question_id": question_id}])


# ---- chat and the event counter ------------------------------------------------------------------------------
async def push_chat(session_id: str | ObjectId, message: ChatMessage) -> bool:
    oid = _oid(session_id)
    if oid is None:
        return False
    stored = await _collection().update_one({"_id": oid}, {"$push": {"chat": message.model_dump()}})
    return bool(stored.modified_count)


async def event_counters(session_ids: list[str]) -> dict[str, int]:
    """The stored event count of each session, in one read (the clock compares them with what streams sent)."""
    oids = [oid for oid in (_oid(sid) for sid in session_ids) if oid is not None]
    if not oids:
        return {}
    cursor = _collection().find({"_id": {"$in": oids}}, projection={"event_seq": 1})
    return {str(doc["_id"]): int(doc.get("event_seq") or 0) async for doc in cursor}


async def next_event_seq(session_id: str | ObjectId) -> int | None:
    """The next number of the session's event stream (compare-and-set, so every worker gets a distinct,
    gap-free sequence). None when the session does not exist."""
    oid = _oid(session_id)
    if oid is None:
        return None
    numbered = await _numbered(oid, {}, {"$set": {"last_activity_at": utcnow()}}, 1)
    return numbered["event_seq"] if numbered else None


# ---- the anti-cheat log ------------------------------------------------------------------------------------
async def integrity_tail(session_id: str) -> dict[str, Any] | None:
    """Status, key, counters and the log's length and last entry, without reading the whole log."""
    oid = _oid(session_id)
    if oid is None:
        return None
    cursor = await _collection().aggregate([
        {"$match": {"_id": oid}},
        {"$project": {"status": 1, "anti_cheat_key": 1, "strike_counts": 1, "signal_last_seq": 1, "anti_cheat_policy": 1,
                      "signal_tabs": 1,
                      "terminated_reason": 1, "n": {"$size": {"$ifNull": ["$anti_cheat_log", []]}},
                      "last": {"$slice": [{"$ifNull": ["$anti_cheat_log", []]}, -1]}}},
    ])
    rows = await cursor.to_list(1)
    return rows[0] if rows else None


async def append_integrity_entries(session_id: str, entries: list[dict[str, Any]], *, expected_length: int,
                                   last_hash: str | None, strike_counts: Mapping[str, int], signal_last_seq: int,
                                   signal_tabs: Mapping[str, Mapping[str, int]] | None = None,
                                   require_running: bool = True) -> bool:
    """Append chained entries iff the log still has ``expected_length`` entries ending in ``last_hash`` (so two
    writers can never fork the chain), together with the strike counters they imply. False: another writer
    appended first (or the session stopped running): re-read the tail and redo."""
    oid = _oid(session_id)
    if oid is None or not entries:
        return False
    condition: dict[str, Any] = {"_id": oid, "anti_cheat_log": {"$size": expected_length}}
    if expected_length:
        condition[f"anti_cheat_log.{expected_length - 1}.sequence_hash"] = last_hash
    if require_running:
        condition["status"] = {"$in": _values(RUNNING)}
    fields: dict[str, Any] = {"strike_counts": dict(strike_counts), "signal_last_seq": signal_last_seq,
                              "updated_at": utcnow()}
    if signal_tabs is not None:  # per-tab sequences (anticheat/signals.py): ids are validated, safe as keys
        fields["signal_tabs"] = {tab: dict(state) for tab, state in signal_tabs.items()}
    stored = await _collection().update_one(condition, {
        "$push": {"anti_cheat_log": {"$each": entries}}, "$set": fields})
    return bool(stored.modified_count)


async def add_integrity_checkpoint(session_id: str, checkpoint: dict[str, Any]) -> bool:
    """Keep a signed checkpoint of the anti-cheat log (appended: earlier checkpoints stay)."""
    oid = _oid(session_id)
    if oid is None:
        return False
    stored = await _collection().update_one({"_id": oid}, {"$push": {"integrity_checkpoints": checkpoint}})
    return bool(stored.modified_count)


async def add_flag_appeal(session_id: str, index: int, appeal: dict[str, Any]) -> bool:
    """The candidate's contest of flag ``index``, once per flag, only once the session has ended."""
    oid = _oid(session_id)
    if oid is None:
        return False
    stored = await _collection().update_one(
        {"_id": oid, "status": {"$in": _values(ENDED)}, "flag_reviews.index": {"$ne": index}},
        {"$push": {"flag_reviews": {"index": index, "appeal": appeal, "decision": None}}})
    return bool(stored.modified_count)


async def decide_flag_appeal(session_id: str, index: int, decision: dict[str, Any]) -> bool:
    """Uphold or dismiss the contest of flag ``index``, once (only while it is undecided)."""
    oid = _oid(session_id)
    if oid is None:
        return False
    stored = await _collection().update_one(
        {"_id": oid, "flag_reviews": {"$elemMatch": {"index": index, "decision": None}}},
        {"$set": {"flag_reviews.$.decision": decision}})
    return bool(stored.modified_count)


async def integrity_record(session_id: str) -> dict[str, Any] | None:
    """What verifying the anti-cheat log needs: the log, the counters, the status and the checkpoints."""
    oid = _oid(session_id)
    if oid is None:
        return None
    return await _collection().find_one({"_id": oid}, projection={
        "status": 1, "anti_cheat_log": 1, "strike_counts": 1, "integrity_checkpoints": 1, "anti_cheat_purged_at": 1})


async def purge_anti_cheat(ended_before: datetime) -> list[str]:
    """Retention (anticheat/consent.py): empty the anti-cheat log of sessions that ended before ``ended_before``
    and mark them purged; returns their ids (their snapshots are the caller's to delete)."""
    where = {"status": {"$in": _values(ENDED)}, "completed_at": {"$lt": ended_before},
             "anti_cheat_purged_at": None}
    ids = await listed_ids(where, limit=1000)
    if not ids:
        return []
    await _collection().update_many({"_id": {"$in": ids}, **where}, {"$set": {
        "anti_cheat_log": [], "strike_counts": {}, "signal_tabs": {}, "anti_cheat_purged_at": utcnow()},
        "$inc": {LISTED_VERSION: 1}})
    await relist(ids)
    return [str(i) for i in ids]


# ---- access facts ---------------------------------------------------------------------------------------------
async def close_application(job_id: str, candidate_id: str) -> int:
    """The candidate's application to the job was rejected or withdrawn: recruiters lose the interviews tied to it."""
    ids = await listed_ids({"job_id": job_id, "candidate_id": candidate_id, "application_closed": {"$ne": True}})
    if not ids:
        return 0
    changed = await _collection().update_many({"_id": {"$in": ids}, "application_closed": {"$ne": True}},
                                              {"$set": {"application_closed": True, "updated_at": utcnow()},
                                               "$inc": {LISTED_VERSION: 1}})
    await relist(ids)
    return changed.modified_count


# ---- erasure (users/ deletes an account) -------------------------------------------------------------------
ERASED_FIELDS: dict[str, Any] = {"answers": [], "resume_text": None, "result": None, "chat": [], "anti_cheat_log": [],
                 "strike_counts": {}, "integrity_checkpoints": [], "flag_reviews": [],
                 "precheck_result": None, "candidate_erased": True}


async def erase_content(session_id: str) -> bool:
    """What the candidate said and did in an ended interview, when its retention ends (screening/); the frame stays."""
    oid = _oid(session_id)
    content = {k: v for k, v in ERASED_FIELDS.items() if k != "candidate_erased"}
    result = await _collection().update_one({"_id": oid, "status": {"$in": _values(ENDED)}},
                                            {"$set": {**content, "content_erased": True, "updated_at": utcnow()}})
    return bool(result.matched_count)


async def erase_candidate(candidate_id: str) -> list[str]:
    """Delete the candidate's practice interviews and strip recruiter-run ones to their frame; returns the ids
    of every session the candidate had (their events, snapshots and recordings go too)."""
    ids = await listed_ids({"candidate_id": candidate_id})
    practice = await listed_ids({"candidate_id": candidate_id, "recruiter_id": None})
    if practice:  # the session before its listing: a listing without its session lists nothing
        await _collection().delete_many({"_id": {"$in": practice}})
        await _listings().delete_many({"_id": {"$in": practice}})
    if ids:
        await _collection().update_many({"_id": {"$in": ids}}, {"$set": ERASED_FIELDS})
    return [str(i) for i in ids]


# ---- lists (by the listings' indexes; the sessions by `_id`) -------------------------------------------------
async def listed_ids(query: Mapping[str, Any], sort: list[tuple[str, int]] | None = None, skip: int = 0,
                     limit: int = 0) -> list[ObjectId]:
    """The ids of the sessions whose listed fields match ``query`` (only LISTED_FIELDS), in ``sort`` order."""
    cursor = _listings().find(query, projection={"_id": 1})
    if sort:
        cursor = cursor.sort(sort)
    return [doc["_id"] async for doc in cursor.skip(skip).limit(limit)]


async def count_listed(query: Mapping[str, Any]) -> int:
    return int(await _listings().count_documents(query))


async def by_ids(ids: list[ObjectId], projection: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    """The sessions' documents in the order of ``ids`` (a listing whose session is gone is skipped)."""
    if not ids:
        return []
    found = {doc["_id"]: doc async for doc in _collection().find({"_id": {"$in": ids}}, projection=projection)}
    return [found[i] for i in ids if i in found]


async def listed(query: Mapping[str, Any], sort: list[tuple[str, int]] | None = None, skip: int = 0,
                 limit: int = 0) -> list[InterviewSession]:
    """The sessions matching ``query`` on their listed fields, validated as the model, in ``sort`` order."""
    docs = await by_ids(await listed_ids(query, sort, skip, limit))
    return [InterviewSession.model_validate(doc) for doc in docs]


DUPLICATE_KEY = 11000  # another worker's backfill inserted that listing first


async def backfill_listings() -> int:
    """Sessions stored before the listings (or by hand) get theirs, and the sessions lose the indexes they had
    then (each one cost every session write); run at start-up, cheap when nothing is missing. Workers starting
    together may both backfill: a listing another inserted first is kept, and both copies agree."""
    sessions, listings = _collection(), _listings()
    if len(await sessions.index_information()) > 1:  # `_id_` is the only index a session keeps
        await sessions.drop_indexes()
    if await listings.estimated_document_count() >= await sessions.estimated_document_count():
        return 0
    listed_already = {doc["_id"] async for doc in listings.find({}, projection={"_id": 1})}
    missing = [doc["_id"] async for doc in sessions.find({}, projection={"_id": 1}) if doc["_id"] not in listed_already]
    for start in range(0, len(missing), 500):
        chunk = missing[start:start + 500]
        # below any session's version (a session stored before the listings has none: 0), so the copy lands
        placeholders = [{"_id": oid, LISTED_VERSION: -1} for oid in chunk]
        try:
            await listings.insert_many(placeholders, ordered=False)
        except BulkWriteError as error:
            if any(e.get("code") != DUPLICATE_KEY for e in error.details.get("writeErrors", [])):
                raise
        await relist(chunk)
    return len(missing)
