"""Every session-scoped endpoint x every kind of session x every kind of user, against a real server.

The endpoints come from the app's own routes, so a new one fails this test until it is given a row in
ENDPOINTS. Expected answers follow docs/api.md ("Who may see what"), written out here independently of
the policy module: 401 anonymous, 404 for a user with no part in the session (ids are not confirmed),
403 for a part without the right (or a candidate on a staff-only route), otherwise the request is
served (200/201, or a 409/422 about the session's state or the body, never a refusal).
"""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import websockets
from bson import ObjectId
from gridfs import GridFSBucket
from litestar import Litestar
from pymongo import ReturnDocument
from pymongo.database import Database
from websockets.exceptions import InvalidStatus

from tests.conftest import Account, make_admin, register
from tests.interviews.test_sessions_api import PRECHECK_OK
from tests.resumes.api_helpers import apply, create_job, uploaded_resume
from tests.resumes.conftest import RESUME_LINES, make_pdf

VIEW, TAKE, REVIEW, END, RECORDING = "view", "take", "review", "end", "recording"
# what each part in a session may do (docs/api.md)
RIGHTS = {"candidate": {VIEW, TAKE}, "interviewer": {VIEW, REVIEW, END, RECORDING}, "reviewer": {VIEW, REVIEW},
          "admin": {VIEW, REVIEW, END, RECORDING}}
SERVED = {200, 201, 409, 422}


@dataclass(frozen=True)
class Endpoint:
    action: str
    staff_only: bool = False  # a role guard answers 403 to every candidate before the session is looked up


S = "/interview/sessions/{session_id}"
ENDPOINTS: dict[tuple[str, str], Endpoint] = {
    ("WS", "/interview/{session_id}/stream"): Endpoint(VIEW),
    ("WS", "/live-interview/{session_id}"): Endpoint(VIEW),
    ("WS", "/interview/{session_id}/audio"): Endpoint(TAKE),
    ("GET", S): Endpoint(VIEW),
    ("GET", S + "/next-question"): Endpoint(VIEW),
    ("GET", S + "/summary"): Endpoint(VIEW),
    ("GET", S + "/signals"): Endpoint(VIEW),
    ("GET", S + "/integrity"): Endpoint(REVIEW, staff_only=True),
    ("GET", S + "/integrity/verify"): Endpoint(REVIEW, staff_only=True),
    ("POST", S + "/integrity/verify"): Endpoint(VIEW),  # against a checkpoint the caller was handed
    ("GET", S + "/integrity/checkpoints"): Endpoint(VIEW),
    ("GET", S + "/snapshots/{snapshot_id}"): Endpoint(REVIEW, staff_only=True),
    ("GET", S + "/flags"): Endpoint(VIEW),  # the candidate sees their own flags, reviewers theirs
    ("GET", S + "/flags/{index:int}/snapshot"): Endpoint(VIEW),
    ("POST", S + "/flags/{index:int}/appeal"): Endpoint(TAKE),  # only the candidate contests
    ("POST", S + "/flags/{index:int}/decision"): Endpoint(REVIEW, staff_only=True),
    ("GET", "/media/sessions/{session_id}/recording"): Endpoint(RECORDING, staff_only=True),
    ("POST", "/media/sessions/{session_id}/offer"): Endpoint(VIEW),
    ("POST", "/media/sessions/{session_id}/hangup"): Endpoint(VIEW),
    ("GET", S + "/proctoring/consent"): Endpoint(VIEW),
    ("POST", S + "/proctoring/consent"): Endpoint(TAKE),  # only the candidate agrees to the notice
    ("POST", S + "/precheck"): Endpoint(TAKE),
    ("POST", S + "/start"): Endpoint(TAKE),
    ("POST", S + "/signals"): Endpoint(TAKE),
    ("POST", S + "/answer"): Endpoint(TAKE),
    ("POST", S + "/voice-answer"): Endpoint(TAKE),
    ("POST", S + "/pause"): Endpoint(TAKE),
    ("POST", S + "/resume"): Endpoint(TAKE),
    ("POST", S + "/end"): Endpoint(END, staff_only=True),
    ("POST", S + "/finalize"): Endpoint(TAKE),
}
ACTORS = ("owner", "other_candidate", "job_recruiter", "other_recruiter", "admin", "anonymous")


