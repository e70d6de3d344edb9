"""Database round trips per request on the interview hot path, counted by a pymongo command listener.

Each budget is exact, so a change that adds a read or a write to create / precheck / start / answer / GET
/users/me shows up here (and is either justified by changing the budget, or removed)."""

from __future__ import annotations

import smtplib
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from bson import ObjectId
from litestar.testing import AsyncTestClient
from pymongo import MongoClient, monitoring

from candidatex.app import create_app
from candidatex.auth import tokens
from candidatex.core.mailer import Mailer, OutboxEmail
from candidatex.interviews.access import Action
from candidatex.interviews.models import SessionEvent
from candidatex.interviews.service import MAX_FOLLOW_UPS
from candidatex.users import store as user_store
from candidatex.users.models import User
from candidatex.ws.interview_stream import StreamConnection
from tests.auth.apps import served_beside
from tests.conftest import PASSWORD, make_settings, register
from tests.interviews.test_sessions_api import PRECHECK_OK, STRONG_ANSWER

HANDSHAKE = {"hello", "ismaster", "isMaster", "ping", "saslStart", "saslContinue", "endSessions", "buildInfo"}


class Counter(monitoring.CommandListener):
    def __init__(self) -> None:
        self.recording = False
        self.commands: list[tuple[str, str]] = []
        self.projections: list[tuple[str, Any]] = []  # each find's collection and projection
        self.filters: list[dict[str, Any]] = []  # each update's filter

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if self.recording and event.command_name not in HANDSHAKE:
            target = event.command.get(event.command_name)
            self.commands.append((event.command_name, target if isinstance(target, str) else ""))
            if event.command_name == "find":
                self.projections.append((target, event.command.get("projection")))
            if event.command_name == "update":
                self.filters.extend(statement["q"] for statement in event.command["updates"])

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


COUNTER = Counter()


