"""No lost updates on an interview session: many requests at once over real sockets (uvicorn + SecantusDB).

Every write of the session goes through interviews/store.py as one conditional update; these tests fire
pause / resume / answer / anti-cheat signals / finalize together and check that nothing anyone stored
disappears: events keep unique, contiguous numbers, each answer and each anti-cheat log entry that was
acknowledged is still there, a question keeps one answer, and an ended interview stays ended.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from typing import Any

import httpx
from bson import ObjectId
from pymongo.database import Database

from candidatex.anticheat.chain import verify_chain
from candidatex.anticheat.signals import sign_signal
from tests.anticheat.keys import server_chain_key
from tests.interviews.test_sessions_api import PRECHECK_OK, STRONG_ANSWER
from tests.interviews.test_stream import signup

PARALLEL = 20


async def begin(http: httpx.AsyncClient, user: dict[str, Any], question_count: int = 5) -> tuple[str, str]:
    body = {"type": "ai_mock", "mode": "behavioral", "job_title": "Backend Engineer",
            "question_count": question_count, "duration_minutes": 30}
    sid = (await http.post("/interview/sessions", json=body, headers=user["headers"])).json()["data"]["session_id"]
    assert (await http.post(f"/interview/sessions/{sid}/precheck", json=PRECHECK_OK,
                            headers=user["headers"])).status_code == 200
    started = await http.post(f"/interview/sessions/{sid}/start", headers=user["headers"])
    assert started.status_code == 200, started.text
    return sid, started.json()["data"]["anti_cheat_key"]


def signal(key: str, sid: str, seq: int, kind: str = "right_click") -> dict[str, Any]:
    ts = int(time.time() * 1000) + seq
    return {"kind": kind, "seq": seq, "ts": ts, "data": {}, "hmac": sign_signal(key.encode(), sid, seq, kind, ts, {})}


def assert_events_contiguous(db: Database, sid: str) -> list[dict[str, Any]]:
    doc = db.interview_sessions.find_one({"_id": ObjectId(sid)})
    seqs = [e["seq"] for e in db.interview_events.find({"session_id": sid}).sort("seq", 1)]
    assert seqs == list(range(1, doc["event_seq"] + 1)), "event numbers must be unique, gap-free and all stored"
    return list(db.interview_events.find({"session_id": sid}).sort("seq", 1))


async def test_interleaved_pause_resume_answers_and_signals_lose_nothing(live_server: str, live_db: Database) -> None:
    async with httpx.AsyncClient(base_url=live_server, timeout=60) as http:
        candidate = await signup(http)
        sid, key = await begin(http, candidate)
        path = f"/interview/sessions/{sid}"
        h = candidate["headers"]
        question_id = (await http.get(f"{path}/next-question", headers=h)).json()["data"]["question"]["id"]

        calls: list[tuple[str, Any]] = []
        for i in range(PARALLEL):
            calls += [("pause", http.post(f"{path}/pause", headers=h)),
                      ("resume", http.post(f"{path}/resume", headers=h)),
                      ("signal", http.post(f"{path}/signals", headers=h, json=signal(key, sid, i + 1))),
                      ("answer", http.post(f"{path}/answer", headers=h,
                                           json={"question_id": question_id, "content": f"{STRONG_ANSWER} #{i}"}))]
        responses = await asyncio.gather(*(call for _, call in calls))
        outcome = Counter((name, r.status_code) for (name, _), r in zip(calls, responses, strict=True))
        assert all(code in (200, 409) for _, code in outcome), outcome  # never a 500 (a duplicate seq used to be)
        assert outcome[("signal", 200)] == PARALLEL  # signals are taken while active or paused

        doc = live_db.interview_sessions.find_one({"_id": ObjectId(sid)})
        events = assert_events_contiguous(live_db, sid)
        # every acknowledged pause and resume left its status event; none was overwritten by another writer
        status_events = Counter(e["data"]["status"] for e in events if e["type"] == "status")
        assert status_events["paused"] == outcome[("pause", 200)] >= 1
        assert status_events["active"] == outcome[("resume", 200)] + 1  # + the start
        # every acknowledged signal is in the chained log, which still verifies
        signal_entries = [r.json()["data"]["results"] for (name, _), r in zip(calls, responses, strict=True)
                          if name == "signal"]
        assert len(doc["anti_cheat_log"]) == sum(len(results) for results in signal_entries) == PARALLEL
        assert verify_chain(doc["anti_cheat_log"], key=server_chain_key(sid)).valid
        assert doc["signal_last_seq"] == max(r["seq"] for results in signal_entries for r in results if r["accepted"])
        # one answer per question, whatever raced with it
        stored = [a["question_id"] for a in doc["answers"]]
        assert stored.count(question_id) == outcome[("answer", 200)] <= 1
        assert len(stored) == len(set(stored))
        feedback = [e for e in events if e["type"] == "feedback" and e["data"]["stage"] == "received"]
        assert len(feedback) == len(stored)

        # running again: answers to the current question race with signals; exactly one is stored, no entry lost
        await http.post(f"{path}/resume", headers=h)
        current = (await http.get(f"{path}/next-question", headers=h)).json()["data"]["question"]["id"]
        storm = [http.post(f"{path}/answer", headers=h,
                           json={"question_id": current, "content": f"{STRONG_ANSWER} {i}"}) for i in range(PARALLEL)]
        storm += [http.post(f"{path}/signals", headers=h, json=signal(key, sid, PARALLEL + 1 + i))
                  for i in range(PARALLEL)]
        replies = await asyncio.gather(*storm)
        assert Counter(r.status_code for r in replies[:PARALLEL]) == {200: 1, 409: PARALLEL - 1}
        assert all(r.status_code == 200 for r in replies[PARALLEL:])
        doc = live_db.interview_sessions.find_one({"_id": ObjectId(sid)})
        assert [a["question_id"] for a in doc["answers"]].count(current) == 1
        assert len(doc["anti_cheat_log"]) == 2 * PARALLEL
        assert verify_chain(doc["anti_cheat_log"], key=server_chain_key(sid)).valid
        assert_events_contiguous(live_db, sid)


async def test_one_answer_per_question_under_a_race(live_server: str, live_db: Database) -> None:
    async with httpx.AsyncClient(base_url=live_server, timeout=60) as http:
        candidate = await signup(http)
        sid, _ = await begin(http, candidate, question_count=2)
        h = candidate["headers"]
        path = f"/interview/sessions/{sid}"
        question_id = (await http.get(f"{path}/next-question", headers=h)).json()["data"]["question"]["id"]
        replies = await asyncio.gather(*(http.post(f"{path}/answer", headers=h,
                                                   json={"question_id": question_id, "content": f"{STRONG_ANSWER} v{i}"})
                                         for i in range(PARALLEL)))
        codes = Counter(r.status_code for r in replies)
        assert codes == {200: 1, 409: PARALLEL - 1}, codes
        assert {r.json()["error"]["code"] for r in replies if r.status_code == 409} <= {"ALREADY_ANSWERED",
                                                                                         "WRONG_QUESTION"}
        doc = live_db.interview_sessions.find_one({"_id": ObjectId(sid)})
        mine = [a for a in doc["answers"] if a["question_id"] == question_id]
        winner = next(r for r in replies if r.status_code == 200)
        assert len(mine) == 1 and mine[0]["evaluation"] == winner.json()["data"]["evaluation"]
        assert doc["current_question_index"] == 1
        assert_events_contiguous(live_db, sid)


async def test_finalize_races_once_and_an_ended_session_cannot_be_reopened(live_server: str,
                                                                           live_db: Database) -> None:
    async with httpx.AsyncClient(base_url=live_server, timeout=60) as http:
        candidate = await signup(http)
        sid, key = await begin(http, candidate)
        path = f"/interview/sessions/{sid}"
        h = candidate["headers"]
        await http.post(f"{path}/pause", headers=h)
        calls = [http.post(f"{path}/finalize", headers=h) for _ in range(PARALLEL)]
        calls += [http.post(f"{path}/resume", headers=h) for _ in range(PARALLEL // 2)]
        calls += [http.post(f"{path}/signals", headers=h, json=signal(key, sid, i + 1)) for i in range(PARALLEL // 2)]
        replies = await asyncio.gather(*calls)
        finals = Counter(r.status_code for r in replies[:PARALLEL])
        assert finals == {200: 1, 409: PARALLEL - 1}, finals
        assert all(r.status_code in (200, 409) for r in replies)
        acknowledged = sum(len(r.json()["data"]["results"]) for r in replies[PARALLEL + PARALLEL // 2:]
                           if r.status_code == 200)

        # nothing reopens it: every state change is refused and the document stays as the finalizer left it
        reopen = [http.post(f"{path}/{action}", headers=h) for action in ("resume", "pause", "start") * 7]
        reopen += [http.post(f"{path}/precheck", headers=h, json=PRECHECK_OK) for _ in range(3)]
        reopen += [http.post(f"{path}/signals", headers=h, json=signal(key, sid, 100 + i)) for i in range(3)]
        after = await asyncio.gather(*reopen)
        assert {r.status_code for r in after} == {409}, Counter((r.request.url.path, r.status_code) for r in after)
        doc = live_db.interview_sessions.find_one({"_id": ObjectId(sid)})
        assert doc["status"] == "completed" and doc["result"]["reason"] == "finalized"
        assert len(doc["anti_cheat_log"]) == acknowledged and verify_chain(doc["anti_cheat_log"], key=server_chain_key(sid)).valid
        events = assert_events_contiguous(live_db, sid)
        assert [e["type"] for e in events].count("complete") == 1