def session_routes(app: Litestar) -> set[tuple[str, str]]:
    found = set()
    for route in app.routes:
        path = route.path.replace(":str", "")
        if "{session_id}" not in path or path.startswith("/users/"):
            continue  # /users/me/sessions/{id} are sign-in sessions, not interviews
        for method in getattr(route, "methods", None) or {"WS"}:
            if method not in ("OPTIONS", "HEAD"):
                found.add((method, path))
    return found


def test_every_session_endpoint_has_a_row(app: Litestar) -> None:
    assert session_routes(app) == set(ENDPOINTS), "give the new session endpoint a row in ENDPOINTS"


@dataclass
class World:
    users: dict[str, Account | None]
    sessions: dict[str, str]  # kind -> session id
    roles: dict[tuple[str, str], str | None]  # (kind, actor) -> part in the session
    snapshots: dict[str, str]
    flags: dict[str, str]  # kind -> index of a flag in the session's log
    resume_id: str
    application_id: str


async def build_world(http: httpx.AsyncClient, db: Database) -> World:
    owner, other_candidate = await register(http), await register(http)
    job_recruiter, other_recruiter = await register(http, "recruiter"), await register(http, "recruiter")
    admin = await make_admin(http, db)
    resume = await uploaded_resume(http, owner, make_pdf(RESUME_LINES))
    job = await create_job(http, job_recruiter, title=f"Engineer {uuid.uuid4().hex[:6]}")
    other_job = await create_job(http, other_recruiter)
    application = await apply(http, owner, job["id"], resume["id"])
    await apply(http, owner, other_job["id"], resume["id"])

    async def create(by: Account, **body: Any) -> str:
        response = await http.post("/interview/sessions", headers=by.headers, json={
            "mode": "technical", "job_title": "Engineer", "question_count": 2, "duration_minutes": 30, **body})
        assert response.status_code == 201, response.text
        return response.json()["data"]["session_id"]

    # the candidate's own practice for the job they applied to: naming the job shares nothing
    practice = await create(owner, type="ai_mock", job_id=job["id"])
    assert (await http.post(f"/interview/sessions/{practice}/precheck", json=PRECHECK_OK,
                            headers=owner.headers)).status_code == 200
    assert (await http.post(f"/interview/sessions/{practice}/start", headers=owner.headers)).status_code == 200
    sessions = {
        "practice": practice,
        "live_by_job_recruiter": await create(job_recruiter, type="live", candidate_id=owner.id, job_id=job["id"]),
        "live_by_other_recruiter": await create(other_recruiter, type="live", candidate_id=owner.id,
                                                job_id=other_job["id"]),
        "live_by_admin_for_the_job": await create(admin, type="live", candidate_id=owner.id, job_id=job["id"]),
        # tied to the job, but this candidate never applied to it: nothing of theirs reaches the job's recruiter
        "live_by_admin_not_applied": await create(admin, type="live", candidate_id=other_candidate.id,
                                                  job_id=job["id"]),
    }
    parts: dict[str, dict[str, str]] = {
        "practice": {"owner": "candidate", "admin": "admin"},
        "live_by_job_recruiter": {"owner": "candidate", "job_recruiter": "interviewer", "admin": "admin"},
        "live_by_other_recruiter": {"owner": "candidate", "other_recruiter": "interviewer", "admin": "admin"},
        "live_by_admin_for_the_job": {"owner": "candidate", "admin": "interviewer", "job_recruiter": "reviewer"},
        "live_by_admin_not_applied": {"other_candidate": "candidate", "admin": "interviewer"},
    }
    roles = {(kind, actor): parts[kind].get(actor) for kind in sessions for actor in ACTORS}
    snapshots, flags, recordings = {}, {}, GridFSBucket(db, bucket_name="recordings")
    for kind, sid in sessions.items():  # evidence to fetch, so an allowed request is a 200, not "none yet"
        snapshots[kind] = str(db.anti_cheat_snapshots.insert_one({"session_id": sid, "kind": "multiple_faces",
                                                                  "data": b"\xff\xd8jpeg",
                                                                  "content_type": "image/jpeg"}).inserted_id)
        recordings.upload_from_stream(f"{sid}.webm", b"webm", metadata={"session_id": sid,
                                                                         "content_type": "video/webm"})
        flag = {"event": "multiple_faces", "timestamp": datetime.now(UTC), "sequence_hash": "0" * 64,
                "details": {"source": "vision", "strike": 1, "threshold": 1, "snapshot": snapshots[kind]}}
        logged = db.interview_sessions.find_one_and_update({"_id": ObjectId(sid)}, {"$push": {"anti_cheat_log": flag}},
                                                           return_document=ReturnDocument.AFTER)
        flags[kind] = str(len(logged["anti_cheat_log"]) - 1)
    users: dict[str, Account | None] = {"owner": owner, "other_candidate": other_candidate,
                                        "job_recruiter": job_recruiter, "other_recruiter": other_recruiter,
                                        "admin": admin, "anonymous": None}
    return World(users, sessions, roles, snapshots, flags, resume["id"], application["id"])