@pytest.fixture(scope="module")
def counted_app(mongo_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    monitoring.register(COUNTER)  # applies to clients created from now on: this module's app only
    # no background queries while counting: the clock's overdue check and timer are far apart here
    settings = make_settings(mongo_url, tmp_path_factory.mktemp("trips"), DEADLINE_CHECK_SECONDS="3600",
                             INTERVIEW_TIMER_SECONDS="3600")
    yield create_app(settings)


@pytest.fixture(scope="module")
async def counted(client: AsyncTestClient, counted_app: Any) -> AsyncIterator[AsyncTestClient]:
    """The counted app's client; afterwards the session app's document binding is put back."""
    async with served_beside(client, counted_app) as counted_client:
        yield counted_client


@pytest.fixture
def steady_user_copy(monkeypatch: pytest.MonkeyPatch) -> None:
    # the per-token copies must not expire mid-test on a slow machine: the budgets count each exactly once
    monkeypatch.setattr(user_store, "REQUEST_USER_TTL_SECONDS", 3600.0)
    monkeypatch.setattr(tokens, "LIVE_FAMILY_TTL_SECONDS", 3600.0)


async def counted_request(client: AsyncTestClient, method: str, path: str, **kwargs: Any) -> tuple[Any, list]:
    COUNTER.commands.clear()
    COUNTER.projections.clear()
    COUNTER.filters.clear()
    COUNTER.recording = True
    try:
        response = await client.request(method, path, **kwargs)
    finally:
        COUNTER.recording = False
    assert response.status_code < 400, response.text
    return response, list(COUNTER.commands)


async def test_round_trips_of_the_interview_hot_path(counted: AsyncTestClient, steady_user_copy: None,
                                                     mongo_url: str) -> None:
    account = await register(counted)
    headers = account.headers
    _, first_read = await counted_request(counted, "GET", "/users/me", headers=headers)
    _, again = await counted_request(counted, "GET", "/users/me", headers=headers)
    created, create_trips = await counted_request(counted, "POST", "/interview/sessions", headers=headers, json={
        "type": "ai_mock", "mode": "technical", "job_title": "Backend Engineer", "question_count": 2,
        "duration_minutes": 10})
    sid = created.json()["data"]["session_id"]
    _, precheck_trips = await counted_request(counted, "POST", f"/interview/sessions/{sid}/precheck",
                                              headers=headers, json=PRECHECK_OK)
    _, start_trips = await counted_request(counted, "POST", f"/interview/sessions/{sid}/start", headers=headers)
    question = (await counted.get(f"/interview/sessions/{sid}/next-question", headers=headers)).json()["data"]["question"]
    # a thin answer gets a follow-up question; the follow-up's answer never does, so the next planned one follows
    thin, answer_trips = await counted_request(counted, "POST", f"/interview/sessions/{sid}/answer", headers=headers,
                                               json={"question_id": question["id"],
                                                     "content": "um I don't know, like, maybe"})
    # every write goes by the `_id` alone: no other condition is one SecantusDB's planner tries an index for first
    # (a bare equality or a plain range: three catalog reads each, core/writes.by_key)
    assert COUNTER.filters and all(list(q)[0] == "_id" for q in COUNTER.filters), COUNTER.filters
    assert not [(field, condition) for q in COUNTER.filters for field, condition in q.items() if field != "_id" and (
        not isinstance(condition, dict) or set(condition) <= {"$eq", "$gt", "$gte", "$lt", "$lte", "$in"})
        and condition is not None], COUNTER.filters
    probe = thin.json()["data"]["next_question"]
    assert probe["is_follow_up"] is True
    _, probe_trips = await counted_request(counted, "POST", f"/interview/sessions/{sid}/answer", headers=headers,
                                           json={"question_id": probe["id"], "content": STRONG_ANSWER})
    _, finalize_trips = await counted_request(counted, "POST", f"/interview/sessions/{sid}/finalize", headers=headers)
    sessions, events, listings = "interview_sessions", "interview_events", "interview_listings"
    # a write that changes a listed field (status, ends_at, ...) copies the session's listed fields, read after
    # it, into the listing: the only writes with secondary indexes to maintain (interviews/store.py)
    relist = [("find", sessions), ("update", listings)]
    # finalize: read (the candidate's check), end it and store the report made from that read in one write
    # guarded on what the read saw, numbering the `complete` event, write that event: no read after a write, one
    # rewrite of the session. What follows is other domains reacting to the end (screening reads the session,
    # anti-cheat seals its log in a task of its own, so whether its commands land inside the request is timing):
    # not this path's budget
    assert finalize_trips[:5] == [("find", sessions), ("update", sessions), *relist, ("insert", events)], finalize_trips
    # the user and the durable check of its sign-in session, once per token; then the per-process copies
    assert first_read == [("find", "users"), ("find", "refresh_token_families")]
    assert again == []
    # the listing first: a session is never stored without being in the lists
    assert create_trips == [("insert", listings), ("insert", sessions), ("insert", "audit_logs")]
    assert precheck_trips == [("find", sessions), ("update", sessions), *relist]
    # read, claim the start with its question plan and the numbers of its two events, write both events. Every
    # write is an update by _id, never a findAndModify: SecantusDB's findAndModify scans the whole collection
    # (store.py), so its cost grew with the number of sessions stored
    assert start_trips == [("find", sessions), ("update", sessions), *relist, ("insert", events)]
    # acknowledging takes three, none of them to a document with a secondary index (the session has none: the
    # indexes the lists need are the listing's, which an answer does not change): read, store the answer and number its `received` event, write that event
    assert answer_trips[:3] == [("find", sessions), ("update", sessions), ("insert", events)]
    # then the evaluation: store it with the numbers of the `evaluated` event and of the next `question`, write
    # both. A follow-up question is inserted by the same write as the evaluation (one rewrite of the session,
    # not two), numbering both events. No re-read of the session.
    next_planned = [("update", sessions), ("insert", events)]
    follow_up = [("update", sessions), ("insert", events)]
    assert answer_trips[3:] == follow_up, answer_trips
    assert probe_trips[:3] == answer_trips[:3]
    assert probe_trips[3:] == next_planned, probe_trips
    # the numbers taken in advance are the events' own: one gap-free sequence, in the order they happened
    stored = SessionEvent.get_pymongo_collection()  # read with a client of this test's own (another loop)
    with MongoClient(mongo_url) as reader:
        found = reader[stored.database.name][stored.name].find({"session_id": sid}).sort("seq")
        stream = [(e["seq"], e["type"], e["data"].get("stage") or e["data"].get("status") or
                   e["data"].get("is_follow_up")) for e in found]
    assert stream == [(1, "status", "active"), (2, "question", False), (3, "feedback", "received"),
                      (4, "feedback", "evaluated"), (5, "question", True), (6, "feedback", "received"),
                      (7, "feedback", "evaluated"), (8, "question", False), (9, "complete", "completed")], stream



class HeldSocket:
    """The stream's socket, keeping what it was sent (the round trips counted are the database's)."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    async def send_json(self, event: dict[str, Any]) -> None:
        self.sent.append(event)


async def counted_stream_answer(connection: StreamConnection, question_id: str, content: str) -> list:
    COUNTER.commands.clear()
    COUNTER.recording = True
    try:
        await connection.handle({"type": "answer", "question_id": question_id, "content": content})
        await connection.service.drain()  # the evaluation runs in the background: counted until it is done
    finally:
        COUNTER.recording = False
    errors = [e for e in connection.socket.sent if e["type"] == "error"]  # type: ignore[attr-defined]
    assert not errors, errors
    return list(COUNTER.commands)


async def test_a_stream_answer_does_not_read_the_session_it_holds(counted: AsyncTestClient, counted_app: Any,
                                                                  steady_user_copy: None) -> None:
    account = await register(counted)
    created = await counted.post("/interview/sessions", headers=account.headers, json={
        "type": "ai_mock", "mode": "technical", "job_title": "Backend Engineer", "question_count": 2,
        "duration_minutes": 10})
    sid = created.json()["data"]["session_id"]
    await counted.post(f"/interview/sessions/{sid}/precheck", headers=account.headers, json=PRECHECK_OK)
    await counted.post(f"/interview/sessions/{sid}/start", headers=account.headers)
    # the stream's side runs where the app runs (the test client's portal: its database client's event loop)
    counted.blocking_portal.call(stream_two_answers, counted_app, account.id, sid)


async def stream_two_answers(app: Any, user_id: str, sid: str) -> None:
    service = app.state.interview_service
    user = await User.get(user_id)
    assert user is not None
    held = await service.authorize(user, sid, Action.view)  # what the stream reads once, when it connects
    connection = StreamConnection(HeldSocket(), user, held, service, app.state.event_bus, {})  # type: ignore[arg-type]
    connection.sent_seq = held.event_seq  # the replay sent every stored event
    question = held.questions[0]
    thin = await counted_stream_answer(connection, question.id, "um I don't know, like, maybe")
    sessions, events = "interview_sessions", "interview_events"
    # acknowledged in two: store the answer (its filter checks what the read did: the question at that index,
    # the follow-ups asked, the deadline) with its event's number, write that event; then the evaluation as over
    # REST: store it and insert the follow-up in one write numbering both events, write both
    assert thin == [("update", sessions), ("insert", events), ("update", sessions), ("insert", events)], thin
    probe = connection.held.questions[connection.held.current_question_index]
    assert probe.is_follow_up is True
    # the follow-up's answer: the stream holds the session the evaluation left, follow-up included
    answered = await counted_stream_answer(connection, probe.id, STRONG_ANSWER)
    assert answered == [("update", sessions), ("insert", events), ("update", sessions), ("insert", events)], answered
    stream = [(e["seq"], e["type"], e["data"].get("stage") or e["data"].get("is_follow_up"))
              for e in await connection.bus.missed(sid, 0)]
    assert stream == [(1, "status", None), (2, "question", False), (3, "feedback", "received"),
                      (4, "feedback", "evaluated"), (5, "question", True), (6, "feedback", "received"),
                      (7, "feedback", "evaluated"), (8, "question", False)], stream


async def test_no_follow_up_write_once_the_limit_is_reached(counted: AsyncTestClient, steady_user_copy: None,
                                                            mongo_url: str) -> None:
    """Past the follow-up limit a thin answer is evaluated and the next planned question asked in one write: no
    write of a follow-up that cannot match, no read after it, no separate numbering of the next question."""
    account = await register(counted)
    headers = account.headers
    created = await counted.post("/interview/sessions", headers=headers, json={
        "type": "ai_mock", "mode": "technical", "job_title": "Backend Engineer", "question_count": 3,
        "duration_minutes": 10})
    sid = created.json()["data"]["session_id"]
    await counted.post(f"/interview/sessions/{sid}/precheck", headers=headers, json=PRECHECK_OK)
    await counted.post(f"/interview/sessions/{sid}/start", headers=headers)
    question = (await counted.get(f"/interview/sessions/{sid}/next-question", headers=headers)).json()["data"]["question"]
    for _ in range(MAX_FOLLOW_UPS):  # a thin answer and its follow-up's strong one, until the limit is reached
        thin = await counted.post(f"/interview/sessions/{sid}/answer", headers=headers,
                                  json={"question_id": question["id"], "content": "um I don't know, like, maybe"})
        probe = thin.json()["data"]["next_question"]
        assert probe["is_follow_up"] is True
        strong = await counted.post(f"/interview/sessions/{sid}/answer", headers=headers,
                                    json={"question_id": probe["id"], "content": STRONG_ANSWER})
        question = strong.json()["data"]["next_question"]
    assert question["is_follow_up"] is False
    last, trips = await counted_request(counted, "POST", f"/interview/sessions/{sid}/answer", headers=headers,
                                        json={"question_id": question["id"], "content": "um I don't know, like, maybe"})
    assert last.json()["data"]["next_question"] is None  # the limit holds: no third follow-up, all answered
    sessions, events = "interview_sessions", "interview_events"
    # read, store the answer numbering `received`, write it; store the evaluation numbering `evaluated` and the
    # all-answered status, write both
    assert trips == [("find", sessions), ("update", sessions), ("insert", events), ("update", sessions),
                     ("insert", events)], trips
    stored = SessionEvent.get_pymongo_collection()
    with MongoClient(mongo_url) as reader:
        seqs = [e["seq"] for e in reader[stored.database.name][stored.name].find({"session_id": sid}).sort("seq")]
    assert seqs == list(range(1, len(seqs) + 1)), seqs


async def test_point_reads_of_sessions_and_users_ask_for_the_whole_document(counted: AsyncTestClient,
                                                                           steady_user_copy: None) -> None:
    """The model's reads send no projection naming each of its fields (the same document comes back): SecantusDB
    spends about 2.5 times the CPU on a point read of a session that names every field (docs/performance.md)."""
    account = await register(counted)
    created = await counted.post("/interview/sessions", headers=account.headers, json={
        "type": "ai_mock", "mode": "technical", "job_title": "Backend Engineer", "question_count": 2,
        "duration_minutes": 10})
    sid = created.json()["data"]["session_id"]
    await counted_request(counted, "POST", f"/interview/sessions/{sid}/precheck", headers=account.headers,
                          json=PRECHECK_OK)
    session_reads = list(COUNTER.projections)
    user_store.forget(account.id)  # the next request reads the user again
    await counted_request(counted, "GET", "/users/me", headers=account.headers)
    user_reads = [read for read in COUNTER.projections if read[0] == "users"]
    # the precheck's read, and the read after its write that copies the listed fields into the listing
    assert session_reads == [("interview_sessions", None)] * 2, session_reads
    assert user_reads == [("users", None)], user_reads
    got = (await counted.get(f"/interview/sessions/{sid}", headers=account.headers)).json()["data"]
    assert got["status"] == "precheck" and got["job_title"] == "Backend Engineer"


async def test_register_writes_its_mail_once_without_a_find_and_modify(counted: AsyncTestClient, mongo_url: str) -> None:
    """A sign-up's confirmation mail is one insert, already `stored` (no SMTP): Beanie's `save()` after the insert
    was a `findAndModify`, which SecantusDB serves by scanning the whole outbox, so every sign-up cost more than
    the one before it."""
    email = f"trips-{ObjectId()}@example.com"
    _, trips = await counted_request(counted, "POST", "/auth/register", json={
        "email": email, "password": PASSWORD, "full_name": "Trips", "role": "candidate"})
    assert trips == [("find", "users"), ("insert", "users"), ("insert", "audit_logs"), ("insert", "action_tokens"),
                     ("insert", "outbox"), ("insert", "refresh_token_families")], trips
    stored = OutboxEmail.get_pymongo_collection()
    with MongoClient(mongo_url) as reader:
        mails = list(reader[stored.database.name][stored.name].find({"to": email}))
    assert [(m["subject"], m["status"]) for m in mails] == [("Confirm your CandidateX email", "stored")], mails


class RefusingSmtp:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise ConnectionRefusedError("no mail server here")


async def test_a_mail_over_smtp_is_stored_then_marked_by_its_id(counted: AsyncTestClient, counted_app: Any,
                                                                monkeypatch: pytest.MonkeyPatch, mongo_url: str) -> None:
    """With SMTP the mail is stored `pending` first (kept if the send never returns), then its outcome is set by
    an update by `_id`: never a findAndModify."""
    monkeypatch.setattr(smtplib, "SMTP", RefusingSmtp)
    settings = counted_app.state.settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_tls": False})
    to = f"smtp-{ObjectId()}@example.com"

    async def send() -> tuple[list, Any]:
        COUNTER.commands.clear()
        COUNTER.filters.clear()
        COUNTER.recording = True
        try:
            email = await Mailer(settings).send(to, "Hello", "body")
        finally:
            COUNTER.recording = False
        return list(COUNTER.commands), email

    trips, email = counted.blocking_portal.call(send)
    assert trips == [("insert", "outbox"), ("update", "outbox")], trips
    assert COUNTER.filters == [{"_id": email.id}]
    stored = OutboxEmail.get_pymongo_collection()
    with MongoClient(mongo_url) as reader:
        mail = reader[stored.database.name][stored.name].find_one({"to": to})
    assert mail is not None and (mail["status"], mail["error"]) == ("failed", "ConnectionRefusedError"), mail