def expected(endpoint: Endpoint, account: Account | None, part: str | None) -> int | str:
    if account is None:
        return 401
    if endpoint.staff_only and account.role == "candidate":
        return 403
    if part is None:
        return 404
    return "served" if endpoint.action in RIGHTS[part] else 403


async def call_http(http: httpx.AsyncClient, method: str, path: str, account: Account | None,
                    actor: str) -> httpx.Response:
    headers = account.headers if account else {}
    if path.endswith("/voice-answer"):
        return await http.post(path, headers=headers, data={"question_id": "q1"},
                               files={"file": ("a.wav", b"RIFF0000WAVE", "audio/wav")})
    body: Any = None
    if path.endswith("/precheck"):
        body = PRECHECK_OK
    elif path.endswith("/signals"):
        body = {"kind": "right_click", "seq": 1, "ts": 0, "data": {}, "hmac": "0" * 64}
    elif path.endswith("/answer"):
        body = {"question_id": "q1", "content": "An answer."}
    elif path.endswith("/integrity/verify"):
        body = {}
    elif path.endswith("/proctoring/consent"):
        body = {"notice_version": "2026-12-01"}
    elif path.endswith("/appeal"):
        body = {"comment": "I was alone; the second face is a poster behind me."}
    elif path.endswith("/decision"):
        body = {"outcome": "dismissed", "note": "access matrix"}
    elif path.endswith("/end"):
        body = {"reason": "access matrix"}
    elif path.endswith("/offer"):  # candidates publish, everyone else watches
        body = {"sdp": "v=0", "type": "offer", "direction": "publish" if actor == "owner" else "subscribe"}
    if method == "GET":
        return await http.get(path, headers=headers)
    return await http.post(path, headers=headers, json=body)


async def ws_opens(base: str, path: str, account: Account | None) -> bool:
    url = base.replace("http://", "ws://") + path + (f"?token={account.access_token}" if account else "")
    try:
        async with websockets.connect(url, open_timeout=10):
            return True
    except InvalidStatus as refused:  # refused before accept, whatever the reason
        assert refused.response.status_code in (401, 403)
        return False


def order(item: tuple[tuple[str, str], Endpoint]) -> int:
    (method, path), _ = item
    # read-only routes and sockets first; routes that change the session after them, ending it last
    return 0 if method in ("GET", "WS") else 2 if path.endswith(("/end", "/finalize")) else 1


async def test_access_matrix_over_every_session_endpoint(live_server: str, live_db: Database) -> None:
    async with httpx.AsyncClient(base_url=live_server, timeout=60) as http:
        world = await build_world(http, live_db)

        async def cell(method: str, template: str, endpoint: Endpoint, kind: str, actor: str) -> str | None:
            path = template.replace("{index:int}", world.flags[kind]).format(session_id=world.sessions[kind],
                                                                             snapshot_id=world.snapshots[kind])
            account = world.users[actor]
            want = expected(endpoint, account, world.roles[(kind, actor)])
            if method == "WS":
                opened = await ws_opens(live_server, path, account)
                if opened == (want == "served"):
                    return None
                return f"WS {template} {kind} {actor}: opened={opened}, expected {want}"
            response = await call_http(http, method, path, account, actor)
            got = response.status_code
            refused_as_missing = got == 404 and "Interview session not found" in response.text
            ok = (got in SERVED and not refused_as_missing) if want == "served" else got == want
            return None if ok else f"{method} {template} {kind} {actor}: {got}, expected {want}: {response.text[:160]}"

        results: list[str | None] = []
        for (method, template), endpoint in sorted(ENDPOINTS.items(), key=order):
            # one route at a time (reads before writes), all its cells at once: refusals never depend on state
            results += await asyncio.gather(*(cell(method, template, endpoint, kind, actor)
                                              for kind in world.sessions for actor in ACTORS))
        wrong = [r for r in results if r]
        assert not wrong, f"{len(wrong)} of {len(results)} cells wrong:\n" + "\n".join(wrong)
        assert len(results) == len(ENDPOINTS) * len(world.sessions) * len(ACTORS)


async def test_lists_show_a_recruiter_only_their_interviews(live_server: str, live_db: Database) -> None:
    async with httpx.AsyncClient(base_url=live_server, timeout=60) as http:
        world = await build_world(http, live_db)

        async def listed(actor: str, path: str = "/interview/sessions?limit=100") -> set[str]:
            data = (await http.get(path, headers=world.users[actor].headers)).json()["data"]
            return {item["session_id"] for item in data["items"]} & set(world.sessions.values())

        s = world.sessions
        assert await listed("job_recruiter") == {s["live_by_job_recruiter"], s["live_by_admin_for_the_job"]}
        assert await listed("other_recruiter") == {s["live_by_other_recruiter"]}
        assert await listed("other_candidate") == {s["live_by_admin_not_applied"]}
        # the practice interview is running: still not on another recruiter's "live now" board
        async def board(actor: str) -> set[str]:
            data = (await http.get("/interview/live?limit=500", headers=world.users[actor].headers)).json()["data"]
            return {item["session_id"] for item in data}

        assert s["practice"] not in await board("job_recruiter")
        assert s["practice"] in await board("admin")


@pytest.mark.parametrize("closing", ["rejected", "withdrawn"])
async def test_access_ends_when_the_application_closes(live_server: str, live_db: Database, closing: str) -> None:
    async with httpx.AsyncClient(base_url=live_server, timeout=60) as http:
        world = await build_world(http, live_db)
        recruiter, owner = world.users["job_recruiter"], world.users["owner"]
        tied = [world.sessions["live_by_job_recruiter"], world.sessions["live_by_admin_for_the_job"]]
        assert (await http.get(f"/resume/{world.resume_id}", headers=recruiter.headers)).status_code == 200
        for sid in tied:
            assert (await http.get(f"/interview/sessions/{sid}", headers=recruiter.headers)).status_code == 200
        if closing == "rejected":
            moved = await http.patch(f"/applications/{world.application_id}", headers=recruiter.headers,
                                     json={"status": "rejected"})
        else:
            moved = await http.post(f"/applications/{world.application_id}/withdraw", headers=owner.headers)
        assert moved.status_code == 200 and moved.json()["data"]["status"] == closing, moved.text

        assert (await http.get(f"/resume/{world.resume_id}", headers=recruiter.headers)).status_code == 404
        assert (await http.get(f"/resume/{world.resume_id}/download", headers=recruiter.headers)).status_code == 404
        for sid in tied:
            for path in (f"/interview/sessions/{sid}", f"/interview/sessions/{sid}/integrity",
                         f"/media/sessions/{sid}/recording"):
                assert (await http.get(path, headers=recruiter.headers)).status_code == 404, path
            assert (await http.post(f"/interview/sessions/{sid}/end", headers=recruiter.headers,
                                    json={})).status_code == 404
            assert not await ws_opens(live_server, f"/interview/{sid}/stream", recruiter)
            assert not await ws_opens(live_server, f"/live-interview/{sid}", recruiter)
        listed = (await http.get("/interview/sessions", headers=recruiter.headers)).json()["data"]["items"]
        assert not {item["session_id"] for item in listed} & set(tied)
        # the candidate and admins keep theirs; the other recruiter's application is untouched
        for sid in tied:
            assert (await http.get(f"/interview/sessions/{sid}", headers=owner.headers)).status_code == 200
            admin = world.users["admin"].headers
            assert (await http.get(f"/interview/sessions/{sid}", headers=admin)).status_code == 200
        other = world.users["other_recruiter"]
        assert (await http.get(f"/resume/{world.resume_id}", headers=other.headers)).status_code == 200
        # a closed application is final: the candidate cannot reopen it by withdrawing, nor the recruiter move it
        again = await http.post(f"/applications/{world.application_id}/withdraw", headers=owner.headers)
        assert again.status_code == 409
        assert live_db.interview_sessions.count_documents({"_id": {"$in": [ObjectId(s) for s in tied]},
                                                           "application_closed": True}) == 2


async def test_ending_over_the_signaling_socket_follows_the_same_policy(live_server: str, live_db: Database) -> None:
    async def next_of(ws: Any, wanted: str) -> dict[str, Any]:
        while True:
            event = json.loads(await asyncio.wait_for(ws.recv(), 15))
            if event["type"] in (wanted, "error"):
                return event

    def status(sid: str) -> str:
        return live_db.interview_sessions.find_one({"_id": ObjectId(sid)})["status"]

    async with httpx.AsyncClient(base_url=live_server, timeout=60) as http:
        world = await build_world(http, live_db)
        recruiter = world.users["job_recruiter"]
        base = live_server.replace("http://", "ws://")
        reviewed, run = world.sessions["live_by_admin_for_the_job"], world.sessions["live_by_job_recruiter"]
        async with websockets.connect(f"{base}/live-interview/{reviewed}?token={recruiter.access_token}") as ws:
            await ws.send(json.dumps({"type": "join"}))
            assert (await next_of(ws, "join"))["role"] == "watcher"  # the reviewer watches
            await ws.send(json.dumps({"type": "end"}))
            assert (await next_of(ws, "end"))["type"] == "error"
        assert status(reviewed) == "setup"
        async with websockets.connect(f"{base}/live-interview/{run}?token={recruiter.access_token}") as ws:
            await ws.send(json.dumps({"type": "join"}))
            assert (await next_of(ws, "join"))["role"] == "recruiter"
            # the application is rejected while the interviewer is still in the room: ending is refused too
            moved = await http.patch(f"/applications/{world.application_id}", headers=recruiter.headers,
                                     json={"status": "rejected"})
            assert moved.status_code == 200
            await ws.send(json.dumps({"type": "end"}))
            refused = await next_of(ws, "end")
            assert refused["type"] == "error" and refused["code"] == "not_found", refused
        assert status(run) == "setup"
